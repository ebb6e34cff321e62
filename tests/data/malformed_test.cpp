// Malformed input: every error is one line naming the file, record and field.
#include <gtest/gtest.h>

#include "test_helpers.h"
#include "xmas/data/dataset.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

void ExpectError(const std::string& json, const std::string& part) {
  auto ds = ParseText(json);
  ASSERT_FALSE(ds.ok()) << "accepted: " << json;
  EXPECT_EQ(ds.status().code(), Status::Code::kInvalidInput);
  const std::string& message = ds.status().message();
  EXPECT_NE(message.find(part), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.rfind("t.json", 0), 0u) << message;
}

TEST(Malformed, SyntaxErrors) {
  ExpectError("", "empty file");
  ExpectError("  \n", "empty file");
  // A top-level object is JSON Lines (formats_test.cpp); anything else is refused.
  ExpectError(R"("a")", "expected a JSON array of records at the top level, or JSON Lines");
  ExpectError(R"({"id": "a"} x)", "record 0 (id ''): invalid JSON at line 1");
  ExpectError(R"([{"id": "a"} {"id": "b"}])", "invalid JSON");
  ExpectError(R"([{"id": "a",}])", "invalid JSON");
  ExpectError(R"([{"id": "a"}] [])", "invalid JSON");
  ExpectError(R"([{"id": "a\q"}])", "record 0");
  ExpectError("[{\"id\": \"\xff\"}]", "invalid JSON");
  ExpectError(R"([{"id": 12x}])", "record 0");
}

TEST(Malformed, ErrorPositionHasLineAndColumn) {
  auto ds = ParseText("[\n{\"id\": \"a\"},\n{\"id\" \"b\"}\n]");
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("line 3"), std::string::npos) << ds.status().message();
}

TEST(Malformed, EveryTruncationFails) {
  const std::string full = R"([{"id": "a", "image": "coco/1.jpg", "conversations": [)"
                           R"({"from": "human", "value": "<image>\nq"}, {"from": "gpt", "value": "a"}]},)"
                           R"( {"id": 2, "conversations": [{"from": "human", "value": "x"}]}])";
  ASSERT_TRUE(ParseText(full).ok());
  for (size_t n = 0; n + 1 < full.size(); ++n) {
    auto ds = ParseText(full.substr(0, n));
    EXPECT_FALSE(ds.ok()) << "accepted a truncation to " << n << " bytes: " << full.substr(0, n);
  }
}

TEST(Malformed, WrongFieldTypes) {
  ExpectError(R"([{"id": "a"}, {"id": true}])", "t.json: record 1 (id ''): field 'id': expected a string or a number, found a boolean");
  ExpectError(R"([{"id": null}])", "field 'id': expected a string or a number, found null");
  ExpectError(R"([{"id": "a", "image": 5}])", "record 0 (id 'a'): field 'image': expected a path or a list of paths, found a number");
  ExpectError(R"([{"id": "a", "image": null}])", "field 'image': expected a path or a list of paths, found null");
  ExpectError(R"([{"id": "a", "conversations": {"from": "human"}}])",
              "field 'conversations': expected an array, found an object");
  ExpectError(R"([{"id": "a", "task_name": ["x"]}])", "field 'task_name': expected a string, found an array");
  ExpectError(R"([{"image": "a.jpg"}])", "record 0 (id ''): field 'id': missing");
  ExpectError(R"([{"id": "a"}, 3])", "record 1 (id ''): expected an object, found a number");
}

TEST(Malformed, CollectingKeepsGoing) {
  auto ds = ParseText(R"([{"id": true, "image": "a/b.jpg"}, 7, {"id": "ok", "conversations": 1},
                         {"image": "c.jpg"}, {"id": "fine"}])", /*collect=*/true);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ASSERT_EQ(ds->size(), 5u);
  const auto& problems = ds->load_problems();
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].index, 0u);
  EXPECT_EQ(problems[0].field, "id");
  EXPECT_EQ(problems[1].index, 1u);
  EXPECT_EQ(problems[1].field, "");
  EXPECT_EQ(problems[2].field, "conversations");
  EXPECT_EQ(problems[3].field, "id");
  EXPECT_EQ((*ds)[0].image, "a/b.jpg");
  EXPECT_TRUE((*ds)[1].raw.empty());
  EXPECT_EQ((*ds)[4].id, "fine");
  EXPECT_FALSE(ds->Conversations(1).ok());
}

TEST(Malformed, BadTurnsAreReportedByConversations) {
  auto ds = ParseText(R"([{"id": "a", "conversations": [{"from": "human", "value": "x"}, {"from": "gpt", "value": 3}]},
                         {"id": "b", "conversations": [{"from": "human"}]},
                         {"id": "c", "conversations": ["text"]},
                         {"id": "d", "conversations": [{"from": "human", "value": "bad \x escape"}]}])");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  auto a = ds->Conversations(0);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(),
            "t.json: record 0 (id 'a'): field 'conversations[1].value': expected a string, found a number");
  auto b = ds->Conversations(1);
  EXPECT_NE(b.status().message().find("field 'conversations[0].value': missing"), std::string::npos);
  auto c = ds->Conversations(2);
  EXPECT_NE(c.status().message().find("field 'conversations[0]': expected an object, found a string"),
            std::string::npos);
  auto d = ds->Conversations(3);
  EXPECT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("conversations[0].value"), std::string::npos) << d.status().message();
}

}  // namespace
}  // namespace xmas::data
