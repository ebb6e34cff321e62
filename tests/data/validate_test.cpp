#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include "test_helpers.h"
#include "xmas/data/validate.h"
#include "xmas/util/log.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

const char* kRecords = R"([
  {"id": "good", "image": "coco/1.png", "conversations": [{"from": "human", "value": "<image>\nq"}, {"from": "gpt", "value": "a"}]},
  {"id": "text", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},
  {"id": "no-token", "image": "coco/1.png", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},
  {"id": "two-tokens", "image": "coco/1.png", "conversations": [{"from": "human", "value": "<image> <image>"}, {"from": "gpt", "value": "a"}]},
  {"id": "token-in-text", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "a"}]},
  {"id": "gpt-first", "conversations": [{"from": "gpt", "value": "a"}, {"from": "human", "value": "q"}]},
  {"id": "unanswered", "conversations": [{"from": "human", "value": "q"}]},
  {"id": "empty", "conversations": []},
  {"id": "absent"},
  {"id": "missing-file", "image": "coco/none.png", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "a"}]},
  {"id": "corrupt", "image": "coco/bad.png", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "a"}]},
  {"id": "escape", "image": "../etc/x.png", "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "a"}]},
  {"id": 5, "image": 7, "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},
  {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},
  {"id": "bad-turn", "conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": null}]}
])";

class Validation : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetLevel(log::Level::kError);
    dir_ = TempDir("validate");
    fs::create_directories(dir_ / "img" / "coco");
    const std::vector<uint8_t> rgb(4 * 4 * 3, 128);
    ASSERT_TRUE(stbi_write_png((dir_ / "img" / "coco" / "1.png").c_str(), 4, 4, 3, rgb.data(), 12));
    WriteText(dir_ / "img" / "coco" / "bad.png", "\x89PNG\r\n\x1a\n garbage");
    auto ds = ParseText(kRecords, /*collect=*/true);
    ASSERT_TRUE(ds.ok()) << ds.status().message();
    dataset_ = std::make_unique<Dataset>(std::move(ds).value());
    options_.image_folder = (dir_ / "img").string();
    options_.show_progress = false;
    options_.threads = 2;
  }
  std::vector<std::string> FieldsOf(const ValidationReport& report, size_t index) {
    std::vector<std::string> fields;
    for (const auto& p : report.problems) {
      if (p.index == index) fields.push_back(p.field);
    }
    return fields;
  }
  fs::path dir_;
  std::unique_ptr<Dataset> dataset_;
  ValidateOptions options_;
};

TEST_F(Validation, FindsEveryProblem) {
  ValidationReport report = ValidateDataset(*dataset_, options_);
  using V = std::vector<std::string>;
  EXPECT_EQ(FieldsOf(report, 0), V{});
  EXPECT_EQ(FieldsOf(report, 1), V{});
  EXPECT_EQ(FieldsOf(report, 2), V{"conversations"});
  EXPECT_EQ(FieldsOf(report, 3), V{"conversations"});
  EXPECT_EQ(FieldsOf(report, 4), V{"conversations"});
  EXPECT_EQ(FieldsOf(report, 5), V{"conversations[0].from"});
  EXPECT_EQ(FieldsOf(report, 6), V{"conversations"});
  EXPECT_EQ(FieldsOf(report, 7), V{"conversations"});
  EXPECT_EQ(FieldsOf(report, 8), V{"conversations"});
  EXPECT_EQ(FieldsOf(report, 9), V{"image"});
  EXPECT_EQ(FieldsOf(report, 10), V{"image"});
  EXPECT_EQ(FieldsOf(report, 11), V{"image"});
  EXPECT_EQ(FieldsOf(report, 12), V{"image"});  // wrong type, from the load
  EXPECT_EQ(FieldsOf(report, 13), V{"id"});
  EXPECT_EQ(FieldsOf(report, 14), V{"conversations[1].value"});
  EXPECT_EQ(report.bad_records.size(), 13u);
  EXPECT_EQ(report.num_records, 15u);
  for (const auto& p : report.problems) {
    EXPECT_EQ(p.message.rfind("t.json: record " + std::to_string(p.index) + " (id '", 0), 0u) << p.message;
    EXPECT_EQ(p.message.find('\n'), std::string::npos);
  }
  EXPECT_NE(report.problems[0].message.find("exactly one <image>, found 0"), std::string::npos)
      << report.problems[0].message;
  EXPECT_EQ(report.Summary(),
            "checked 15 records: 13 with problems (13 problems: conversations 8, id 1, image 4)");
}

TEST_F(Validation, HeaderOnlyAndNoImageFolder) {
  options_.decode_images = false;
  ValidationReport header = ValidateDataset(*dataset_, options_);
  EXPECT_EQ(FieldsOf(header, 10), std::vector<std::string>{"image"});  // garbage after the magic
  options_.image_folder.clear();
  ValidationReport structure = ValidateDataset(*dataset_, options_);
  EXPECT_TRUE(FieldsOf(structure, 9).empty());
  EXPECT_TRUE(FieldsOf(structure, 11).empty());
}

TEST_F(Validation, OnErrorPolicies) {
  ValidationReport report = ValidateDataset(*dataset_, options_);
  auto fail = ApplyOnError(report, OnError::kFail);
  ASSERT_FALSE(fail.ok());
  EXPECT_EQ(fail.status().message().rfind(report.problems[0].message, 0), 0u);
  EXPECT_NE(fail.status().message().find("12 more problems"), std::string::npos);
  auto skip = ApplyOnError(report, OnError::kSkip);
  ASSERT_TRUE(skip.ok());
  EXPECT_EQ(*skip, (std::vector<size_t>{0, 1}));
  options_.check_content = false;
  options_.image_folder.clear();
  auto readable = CheckRecords(*dataset_, options_, OnError::kSkip);
  ASSERT_TRUE(readable.ok());
  EXPECT_EQ(readable->size(), 12u);  // the wrong image type, missing id and bad turn remain
  EXPECT_EQ(ParseOnError("skip").value(), OnError::kSkip);
  EXPECT_EQ(ParseOnError("ignore").status().code(), Status::Code::kUsage);
}

TEST(ValidationEmpty, EmptyDatasetIsValid) {
  auto ds = ParseText("[]");
  ASSERT_TRUE(ds.ok());
  ValidateOptions options;
  options.show_progress = false;
  ValidationReport report = ValidateDataset(*ds, options);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.Summary(), "checked 0 records: no problems");
  auto all = CheckRecords(*ds, options, OnError::kFail);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

}  // namespace
}  // namespace xmas::data
