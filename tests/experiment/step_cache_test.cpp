#include "xmas/experiment/step_cache.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "../common/scratch_dir.h"

namespace xmas::experiment {
namespace {
using testing::ScratchDir;
using testing::WriteText;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  Sha256 h;  // the same bytes fed in pieces
  for (char c : std::string(1000, 'a')) h.Update(std::string_view(&c, 1));
  EXPECT_EQ(h.HexDigest(), Sha256Hex(std::string(1000, 'a')));
}

TEST(HashPath, TreeDependsOnNamesAndContentNotHiddenFiles) {
  ScratchDir dir;
  WriteText(dir / "t/a.txt", "one");
  WriteText(dir / "t/sub/b.txt", "two");
  auto h1 = HashPath(dir / "t");
  ASSERT_TRUE(h1.ok()) << h1.status().ToString();
  WriteText(dir / "t/.stamp", "ignored");
  EXPECT_EQ(*HashPath(dir / "t"), *h1);
  WriteText(dir / "t/sub/b.txt", "TWO");
  EXPECT_NE(*HashPath(dir / "t"), *h1);
  WriteText(dir / "t/sub/b.txt", "two");
  EXPECT_EQ(*HashPath(dir / "t"), *h1);
  std::filesystem::rename(dir / "t/sub/b.txt", dir / "t/sub/c.txt");
  EXPECT_NE(*HashPath(dir / "t"), *h1);
  EXPECT_FALSE(HashPath(dir / "missing").ok());
}

// A step that counts its runs and writes `content` to its output.
struct CountingStep {
  int runs = 0;
  Status Write(const std::string& out, const std::string& content) {
    ++runs;
    WriteText(out, content);
    return Status::Ok();
  }
};

TEST(StepCache, SkipsWhenInputsUnchangedAndRerunsWhenAnInputChanges) {
  ScratchDir dir;
  WriteText(dir / "input.txt", "data v1");
  CountingStep step;
  auto run = [&](const std::string& setting) -> Result<StepOutcome> {
    StepKey key("demo-step");
    key.Setting("lr", setting);
    XMAS_RETURN_IF_ERROR(key.InputPath("data", dir / "input.txt"));
    return RunCached("demo", dir / "out/result.txt", key,
                     [&] { return step.Write(dir / "out/result.txt", "result"); });
  };
  auto first = run("0.1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->cached);
  EXPECT_EQ(step.runs, 1);
  auto second = run("0.1");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->cached);
  EXPECT_EQ(step.runs, 1);
  EXPECT_EQ(second->stamp.output_hash, first->stamp.output_hash);

  WriteText(dir / "input.txt", "data v2");  // the input's content changes
  ASSERT_TRUE(run("0.1").ok());
  EXPECT_EQ(step.runs, 2);
  ASSERT_TRUE(run("0.2").ok());  // a setting changes
  EXPECT_EQ(step.runs, 3);
  ASSERT_TRUE(run("0.2").ok());
  EXPECT_EQ(step.runs, 3);
}

TEST(StepCache, UpstreamOutputChangePropagates) {
  ScratchDir dir;
  StepStamp upstream{"k", "hash-a", 1.0, {}};
  StepKey a("down"), b("down"), c("down");
  a.Upstream("proxy", upstream);
  b.Upstream("proxy", upstream);
  upstream.output_hash = "hash-b";
  c.Upstream("proxy", upstream);
  EXPECT_EQ(a.Key(), b.Key());
  EXPECT_NE(a.Key(), c.Key());
}

TEST(StepCache, InterruptedOrFailedStepIsNotDone) {
  ScratchDir dir;
  StepKey key("s");
  std::string out = dir / "out.txt";
  // A step that writes part of its output, then fails: no stamp, not done.
  auto failed = RunCached("s", out, key, [&] {
    WriteText(out, "partial");
    return Status::IoError("disk full");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("disk full"), std::string::npos);
  EXPECT_FALSE(FindDone(out, key.Key()).has_value());
  int runs = 0;
  auto ok = RunCached("s", out, key, [&] {
    ++runs;
    WriteText(out, "complete");
    return Status::Ok();
  });
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(FindDone(out, key.Key()).has_value());
  // Deleting the output (stamp left behind) makes the step run again.
  std::filesystem::remove(out);
  EXPECT_FALSE(FindDone(out, key.Key()).has_value());
}

TEST(StepCache, StampPathIsHiddenBesideTheOutput) {
  EXPECT_EQ(StampPath("/x/run/proxy"), "/x/run/.proxy.xmas-step.json");
  EXPECT_EQ(StampPath("/x/run/proxy/"), "/x/run/.proxy.xmas-step.json");
}

}  // namespace
}  // namespace xmas::experiment
