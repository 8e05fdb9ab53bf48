// File: enforce/eligibility.h
//
// Whether a remedy may be taken against an obligor on a case, from facts gathered as of a
// date (enforce/facts.h gathers them from the ledger, employment and case history). Pure: the
// same facts and rules always give the same answer, with a stable reason code and a sentence
// that names the numbers ("arrears 1,200.00 are not more than the threshold 2,500.00").
//
// Income the agency knows to be SSI or SSDI is never targeted: withholding needs a wage
// source, and a bank levy is refused while the obligor is known to receive SSI/SSDI (the
// deposits could be those benefits). docs/ENFORCEMENT.md lists each remedy's rule.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/date.h"
#include "enforce/config.h"

namespace cse::enforce {

// A person's dismissal of a recommended remedy: the latest of that remedy on the case, or on
// any of the obligor's cases for a remedy on the person (IsPersonLevel).
struct PastDismissal {
  int64_t action_id = 0;
  Date decided;             // the day of the dismissal
  std::string by;           // who dismissed it
  Money arrears;            // the obligor's arrears on the day of the dismissal
  bool delinquent = false;  // whether the obligor was delinquent then (it had a legal deadline)
};

struct EligibilityFacts {
  Date as_of;
  bool case_open = true;
  bool has_support_order = false;  // a current support order in effect
  Money monthly_support;           // across the obligor's orders in effect
  // When no order is in effect (an arrears-only obligor): the monthly support of the orders
  // in effect on the day the last one ended, so that arrears still measure in months.
  Money last_monthly_support;
  Money arrears_total;  // the obligor's, across cases
  Money overdue;        // the obligor's overdue support, which `delinquent` measures (ledger §6)
  Money arrears_assigned;                // owed to the state (assigned buckets)
  Money arrears_non_assigned;            // owed to families
  Money case_arrears;                    // this case's
  bool delinquent = false;               // arrears reach one month's support (45 CFR 303.6)
  int days_since_payment = -1;           // -1: never paid
  bool qualified_child = true;           // non-assigned arrears on a case of a minor child
  Money arrears_non_assigned_qualified;  // those arrears, across the qualified cases
  bool wage_employer_known = false;      // a current job with an employer on file
  bool iwo_active = false;               // a withholding order at that employer
  bool receives_ssi_ssdi = false;        // known SSI/SSDI income (never targeted)
  bool incarcerated = false;
  bool license_suspended = false;     // a suspension in effect
  int months_since_order_change = 0;  // since the newest order started
  bool income_changed = false;        // job lost or found since the order (review trigger)
  std::set<Remedy> in_progress;       // remedies with an open action on this case (person-level
                                      // remedies: on any of the obligor's cases)
  std::set<Remedy> certified;         // remedies in force (issued and not ended), likewise
  std::map<Remedy, PastDismissal> dismissed;  // the latest dismissal of each remedy, likewise

  // Arrears expressed in months of support: of the orders in effect, else of the last ones
  // (0 without any order).
  double arrears_months() const;
};

struct Eligibility {
  bool eligible = false;
  std::string reason;  // stable code: "eligible", "below_threshold", "income_protected_ssi_ssdi"
  std::string text;    // one sentence with the numbers
};

// A remedy held back from recommendation: why ("dismissed_recently"), and through which day.
struct HeldBack {
  Eligibility why;
  Date through;
};

Eligibility CheckEligibility(Remedy remedy, const EnforcementConfig& config,
                             const EligibilityFacts& facts);

// Whether a person's dismissal holds an eligible `remedy` back from being recommended again
// (docs/ENFORCEMENT.md, "Dismissals stick"): for workflow.dismissal_cooling_off_days after the
// dismissal (counting its day), unless the facts changed materially since the dismissed
// recommendation — the obligor's arrears grew by more than one month's support, or a new
// delinquency began (delinquent now and not then, or `delinquent_since` after the
// dismissal). Answers "dismissed_recently" with the date, who, and the day it ends; nullopt
// when the remedy may be recommended. Only recommending consults it: a person may still
// approve or modify toward a dismissed remedy.
std::optional<HeldBack> HeldBackByDismissal(Remedy remedy, const WorkflowConfig& workflow,
                                            const EligibilityFacts& facts,
                                            std::optional<Date> delinquent_since);

}  // namespace cse::enforce
