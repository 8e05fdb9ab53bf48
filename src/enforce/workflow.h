// File: enforce/workflow.h
//
// The pieces of the caseworkers' workflow that need no store: the channel most likely to
// reach a person, the personalized outreach message, and the queue priority.
//
// Channel: case events `contact` with detail `channel=sms|email|phone outcome=reached|...`
// are the contact history; the channel with the highest share of attempts that reached the
// person wins (ties: sms, phone, email); without history the default is sms (the cheapest
// to receive), and the reason says so.
//
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
#include "domain/types.h"
#include "enforce/records.h"

namespace cse::enforce {

struct ChannelChoice {
  std::string channel;  // sms | email | phone
  std::string reason;   // "reached 3 of 4 sms attempts" / "no contact history: default sms"
};
ChannelChoice ChooseChannel(const std::vector<CaseEvent>& events, Date as_of);

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
