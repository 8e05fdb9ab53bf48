#include "enforce/effect.h"

#include <algorithm>
#include <cmath>

namespace cse::enforce {
namespace {

constexpr std::array<const char*, 4> kArrearsBands{"under 1 month", "1-3 months", "3-6 months",
                                                   "6+ months"};

std::string Percent(double rate) { return std::to_string(std::lround(rate * 100)) + "%"; }

// Fills the expected and baseline effect of `c` from the table.
void Estimate(Candidate& c, const EffectivenessTable& t, int p, const EffectOptions& o) {
  if (o.rules_only.count(c.remedy)) return;
  const EffectCell& after = t.After(c.remedy, p);
  const EffectCell& without = t.Without(c.remedy, p);
  const EffectCell& none = t.no_enforcement[static_cast<size_t>(p)];
  if (after.n >= o.min_evidence) {
    c.expected_effect = after.rate();
    c.evidence = after.n;
    c.baseline_effect = without.n > 0 ? without.rate() : none.rate();
  } else if (!IsSubstantive(c.remedy) && none.n >= o.min_evidence && none.rate() >= o.target) {
    c.expected_effect = none.rate();
    c.evidence = none.n;
    c.baseline_effect = none.rate();
  }
}

std::string Rationale(const Candidate& c, const EffectivenessTable& t, int p,
                      const EffectOptions& o) {
  const std::string who = "for similar cases (" + ProfileText(p) + ")";
  if (o.rules_only.count(c.remedy)) {
    return "AI recommendations for " + std::string(Name(c.remedy)) +
           " are switched off (fail-safe): ranked by the escalation ladder; " + c.eligibility.text;
  }
  if (c.expected_effect < 0) {
    const EffectCell& none = t.no_enforcement[static_cast<size_t>(p)];
    std::string why = "no history of " + std::string(Label(c.remedy)) + " for similar cases (" +
                      ProfileText(p) + ")";
    if (!IsSubstantive(c.remedy) && none.n >= o.min_evidence) {
      why += "; only " + Percent(none.rate()) + " of them paid within " +
             std::to_string(t.window_days) +
             " days without enforcement (n=" + std::to_string(none.n) + ")";
    }
    return why + "; ranked by the escalation ladder; " + c.eligibility.text;
  }
  const EffectCell& after = t.After(c.remedy, p);
  std::string text;
  if (after.n >= o.min_evidence) {
    text = who + ", " + std::string(Label(c.remedy)) + " was followed by payment within " +
           std::to_string(t.window_days) + " days " + Percent(c.expected_effect) +
           " of the time (n=" + std::to_string(after.n) + ") vs " + Percent(c.baseline_effect) +
           " for similar obligors without it";
  } else {
    text =
        who + ", " + Percent(c.expected_effect) + " paid within " + std::to_string(t.window_days) +
        " days with no enforcement at all (n=" + std::to_string(c.evidence) + "); no history of " +
        std::string(Label(c.remedy)) + " itself: the gentlest step comes first";
  }
  text += c.expected_effect >= o.target ? "; expected to work (target " + Percent(o.target) + ")"
                                        : "; below the target " + Percent(o.target);
  return text + "; " + c.eligibility.text;
}

}  // namespace

int ProfileOf(const ProfileInputs& in) {
  const int band = in.arrears_months < 1   ? 0
                   : in.arrears_months < 3 ? 1
                   : in.arrears_months < 6 ? 2
                                           : 3;
  return band * 4 + (in.employed ? 2 : 0) + (in.paid_last_90_days ? 1 : 0);
}

std::string ProfileText(int p) {
  return std::string("arrears ") + kArrearsBands[static_cast<size_t>(p / 4)] +
         ((p & 2) ? ", employed" : ", not employed") +
         ((p & 1) ? ", paid in the last 90 days" : ", no payment in 90 days");
}

bool EffectivenessTable::empty() const {
  for (const auto& row : after) {
    for (const EffectCell& c : row) {
      if (c.n > 0) return false;
    }
  }
  return true;
}

std::vector<Candidate> RankByEffect(std::vector<Candidate> eligible,
                                    const EffectivenessTable& table, int profile, bool delinquent,
                                    const EffectOptions& options) {
  std::vector<Candidate> out;
  for (Candidate& c : eligible) {
    if (!delinquent && IsSubstantive(c.remedy)) continue;
    Estimate(c, table, profile, options);
    out.push_back(std::move(c));
  }
  const auto group = [&](const Candidate& c) {
    if (c.expected_effect < 0) return 2;
    return c.expected_effect >= options.target ? 0 : 1;
  };
  std::stable_sort(out.begin(), out.end(), [&](const Candidate& a, const Candidate& b) {
    const int ga = group(a);
    const int gb = group(b);
    if (ga != gb) return ga < gb;
    if (ga == 1 && a.expected_effect != b.expected_effect) {
      return a.expected_effect > b.expected_effect;
    }
    const int pa = Punitiveness(a.remedy);
    const int pb = Punitiveness(b.remedy);
    if (ga == 2) {  // no history: the ladder (above the highest step taken first)
      const bool above_a = pa > options.highest_step_taken;
      const bool above_b = pb > options.highest_step_taken;
      if (above_a != above_b) return above_a;
      return above_a ? pa < pb : pa > pb;
    }
    return pa < pb;
  });
  for (Candidate& c : out) c.rationale = Rationale(c, table, profile, options);
  return out;
}

}  // namespace cse::enforce
