// File: iwo/offset.h
//
// The federal tax refund offset certification list (FACTS §5, 45 CFR 303.72): every obligor
// whose past-due support meets a threshold, with the assigned and non-assigned amounts kept
// separate — they are certified separately and never added together.
//
//   * Assigned (TANF / IV-E foster care): arrears in the permanently, temporarily and
//     conditionally assigned buckets, summed across the obligor's cases; certified when at least
//     $150 (conditionally assigned arrears count as assigned for a federal tax offset: FACTS §11).
//   * Non-assigned: arrears in the never-assigned and unassigned buckets, summed across the
//     obligor's cases whose support is owed for a qualified child; certified when at least $500.
//     A case qualifies when one of its children is a minor on the as-of date and not
//     emancipated (QualifiedChild below); a case with no child recorded, or a child whose date
//     of birth is unknown, is counted and flagged (`child_age_unverified`) for the caseworker.
//     Adult children found disabled while minors also qualify under 31 CFR 285.3(c); no
//     disability is recorded yet, so they are not recognised.
//   * A case closed on the as-of date (service/case_closure.h: closed then, and not reopened
//     since on or before that day) is left out, its arrears with it, and counted: a closed case
//     takes no enforcement action, and the offset is one.
//   * Before certifying, the state must verify name and SSN (FACTS §5 "single submission"): an
//     obligor with no SSN on file is left out and counted.
//
// Read-only: nothing is written (recording submissions and the pre-offset notice are later
// work). Thread-safety: a function of the store's contents; one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "ledger/engine.h"
#include "storage/store.h"

namespace cse::iwo {

struct OffsetThresholds {
  Money assigned_min = Money::FromCents(15'000);      // Default: $150 (303.72(a)(2))
  Money non_assigned_min = Money::FromCents(50'000);  // Default: $500 (303.72(a)(3))
};

struct OffsetCandidate {
  PersonId obligor;
  std::string ssn;
  std::string last_name;
  std::string first_name;
  Money assigned;      // assigned arrears, all cases
  Money non_assigned;  // non-assigned arrears of cases for a qualified child
  bool certify_assigned = false;
  bool certify_non_assigned = false;
  bool child_age_unverified = false;
};

struct OffsetList {
  Date as_of;
  int64_t obligors = 0;                    // obligors scanned
  int64_t below_threshold = 0;             // with arrears on open cases, but not certified
  int64_t no_ssn = 0;                      // would qualify but have no SSN on file: not certified
  int64_t closed_cases = 0;                // cases with arrears left out: closed on as_of
  std::vector<OffsetCandidate> certified;  // by obligor id
};

// Whether a case's non-assigned arrears are owed for a qualified child on `as_of` (FACTS §5,
// 45 CFR 303.72(a)(3)): the one rule `offset certify` and enforcement's tax_offset eligibility
// (enforce/facts.h) both use, so a recommendation and the certification never disagree.
//   * A child is emancipated when it has a child term on one of the case's current support
//     orders that have started by `as_of`, and every such term has ended before `as_of`
//     (a term ends at emancipation, domain/types.h): it does not qualify, whatever its age.
//   * Otherwise a child with a date of birth qualifies while a minor (under 18 on `as_of`);
//     an adult child does not (a disability found while a minor is not recorded yet).
//   * A child whose date of birth is unknown (absent from `births` or without a date), or a
//     case with no child, qualifies and is flagged `unverified` for the caseworker.
struct ChildQualification {
  bool qualified = false;
  bool unverified = false;
};
// Child person id → date of birth (nullopt: not on file).
using BirthDates = std::map<int64_t, std::optional<Date>>;
ChildQualification QualifiedChild(const CaseBook& book, const BirthDates& births, Date as_of);

// The dates of birth of the children of `books`' cases. Errors: store errors only.
Result<BirthDates> LoadChildBirthDates(Store& store, const std::vector<CaseBook>& books);

// Scans every obligor's ledger as of `as_of`. Errors: store errors only.
Result<OffsetList> BuildOffsetCertification(Store& store, Date as_of,
                                            const OffsetThresholds& thresholds = {});

}  // namespace cse::iwo
