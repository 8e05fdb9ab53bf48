// SqliteStore methods of employer remittances and e-IWO (src/iwo; migrations 310-399).
#include <sqlite3.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {
namespace {

#define UNIDENTIFIED_COLUMNS                                                                  \
  "id, idempotency_key, employer_fein, pay_date, ssn, case_ref, amount_cents, reason, file, " \
  "line_number, received_date, status, created_at, created_by"

Result<UnidentifiedPayment> ReadUnidentified(SqliteStore::Stmt& s) {
  UnidentifiedPayment r;
  r.id = s.Int(0);
  r.key = s.Text(1);
  r.employer_fein = s.Text(2);
  ASSIGN_OR_RETURN(r.pay_date, s.DateAt(3));
  r.ssn = s.Text(4);
  r.case_ref = s.Text(5);
  r.amount = Money::FromCents(s.Int(6));
  r.reason = s.Text(7);
  r.file = s.Text(8);
  r.line_number = s.Int(9);
  ASSIGN_OR_RETURN(r.received_date, s.DateAt(10));
  r.status = s.Text(11);
  r.created_at = s.Text(12);
  r.created_by = s.Text(13);
  return r;
}

}  // namespace

Result<int64_t> SqliteStore::InsertUnidentifiedPayment(const UnidentifiedPayment& r) {
  Stmt& s = Prepare(
      "INSERT INTO unidentified_payment(idempotency_key, employer_fein, pay_date, ssn, case_ref, "
      "amount_cents, reason, file, line_number, received_date, status, created_at, created_by) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.key).Bind(2, r.employer_fein).Bind(3, r.pay_date).Bind(4, r.ssn);
  s.Bind(5, r.case_ref).Bind(6, r.amount.cents()).Bind(7, r.reason).Bind(8, r.file);
  s.Bind(9, r.line_number).Bind(10, r.received_date).Bind(11, r.status);
  s.Bind(12, r.created_at).Bind(13, r.created_by);
  RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<UnidentifiedPayment> SqliteStore::GetUnidentifiedPayment(int64_t id) {
  Stmt& s = Prepare("SELECT " UNIDENTIFIED_COLUMNS " FROM unidentified_payment WHERE id = ?");
  s.Bind(1, id);
  ASSIGN_OR_RETURN(std::optional<UnidentifiedPayment> row,
                   FirstRow<UnidentifiedPayment>(s, ReadUnidentified));
  if (!row) {
    return NotFound("unidentified_not_found",
                    "no unidentified payment " + std::to_string(id) + " is on file");
  }
  return std::move(*row);
}

Result<std::optional<UnidentifiedPayment>> SqliteStore::FindUnidentifiedPaymentByKey(
    std::string_view key) {
  Stmt& s = Prepare("SELECT " UNIDENTIFIED_COLUMNS
                    " FROM unidentified_payment WHERE idempotency_key = ?");
  s.Bind(1, key);
  return FirstRow<UnidentifiedPayment>(s, ReadUnidentified);
}

Result<std::vector<UnidentifiedPayment>> SqliteStore::ListUnidentifiedPayments(
    std::string_view status, int64_t after_id, int64_t limit) {
  if (status.empty()) {
    Stmt& s = Prepare("SELECT " UNIDENTIFIED_COLUMNS
                      " FROM unidentified_payment WHERE id > ? ORDER BY id LIMIT ?");
    s.Bind(1, after_id).Bind(2, limit);
    return CollectRows<UnidentifiedPayment>(s, ReadUnidentified);
  }
  Stmt& s = Prepare("SELECT " UNIDENTIFIED_COLUMNS
                    " FROM unidentified_payment WHERE id > ? AND status = ? ORDER BY id LIMIT ?");
  s.Bind(1, after_id).Bind(2, status).Bind(3, limit);
  return CollectRows<UnidentifiedPayment>(s, ReadUnidentified);
}

}  // namespace cse
