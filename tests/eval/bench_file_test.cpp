#include "xmas/eval/bench_file.h"

#include <gtest/gtest.h>

#include "../common/scratch_dir.h"

namespace xmas::eval {
namespace {
using testing::ScratchDir;
using testing::WriteText;

TEST(BenchFile, ObjectLayoutWithFileAndRecordMetrics) {
  ScratchDir dir;
  WriteText(dir / "b/colors.json", R"({"name": "colors", "metric": "exact_match", "records": [
    {"id": 1, "image": "img/a.png", "question": "What colour?", "answer": ["red", "crimson"]},
    {"id": "q2", "conversations": [{"from": "human", "value": "<image>\nIs it red?"},
                                   {"from": "gpt", "value": "Yes"}], "metric": "yes_no"},
    {"id": "q3", "question": "Which?", "answer": "B", "options": ["cat", "dog"], "metric": "mc"}]})");
  auto f = LoadBenchFile(dir / "b/colors.json");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->name, "colors");
  ASSERT_EQ(f->items.size(), 3u);
  EXPECT_EQ(f->items[0].id, "1");
  EXPECT_EQ(f->items[0].image, "img/a.png");
  EXPECT_EQ(f->items[0].gold.answers, (std::vector<std::string>{"red", "crimson"}));
  EXPECT_EQ(f->items[0].metric, Metric::kExactMatch);
  EXPECT_EQ(f->items[1].question, "<image>\nIs it red?");
  EXPECT_EQ(f->items[1].gold.answers[0], "Yes");
  EXPECT_EQ(f->items[1].metric, Metric::kYesNo);
  EXPECT_EQ(f->items[2].gold.options.size(), 2u);
  EXPECT_EQ(f->items[2].metric, Metric::kMultipleChoice);
}

TEST(BenchFile, LlavaArrayUsesFileNameAndDefaultMetric) {
  ScratchDir dir;
  WriteText(dir / "vqa.json", R"([{"id": "a", "conversations": [
      {"from": "human", "value": "Q"}, {"from": "gpt", "value": "A"}]}])");
  auto f = LoadBenchFile(dir / "vqa.json", "token_f1");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->name, "vqa");
  EXPECT_EQ(f->items[0].metric, Metric::kTokenF1);
}

TEST(BenchFile, ErrorsNameFileRecordAndField) {
  ScratchDir dir;
  auto expect = [&](const std::string& text, const std::string& fragment) {
    WriteText(dir / "x.json", text);
    auto f = LoadBenchFile(dir / "x.json");
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.status().message().find(fragment), std::string::npos) << f.status().message();
  };
  expect(R"([{"id": "a", "question": "Q"}])", "x.json: record 0 (id 'a'): field 'answer': missing gold");
  expect(R"([{"id": "a", "question": "Q", "answer": "x"}, {"question": "Q"}])",
         "record 1: field 'id'");
  expect(R"([{"id": "a", "answer": "x"}])", "field 'question'");
  expect(R"([{"id": "a", "question": "Q", "answer": "x", "metric": "bleu"}])", "field 'metric'");
  expect(R"({"metric": "em"})", "field 'records': missing");
  expect("[]", "no records");
  expect("{", "not valid JSON");
}

TEST(BenchFile, ListsJsonFilesSortedAndResolvesImages) {
  ScratchDir dir;
  WriteText(dir / "demo/bench/b.json", "[]");
  WriteText(dir / "demo/bench/a.json", "[]");
  WriteText(dir / "demo/bench/notes.txt", "");
  WriteText(dir / "demo/images/x/1.png", "png");
  auto files = ListBenchFiles(dir / "demo/bench");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_NE((*files)[0].find("a.json"), std::string::npos);
  EXPECT_FALSE(ListBenchFiles(dir / "nope").ok());
  BenchFile f;
  f.path = dir / "demo/bench/a.json";
  auto img = ResolveImagePath(f, "x/1.png", "");
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(*img, dir / "demo/images/x/1.png");
  EXPECT_FALSE(ResolveImagePath(f, "x/2.png", "").ok());
  EXPECT_EQ(*ResolveImagePath(f, "x/2.png", "/root"), "/root/x/2.png");
}

}  // namespace
}  // namespace xmas::eval
