// File: enforce/effect.h
//
// Next best action, the pure part: how well each remedy worked for similar obligors (the
// effectiveness table enforce/nba.h learns from case history), and the ranking that prefers
// the least punitive remedy expected to work.
//
// Similar obligors share a profile: arrears in months of support (under 1, 1-3, 3-6, 6 or
// more), employed or not, and paid in the last 90 days or not (16 profiles). For each remedy
// and profile the table holds how often the obligor paid within the window (60 days) after
// the remedy, and how often similar obligors who did not get it (no such action within the
// window either side of a month end) paid in the window after that month end.
//
// Ranking (RankByEffect): a remedy's expected effect is its learned payment rate when at
// least `min_evidence` similar cases stand behind it. A non-punitive step without that
// history is expected to work when similar obligors mostly pay with no enforcement at all
// (the profile's no-enforcement rate reaches the target; a reminder is assumed to do no
// harm); otherwise, like a substantive remedy without history, it has no expected effect.
// Remedies "expected to work" (expected effect >= target) come first, least punitive first;
// then the others with a learned effect, highest first; then those without, in the order of
// the escalation ladder (above the highest step taken first).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <array>
#include <set>
#include <string>
#include <vector>

#include "enforce/rank.h"

namespace cse::enforce {

inline constexpr int kProfileCount = 16;

struct ProfileInputs {
  double arrears_months = 0;
  bool employed = false;
  bool paid_last_90_days = false;
};
int ProfileOf(const ProfileInputs& in);
// "arrears 3-6 months, employed, no payment in 90 days".
std::string ProfileText(int profile);

struct EffectCell {
  int64_t n = 0;
  int64_t paid = 0;
  double rate() const { return n > 0 ? static_cast<double>(paid) / static_cast<double>(n) : -1; }
};

struct EffectivenessTable {
  int window_days = 60;
  std::string learned_from;  // the history used: "YYYY-MM-DD..YYYY-MM-DD"
  std::array<std::array<EffectCell, kProfileCount>, kRemedyCount> after{};    // got the remedy
  std::array<std::array<EffectCell, kProfileCount>, kRemedyCount> without{};  // similar, not
  std::array<EffectCell, kProfileCount> no_enforcement{};  // no remedy at all in the window

  EffectCell& After(Remedy r, int p) {
    return after[static_cast<size_t>(r)][static_cast<size_t>(p)];
  }
  const EffectCell& After(Remedy r, int p) const {
    return after[static_cast<size_t>(r)][static_cast<size_t>(p)];
  }
  EffectCell& Without(Remedy r, int p) {
    return without[static_cast<size_t>(r)][static_cast<size_t>(p)];
  }
  const EffectCell& Without(Remedy r, int p) const {
    return without[static_cast<size_t>(r)][static_cast<size_t>(p)];
  }
  // True when no remedy has history.
  bool empty() const;
};

struct EffectOptions {
  double target = 0.5;        // Default: 0.5 (a remedy "works" when half of similar cases paid)
  int64_t min_evidence = 20;  // Default: 20 similar cases behind a rate
  // Remedies whose AI recommendations are switched off (the fail-safe): ranked as if they
  // had no history, by the ladder, with a rationale that says so.
  std::set<Remedy> rules_only;
  int highest_step_taken = 0;  // the ladder's order for remedies without history
};

// The next-best-action ranking of `eligible` for an obligor in `profile` (see above). Fills
// expected_effect, baseline_effect, evidence and a rationale with the numbers.
std::vector<Candidate> RankByEffect(std::vector<Candidate> eligible,
                                    const EffectivenessTable& table, int profile, bool delinquent,
                                    const EffectOptions& options);

}  // namespace cse::enforce
