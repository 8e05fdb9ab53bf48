// File: formats/eiwo.h
//
// e-IWO flat files (FACTS §1.3; docs/EIWO.md): the IWO file a state sends employers (file
// header FHI, batch header BHI per employer, DTL detail records, batch and file trailers) and
// the acknowledgment file employers send back (FHA, BHA, ACK records, trailers). Pure: no
// storage; the use cases are iwo/eiwo_export.h and iwo/eiwo_ack.h.
//
// Layouts are data (formats/layout.h), five records per direction, in one table file:
//
//   layout file_header | batch_header | detail | batch_trailer | file_trailer
//   ...the lines of formats/layout.h...
//   disposition accepted|rejected CODE      (acknowledgment sets only)
//   reason CODE TEXT...                     (acknowledgment sets only: rejection reasons)
//
// What is sourced and what is not (FACTS §1.3): the header's document code (1-3) and control
// number (4-25); the detail's positions 1-184 (document code through employer address line 1);
// the acknowledgment's `ACK` code (1-3) and document action code (4-6). Everything else — the
// other header fields, the trailers (document codes, counts), the detail after position 184,
// the rest of the acknowledgment record, the disposition and reason codes, the record
// lengths — is NOT in FACTS: the built-in tables place them and mark each such field
// `unverified`, and a state replaces the table (`--layout FILE`) once it has the OCSS charts.
//
// Thread-safety: value types and free functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "formats/layout.h"

namespace cse::formats {

enum class EiwoDirection { kIwo, kAck };  // state→employer IWOs | employer→state acknowledgments

// One direction's five record layouts, plus (acknowledgments) the disposition and reason codes.
struct EiwoLayouts {
  EiwoDirection direction = EiwoDirection::kIwo;
  RecordLayout file_header;
  RecordLayout batch_header;
  RecordLayout detail;
  RecordLayout batch_trailer;
  RecordLayout file_trailer;
  std::string accept_code;                     // disposition code of an acceptance
  std::string reject_code;                     // ... of a rejection
  std::map<std::string, std::string> reasons;  // rejection reason code → text
  bool codes_verified = false;  // disposition and reason codes confirmed (never in built-ins)

  // "record.field" of every unverified field, in layout order.
  std::vector<std::string> UnverifiedFields() const;
};

// Limits (STYLE §7).
inline constexpr size_t kEiwoReasonsMax = 200;
inline constexpr int64_t kEiwoAckRecordsMax = 1'000'000;
inline constexpr size_t kEiwoProblemsMax = 1000;

// The built-in table of a direction (the text `--print-layout` shows).
std::string_view BuiltinEiwoTable(EiwoDirection direction);
// Parses a table. Errors (invalid_argument, naming the table line): those of ParseLayout,
// eiwo_layout_missing (one of the five records absent), eiwo_layout_name (unknown record name),
// eiwo_field_missing (a record lacks a field the writer or reader needs), eiwo_code_invalid
// (disposition/reason lines), eiwo_codes_missing (an acknowledgment table without both
// dispositions).
Result<EiwoLayouts> ParseEiwoLayouts(std::string_view table, EiwoDirection direction);
// `builtin` (or empty) or a table file's path. Errors: not_found "layout_file_not_found", and
// ParseEiwoLayouts's.
Result<EiwoLayouts> LoadEiwoLayouts(std::string_view name_or_path, EiwoDirection direction);
std::string FormatEiwoLayouts(const EiwoLayouts& layouts);

// A record's field values by field name. Dates are given as YYYY-MM-DD and written in the
// field's date type; `digits` values are right-justified with leading zeros (and read back only so:
// a non-blank digits field must fill its width); others are left-justified and padded with spaces.
using FieldValues = std::map<std::string, std::string>;

// One fixed-width record of `layout` (record_length bytes, the record id in place). Values of
// fields the layout does not place are ignored (a state's table may drop fields); fields
// without a value are spaces. Errors (invalid_argument, message naming the field):
// eiwo_field_missing (a required field empty), eiwo_field_too_long, eiwo_field_not_digits,
// eiwo_field_invalid_char (a control character), date_malformed. `field_at_fault`, when given,
// receives the name of the field an error is about.
Result<std::string> FormatRecord(const RecordLayout& layout, const FieldValues& values,
                                 std::string* field_at_fault = nullptr);

// The record of `layouts` a line is (its record id at its position), or nullptr.
const RecordLayout* RecordOf(const EiwoLayouts& layouts, std::string_view line);

// One field problem of a record: the field, a stable reason code and a message.
struct FieldProblem {
  std::string field;
  std::string reason;
  std::string message;
};
// The values of a line read with `layout`, trimmed of spaces, dates as YYYY-MM-DD; or the first
// field problem (eiwo_field_missing, eiwo_field_not_digits, date_malformed, record_too_long).
Result<FieldValues> ReadRecord(const RecordLayout& layout, std::string_view line,
                               FieldProblem& problem);

// ---- Acknowledgment files (employer → state) ----

struct AckRecord {
  int64_t record_number = 0;  // line in the file, 1-based
  std::string batch_control;  // the BHA batch's control number
  std::string action_code;    // ORG | AMD | LUM | TRM, echoed from the IWO
  std::string iwo_control;    // the control number of the batch the IWO came in
  std::string case_id;        // as sent in the IWO (e.g. CASE-000001)
  std::string employee_ssn;   // nine digits
  // Nine digits: the record's, else its batch or file header's; empty when none gives one.
  std::string employer_fein;
  bool accepted = false;    // the disposition
  std::string reason_code;  // a rejection's reason, "" for an acceptance
  std::string reason;       // its text from the table
  std::optional<Date> disposition_date;
};

struct AckProblem {
  int64_t record_number = 0;  // 0 for the file as a whole
  std::string field;          // a field name, or "record" / "file"
  std::string reason;
  std::string message;
};

struct AckFile {
  std::string file_control;
  std::optional<Date> created;  // the file header's creation date
  std::vector<AckRecord> records;
  int64_t lines = 0;
  int64_t problem_count = 0;
  std::vector<AckProblem> problems;  // at most kEiwoProblemsMax; empty when well formed
};

// Parses a whole acknowledgment file. Never fails: malformed input gives problems, each with
// its record number, field and reason: eiwo_header_missing (a record before the file header),
// eiwo_header_repeated, eiwo_batch_missing (an ACK outside a batch), eiwo_record_unknown,
// eiwo_record_after_trailer, eiwo_trailer_missing, eiwo_count_mismatch (a trailer's count),
// eiwo_control_mismatch (a trailer's control number), fein_mismatch (a record's FEIN not its
// batch or file header's), action_code_invalid, ssn_malformed, disposition_unknown,
// reason_code_missing, reason_code_unknown, eiwo_records_too_many, and the field problems of
// ReadRecord: an acknowledgment record's first one (the record is refused); a header's or
// trailer's each bad field, the record still framing the file with the fields that read.
AckFile ParseAckFile(std::string_view text, const EiwoLayouts& layouts);

// The document action code of an IWO kind: original ORG, amended AMD, lump_sum LUM,
// termination TRM (FACTS §1.3, sourced). Empty for an unknown kind.
std::string_view ActionCodeOf(std::string_view iwo_kind);

}  // namespace cse::formats
