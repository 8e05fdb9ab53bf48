#include "formats/newhire.h"

#include <fstream>
#include <sstream>

#include "core/files.h"
#include "core/text.h"
#include "domain/validate.h"

namespace cse::formats {
namespace {

// FACTS §2.3: positions 1-271 [SOURCED] (Alaska CSSD's copy of the federal chart); 272-310
// [DERIVED] from Nevada's and Ohio's variants, hence `unverified`; the employer name and
// address (311-801) are [NOT FOUND], so this table does not place them: a state that has the
// NDNH Guide Appendix E adds them in its own table.
constexpr std::string_view kW4Table = R"(# Federal W-4 new-hire data record (NDNH), FACTS 2.2-2.3
layout w4
description Federal W-4 new-hire data record, 801 bytes, after an H4 transmitter header
record_length 801
record_id 1 W4
header_id 1 H4
field ssn 3 9 digits required
field first_name 12 16 name required
field middle_name 28 16 name
field last_name 44 30 name required
field address_line1 74 40 text
field address_line2 114 40 text
field city 194 25 text
field state 219 2 alpha
field zip 221 5 digits
field zip4 226 4 digits
field dob 272 8 ccyymmdd unverified
field hire_date 280 8 ccyymmdd required unverified
field state_of_hire 288 2 alpha unverified
field employer_fein 290 9 digits required unverified
)";

// FACTS §2.4 [SOURCED] (va-/dc-/mn-/nm-newhire.com file layouts); the employer part is the
// MN/NM one. The record id is "XX Newhire Record" with the state code in 1-2.
constexpr std::string_view kStateTable = R"(# Hosted state employer layout, FACTS 2.4
layout state
description State employer new-hire record "XX Newhire Record" (VA WY MD DC MN NM), MN/NM employer part
record_length 800
record_id 4 Newhire Record
field first_name 22 16 name required
field middle_name 38 16 name
field last_name 54 30 name required
field ssn 84 9 digits required
field address_line1 93 40 text
field address_line2 133 40 text
field city 213 25 text
field state 238 2 alpha
field zip 240 20 text
field zip4 260 4 digits
field dob 266 8 mmddyyyy
field hire_date 274 8 mmddyyyy required
field state_of_hire 282 2 alpha
field employer_fein 286 9 digits required
field employer_name 307 45 text
field employer_address_line1 352 40 text
field employer_address_line2 392 40 text
field employer_city 472 25 text
field employer_state 497 2 alpha
field employer_zip 499 20 text
)";

constexpr std::string_view kRequiredFields[] = {"ssn", "first_name", "last_name", "hire_date",
                                                "employer_fein"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Result<Date> ParseFieldDate(std::string_view v, FieldType type) {
  for (char c : v) {
    if (!IsDigit(c)) return InvalidArgument("date_invalid", "");
  }
  if (v.size() != 8) return InvalidArgument("date_invalid", "");
  const auto num = [&](size_t at, size_t len) {
    int n = 0;
    for (size_t i = at; i < at + len; ++i) n = n * 10 + (v[i] - '0');
    return n;
  };
  if (type == FieldType::kDateCcyymmdd) return Date::FromYmd(num(0, 4), num(4, 2), num(6, 2));
  return Date::FromYmd(num(4, 4), num(0, 2), num(2, 2));
}

// Checks `value` (trimmed) against the field's type. OK or the rejection reason + message.
Status CheckType(const FieldSpec& f, std::string_view value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) {
      return InvalidArgument("text_invalid_char", "a byte that is not printable ASCII");
    }
  }
  if (value.empty()) {
    if (f.required) return InvalidArgument("field_missing", "required but blank");
    return Status::Ok();
  }
  switch (f.type) {
    case FieldType::kDigits:
      for (char c : value) {
        if (!IsDigit(c)) return InvalidArgument("field_not_digits", "expected digits only");
      }
      break;
    case FieldType::kAlpha:
      for (char c : value) {
        if (!IsAlpha(c)) return InvalidArgument("field_not_alpha", "expected letters only");
      }
      break;
    case FieldType::kName:
      for (char c : value) {
        if (!IsAlpha(c) && c != ' ' && c != '-') {
          return InvalidArgument("name_invalid_char",
                                 "names hold letters, spaces and hyphens only (FACTS 2.1)");
        }
      }
      break;
    case FieldType::kDateCcyymmdd:
    case FieldType::kDateMmddyyyy:
      if (auto d = ParseFieldDate(value, f.type); !d.ok()) {
        if (d.status().reason() == "date_out_of_range") {
          return OutOfRange("date_out_of_range", "a real date, but " + d.status().message());
        }
        return InvalidArgument("date_invalid",
                               "expected a real date as " + std::string(Name(f.type)));
      }
      break;
    case FieldType::kText:
      break;
  }
  return Status::Ok();
}

// Field-specific rules beyond the type.
Status CheckSemantics(std::string_view name, std::string_view value) {
  if (value.empty()) return Status::Ok();
  if (name == "ssn") return ValidateSsn(value);
  if (name == "employer_fein" && value.size() != 9) {
    return InvalidArgument("fein_malformed", "an FEIN is nine digits");
  }
  if (name == "zip4" && value.size() != 4) {
    return InvalidArgument("zip4_malformed", "ZIP+4 is all spaces or four digits");
  }
  if ((name == "state" || name == "employer_state" || name == "state_of_hire") &&
      value.size() != 2) {
    return InvalidArgument("state_malformed", "a USPS two-letter code");
  }
  return Status::Ok();
}

void Assign(NewHireRecord& r, std::string_view name, std::string_view v, FieldType type) {
  const auto text = [&] { return std::string(v); };
  if (name == "ssn")
    r.ssn = text();
  else if (name == "first_name")
    r.first_name = Upper(v);
  else if (name == "middle_name")
    r.middle_name = Upper(v);
  else if (name == "last_name")
    r.last_name = Upper(v);
  else if (name == "address_line1")
    r.address.line1 = text();
  else if (name == "address_line2")
    r.address.line2 = text();
  else if (name == "city")
    r.address.city = text();
  else if (name == "state")
    r.address.state = Upper(v);
  else if (name == "zip")
    r.address.zip = text();
  else if (name == "zip4" && !v.empty())
    r.address.zip += "-" + text();
  else if (name == "dob" && !v.empty())
    r.date_of_birth = *ParseFieldDate(v, type);
  else if (name == "hire_date")
    r.hire_date = *ParseFieldDate(v, type);
  else if (name == "state_of_hire")
    r.state_of_hire = Upper(v);
  else if (name == "employer_fein")
    r.employer_fein = text();
  else if (name == "employer_name")
    r.employer_name = text();
  else if (name == "employer_address_line1")
    r.employer_address.line1 = text();
  else if (name == "employer_address_line2")
    r.employer_address.line2 = text();
  else if (name == "employer_city")
    r.employer_address.city = text();
  else if (name == "employer_state")
    r.employer_address.state = Upper(v);
  else if (name == "employer_zip")
    r.employer_address.zip = text();
  else if (name == "employer_zip4" && !v.empty())
    r.employer_address.zip += "-" + text();
}

bool HasAt(std::string_view line, int start, std::string_view text) {
  const size_t at = static_cast<size_t>(start - 1);
  return !text.empty() && at + text.size() <= line.size() && line.substr(at, text.size()) == text;
}

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

Result<NewHireFileCounts> ReadStream(std::istream& in, const NewHireParser& parser,
                                     const std::function<Status(const NewHireRecord&)>& on_record,
                                     const std::function<Status(const RecordRejection&)>& on_rej) {
  NewHireFileCounts counts;
  NewHireRecord record;
  RecordRejection rejection;
  bool header_seen = false;
  std::string line;
  while (std::getline(in, line)) {
    if (counts.lines == 0) line = std::string(StripUtf8Bom(line));
    if (counts.lines >= kNewHireRecordsPerFileMax) {
      return ResourceExhausted("file_too_many_records",
                               "more than " + std::to_string(kNewHireRecordsPerFileMax) +
                                   " lines in one new-hire file; split it");
    }
    ++counts.lines;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    switch (parser.ParseLine(line, counts.lines, header_seen, record, rejection)) {
      case NewHireParser::LineKind::kHeader:
        header_seen = true;
        ++counts.headers;
        break;
      case NewHireParser::LineKind::kRecord:
        ++counts.records;
        RETURN_IF_ERROR(on_record(record));
        break;
      case NewHireParser::LineKind::kRejected:
        ++counts.rejected;
        RETURN_IF_ERROR(on_rej(rejection));
        break;
      case NewHireParser::LineKind::kBlank:
        break;
    }
  }
  return counts;
}

}  // namespace

const std::vector<std::string_view>& NewHireFields() {
  static const std::vector<std::string_view> kFields{
      "ssn",
      "first_name",
      "middle_name",
      "last_name",
      "address_line1",
      "address_line2",
      "city",
      "state",
      "zip",
      "zip4",
      "dob",
      "hire_date",
      "state_of_hire",
      "employer_fein",
      "employer_name",
      "employer_address_line1",
      "employer_address_line2",
      "employer_city",
      "employer_state",
      "employer_zip",
      "employer_zip4",
  };
  return kFields;
}

Result<std::string> BuiltinLayoutTable(std::string_view name) {
  if (name == "w4") return std::string(kW4Table);
  if (name == "state") return std::string(kStateTable);
  return NotFound("layout_unknown",
                  "no built-in layout '" + std::string(name) + "': expected w4|state");
}

Result<RecordLayout> LoadNewHireLayout(std::string_view name_or_path) {
  auto table = BuiltinLayoutTable(name_or_path);
  if (!table.ok()) {
    std::ifstream in{std::string(name_or_path)};
    if (!in) {
      return NotFound("layout_file_not_found",
                      "'" + std::string(name_or_path) +
                          "' is neither a built-in layout (w4|state) nor a readable file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    table = text.str();
  }
  ASSIGN_OR_RETURN(RecordLayout layout, ParseLayout(*table, NewHireFields()));
  ASSIGN_OR_RETURN(NewHireParser parser, NewHireParser::Create(std::move(layout)));
  return parser.layout();
}

Result<NewHireParser> NewHireParser::Create(RecordLayout layout) {
  for (std::string_view f : kRequiredFields) {
    if (!layout.Find(f)) {
      return InvalidArgument("layout_missing_field", "layout " + layout.name + " does not place '" +
                                                         std::string(f) +
                                                         "', which matching needs");
    }
  }
  return NewHireParser(std::move(layout));
}

NewHireParser::LineKind NewHireParser::ParseLine(std::string_view line, int64_t record_number,
                                                 bool header_seen, NewHireRecord& record,
                                                 RecordRejection& rejection) const {
  const auto reject = [&](std::string field, const Status& s) {
    rejection = RecordRejection{record_number, std::move(field), s.reason(), s.message()};
    return LineKind::kRejected;
  };
  if (IsBlank(line)) return LineKind::kBlank;
  if (!layout_.header_id.empty() && HasAt(line, layout_.header_id_start, layout_.header_id)) {
    return LineKind::kHeader;
  }
  if (!HasAt(line, layout_.record_id_start, layout_.record_id)) {
    return reject("record",
                  InvalidArgument("record_type_unknown",
                                  "not a '" + layout_.record_id + "' record at position " +
                                      std::to_string(layout_.record_id_start)));
  }
  if (line.size() > static_cast<size_t>(layout_.record_length)) {
    return reject("record", InvalidArgument("record_too_long",
                                            std::to_string(line.size()) + " bytes; at most " +
                                                std::to_string(layout_.record_length)));
  }
  if (!layout_.header_id.empty() && !header_seen) {
    return reject("record", InvalidArgument("header_missing",
                                            "no '" + layout_.header_id +
                                                "' header record before this record (FACTS 2.1)"));
  }
  record = NewHireRecord{};
  record.record_number = record_number;
  for (const FieldSpec& f : layout_.fields) {
    const size_t at = static_cast<size_t>(f.start - 1);
    const std::string_view raw =
        at < line.size() ? line.substr(at, static_cast<size_t>(f.length)) : std::string_view();
    const std::string_view value = Trim(raw);
    Status s = CheckType(f, value);
    if (s.ok()) s = CheckSemantics(f.name, value);
    if (!s.ok()) {
      return reject(
          f.name,
          InvalidArgument(s.reason(), f.name + " (positions " + std::to_string(f.start) + "-" +
                                          std::to_string(f.end()) + "): " + s.message()));
    }
    Assign(record, f.name, value, f.type);
  }
  return LineKind::kRecord;
}

Result<NewHireFileCounts> ReadNewHireFile(
    const std::string& path, const NewHireParser& parser,
    const std::function<Status(const NewHireRecord&)>& on_record,
    const std::function<Status(const RecordRejection&)>& on_rejection) {
  RETURN_IF_ERROR(CheckInputFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("file_not_found", "cannot read new-hire file '" + path + "'");
  return ReadStream(in, parser, on_record, on_rejection);
}

Result<NewHireFileCounts> ReadNewHireBuffer(
    std::string_view text, const NewHireParser& parser,
    const std::function<Status(const NewHireRecord&)>& on_record,
    const std::function<Status(const RecordRejection&)>& on_rejection) {
  std::istringstream in{std::string(text)};
  return ReadStream(in, parser, on_record, on_rejection);
}

}  // namespace cse::formats
