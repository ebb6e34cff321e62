#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"
#include "xmas/util/npy.h"
#include "xmas/util/progress.h"
#include "xmas/util/status.h"

namespace fs = std::filesystem;

namespace {

fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("xmas_util_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

xmas::Result<int> ParsePositive(int v) {
  if (v <= 0) return xmas::Status::InvalidInput("not positive: " + std::to_string(v));
  return v;
}

xmas::Status Doubled(int v, int* out) {
  XMAS_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  *out = 2 * x;
  return xmas::Status::Ok();
}

TEST(Status, CarriesCodeAndMessage) {
  xmas::Status s = xmas::Status::NotFound("a.json: no such file");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), xmas::Status::Code::kNotFound);
  EXPECT_EQ(s.ToString(), "not found: a.json: no such file");
  EXPECT_EQ(s.WithPrefix("load").message(), "load: a.json: no such file");
  EXPECT_TRUE(xmas::Status::Ok().ok());
}

TEST(Status, AssignOrReturnPropagates) {
  int out = 0;
  EXPECT_TRUE(Doubled(4, &out).ok());
  EXPECT_EQ(out, 8);
  xmas::Status s = Doubled(-1, &out);
  EXPECT_EQ(s.code(), xmas::Status::Code::kInvalidInput);
  EXPECT_EQ(s.message(), "not positive: -1");
}

TEST(AtomicFile, WritesAndReplaces) {
  fs::path dir = TempDir("atomic");
  std::string path = (dir / "out.txt").string();
  ASSERT_TRUE(xmas::WriteFileAtomic(path, "first").ok());
  ASSERT_TRUE(xmas::WriteFileAtomic(path, "second").ok());
  auto read = xmas::ReadFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value(), "second");
  // No temporary files are left behind.
  int files = 0;
  for (auto& e : fs::directory_iterator(dir)) { (void)e; ++files; }
  EXPECT_EQ(files, 1);
}

TEST(AtomicFile, UncommittedWriteLeavesOldContents) {
  fs::path dir = TempDir("uncommitted");
  std::string path = (dir / "out.txt").string();
  ASSERT_TRUE(xmas::WriteFileAtomic(path, "old").ok());
  {
    xmas::AtomicFile file;
    ASSERT_TRUE(file.Open(path).ok());
    ASSERT_TRUE(file.Write("new but abandoned").ok());
  }  // destroyed without Commit: as if the process died mid-write
  EXPECT_EQ(xmas::ReadFile(path).value(), "old");
  int files = 0;
  for (auto& e : fs::directory_iterator(dir)) { (void)e; ++files; }
  EXPECT_EQ(files, 1);
}

TEST(AtomicFile, MissingDirectoryIsAnError) {
  xmas::Status s = xmas::WriteFileAtomic("/nonexistent-dir-xmas/out.txt", "x");
  EXPECT_EQ(s.code(), xmas::Status::Code::kIoError);
  EXPECT_NE(s.message().find("/nonexistent-dir-xmas/out.txt"), std::string::npos);
}

TEST(AtomicFile, OutputMayNotBeAnInput) {
  fs::path dir = TempDir("inout");
  std::string in = (dir / "in.json").string();
  ASSERT_TRUE(xmas::WriteFileAtomic(in, "[]").ok());
  EXPECT_FALSE(xmas::CheckOutputIsNotInput(in, {in}).ok());
  EXPECT_FALSE(xmas::CheckOutputIsNotInput((dir / "." / "in.json").string(), {in}).ok());
  fs::create_symlink(in, dir / "link.json");
  EXPECT_FALSE(xmas::CheckOutputIsNotInput((dir / "link.json").string(), {in}).ok());
  EXPECT_TRUE(xmas::CheckOutputIsNotInput((dir / "other.json").string(), {in}).ok());
}

TEST(CheckOutputIsNotInput, RefusesOutputsInsideAnInputFolder) {
  fs::path dir = TempDir("infolder");
  fs::create_directories(dir / "store" / "svd");
  fs::create_directories(dir / "storeX");
  const std::string store = (dir / "store").string();
  EXPECT_EQ(xmas::CheckOutputIsNotInput((dir / "store" / "manifest.json").string(), {store}).code(),
            xmas::Status::Code::kUsage);
  EXPECT_FALSE(xmas::CheckOutputIsNotInput((dir / "store" / "svd" / "new.json").string(), {store}).ok());
  EXPECT_FALSE(xmas::CheckOutputIsNotInput((dir / "store" / ".." / "store" / "x").string(), {store}).ok());
  EXPECT_FALSE(xmas::CheckOutputIsNotInput(store, {store}).ok());
  // A sibling whose name starts with the folder's is outside it.
  EXPECT_TRUE(xmas::CheckOutputIsNotInput((dir / "storeX" / "out.json").string(), {store}).ok());
  EXPECT_TRUE(xmas::CheckOutputIsNotInput((dir / "out.json").string(), {store}).ok());
}

TEST(RemoveAbandonedTemporaries, RemovesOnlyDeadProcessesUnfinishedFiles) {
  fs::path dir = TempDir("abandoned");
  fs::create_directories(dir / "svd");
  const pid_t child = ::fork();  // a pid no process has any more
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  const std::string dead = std::to_string(child), self = std::to_string(::getpid());
  for (const std::string& name : std::vector<std::string>{"ids.txt", "svd/checkpoint-2.npy", "svd/checkpoint-4.npy.tmp-" + dead + "-0",
                                 "valid.npy.tmp-" + dead + "-7", "progress.json.tmp-" + self + "-1",
                                 "notes.tmp-x", "weird.tmp-" + dead}) {
    std::ofstream(dir / name) << "x";
  }
  auto removed = xmas::RemoveAbandonedTemporaries(dir.string());
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(*removed, 2u);
  EXPECT_FALSE(fs::exists(dir / "svd" / ("checkpoint-4.npy.tmp-" + dead + "-0")));
  EXPECT_FALSE(fs::exists(dir / ("valid.npy.tmp-" + dead + "-7")));
  for (const std::string& kept : std::vector<std::string>{"ids.txt", "svd/checkpoint-2.npy", "progress.json.tmp-" + self + "-1",
                                 "notes.tmp-x", "weird.tmp-" + dead}) {
    EXPECT_TRUE(fs::exists(dir / kept)) << kept;
  }
  EXPECT_TRUE(xmas::ProcessIsRunning(::getpid()));
  EXPECT_FALSE(xmas::ProcessIsRunning(child));
}

TEST(PrepareOutputDir, RefusesNonEmptyWithoutOverwrite) {
  fs::path dir = TempDir("outdir");
  EXPECT_TRUE(xmas::PrepareOutputDir((dir / "new" / "sub").string(), false).ok());
  std::ofstream(dir / "new" / "sub" / "f") << "x";
  EXPECT_EQ(xmas::PrepareOutputDir((dir / "new" / "sub").string(), false).code(),
            xmas::Status::Code::kUsage);
  EXPECT_TRUE(xmas::PrepareOutputDir((dir / "new" / "sub").string(), true).ok());
}

TEST(Npy, RoundTripFloat32Matrix) {
  std::vector<float> values = {1.5f, -2.0f, 3.25f, 0.0f, 5.0f, 6.0f};
  std::string bytes = xmas::EncodeNpy(xmas::NpyType::kFloat32, values.data(), 2, 3);
  EXPECT_EQ(bytes.size() % 64, 24u % 64);  // 64-aligned header + 24 bytes of data
  auto array = xmas::DecodeNpy(bytes, "m.npy");
  ASSERT_TRUE(array.ok()) << array.status().ToString();
  EXPECT_EQ(array->rows(), 2);
  EXPECT_EQ(array->cols(), 3);
  EXPECT_EQ(array->as<float>()[2], 3.25f);
  EXPECT_EQ(array->as<float>()[5], 6.0f);
}

TEST(Npy, HeaderMatchesNumpyLayout) {
  int64_t v[3] = {7, 8, 9};
  std::string bytes = xmas::EncodeNpy(xmas::NpyType::kInt64, v, 3, -1);
  EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
  EXPECT_NE(bytes.find("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }"), std::string::npos);
  EXPECT_EQ((bytes.size() - 24) % 64, 0u);
  auto array = xmas::DecodeNpy(bytes, "v.npy");
  ASSERT_TRUE(array.ok());
  EXPECT_EQ(array->shape.size(), 1u);
  EXPECT_EQ(array->as<int64_t>()[1], 8);
}

TEST(Npy, RejectsLyingShapesAndHugeHeaders) {
  float v[4] = {1, 2, 3, 4};
  std::string bytes = xmas::EncodeNpy(xmas::NpyType::kFloat32, v, 2, 2);
  std::string lying = bytes;
  size_t pos = lying.find("(2, 2)");
  lying.replace(pos, 6, "(9, 9)");
  auto r = xmas::DecodeNpy(lying, "lie.npy");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("lie.npy"), std::string::npos);
  EXPECT_FALSE(xmas::DecodeNpy(bytes.substr(0, bytes.size() - 1), "short.npy").ok());
  std::string huge = bytes;
  huge[6] = 2;  // version 2: 4-byte header length
  huge[8] = huge[9] = huge[10] = huge[11] = '\x7f';
  EXPECT_FALSE(xmas::DecodeNpy(huge, "huge.npy").ok());
  EXPECT_FALSE(xmas::DecodeNpy("not numpy", "junk.npy").ok());
}

TEST(Log, ParsesLevels) {
  xmas::log::Level level;
  EXPECT_TRUE(xmas::log::ParseLevel("warn", &level));
  EXPECT_EQ(level, xmas::log::Level::kWarn);
  EXPECT_FALSE(xmas::log::ParseLevel("loud", &level));
}

TEST(Progress, CountsAndFormatsDurations) {
  EXPECT_EQ(xmas::FormatDuration(62), "1:02");
  EXPECT_EQ(xmas::FormatDuration(3723), "1:02:03");
  xmas::log::SetLevel(xmas::log::Level::kOff);
  xmas::Progress bar("work", 10, "rec");
  bar.Add(3);
  bar.Add(4);
  EXPECT_EQ(bar.done(), 7u);
  bar.Finish();
  xmas::log::SetLevel(xmas::log::Level::kInfo);
}

}  // namespace
