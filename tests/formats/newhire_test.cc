// New-hire layouts (FACTS §2.3, §2.4) and the record parser's validation and rejections.
#include "formats/newhire.h"

#include <gtest/gtest.h>

#include <map>

namespace cse::formats {
namespace {

// A fixed-width line of `length` spaces with `fields` placed at 1-based positions.
std::string Line(int length, const std::map<int, std::string>& fields) {
  std::string s(static_cast<size_t>(length), ' ');
  for (const auto& [pos, text] : fields) s.replace(static_cast<size_t>(pos - 1), text.size(), text);
  return s;
}

std::map<int, std::string> W4Fields() {
  return {{1, "W4"},         {3, "123456789"},  {12, "SAM"}, {28, "Q"},         {44, "DOE-SMITH"},
          {74, "1 MAIN ST"}, {194, "PHOENIX"},  {219, "AZ"}, {221, "85001"},    {226, "1234"},
          {272, "19800115"}, {280, "20240610"}, {288, "AZ"}, {290, "987654321"}};
}

const char* kHeader = "H404         W4 0120240612000001";

NewHireParser W4() { return *NewHireParser::Create(*LoadNewHireLayout("w4")); }

struct Parsed {
  std::vector<NewHireRecord> records;
  std::vector<RecordRejection> rejections;
  NewHireFileCounts counts;
};

Parsed Read(const NewHireParser& p, const std::string& text) {
  Parsed out;
  auto counts = ReadNewHireBuffer(
      text, p,
      [&](const NewHireRecord& r) {
        out.records.push_back(r);
        return Status::Ok();
      },
      [&](const RecordRejection& r) {
        out.rejections.push_back(r);
        return Status::Ok();
      });
  EXPECT_TRUE(counts.ok());
  out.counts = *counts;
  return out;
}

TEST(NewHireLayoutTest, BuiltinLayoutsMarkTheUnverifiedPositions) {
  auto w4 = LoadNewHireLayout("w4");
  ASSERT_TRUE(w4.ok()) << w4.status().ToString();
  EXPECT_EQ(w4->record_length, 801);
  EXPECT_EQ(w4->UnverifiedFields(),
            (std::vector<std::string>{"dob", "hire_date", "state_of_hire", "employer_fein"}));
  EXPECT_EQ(w4->Find("employer_name"), nullptr);  // positions 311-801 are [NOT FOUND]
  auto state = LoadNewHireLayout("state");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_TRUE(state->UnverifiedFields().empty());
  EXPECT_EQ(state->Find("employer_fein")->start, 286);
  // The printed table parses back to the same layout.
  auto again = ParseLayout(FormatLayout(*w4), NewHireFields());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(FormatLayout(*again), FormatLayout(*w4));
}

TEST(NewHireLayoutTest, BadTablesNameTheLine) {
  const std::string base = "layout x\nrecord_length 100\nrecord_id 1 XX\n";
  struct Bad {
    std::string extra;
    std::string reason;
  };
  const Bad cases[] = {
      {"field nickname 3 5 text\n", "layout_field_unknown"},
      {"field ssn 3 9 digits\nfield ssn 20 9 digits\n", "layout_field_duplicate"},
      {"field ssn 3 9 hex\n", "layout_type_unknown"},
      {"field ssn 95 9 digits\n", "layout_position_invalid"},
      {"field ssn 1 9 digits\n", "layout_position_invalid"},
      {"field ssn 3 x digits\n", "layout_position_invalid"},
      {"field ssn 3 9 digits mandatory\n", "layout_syntax"},
      {"frobnicate\n", "layout_syntax"},
  };
  for (const Bad& b : cases) {
    auto l = ParseLayout(base + b.extra, NewHireFields());
    EXPECT_EQ(l.status().reason(), b.reason) << b.extra;
  }
  EXPECT_EQ(ParseLayout("layout x\n", NewHireFields()).status().reason(), "layout_incomplete");
  EXPECT_EQ(LoadNewHireLayout("/nonexistent/layout.txt").status().reason(),
            "layout_file_not_found");
  // A layout that cannot match (no SSN) is refused.
  auto no_ssn = ParseLayout(base + "field last_name 3 9 name\n", NewHireFields());
  ASSERT_TRUE(no_ssn.ok());
  EXPECT_EQ(NewHireParser::Create(*no_ssn).status().reason(), "layout_missing_field");
}

TEST(NewHireParserTest, ParsesAValidW4Record) {
  const Parsed p = Read(W4(), std::string(kHeader) + "\n" + Line(801, W4Fields()) + "\r\n");
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_TRUE(p.rejections.empty());
  const NewHireRecord& r = p.records[0];
  EXPECT_EQ(r.record_number, 2);
  EXPECT_EQ(r.ssn, "123456789");
  EXPECT_EQ(r.first_name, "SAM");
  EXPECT_EQ(r.middle_name, "Q");
  EXPECT_EQ(r.last_name, "DOE-SMITH");
  EXPECT_EQ(r.address.city, "PHOENIX");
  EXPECT_EQ(r.address.zip, "85001-1234");
  EXPECT_EQ(r.date_of_birth, Date::Ymd(1980, 1, 15));
  EXPECT_EQ(r.hire_date, Date::Ymd(2024, 6, 10));
  EXPECT_EQ(r.employer_fein, "987654321");
  EXPECT_EQ(p.counts.headers, 1);
  EXPECT_EQ(p.counts.lines, 2);
}

TEST(NewHireParserTest, EveryBadRecordIsRejectedWithRecordFieldAndReason) {
  struct Bad {
    int pos;
    std::string text;
    std::string field;
    std::string reason;
  };
  const Bad cases[] = {
      {3, "         ", "ssn", "field_missing"},
      {3, "12345678A", "ssn", "field_not_digits"},
      {3, "000000000", "ssn", "ssn_invalid"},
      {12, "                ", "first_name", "field_missing"},
      {44, "O'BRIEN", "last_name", "name_invalid_char"},
      {226, "12  ", "zip4", "zip4_malformed"},
      {272, "19800230", "dob", "date_invalid"},
      {280, "2024061X", "hire_date", "date_invalid"},
      {280, "22000101", "hire_date", "date_out_of_range"},
      {272, "18991231", "dob", "date_out_of_range"},
      {290, "98765432 ", "employer_fein", "fein_malformed"},
      {74, "1 MAIN\x01ST", "address_line1", "text_invalid_char"},
      {1, "W5", "record", "record_type_unknown"},
  };
  std::string text = std::string(kHeader) + "\n";
  for (const Bad& b : cases) {
    auto f = W4Fields();
    f[b.pos] = b.text;
    text += Line(801, f) + "\n";
  }
  text += Line(802, W4Fields()) + "\n";  // one byte too long
  const Parsed p = Read(W4(), text);
  EXPECT_TRUE(p.records.empty());
  ASSERT_EQ(p.rejections.size(), std::size(cases) + 1);
  for (size_t i = 0; i < std::size(cases); ++i) {
    EXPECT_EQ(p.rejections[i].record_number, static_cast<int64_t>(i + 2));
    EXPECT_EQ(p.rejections[i].field, cases[i].field) << i;
    EXPECT_EQ(p.rejections[i].reason, cases[i].reason) << i;
    if (cases[i].field != "record") {
      EXPECT_NE(p.rejections[i].message.find("positions"), std::string::npos);
    }
  }
  EXPECT_EQ(p.rejections.back().reason, "record_too_long");
}

TEST(NewHireParserTest, RecordsBeforeTheHeaderAreRejectedAndBlankLinesSkipped) {
  const std::string rec = Line(801, W4Fields());
  const Parsed p = Read(W4(), rec + "\n\n" + kHeader + "\n" + rec + "\n   \n");
  ASSERT_EQ(p.rejections.size(), 1u);
  EXPECT_EQ(p.rejections[0].reason, "header_missing");
  EXPECT_EQ(p.rejections[0].record_number, 1);
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_EQ(p.records[0].record_number, 4);
}

TEST(NewHireParserTest, ShortLinesReadAsBlankFields) {
  // Trailing spaces are often stripped: the record still parses when every required field
  // is inside the line.
  std::string rec = Line(801, W4Fields());
  rec.erase(rec.find_last_not_of(' ') + 1);
  const Parsed p = Read(W4(), std::string(kHeader) + "\n" + rec + "\n");
  ASSERT_EQ(p.records.size(), 1u);
  // Cut before the FEIN: rejected as missing.
  const Parsed cut = Read(W4(), std::string(kHeader) + "\n" + rec.substr(0, 287) + "\n");
  ASSERT_EQ(cut.rejections.size(), 1u);
  EXPECT_EQ(cut.rejections[0].field, "employer_fein");
  EXPECT_EQ(cut.rejections[0].reason, "field_missing");
}

TEST(NewHireParserTest, StateLayoutWithMmddyyyyDatesAndEmployerName) {
  const NewHireParser p = *NewHireParser::Create(*LoadNewHireLayout("state"));
  const std::string rec = Line(560, {{1, "MN Newhire Record"},
                                     {18, "2.00"},
                                     {22, "Ana"},
                                     {54, "Roe"},
                                     {84, "234567890"},
                                     {266, "02291984"},
                                     {274, "06102024"},
                                     {282, "MN"},
                                     {286, "111222333"},
                                     {307, "ACME WIDGETS INC"},
                                     {472, "SAINT PAUL"},
                                     {497, "MN"}});
  const Parsed out = Read(p, rec + "\n");
  ASSERT_EQ(out.records.size(), 1u) << (out.rejections.empty() ? "" : out.rejections[0].message);
  const NewHireRecord& r = out.records[0];
  EXPECT_EQ(r.first_name, "ANA");
  EXPECT_EQ(r.date_of_birth, Date::Ymd(1984, 2, 29));
  EXPECT_EQ(r.hire_date, Date::Ymd(2024, 6, 10));
  EXPECT_EQ(r.employer_name, "ACME WIDGETS INC");
  EXPECT_EQ(r.employer_address.city, "SAINT PAUL");
}

TEST(NewHireParserTest, AStateSuppliedLayoutPlacesTheEmployerName) {
  auto table = BuiltinLayoutTable("w4");
  ASSERT_TRUE(table.ok());
  auto layout =
      ParseLayout(*table + "field employer_name 311 45 text unverified\n", NewHireFields());
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  auto f = W4Fields();
  f[311] = "BIG BOX STORES";
  const Parsed p =
      Read(*NewHireParser::Create(*layout), std::string(kHeader) + "\n" + Line(801, f) + "\n");
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_EQ(p.records[0].employer_name, "BIG BOX STORES");
}

}  // namespace
}  // namespace cse::formats
