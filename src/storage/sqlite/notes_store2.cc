// The SQLite side of who may write notes and contact attempts, and of case offices (store.h,
// "Who may write notes and contacts, case offices"; src/auth/auth_service.h).
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/stmt.h"

namespace cse {

Result<std::vector<CaseId>> SqliteStore::ListCaseIdsOfParty(PersonId person) {
  // Each branch reads its party index (iv_d_case_obligor, iv_d_case_obligee, case_child_child).
  Stmt& s = Prepare(
      "SELECT id FROM iv_d_case WHERE obligor_id = ?1 UNION SELECT id FROM iv_d_case WHERE "
      "obligee_id = ?1 UNION SELECT case_id FROM case_child WHERE child_id = ?1 ORDER BY 1");
  s.Bind(1, person.value);
  return CollectRows<CaseId>(s, [](Stmt& row) -> Result<CaseId> { return CaseId{row.Int(0)}; });
}

Result<std::vector<std::string>> SqliteStore::FindOfficeSpellings(std::string_view office) {
  // Counties are read whole (no index on iv_d_case.county): one scan per assignment, which
  // is a staff member's command, not a batch.
  Stmt& s = Prepare(
      "SELECT office FROM app_user WHERE office = ?1 COLLATE NOCASE UNION "
      "SELECT county FROM iv_d_case WHERE county = ?1 COLLATE NOCASE UNION "
      "SELECT office FROM case_assignment WHERE office = ?1 COLLATE NOCASE ORDER BY 1");
  s.Bind(1, office);
  return CollectRows<std::string>(s, [](Stmt& row) -> Result<std::string> { return row.Text(0); });
}

}  // namespace cse
