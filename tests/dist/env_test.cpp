#include <gtest/gtest.h>

#include <map>

#include "xmas/dist/env.h"
#include "xmas/train/sampler.h"

namespace xmas::dist {
namespace {

Result<WorldInfo> FromMap(const std::map<std::string, std::string>& vars) {
  return WorldInfoFromEnv([&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

TEST(WorldInfoFromEnv, NoLauncherIsOneProcess) {
  auto info = FromMap({{"SLURM_NTASKS", "4"}, {"SLURM_PROCID", "0"}});  // an sbatch script, no srun
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 1);
  EXPECT_EQ(info->rank, 0);
  EXPECT_FALSE(info->distributed());
  EXPECT_EQ(info->launcher, "none");
}

TEST(WorldInfoFromEnv, Torchrun) {
  auto info = FromMap({{"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "node7"},
                       {"MASTER_PORT", "29600"}, {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                       {"TORCHELASTIC_RESTART_COUNT", "2"}, {"SLURM_PROCID", "0"},
                       {"SLURM_STEP_NUM_TASKS", "1"}});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->launcher, "torchrun");  // wins over Slurm's variables
  EXPECT_EQ(info->rank, 3);
  EXPECT_EQ(info->size, 4);
  EXPECT_EQ(info->local_rank, 1);
  EXPECT_EQ(info->master_addr, "node7");
  EXPECT_EQ(info->master_port, 29600);
  EXPECT_TRUE(info->agent_store);
  EXPECT_EQ(info->restart_count, 2);
  EXPECT_EQ(info->ToString(), "rank 3 of 4 (local 1, torchrun, master node7:29600)");
}

TEST(WorldInfoFromEnv, SrunOnOneNodeDefaultsToLoopback) {
  auto info = FromMap({{"SLURM_PROCID", "1"}, {"SLURM_STEP_NUM_TASKS", "2"}, {"SLURM_LOCALID", "1"},
                       {"SLURM_NNODES", "1"}});
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->launcher, "slurm");
  EXPECT_EQ(info->rank, 1);
  EXPECT_EQ(info->size, 2);
  EXPECT_EQ(info->master_addr, "127.0.0.1");
  EXPECT_EQ(info->master_port, kDefaultMasterPort);
  EXPECT_FALSE(info->agent_store);
}

TEST(WorldInfoFromEnv, BadValuesNameTheVariable) {
  auto rank = FromMap({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}});
  ASSERT_FALSE(rank.ok());
  EXPECT_EQ(rank.status().code(), Status::Code::kUsage);
  EXPECT_EQ(rank.status().message(), "environment: RANK: expected an integer in [0, 1], got '2'");
  auto port = FromMap({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "http"}});
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.status().message().find("MASTER_PORT"), std::string::npos);
  auto addr = FromMap({{"RANK", "0"}, {"WORLD_SIZE", "2"}});
  ASSERT_FALSE(addr.ok());
  EXPECT_NE(addr.status().message().find("MASTER_ADDR: not set"), std::string::npos);
  auto no_rank = FromMap({{"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}});
  ASSERT_FALSE(no_rank.ok());
  EXPECT_NE(no_rank.status().message().find("RANK is not set"), std::string::npos);
  auto timeout = FromMap({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"XMAS_DIST_TIMEOUT", "0"}});
  ASSERT_FALSE(timeout.ok());
  EXPECT_NE(timeout.status().message().find("XMAS_DIST_TIMEOUT"), std::string::npos);
}

TEST(RankSlice, DisjointRunsCoveringTheMicroBatch) {
  const std::vector<size_t> global = {9, 4, 7, 1, 3};
  EXPECT_EQ(train::RankSlice(global, 0, 2), (std::vector<size_t>{9, 4}));
  EXPECT_EQ(train::RankSlice(global, 1, 2), (std::vector<size_t>{7, 1}));
  EXPECT_EQ(train::RankSlice(global, 2, 2), (std::vector<size_t>{3}));
  EXPECT_TRUE(train::RankSlice(global, 3, 2).empty());
  EXPECT_EQ(train::RankSlice(global, 0, 8), global);
}

}  // namespace
}  // namespace xmas::dist
