// Reading the authors' per-checkpoint files: order, features and errors.
#include <fstream>

#include <gtest/gtest.h>

#include "test_util.h"
#include "xmas/select/official_json.h"
#include "xmas/select/trajectories.h"

namespace xmas::select {
namespace {
using testing::TempDir;

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string File(const TempDir& d, int step) {
  return d / ("checkpoint-" + std::to_string(step) + "_attn_svd_partial_vals_top2.json");
}

TEST(OfficialJson, StepOrderKeyOrderAndSums) {
  TempDir d;
  // Written out of order: 1000 sorts after 200 numerically, not as text.
  Write(File(d, 1000), R"({"b": [1, 4], "a": [0.5, 0.25]})");
  Write(File(d, 200), R"({"b": [3, 2.5], "a": [1.0, 2.0]})");
  Write(d / "unrelated.json", "not json");
  auto t = ReadOfficialTrajectories(d.path(), {});
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->steps, (std::vector<int64_t>{200, 1000}));
  ASSERT_EQ(t->rows(), 2u);
  EXPECT_EQ(t->keys.key(0), "b");  // key order of the first (step 200) file
  EXPECT_FLOAT_EQ(t->row(0)[0], 5.5f);
  EXPECT_FLOAT_EQ(t->row(0)[1], 5.f);
  EXPECT_FLOAT_EQ(t->row(1)[1], 0.75f);
  EXPECT_DOUBLE_EQ(TotalVariation(*t)[0], 0.5);

  OfficialReadOptions all;
  all.keep_all = true;
  auto k = ReadOfficialTrajectories(d.path(), all);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->dims, 2u);
  EXPECT_FLOAT_EQ(k->row(0)[2], 4.f);  // step 1000, largest value first
  EXPECT_FLOAT_EQ(k->row(0)[3], 1.f);
}

TEST(OfficialJson, MissingExtraAndDuplicateKeysAreErrors) {
  struct Case {
    std::string later;
    std::string expect;
  };
  for (const Case& c : {Case{R"({"a": [1, 1]})", "key 'b': missing"},
                        Case{R"({"a": [1, 1], "b": [1, 1], "c": [1, 1]})", "key 'c': not in the first"},
                        Case{R"({"a": [1, 1], "b": [1, 1], "a": [2, 2]})", "key 'a': duplicate key"},
                        Case{R"({"a": [1, 1], "b": "x"})", "row 1 (key 'b'): expected a list"},
                        Case{R"({"a": [1, 1], "b": [1, "x"]})", "row 1 (key 'b'): expected a number"}}) {
    TempDir d;
    Write(File(d, 200), R"({"a": [1, 2], "b": [3, 4]})");
    Write(File(d, 400), c.later);
    auto t = ReadOfficialTrajectories(d.path(), {});
    ASSERT_FALSE(t.ok()) << c.later;
    EXPECT_NE(t.status().message().find(c.expect), std::string::npos) << t.status().message();
    EXPECT_NE(t.status().message().find("checkpoint-400"), std::string::npos) << t.status().message();
  }
  TempDir d;
  Write(File(d, 200), R"({"a": [1, 2], "a": [3, 4]})");
  auto t = ReadOfficialTrajectories(d.path(), {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("duplicate"), std::string::npos);
}

TEST(OfficialJson, NanOnlyInOfficialModeAndTvStaysNan) {
  TempDir d;
  Write(File(d, 200), R"({"a": [NaN, 2], "b": [1, 2]})");
  Write(File(d, 400), R"({"a": [1, 2], "b": [Infinity, 2]})");
  auto strict = ReadOfficialTrajectories(d.path(), {});
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("key 'a'"), std::string::npos);
  OfficialReadOptions o;
  o.allow_nan = true;
  auto t = ReadOfficialTrajectories(d.path(), o);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_TRUE(std::isnan(t->row(0)[0]));
  EXPECT_TRUE(std::isinf(t->row(1)[1]));
  const auto tv = TotalVariation(*t);
  EXPECT_TRUE(std::isnan(tv[0]));
  EXPECT_EQ(ZeroNans(&t->values), 1u);
  EXPECT_EQ(t->row(0)[0], 0.f);
}

TEST(OfficialJson, NoFilesOrMixedTopKIsAClearError) {
  TempDir d;
  EXPECT_EQ(ReadOfficialTrajectories(d.path(), {}).status().code(), Status::Code::kNotFound);
  Write(File(d, 200), R"({"a": [1, 2]})");
  Write(d / "checkpoint-400_attn_svd_partial_vals_top5.json", R"({"a": [1, 2, 3, 4, 5]})");
  auto t = ReadOfficialTrajectories(d.path(), {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("--top-k"), std::string::npos);
  OfficialReadOptions o;
  o.top_k = 1;
  EXPECT_TRUE(ReadOfficialTrajectories(d.path(), o).ok());
  o.top_k = 3;  // the top2 file cannot give 3
  auto few = ReadOfficialTrajectories(d.path(), o);
  ASSERT_FALSE(few.ok());
  EXPECT_NE(few.status().message().find("checkpoint-200_attn_svd_partial_vals_top2.json: holds top2 values, fewer "
                                        "than --top-k 3"), std::string::npos) << few.status().message();
}

// Every list holds exactly the k of its file's name: a ragged row (in the
// first file or a later one), a longer row, or an empty one is an error
// naming the file, the row and its key, with or without --features all.
TEST(OfficialJson, RaggedAndWrongLengthRowsAreErrors) {
  struct Case {
    std::string first, later, expect;
  };
  for (const Case& c :
       {Case{R"({"a": [1, 2], "b": [1.0]})", R"({"a": [1, 2], "b": [3, 4]})",
             "checkpoint-200_attn_svd_partial_vals_top2.json: row 1 (key 'b'): 1 singular values, expected 2"},
        Case{R"({"a": [1, 2], "b": [3, 4]})", R"({"a": [1, 2, 0.5], "b": [3, 4]})",
             "checkpoint-400_attn_svd_partial_vals_top2.json: row 0 (key 'a'): 3 singular values, expected 2"},
        Case{R"({"a": [1, 2], "b": [3, 4]})", R"({"b": [3, 4], "a": []})",
             "checkpoint-400_attn_svd_partial_vals_top2.json: row 1 (key 'a'): 0 singular values, expected 2"}}) {
    for (bool keep_all : {false, true}) {
      TempDir d;
      Write(File(d, 200), c.first);
      Write(File(d, 400), c.later);
      OfficialReadOptions o;
      o.keep_all = keep_all;
      auto t = ReadOfficialTrajectories(d.path(), o);
      ASSERT_FALSE(t.ok()) << c.first << " " << c.later;
      const std::string& m = t.status().message();
      EXPECT_NE(m.find(c.expect), std::string::npos) << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
  }
}

}  // namespace
}  // namespace xmas::select
