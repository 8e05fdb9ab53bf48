// SqliteStore methods of e-IWO files out and employer acknowledgments in (src/iwo; migration
// 320; docs/EIWO.md).
#include <sqlite3.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {
namespace {

#define EIWO_CONTROL_COLUMNS                                                               \
  "control_number, seq, kind, file_control_number, employer_fein, status, details, path, " \
  "reserved_at, closed_at, note"

Result<EiwoControlNumber> ReadControl(SqliteStore::Stmt& s) {
  EiwoControlNumber r;
  r.control_number = s.Text(0);
  r.seq = s.Int(1);
  r.kind = s.Text(2);
  r.file_control_number = s.Text(3);
  r.employer_fein = s.Text(4);
  r.status = s.Text(5);
  r.details = s.Int(6);
  r.path = s.Text(7);
  r.reserved_at = s.Text(8);
  r.closed_at = s.Text(9);
  r.note = s.Text(10);
  return r;
}

}  // namespace

Result<int64_t> SqliteStore::AdvanceEiwoSequence(int64_t count) {
  if (count < 1) {
    return InvalidArgument("sequence_count_invalid", "advance the sequence by at least 1");
  }
  Stmt& read = Prepare("SELECT next_value FROM eiwo_sequence WHERE id = 1");
  ASSIGN_OR_RETURN(std::vector<int64_t> values,
                   CollectRows<int64_t>(read, [](Stmt& r) -> Result<int64_t> { return r.Int(0); }));
  if (values.size() != 1) return DataLoss("sequence_missing", "the e-IWO sequence row is gone");
  Stmt& s = Prepare("UPDATE eiwo_sequence SET next_value = next_value + ? WHERE id = 1");
  s.Bind(1, count);
  RETURN_IF_ERROR(s.Run());
  return values.front();
}

Status SqliteStore::InsertEiwoControlNumber(const EiwoControlNumber& r) {
  Stmt& s = Prepare("INSERT INTO eiwo_control_number(" EIWO_CONTROL_COLUMNS
                    ") VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.control_number).Bind(2, r.seq).Bind(3, r.kind).Bind(4, r.file_control_number);
  s.Bind(5, r.employer_fein).Bind(6, r.status).Bind(7, r.details).Bind(8, r.path);
  s.Bind(9, r.reserved_at).Bind(10, r.closed_at).Bind(11, r.note);
  return s.Run();
}

Status SqliteStore::CloseEiwoControlNumber(std::string_view control_number, std::string_view status,
                                           int64_t details, std::string_view path,
                                           std::string_view closed_at, std::string_view note) {
  Stmt& s = Prepare(
      "UPDATE eiwo_control_number SET status = ?, details = ?, path = ?, closed_at = ?, "
      "note = ? WHERE control_number = ? AND status = 'reserved'");
  s.Bind(1, status).Bind(2, details).Bind(3, path).Bind(4, closed_at).Bind(5, note);
  s.Bind(6, control_number);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) {
    return FailedPrecondition("control_not_reserved",
                              "control number '" + std::string(control_number) +
                                  "' is not reserved: used and void numbers are final");
  }
  return Status::Ok();
}

Result<std::vector<EiwoControlNumber>> SqliteStore::ListEiwoControlNumbers(std::string_view status,
                                                                           int64_t after_seq,
                                                                           int64_t limit) {
  if (status.empty()) {
    Stmt& s = Prepare("SELECT " EIWO_CONTROL_COLUMNS
                      " FROM eiwo_control_number WHERE seq > ? ORDER BY seq LIMIT ?");
    s.Bind(1, after_seq).Bind(2, limit);
    return CollectRows<EiwoControlNumber>(s, ReadControl);
  }
  Stmt& s = Prepare("SELECT " EIWO_CONTROL_COLUMNS
                    " FROM eiwo_control_number WHERE status = ? AND seq > ? ORDER BY seq LIMIT ?");
  s.Bind(1, status).Bind(2, after_seq).Bind(3, limit);
  return CollectRows<EiwoControlNumber>(s, ReadControl);
}

Status SqliteStore::MarkIwoSent(int64_t iwo_id, Date sent_date, std::string_view control_number,
                                std::string_view file_control_number) {
  Stmt& s = Prepare(
      "UPDATE iwo SET status = 'sent', sent_date = ?, control_number = ?, "
      "file_control_number = ? WHERE id = ? AND status = 'pending'");
  s.Bind(1, sent_date).Bind(2, control_number).Bind(3, file_control_number).Bind(4, iwo_id);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) {
    return FailedPrecondition("iwo_not_pending", "IWO " + std::to_string(iwo_id) +
                                                     " is no longer pending (already sent?)");
  }
  return Status::Ok();
}

Status SqliteStore::SetIwoAcknowledgment(int64_t iwo_id, std::string_view status, Date ack_date,
                                         std::string_view reason_code, std::string_view reason) {
  Stmt& s = Prepare(
      "UPDATE iwo SET status = ?, ack_date = ?, ack_reason_code = ?, ack_reason = ? WHERE id = ? "
      "AND (status = 'sent' OR status = 'accepted' OR status = 'rejected')");
  s.Bind(1, status).Bind(2, ack_date).Bind(3, reason_code).Bind(4, reason).Bind(5, iwo_id);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 1) {
    return FailedPrecondition("iwo_not_sent", "IWO " + std::to_string(iwo_id) +
                                                  " was not sent: nothing to "
                                                  "acknowledge");
  }
  return Status::Ok();
}

}  // namespace cse
