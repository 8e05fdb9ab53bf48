// File: service/case_notes.h
//
// Case notes: a staff member's free-text note on a case, shown on the case page. Notes are
// append-only (a correction is a new note); each addition is one transaction with its audit
// row "case.note_add" (the note's id, case, author and length; the text itself stays in
// case_note, which the audit trail points to).
//
// Validation of the text: 1 to kCaseNoteLengthMax characters after trimming surrounding white
// space; valid UTF-8; no control characters except newline and tab. Errors name the field
// "text": invalid_argument "note_empty", "note_too_long", "note_invalid_char",
// "note_invalid_utf8"; not_found "case_not_found".
//
// Thread-safety: the functions borrow `store` (one thread at a time) and `clock`.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "storage/store.h"

namespace cse {

inline constexpr size_t kCaseNoteLengthMax = 2000;  // characters (the table's CHECK agrees)
inline constexpr int64_t kCaseNotesPageMax = 200;

// The text as it will be stored (trimmed), or the validation error.
Result<std::string> ValidateCaseNoteText(const std::string& text);

// Adds a note by `author` to `case_id` and returns it (with its id and time).
Result<CaseNote> AddCaseNote(Store& store, const Clock& clock, const std::string& author,
                             CaseId case_id, const std::string& text);

// The notes of `case_id`, newest first (ListCaseNotes). Errors: case_not_found;
// invalid_argument "limit_invalid" unless 1 <= limit <= kCaseNotesPageMax.
Result<std::vector<CaseNote>> ListCaseNotes(Store& store, CaseId case_id, int64_t before_id,
                                            int64_t limit);

}  // namespace cse
