// File: enforce/facts.h
//
// Gathers the facts eligibility needs (enforce/eligibility.h) for one case as of a date from
// records only: the ledger (arrears by bucket, delinquency), the features the risk model
// computes from employment and case history (current employer, withholding order,
// incarceration, last payment), the orders, and the case's enforcement actions.
//
// Case events this file reads besides the simulator's: `benefit_income` with detail
// `type=ssi` or `type=ssdi` (income that is never targeted; `type=none` ends it) and
// `license_reinstated` (ends a suspension). docs/ENFORCEMENT.md lists them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "ai/features.h"
#include "enforce/eligibility.h"
#include "enforce/records.h"
#include "storage/store.h"

namespace cse::enforce {

// True while the action is open (not final) and before issue: a second one is not recommended.
bool IsOpen(const Action& a);
// True when the action is issued and not yet ended: the remedy is in force.
bool InForce(const Action& a);

// The dates of birth of the children of an obligor's cases, by person id (nullopt: not on
// file): the same type as iwo::BirthDates, which decides who is a qualified child.
using ChildBirthDates = std::map<int64_t, std::optional<Date>>;

// Reads the dates of birth of the children of `history`'s cases. Errors: store errors only.
Result<ChildBirthDates> LoadChildBirthDates(Store& store, const ai::ObligorHistory& history);

// `births` are the children's dates of birth (LoadChildBirthDates): a case's non-assigned
// arrears count toward the tax offset only when it is for a qualified child, decided by
// iwo::QualifiedChild, the rule `offset certify` uses.
// A dismissal's arrears (PastDismissal::arrears) are the obligor's on the day it was
// decided, from `history` and `ref` (the cooling-off measures growth from the decision).
// `obligor_actions` are the obligor's actions on any case (not the one being decided): a
// case-level remedy is blocked by an open or issued one on `case_id`, a person-level one
// (IsPersonLevel) by one on any case.
// REQUIRES: `row` was extracted from `history` as of `as_of`; `case_id` is one of its cases.
EligibilityFacts GatherFacts(const ai::ObligorHistory& history, const ai::Reference& ref,
                             const ChildBirthDates& births, const ai::FeatureRow& row,
                             CaseId case_id, const std::vector<Action>& obligor_actions,
                             Date as_of);

}  // namespace cse::enforce
