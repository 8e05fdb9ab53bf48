// The SQLite side of case notes (store.h, "Case notes"; migration 101).
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {

Result<int64_t> SqliteStore::InsertCaseNote(const CaseNote& n) {
  RETURN_IF_ERROR(Prepare("INSERT INTO case_note(case_id, author, at, text) VALUES (?,?,?,?)")
                      .Bind(1, n.case_id.value)
                      .Bind(2, n.author)
                      .Bind(3, n.at)
                      .Bind(4, n.text)
                      .Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::vector<CaseNote>> SqliteStore::ListCaseNotes(CaseId case_id, int64_t before_id,
                                                         int64_t limit) {
  Stmt& s = Prepare(
      "SELECT id, case_id, author, at, text FROM case_note WHERE case_id = ? AND (? = 0 OR id "
      "< ?) ORDER BY id DESC LIMIT ?");
  s.Bind(1, case_id.value).Bind(2, before_id).Bind(3, before_id).Bind(4, limit);
  return CollectRows<CaseNote>(s, [](Stmt& row) -> Result<CaseNote> {
    return CaseNote{row.Int(0), CaseId{row.Int(1)}, row.Text(2), row.Text(3), row.Text(4)};
  });
}

}  // namespace cse
