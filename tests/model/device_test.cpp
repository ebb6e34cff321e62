#include "xmas/model/device.h"

#include <gtest/gtest.h>

namespace xmas::model {
namespace {

TEST(ParseDevice, AcceptsTorchDeviceNames) {
  auto cpu = ParseDevice("cpu");
  ASSERT_TRUE(cpu.ok());
  EXPECT_TRUE(cpu->is_cpu());
  auto cuda = ParseDevice("cuda:1");  // parsing only: no GPU needed
  ASSERT_TRUE(cuda.ok());
  EXPECT_TRUE(cuda->is_cuda());
  EXPECT_EQ(cuda->index(), 1);
  auto bad = ParseDevice("gpu");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kUsage);
  EXPECT_EQ(bad.status().message(), "--device: expected cpu, cuda or cuda:N, got 'gpu'");
}

}  // namespace
}  // namespace xmas::model
