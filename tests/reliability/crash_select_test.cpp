// kill -9 during `xmas select` (60k examples, so there is time to land in
// the middle: k-means): once at half the uninterrupted run's wall time, once
// just after the subset file appears (before the report). After a kill the
// subset is absent or complete, never partial; running the command again
// gives the uninterrupted run's subset byte for byte and the same report
// (times and its own path aside).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

#include "crash_common.h"
#include "kill_run.h"
#include "xmas/store/store.h"

namespace xmas::reliability {
namespace {
namespace fs = std::filesystem;

class SelectData {
 public:
  SelectData() : dir_(fs::temp_directory_path() / ("xmas_crash_select_" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const size_t n = 60000;
    std::ofstream json(data());
    json << "[\n";
    std::vector<std::string> ids;
    for (size_t i = 0; i < n; ++i) {
      const std::string id = "r" + std::to_string(i), image = "img/" + std::to_string(i) + ".jpg";
      json << "{\"id\": \"" << id << "\", \"image\": \"" << image
           << "\", \"conversations\": [{\"from\": \"human\", \"value\": \"<image>\\nq\"}, "
              "{\"from\": \"gpt\", \"value\": \"a\"}]}"
           << (i + 1 < n ? ",\n" : "\n]\n");
      ids.push_back(id + "::" + image);
    }
    json.close();
    auto writer = xmas::store::StoreWriter::Create(store(), ids, std::vector<uint8_t>(n, 1));
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.f, 1.f);
    std::vector<float> values(n * 3);
    for (int64_t step : {100, 200, 300, 400}) {
      for (size_t i = 0; i < values.size(); ++i) values[i] = std::abs(noise(rng)) + float(i % 7);
      EXPECT_TRUE(writer->AddCheckpoint(xmas::store::feature::kSvd, step, values.data(), 3).ok());
    }
    writer->SetTopK(3);
    EXPECT_TRUE(writer->Finish().ok());
  }
  ~SelectData() { fs::remove_all(dir_); }
  std::string data() const { return (dir_ / "data.json").string(); }
  std::string store() const { return (dir_ / "store").string(); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

std::vector<std::string> SelectArgs(const SelectData& d, const std::string& out) {
  return {"--quiet", "select", "--trajectories", d.store(), "--data", d.data(), "--budget", "20%",
          "--method", "xmas", "--clusters", "60", "--threads", "1", "-o", d.path(out)};
}

nlohmann::json ReportWithoutTimings(const std::string& path) {
  std::ifstream in(path);
  auto j = nlohmann::json::parse(in, nullptr, false);
  EXPECT_TRUE(j.is_object()) << path;
  // What may differ between two runs: wall and CPU times, and the output's own path.
  for (const char* key : {"timings_seconds", "cpu_seconds", "output"}) {
    if (j.is_object()) j.erase(key);
  }
  return j;
}

std::string Bytes(const std::string& path) {
  auto files = FilesUnder(fs::path(path).parent_path().string());
  auto it = files.find(fs::path(path).filename().string());
  return it == files.end() ? "" : it->second;
}

TEST(CrashSafety, SelectKilledTwiceThenRerunGivesTheSameSubset) {
  SelectData d;
  const std::string log = d.path("select.log");
  KillOutcome ref = RunXmasKillWhen(SelectArgs(d, "ref.json"), log, nullptr);
  ASSERT_EQ(ref.exit_code, 0) << "see " << log;
  const std::string want = Bytes(d.path("ref.json"));
  ASSERT_FALSE(want.empty());

  const std::string out = d.path("subset.json");
  KillOutcome timed = RunXmasKillWhen(SelectArgs(d, "subset.json"), log, [&](double t) { return t > 0.5 * ref.seconds; });
  ASSERT_TRUE(timed.killed) << "ended (exit " << timed.exit_code << ") before half its reference time";
  EXPECT_TRUE(!fs::exists(out) || Bytes(out) == want) << "a partial subset was left";
  fs::remove(out);
  KillOutcome appeared = RunXmasKillWhen(SelectArgs(d, "subset.json"), log, [&](double) { return fs::exists(out); });
  ASSERT_TRUE(appeared.killed) << "ended (exit " << appeared.exit_code << ") before the subset appeared";
  EXPECT_TRUE(Bytes(out) == want) << "the subset visible after the kill is not the complete one";

  KillOutcome last = RunXmasKillWhen(SelectArgs(d, "subset.json"), log, nullptr);
  ASSERT_EQ(last.exit_code, 0) << "see " << log;
  EXPECT_TRUE(Bytes(out) == want);
  EXPECT_EQ(ReportWithoutTimings(d.path("subset.report.json")), ReportWithoutTimings(d.path("ref.report.json")));
  for (const auto& temp : TempFilesUnder(d.path(""))) std::cout << "left by a kill: " << temp << "\n";
}

}  // namespace
}  // namespace xmas::reliability
