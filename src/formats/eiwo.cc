// e-IWO flat files: layouts, record writer and reader, acknowledgment parser (formats/eiwo.h).
#include "formats/eiwo.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace cse::formats {
namespace {

// The IWO file (state → employer). Sourced in FACTS §1.3: the header's document code and
// control number (1-25, chart D-1) and the detail's positions 1-184 (chart D-3). Every field
// marked `unverified` — and the trailers' document codes FTI/BTI and the record length 600 —
// are this project's placement, to be replaced with the OCSS chart positions.
constexpr std::string_view kIwoTable = R"(# e-IWO file, state to employer (docs/EIWO.md)
layout file_header
description e-IWO file header (chart D-1; FHI = file header, IWO records). Record length UNVERIFIED.
record_length 600
record_id 1 FHI
field control_number 4 22 text required
field state_fips 26 2 digits required unverified
field creation_date 28 8 ccyymmdd required unverified
field creation_time 36 6 digits required unverified

layout batch_header
description e-IWO batch header, one per employer (chart D-1; BHI). Record length UNVERIFIED.
record_length 600
record_id 1 BHI
field control_number 4 22 text required
field employer_fein 26 9 digits required unverified
field state_fips 35 2 digits required unverified
field creation_date 37 8 ccyymmdd required unverified
field creation_time 45 6 digits required unverified

layout detail
description e-IWO detail (chart D-3); positions after 184 UNVERIFIED; amounts in cents
record_length 600
record_id 1 DTL
field action_code 7 3 text required
field document_date 10 8 ccyymmdd required
field issuing_state 18 35 text required
field jurisdiction 53 35 text
field case_id 88 15 text required
field employer_name 103 57 text required
field employer_line1 160 25 text required
field employer_line2 185 25 text unverified
field employer_city 210 22 text unverified
field employer_state 232 2 text unverified
field employer_zip 234 10 text unverified
field employer_fein 244 9 digits required unverified
field employee_last_name 253 30 name required unverified
field employee_first_name 283 16 name required unverified
field employee_middle_name 299 16 name unverified
field employee_ssn 315 9 digits unverified
field employee_dob 324 8 ccyymmdd unverified
field obligee_name 332 57 name unverified
field order_id 389 15 text unverified
field remittance_id 404 15 text unverified
field current_support 419 11 digits required unverified
field past_due_support 430 11 digits required unverified
field arrears_over_12_weeks 441 1 alpha required unverified
field total_monthly 442 11 digits required unverified
field per_weekly 453 11 digits unverified
field per_biweekly 464 11 digits unverified
field per_semimonthly 475 11 digits unverified
field per_monthly 486 11 digits unverified
field lump_sum 497 11 digits unverified
field tracking_id 508 15 text required unverified

layout batch_trailer
description e-IWO batch trailer (chart D-2). Document code BTI and every position UNVERIFIED.
record_length 600
record_id 1 BTI
field control_number 4 22 text required unverified
field detail_count 26 9 digits required unverified

layout file_trailer
description e-IWO file trailer (chart D-2). Document code FTI and every position UNVERIFIED.
record_length 600
record_id 1 FTI
field control_number 4 22 text required unverified
field batch_count 26 9 digits required unverified
field detail_count 35 9 digits required unverified
)";

// The acknowledgment file (employer → state). Sourced: FHA/BHA with the control number at 4-25
// (chart D-1), `ACK` at 1-3 and the document action code at 4-6 (2011 chart). Everything else,
// including the record length (485 in the 2011 version), the disposition codes and the reason
// codes, is UNVERIFIED: FACTS names four rejection reasons of Release 11-01 (suspense status,
// name mismatch, incorrect FEIN, IWO from multiple states) but not their codes.
constexpr std::string_view kAckTable =
    R"(# e-IWO acknowledgment file, employer to state (docs/EIWO.md)
layout file_header
description acknowledgment file header (chart D-1; FHA). Record length UNVERIFIED.
record_length 485
record_id 1 FHA
field control_number 4 22 text required
field employer_fein 26 9 digits unverified
field state_fips 35 2 digits unverified
field creation_date 37 8 ccyymmdd unverified
field creation_time 45 6 digits unverified

layout batch_header
description acknowledgment batch header (chart D-1; BHA)
record_length 485
record_id 1 BHA
field control_number 4 22 text required
field employer_fein 26 9 digits unverified
field state_fips 35 2 digits unverified
field creation_date 37 8 ccyymmdd unverified
field creation_time 45 6 digits unverified

layout detail
description acknowledgment record (2011 chart: ACK 1-3, action code 4-6); the rest UNVERIFIED
record_length 485
record_id 1 ACK
field action_code 4 3 text required
field iwo_control_number 7 22 text required unverified
field case_id 29 15 text required unverified
field employee_ssn 44 9 digits required unverified
field employee_last_name 53 30 name unverified
field employee_first_name 83 16 name unverified
field employer_fein 99 9 digits unverified
field disposition 108 1 alpha required unverified
field reason_code 109 3 text unverified
field disposition_date 112 8 ccyymmdd unverified

layout batch_trailer
description acknowledgment batch trailer (chart D-2). Code BTA and positions UNVERIFIED.
record_length 485
record_id 1 BTA
field control_number 4 22 text required unverified
field detail_count 26 9 digits required unverified

layout file_trailer
description acknowledgment file trailer (chart D-2). Code FTA and positions UNVERIFIED.
record_length 485
record_id 1 FTA
field control_number 4 22 text required unverified
field batch_count 26 9 digits required unverified
field detail_count 35 9 digits required unverified

# Dispositions and rejection reasons: codes UNVERIFIED (FACTS 1.3 names the last four reasons,
# Release 11-01, without their codes).
disposition accepted A
disposition rejected R
reason NE Employee not employed by this employer
reason TE Employee no longer employed (terminated)
reason SU Employee in suspense status
reason NM Name mismatch
reason FE Incorrect FEIN received
reason MS IWO received from multiple states
reason OT Other (see the employer's contact)
)";

constexpr std::string_view kRecordNames[] = {"file_header", "batch_header", "detail",
                                             "batch_trailer", "file_trailer"};

// Fields the writer (kIwo) or the reader (kAck) needs, per record.
const std::vector<std::string_view>& RequiredFields(EiwoDirection d, std::string_view record) {
  static const std::map<std::string_view, std::vector<std::string_view>> kIwo{
      {"file_header", {"control_number"}},
      {"batch_header", {"control_number"}},
      {"detail", {"action_code", "case_id", "tracking_id"}},
      {"batch_trailer", {"control_number", "detail_count"}},
      {"file_trailer", {"control_number", "batch_count", "detail_count"}}};
  static const std::map<std::string_view, std::vector<std::string_view>> kAck{
      {"file_header", {"control_number"}},
      {"batch_header", {"control_number"}},
      {"detail", {"action_code", "iwo_control_number", "case_id", "employee_ssn", "disposition"}},
      {"batch_trailer", {"control_number", "detail_count"}},
      {"file_trailer", {"control_number", "batch_count", "detail_count"}}};
  return (d == EiwoDirection::kIwo ? kIwo : kAck).at(record);
}

// Every field name a table may place (one vocabulary for all records of both directions).
const std::vector<std::string_view>& KnownFields() {
  static const std::vector<std::string_view> kFields{"control_number",
                                                     "state_fips",
                                                     "creation_date",
                                                     "creation_time",
                                                     "employer_fein",
                                                     "action_code",
                                                     "document_date",
                                                     "issuing_state",
                                                     "jurisdiction",
                                                     "case_id",
                                                     "employer_name",
                                                     "employer_line1",
                                                     "employer_line2",
                                                     "employer_city",
                                                     "employer_state",
                                                     "employer_zip",
                                                     "employee_last_name",
                                                     "employee_first_name",
                                                     "employee_middle_name",
                                                     "employee_ssn",
                                                     "employee_dob",
                                                     "obligee_name",
                                                     "order_id",
                                                     "remittance_id",
                                                     "current_support",
                                                     "past_due_support",
                                                     "arrears_over_12_weeks",
                                                     "total_monthly",
                                                     "per_weekly",
                                                     "per_biweekly",
                                                     "per_semimonthly",
                                                     "per_monthly",
                                                     "lump_sum",
                                                     "tracking_id",
                                                     "detail_count",
                                                     "batch_count",
                                                     "iwo_control_number",
                                                     "disposition",
                                                     "reason_code",
                                                     "disposition_date"};
  return kFields;
}

Status TableError(std::string reason, int line, const std::string& what) {
  return InvalidArgument(std::move(reason),
                         "e-IWO table line " + std::to_string(line) + ": " + what);
}

bool IsDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

const RecordLayout* Slot(const EiwoLayouts& l, std::string_view name) {
  if (name == "file_header") return &l.file_header;
  if (name == "batch_header") return &l.batch_header;
  if (name == "detail") return &l.detail;
  if (name == "batch_trailer") return &l.batch_trailer;
  if (name == "file_trailer") return &l.file_trailer;
  return nullptr;
}
RecordLayout* Slot(EiwoLayouts& l, std::string_view name) {
  return const_cast<RecordLayout*>(Slot(static_cast<const EiwoLayouts&>(l), name));
}

// A `disposition` or `reason` line of an acknowledgment table.
Status ParseCodeLine(EiwoLayouts& l, std::string_view line, int n) {
  std::istringstream in{std::string(line)};
  std::string word, a, b;
  in >> word >> a;
  if (word == "disposition") {
    in >> b;
    std::string rest;
    if (b.empty() || (in >> rest) || (a != "accepted" && a != "rejected")) {
      return TableError("eiwo_code_invalid", n, "expected: disposition accepted|rejected CODE");
    }
    (a == "accepted" ? l.accept_code : l.reject_code) = b;
    return Status::Ok();
  }
  std::string text;
  std::getline(in, text);
  text = std::string(TrimSpaces(text));
  if (a.empty() || a.size() > 3 || text.empty()) {
    return TableError("eiwo_code_invalid", n, "expected: reason CODE TEXT (CODE 1-3 characters)");
  }
  if (l.reasons.size() >= kEiwoReasonsMax || !l.reasons.emplace(a, text).second) {
    return TableError("eiwo_code_invalid", n, "reason '" + a + "' repeated or too many reasons");
  }
  return Status::Ok();
}

Status CheckSet(const EiwoLayouts& l, const std::map<std::string, int>& seen) {
  for (std::string_view name : kRecordNames) {
    if (seen.count(std::string(name)) == 0) {
      return InvalidArgument("eiwo_layout_missing",
                             "the e-IWO table has no `layout " + std::string(name) + "`");
    }
  }
  for (std::string_view name : kRecordNames) {
    const RecordLayout* r = Slot(l, name);
    for (std::string_view f : RequiredFields(l.direction, name)) {
      if (!r->Find(f)) {
        return InvalidArgument("eiwo_field_missing", "layout " + std::string(name) +
                                                         " does not place '" + std::string(f) +
                                                         "', which e-IWO files need");
      }
    }
  }
  if (l.direction == EiwoDirection::kAck &&
      (l.accept_code.empty() || l.reject_code.empty() || l.accept_code == l.reject_code)) {
    return InvalidArgument("eiwo_codes_missing",
                           "an acknowledgment table needs distinct `disposition accepted CODE` "
                           "and `disposition rejected CODE` lines");
  }
  return Status::Ok();
}

// Writes `value` into `out` at the field's place.
Status PutField(const FieldSpec& f, std::string value, std::string& out) {
  auto fail = [&](std::string reason, const std::string& what) {
    return InvalidArgument(std::move(reason), "field " + f.name + ": " + what);
  };
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return fail("eiwo_field_invalid_char", "a control character in '" + value + "'");
    }
  }
  if (f.type == FieldType::kDateCcyymmdd || f.type == FieldType::kDateMmddyyyy) {
    if (!value.empty()) {
      auto d = Date::Parse(value);
      if (!d.ok()) return d.status().WithContext("field " + f.name);
      const std::string iso = d->ToString();  // YYYY-MM-DD
      const std::string y = iso.substr(0, 4), m = iso.substr(5, 2), dd = iso.substr(8, 2);
      value = f.type == FieldType::kDateCcyymmdd ? y + m + dd : m + dd + y;
    }
  } else if (f.type == FieldType::kDigits && !value.empty()) {
    if (!IsDigits(value)) return fail("eiwo_field_not_digits", "'" + value + "' is not digits");
    if (value.size() < static_cast<size_t>(f.length)) {
      value.insert(0, static_cast<size_t>(f.length) - value.size(), '0');
    }
  }
  if (value.empty() && f.required) return fail("eiwo_field_missing", "required, but empty");
  if (value.size() > static_cast<size_t>(f.length)) {
    if (f.type != FieldType::kName) {
      return fail("eiwo_field_too_long",
                  "'" + value + "' is longer than " + std::to_string(f.length) + " characters");
    }
    value.resize(static_cast<size_t>(f.length));  // names are cut, as on the paper form
  }
  out.replace(static_cast<size_t>(f.start - 1), value.size(), value);
  return Status::Ok();
}

}  // namespace

std::vector<std::string> EiwoLayouts::UnverifiedFields() const {
  std::vector<std::string> out;
  for (std::string_view name : kRecordNames) {
    const RecordLayout* r = Slot(*this, name);
    for (const std::string& f : r->UnverifiedFields()) out.push_back(std::string(name) + "." + f);
  }
  return out;
}

std::string_view BuiltinEiwoTable(EiwoDirection direction) {
  return direction == EiwoDirection::kIwo ? kIwoTable : kAckTable;
}

Result<EiwoLayouts> ParseEiwoLayouts(std::string_view table, EiwoDirection direction) {
  EiwoLayouts l;
  l.direction = direction;
  std::map<std::string, int> seen;  // record name → its `layout` line
  std::string block;                // the open layout's lines (blank lines keep numbering)
  std::string open;
  int block_start = 0;
  auto close = [&]() -> Status {
    if (open.empty()) return Status::Ok();
    auto parsed = ParseLayout(block, KnownFields());
    if (!parsed.ok()) {
      return parsed.status().WithContext("e-IWO layout " + open + " (starting line " +
                                         std::to_string(block_start) + ")");
    }
    *Slot(l, open) = std::move(*parsed);
    return Status::Ok();
  };
  int n = 0;
  size_t pos = 0;
  while (pos <= table.size()) {
    const size_t nl = std::min(table.find('\n', pos), table.size());
    const std::string_view line = table.substr(pos, nl - pos);
    pos = nl + 1;
    ++n;
    const std::string_view t = TrimSpaces(line);
    if (t.rfind("layout", 0) == 0 && (t.size() == 6 || t[6] == ' ' || t[6] == '\t')) {
      RETURN_IF_ERROR(close());
      const std::string name(TrimSpaces(t.substr(6)));
      if (!Slot(l, name)) {
        return TableError("eiwo_layout_name", n,
                          "layout '" + name +
                              "': expected file_header|batch_header|detail|batch_trailer|"
                              "file_trailer");
      }
      if (!seen.emplace(name, n).second) {
        return TableError("eiwo_layout_name", n, "layout " + name + " given twice");
      }
      open = name;
      block_start = n;
      block = std::string(line) + "\n";
    } else if (t.rfind("disposition ", 0) == 0 || t.rfind("reason ", 0) == 0) {
      if (direction != EiwoDirection::kAck) {
        return TableError("eiwo_code_invalid", n, "codes belong to acknowledgment tables");
      }
      RETURN_IF_ERROR(ParseCodeLine(l, t, n));
      block += "\n";
    } else if (open.empty()) {
      if (!t.empty() && t.front() != '#') {
        return TableError("layout_syntax", n, "expected `layout NAME` first");
      }
    } else {
      block += std::string(line) + "\n";
    }
  }
  RETURN_IF_ERROR(close());
  RETURN_IF_ERROR(CheckSet(l, seen));
  return l;
}

Result<EiwoLayouts> LoadEiwoLayouts(std::string_view name_or_path, EiwoDirection direction) {
  if (name_or_path.empty() || name_or_path == "builtin") {
    return ParseEiwoLayouts(BuiltinEiwoTable(direction), direction);
  }
  std::ifstream in{std::string(name_or_path)};
  if (!in) {
    return NotFound("layout_file_not_found",
                    "'" + std::string(name_or_path) + "' is neither `builtin` nor a readable file");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseEiwoLayouts(text.str(), direction);
}

std::string FormatEiwoLayouts(const EiwoLayouts& l) {
  std::string out;
  for (std::string_view name : kRecordNames) {
    const std::string body = FormatLayout(*Slot(l, name));
    // FormatLayout names the layout with its own name, which is the record name here.
    out += body + "\n";
  }
  if (l.direction == EiwoDirection::kAck) {
    out += "disposition accepted " + l.accept_code + "\n";
    out += "disposition rejected " + l.reject_code + "\n";
    for (const auto& [code, text] : l.reasons) out += "reason " + code + " " + text + "\n";
  }
  return out;
}

Result<std::string> FormatRecord(const RecordLayout& layout, const FieldValues& values,
                                 std::string* field_at_fault) {
  std::string out(static_cast<size_t>(layout.record_length), ' ');
  out.replace(static_cast<size_t>(layout.record_id_start - 1), layout.record_id.size(),
              layout.record_id);
  for (const FieldSpec& f : layout.fields) {
    const auto v = values.find(f.name);
    Status s = PutField(f, v == values.end() ? "" : v->second, out);
    if (!s.ok()) {
      if (field_at_fault != nullptr) *field_at_fault = f.name;
      return s;
    }
  }
  return out;
}

const RecordLayout* RecordOf(const EiwoLayouts& l, std::string_view line) {
  for (std::string_view name : kRecordNames) {
    const RecordLayout* r = Slot(l, name);
    const size_t at = static_cast<size_t>(r->record_id_start - 1);
    if (line.size() >= at + r->record_id.size() &&
        line.substr(at, r->record_id.size()) == r->record_id) {
      return r;
    }
  }
  return nullptr;
}

Result<FieldValues> ReadRecord(const RecordLayout& layout, std::string_view line,
                               FieldProblem& problem) {
  auto fail = [&](const std::string& field, std::string reason, std::string message) {
    problem = FieldProblem{field, reason, message};
    return InvalidArgument(std::move(reason), std::move(message));
  };
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > static_cast<size_t>(layout.record_length)) {
    return fail("record", "record_too_long",
                std::to_string(line.size()) + " bytes, more than the record length " +
                    std::to_string(layout.record_length));
  }
  FieldValues out;
  for (const FieldSpec& f : layout.fields) {
    const size_t at = static_cast<size_t>(f.start - 1);
    const std::string_view raw =
        at < line.size() ? line.substr(at, static_cast<size_t>(f.length)) : std::string_view();
    std::string v(TrimSpaces(raw));
    if (v.empty()) {
      if (f.required) return fail(f.name, "eiwo_field_missing", f.name + " is blank");
      out[f.name] = "";
      continue;
    }
    if (f.type == FieldType::kDigits &&
        (!IsDigits(v) || v.size() != raw.size() || raw.size() != static_cast<size_t>(f.length))) {
      return fail(f.name, "eiwo_field_not_digits",
                  f.name + " '" + std::string(raw) + "': expected " + std::to_string(f.length) +
                      " digits, zero-filled on the left");
    }
    if (f.type == FieldType::kDateCcyymmdd || f.type == FieldType::kDateMmddyyyy) {
      const bool ok_shape = v.size() == 8 && IsDigits(v);
      const std::string iso = !ok_shape ? v
                              : f.type == FieldType::kDateCcyymmdd
                                  ? v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2)
                                  : v.substr(4, 4) + "-" + v.substr(0, 2) + "-" + v.substr(2, 2);
      auto d = ok_shape ? Date::Parse(iso) : Result<Date>(InvalidArgument("date_malformed", v));
      if (!d.ok() && d.status().reason() == "date_out_of_range") {
        return fail(f.name, "date_out_of_range",
                    f.name + " '" + v + "': the year is outside 1900-2199");
      }
      if (!d.ok()) {
        return fail(f.name, "date_malformed", f.name + " '" + v + "' is not a valid date");
      }
      v = d->ToString();
    }
    out[f.name] = std::move(v);
  }
  return out;
}

std::string_view ActionCodeOf(std::string_view kind) {
  if (kind == "original") return "ORG";
  if (kind == "amended") return "AMD";
  if (kind == "lump_sum") return "LUM";
  if (kind == "termination") return "TRM";
  return "";
}

}  // namespace cse::formats
