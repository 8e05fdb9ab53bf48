// The SQLite side of the case search (store.h, "Case search"): the cases of an office with a
// party whose name matches, for GET /v1/cases?q= (src/http/routes.cc SearchCases). Three
// indexed reads and no new index: the persons by name (person_name_dob, migration 300, whose
// first columns are last_name and first_name COLLATE NOCASE), the cases of those persons in
// each role (iv_d_case_obligor, iv_d_case_obligee, case_child_child), then one page of those
// cases with their office.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "storage/sqlite/stmt.h"

namespace cse {
namespace {

using Stmt = SqliteStore::Stmt;

struct NamedPerson {
  std::string first_name;
  std::string last_name;
};

// A case id, a role and the person in it, from the roles query.
struct RoleRow {
  int64_t case_id = 0;
  int role_rank = 0;  // 0 obligor, 1 obligee, 2 child: the order parties are listed in
  int64_t person = 0;
};

constexpr const char* kRoleNames[] = {"obligor", "obligee", "child"};

std::string JsonIntList(const std::vector<int64_t>& ids) {
  std::string out = "[";
  for (int64_t id : ids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(id);
  }
  out += ']';
  return out;
}

// "3,1,2" (group_concat of the case's children) as sorted ids.
Result<std::vector<PersonId>> ChildIds(const std::string& list, CaseId case_id) {
  std::vector<PersonId> out;
  for (size_t at = 0; at < list.size();) {
    const size_t end = std::min(list.find(',', at), list.size());
    int64_t id = 0;
    const auto [p, ec] = std::from_chars(list.data() + at, list.data() + end, id);
    if (ec != std::errc() || p != list.data() + end) {
      return DataLoss("stored_children_corrupt",
                      CaseDisplayId(case_id) + ": children '" + list + "'");
    }
    out.push_back(PersonId{id});
    at = end + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Result<std::vector<CaseSearchHit>> SqliteStore::SearchCasesByName(
    std::span<const PersonNameQuery> names, std::string_view office, int64_t after, int64_t limit) {
  // 1. The persons with one of the names.
  std::map<int64_t, NamedPerson> persons;
  for (const PersonNameQuery& n : names) {
    Stmt& s = Prepare(
        "SELECT id, first_name, last_name FROM person WHERE last_name = ? COLLATE NOCASE AND "
        "(? = '' OR first_name = ? COLLATE NOCASE)");
    s.Bind(1, n.last).Bind(2, n.first).Bind(3, n.first);
    ASSIGN_OR_RETURN(auto rows, (CollectRows<std::pair<int64_t, NamedPerson>>(s, [](Stmt& r) {
                       return Result<std::pair<int64_t, NamedPerson>>(
                           std::make_pair(r.Int(0), NamedPerson{r.Text(1), r.Text(2)}));
                     })));
    for (auto& [id, p] : rows) persons.emplace(id, std::move(p));
  }
  if (persons.empty()) return std::vector<CaseSearchHit>{};
  std::vector<int64_t> person_ids;
  for (const auto& [id, p] : persons) person_ids.push_back(id);

  // 2. Their cases after `after`, in each role (one indexed lookup per person and role).
  Stmt& roles = Prepare(
      "SELECT c.id, 0, c.obligor_id FROM iv_d_case c WHERE c.obligor_id IN (SELECT value FROM "
      "json_each(?1)) AND c.id > ?2 "
      "UNION ALL SELECT c.id, 1, c.obligee_id FROM iv_d_case c WHERE c.obligee_id IN (SELECT "
      "value FROM json_each(?1)) AND c.id > ?2 "
      "UNION ALL SELECT k.case_id, 2, k.child_id FROM case_child k WHERE k.child_id IN (SELECT "
      "value FROM json_each(?1)) AND k.case_id > ?2");
  roles.Bind(1, JsonIntList(person_ids)).Bind(2, after);
  ASSIGN_OR_RETURN(
      std::vector<RoleRow> role_rows, CollectRows<RoleRow>(roles, [](Stmt& r) {
        return Result<RoleRow>(RoleRow{r.Int(0), static_cast<int>(r.Int(1)), r.Int(2)});
      }));
  if (role_rows.empty()) return std::vector<CaseSearchHit>{};
  std::sort(role_rows.begin(), role_rows.end(), [](const RoleRow& a, const RoleRow& b) {
    return std::tie(a.case_id, a.role_rank, a.person) < std::tie(b.case_id, b.role_rank, b.person);
  });
  std::vector<int64_t> case_ids;
  for (const RoleRow& r : role_rows) {
    if (case_ids.empty() || case_ids.back() != r.case_id) case_ids.push_back(r.case_id);
  }

  // 3. One page of those cases in the office, with their office and children.
  Stmt& cases = Prepare(
      "SELECT c.id, c.obligor_id, c.obligee_id, c.case_type, c.status, c.family_violence, "
      "c.opened, c.county, COALESCE(a.office, c.county), (SELECT group_concat(child_id) FROM "
      "case_child k WHERE k.case_id = c.id) FROM iv_d_case c LEFT JOIN case_assignment a ON "
      "a.case_id = c.id WHERE c.id IN (SELECT value FROM json_each(?1)) AND (?2 = '' OR "
      "COALESCE(a.office, c.county) = ?2) ORDER BY c.id LIMIT ?3");
  cases.Bind(1, JsonIntList(case_ids)).Bind(2, office).Bind(3, limit);
  ASSIGN_OR_RETURN(std::vector<CaseSearchHit> hits,
                   CollectRows<CaseSearchHit>(cases, [this](Stmt& row) -> Result<CaseSearchHit> {
                     ASSIGN_OR_RETURN(Case c, ReadCase(row));
                     ASSIGN_OR_RETURN(c.children, ChildIds(row.Text(9), c.id));
                     return CaseSearchHit{CaseInOffice{std::move(c), row.Text(8)}, {}};
                   }));
  size_t at = 0;
  for (CaseSearchHit& hit : hits) {
    while (at < role_rows.size() && role_rows[at].case_id < hit.found.info.id.value) ++at;
    for (; at < role_rows.size() && role_rows[at].case_id == hit.found.info.id.value; ++at) {
      const RoleRow& r = role_rows[at];
      const NamedPerson& p = persons.at(r.person);
      hit.matched.push_back(
          PartyNameMatch{PersonId{r.person}, kRoleNames[r.role_rank], p.first_name, p.last_name});
    }
  }
  return hits;
}

}  // namespace cse
