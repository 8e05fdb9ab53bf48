// File: enforce/nba.h
//
// Next best action, learned from the case history (docs/MODEL_CARD.md, "Next best action").
//
// Actions in the history are case events: `iwo_issued` (income withholding),
// `license_notice` (license suspension), `payment_plan` (payment-plan offer) and
// `enforcement_issued remedy=<code>` (any remedy this system issued). For each action dated d
// the obligor's profile is read from the features as of the day before, and the outcome is
// whether collections received in (d, d + window] reach one month's support. Controls are
// month ends t of every active obligor: for each remedy with no such action in
// (t - window, t + window], the outcome after t counts toward "similar obligors without it".
//
// The table is learned on demand (`opencse enforce learn`, and by the nightly batch when
// none is stored) and stored as JSON in setting `enforce.effect_table` with an audit row.
//
// Evaluation (EvaluateRecommender): the table is learned on the history before a split date
// and both policies — next best action and the fixed escalation ladder — choose among the
// remedies seen in the history for each held-out action event (replay: a policy is credited
// with the observed outcome when its choice is the action actually taken), and for every
// held-out delinquent month end (how punitive its choices are).
//
// Thread-safety: the functions use the store they are given; one thread at a time.
#pragma once

#include <optional>
#include <string>

#include "ai/features.h"
#include "core/clock.h"
#include "enforce/config.h"
#include "enforce/effect.h"
#include "service/json.h"

namespace cse::enforce {

inline constexpr std::string_view kEffectTableKey = "enforce.effect_table";

// The remedy an event records, or nullopt for events that are not actions.
std::optional<Remedy> RemedyOfEvent(const CaseEvent& e);
// The profile of an obligor from features already extracted.
int ProfileOfRow(const ai::FeatureRow& row);
// Whether collections received in (from, from + days] (not reversed by then) reach
// `monthly` (any payment when `monthly` is zero).
bool PaidWithin(const ai::ObligorHistory& h, Date from, int days, Money monthly);

// Learns the table from the history of every obligor, on actions and month ends in
// [from, to - window_days]. Errors: invalid_argument "learn_window_empty" (from after
// to - window_days: no outcome could be observed); the store's.
Result<EffectivenessTable> LearnEffectiveness(Store& store, const ai::Reference& ref, Date from,
                                              Date to, int window_days);

Json ToJson(const EffectivenessTable& t);
// Errors: data_loss "effect_table_corrupt".
Result<EffectivenessTable> EffectTableFromJson(const Json& j);
// The stored table, or nullopt when none was learned.
Result<std::optional<EffectivenessTable>> LoadEffectTable(Store& store);
// Stores `t` with an audit row, inside its own transaction.
Status SaveEffectTable(Store& store, const Clock& clock, const std::string& actor,
                       const EffectivenessTable& t);

struct PolicyScore {
  int64_t decisions = 0;      // held-out action events the policy chose for
  int64_t matched = 0;        // ... where its choice was the action actually taken
  int64_t matched_paid = 0;   // ... and the obligor paid within the window
  double punitiveness = 0;    // mean ladder step of its choices on delinquent month ends
  int64_t month_choices = 0;  // delinquent month ends it chose for
  double paid_rate() const {
    return matched > 0 ? static_cast<double>(matched_paid) / static_cast<double>(matched) : 0;
  }
};

struct RecommenderEvaluation {
  Date learn_from;
  Date split;  // held out: actions and month ends from here to `to` - window
  Date to;
  EffectivenessTable table;
  PolicyScore nba;
  PolicyScore ladder;
  int64_t logged_actions = 0;  // held-out action events
  int64_t logged_paid = 0;     // ... followed by payment within the window
  int64_t less_punitive = 0;   // month ends where NBA chose a less punitive remedy than ladder
  int64_t more_punitive = 0;
};

// Errors: invalid_argument "evaluation_window_empty" when split + window > to; the store's.
Result<RecommenderEvaluation> EvaluateRecommender(Store& store, const EnforcementConfig& config,
                                                  Date learn_from, Date split, Date to,
                                                  const EffectOptions& options);

}  // namespace cse::enforce
