// SqliteStore methods for new-hire re-runs (src/iwo/newhire.h: an employment already served by
// an IWO, whatever became of it, gets no new one) and IWO documents (src/iwo/iwo_pdf.h: an
// ended IWO's termination notice). Migration 350 indexes iwo(case_id, employer_id).
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {

Result<std::optional<int64_t>> SqliteStore::FindIwoTerminationNotice(int64_t iwo_id) {
  Stmt& s = Prepare("SELECT id FROM iwo WHERE terminates_iwo_id = ?");  // iwo_one_termination
  s.Bind(1, iwo_id);
  return FirstRow<int64_t>(s, [](Stmt& r) -> Result<int64_t> { return r.Int(0); });
}

Result<bool> SqliteStore::HasIwoForHire(CaseId case_id, EmployerId employer, Date hire_date) {
  Stmt& s = Prepare(
      "SELECT 1 FROM iwo JOIN employment ON employment.id = iwo.employment_id "
      "WHERE iwo.case_id = ? AND iwo.employer_id = ? AND iwo.kind <> 'termination' AND "
      "employment.employer_id = iwo.employer_id AND employment.start_date = ? LIMIT 1");
  s.Bind(1, case_id.value).Bind(2, employer.value).Bind(3, hire_date);
  ASSIGN_OR_RETURN(std::optional<int64_t> hit,
                   FirstRow<int64_t>(s, [](Stmt& r) -> Result<int64_t> { return r.Int(0); }));
  return hit.has_value();
}

}  // namespace cse
