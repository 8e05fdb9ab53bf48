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
  std::string last_outcome;
  Date last_date;
};

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

ChannelChoice ChooseChannel(const std::vector<ContactAttempt>& history,
                            const std::vector<ChannelTally>& population, Date as_of) {
  std::vector<ContactAttempt> sorted;
  for (const ContactAttempt& a : history) {
    if (a.date <= as_of) sorted.push_back(a);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ContactAttempt& a, const ContactAttempt& b) {
                     return a.date != b.date ? a.date < b.date : a.id < b.id;
                   });
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
      mine.last_outcome = a.outcome;
      mine.last_date = a.date;
    }
    if (!out.reason.empty()) out.reason += "; ";
    out.reason += std::string(channel) + " ";
    if (mine.last_outcome == "opted_out" || mine.last_outcome == "bounced") {
      out.reason += "excluded (" + mine.last_outcome + " " + mine.last_date.ToString() + ")";
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
  if (f.channel == "phone") text = "Call script: " + text;
  if (f.channel == kChannelNone) text = "Letter (no usable sms, email or phone): " + text;
  return text;
}

double Priority(int risk_score, Money at_stake, std::optional<Date> deadline, Date today) {
  const int days = deadline ? std::max(1, DaysBetween(today, *deadline)) : 30;
  const double dollars = static_cast<double>(at_stake.cents()) / 100.0;
  return (risk_score / 100.0) * dollars * (30.0 / days);
}

void SortQueue(std::vector<Task>& tasks) {
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.created != b.created) return a.created < b.created;
    return a.id < b.id;
  });
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

TaskChange RefreshAlert(Task& t, const std::vector<Action>& actions, Date today) {
  if (t.key.starts_with(kCaseAlertPrefix)) {
    return RefreshCaseAlert(t, std::string_view(t.key).substr(t.key.rfind(':') + 1), actions,
                            today);
  }
  const Action* a = FindAction(actions, t.action_id);
  const size_t colon = t.key.rfind(':');
  if (a == nullptr || colon == std::string::npos) return TaskChange::kNone;
  if (AlertStands(std::string_view(t.key).substr(colon + 1), a->state)) return TaskChange::kNone;
  Close(t, today,
        FormatDisplayId("ACT", a->id) + " is now " + std::string(Name(a->state)) + ": moot");
  return TaskChange::kClosed;
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
  t.priority = Priority(t.risk_score, t.amount_at_stake, t.deadline, today);
  return TaskChange::kRepointed;
}

}  // namespace

std::string CaseAlertKey(CaseId c, Date deadline, std::string_view phase) {
  return std::string(kCaseAlertPrefix) + std::to_string(c.value) + ":" + deadline.ToString() + ":" +
         std::string(phase);
}

bool TaskPending(const Task& task, const std::vector<Action>& actions, Date today) {
  Task copy = task;
  return RefreshTask(copy, actions, today) != TaskChange::kClosed;
}

TaskChange RefreshTask(Task& task, const std::vector<Action>& actions, Date today) {
  if (!task.open) return TaskChange::kNone;
  if (task.kind == "review_recommendations") return RefreshReview(task, actions, today);
  if (task.kind == "deadline_alert") return RefreshAlert(task, actions, today);
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
