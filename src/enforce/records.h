// File: enforce/records.h
//
// The enforcement rows the store keeps (migrations 200-201): actions with their lifecycle,
// staff users and their roles, caseworkers' tasks, nightly batch runs and the per-obligor
// state between runs. Plain values;
// enforce/action_service.h owns the rules that change them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/ids.h"
#include "enforce/remedy.h"
#include "money/money.h"

namespace cse::enforce {

// One recommended (and then decided, noticed, issued...) enforcement action on a case.
struct Action {
  int64_t id = 0;
  std::string key;  // unique: "<origin>:<as_of>:<case>:<remedy>" (re-runs find it)
  CaseId case_id;
  PersonId obligor;
  Remedy remedy = Remedy::kReminder;
  std::optional<Remedy> original_remedy;  // set when a person modified the recommendation
  ActionState state = ActionState::kRecommended;
  std::string source;         // "model" (ranked with learned effectiveness) or "rules" (fail-safe)
  int rank = 0;               // 1 = first choice among this case's recommendations
  Date as_of;                 // the facts it was recommended on
  Money amount_at_stake;      // the obligor's arrears then
  std::string model_version;  // risk model scored with ("" without a model)
  std::string features_hash;
  double confidence = 0;
  int risk_score = 0;           // 0 when not scored
  double expected_effect = -1;  // learned payment rate within the window (-1: no history)
  std::string rationale;
  std::string created_at;
  std::string created_by;
  std::string decided_at;
  std::string decided_by;
  std::string decision_reason;
  std::optional<Date> notice_date;
  std::optional<Date> contest_deadline;
  std::optional<Date> issued_date;
  std::optional<Date> closed_date;
  std::optional<Date> legal_deadline;   // act by (30/60 days after delinquency)
  std::string last_note;                // the reason of the latest transition after the decision
  std::optional<Date> contest_filed;    // the parent contested on this date
  std::optional<Date> review_deadline;  // administrative review decided by (45 days)
  std::string contest_outcome;          // "" | upheld | granted
};

// A caseworker's task (the queue): proactive outreach, recommendations awaiting review,
// deadline alerts. Closed tasks keep their reason.
struct Task {
  int64_t id = 0;
  std::string key;   // unique: "<kind>:<subject>:<date>" (re-runs find it)
  std::string kind;  // proactive_outreach | review_recommendations | deadline_alert
  CaseId case_id;
  PersonId obligor;
  std::string worker;  // staff user id ("" when no active caseworker's office holds the case)
  Date created;
  std::optional<Date> follow_up;  // outreach: no payment by then raises the flag
  bool flagged = false;           // follow-up due: no payment arrived in time
  bool open = true;
  double priority = 0;  // docs/ENFORCEMENT.md "Queue": risk x amount at stake x urgency
  int risk_score = 0;
  Money amount_at_stake;
  std::optional<Date> deadline;  // the legal deadline the task races
  std::string title;
  std::string message;
  std::string channel;      // outreach: sms | email | phone
  std::string recommended;  // the top recommended remedy (code) or ""
  std::string key_factors;  // JSON array of {code, text, direction}
  int64_t action_id = 0;    // deadline alerts: the action
  std::optional<Date> closed_date;
  std::string closed_reason;
};

// One run of a batch job for a date; `cursor` is the last obligor id finished (resume point).
struct BatchRun {
  std::string job = "nightly";
  Date as_of;
  std::string status;  // running | done
  int64_t cursor = 0;
  std::string counts_json;
  std::string started_at;
  std::string finished_at;
};

// What the nightly batch knew about an obligor at its last run (new delinquencies).
struct ObligorState {
  PersonId obligor;
  Date as_of;
  bool delinquent = false;
  std::optional<Date> delinquent_since;
  int risk_score = 0;
};

// One attempt to reach a person (the contact history the outreach channel is chosen from).
// channel: sms | email | phone; outcome: reached | no_answer | bounced | opted_out.
struct ContactAttempt {
  int64_t id = 0;
  PersonId person;
  std::string channel;
  Date date;
  std::string outcome;
  std::string note;
  std::string recorded_by;
  std::string recorded_at;
};

// Attempts and how many reached the person, for one channel.
struct ChannelTally {
  std::string channel;
  int64_t tried = 0;
  int64_t reached = 0;
};

// The enforcement records of a range of obligors, read at once by the nightly batch's readers
// (Store::LoadEnforceRange): every vector is sorted by obligor id, then id.
struct EnforceRange {
  std::vector<ObligorState> states;
  std::vector<Task> tasks;
  std::vector<Action> actions;
  std::vector<ContactAttempt> contacts;  // by person, then date, then id
};

struct StaffUser {
  std::string user_id;
  Role role = Role::kCaseworker;
  bool active = true;
};

}  // namespace cse::enforce
