// tests/fixtures/dataset/tiny_llava.json against keys made by the authors' rule
// (tiny_llava.golden.tsv: unique_idx <tab> source, one line per record).
#include <gtest/gtest.h>

#include <sstream>

#include "test_helpers.h"
#include "xmas/data/dataset.h"
#include "xmas/data/validate.h"

namespace xmas::data {
namespace {
using namespace xmas::data::testing;

const std::string kDir = std::string(XMAS_TEST_DATA_DIR) + "/dataset/";

TEST(TinyLlava, UniqueIdxAndSourcesMatchTheGolden) {
  auto ds = Dataset::Load(kDir + "tiny_llava.json", Quiet());
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  std::istringstream golden(ReadText(kDir + "tiny_llava.golden.tsv"));
  std::string line;
  size_t i = 0;
  for (; std::getline(golden, line); ++i) {
    ASSERT_LT(i, ds->size());
    const size_t tab = line.find('\t');
    EXPECT_EQ((*ds)[i].unique_idx, line.substr(0, tab)) << "record " << i;
    EXPECT_EQ((*ds)[i].source, line.substr(tab + 1)) << "record " << i;
    EXPECT_EQ(ds->FindUniqueIdx(line.substr(0, tab)), static_cast<long>(i));
  }
  EXPECT_EQ(i, ds->size());
}

TEST(TinyLlava, IsValidAndRoundTripsByteForByte) {
  auto ds = Dataset::Load(kDir + "tiny_llava.json", Quiet());
  ASSERT_TRUE(ds.ok());
  ValidateOptions options;
  options.show_progress = false;
  EXPECT_EQ(ValidateDataset(*ds, options).Summary(), "checked 11 records: no problems");
  auto dir = TempDir("fixture");
  std::vector<size_t> all(ds->size());
  for (size_t k = 0; k < all.size(); ++k) all[k] = k;
  ASSERT_TRUE(WriteSubset(*ds, all, (dir / "copy.json").string()).ok());
  const std::string original = ReadText(kDir + "tiny_llava.json");
  const std::string copy = ReadText(dir / "copy.json");
  for (const Record& r : ds->records()) EXPECT_NE(copy.find(std::string(r.raw)), std::string::npos);
  EXPECT_NE(copy.find(R"("instruction_extra": {"k": [1, 2.50, null, true]})"), std::string::npos);
  EXPECT_NE(copy.find(R"(\ud83d\ude00)"), std::string::npos);
  // WriteSubset puts each record on a new line without the file's 4-space
  // indent; everything else is the original bytes.
  std::string expected = original;
  for (size_t at = expected.find("\n    {"); at != std::string::npos; at = expected.find("\n    {", at + 1)) {
    expected.erase(at + 1, 4);
  }
  EXPECT_EQ(copy, expected);
}

}  // namespace
}  // namespace xmas::data
