#include "crash_common.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kill_run.h"

namespace xmas::reliability {
namespace fs = std::filesystem;

std::vector<std::string> TrainArgs(const train::testing::ToyData& toy, const std::string& run) {
  return {"--quiet", "train", "--data", toy.json, "--image-folder", toy.image_folder, "--config", toy.config,
          "--stage", "finetune", "--trainable", "vision,connector,llm", "--lr", "2e-3", "--batch-size", "2",
          "--grad-accum", "1", "--seed", "5", "--threads", "1", "--tokenizer-vocab", "400",
          "--max-steps", "10", "--save-every", "2", "--out", toy.dir + "/" + run};
}

std::vector<std::string> TrajectoriesArgs(const train::testing::ToyData& toy, const std::string& run_dir,
                                          const std::string& out) {
  return {"--quiet", "trajectories", "--run", run_dir, "--data", toy.json, "--image-folder", toy.image_folder,
          "--checkpoints", "all", "--k", "3", "--batch-size", "1", "--threads", "1",
          "--features", "svd,loss,el2n", "--out", out};
}

const Reference& GetReference() {
  // Destroyed at exit, which removes the toy directory and every run in it.
  static std::unique_ptr<Reference> ref = [] {
    auto r = std::make_unique<Reference>();
    r->toy = std::make_unique<train::testing::ToyData>();
    r->train_run = r->toy->dir + "/ref";
    const std::string log = r->toy->dir + "/ref.log";
    KillOutcome train = RunXmasKillWhen(TrainArgs(*r->toy, "ref"), log, nullptr);
    EXPECT_EQ(train.exit_code, 0) << "reference training failed; see " << log;
    r->train_seconds = train.seconds;
    r->store = r->toy->dir + "/ref_store";
    KillOutcome traj = RunXmasKillWhen(TrajectoriesArgs(*r->toy, r->train_run, r->store), log, nullptr);
    EXPECT_EQ(traj.exit_code, 0) << "reference trajectories failed; see " << log;
    r->store_seconds = traj.seconds;
    return r;
  }();
  return *ref;
}

std::map<std::string, std::string> FilesUnder(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file() || it->path().string().find(".tmp-") != std::string::npos) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    files[fs::relative(it->path(), dir).string()] = bytes.str();
  }
  return files;
}

std::vector<std::string> TempFilesUnder(const std::string& dir) {
  std::vector<std::string> temps;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.find(".tmp-") != std::string::npos) temps.push_back(fs::relative(it->path(), dir).string());
  }
  return temps;
}

size_t CountLines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

}  // namespace xmas::reliability
