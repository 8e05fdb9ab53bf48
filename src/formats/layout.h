// File: formats/layout.h
//
// Fixed-width record layouts as data, not code (FACTS §2.4 "keep the layouts in configuration
// tables"). A layout is a small text table, parsed at run time: the built-in ones below are
// such tables, and a state whose file differs (or who has confirmed a position FACTS marks
// unverified) supplies its own table in a file with the same syntax:
//
//   # comment
//   layout NAME
//   description FREE TEXT
//   record_length N             maximum bytes in a record (longer lines are rejected)
//   record_id START TEXT        a data record has TEXT at 1-based position START
//   header_id START TEXT        optional: header records; data before the first is rejected
//   field NAME START LENGTH TYPE [required] [unverified]
//
// Field NAMEs are the semantic fields the new-hire parser knows (NewHireField); TYPEs are
// digits | alpha | name | text | ccyymmdd | mmddyyyy. `unverified` marks a position that
// FACTS.md does not confirm: it is reported by `layout_unverified_fields` and in the CLI output,
// so nobody mistakes it for a sourced position.
//
// Thread-safety: value types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cse::formats {

enum class FieldType { kDigits, kAlpha, kName, kText, kDateCcyymmdd, kDateMmddyyyy };
std::string_view Name(FieldType type);

struct FieldSpec {
  std::string name;
  int start = 1;  // 1-based, as in the published charts
  int length = 1;
  FieldType type = FieldType::kText;
  bool required = false;
  bool verified = true;
  int end() const { return start + length - 1; }  // inclusive, 1-based
};

struct RecordLayout {
  std::string name;
  std::string description;
  int record_length = 0;
  int record_id_start = 1;
  std::string record_id;
  int header_id_start = 1;
  std::string header_id;  // empty: no header records
  std::vector<FieldSpec> fields;

  const FieldSpec* Find(std::string_view field) const;
  std::vector<std::string> UnverifiedFields() const;
};

// Limits on a layout table (STYLE §7).
inline constexpr int kRecordLengthMax = 4096;
inline constexpr size_t kLayoutFieldsMax = 64;

// Parses a layout table. `known_fields` lists the field names the consumer understands.
// Errors (invalid_argument, message naming the table line): layout_syntax, layout_field_unknown,
// layout_field_duplicate, layout_type_unknown, layout_position_invalid (outside the record or
// overlapping the record id), layout_incomplete (no name, record_length or record_id).
Result<RecordLayout> ParseLayout(std::string_view table,
                                 const std::vector<std::string_view>& known_fields);

// The same table text a layout was parsed from (for `--print-layout` and tests).
std::string FormatLayout(const RecordLayout& layout);

}  // namespace cse::formats
