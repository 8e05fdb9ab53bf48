// File: formats/newhire.h
//
// New-hire reports (FACTS §2): the federal W-4 data record (801 bytes, NDNH) and the hosted
// state employer layout ("XX Newhire Record", VA/WY/MD/DC/MN/NM), each a layout table
// (formats/layout.h), read record by record with per-record validation. A bad record never
// stops the file: it becomes a rejection naming the record number (the 1-based line), the
// field and the reason.
//
// Validation (FACTS §2.1, §2.3): SSN nine digits and a valid SSN (domain ValidateSsn); first
// and last name each at least one character; names letters, spaces and hyphens only (upper
// case is stored); dates real calendar dates in the layout's form; the employer FEIN nine
// digits; ZIP+4 all spaces or all digits; every byte of a field printable ASCII.
//
// Thread-safety: NewHireParser is immutable after Create and may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "domain/types.h"
#include "formats/layout.h"

namespace cse::formats {

struct NewHireRecord {
  int64_t record_number = 0;  // 1-based line in the file
  std::string ssn;
  std::string first_name;
  std::string middle_name;
  std::string last_name;
  Address address;
  std::optional<Date> date_of_birth;
  Date hire_date;
  std::string state_of_hire;
  std::string employer_fein;
  std::string employer_name;  // empty when the layout has no such field (W-4: [NOT FOUND])
  Address employer_address;
};

struct RecordRejection {
  int64_t record_number = 0;
  std::string field;   // a layout field name, or "record"
  std::string reason;  // stable code
  std::string message;
};

// The semantic fields a layout may place (names used in layout tables).
const std::vector<std::string_view>& NewHireFields();

// Built-in layout tables: "w4" (federal W-4, FACTS §2.3) and "state" (the hosted state format
// with the MN/NM employer part, FACTS §2.4). Error: not_found "layout_unknown".
Result<std::string> BuiltinLayoutTable(std::string_view name);
// A built-in layout by name, or, when `name_or_path` is not a built-in name, the layout table in
// that file. Errors: ParseLayout's; not_found "layout_file_not_found"; layout_missing_field
// when the layout lacks ssn, first_name, last_name, hire_date or employer_fein.
Result<RecordLayout> LoadNewHireLayout(std::string_view name_or_path);

// Limits (STYLE §7).
inline constexpr int64_t kNewHireRecordsPerFileMax = 10'000'000;

class NewHireParser {
 public:
  // Errors: layout_missing_field (see LoadNewHireLayout).
  static Result<NewHireParser> Create(RecordLayout layout);

  enum class LineKind { kRecord, kHeader, kBlank, kRejected };
  // Classifies and parses one line (no line terminator). kRecord fills `record`; kRejected
  // fills `rejection`. `header_seen` says whether a header record came before (layouts with a
  // header_id reject data records until one has: FACTS §2.1).
  LineKind ParseLine(std::string_view line, int64_t record_number, bool header_seen,
                     NewHireRecord& record, RecordRejection& rejection) const;

  const RecordLayout& layout() const { return layout_; }

 private:
  explicit NewHireParser(RecordLayout layout) : layout_(std::move(layout)) {}
  RecordLayout layout_;
};

struct NewHireFileCounts {
  int64_t lines = 0;
  int64_t headers = 0;
  int64_t records = 0;   // valid data records passed to on_record
  int64_t rejected = 0;  // passed to on_rejection
};

// Reads `path` line by line (LF or CRLF) and calls `on_record` / `on_rejection` for each data
// line, in file order. A callback's non-OK status stops the read and is returned. Errors:
// not_found "file_not_found"; resource_exhausted "file_too_many_records" beyond
// kNewHireRecordsPerFileMax lines.
Result<NewHireFileCounts> ReadNewHireFile(
    const std::string& path, const NewHireParser& parser,
    const std::function<Status(const NewHireRecord&)>& on_record,
    const std::function<Status(const RecordRejection&)>& on_rejection);

// The same over an in-memory buffer (tests and the fuzz target).
Result<NewHireFileCounts> ReadNewHireBuffer(
    std::string_view text, const NewHireParser& parser,
    const std::function<Status(const NewHireRecord&)>& on_record,
    const std::function<Status(const RecordRejection&)>& on_rejection);

}  // namespace cse::formats
