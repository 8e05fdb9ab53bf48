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

#include <vector>

#include "ai/features.h"
#include "enforce/eligibility.h"
#include "enforce/records.h"

namespace cse::enforce {

// True while the action is open (not final) and before issue: a second one is not recommended.
bool IsOpen(const Action& a);
// True when the action is issued and not yet ended: the remedy is in force.
bool InForce(const Action& a);

// `obligor_actions` are the obligor's actions on any case (not the one being decided): a
// case-level remedy is blocked by an open or issued one on `case_id`, a person-level one
// (IsPersonLevel) by one on any case.
// REQUIRES: `row` was extracted from `history` as of `as_of`; `case_id` is one of its cases.
EligibilityFacts GatherFacts(const ai::ObligorHistory& history, const ai::FeatureRow& row,
                             CaseId case_id, const std::vector<Action>& obligor_actions,
                             Date as_of);

}  // namespace cse::enforce
