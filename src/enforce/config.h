// File: enforce/config.h
//
// Enforcement configuration: each remedy's threshold, notice and contest window, the
// workflow's numbers (outreach risk cut-off, follow-up days, legal deadlines), and the
// per-remedy fail-safe switch that turns AI recommendations off. The federal numbers of
// ../shared/FACTS.md §5 and §8 are the defaults (EnforcementConfig{}); a state overrides them
// in a small TOML-subset file (config/state.toml, documented in docs/ENFORCEMENT.md):
//
//   # comment
//   [remedy.license_suspension]
//   arrears_months_at_least = 6
//   notice_days = 60
//   [workflow]
//   outreach_risk_above = 75
//
// Values are integers, booleans (true/false) or double-quoted strings; money is a quoted
// decimal string ("2500.00"). Every error names the key (or the line): invalid_argument
// "config_syntax" (line N), "config_key_unknown" (the dotted key and the accepted ones),
// "config_value_invalid" (the key, the value and what is expected), "config_key_repeated".
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "enforce/remedy.h"
#include "money/money.h"

namespace cse::enforce {

struct RemedyRule {
  bool enabled = true;                     // the state uses this remedy at all
  bool ai_recommendations = true;          // false: the fail-safe (rules-only ranking, no model)
  std::optional<Money> arrears_at_least;   // obligor arrears threshold (>=)
  std::optional<Money> arrears_more_than;  // strict threshold (>), e.g. passport > $2,500
  std::optional<Money> assigned_at_least;  // tax offset: assigned past-due (>= $150)
  std::optional<Money> non_assigned_at_least;  // tax offset: non-assigned (>= $500)
  int arrears_months_at_least = 0;      // arrears / monthly support, in whole months (0: none)
  int days_since_payment_at_least = 0;  // no payment for this many days (0: none)
  bool notice_required = false;         // a notice to the obligor before issuing
  int contest_days = 0;                 // days after the notice during which the parent may contest
  bool service_of_process = false;      // needs service: the 60-day enforcement deadline applies
};

// The most days a dismissal can hold a remedy back (WorkflowConfig::dismissal_cooling_off_days).
inline constexpr int kDismissalCoolingOffDaysMax = 365;

struct WorkflowConfig {
  int outreach_risk_above = 75;      // Default: 75 (risk score 1-100)
  int follow_up_days = 7;            // Default: 7 (no payment within 7 days: follow-up flag)
  int effect_window_days = 60;       // Default: 60 (did the obligor pay within 60 days)
  int max_recommendations = 3;       // Default: 3 per case
  int enforcement_days = 30;         // 45 CFR 303.6(c)(2): act within 30 days of delinquency
  int service_of_process_days = 60;  // ... or 60 when service of process is needed
  int admin_review_days = 45;        // 45 CFR 303.72: administrative review decision in 45 days
  int alert_before_days = 5;         // Default: 5 (an alert when a deadline is this near)
  int order_review_months = 36;      // 45 CFR 303.8: review every 36 months
  // A remedy a person dismissed on a case is not recommended again on it for this many days
  // after the dismissal, unless the facts changed materially (eligibility.h
  // HeldBackByDismissal). Default: 90; 0 turns the rule off.
  int dismissal_cooling_off_days = 90;  // 0 to kDismissalCoolingOffDaysMax
};

struct EnforcementConfig {
  std::array<RemedyRule, kRemedyCount> remedies = DefaultRules();
  WorkflowConfig workflow;

  const RemedyRule& rule(Remedy r) const { return remedies[static_cast<size_t>(r)]; }
  RemedyRule& rule(Remedy r) { return remedies[static_cast<size_t>(r)]; }
  // The federal defaults (FACTS §5, §8); thresholds the federal rules leave to the states
  // (bank levy, lien, license, contempt) are unset here and the remedy stays unavailable
  // until the state file sets them.
  static std::array<RemedyRule, kRemedyCount> DefaultRules();
};

// Parses `text` over the federal defaults. Errors: the config_* reasons above.
Result<EnforcementConfig> ParseEnforcementConfig(std::string_view text);

}  // namespace cse::enforce
