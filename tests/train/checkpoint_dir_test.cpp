#include "xmas/train/checkpoint_dir.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "xmas/train/metrics_log.h"
#include "xmas/train/trainer_state.h"
#include "xmas/util/atomic_file.h"

namespace fs = std::filesystem;

namespace xmas::train {
namespace {

class RunDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("xmas_train_ckpt_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(RunDir, AtomicDirAppearsOnlyWhenComplete) {
  const std::string target = dir_ + "/" + CheckpointName(4);
  Status st = WriteDirAtomic(target, [&](const std::string& tmp) {
    EXPECT_FALSE(fs::exists(target));
    XMAS_RETURN_IF_ERROR(WriteFileAtomic(tmp + "/trainer_state.json", "{}"));
    return Status::IoError("disk full (simulated)");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(fs::is_empty(dir_)) << "the failed temporary was not removed";

  ASSERT_TRUE(WriteDirAtomic(target, [](const std::string& tmp) {
                return WriteFileAtomic(tmp + "/trainer_state.json", "{}");
              }).ok());
  // Replacing an existing directory works and drops its old files.
  ASSERT_TRUE(WriteFileAtomic(target + "/stale", "x").ok());
  ASSERT_TRUE(WriteDirAtomic(target, [](const std::string& tmp) {
                return WriteFileAtomic(tmp + "/trainer_state.json", "{}");
              }).ok());
  EXPECT_FALSE(fs::exists(target + "/stale"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(RunDir, LatestCheckpointIgnoresIncompleteAndForeignDirs) {
  EXPECT_EQ(LatestCheckpoint(dir_).status().code(), Status::Code::kNotFound);
  for (int step : {2, 10, 9}) {
    fs::create_directories(dir_ + "/" + CheckpointName(step));
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/" + CheckpointName(step) + "/trainer_state.json", "{}").ok());
  }
  fs::create_directories(dir_ + "/checkpoint-12");  // no trainer_state.json: incomplete
  fs::create_directories(dir_ + "/checkpoint-x1");
  EXPECT_EQ(ListCheckpoints(dir_), (std::vector<int64_t>{2, 9, 10}));
  EXPECT_EQ(*LatestCheckpoint(dir_), dir_ + "/checkpoint-10");

  ASSERT_TRUE(WriteFileAtomic(dir_ + "/notes.txt", "keep me").ok());
  ASSERT_TRUE(ClearRunOutputs(dir_).ok());
  EXPECT_TRUE(fs::exists(dir_ + "/notes.txt"));
  EXPECT_TRUE(fs::exists(dir_ + "/checkpoint-x1"));
  EXPECT_FALSE(fs::exists(dir_ + "/checkpoint-2"));
  EXPECT_FALSE(fs::exists(dir_ + "/checkpoint-12"));
}

// A pid that no process has any more: a child that has exited and been reaped.
long DeadPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

TEST_F(RunDir, RecoversWhatAKilledRunLeft) {
  const std::string dead = std::to_string(DeadPid());
  const std::string alive = std::to_string(::getpid());
  auto make = [&](const std::string& name, const std::string& content) {
    fs::create_directories(dir_ + "/" + name);
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/" + name + "/trainer_state.json", content).ok());
  };
  make(CheckpointName(4), "four");
  make(".checkpoint-6.tmp-new-" + dead + "-0", "half six");         // killed while writing
  make(".checkpoint-4.tmp-old-" + dead + "-3", "stale four");       // killed after the rename
  make(".checkpoint-8.tmp-old-" + dead + "-1", "eight");            // killed between the renames
  make(".checkpoint-9.tmp-new-" + alive + "-0", "being written");   // a live writer's: untouched
  make(".final.tmp-new-" + dead + "-2", "half final");

  ASSERT_TRUE(RecoverInterruptedWrites(dir_).ok());
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".checkpoint-9.tmp-new-" + alive + "-0", "checkpoint-4",
                                             "checkpoint-8"}));
  EXPECT_EQ(*ReadFile(dir_ + "/checkpoint-4/trainer_state.json"), "four");
  EXPECT_EQ(*ReadFile(dir_ + "/checkpoint-8/trainer_state.json"), "eight");
  EXPECT_EQ(ListCheckpoints(dir_), (std::vector<int64_t>{4, 8}));
}

TEST_F(RunDir, TrainerStateRoundTripsAndChecksSettings) {
  TrainerState s;
  s.global_step = 5;
  s.epoch = 1;
  s.batch_in_epoch = 3;
  s.tokens = 1234;
  s.seconds = 1.5;
  s.last_loss = 0.1234567890123;
  s.total_steps = 20;
  s.warmup_steps = 1;
  s.learning_rate = 1e-3;
  s.seed = 42;
  s.batch_size = 2;
  s.grad_accum = 2;
  s.num_examples = 9;
  s.stage = "finetune";
  s.trainable = "connector,llm";
  const std::string path = dir_ + "/trainer_state.json";
  ASSERT_TRUE(WriteTrainerState(path, s).ok());
  auto back = ReadTrainerState(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->global_step, 5);
  EXPECT_EQ(back->batch_in_epoch, 3);
  EXPECT_EQ(back->last_loss, s.last_loss);
  EXPECT_EQ(back->trainable, "connector,llm");
  EXPECT_TRUE(CheckCompatible(*back, s, path).ok());

  TrainerState other = s;
  other.seed = 43;
  Status st = CheckCompatible(*back, other, path);
  EXPECT_EQ(st.code(), Status::Code::kUsage);
  EXPECT_NE(st.message().find("'seed'"), std::string::npos) << st.message();

  ASSERT_TRUE(WriteFileAtomic(path, "{\"global_step\": 1}").ok());
  auto bad = ReadTrainerState(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'epoch'"), std::string::npos) << bad.status().message();
}

TEST_F(RunDir, MetricsLogAppendsAndCutsBackOnResume) {
  const std::string path = dir_ + "/metrics.jsonl";
  {
    auto log = MetricsLog::Open(path, -1);
    ASSERT_TRUE(log.ok());
    for (int s = 1; s <= 5; ++s) ASSERT_TRUE(log->Append({s, 0, 1.0 / s, 1e-3, 0.5, 10 * s, 0.1 * s}).ok());
  }
  auto rows = ReadMetrics(path);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[2].loss, 1.0 / 3);  // full precision survives the text form
  {
    auto log = MetricsLog::Open(path, 3);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE(log->Append({4, 0, 9.0, 0, 0, 0, 0}).ok());
  }
  rows = ReadMetrics(path);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ(rows->back().loss, 9.0);

  ASSERT_TRUE(WriteFileAtomic(path, "{\"step\":1,\"loss\":1}\nnot json\n").ok());
  auto bad = ReadMetrics(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace xmas::train
