#include "enforce/workflow.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/ids.h"

namespace cse::enforce {
namespace {

constexpr std::array<std::string_view, 3> kChannels{"sms", "phone", "email"};  // tie order
constexpr std::array<std::string_view, 4> kOutcomes{"reached", "no_answer", "bounced", "opted_out"};

std::string Rate2(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

struct PersonTally {
  int tried = 0;
  int reached = 0;
};

// The attempts dated on or before `as_of`, by date then id.
std::vector<ContactAttempt> SortedUpTo(const std::vector<ContactAttempt>& history, Date as_of) {
  std::vector<ContactAttempt> sorted;
  for (const ContactAttempt& a : history) {
    if (a.date <= as_of) sorted.push_back(a);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ContactAttempt& a, const ContactAttempt& b) {
                     return a.date != b.date ? a.date < b.date : a.id < b.id;
                   });
  return sorted;
}

// The latest opted_out or bounced attempt on `channel` in `sorted` (by date, then id), unless
// an attempt after it on the channel reached the person. Before 2026-12-05 only the channel's
// latest attempt counted, so a later no_answer lifted an earlier opt-out.
const ContactAttempt* ExclusionIn(const std::vector<ContactAttempt>& sorted,
                                  std::string_view channel) {
  const ContactAttempt* exclusion = nullptr;
  for (const ContactAttempt& a : sorted) {
    if (a.channel != channel) continue;
    if (a.outcome == "opted_out" || a.outcome == "bounced") exclusion = &a;
    if (a.outcome == "reached") exclusion = nullptr;
  }
  return exclusion;
}

constexpr std::string_view kCallScriptPrefix = "Call script: ";
constexpr std::string_view kLetterPrefix = "Letter (no usable sms, email or phone): ";

std::string_view MessagePrefix(std::string_view channel) {
  if (channel == "phone") return kCallScriptPrefix;
  if (channel == kChannelNone) return kLetterPrefix;
  return "";
}

}  // namespace

Status ValidateContact(std::string_view channel, std::string_view outcome) {
  if (std::find(kChannels.begin(), kChannels.end(), channel) == kChannels.end()) {
    return InvalidArgument("contact_channel_invalid", "--channel '" + std::string(channel) +
                                                          "' is not one of sms, email, phone");
  }
  if (std::find(kOutcomes.begin(), kOutcomes.end(), outcome) == kOutcomes.end()) {
    return InvalidArgument("contact_outcome_invalid",
                           "--outcome '" + std::string(outcome) +
                               "' is not one of reached, no_answer, bounced, opted_out");
  }
  return Status::Ok();
}

bool ChannelExcluded(const std::vector<ContactAttempt>& history, std::string_view channel,
                     Date as_of) {
  return ExclusionIn(SortedUpTo(history, as_of), channel) != nullptr;
}

ChannelChoice ChooseChannel(const std::vector<ContactAttempt>& history,
                            const std::vector<ChannelTally>& population, Date as_of) {
  const std::vector<ContactAttempt> sorted = SortedUpTo(history, as_of);
  ChannelChoice out;
  out.channel = std::string(kChannelNone);
  double best = -1;
  for (std::string_view channel : kChannels) {
    int64_t pop_tried = 0, pop_reached = 0;
    for (const ChannelTally& t : population) {
      if (t.channel == channel) {
        pop_tried = t.tried;
        pop_reached = t.reached;
      }
    }
    const double prior = static_cast<double>(pop_reached + 1) / static_cast<double>(pop_tried + 2);
    PersonTally mine;
    for (const ContactAttempt& a : sorted) {
      if (a.channel != channel) continue;
      ++mine.tried;
      if (a.outcome == "reached") ++mine.reached;
    }
    if (!out.reason.empty()) out.reason += "; ";
    out.reason += std::string(channel) + " ";
    if (const ContactAttempt* excluded = ExclusionIn(sorted, channel)) {
      out.reason += "excluded (" + excluded->outcome + " " + excluded->date.ToString() + ")";
      continue;
    }
    const double rate =
        (mine.reached + kChannelPriorWeight * prior) / (mine.tried + kChannelPriorWeight);
    out.reason += Rate2(rate) + " (" + std::to_string(mine.reached) + " of " +
                  std::to_string(mine.tried) + " reached; population " + Rate2(prior) + " over " +
                  std::to_string(pop_tried) + ")";
    if (rate > best) {
      best = rate;
      out.channel = std::string(channel);
      out.rate = rate;
    }
  }
  out.reason = out.channel + ": " + out.reason;
  return out;
}

std::string OutreachMessage(const OutreachFacts& f) {
  std::string text = "Hello " + (f.first_name.empty() ? std::string("there") : f.first_name) +
                     ", this is your child support office. Your support of " +
                     f.monthly_support.ToString() + " a month is coming due";
  if (f.arrears.is_positive()) text += ", and " + f.arrears.ToString() + " is past due";
  text +=
      ". If your work or income has changed, contact us now about a payment plan or a review "
      "of your order: we can help before a payment is missed.";
  return std::string(MessagePrefix(f.channel)) + text;
}

std::string RechannelOutreachMessage(std::string_view message, std::string_view channel) {
  for (std::string_view prefix : {kCallScriptPrefix, kLetterPrefix}) {
    if (message.starts_with(prefix)) {
      message.remove_prefix(prefix.size());
      break;
    }
  }
  return std::string(MessagePrefix(channel)) + std::string(message);
}

double Priority(int risk_score, Money at_stake, std::optional<Date> deadline, Date today) {
  const int days = deadline ? std::max(1, DaysBetween(today, *deadline)) : 30;
  const double dollars = static_cast<double>(at_stake.cents()) / 100.0;
  return (risk_score / 100.0) * dollars * (30.0 / days);
}

double QueuePriority(const Task& t, Date today) {
  const int risk =
      t.kind == kDeadlineAlertKind ? std::max(t.risk_score, kAlertRiskFloor) : t.risk_score;
  return Priority(risk, t.amount_at_stake, t.deadline, today);
}

bool RefreshStake(Task& t, const StakeFigures& f, bool case_closed, Date today) {
  if (!t.open) return false;
  Money amount;
  if (t.kind == "review_recommendations" || t.kind == kDeadlineAlertKind) {
    amount = f.arrears;
  } else if (t.kind == "proactive_outreach") {
    amount = f.monthly_support;
  } else {
    return false;
  }
  if (case_closed) amount = Money::Zero();
  const int risk = f.risk_score.value_or(t.risk_score);
  if (amount == t.amount_at_stake && risk == t.risk_score) return false;
  t.amount_at_stake = amount;
  t.risk_score = risk;
  t.priority = QueuePriority(t, today);
  return true;
}

bool LegalDeadlineMissed(const Task& t, Date today) {
  return t.kind == kDeadlineAlertKind && t.deadline && *t.deadline < today &&
         AlertPhase(t.key) != "contest_over";
}

void SortQueue(std::vector<Task>& tasks, Date today) {
  // The sort key of each task, computed once (the comparator then reads no strings).
  struct Keyed {
    bool missed;
    double priority;
    Date deadline;  // none: the latest date, after every deadline
    int64_t cents;
    Date created;
    int64_t id;
    size_t at;
  };
  std::vector<Keyed> keys;
  keys.reserve(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) {
    Task& t = tasks[i];
    t.priority = QueuePriority(t, today);
    keys.push_back({LegalDeadlineMissed(t, today), t.priority, t.deadline ? *t.deadline : MaxDate(),
                    t.amount_at_stake.cents(), t.created, t.id, i});
  }
  std::sort(keys.begin(), keys.end(), [](const Keyed& a, const Keyed& b) {
    if (a.missed != b.missed) return a.missed;
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.deadline != b.deadline) return a.deadline < b.deadline;
    if (a.cents != b.cents) return a.cents > b.cents;
    if (a.created != b.created) return a.created < b.created;
    if (a.id != b.id) return a.id < b.id;
    return a.at < b.at;
  });
  std::vector<Task> sorted;
  sorted.reserve(tasks.size());
  for (const Keyed& k : keys) sorted.push_back(std::move(tasks[k.at]));
  tasks = std::move(sorted);
}

namespace {

const Action* FindAction(const std::vector<Action>& actions, int64_t id) {
  for (const Action& a : actions) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

void Close(Task& t, Date today, std::string reason) {
  t.open = false;
  t.closed_date = today;
  t.closed_reason = std::move(reason);
}

// Whether an alert of `phase` still concerns an action in `state` (nightly.cc DeadlineAlerts).
bool AlertStands(std::string_view phase, ActionState state) {
  if (phase == "near" || phase == "passed") {
    return state == ActionState::kRecommended || state == ActionState::kApproved ||
           state == ActionState::kModified;
  }
  if (phase == "contest_over") return state == ActionState::kNoticeSent;
  if (phase == "review_near" || phase == "review_passed") return state == ActionState::kContested;
  return true;  // a phase this code does not know: left alone
}

// A legal-deadline alert of a case (key "deadline:case-<case>:<deadline>:<phase>",
// nightly.cc DeadlineAlerts): stands while an action of its case with a legal deadline is
// still to be acted on; re-pointed to the first of them when the one it names moved on.
TaskChange RefreshCaseAlert(Task& t, std::string_view phase, const std::vector<Action>& actions,
                            Date today) {
  const Action* first = nullptr;
  for (const Action& a : actions) {
    if (a.case_id != t.case_id || !a.legal_deadline || !AlertStands(phase, a.state)) continue;
    if (a.id == t.action_id) return TaskChange::kNone;
    if (first == nullptr || a.rank < first->rank || (a.rank == first->rank && a.id < first->id)) {
      first = &a;
    }
  }
  if (first == nullptr) {
    Close(t, today, "no action on the case is still to be acted on: moot");
    return TaskChange::kClosed;
  }
  t.action_id = first->id;
  t.recommended = std::string(Name(first->remedy));
  return TaskChange::kRepointed;
}

// The deadline of `a` an alert of `phase` is about, and its name in a closing reason.
std::pair<std::optional<Date>, std::string_view> PhaseDeadline(const Action& a,
                                                               std::string_view phase) {
  if (phase == "contest_over") return {a.contest_deadline, "contest deadline"};
  if (phase == "review_near" || phase == "review_passed") {
    return {a.review_deadline, "review deadline"};
  }
  return {a.legal_deadline, "legal deadline"};
}

TaskChange RefreshAlert(Task& t, const std::vector<Action>& actions, Date today) {
  const std::string_view phase = AlertPhase(t.key);
  if (t.key.starts_with(kCaseAlertPrefix)) return RefreshCaseAlert(t, phase, actions, today);
  const Action* a = FindAction(actions, t.action_id);
  if (a == nullptr || phase.empty()) return TaskChange::kNone;
  if (!AlertStands(phase, a->state)) {
    Close(t, today,
          FormatDisplayId("ACT", a->id) + " is now " + std::string(Name(a->state)) + ": moot");
    return TaskChange::kClosed;
  }
  // A second contest of the action has its own review deadline, and its own alert: the first
  // contest's is superseded.
  const auto [deadline, what] = PhaseDeadline(*a, phase);
  if (t.deadline && deadline && *deadline != *t.deadline) {
    Close(t, today,
          FormatDisplayId("ACT", a->id) + "'s " + std::string(what) + " is now " +
              deadline->ToString() + ": superseded");
    return TaskChange::kClosed;
  }
  return TaskChange::kNone;
}

TaskChange RefreshReview(Task& t, const std::vector<Action>& actions, Date today) {
  std::vector<const Action*> undecided;
  for (const Action& a : actions) {
    if (a.case_id == t.case_id && a.state == ActionState::kRecommended) undecided.push_back(&a);
  }
  if (undecided.empty()) {
    const Action* named = FindAction(actions, t.action_id);
    std::string was;
    if (named != nullptr) {
      was = " (" + FormatDisplayId("ACT", named->id) + " " + std::string(Name(named->state)) + ")";
    }
    Close(t, today, "no recommendation awaits a decision on the case" + was);
    return TaskChange::kClosed;
  }
  // The newest set first, in rank order (one set is under review at a time).
  const Action& top =
      **std::min_element(undecided.begin(), undecided.end(), [](const Action* a, const Action* b) {
        if (a->as_of != b->as_of) return a->as_of > b->as_of;
        if (a->rank != b->rank) return a->rank < b->rank;
        return a->id < b->id;
      });
  if (t.action_id == top.id) return TaskChange::kNone;
  t.action_id = top.id;
  t.recommended = std::string(Name(top.remedy));
  t.message = top.rationale;
  t.deadline = top.legal_deadline;
  t.amount_at_stake = top.amount_at_stake;
  t.priority = QueuePriority(t, today);
  return TaskChange::kRepointed;
}

}  // namespace

std::string CaseAlertKey(CaseId c, Date deadline, std::string_view phase) {
  return std::string(kCaseAlertPrefix) + std::to_string(c.value) + ":" + deadline.ToString() + ":" +
         std::string(phase);
}

std::string ActionAlertKey(int64_t action, Date deadline, std::string_view phase) {
  return std::string(kAlertPrefix) + std::to_string(action) + ":" + deadline.ToString() + ":" +
         std::string(phase);
}

std::string RaisedAgainKey(std::string_view base, Date raised) {
  return std::string(base) + std::string(kRaisedAgainMark) + raised.ToString();
}

std::string_view AlertBaseKey(std::string_view key) {
  return key.substr(0, std::min(key.size(), key.find(kRaisedAgainMark)));
}

std::string_view AlertPhase(std::string_view key) {
  const std::string_view base = AlertBaseKey(key);
  const size_t colon = base.rfind(':');
  return colon == std::string_view::npos ? std::string_view() : base.substr(colon + 1);
}

bool TaskPending(const Task& task, const std::vector<Action>& actions, Date today) {
  Task copy = task;
  return RefreshTask(copy, actions, today) != TaskChange::kClosed;
}

TaskChange RefreshTask(Task& task, const std::vector<Action>& actions, Date today) {
  if (!task.open) return TaskChange::kNone;
  if (task.kind == "review_recommendations") return RefreshReview(task, actions, today);
  if (task.kind == kDeadlineAlertKind) return RefreshAlert(task, actions, today);
  return TaskChange::kNone;
}

void TaskAssignment::AddCaseworker(std::string_view user_id, std::string_view office) {
  if (office.empty()) return;
  auto at = std::lower_bound(offices_.begin(), offices_.end(), office);
  const size_t index = static_cast<size_t>(at - offices_.begin());
  if (at == offices_.end() || *at != office) {
    // A new office: the indexes after it move up by one.
    for (auto& [worker, i] : office_of_worker_) i += i >= index ? 1 : 0;
    offices_.insert(at, std::string(office));
    workers_.insert(workers_.begin() + static_cast<std::ptrdiff_t>(index),
                    std::vector<std::string>());
  }
  std::vector<std::string>& workers = workers_[index];
  workers.insert(std::lower_bound(workers.begin(), workers.end(), user_id), std::string(user_id));
  office_of_worker_[std::string(user_id)] = index;
}

std::vector<std::string> TaskAssignment::StaffedOffices() const { return offices_; }

void TaskAssignment::AddCases(std::string_view office, const std::vector<CaseId>& cases) {
  auto at = std::lower_bound(offices_.begin(), offices_.end(), office);
  if (at == offices_.end() || *at != office) return;
  const auto index = static_cast<uint32_t>(at - offices_.begin());
  const size_t before = cases_.size();
  for (CaseId c : cases) cases_.emplace_back(c.value, index);
  const auto mid = cases_.begin() + static_cast<std::ptrdiff_t>(before);
  if (!std::is_sorted(mid, cases_.end())) std::sort(mid, cases_.end());
  std::inplace_merge(cases_.begin(), mid, cases_.end());
}

int64_t TaskAssignment::OfficeOf(CaseId c) const {
  auto at = std::lower_bound(
      cases_.begin(), cases_.end(), c.value,
      [](const std::pair<int64_t, uint32_t>& entry, int64_t id) { return entry.first < id; });
  if (at == cases_.end() || at->first != c.value) return -1;
  return at->second;
}

std::string TaskAssignment::WorkerFor(CaseId c) const {
  const int64_t office = OfficeOf(c);
  if (office < 0) return "";
  const std::vector<std::string>& workers = workers_[static_cast<size_t>(office)];
  return workers[static_cast<size_t>(c.value) % workers.size()];
}

bool TaskAssignment::InCaseload(std::string_view worker, CaseId c) const {
  auto it = office_of_worker_.find(std::string(worker));
  return it != office_of_worker_.end() && OfficeOf(c) == static_cast<int64_t>(it->second);
}

}  // namespace cse::enforce
