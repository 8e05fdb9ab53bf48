// File: enforce/workflow.h
//
// The pieces of the caseworkers' workflow that need no store: the channel most likely to
// reach a person, the personalized outreach message, and the queue priority.
//
// Channel (docs/ENFORCEMENT.md "Contact channel"): from the person's contact attempts
// (ContactAttempt, dated on or before the day) and the whole population's reach rates:
//   - a channel is excluded from the person's latest `opted_out` (they asked not to be
//     contacted that way) or `bounced` (no working number or address: no contact point)
//     attempt on it until a later attempt on it reaches them (`reached`): a later
//     `no_answer` does not lift it;
//   - population rate p = (reached + 1) / (attempts + 2) per channel (0.5 with no data);
//   - the person's rate = (reached + kChannelPriorWeight * p) / (attempts + kChannelPriorWeight):
//     their own record, pulled toward the population's when it is short;
//   - the highest rate wins (ties: sms, phone, email); no channel left: "none" (write).
// The reason gives every channel's numbers.
// Priority (docs/ENFORCEMENT.md "Queue"): risk x amount at stake x urgency, where risk is
// the score / 100, the amount at stake is in dollars, and urgency = 30 / days to the legal
// deadline (at least 1 day; 30 days when there is no deadline, so urgency 1). A deadline
// already passed counts as 1 day: the most urgent. A deadline alert's risk is at least
// kAlertRiskFloor (QueuePriority), so that it surfaces without a model. An open task's amount
// at stake and risk score follow the obligor's figures (RefreshStake: each nightly run and each
// payment event), so an old task never ranks on the debt as it stood when it was written.
//
// Task assignment (docs/ENFORCEMENT.md "Nightly batch"): a task on a case goes to an active
// caseworker whose caseload holds the case — the caseworker's office is the case's office (the
// office the case was assigned to, else its county: Store::CaseOffice; the rule of
// auth::InCaseload and of the web queue). Among the office's caseworkers, in user id order,
// the case id modulo their number picks one. An office with no active caseworker: unassigned
// (""), counted on the office supervisor's page. A caseworker with no office has no caseload
// (auth::InCaseload answers false for every case) and gets no task.
//
// Thread-safety: pure functions; a TaskAssignment is read-only once built.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "domain/types.h"
#include "enforce/records.h"
#include "money/money.h"

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
// Whether `channel` is excluded for the person on `as_of` (ChooseChannel's first rule).
bool ChannelExcluded(const std::vector<ContactAttempt>& history, std::string_view channel,
                     Date as_of);
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
// `message` (an OutreachMessage) for another channel: the call script's or letter's opening
// replaced by `channel`'s (the nightly batch re-chooses the channel of an open outreach task).
std::string RechannelOutreachMessage(std::string_view message, std::string_view channel);

inline constexpr std::string_view kDeadlineAlertKind = "deadline_alert";
// The least risk a deadline alert's priority counts (risk 0 without a model).
inline constexpr int kAlertRiskFloor = 50;

double Priority(int risk_score, Money at_stake, std::optional<Date> deadline, Date today);

// The priority of a task on `today`: Priority of its risk (at least kAlertRiskFloor for a
// deadline alert), amount at stake and deadline. The one rule of the nightly batch, `opencse
// queue` and GET /v1/queue.
double QueuePriority(const Task& t, Date today);

// Whether `t` is a deadline alert whose legal deadline (a 45 CFR 303.6 or 303.72 timeframe)
// passed before `today`: "Legal deadline passed", "Administrative review overdue" (not
// "Contest window over", which says an action is ready to issue).
bool LegalDeadlineMissed(const Task& t, Date today);

// The obligor's figures as they stand on a day: what an open task's amount at stake and risk
// score are refreshed from (RefreshStake).
struct StakeFigures {
  Money arrears;          // the obligor's arrears on the day (every case)
  Money monthly_support;  // the obligor's monthly support (every case with an order in effect)
  // The day's risk score (a person's override in force counts); none (no model, an obligor
  // not scored): the task keeps its stored score.
  std::optional<int> risk_score;
};

// Sets open task `t`'s amount at stake and risk score from `f` by the rule that wrote it
// (docs/ENFORCEMENT.md "Queue"): a review task or a deadline alert stakes the obligor's
// arrears, an outreach task the monthly support; a task on a closed case (`case_closed`)
// stakes 0. The risk score becomes f.risk_score when there is one. When either changed, the
// priority becomes QueuePriority(t, today). Closed tasks and other kinds (the IWO tasks,
// iwo/iwo_terminate.h, stake the IWO's amounts) are left alone. Answers whether the amount or
// the score changed (the row needs writing).
bool RefreshStake(Task& t, const StakeFigures& f, bool case_closed, Date today);

// Sets each task's priority to QueuePriority(t, today) and sorts the tasks, most urgent first
// (docs/ENFORCEMENT.md "Queue"): missed legal deadlines (LegalDeadlineMissed) first, then by
// priority; equal priority (without a model every task but an alert is 0): the earlier
// deadline first (none last), then the larger amount at stake, then the older, then by id.
void SortQueue(std::vector<Task>& tasks, Date today);

// Keeps an open task about actions true to them (docs/ENFORCEMENT.md "Queue"), given every
// action of its obligor as they stand on `today`:
//   - "Review enforcement recommendations" (review_recommendations): closed, with the reason,
//     when no recommendation on its case awaits a decision (all approved, modified,
//     dismissed or withdrawn); re-pointed to the case's undecided recommendations (the first
//     in rank: action, remedy, rationale, deadline, amount, priority) when the one it names
//     was decided or withdrawn;
//   - a deadline alert about one action (deadline_alert, key ActionAlertKey, or
//     "deadline:<action>:<phase>" before 2026-12-05): closed when its action left the state
//     the alert is about (decided for "near"/"passed", issued or withdrawn for
//     "contest_over", the contest decided for "review_near"/"review_passed"), or when the
//     action's deadline of that phase is no longer the alert's (a second contest: superseded);
//   - a case's legal-deadline alert (key CaseAlertKey: one per case, not per remedy): closed
//     when no action of its case with a legal deadline is still to be acted on (recommended,
//     approved or modified); re-pointed to the first of them (rank) when the one it names
//     moved on.
// Other tasks, closed tasks and tasks whose action is not in `actions` are left alone.
enum class TaskChange { kNone, kClosed, kRepointed };
TaskChange RefreshTask(Task& task, const std::vector<Action>& actions, Date today);

// Whether the queue lists an open task: false when RefreshTask would close it on `actions`
// (the case's or the obligor's actions as they stand now), so a decision shows at once and
// not after the next nightly run. Other tasks: true.
bool TaskPending(const Task& task, const std::vector<Action>& actions, Date today);

// Deadline alert keys. Each names the situation the alert is about:
//   - a case's legal-deadline alert ("near" or "passed"): one per case, deadline and phase,
//     whatever the number of actions racing it: "deadline:case-<case>:<deadline>:<phase>";
//   - an action's alert ("contest_over", "review_near", "review_passed"): one per action,
//     deadline (the contest's or the review's) and phase: "deadline:<action>:<deadline>:<phase>"
//     (before 2026-12-05 "deadline:<action>:<phase>", so a second contest of the action raised
//     no alert; such keys are still read).
// When the situation recurs after its alert was closed (a case reopened, new recommendations
// racing the same missed deadline, a notice back from an upheld contest), the alert is raised
// again under RaisedAgainKey(base key, the day): "<base>@<YYYY-MM-DD>".
inline constexpr std::string_view kAlertPrefix = "deadline:";
inline constexpr std::string_view kCaseAlertPrefix = "deadline:case-";
inline constexpr std::string_view kRaisedAgainMark = "@";
std::string CaseAlertKey(CaseId c, Date deadline, std::string_view phase);
std::string ActionAlertKey(int64_t action, Date deadline, std::string_view phase);
std::string RaisedAgainKey(std::string_view base, Date raised);
// The key without its RaisedAgainKey suffix.
std::string_view AlertBaseKey(std::string_view key);
// The phase of any of these keys ("" when it has none).
std::string_view AlertPhase(std::string_view key);

// Who works the tasks of each case. Built once (caseworkers, then the cases of the offices
// that have caseworkers), then read: a lookup is a binary search over the staffed offices'
// case ids, with no store access.
class TaskAssignment {
 public:
  // An active caseworker of `office`. Ignored when `office` is empty (no caseload).
  // REQUIRES: called before any AddCases; each user id once.
  void AddCaseworker(std::string_view user_id, std::string_view office);
  // The offices with at least one caseworker, sorted: the only offices whose cases matter.
  std::vector<std::string> StaffedOffices() const;
  // The cases of `office`, ascending (Store::ListCaseIdsInOffice).
  // REQUIRES: `office` is one of StaffedOffices(), its cases are added once, and no case is
  // in two offices.
  void AddCases(std::string_view office, const std::vector<CaseId>& cases);
  // The caseworker for a task on `c`: its office's caseworkers in turn by case id; "" when the
  // case is in no staffed office.
  std::string WorkerFor(CaseId c) const;
  // Whether `worker` is an active caseworker whose caseload holds `c`.
  bool InCaseload(std::string_view worker, CaseId c) const;

 private:
  // The index in offices_ of the office holding `c`, or -1.
  int64_t OfficeOf(CaseId c) const;

  std::vector<std::string> offices_;               // sorted
  std::vector<std::vector<std::string>> workers_;  // per office, sorted by user id
  std::unordered_map<std::string, size_t> office_of_worker_;
  std::vector<std::pair<int64_t, uint32_t>> cases_;  // (case id, office index), by case id
};

}  // namespace cse::enforce
