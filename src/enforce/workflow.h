// File: enforce/workflow.h
//
// The pieces of the caseworkers' workflow that need no store: the channel most likely to
// reach a person, the personalized outreach message, and the queue priority.
//
// Channel (docs/ENFORCEMENT.md "Contact channel"): from the person's contact attempts
// (ContactAttempt, dated on or before the day) and the whole population's reach rates:
//   - a channel is excluded when the person's latest attempt on it was `opted_out` (they
//     asked not to be contacted that way) or `bounced` (no working number or address: no
//     contact point) — until a later attempt on it reaches them;
//   - population rate p = (reached + 1) / (attempts + 2) per channel (0.5 with no data);
//   - the person's rate = (reached + kChannelPriorWeight * p) / (attempts + kChannelPriorWeight):
//     their own record, pulled toward the population's when it is short;
//   - the highest rate wins (ties: sms, phone, email); no channel left: "none" (write).
// The reason gives every channel's numbers.
// Priority (docs/ENFORCEMENT.md "Queue"): risk x amount at stake x urgency, where risk is
// the score / 100, the amount at stake is in dollars, and urgency = 30 / days to the legal
// deadline (at least 1 day; 30 days when there is no deadline, so urgency 1). A deadline
// already passed counts as 1 day: the most urgent.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "domain/types.h"
#include "enforce/records.h"

namespace cse::enforce {

inline constexpr double kChannelPriorWeight = 4;  // attempts' worth of the population prior
inline constexpr std::string_view kChannelNone = "none";

struct ChannelChoice {
  std::string channel;  // sms | email | phone | none
  std::string reason;   // every channel's numbers, e.g. "email 0.71 (3 of 4 reached; ...)"
  double rate = 0;      // the chosen channel's smoothed reach rate
};
// REQUIRES: `history` is the person's attempts (any order); `population` per channel.
ChannelChoice ChooseChannel(const std::vector<ContactAttempt>& history,
                            const std::vector<ChannelTally>& population, Date as_of);
// Errors: invalid_argument "contact_channel_invalid", "contact_outcome_invalid".
Status ValidateContact(std::string_view channel, std::string_view outcome);

struct OutreachFacts {
  std::string first_name;
  Money monthly_support;
  Money arrears;
  int risk_score = 0;
  std::string channel;
};
std::string OutreachMessage(const OutreachFacts& f);

double Priority(int risk_score, Money at_stake, std::optional<Date> deadline, Date today);

// Open tasks, highest priority first (ties: older first, then id).
void SortQueue(std::vector<Task>& tasks);

}  // namespace cse::enforce
