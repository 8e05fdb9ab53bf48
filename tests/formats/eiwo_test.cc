// e-IWO layouts, the fixed-width record writer and reader, and the acknowledgment parser.
// Positions checked here as sourced come from FACTS §1.3 (chart D-1 header 1-25, chart D-3
// detail 1-184, the 2011 ACK 1-6); every other position is the built-in table's UNVERIFIED
// placement and is tested only for consistency (round trip, marked unverified).
#include "formats/eiwo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

namespace cse::formats {
namespace {

// A batch control number as iwo/eiwo_export.h formats them (22 characters).
const std::string kIwoControl = "06000" + std::string(16, '0') + "2";

EiwoLayouts Iwo() { return *LoadEiwoLayouts("builtin", EiwoDirection::kIwo); }
EiwoLayouts Ack() { return *LoadEiwoLayouts("builtin", EiwoDirection::kAck); }

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(EiwoLayoutTest, BuiltinsParseAndMarkUnverifiedPositions) {
  const EiwoLayouts iwo = Iwo();
  const std::vector<std::string> u = iwo.UnverifiedFields();
  // Sourced (FACTS §1.3): not marked.
  EXPECT_FALSE(Contains(u, "file_header.control_number"));
  EXPECT_FALSE(Contains(u, "detail.case_id"));
  EXPECT_FALSE(Contains(u, "detail.employer_line1"));
  // Not in FACTS: marked.
  EXPECT_TRUE(Contains(u, "detail.employee_ssn"));
  EXPECT_TRUE(Contains(u, "detail.current_support"));
  EXPECT_TRUE(Contains(u, "file_trailer.detail_count"));
  EXPECT_TRUE(Contains(u, "batch_header.employer_fein"));
  EXPECT_EQ(iwo.file_header.record_id, "FHI");
  EXPECT_EQ(iwo.batch_header.record_id, "BHI");
  EXPECT_EQ(iwo.detail.record_id, "DTL");
  const EiwoLayouts ack = Ack();
  EXPECT_EQ(ack.file_header.record_id, "FHA");
  EXPECT_EQ(ack.detail.record_id, "ACK");
  EXPECT_EQ(ack.accept_code, "A");
  EXPECT_EQ(ack.reject_code, "R");
  EXPECT_EQ(ack.reasons.at("SU"), "Employee in suspense status");
  EXPECT_FALSE(ack.codes_verified);
  EXPECT_TRUE(Contains(ack.UnverifiedFields(), "detail.disposition"));
  EXPECT_FALSE(Contains(ack.UnverifiedFields(), "detail.action_code"));
}

TEST(EiwoLayoutTest, FormattedTablesParseBack) {
  for (EiwoDirection d : {EiwoDirection::kIwo, EiwoDirection::kAck}) {
    const EiwoLayouts l = *LoadEiwoLayouts("builtin", d);
    auto again = ParseEiwoLayouts(FormatEiwoLayouts(l), d);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(FormatEiwoLayouts(*again), FormatEiwoLayouts(l));
    EXPECT_EQ(again->UnverifiedFields(), l.UnverifiedFields());
  }
}

TEST(EiwoLayoutTest, BadTablesNameTheProblem) {
  auto r =
      ParseEiwoLayouts("layout detail\nrecord_length 10\nrecord_id 1 DTL\n", EiwoDirection::kIwo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_layout_missing");  // no file_header, ...

  std::string table(BuiltinEiwoTable(EiwoDirection::kIwo));
  table.erase(table.find("field action_code"),
              table.find('\n', table.find("field action_code")) - table.find("field action_code"));
  r = ParseEiwoLayouts(table, EiwoDirection::kIwo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_field_missing");  // detail places no action_code
  EXPECT_NE(r.status().message().find("action_code"), std::string::npos);

  table = std::string(BuiltinEiwoTable(EiwoDirection::kIwo));
  table.replace(table.find("layout file_trailer"), 19, "layout file_trailerX");
  r = ParseEiwoLayouts(table, EiwoDirection::kIwo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_layout_name");

  std::string ack(BuiltinEiwoTable(EiwoDirection::kAck));
  ack.replace(ack.find("disposition rejected R"), 22, "");
  r = ParseEiwoLayouts(ack, EiwoDirection::kAck);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_codes_missing");

  r = ParseEiwoLayouts(std::string(BuiltinEiwoTable(EiwoDirection::kIwo)) + "reason XX Text\n",
                       EiwoDirection::kIwo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_code_invalid");

  table = std::string(BuiltinEiwoTable(EiwoDirection::kIwo));
  table.replace(table.find("field case_id 88 15"), 19, "field case_id 88 999");
  r = ParseEiwoLayouts(table, EiwoDirection::kIwo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "layout_position_invalid");
  EXPECT_NE(r.status().message().find("detail"), std::string::npos) << r.status().message();

  r = LoadEiwoLayouts("/nonexistent/eiwo.table", EiwoDirection::kIwo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "layout_file_not_found");
}

FieldValues Detail() {
  return FieldValues{{"action_code", "ORG"},
                     {"document_date", "2024-07-01"},
                     {"issuing_state", "STATE OF EXAMPLE"},
                     {"jurisdiction", "EXAMPLE COUNTY"},
                     {"case_id", "CASE-000042"},
                     {"employer_name", "ACME WIDGETS"},
                     {"employer_line1", "1 MAIN ST"},
                     {"employer_fein", "111111111"},
                     {"employee_last_name", "DOE"},
                     {"employee_first_name", "SAM"},
                     {"employee_ssn", "123456789"},
                     {"current_support", "50000"},
                     {"past_due_support", "10000"},
                     {"arrears_over_12_weeks", "Y"},
                     {"total_monthly", "60000"},
                     {"tracking_id", "IWO-000001"}};
}

TEST(EiwoRecordTest, DetailPutsSourcedFieldsAtFactsPositions) {
  const EiwoLayouts l = Iwo();
  auto rec = FormatRecord(l.detail, Detail());
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  ASSERT_EQ(rec->size(), 600u);
  // FACTS §1.3 chart D-3 (1-based positions).
  EXPECT_EQ(rec->substr(0, 3), "DTL");
  EXPECT_EQ(rec->substr(3, 3), "   ");  // filler 4-6
  EXPECT_EQ(rec->substr(6, 3), "ORG");
  EXPECT_EQ(rec->substr(9, 8), "20240701");
  EXPECT_EQ(rec->substr(17, 35), std::string("STATE OF EXAMPLE") + std::string(19, ' '));
  EXPECT_EQ(rec->substr(87, 15), "CASE-000042    ");
  EXPECT_EQ(rec->substr(102, 12), "ACME WIDGETS");
  EXPECT_EQ(rec->substr(159, 9), "1 MAIN ST");
  // Digits are zero-filled on the left (built-in placement, unverified).
  const FieldSpec* cur = l.detail.Find("current_support");
  EXPECT_EQ(rec->substr(static_cast<size_t>(cur->start - 1), 11), "00000050000");

  FieldProblem p;
  auto back = ReadRecord(l.detail, *rec, p);
  ASSERT_TRUE(back.ok()) << p.reason;
  EXPECT_EQ(back->at("case_id"), "CASE-000042");
  EXPECT_EQ(back->at("document_date"), "2024-07-01");
  EXPECT_EQ(back->at("current_support"), "00000050000");
  EXPECT_EQ(back->at("employee_middle_name"), "");
}

TEST(EiwoRecordTest, BadValuesNameTheField) {
  const EiwoLayouts l = Iwo();
  FieldValues v = Detail();
  v["case_id"] = "CASE-0000000000042";  // 18 > 15
  std::string field;
  auto r = FormatRecord(l.detail, v, &field);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_field_too_long");
  EXPECT_EQ(field, "case_id");
  EXPECT_NE(r.status().message().find("case_id"), std::string::npos);

  v = Detail();
  v["current_support"] = "12.50";
  r = FormatRecord(l.detail, v);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_field_not_digits");

  v = Detail();
  v.erase("employer_name");
  r = FormatRecord(l.detail, v);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_field_missing");
  EXPECT_NE(r.status().message().find("employer_name"), std::string::npos);

  v = Detail();
  v["employer_name"] = "ACME\nWIDGETS";
  r = FormatRecord(l.detail, v);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_field_invalid_char");

  v = Detail();
  v["document_date"] = "2024-02-30";
  r = FormatRecord(l.detail, v);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "date_malformed");

  // A long name is cut to the field, as on the paper form.
  v = Detail();
  v["employee_last_name"] = std::string(40, 'X');
  r = FormatRecord(l.detail, v);
  ASSERT_TRUE(r.ok());
  const FieldSpec* last = l.detail.Find("employee_last_name");
  EXPECT_EQ(r->substr(static_cast<size_t>(last->start - 1), 30), std::string(30, 'X'));
}

// A well-formed acknowledgment file of `acks` (each: case, ssn, disposition, reason).
struct AckSpec {
  std::string case_id;
  std::string ssn;
  std::string disposition;
  std::string reason;
  std::string action = "ORG";
};
std::string AckFileText(const std::vector<AckSpec>& acks, const std::string& iwo_control,
                        int64_t trailer_count = -1) {
  const EiwoLayouts l = Ack();
  std::string out;
  out += *FormatRecord(l.file_header, {{"control_number", "06000EMPFILE0000000001"},
                                       {"creation_date", "2024-07-05"}}) +
         "\n";
  out += *FormatRecord(l.batch_header, {{"control_number", "06000EMPBTCH0000000001"}}) + "\n";
  for (const AckSpec& a : acks) {
    out += *FormatRecord(l.detail, {{"action_code", a.action},
                                    {"iwo_control_number", iwo_control},
                                    {"case_id", a.case_id},
                                    {"employee_ssn", a.ssn},
                                    {"disposition", a.disposition},
                                    {"reason_code", a.reason}}) +
           "\n";
  }
  const std::string n =
      std::to_string(trailer_count >= 0 ? trailer_count : static_cast<int64_t>(acks.size()));
  out += *FormatRecord(l.batch_trailer,
                       {{"control_number", "06000EMPBTCH0000000001"}, {"detail_count", n}}) +
         "\n";
  out += *FormatRecord(l.file_trailer, {{"control_number", "06000EMPFILE0000000001"},
                                        {"batch_count", "1"},
                                        {"detail_count", n}}) +
         "\n";
  return out;
}

TEST(AckParseTest, ReadsAcceptedAndRejectedRecords) {
  const std::string text =
      AckFileText({{"CASE-000001", "123456789", "A", ""}, {"CASE-000002", "987654321", "R", "NE"}},
                  kIwoControl);
  const AckFile f = ParseAckFile(text, Ack());
  ASSERT_EQ(f.problem_count, 0) << f.problems.front().reason << " " << f.problems.front().message;
  EXPECT_EQ(f.file_control, "06000EMPFILE0000000001");
  ASSERT_TRUE(f.created.has_value());
  EXPECT_EQ(f.created->ToString(), "2024-07-05");
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_TRUE(f.records[0].accepted);
  EXPECT_EQ(f.records[0].record_number, 3);
  EXPECT_EQ(f.records[0].case_id, "CASE-000001");
  EXPECT_FALSE(f.records[1].accepted);
  EXPECT_EQ(f.records[1].reason_code, "NE");
  EXPECT_EQ(f.records[1].reason, "Employee not employed by this employer");
  EXPECT_EQ(f.records[1].batch_control, "06000EMPBTCH0000000001");
}

// The first problem of parsing `text`.
AckProblem FirstProblem(const std::string& text) {
  const AckFile f = ParseAckFile(text, Ack());
  EXPECT_GT(f.problem_count, 0);
  return f.problems.empty() ? AckProblem{} : f.problems.front();
}

TEST(AckParseTest, MalformedFilesNameRecordFieldAndReason) {
  const std::string good = AckFileText({{"CASE-000001", "123456789", "A", ""}}, kIwoControl);
  // Empty file.
  AckProblem p = FirstProblem("");
  EXPECT_EQ(p.reason, "eiwo_header_missing");
  // A detail before the header.
  p = FirstProblem(good.substr(good.find("BHA")));
  EXPECT_EQ(p.reason, "eiwo_header_missing");
  EXPECT_EQ(p.record_number, 1);
  // Unknown record type.
  std::string t = good;
  t.insert(t.find("BTA"), "XYZ garbage\n");
  p = FirstProblem(t);
  EXPECT_EQ(p.reason, "eiwo_record_unknown");
  EXPECT_EQ(p.record_number, 4);
  EXPECT_EQ(p.field, "record");
  // Trailer count wrong.
  p = FirstProblem(AckFileText({{"CASE-000001", "123456789", "A", ""}}, kIwoControl, 5));
  EXPECT_EQ(p.reason, "eiwo_count_mismatch");
  EXPECT_EQ(p.field, "detail_count");
  EXPECT_EQ(p.record_number, 4);
  // Unknown disposition, missing and unknown reasons, bad action code.
  p = FirstProblem(AckFileText({{"CASE-000001", "123456789", "Q", ""}}, kIwoControl));
  EXPECT_EQ(p.reason, "disposition_unknown");
  EXPECT_EQ(p.field, "disposition");
  EXPECT_EQ(p.record_number, 3);
  p = FirstProblem(AckFileText({{"CASE-000001", "123456789", "R", ""}}, kIwoControl));
  EXPECT_EQ(p.reason, "reason_code_missing");
  p = FirstProblem(AckFileText({{"CASE-000001", "123456789", "R", "ZZ"}}, kIwoControl));
  EXPECT_EQ(p.reason, "reason_code_unknown");
  EXPECT_EQ(p.field, "reason_code");
  p = FirstProblem(AckFileText({{"CASE-000001", "123456789", "A", "", "XXX"}}, kIwoControl));
  EXPECT_EQ(p.reason, "action_code_invalid");
  // SSN not digits.
  t = good;
  const size_t ack = t.find("ACK");
  t.replace(ack + 43, 9, "12345678X");
  p = FirstProblem(t);
  EXPECT_EQ(p.reason, "eiwo_field_not_digits");
  EXPECT_EQ(p.field, "employee_ssn");
  // A disposition date that is a real date but outside 1900-2199 says so; a 30 February is
  // malformed.
  for (const auto& [text, reason] :
       {std::pair{"22000101", "date_out_of_range"}, std::pair{"18991231", "date_out_of_range"},
        std::pair{"20240230", "date_malformed"}}) {
    t = good;
    t.replace(t.find("ACK") + 111, 8, text);
    p = FirstProblem(t);
    EXPECT_EQ(p.reason, reason) << text;
    EXPECT_EQ(p.field, "disposition_date") << text;
  }
  // No file trailer.
  t = good.substr(0, good.find("FTA"));
  p = FirstProblem(t);
  EXPECT_EQ(p.reason, "eiwo_trailer_missing");
  // Control number of the batch trailer differs.
  t = good;
  t.replace(t.find("BTA") + 3, 5, "99999");
  p = FirstProblem(t);
  EXPECT_EQ(p.reason, "eiwo_control_mismatch");
  // A record longer than the layout's length.
  t = good;
  t.insert(t.find("\n", t.find("ACK")), "XX");
  p = FirstProblem(t);
  EXPECT_EQ(p.reason, "record_too_long");
}

// `text` with `value` written at 1-based position `start` of the first record beginning with
// `record_id` (a header field the helper above leaves blank, or a bad one).
std::string Put(std::string text, const std::string& record_id, int start,
                const std::string& value) {
  const size_t at = text.find(record_id);
  EXPECT_NE(at, std::string::npos) << record_id;
  text.replace(at + static_cast<size_t>(start - 1), value.size(), value);
  return text;
}

// A header's malformed creation date was reported, and then every record after it as one
// before a header (eiwo_header_missing at each ACK, at the end of the file): now only the date
// is, and the acknowledgment records are still read and checked.
TEST(AckParseTest, AHeaderWithAMalformedDateStillFramesTheFile) {
  const std::string good = AckFileText(
      {{"CASE-000001", "123456789", "A", ""}, {"CASE-000002", "987654321", "Q", ""}}, kIwoControl);
  for (const std::string record : {"FHA", "BHA"}) {
    const AckFile f = ParseAckFile(Put(good, record, 37, "20250631"), Ack());
    std::vector<std::tuple<int64_t, std::string, std::string>> got;
    for (const AckProblem& p : f.problems) got.emplace_back(p.record_number, p.field, p.reason);
    const std::vector<std::tuple<int64_t, std::string, std::string>> want{
        {record == "FHA" ? 1 : 2, "creation_date", "date_malformed"},
        {4, "disposition", "disposition_unknown"}};  // the records are still checked
    EXPECT_EQ(got, want) << record;
    EXPECT_EQ(f.records.size(), 1u) << record;
    EXPECT_EQ(f.file_control, "06000EMPFILE0000000001") << record;
  }
  // A trailer's bad count is its one problem too, and a header longer than its layout is read
  // up to the layout's length.
  std::string t = good;
  t.insert(t.find('\n'), "XX");
  AckFile f = ParseAckFile(t, Ack());
  ASSERT_EQ(f.problem_count, 2) << f.problems.back().reason;
  EXPECT_EQ(f.problems[0].reason, "record_too_long");
  EXPECT_EQ(f.file_control, "06000EMPFILE0000000001");
  f = ParseAckFile(Put(good, "BTA", 26, "00000000X"), Ack());
  ASSERT_EQ(f.problem_count, 2);
  EXPECT_EQ(f.problems[0].reason, "disposition_unknown");
  EXPECT_EQ(f.problems[1].record_number, 5);
  EXPECT_EQ(f.problems[1].field, "detail_count");
  EXPECT_EQ(f.problems[1].reason, "eiwo_field_not_digits");
}

// The employer FEIN of the file and batch headers was never read: a record without its own
// FEIN now carries its batch header's (else the file header's), which the import checks
// against the IWO's employer; a record's own FEIN must be its batch header's.
TEST(AckParseTest, AHeaderFeinStandsInForTheRecords) {
  const std::string good = AckFileText({{"CASE-000001", "123456789", "A", ""}}, kIwoControl);
  AckFile f = ParseAckFile(Put(good, "FHA", 26, "881000001"), Ack());
  ASSERT_EQ(f.problem_count, 0) << f.problems.front().message;
  EXPECT_EQ(f.records.at(0).employer_fein, "881000001");
  f = ParseAckFile(Put(Put(good, "FHA", 26, "881000001"), "BHA", 26, "881000002"), Ack());
  ASSERT_EQ(f.problem_count, 0) << f.problems.front().message;
  EXPECT_EQ(f.records.at(0).employer_fein, "881000002");
  EXPECT_EQ(ParseAckFile(good, Ack()).records.at(0).employer_fein, "");  // none anywhere
  // The record's own FEIN: the same as its batch header's, or a problem.
  const std::string own = Put(good, "ACK", 99, "881000002");
  f = ParseAckFile(Put(own, "BHA", 26, "881000002"), Ack());
  ASSERT_EQ(f.problem_count, 0) << f.problems.front().message;
  EXPECT_EQ(f.records.at(0).employer_fein, "881000002");
  f = ParseAckFile(Put(own, "BHA", 26, "881000001"), Ack());
  ASSERT_EQ(f.problem_count, 1);
  EXPECT_EQ(f.problems[0].record_number, 3);
  EXPECT_EQ(f.problems[0].field, "employer_fein");
  EXPECT_EQ(f.problems[0].reason, "fein_mismatch");
  EXPECT_TRUE(f.records.empty());
}

TEST(AckParseTest, ActionCodesAreTheSourcedOnes) {
  EXPECT_EQ(ActionCodeOf("original"), "ORG");
  EXPECT_EQ(ActionCodeOf("amended"), "AMD");
  EXPECT_EQ(ActionCodeOf("lump_sum"), "LUM");
  EXPECT_EQ(ActionCodeOf("termination"), "TRM");
  EXPECT_EQ(ActionCodeOf("other"), "");
}

}  // namespace
}  // namespace cse::formats
