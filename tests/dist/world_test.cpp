// The collectives over a real 2-rank Gloo group: two threads of this process
// rendezvous over loopback as ranks 0 and 1.
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "launch.h"
#include "xmas/dist/collectives.h"
#include "xmas/dist/world.h"

namespace xmas::dist {
namespace {

// Runs body(world) on ranks 0 and 1 concurrently.
void OnTwoRanks(const std::function<void(World&)>& body) {
  const int port = testing::FreePort();
  auto rank = [&](int r) {
    WorldInfo info;
    info.rank = r;
    info.size = 2;
    info.master_addr = "127.0.0.1";
    info.master_port = port;
    auto world = World::Join(info, std::chrono::seconds(30));
    ASSERT_TRUE(world.ok()) << world.status().ToString();
    body(**world);
  };
  std::thread other(rank, 1);
  rank(0);
  other.join();
}

TEST(World, SingleProcessCollectivesReturnTheirInput) {
  auto world = World::Single();
  EXPECT_EQ(world->size(), 1);
  EXPECT_TRUE(world->is_main());
  EXPECT_EQ(world->group(), nullptr);
  EXPECT_TRUE(world->Barrier().ok());
  EXPECT_EQ(*world->BroadcastBytes("x"), "x");
  EXPECT_EQ(world->AgreeOk(Status::IoError("disk")).message(), "disk");
  auto sums = SumOverRanks(*world, {1.5, 2});
  ASSERT_TRUE(sums.ok());
  EXPECT_EQ(*sums, (std::vector<double>{1.5, 2}));
}

TEST(World, BytesAcrossTwoRanks) {
  OnTwoRanks([](World& world) {
    const std::string mine = world.rank() == 0 ? "" : std::string(1000, 'b');
    auto all = world.AllGatherBytes(mine);
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_EQ(*all, (std::vector<std::string>{"", std::string(1000, 'b')}));
    auto from_one = world.BroadcastBytes(world.rank() == 1 ? "tokenizer" : "ignored", 1);
    ASSERT_TRUE(from_one.ok());
    EXPECT_EQ(*from_one, "tokenizer");
    EXPECT_TRUE(world.Barrier().ok());
  });
}

TEST(World, OneRanksErrorReachesEveryRank) {
  OnTwoRanks([](World& world) {
    const Status local = world.rank() == 1 ? Status::Usage("--out: not empty") : Status::Ok();
    const Status agreed = world.AgreeOk(local);
    EXPECT_EQ(agreed.code(), Status::Code::kUsage);
    EXPECT_EQ(agreed.message(), world.rank() == 1 ? "--out: not empty" : "rank 1: --out: not empty");
    EXPECT_TRUE(world.AgreeOk(Status::Ok()).ok());
    EXPECT_TRUE(world.CheckSame("step", "4").ok());
    const Status differ = world.CheckSame("step", world.rank() == 0 ? "4" : "0");
    EXPECT_EQ(differ.message(), "step: rank 1 has '0', rank 0 has '4'");
  });
}

TEST(World, GradientsAreSummedAndWeightsBroadcast) {
  OnTwoRanks([](World& world) {
    const float r = static_cast<float>(world.rank());
    auto a = torch::full({2, 3}, 1.0f + r).requires_grad_(true);
    auto b = torch::full({4}, 10.0f * (r + 1)).requires_grad_(true);
    if (world.rank() == 0) (a.sum() + 2 * b.sum()).backward();  // rank 1: no backward (empty slice)
    ASSERT_TRUE(AllReduceGradients(world, {a, b}).ok());
    EXPECT_TRUE(torch::equal(a.grad(), torch::ones({2, 3})));
    EXPECT_TRUE(torch::equal(b.grad(), torch::full({4}, 2.0f)));
    ASSERT_TRUE(BroadcastTensors(world, {a, b}).ok());
    EXPECT_TRUE(torch::equal(a, torch::ones({2, 3})));
    EXPECT_TRUE(torch::equal(b, torch::full({4}, 10.0f)));
    auto sums = SumOverRanks(world, {1.0 + r, 0.25});
    ASSERT_TRUE(sums.ok());
    EXPECT_EQ(*sums, (std::vector<double>{3.0, 0.5}));
  });
}

}  // namespace
}  // namespace xmas::dist
