#include "iwo/offset.h"

#include <optional>
#include <set>

#include "service/ledger_service.h"

namespace cse::iwo {
namespace {

constexpr int64_t kCasePage = 10'000;

bool IsAssigned(Bucket b) {
  return b == Bucket::kPermanentlyAssigned || b == Bucket::kTemporarilyAssigned ||
         b == Bucket::kConditionallyAssigned;
}

Result<std::set<int64_t>> AllObligors(Store& store) {
  std::set<int64_t> obligors;
  int64_t after = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<CaseId> ids, store.ListCaseIds(after, kCasePage));
    if (ids.empty()) break;
    for (CaseId id : ids) {
      ASSIGN_OR_RETURN(Case c, store.GetCase(id));
      obligors.insert(c.obligor.value);
    }
    after = ids.back().value;
  }
  return obligors;
}

// True when `child` has a child term on a current support order of `book` started by
// `as_of` and every such term ended before `as_of` (a term ends at emancipation).
bool Emancipated(const CaseBook& book, PersonId child, Date as_of) {
  bool term_seen = false;
  for (const Order& o : book.orders) {
    if (o.type != ObligationType::kCurrentSupport || o.effective_date > as_of) continue;
    for (const ChildTerm& t : o.child_terms) {
      if (t.child != child) continue;
      if (!t.end_date || *t.end_date >= as_of) return false;
      term_seen = true;
    }
  }
  return term_seen;
}

}  // namespace

ChildQualification QualifiedChild(const CaseBook& book, const BirthDates& births, Date as_of) {
  if (book.info.children.empty()) return ChildQualification{true, true};
  ChildQualification q;
  for (PersonId child : book.info.children) {
    if (Emancipated(book, child, as_of)) continue;
    const auto it = births.find(child.value);
    if (it == births.end() || !it->second) {
      q.qualified = q.unverified = true;
    } else if (as_of < it->second->AddMonths(18 * 12)) {
      q.qualified = true;
    }
  }
  return q;
}

Result<BirthDates> LoadChildBirthDates(Store& store, const std::vector<CaseBook>& books) {
  BirthDates births;
  for (const CaseBook& b : books) {
    for (PersonId child : b.info.children) {
      if (births.count(child.value)) continue;
      ASSIGN_OR_RETURN(Person p, store.GetPerson(child));
      births[child.value] = p.date_of_birth;
    }
  }
  return births;
}

Result<OffsetList> BuildOffsetCertification(Store& store, Date as_of,
                                            const OffsetThresholds& thresholds) {
  OffsetList out;
  out.as_of = as_of;
  ASSIGN_OR_RETURN(DistributionPolicy policy, LoadPolicy(store));
  ASSIGN_OR_RETURN(std::set<int64_t> obligors, AllObligors(store));
  for (int64_t id : obligors) {
    const PersonId obligor{id};
    ++out.obligors;
    ASSIGN_OR_RETURN(std::vector<CaseBook> books, LoadBooks(store, obligor));
    ASSIGN_OR_RETURN(const BirthDates births, LoadChildBirthDates(store, books));
    ASSIGN_OR_RETURN(std::vector<StoredCollection> rows, store.ListCollectionsByObligor(obligor));
    std::vector<Collection> collections;
    for (StoredCollection& r : rows) collections.push_back(std::move(r.collection));
    const LedgerRun run = RunLedger(books, std::move(collections), policy, as_of);
    OffsetCandidate c;
    c.obligor = obligor;
    bool arrears = false;  // on a case open on `as_of`
    for (const CaseBalance& b : run.balance.cases) {
      if (!b.arrears_total.is_positive()) continue;
      const CaseBook* book = nullptr;
      for (const CaseBook& candidate : books) {
        if (candidate.info.id == b.case_id) book = &candidate;
      }
      if (book == nullptr) continue;
      // A closed case takes no enforcement action: its arrears are not certified
      // (FACTS §5; docs/CLI.md "Case closure").
      if (!OpenOn(*book, as_of)) {
        ++out.closed_cases;
        continue;
      }
      arrears = true;
      Money non_assigned;
      for (int k = 0; k < kBucketCount; ++k) {
        (IsAssigned(static_cast<Bucket>(k)) ? c.assigned : non_assigned) += b.arrears_by_bucket[k];
      }
      if (!non_assigned.is_positive()) continue;
      const ChildQualification q = QualifiedChild(*book, births, as_of);
      if (!q.qualified) continue;
      c.non_assigned += non_assigned;
      c.child_age_unverified = c.child_age_unverified || q.unverified;
    }
    c.certify_assigned = c.assigned >= thresholds.assigned_min;
    c.certify_non_assigned = c.non_assigned >= thresholds.non_assigned_min;
    if (!c.certify_assigned && !c.certify_non_assigned) {
      if (arrears) ++out.below_threshold;
      continue;
    }
    ASSIGN_OR_RETURN(Person p, store.GetPerson(obligor));
    if (p.ssn.empty()) {
      ++out.no_ssn;
      continue;
    }
    c.ssn = p.ssn;
    c.last_name = p.last_name;
    c.first_name = p.first_name;
    out.certified.push_back(std::move(c));
  }
  return out;
}

}  // namespace cse::iwo
