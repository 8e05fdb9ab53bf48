#include "service/case_notes.h"

#include "core/ids.h"
#include "core/text.h"
#include "service/audit.h"
#include "service/json.h"

namespace cse {

namespace {

// Control characters a note may not hold: C0 but newline and tab, DEL, and the line-forging
// controls (core/text.h: C1, the line and paragraph separators, the bidirectional controls).
bool IsRefusedControl(uint32_t cp) {
  if (cp < 0x20) return cp != '\n' && cp != '\t';
  return cp == 0x7f || IsLineForgingControl(cp);
}

// `text` with each CR LF line end made LF (a lone CR stays, and is refused).
std::string UnixLineEnds(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

}  // namespace

Result<std::string> ValidateCaseNoteText(const std::string& text) {
  const std::string lf = UnixLineEnds(text);
  const size_t first = lf.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return InvalidArgument("note_empty", "text: required");
  const size_t last = lf.find_last_not_of(" \t\r\n");
  std::string out = lf.substr(first, last - first + 1);
  // Characters (code points), as the table's CHECK (SQLite's length() of a text) counts them.
  if (const auto chars = static_cast<size_t>(CharacterCount(out)); chars > kCaseNoteLengthMax) {
    return InvalidArgument("note_too_long", "text: at most " + std::to_string(kCaseNoteLengthMax) +
                                                " characters, got " + std::to_string(chars));
  }
  for (size_t i = 0; i < out.size();) {
    const size_t n = Utf8SequenceLength(out, i);
    if (n == 0) {
      return InvalidArgument("note_invalid_utf8",
                             "text: not valid UTF-8 at byte " + std::to_string(i));
    }
    if (const uint32_t cp = CodePointAt(out, i, n); IsRefusedControl(cp)) {
      return InvalidArgument("note_invalid_char",
                             "text: control character " + CodePointName(cp) + " at byte " +
                                 std::to_string(i) +
                                 "; control characters other than newline and tab (carriage "
                                 "returns, C1, line separators, bidirectional controls) are not "
                                 "allowed");
    }
    i += n;
  }
  return out;
}

Result<CaseNote> AddCaseNote(Store& store, const Clock& clock, const std::string& author,
                             CaseId case_id, const std::string& text,
                             const NoteWriterRule& may_write) {
  ASSIGN_OR_RETURN(std::string clean, ValidateCaseNoteText(text));
  RETURN_IF_ERROR(store.Begin());
  auto body = [&]() -> Result<CaseNote> {
    // The rule sees the same staff as the write (inside the transaction).
    if (may_write) RETURN_IF_ERROR(may_write(store, author, case_id));
    RETURN_IF_ERROR(store.GetCase(case_id).status());
    CaseNote note{0, case_id, author, clock.NowIso(), clean};
    ASSIGN_OR_RETURN(note.id, store.InsertCaseNote(note));
    const Json after{{"note_id", note.id},
                     {"case_id", CaseDisplayId(case_id)},
                     {"author", author},
                     {"length", static_cast<int64_t>(clean.size())}};
    RETURN_IF_ERROR(AppendAudit(store, clock, author, "case.note_add", "case",
                                CaseDisplayId(case_id), "", after.dump()));
    return note;
  };
  Result<CaseNote> note = body();
  if (!note.ok()) {
    store.Rollback();
    return note;
  }
  RETURN_IF_ERROR(store.Commit());
  return note;
}

Result<std::vector<CaseNote>> ListCaseNotes(Store& store, CaseId case_id, int64_t before_id,
                                            int64_t limit) {
  if (limit < 1 || limit > kCaseNotesPageMax) {
    return InvalidArgument("limit_invalid",
                           "limit: 1 to " + std::to_string(kCaseNotesPageMax) + " notes per page");
  }
  RETURN_IF_ERROR(store.GetCase(case_id).status());
  return store.ListCaseNotes(case_id, before_id, limit);
}

}  // namespace cse
