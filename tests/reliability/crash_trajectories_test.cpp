// kill -9 during `xmas trajectories` (which resumes into a non-empty --out
// by default) at four moments: a timed one and just after the 1st, 3rd and
// 5th new output file appears. Running the same command again must finish
// with a store whose every file equals the uninterrupted run's, byte for byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "crash_common.h"
#include "kill_run.h"

namespace xmas::reliability {
namespace {

size_t CountFiles(const std::string& dir) {
  size_t n = 0;
  for (const auto& [path, bytes] : FilesUnder(dir)) n += path.find(".tmp-") == std::string::npos;
  return n;
}

TEST(CrashSafety, TrajectoriesKilledAtFourMomentsResumesToTheSameStore) {
  const Reference& ref = GetReference();
  const std::string out = ref.toy->dir + "/killed_store";
  const auto args = TrajectoriesArgs(*ref.toy, ref.train_run, out);
  const std::string log = ref.toy->dir + "/killed_traj.log";
  const size_t total = CountFiles(ref.store);
  ASSERT_GT(total, 8u);

  KillOutcome timed = RunXmasKillWhen(args, log, [&](double t) { return t > 0.3 * ref.store_seconds; });
  ASSERT_TRUE(timed.killed) << "ended (exit " << timed.exit_code << ") before the timed kill";
  for (size_t k : {1, 3, 5}) {
    const size_t before = CountFiles(out);
    KillOutcome run = RunXmasKillWhen(args, log, [&](double) { return CountFiles(out) >= before + k; });
    ASSERT_TRUE(run.killed) << "ended (exit " << run.exit_code << ") before file " << before + k << " of "
                            << total << " appeared";
  }
  KillOutcome last = RunXmasKillWhen(args, log, nullptr);
  ASSERT_EQ(last.exit_code, 0) << "resuming after the kills failed; see " << log;

  auto want = FilesUnder(ref.store), got = FilesUnder(out);
  for (const auto& [path, bytes] : want) {
    ASSERT_TRUE(got.count(path)) << path << " is missing from the resumed store";
    EXPECT_TRUE(got.at(path) == bytes) << path << " differs from the uninterrupted run";
  }
  for (const auto& [path, bytes] : got) EXPECT_TRUE(want.count(path)) << "extra file " << path;
  EXPECT_EQ(TempFilesUnder(out), std::vector<std::string>{});  // the killed runs' unfinished files are gone
}

}  // namespace
}  // namespace xmas::reliability
