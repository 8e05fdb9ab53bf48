// SqliteStore methods for ending an IWO: its end date, reason and note, and the termination
// notice sent to the employer (src/iwo/iwo_terminate.h; migration 340).
#include <sqlite3.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {

Status SqliteStore::EndIwo(const IwoEnd& end) {
  Stmt& s = Prepare(
      "UPDATE iwo SET status = 'ended', end_date = ?, end_reason = ?, end_note = ? WHERE id = ? "
      "AND kind <> 'termination' AND status <> 'rejected' AND status <> 'ended'");
  s.Bind(1, end.end_date).Bind(2, end.reason).Bind(3, end.note).Bind(4, end.iwo_id);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) {
    return FailedPrecondition("iwo_not_active", "IWO " + std::to_string(end.iwo_id) +
                                                    " is not an active withholding order");
  }
  return Status::Ok();
}

Result<std::optional<Store::IwoEnd>> SqliteStore::GetIwoEnd(int64_t iwo_id) {
  Stmt& s = Prepare(
      "SELECT id, end_date, end_reason, end_note FROM iwo WHERE id = ? AND status = 'ended'");
  s.Bind(1, iwo_id);
  return FirstRow<IwoEnd>(s, [](Stmt& r) -> Result<IwoEnd> {
    IwoEnd e;
    e.iwo_id = r.Int(0);
    ASSIGN_OR_RETURN(e.end_date, r.DateAt(1));
    e.reason = r.Text(2);
    e.note = r.Text(3);
    return e;
  });
}

Result<int64_t> SqliteStore::InsertIwoTermination(const IwoRecord& r, int64_t terminates_iwo_id) {
  Stmt& s = Prepare(
      "INSERT INTO iwo(case_id, obligor_id, employer_id, employment_id, kind, status, source, "
      "entry_date, due_date, sent_date, current_monthly_cents, arrears_monthly_cents, "
      "arrears_over_12_weeks, created_at, created_by, terminates_iwo_id) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.case_id.value).Bind(2, r.obligor.value).Bind(3, r.employer.value);
  if (r.employment_id > 0) s.Bind(4, r.employment_id);
  s.Bind(5, r.kind).Bind(6, r.status).Bind(7, r.source).Bind(8, r.entry_date);
  s.Bind(9, r.due_date).Bind(10, r.sent_date).Bind(11, r.current_monthly.cents());
  s.Bind(12, r.arrears_monthly.cents()).Bind(13, int64_t{r.arrears_over_12_weeks ? 1 : 0});
  s.Bind(14, r.created_at).Bind(15, r.created_by).Bind(16, terminates_iwo_id);
  RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::optional<int64_t>> SqliteStore::FindIwoTerminated(int64_t notice_id) {
  Stmt& s = Prepare("SELECT terminates_iwo_id FROM iwo WHERE id = ? AND kind = 'termination'");
  s.Bind(1, notice_id);
  return FirstRow<int64_t>(s, [](Stmt& r) -> Result<int64_t> { return r.Int(0); });
}

}  // namespace cse
