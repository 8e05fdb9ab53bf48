#include "core/ids.h"

#include <gtest/gtest.h>

namespace cse {
namespace {

TEST(IdsTest, FormatsAndParsesDisplayIds) {
  EXPECT_EQ(FormatDisplayId("CASE", 42), "CASE-000042");
  EXPECT_EQ(*ParseDisplayId("CASE", "CASE-000042"), 42);
  EXPECT_EQ(*ParseDisplayId("CASE", "case-7"), 7);
  EXPECT_EQ(*ParseDisplayId("CASE", "13"), 13);
  for (const char* bad : {"", "CASE-", "CASE-x1", "PRS-000001", "0", "-3"}) {
    EXPECT_EQ(ParseDisplayId("CASE", bad).status().reason(), "id_malformed") << bad;
  }
}

}  // namespace
}  // namespace cse
