#include "xmas/dist/world.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <torch/torch.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "xmas/util/log.h"

namespace xmas::dist {

struct World::Impl {
  c10::intrusive_ptr<::c10d::Store> store;
  c10::intrusive_ptr<::c10d::ProcessGroupGloo> group;
};

namespace {

std::string ExceptionText(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  std::string text = e.what();
  return text.substr(0, text.find('\n'));  // one line
}

// Runs a c10d call, turning its exceptions into an IoError naming `what`.
template <typename F>
Status Guard(const std::string& what, F&& f) {
  try {
    f();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::IoError("distributed " + what + ": " + ExceptionText(e));
  }
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The network device Gloo binds: GLOO_SOCKET_IFNAME's interfaces (as
// torch.distributed), loopback when the job runs on this machine only, else
// the address this machine's hostname resolves to.
std::vector<std::shared_ptr<::gloo::transport::Device>> GlooDevices(const WorldInfo& info) {
  std::vector<std::shared_ptr<::gloo::transport::Device>> devices;
  std::stringstream names(info.gloo_interfaces);
  for (std::string name; std::getline(names, name, ',');) {
    if (!name.empty()) devices.push_back(::c10d::ProcessGroupGloo::createDeviceForInterface(name));
  }
  if (devices.empty() && IsLoopback(info.master_addr)) {
    devices.push_back(::c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  }
  if (devices.empty()) devices.push_back(::c10d::ProcessGroupGloo::createDefaultDevice());
  return devices;
}

Status MakeStatus(int code, const std::string& message) {
  switch (static_cast<Status::Code>(code)) {
    case Status::Code::kInvalidInput: return Status::InvalidInput(message);
    case Status::Code::kNotFound: return Status::NotFound(message);
    case Status::Code::kIoError: return Status::IoError(message);
    case Status::Code::kUsage: return Status::Usage(message);
    default: return Status::Internal(message);
  }
}

}  // namespace

World::World(WorldInfo info, std::unique_ptr<Impl> impl) : info_(std::move(info)), impl_(std::move(impl)) {}
World::~World() = default;

std::shared_ptr<World> World::Single() {
  return std::shared_ptr<World>(new World(WorldInfo{}, std::make_unique<Impl>()));
}

Result<std::shared_ptr<World>> World::Join(const WorldInfo& info, std::chrono::seconds timeout) {
  if (!info.distributed()) return Single();
  auto impl = std::make_unique<Impl>();
  const std::string where = "rendezvous at " + info.master_addr + ":" + std::to_string(info.master_port) +
                            " (rank " + std::to_string(info.rank) + " of " + std::to_string(info.size) + ")";
  XMAS_RETURN_IF_ERROR(Guard(where, [&] {
    ::c10d::TCPStoreOptions store;
    store.port = static_cast<std::uint16_t>(info.master_port);
    store.isServer = !info.agent_store && info.rank == 0;
    store.numWorkers = static_cast<std::size_t>(info.size);
    store.timeout = timeout;
    auto tcp = c10::make_intrusive<::c10d::TCPStore>(info.master_addr, store);
    impl->store = tcp;
    if (info.agent_store) {
      impl->store = c10::make_intrusive<::c10d::PrefixStore>(
          "/worker/attempt_" + std::to_string(info.restart_count), tcp);
    }
    auto options = ::c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices = GlooDevices(info);
    options->threads = static_cast<int>(options->devices.size()) * 2;
    impl->group = c10::make_intrusive<::c10d::ProcessGroupGloo>(impl->store, info.rank, info.size, options);
  }));
  return std::shared_ptr<World>(new World(info, std::move(impl)));
}

::c10d::ProcessGroup* World::group() const { return impl_->group.get(); }

Status World::Barrier() {
  if (size() == 1) return Status::Ok();
  return Guard("barrier", [&] { impl_->group->barrier()->wait(); });
}

Result<std::vector<std::string>> World::AllGatherBytes(const std::string& mine) {
  if (size() == 1) return std::vector<std::string>{mine};
  std::vector<std::string> out(static_cast<size_t>(size()));
  XMAS_RETURN_IF_ERROR(Guard("all-gather", [&] {
    // Sizes first, then every blob padded to the largest.
    std::vector<at::Tensor> in{torch::tensor({static_cast<int64_t>(mine.size())}, torch::kLong)};
    std::vector<std::vector<at::Tensor>> sizes(1);
    for (int r = 0; r < size(); ++r) sizes[0].push_back(torch::zeros({1}, torch::kLong));
    impl_->group->allgather(sizes, in)->wait();
    int64_t longest = 1;
    for (const auto& t : sizes[0]) longest = std::max(longest, t.item<int64_t>());
    std::vector<at::Tensor> blob{torch::zeros({longest}, torch::kUInt8)};
    std::copy(mine.begin(), mine.end(), blob[0].data_ptr<uint8_t>());
    std::vector<std::vector<at::Tensor>> blobs(1);
    for (int r = 0; r < size(); ++r) blobs[0].push_back(torch::zeros({longest}, torch::kUInt8));
    impl_->group->allgather(blobs, blob)->wait();
    for (int r = 0; r < size(); ++r) {
      const auto* p = reinterpret_cast<const char*>(blobs[0][r].data_ptr<uint8_t>());
      out[static_cast<size_t>(r)].assign(p, static_cast<size_t>(sizes[0][r].item<int64_t>()));
    }
  }));
  return out;
}

Result<std::string> World::BroadcastBytes(const std::string& bytes, int root) {
  if (size() == 1) return bytes;
  std::string out;
  XMAS_RETURN_IF_ERROR(Guard("broadcast", [&] {
    ::c10d::BroadcastOptions opts;
    opts.rootRank = root;
    std::vector<at::Tensor> length{torch::tensor({static_cast<int64_t>(bytes.size())}, torch::kLong)};
    impl_->group->broadcast(length, opts)->wait();
    const int64_t n = length[0].item<int64_t>();
    std::vector<at::Tensor> blob{torch::zeros({std::max<int64_t>(n, 1)}, torch::kUInt8)};
    if (rank() == root) std::copy(bytes.begin(), bytes.end(), blob[0].data_ptr<uint8_t>());
    impl_->group->broadcast(blob, opts)->wait();
    out.assign(reinterpret_cast<const char*>(blob[0].data_ptr<uint8_t>()), static_cast<size_t>(n));
  }));
  return out;
}

Status World::AgreeOk(const Status& local) {
  if (size() == 1) return local;
  const std::string mine = local.ok() ? "" : std::to_string(static_cast<int>(local.code())) + ":" + local.message();
  XMAS_ASSIGN_OR_RETURN(auto all, AllGatherBytes(mine));
  if (!local.ok()) return local;
  for (int r = 0; r < size(); ++r) {
    const std::string& e = all[static_cast<size_t>(r)];
    if (e.empty()) continue;
    const size_t colon = e.find(':');
    return MakeStatus(std::atoi(e.substr(0, colon).c_str()), "rank " + std::to_string(r) + ": " + e.substr(colon + 1));
  }
  return Status::Ok();
}

Status World::CheckSame(const std::string& what, const std::string& value) {
  XMAS_ASSIGN_OR_RETURN(auto all, AllGatherBytes(value));
  for (int r = 1; r < size(); ++r) {
    if (all[static_cast<size_t>(r)] != all[0]) {
      return Status::Usage(what + ": rank " + std::to_string(r) + " has '" + all[static_cast<size_t>(r)] +
                           "', rank 0 has '" + all[0] + "'");
    }
  }
  return Status::Ok();
}

Result<std::shared_ptr<World>> JoinFromEnv() {
  XMAS_ASSIGN_OR_RETURN(WorldInfo info, WorldInfoFromEnv());
  XMAS_ASSIGN_OR_RETURN(auto world, World::Join(info, std::chrono::seconds(info.timeout_seconds)));
  if (world->size() > 1) log::Debug("joined: ", info.ToString());
  if (world->is_main() && world->size() > 1) {
    log::Info("distributed: ", info.size, " processes (", info.launcher, ", Gloo)");
  }
  return world;
}

void QuietUnlessMain(const World& world) {
  if (!world.is_main() && log::GetLevel() < log::Level::kWarn) log::SetLevel(log::Level::kWarn);
}

}  // namespace xmas::dist
