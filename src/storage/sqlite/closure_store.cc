// The SQLite side of case closure (store.h, "Case closure"; migration 8).
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {

namespace {

// A row in the column order of the statements below.
Result<Store::CaseClosureRow> ReadClosure(SqliteStore::Stmt& s) {
  Store::CaseClosureRow row;
  row.case_id = CaseId{s.Int(0)};
  ASSIGN_OR_RETURN(row.notice_date, s.DateAt(1));
  row.reason = s.Text(2);
  row.note = s.Text(3);
  ASSIGN_OR_RETURN(row.closed_date, s.OptDateAt(4));
  return row;
}

}  // namespace

Result<std::optional<Store::CaseClosureRow>> SqliteStore::GetCaseClosure(CaseId id) {
  Stmt& s = Prepare(
      "SELECT case_id, notice_date, reason, note, closed_date FROM case_closure WHERE case_id "
      "= ?");
  s.Bind(1, id.value);
  return FirstRow<CaseClosureRow>(s, ReadClosure);
}

Result<std::vector<Store::CaseClosureRow>> SqliteStore::ListCaseClosures() {
  Stmt& s = Prepare(
      "SELECT case_id, notice_date, reason, note, closed_date FROM case_closure ORDER BY "
      "case_id");
  return CollectRows<CaseClosureRow>(s, ReadClosure);
}

Status SqliteStore::PutCaseClosure(const CaseClosureRow& row) {
  return Prepare(
             "INSERT OR REPLACE INTO case_closure(case_id, notice_date, reason, note, "
             "closed_date) VALUES (?,?,?,?,?)")
      .Bind(1, row.case_id.value)
      .Bind(2, row.notice_date)
      .Bind(3, row.reason)
      .Bind(4, row.note)
      .Bind(5, row.closed_date)
      .Run();
}

Status SqliteStore::DeleteCaseClosure(CaseId id) {
  return Prepare("DELETE FROM case_closure WHERE case_id = ?").Bind(1, id.value).Run();
}

Status SqliteStore::UpdateCaseStatus(CaseId id, CaseStatus status) {
  return Prepare("UPDATE iv_d_case SET status = ? WHERE id = ?")
      .Bind(1, Name(status))
      .Bind(2, id.value)
      .Run();
}

}  // namespace cse
