#include "xmas/util/enum_names.h"

#include <gtest/gtest.h>

namespace xmas {
namespace {

enum class Colour { kRed, kGreen, kBlue, kUnnamed };
constexpr EnumName<Colour> kColours[] = {
    {Colour::kRed, "red"}, {Colour::kGreen, "green"}, {Colour::kRed, "rouge"}, {Colour::kBlue, "blue"}};

TEST(EnumNames, ParsesNamesAndAliases) {
  EXPECT_EQ(*ParseEnum(kColours, "green", "colour"), Colour::kGreen);
  EXPECT_EQ(*ParseEnum(kColours, "rouge", "colour"), Colour::kRed);
  auto bad = ParseEnum(kColours, "Red", "colour");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kUsage);
  EXPECT_EQ(bad.status().message(), "unknown colour 'Red' (expected red, green or blue)");
}

TEST(EnumNames, NamesLeaveAliasesOut) {
  EXPECT_STREQ(NameOf(kColours, Colour::kRed), "red");
  EXPECT_STREQ(NameOf(kColours, Colour::kBlue), "blue");
  EXPECT_STREQ(NameOf(kColours, Colour::kUnnamed), "unknown");
  EXPECT_STREQ(NameOf(kColours, Colour::kUnnamed, "?"), "?");
  EXPECT_EQ(EnumNames(kColours), (std::vector<std::string>{"red", "green", "blue"}));
  for (const std::string& name : EnumNames(kColours)) {
    EXPECT_EQ(NameOf(kColours, *ParseEnum(kColours, name, "colour")), name);
  }
}

TEST(EnumNames, JoinAlternatives) {
  EXPECT_EQ(JoinAlternatives({}), "");
  EXPECT_EQ(JoinAlternatives({"a"}), "a");
  EXPECT_EQ(JoinAlternatives({"a", "b"}), "a or b");
  EXPECT_EQ(JoinAlternatives({"a", "b", "c"}), "a, b or c");
}

}  // namespace
}  // namespace xmas
