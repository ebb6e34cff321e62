// Runs the built `xmas` binary: exit codes and one-line errors.
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "../common/cli_run.h"
#include "test_helpers.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;
using xmas::clitest::CliRun;

CliRun Xmas(const std::string& args, const fs::path& dir) { return xmas::clitest::RunXmas(args, dir); }

const char* kData = R"([
  {"id": "a", "image": "coco/1.png", "extra": [1, 2], "conversations": [{"from": "human", "value": "<image>\nq"}, {"from": "gpt", "value": "ans"}]},
  {"id": "b", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},
  {"id": "c", "image": "gqa/2.png", "conversations": [{"from": "human", "value": "<image>\nq"}, {"from": "gpt", "value": "a"}]}
]
)";

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir("cli");
    WriteText(dir_ / "d.json", kData);
    fs::create_directories(dir_ / "img" / "coco");
    fs::create_directories(dir_ / "img" / "gqa");
    const std::vector<uint8_t> rgb(3 * 3 * 3, 50);
    ASSERT_TRUE(stbi_write_png((dir_ / "img" / "coco" / "1.png").c_str(), 3, 3, 3, rgb.data(), 9));
    ASSERT_TRUE(stbi_write_png((dir_ / "img" / "gqa" / "2.png").c_str(), 3, 3, 3, rgb.data(), 9));
  }
  std::string P(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(Cli, ValidateCleanAndBroken) {
  CliRun ok = Xmas("-q data validate " + P("d.json") + " --image-folder " + P("img"), dir_);
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("checked 3 records: no problems"), std::string::npos) << ok.out;

  fs::remove(dir_ / "img" / "gqa" / "2.png");
  CliRun missing = Xmas("-q data validate " + P("d.json") + " --image-folder " + P("img"), dir_);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.out.find(P("d.json") + ": record 2 (id 'c'): field 'image': "), std::string::npos)
      << missing.out;
  EXPECT_NE(missing.out.find("1 with problems"), std::string::npos);
  EXPECT_NE(missing.err.find("xmas: error: " + P("d.json") + ": 1 of 3 records have problems"), std::string::npos)
      << missing.err;
}

TEST_F(Cli, MalformedJsonIsOneLine) {
  WriteText(dir_ / "bad.json", "[{\"id\": \"a\"},\n {\"id\": \"b\" \"image\": 1}]");
  CliRun bad = Xmas("-q data stats " + P("bad.json"), dir_);
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.err.rfind("xmas: error: " + P("bad.json") + ": record 1", 0), 0u) << bad.err;
  EXPECT_NE(bad.err.find("line 2"), std::string::npos) << bad.err;
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1);
  WriteText(dir_ / "type.json", R"([{"id": "a", "conversations": 3}])");
  CliRun type = Xmas("-q data stats " + P("type.json"), dir_);
  EXPECT_EQ(type.code, 1);
  EXPECT_NE(type.err.find("record 0 (id 'a'): field 'conversations': expected an array, found a number"),
            std::string::npos) << type.err;
  CliRun skip = Xmas("-q data stats --json --on-error skip " + P("type.json"), dir_);
  EXPECT_EQ(skip.code, 0) << skip.err;
  EXPECT_EQ(nlohmann::json::parse(skip.out)["skipped"], 1);
  CliRun missing = Xmas("-q data stats " + P("nothing.json"), dir_);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("nothing.json: no such file"), std::string::npos);
}

TEST_F(Cli, StatsTableAndJson) {
  CliRun table = Xmas("-q data stats " + P("d.json"), dir_);
  EXPECT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("3 records, 2 with an image, 1 text-only"), std::string::npos) << table.out;
  CliRun json = Xmas("-q data stats --json " + P("d.json"), dir_);
  ASSERT_EQ(json.code, 0) << json.err;
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["by_source"]["coco"], 1);
  EXPECT_EQ(j["by_source"]["text-only"], 1);
  EXPECT_EQ(j["turns"]["median"], 2);
}

TEST_F(Cli, SubsetByIdsAndIndices) {
  WriteText(dir_ / "ids.txt", "c\na\n");
  CliRun ids = Xmas("-q data subset " + P("d.json") + " --ids " + P("ids.txt") + " -o " + P("out.json"), dir_);
  ASSERT_EQ(ids.code, 0) << ids.err;
  const std::string written = ReadText(dir_ / "out.json");
  const std::string data(kData);
  const std::string first = data.substr(data.find("{\"id\": \"a\""), data.find("]},\n  {\"id\": \"b\"") + 2 - data.find("{\"id\": \"a\""));
  EXPECT_EQ(written.find(first), 2u) << written;  // record a first (original order), byte for byte
  EXPECT_LT(written.find("\"id\": \"a\""), written.find("\"id\": \"c\""));
  EXPECT_EQ(written.find("\"id\": \"b\""), std::string::npos);

  WriteText(dir_ / "idx.txt", "1\n");
  CliRun idx = Xmas("-q data subset " + P("d.json") + " --indices " + P("idx.txt") + " -o " + P("one.json"), dir_);
  ASSERT_EQ(idx.code, 0) << idx.err;
  EXPECT_NE(ReadText(dir_ / "one.json").find("\"id\": \"b\""), std::string::npos);

  WriteText(dir_ / "far.txt", "0\n9\n");
  CliRun far = Xmas("-q data subset " + P("d.json") + " --indices " + P("far.txt") + " -o " + P("x.json"), dir_);
  EXPECT_EQ(far.code, 1);
  EXPECT_NE(far.err.find(P("far.txt") + ":2: index 9 is out of range"), std::string::npos) << far.err;
  EXPECT_FALSE(fs::exists(dir_ / "x.json"));

  WriteText(dir_ / "unknown.txt", "zz\n");
  CliRun unknown = Xmas("-q data subset " + P("d.json") + " --ids " + P("unknown.txt") + " -o " + P("x.json"), dir_);
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find(P("unknown.txt") + ":1: id 'zz' is not in"), std::string::npos) << unknown.err;

  CliRun self = Xmas("-q data subset " + P("d.json") + " --ids " + P("ids.txt") + " -o " + P("d.json"), dir_);
  EXPECT_EQ(self.code, 2) << self.err;
  EXPECT_EQ(ReadText(dir_ / "d.json"), kData);
  CliRun neither = Xmas("-q data subset " + P("d.json") + " -o " + P("y.json"), dir_);
  EXPECT_EQ(neither.code, 2);
  CliRun both = Xmas("-q data subset " + P("d.json") + " --ids " + P("ids.txt") + " --indices " + P("idx.txt") +
                      " -o " + P("y.json"), dir_);
  EXPECT_EQ(both.code, 2);
}

TEST_F(Cli, PathTraversalNeedsTheAllowFlag) {
  fs::create_directories(dir_ / "outside");
  const std::vector<uint8_t> rgb(3 * 3 * 3, 50);
  ASSERT_TRUE(stbi_write_png((dir_ / "outside" / "o.png").c_str(), 3, 3, 3, rgb.data(), 9));
  WriteText(dir_ / "t.json", R"([{"id": "t", "image": "../outside/o.png", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "a"}]}])");
  CliRun refused = Xmas("-q data validate " + P("t.json") + " --image-folder " + P("img"), dir_);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.out.find("record 0 (id 't'): field 'image': image path '../outside/o.png' has a '..'"),
            std::string::npos) << refused.out;
  CliRun allowed = Xmas("-q data validate " + P("t.json") + " --image-folder " + P("img") +
                         " --allow-outside-image-folder", dir_);
  EXPECT_EQ(allowed.code, 0) << allowed.out << allowed.err;
}

}  // namespace
}  // namespace xmas::data
