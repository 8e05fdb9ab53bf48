// File: service/case_notes.h
//
// Case notes: a staff member's free-text note on a case, shown on the case page. Notes are
// append-only (a correction is a new note); each addition is one transaction with its audit
// row "case.note_add" (the note's id, case, author and length; the text itself stays in
// case_note, which the audit trail points to).
//
// Validation of the text: 1 to kCaseNoteLengthMax characters after trimming surrounding white
// space; valid UTF-8; no control characters except newline and tab: none of C0 (a carriage
// return included: a CR LF line end is stored as LF), DEL, C1 (U+0080-U+009F), the line and
// paragraph separators (U+2028, U+2029) or the bidirectional embedding, override and isolate
// controls (U+202A-U+202E, U+2066-U+2069), which would let a note's text be shown as other
// text (before 2026-12-05 a lone CR, C1 and U+202E were accepted). Errors name the field
// "text": invalid_argument "note_empty", "note_too_long", "note_invalid_char" (names the
// character and its byte), "note_invalid_utf8"; not_found "case_not_found".
//
// Who may write: the API's route checks notes.write and the caseload before AddCaseNote; the
// CLI passes auth::CheckNoteWriter as the NoteWriterRule (this library cannot link auth).
//
// Thread-safety: the functions borrow `store` (one thread at a time) and `clock`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "storage/store.h"

namespace cse {

inline constexpr size_t kCaseNoteLengthMax = 2000;  // characters (the table's CHECK agrees)
inline constexpr int64_t kCaseNotesPageMax = 200;

// The text as it will be stored (trimmed), or the validation error.
Result<std::string> ValidateCaseNoteText(const std::string& text);

// OK when `author` may write a note on `case_id`; runs inside the note's transaction.
using NoteWriterRule =
    std::function<Status(Store& store, const std::string& author, CaseId case_id)>;

// Adds a note by `author` to `case_id` and returns it (with its id and time). `may_write`, when
// set, runs in the transaction before the write, and its error writes nothing; unset, the
// caller has checked the author (the API's route).
Result<CaseNote> AddCaseNote(Store& store, const Clock& clock, const std::string& author,
                             CaseId case_id, const std::string& text,
                             const NoteWriterRule& may_write = {});

// The notes of `case_id`, newest first (ListCaseNotes). Errors: case_not_found;
// invalid_argument "limit_invalid" unless 1 <= limit <= kCaseNotesPageMax.
Result<std::vector<CaseNote>> ListCaseNotes(Store& store, CaseId case_id, int64_t before_id,
                                            int64_t limit);

}  // namespace cse
