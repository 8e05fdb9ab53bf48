#include "iwo/offset.h"

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

struct Qualification {
  bool qualified = false;
  bool unverified = false;
};

// A case is for a qualified child when one of its children is a minor on `as_of`.
Result<Qualification> QualifiedChild(Store& store, const Case& c, Date as_of) {
  if (c.children.empty()) return Qualification{true, true};
  Qualification q;
  for (PersonId child : c.children) {
    ASSIGN_OR_RETURN(Person p, store.GetPerson(child));
    if (!p.date_of_birth) {
      q.qualified = q.unverified = true;
    } else if (as_of < p.date_of_birth->AddMonths(18 * 12)) {
      q.qualified = true;
    }
  }
  return q;
}

}  // namespace

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
    ASSIGN_OR_RETURN(std::vector<StoredCollection> rows, store.ListCollectionsByObligor(obligor));
    std::vector<Collection> collections;
    for (StoredCollection& r : rows) collections.push_back(std::move(r.collection));
    const LedgerRun run = RunLedger(books, std::move(collections), policy, as_of);
    OffsetCandidate c;
    c.obligor = obligor;
    for (const CaseBalance& b : run.balance.cases) {
      Money non_assigned;
      for (int k = 0; k < kBucketCount; ++k) {
        (IsAssigned(static_cast<Bucket>(k)) ? c.assigned : non_assigned) += b.arrears_by_bucket[k];
      }
      if (!non_assigned.is_positive()) continue;
      const CaseBook* book = nullptr;
      for (const CaseBook& candidate : books) {
        if (candidate.info.id == b.case_id) book = &candidate;
      }
      if (book == nullptr) continue;
      ASSIGN_OR_RETURN(Qualification q, QualifiedChild(store, book->info, as_of));
      if (!q.qualified) continue;
      c.non_assigned += non_assigned;
      c.child_age_unverified = c.child_age_unverified || q.unverified;
    }
    c.certify_assigned = c.assigned >= thresholds.assigned_min;
    c.certify_non_assigned = c.non_assigned >= thresholds.non_assigned_min;
    if (!c.certify_assigned && !c.certify_non_assigned) {
      if (run.balance.arrears_total.is_positive()) ++out.below_threshold;
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
