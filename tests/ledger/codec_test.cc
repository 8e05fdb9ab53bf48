#include "ledger/codec.h"

#include <gtest/gtest.h>

namespace cse {
namespace {

TEST(CodecTest, RoundTripsEveryField) {
  std::vector<DistributionLine> lines{
      {CaseId{12}, AppliedAs::kCurrent, ObligationType::kCurrentSupport, Date::Ymd(2024, 3, 1),
       Bucket::kNeverAssigned, Payee::kFamily, Money::FromCents(50000)},
      {CaseId{7}, AppliedAs::kArrears, ObligationType::kCashMedical, Date::Ymd(2023, 1, 1),
       Bucket::kPermanentlyAssigned, Payee::kFederal, Money::FromCents(1)},
      {CaseId{7}, AppliedAs::kHeld, ObligationType::kCurrentSupport, Date::Ymd(2024, 3, 9),
       Bucket::kNeverAssigned, Payee::kHeld, Money::FromCents(99)}};
  const std::string text = EncodeLines(lines);
  EXPECT_EQ(text.substr(0, 30), "12:c:cs:2024-03-01:na:f:50000;");
  auto back = DecodeLines(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, lines);
  EXPECT_TRUE(DecodeLines("")->empty());
}

TEST(CodecTest, RejectsCorruptText) {
  for (const char* bad :
       {"12:c:cs:2024-03-01:na:f", "12:x:cs:2024-03-01:na:f:1", "12:c:cs:2024-13-01:na:f:1",
        "a:c:cs:2024-03-01:na:f:1", "12:c:cs:2024-03-01:na:f:1:9"}) {
    EXPECT_EQ(DecodeLines(bad).status().reason(), "distribution_lines_corrupt") << bad;
  }
}

}  // namespace
}  // namespace cse
