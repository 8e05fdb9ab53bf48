// SqliteStore methods of payments in: resolving held unidentified payments and deciding
// new-hire reviews (src/iwo; migrations 330-339).
#include <sqlite3.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {
namespace {

Result<UnidentifiedResolution> ReadResolution(SqliteStore::Stmt& s) {
  UnidentifiedResolution r;
  r.payment_id = s.Int(0);
  r.resolution = s.Text(1);
  r.case_id = CaseId{s.Int(2)};  // NULL reads as 0
  r.collection_key = s.Text(3);
  r.resolved_at = s.Text(4);
  r.resolved_by = s.Text(5);
  r.reason = s.Text(6);
  return r;
}

}  // namespace

Result<std::optional<UnidentifiedResolution>> SqliteStore::GetUnidentifiedResolution(
    int64_t payment_id) {
  Stmt& s = Prepare(
      "SELECT id, resolution, resolved_case_id, collection_key, resolved_at, resolved_by, "
      "resolution_reason FROM unidentified_payment WHERE id = ? AND status = 'resolved'");
  s.Bind(1, payment_id);
  return FirstRow<UnidentifiedResolution>(s, ReadResolution);
}

Status SqliteStore::ResolveUnidentifiedPayment(const UnidentifiedResolution& r) {
  Stmt& s = Prepare(
      "UPDATE unidentified_payment SET status = 'resolved', resolution = ?, resolved_case_id = "
      "?, collection_key = ?, resolved_at = ?, resolved_by = ?, resolution_reason = ? WHERE id = "
      "? AND status = 'held'");
  s.Bind(1, r.resolution);
  if (r.case_id.value != 0) s.Bind(2, r.case_id.value);  // else NULL (bindings were cleared)
  s.Bind(3, r.collection_key).Bind(4, r.resolved_at).Bind(5, r.resolved_by).Bind(6, r.reason);
  s.Bind(7, r.payment_id);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) == 0) {
    ASSIGN_OR_RETURN(UnidentifiedPayment row, GetUnidentifiedPayment(r.payment_id));
    return FailedPrecondition("already_resolved", "unidentified payment " + std::to_string(row.id) +
                                                      " is " + row.status + ", not held");
  }
  return Status::Ok();
}

Status SqliteStore::SetPersonSsn(PersonId id, std::string_view ssn) {
  Stmt& s = Prepare("UPDATE person SET ssn = ? WHERE id = ? AND ssn = ''");
  s.Bind(1, ssn).Bind(2, id.value);
  const Status st = s.Run();
  const std::string last4(ssn.substr(ssn.size() >= 4 ? ssn.size() - 4 : 0));
  if (st.reason() == "unique_violation") {
    return AlreadyExists("ssn_in_use",
                         "another person with SSN ending " + last4 + " is already on file");
  }
  RETURN_IF_ERROR(st);
  if (sqlite3_changes(db_) == 0) {
    ASSIGN_OR_RETURN(Person p, GetPerson(id));
    return FailedPrecondition("ssn_already_on_file",
                              PersonDisplayId(p.id) + " already has an SSN on file");
  }
  return Status::Ok();
}

Result<NewHireReview> SqliteStore::GetNewHireReview(int64_t id) {
  Stmt& s = Prepare(
      "SELECT id, file, record_number, candidate_id, reported_ssn, reported_name, reported_dob, "
      "employer_id, hire_date, status, created_at FROM newhire_review WHERE id = ?");
  s.Bind(1, id);
  ASSIGN_OR_RETURN(std::vector<NewHireReview> rows,
                   CollectRows<NewHireReview>(s, [](Stmt& q) -> Result<NewHireReview> {
                     NewHireReview r;
                     r.id = q.Int(0);
                     r.file = q.Text(1);
                     r.record_number = q.Int(2);
                     r.candidate = PersonId{q.Int(3)};
                     r.reported_ssn = q.Text(4);
                     r.reported_name = q.Text(5);
                     ASSIGN_OR_RETURN(r.reported_dob, q.OptDateAt(6));
                     r.employer = EmployerId{q.Int(7)};
                     ASSIGN_OR_RETURN(r.hire_date, q.DateAt(8));
                     r.status = q.Text(9);
                     r.created_at = q.Text(10);
                     return r;
                   }));
  if (rows.empty()) {
    return NotFound("review_not_found", "no new-hire review " + std::to_string(id) + " is on file");
  }
  return std::move(rows.front());
}

Result<std::string> SqliteStore::GetEmployerFein(EmployerId id) {
  Stmt& s = Prepare("SELECT fein FROM employer WHERE id = ?");
  s.Bind(1, id.value);
  ASSIGN_OR_RETURN(
      std::vector<std::string> rows,
      CollectRows<std::string>(s, [](Stmt& q) -> Result<std::string> { return q.Text(0); }));
  if (rows.empty()) {
    return NotFound("employer_not_found", "no employer " + std::to_string(id.value));
  }
  return std::move(rows.front());
}

Status SqliteStore::DecideNewHireReview(const NewHireReviewDecision& d) {
  Stmt& s = Prepare(
      "UPDATE newhire_review SET status = ?, decided_at = ?, decided_by = ?, decision_reason = ? "
      "WHERE id = ? AND status = 'open'");
  s.Bind(1, d.status).Bind(2, d.decided_at).Bind(3, d.decided_by).Bind(4, d.reason);
  s.Bind(5, d.review_id);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) != 0) return Status::Ok();
  Stmt& q = Prepare("SELECT status, decided_by, decided_at FROM newhire_review WHERE id = ?");
  q.Bind(1, d.review_id);
  ASSIGN_OR_RETURN(std::vector<std::string> rows,
                   CollectRows<std::string>(q, [](Stmt& r) -> Result<std::string> {
                     return r.Text(0) + " by " + r.Text(1) + " at " + r.Text(2);
                   }));
  if (rows.empty()) {
    return NotFound("review_not_found",
                    "no new-hire review " + std::to_string(d.review_id) + " is on file");
  }
  return FailedPrecondition(
      "review_already_decided",
      "new-hire review " + std::to_string(d.review_id) + " was already " + rows.front());
}

}  // namespace cse
