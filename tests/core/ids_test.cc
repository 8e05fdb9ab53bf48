#include "core/ids.h"

#include <gtest/gtest.h>

#include <string>

namespace cse {
namespace {

TEST(IdsTest, FormatsAndParsesDisplayIds) {
  EXPECT_EQ(FormatDisplayId("CASE", 42), "CASE-000042");
  EXPECT_EQ(*ParseDisplayId("CASE", "CASE-000042"), 42);
  EXPECT_EQ(*ParseDisplayId("CASE", "case-7"), 7);
  EXPECT_EQ(*ParseDisplayId("CASE", "13"), 13);
  for (const char* bad : {"", "CASE-", "CASE-x1", "PRS-000001", "0", "-3", "CASE-0000"}) {
    EXPECT_EQ(ParseDisplayId("CASE", bad).status().reason(), "id_malformed") << bad;
  }
  // Any padding: leading zeros do not count toward the 15 digits an id may have.
  EXPECT_EQ(*ParseDisplayId("CASE", "CASE-" + std::string(30, '0') + "42"), 42);
  EXPECT_EQ(*ParseDisplayId("CASE", std::string(16, '0') + "1"), 1);
  EXPECT_EQ(ParseDisplayId("CASE", "1" + std::string(15, '0')).status().reason(), "id_malformed");
  // The error echoes at most 40 bytes of what it was given.
  const Status huge = ParseDisplayId("CASE", std::string(5000, '9')).status();
  EXPECT_EQ(huge.reason(), "id_malformed");
  EXPECT_LT(huge.message().size(), 120u);
}

}  // namespace
}  // namespace cse
