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

// Pass-through (42 USC 657(a)(6)): an eighth field "pt" marks family money passed through.
// Lines stored before it existed (seven fields) decode exactly as they did, unmarked.
TEST(CodecTest, PassThroughIsAnOptionalEighthFieldAndOldLinesDecodeUnchanged) {
  const std::string stored_before =
      "3:c:cs:2024-03-01:pa:g:17500;3:c:cs:2024-03-01:pa:s:17500;"
      "3:c:cs:2024-03-01:pa:f:5000";
  auto old = DecodeLines(stored_before);
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(old->size(), 3u);
  for (const DistributionLine& l : *old) EXPECT_FALSE(l.pass_through);
  EXPECT_EQ((*old)[2],
            (DistributionLine{CaseId{3}, AppliedAs::kCurrent, ObligationType::kCurrentSupport,
                              Date::Ymd(2024, 3, 1), Bucket::kPermanentlyAssigned, Payee::kFamily,
                              Money::FromCents(5000)}));
  EXPECT_EQ(EncodeLines(*old), stored_before);  // re-encoded byte for byte

  std::vector<DistributionLine> lines = *old;
  lines[2].pass_through = true;
  const std::string text = EncodeLines(lines);
  EXPECT_EQ(text.substr(text.rfind(';') + 1), "3:c:cs:2024-03-01:pa:f:5000:pt");
  auto back = DecodeLines(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, lines);
  EXPECT_TRUE((*back)[2].pass_through);
  EXPECT_FALSE((*back)[1].pass_through);
}

TEST(CodecTest, RejectsCorruptText) {
  for (const char* bad :
       {"12:c:cs:2024-03-01:na:f", "12:x:cs:2024-03-01:na:f:1", "12:c:cs:2024-13-01:na:f:1",
        "a:c:cs:2024-03-01:na:f:1", "12:c:cs:2024-03-01:na:f:1:9",
        // only family money is passed through; nothing follows the marker
        "12:c:cs:2024-03-01:pa:s:1:pt", "12:c:cs:2024-03-01:pa:f:1:pt:pt"}) {
    EXPECT_EQ(DecodeLines(bad).status().reason(), "distribution_lines_corrupt") << bad;
  }
}

}  // namespace
}  // namespace cse
