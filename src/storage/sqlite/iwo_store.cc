// SqliteStore methods of the employer and federal interfaces (src/iwo; migrations 300-399).
#include <sqlite3.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {
namespace {

constexpr const char* kIwoColumns =
    "id, case_id, obligor_id, employer_id, employment_id, kind, status, source, entry_date, "
    "due_date, sent_date, current_monthly_cents, arrears_monthly_cents, arrears_over_12_weeks, "
    "created_at, created_by, control_number, file_control_number, ack_date, ack_reason_code, "
    "ack_reason";

Result<IwoRecord> ReadIwo(SqliteStore::Stmt& s) {
  IwoRecord r;
  r.id = s.Int(0);
  r.case_id = CaseId{s.Int(1)};
  r.obligor = PersonId{s.Int(2)};
  r.employer = EmployerId{s.Int(3)};
  r.employment_id = s.IsNull(4) ? 0 : s.Int(4);
  r.kind = s.Text(5);
  r.status = s.Text(6);
  r.source = s.Text(7);
  ASSIGN_OR_RETURN(r.entry_date, s.DateAt(8));
  ASSIGN_OR_RETURN(r.due_date, s.DateAt(9));
  ASSIGN_OR_RETURN(r.sent_date, s.OptDateAt(10));
  r.current_monthly = Money::FromCents(s.Int(11));
  r.arrears_monthly = Money::FromCents(s.Int(12));
  r.arrears_over_12_weeks = s.Int(13) != 0;
  r.created_at = s.Text(14);
  r.created_by = s.Text(15);
  r.control_number = s.Text(16);
  r.file_control_number = s.Text(17);
  ASSIGN_OR_RETURN(r.ack_date, s.OptDateAt(18));
  r.ack_reason_code = s.Text(19);
  r.ack_reason = s.Text(20);
  return r;
}

Result<NewHireReview> ReadReview(SqliteStore::Stmt& s) {
  NewHireReview r;
  r.id = s.Int(0);
  r.file = s.Text(1);
  r.record_number = s.Int(2);
  r.candidate = PersonId{s.Int(3)};
  r.reported_ssn = s.Text(4);
  r.reported_name = s.Text(5);
  ASSIGN_OR_RETURN(r.reported_dob, s.OptDateAt(6));
  r.employer = EmployerId{s.Int(7)};
  ASSIGN_OR_RETURN(r.hire_date, s.DateAt(8));
  r.status = s.Text(9);
  r.created_at = s.Text(10);
  return r;
}

}  // namespace

Result<std::optional<PersonId>> SqliteStore::FindPersonIdBySsn(std::string_view ssn) {
  Stmt& s = Prepare("SELECT id FROM person WHERE ssn = ? AND ssn <> ''");
  s.Bind(1, ssn);
  ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                   CollectRows<int64_t>(s, [](Stmt& r) -> Result<int64_t> { return r.Int(0); }));
  if (ids.empty()) return std::optional<PersonId>();
  return std::optional<PersonId>(PersonId{ids.front()});
}

Result<std::vector<PersonId>> SqliteStore::FindPersonIdsByNameDob(std::string_view last,
                                                                  std::string_view first,
                                                                  Date dob) {
  Stmt& s = Prepare(
      "SELECT id FROM person WHERE dob = ? AND last_name = ? COLLATE NOCASE AND first_name = ? "
      "COLLATE NOCASE ORDER BY id");
  s.Bind(1, dob).Bind(2, last).Bind(3, first);
  return CollectRows<PersonId>(s, [](Stmt& r) -> Result<PersonId> { return PersonId{r.Int(0)}; });
}

Result<std::optional<EmployerId>> SqliteStore::FindEmployerIdByFein(std::string_view fein) {
  Stmt& s = Prepare("SELECT id FROM employer WHERE fein = ?");
  s.Bind(1, fein);
  ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                   CollectRows<int64_t>(s, [](Stmt& r) -> Result<int64_t> { return r.Int(0); }));
  if (ids.empty()) return std::optional<EmployerId>();
  return std::optional<EmployerId>(EmployerId{ids.front()});
}

Result<bool> SqliteStore::HasActiveIwo(CaseId case_id, EmployerId employer) {
  Stmt& s = Prepare(
      "SELECT 1 FROM iwo WHERE case_id = ? AND employer_id = ? AND status <> 'rejected' AND "
      "status <> 'ended' AND kind <> 'termination' LIMIT 1");
  s.Bind(1, case_id.value).Bind(2, employer.value);
  ASSIGN_OR_RETURN(std::vector<int64_t> hits,
                   CollectRows<int64_t>(s, [](Stmt& r) -> Result<int64_t> { return r.Int(0); }));
  return !hits.empty();
}

Result<int64_t> SqliteStore::InsertIwo(const IwoRecord& r) {
  Stmt& s = Prepare(
      "INSERT INTO iwo(case_id, obligor_id, employer_id, employment_id, kind, status, source, "
      "entry_date, due_date, sent_date, current_monthly_cents, arrears_monthly_cents, "
      "arrears_over_12_weeks, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.case_id.value).Bind(2, r.obligor.value).Bind(3, r.employer.value);
  if (r.employment_id > 0) s.Bind(4, r.employment_id);
  s.Bind(5, r.kind).Bind(6, r.status).Bind(7, r.source).Bind(8, r.entry_date);
  s.Bind(9, r.due_date).Bind(10, r.sent_date).Bind(11, r.current_monthly.cents());
  s.Bind(12, r.arrears_monthly.cents()).Bind(13, int64_t{r.arrears_over_12_weeks ? 1 : 0});
  s.Bind(14, r.created_at).Bind(15, r.created_by);
  RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::vector<IwoRecord>> SqliteStore::ListIwos(std::string_view status, int64_t after_id,
                                                     int64_t limit) {
  static const std::string kAll =
      std::string("SELECT ") + kIwoColumns + " FROM iwo WHERE id > ? ORDER BY id LIMIT ?";
  // `+status` keeps SQLite off the (status, due_date) index, which would read every row of the
  // status and sort them for each page (an e-IWO export of 100,000 of 890,000 pending IWOs took
  // 64 s CPU that way): the rowid range is walked in order and stops after `limit` matches.
  static const std::string kByStatus = std::string("SELECT ") + kIwoColumns +
                                       " FROM iwo WHERE id > ? AND +status = ? ORDER BY id LIMIT ?";
  if (status.empty()) {
    Stmt& s = Prepare(kAll.c_str());
    s.Bind(1, after_id).Bind(2, limit);
    return CollectRows<IwoRecord>(s, ReadIwo);
  }
  Stmt& s = Prepare(kByStatus.c_str());
  s.Bind(1, after_id).Bind(2, status).Bind(3, limit);
  return CollectRows<IwoRecord>(s, ReadIwo);
}

Result<std::vector<IwoRecord>> SqliteStore::ListIwosByControl(std::string_view control_number) {
  static const std::string kSql =
      std::string("SELECT ") + kIwoColumns + " FROM iwo WHERE control_number = ? ORDER BY id";
  Stmt& s = Prepare(kSql.c_str());
  s.Bind(1, control_number);
  return CollectRows<IwoRecord>(s, ReadIwo);
}

Result<std::vector<IwoRecord>> SqliteStore::ListActiveIwosByCase(CaseId case_id) {
  // The conditions of the partial index iwo_one_active, so SQLite reads only that index's
  // entries of the case.
  static const std::string kSql = std::string("SELECT ") + kIwoColumns +
                                  " FROM iwo WHERE case_id = ? AND status <> 'rejected' AND "
                                  "status <> 'ended' AND kind <> 'termination' ORDER BY id";
  Stmt& s = Prepare(kSql.c_str());
  s.Bind(1, case_id.value);
  return CollectRows<IwoRecord>(s, ReadIwo);
}

Result<int64_t> SqliteStore::InsertNewHireReview(const NewHireReview& r) {
  Stmt& s = Prepare(
      "INSERT INTO newhire_review(file, record_number, candidate_id, reported_ssn, "
      "reported_name, reported_dob, employer_id, hire_date, status, created_at) VALUES "
      "(?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.file).Bind(2, r.record_number).Bind(3, r.candidate.value);
  s.Bind(4, r.reported_ssn).Bind(5, r.reported_name).Bind(6, r.reported_dob);
  s.Bind(7, r.employer.value).Bind(8, r.hire_date).Bind(9, r.status).Bind(10, r.created_at);
  RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::vector<NewHireReview>> SqliteStore::ListNewHireReviews(std::string_view status,
                                                                   int64_t after_id,
                                                                   int64_t limit) {
  static constexpr const char* kAll =
      "SELECT id, file, record_number, candidate_id, reported_ssn, reported_name, reported_dob, "
      "employer_id, hire_date, status, created_at FROM newhire_review WHERE id > ? ORDER BY id "
      "LIMIT ?";
  static constexpr const char* kByStatus =
      "SELECT id, file, record_number, candidate_id, reported_ssn, reported_name, reported_dob, "
      "employer_id, hire_date, status, created_at FROM newhire_review WHERE id > ? AND "
      "status = ? ORDER BY id LIMIT ?";
  if (status.empty()) {
    Stmt& s = Prepare(kAll);
    s.Bind(1, after_id).Bind(2, limit);
    return CollectRows<NewHireReview>(s, ReadReview);
  }
  Stmt& s = Prepare(kByStatus);
  s.Bind(1, after_id).Bind(2, status).Bind(3, limit);
  return CollectRows<NewHireReview>(s, ReadReview);
}

}  // namespace cse
