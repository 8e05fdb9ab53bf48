#include "service/case_notes.h"

#include "core/ids.h"
#include "core/text.h"
#include "service/audit.h"
#include "service/json.h"

namespace cse {

Result<std::string> ValidateCaseNoteText(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return InvalidArgument("note_empty", "text: required");
  const size_t last = text.find_last_not_of(" \t\r\n");
  std::string out = text.substr(first, last - first + 1);
  // Characters (code points), as the table's CHECK (SQLite's length() of a text) counts them.
  if (const auto chars = static_cast<size_t>(CharacterCount(out)); chars > kCaseNoteLengthMax) {
    return InvalidArgument("note_too_long", "text: at most " + std::to_string(kCaseNoteLengthMax) +
                                                " characters, got " + std::to_string(chars));
  }
  for (size_t i = 0; i < out.size();) {
    const unsigned char c = static_cast<unsigned char>(out[i]);
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f) {
      return InvalidArgument("note_invalid_char",
                             "text: control characters other than newline and tab are not "
                             "allowed (byte " +
                                 std::to_string(i) + ")");
    }
    const size_t n = Utf8SequenceLength(out, i);
    if (n == 0) {
      return InvalidArgument("note_invalid_utf8",
                             "text: not valid UTF-8 at byte " + std::to_string(i));
    }
    i += n;
  }
  return out;
}

Result<CaseNote> AddCaseNote(Store& store, const Clock& clock, const std::string& author,
                             CaseId case_id, const std::string& text) {
  ASSIGN_OR_RETURN(std::string clean, ValidateCaseNoteText(text));
  RETURN_IF_ERROR(store.Begin());
  auto body = [&]() -> Result<CaseNote> {
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
