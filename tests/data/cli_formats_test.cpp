// The CLI on the other dataset formats, and the subset lists it hands on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../common/cli_run.h"
#include "test_helpers.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;
using xmas::clitest::CliRun;

const std::string kFormats = std::string(XMAS_TEST_DATA_DIR) + "/dataset/formats/";

class CliFormats : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = TempDir("cli_formats"); }
  CliRun Xmas(const std::string& args) { return xmas::clitest::RunXmas(args, dir_); }
  std::string P(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(CliFormats, StatsAndValidateReportTheFormat) {
  CliRun stats = Xmas("-q data stats --json " + kFormats + "messages.jsonl");
  ASSERT_EQ(stats.code, 0) << stats.err;
  auto j = nlohmann::json::parse(stats.out);
  EXPECT_EQ(j["format"]["container"], "jsonl");
  EXPECT_EQ(j["format"]["schema"], "messages");
  EXPECT_EQ(j["several_images"], 1);
  EXPECT_EQ(j["images"], 4);
  EXPECT_EQ(j["text_only"], 1);
  CliRun validate = Xmas("-q data validate " + kFormats + "llava_multi.json");
  EXPECT_EQ(validate.code, 0) << validate.out << validate.err;
  EXPECT_NE(validate.out.find("llava_multi.json (json, llava): checked 3 records: no problems"), std::string::npos)
      << validate.out;
  WriteText(dir_ / "roles.jsonl",
            R"({"id": "r", "messages": [{"role": "user", "content": "q"}, {"role": "gpt", "content": "a"}]})" "\n");
  CliRun roles = Xmas("-q data validate " + P("roles.jsonl"));
  EXPECT_EQ(roles.code, 1);
  EXPECT_NE(roles.out.find(P("roles.jsonl") + ": record 0 (id 'r'): field 'messages[1].role': expected 'assistant', "
                                               "found 'gpt'"),
            std::string::npos)
      << roles.out;
}

TEST_F(CliFormats, SubsetOfJsonLinesIsJsonLinesAndListsRoundTrip) {
  WriteText(dir_ / "ids.txt", "vg-12\n7\n");
  CliRun ids = Xmas("-q data subset " + kFormats + "llava.jsonl --ids " + P("ids.txt") + " -o " + P("s.jsonl") +
                    " --indices-out " + P("s.npy") + " --ids-out " + P("s_ids.txt"));
  ASSERT_EQ(ids.code, 0) << ids.err;
  const std::string all = ReadText(kFormats + "llava.jsonl");
  std::vector<std::string> lines;
  for (size_t at = 0, nl; (nl = all.find('\n', at)) != std::string::npos; at = nl + 1) lines.push_back(all.substr(at, nl - at + 1));
  EXPECT_EQ(ReadText(dir_ / "s.jsonl"), lines[1] + lines[2]);
  EXPECT_EQ(ReadText(dir_ / "s_ids.txt"), "7\nvg-12\n");
  CliRun again = Xmas("-q data subset " + kFormats + "llava.jsonl --indices " + P("s.npy") + " -o " + P("t.jsonl"));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(ReadText(dir_ / "t.jsonl"), ReadText(dir_ / "s.jsonl"));
}

TEST_F(CliFormats, SelectHandsOnIndicesIdsAndJsonLines) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    data += R"({"id": "r)" + std::to_string(i) + R"(", "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]})" "\n";
  }
  WriteText(dir_ / "d.jsonl", data);
  CliRun sel = Xmas("-q select --method random --budget 25% --data " + P("d.jsonl") + " -o " + P("sub.jsonl") +
                    " --indices-out " + P("idx.txt") + " --ids-out " + P("ids.txt"));
  ASSERT_EQ(sel.code, 0) << sel.err;
  const std::string indices = ReadText(dir_ / "idx.txt");
  EXPECT_EQ(std::count(indices.begin(), indices.end(), '\n'), 10);
  CliRun sub = Xmas("-q data subset " + P("d.jsonl") + " --indices " + P("idx.txt") + " -o " + P("again.jsonl") +
                    " --ids-out " + P("again_ids.txt"));
  ASSERT_EQ(sub.code, 0) << sub.err;
  EXPECT_EQ(ReadText(dir_ / "again.jsonl"), ReadText(dir_ / "sub.jsonl"));  // JSON Lines, file order
  EXPECT_EQ(ReadText(dir_ / "again_ids.txt"), ReadText(dir_ / "ids.txt"));
  CliRun npy = Xmas("-q select --method random --budget 25% --data " + P("d.jsonl") + " -o " + P("sub2.jsonl") +
                    " --indices-out " + P("idx.npy"));
  ASSERT_EQ(npy.code, 0) << npy.err;
  CliRun from_npy = Xmas("-q data subset " + P("d.jsonl") + " --indices " + P("idx.npy") + " -o " + P("n.jsonl"));
  ASSERT_EQ(from_npy.code, 0) << from_npy.err;
  EXPECT_EQ(ReadText(dir_ / "n.jsonl"), ReadText(dir_ / "sub2.jsonl"));
}

}  // namespace
}  // namespace xmas::data
