#include "enforce/nightly.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "ai/dataset.h"
#include "ai/reasons.h"
#include "enforce/eligibility.h"
#include "enforce/facts.h"
#include "enforce/nba.h"
#include "enforce/workflow.h"
#include "service/audit.h"
#include "service/ledger_service.h"
#include "service/staff_rule.h"
#include "storage/transaction.h"

namespace cse::enforce {
namespace {

constexpr std::string_view kJob = "nightly";
// The reason an outreach task closes with once payments satisfied it (the nightly run, the
// payment event), and the one a payment event withdraws moot actions with: what a reversal of
// the payment looks for to undo (WriteReversalEvent).
constexpr std::string_view kPaymentReceived = "payment received";
constexpr std::string_view kPaymentPosted = "payment posted";

// Stage timing for the report and the benchmark only (never business logic): a monotonic
// clock, not the injected Clock.
class StageTimer {
 public:
  explicit StageTimer(double& total) : total_(total), start_(std::chrono::steady_clock::now()) {}
  ~StageTimer() {
    total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

 private:
  double& total_;
  std::chrono::steady_clock::time_point start_;
};

struct RunContext {
  Store& store;
  const Clock& clock;
  const std::string& actor;
  const NightlyOptions& o;
  EnforcementConfig config;
  ai::Reference ref;
  std::optional<EffectivenessTable> effects;
  TaskAssignment assignment;  // read once per run (LoadAssignment)
  std::vector<ChannelTally> population;
  std::string at;
  std::map<std::string, int64_t> counts;
  std::map<std::string, double> seconds;
  // The figures of each obligor with an action still open (by obligor id: the run's order),
  // for the deadline alerts raised after the last chunk (StakeFor). An obligor of a chunk a
  // resumed run had already committed is missing: its alerts stake what the action did.
  std::vector<std::pair<int64_t, StakeFigures>> stakes;
};

std::string WorkerFor(const RunContext& x, CaseId c) { return x.assignment.WorkerFor(c); }

std::string FactorsJson(const std::vector<ai::KeyFactor>& factors) {
  Json a = Json::array();
  for (const ai::KeyFactor& k : factors) {
    a.push_back(Json{{"code", k.code},
                     {"text", k.text},
                     {"direction", k.raises_risk ? "increases_risk" : "decreases_risk"}});
  }
  return a.dump();
}

// Collections received from `from` through `through` (not reversed by then) reach `amount`.
bool PaidSince(const ai::ObligorHistory& h, Date from, Date through, Money amount) {
  Money paid;
  for (const Collection& c : h.collections) {
    if (c.date < from || c.date > through) continue;
    if (c.reversed_date && *c.reversed_date <= through) continue;
    paid += c.amount;
  }
  return amount.is_positive() ? paid >= amount : paid.is_positive();
}

Money MonthlySupport(const ai::FeatureRow& row) {
  Money m;
  for (const CaseBalance& c : row.balance.cases) m += c.monthly_support;
  return m;
}

// The latest score a person set within kScoreOverrideDays before `as_of` (case event
// `score_override`), if any.
std::optional<int> OverriddenScore(const ai::ObligorHistory& h, Date as_of) {
  std::optional<int> score;
  for (const CaseEvent& e : h.events) {  // by date
    if (e.date > as_of) break;
    if (e.kind != "score_override" || DaysBetween(e.date, as_of) > kScoreOverrideDays) continue;
    const size_t at = e.detail.find("score=");
    if (at != 0) continue;
    const int v = std::atoi(e.detail.c_str() + 6);
    if (v >= 1 && v <= 100) score = v;
  }
  return score;
}

// The obligor's first open case with an order: outreach and its worker hang on it.
std::optional<Case> PrimaryCase(const ai::ObligorHistory& h) {
  for (const CaseBook& b : h.books) {
    if (b.info.status == CaseStatus::kOpen && !b.orders.empty()) return b.info;
  }
  return std::nullopt;
}

// What the readers prepare for one obligor, off the writer's thread: the history, the
// features as of the date (one ledger run, which also gives delinquency), the model's score
// with its key factors and the score row to write, and the enforcement records read in bulk.
struct Prepared {
  ai::ObligorHistory h;
  ai::FeatureRow row;
  bool active = false;
  std::optional<ai::RiskScore> risk;  // the model's score (before a person's override)
  std::optional<RiskScoreRecord> score_row;
  std::optional<int> overridden;  // a person's score override in force
  std::optional<ObligorState> prev;
  std::vector<Task> tasks;
  std::vector<Action> actions;
  std::vector<ContactAttempt> contacts;
  // The children's dates of birth (tax offset: a qualified child), read for an obligor with
  // arrears or enforcement actions only: the others have nothing to offset.
  ChildBirthDates births;
  std::string first_name;  // outreach only
  ChannelChoice channel;   // outreach only
};

// One chunk of obligors, prepared; `status` is the reader's error, if any.
struct PreparedChunk {
  std::vector<Prepared> obligors;
  std::map<std::string, double> seconds;  // the reader's stage times
  Status status = Status::Ok();
};

// What the readers share (read-only while they run).
struct ReadContext {
  const NightlyOptions& o;
  const EnforcementConfig& config;
  const ai::Reference& ref;
  std::string at;
  const std::vector<ChannelTally>& population;  // reach rates per channel (ChooseChannel)
};

bool HighRisk(const ReadContext& r, const Prepared& p) {
  if (!p.risk) return false;
  const int score = p.overridden ? *p.overridden : p.risk->score;
  return score > r.config.workflow.outreach_risk_above;
}

// Scores the active obligors of a chunk: predictions and key factors (batched TreeSHAP) for
// all at once, as many factors as `opencse score` gives (RiskScorer::ScoreBatch's default):
// every score row carries its explanation, not only those the workflow acts on.
void ScoreChunk(const ReadContext& r, std::vector<Prepared>& chunk) {
  std::vector<ai::FeatureVector> x;
  std::vector<size_t> who;
  for (size_t i = 0; i < chunk.size(); ++i) {
    if (!chunk[i].active) continue;
    x.push_back(chunk[i].row.values);
    who.push_back(i);
  }
  const std::vector<ai::RiskScore> scores = r.o.scorer->ScoreBatch(x);
  for (size_t k = 0; k < who.size(); ++k) {
    Prepared& p = chunk[who[k]];
    p.risk = scores[k];
    ai::WordFromRow(p.row, p.risk->key_factors);  // exact dollars; "no payment on record"
    p.overridden = OverriddenScore(p.h, r.o.as_of);
    p.score_row = MakeScoreRecord(p.row, *p.risk, r.o.scorer->version(), p.h.obligor, CaseId{},
                                  r.o.as_of, r.at);
  }
}

// Hands each obligor its states, tasks and actions (all sorted by obligor).
void Distribute(EnforceRange&& range, std::vector<Prepared>& chunk) {
  size_t si = 0, ti = 0, ai = 0, ci = 0;
  for (Prepared& p : chunk) {
    const int64_t id = p.h.obligor.value;
    while (si < range.states.size() && range.states[si].obligor.value < id) ++si;
    if (si < range.states.size() && range.states[si].obligor.value == id) {
      p.prev = range.states[si];
    }
    while (ti < range.tasks.size() && range.tasks[ti].obligor.value < id) ++ti;
    for (; ti < range.tasks.size() && range.tasks[ti].obligor.value == id; ++ti) {
      p.tasks.push_back(std::move(range.tasks[ti]));
    }
    while (ai < range.actions.size() && range.actions[ai].obligor.value < id) ++ai;
    for (; ai < range.actions.size() && range.actions[ai].obligor.value == id; ++ai) {
      p.actions.push_back(std::move(range.actions[ai]));
    }
    while (ci < range.contacts.size() && range.contacts[ci].person.value < id) ++ci;
    for (; ci < range.contacts.size() && range.contacts[ci].person.value == id; ++ci) {
      p.contacts.push_back(std::move(range.contacts[ci]));
    }
  }
}

// Reads and prepares obligors [lo, hi) of `obligors` with `reader` (a reader thread's own
// connection, or the writer's store when there are no reader threads).
PreparedChunk PrepareChunk(Store& reader, const ReadContext& r,
                           const std::vector<PersonId>& obligors, size_t lo, size_t hi) {
  PreparedChunk out;
  out.status = [&]() -> Status {
    {
      StageTimer timer(out.seconds["read_and_features"]);
      RETURN_IF_ERROR(ai::ForEachObligorHistory(
          reader, obligors, lo, hi, hi - lo, [&](ai::ObligorHistory&& h) -> Status {
            Prepared p;
            p.h = std::move(h);
            p.row = ai::ExtractFeatures(p.h, r.ref, r.o.as_of);
            p.active = ai::IsActive(p.row);
            out.obligors.push_back(std::move(p));
            return Status::Ok();
          }));
    }
    if (r.o.scorer) {
      StageTimer timer(out.seconds["score_and_explain"]);
      ScoreChunk(r, out.obligors);
    }
    StageTimer timer(out.seconds["read_enforcement_records"]);
    ASSIGN_OR_RETURN(EnforceRange range, reader.LoadEnforceRange(obligors[lo], obligors[hi - 1]));
    Distribute(std::move(range), out.obligors);
    for (Prepared& p : out.obligors) {
      if (!p.row.balance.arrears_total.is_positive() && p.actions.empty()) continue;
      ASSIGN_OR_RETURN(p.births, LoadChildBirthDates(reader, p.h));
    }
    for (Prepared& p : out.obligors) {
      if (!p.active || !HighRisk(r, p) || !PrimaryCase(p.h)) continue;
      ASSIGN_OR_RETURN(Person person, reader.GetPerson(p.h.obligor));
      p.first_name = person.first_name;
      p.channel = ChooseChannel(p.contacts, r.population, r.o.as_of);
    }
    return Status::Ok();
  }();
  return out;
}

bool HasTaskKey(const std::vector<Task>& tasks, const std::string& key) {
  return std::any_of(tasks.begin(), tasks.end(), [&](const Task& t) { return t.key == key; });
}

// Gives open outreach task `t` the channel the contact history now favors when the person
// has opted out of its channel, or it bounced, since it was written (ChannelExcluded), or
// when it was written for a letter and a channel is usable now: the same task, its
// follow-up date and flag kept, with the new channel, message and numbers. Answers whether
// it changed.
bool Rechannel(const RunContext& x, const Prepared& p, Task& t) {
  const bool stale =
      t.channel == kChannelNone ? true : ChannelExcluded(p.contacts, t.channel, x.o.as_of);
  if (!stale) return false;
  const ChannelChoice choice = ChooseChannel(p.contacts, x.population, x.o.as_of);
  if (choice.channel == t.channel) return false;
  t.message = RechannelOutreachMessage(t.message, choice.channel);
  t.channel = choice.channel;
  t.recommended = "outreach (" + choice.reason + ")";
  return true;
}

// Closes the open outreach tasks payments satisfied; flags those past their follow-up date;
// re-chooses the channel of those whose channel the person opted out of (Rechannel).
Status ReviewOutreach(RunContext& x, Prepared& p, bool& open_outreach) {
  const Date as_of = x.o.as_of;
  for (Task& t : p.tasks) {
    if (!t.open || t.kind != "proactive_outreach") continue;
    bool changed = false;
    if (PaidSince(p.h, t.created, as_of, t.amount_at_stake)) {
      t.open = false;
      t.closed_date = as_of;
      t.closed_reason = std::string(kPaymentReceived);
      ++x.counts["outreach_closed"];
      changed = true;
    } else {
      if (Rechannel(x, p, t)) {
        ++x.counts["outreach_rechanneled"];
        changed = true;
      }
      if (t.follow_up && *t.follow_up <= as_of && !t.flagged) {
        t.flagged = true;
        ++x.counts["follow_up_flags"];
        changed = true;
      }
    }
    open_outreach = open_outreach || t.open;
    if (changed) RETURN_IF_ERROR(x.store.UpdateEnforceTask(t));
  }
  return Status::Ok();
}

Status CreateOutreach(RunContext& x, const Prepared& p, const ai::RiskScore& risk,
                      const Case& primary) {
  Task t;
  t.key = "outreach:" + std::to_string(p.h.obligor.value) + ":" + x.o.as_of.ToString();
  if (HasTaskKey(p.tasks, t.key)) return Status::Ok();
  t.kind = "proactive_outreach";
  t.case_id = primary.id;
  t.obligor = p.h.obligor;
  t.worker = WorkerFor(x, primary.id);
  t.created = x.o.as_of;
  t.follow_up = x.o.as_of.AddDays(x.config.workflow.follow_up_days);
  t.risk_score = risk.score;
  t.amount_at_stake = MonthlySupport(p.row);
  t.priority = Priority(t.risk_score, t.amount_at_stake, std::nullopt, x.o.as_of);
  t.title = "Proactive Outreach";
  t.channel = p.channel.channel;
  t.message = OutreachMessage({p.first_name, t.amount_at_stake, p.row.balance.arrears_total,
                               risk.score, p.channel.channel});
  t.key_factors = FactorsJson(risk.key_factors);
  t.recommended = "outreach (" + p.channel.reason + ")";
  RETURN_IF_ERROR(x.store.InsertEnforceTask(t).status());
  ++x.counts["outreach_tasks"];
  return Status::Ok();
}

// The obligor's recommendations on each of its open cases with an order (RecommendLoaded: at
// most max_recommendations, none new while some await a decision, none a recent dismissal holds
// back), and a review task per case that has some and none open. `origin` "nightly" (the run)
// or "reversal" (a payment's reversal event, WriteReversalEvent): the actions' keys begin with
// it, and a reversal's review task key ends with ":reversal" (the day's run may have written
// and closed one under the plain key).
Status Recommendations(RunContext& x, Prepared& p, const std::optional<ai::RiskScore>& risk,
                       std::optional<Date> since, std::string_view origin = "nightly") {
  EnforcementService svc(x.store, x.clock, x.actor);
  // The obligor's actions, with those this run writes on earlier cases: a remedy on the
  // person recommended on one case is not recommended again on the next (IsPersonLevel).
  std::vector<Action> obligor_actions = p.actions;
  for (const CaseBook& b : p.h.books) {
    if (b.info.status != CaseStatus::kOpen || b.orders.empty()) continue;
    std::vector<Action> case_actions;
    for (const Action& a : obligor_actions) {
      if (a.case_id == b.info.id) case_actions.push_back(a);
    }
    RecommendOptions ro;
    ro.as_of = x.o.as_of;
    ro.origin = std::string(origin);
    ro.scorer = x.o.scorer;
    ro.reference = &x.ref;
    ro.config = &x.config;
    ro.effects = x.effects ? &*x.effects : nullptr;
    ro.risk = risk ? &*risk : nullptr;
    ro.record_score = false;
    ro.delinquent_since = since;
    ro.skip_if_pending = true;
    ro.case_actions = &case_actions;
    ro.obligor_actions = &obligor_actions;
    ro.births = &p.births;  // read unless there are no arrears (then none are qualified)
    ASSIGN_OR_RETURN(RecommendResult r, svc.RecommendLoaded(b.info, p.h, p.row, ro));
    x.counts["recommendations"] += r.created;
    for (const Action& a : r.actions) {
      const bool known = std::any_of(obligor_actions.begin(), obligor_actions.end(),
                                     [&](const Action& k) { return k.id == a.id; });
      if (!known) obligor_actions.push_back(a);
    }
    if (r.actions.empty()) continue;
    const bool reviewing = std::any_of(p.tasks.begin(), p.tasks.end(), [&](const Task& t) {
      return t.open && t.kind == "review_recommendations" && t.case_id == b.info.id;
    });
    if (reviewing) continue;
    Task t;
    t.key = "review:" + std::to_string(b.info.id.value) + ":" + x.o.as_of.ToString() +
            (origin == "nightly" ? std::string() : ":" + std::string(origin));
    if (HasTaskKey(p.tasks, t.key)) continue;
    t.kind = "review_recommendations";
    t.case_id = b.info.id;
    t.obligor = p.h.obligor;
    t.worker = WorkerFor(x, b.info.id);
    t.created = x.o.as_of;
    t.risk_score = risk ? risk->score : 0;
    t.amount_at_stake = r.facts.arrears_total;
    t.deadline = r.actions.front().legal_deadline;
    t.priority = Priority(t.risk_score, t.amount_at_stake, t.deadline, x.o.as_of);
    t.title = "Review enforcement recommendations";
    t.message = r.actions.front().rationale;
    t.recommended = std::string(Name(r.actions.front().remedy));
    t.action_id = r.actions.front().id;
    t.key_factors = risk ? FactorsJson(risk->key_factors) : "[]";
    RETURN_IF_ERROR(x.store.InsertEnforceTask(t).status());
    ++x.counts["review_tasks"];
  }
  p.actions = std::move(obligor_actions);  // with this run's: RefreshTasks reads them
  return Status::Ok();
}

// Whether `c` is one of `h`'s cases and closed.
bool CaseClosed(const ai::ObligorHistory& h, CaseId c) {
  return std::any_of(h.books.begin(), h.books.end(), [&](const CaseBook& b) {
    return b.info.id == c && b.info.status == CaseStatus::kClosed;
  });
}

// The obligor's figures as of the history's features `row`: its arrears, its monthly support
// and the day's score (`overridden` when a person's override is in force), if scored.
StakeFigures StakeOf(const ai::FeatureRow& row, const std::optional<ai::RiskScore>& risk,
                     std::optional<int> overridden) {
  StakeFigures f;
  f.arrears = row.balance.arrears_total;
  f.monthly_support = MonthlySupport(row);
  if (risk) f.risk_score = overridden ? *overridden : risk->score;
  return f;
}

// Keeps the obligor's open tasks (`tasks`, as stored) true to its actions and figures as they
// now stand, writing each changed task once:
//   - with `follow` kYes, review tasks and deadline alerts follow the actions (RefreshTask,
//     workflow.h): a review task whose recommendations were all decided, dismissed or
//     withdrawn is closed with the reason, one naming a decided or withdrawn action is
//     re-pointed to the case's undecided ones, an alert whose action moved on is closed
//     (before, a review task stayed open naming a withdrawn action, and the run skipped the
//     case because a review task was open). A payment event that withdrew nothing passes kNo:
//     a person's decision leaves its task to the next run;
//   - then every open task's amount at stake and risk score follow `figures` (RefreshStake,
//     workflow.h; count "tasks_refreshed"): before 2026-12-05 they stayed as the run that
//     wrote the task found them, so an old alert could rank below a newer one for the same
//     debt.
// Only tasks whose row changed are written. Adds to `counts`.
enum class FollowActions { kYes, kNo };
Status RefreshObligorTasks(Store& store, const ai::ObligorHistory& h, std::vector<Task>& tasks,
                           const std::vector<Action>& actions, const StakeFigures& figures,
                           FollowActions follow, Date today,
                           std::map<std::string, int64_t>& counts) {
  for (Task& t : tasks) {
    const Money amount_before = t.amount_at_stake;  // as stored
    const int risk_before = t.risk_score;
    const TaskChange change =
        follow == FollowActions::kYes ? RefreshTask(t, actions, today) : TaskChange::kNone;
    RefreshStake(t, figures, CaseClosed(h, t.case_id), today);
    const bool restaked = t.amount_at_stake != amount_before || t.risk_score != risk_before;
    if (change == TaskChange::kNone && !restaked) continue;
    RETURN_IF_ERROR(store.UpdateEnforceTask(t));
    if (restaked) ++counts["tasks_refreshed"];
    if (change == TaskChange::kRepointed) ++counts["review_tasks_repointed"];
    if (change == TaskChange::kClosed) {
      ++counts[t.kind == "deadline_alert" ? "alerts_closed" : "review_tasks_closed"];
    }
  }
  return Status::Ok();
}

// The obligor's open tasks kept true to its actions (RefreshTask) and to its figures as of
// the run's date (RefreshStake), each changed task written once in the chunk's transaction.
Status RefreshTasks(RunContext& x, Prepared& p) {
  const StakeFigures figures = StakeOf(p.row, p.risk, p.overridden);
  const bool open = std::any_of(p.actions.begin(), p.actions.end(), [](const Action& a) {
    return !IsFinal(a.state) && a.state != ActionState::kIssued;
  });
  if (open) x.stakes.emplace_back(p.h.obligor.value, figures);  // the alert pass reads them
  return RefreshObligorTasks(x.store, p.h, p.tasks, p.actions, figures, FollowActions::kYes,
                             x.o.as_of, x.counts);
}

// Moves each open task whose worker's caseload does not hold its case — a caseworker of
// another office (the earlier rule took the case id modulo every caseworker, whatever their
// office), one no longer active, or nobody while the office now has a caseworker — to the case's
// caseworker (or to nobody). A task its worker can see stays with them, even when a caseworker
// joined the office since: the work already started is not reshuffled.
Status Reassign(RunContext& x, std::vector<Task>& tasks) {
  for (Task& t : tasks) {
    if (!t.open || !t.case_id.valid() || x.assignment.InCaseload(t.worker, t.case_id)) continue;
    std::string worker = WorkerFor(x, t.case_id);
    if (worker == t.worker) continue;  // unassigned, and the office still has no caseworker
    t.worker = std::move(worker);
    RETURN_IF_ERROR(x.store.UpdateEnforceTask(t));
    ++x.counts["tasks_reassigned"];
  }
  return Status::Ok();
}

// Puts each of `changed` in place of the action with its id in `actions`.
void Replace(std::vector<Action>& actions, const std::vector<Action>& changed) {
  for (const Action& c : changed) {
    for (Action& a : actions) {
      if (a.id == c.id) a = c;
    }
  }
}

// The facts EnforcementService::WithdrawMoot judges `a` on (FactsNow: as of the later of
// `as_of` and the action's date, the obligor's other actions counted), from the history `h`
// and its features `row` as of `as_of`, already read. `undecided`: whether the obligor's
// other recommendations nobody has decided count (they do for WithdrawMoot). FactsNow may
// also find a withholding order ended that the features count as active
// (action_service.cc), which only ever makes a remedy eligible: so a remedy these facts make
// eligible, WithdrawMoot leaves alone.
enum class Undecided { kCount, kIgnore };
EligibilityFacts FactsFor(const ai::ObligorHistory& h, const ChildBirthDates& births,
                          const ai::FeatureRow& row, Date as_of, const ai::Reference& ref,
                          const Action& a, const std::vector<Action>& actions,
                          Undecided undecided) {
  const Date on = std::max(as_of, a.as_of);
  std::vector<Action> others;
  for (const Action& o : actions) {
    if (o.id == a.id) continue;
    if (undecided == Undecided::kIgnore && o.state == ActionState::kRecommended) continue;
    others.push_back(o);
  }
  if (on == as_of) return GatherFacts(h, ref, births, row, a.case_id, others, on);
  return GatherFacts(h, ref, births, ai::ExtractFeatures(h, ref, on), a.case_id, others, on);
}

// For a delinquent obligor whose recommendations nobody has decided yet (state recommended)
// include one that eligibility no longer supports on the run's date: EnforcementService::
// WithdrawMoot, which judges every open action of the obligor on facts read afresh and
// withdraws, with its audit row, those no longer supported, as the payment event does. A
// payment whose event never ran (an import stopped before its enforcement pass) leaves such
// recommendations open: before, only an obligor no longer delinquent had them withdrawn, so
// e.g. a license suspension refused as "paid_recently" stayed in the queue.
// The check here is the rule on the facts the run already holds (CheckEligibility as of the
// later of the run's date and the action's), so that no other obligor costs a read; other
// undecided recommendations do not count against one (two of a remedy on the person,
// recommended on two cases before the nightly recommended it on one only, would otherwise
// each block the other). WithdrawMoot decides.
Status WithdrawIneligible(RunContext& x, Prepared& p) {
  const Date as_of = x.o.as_of;
  const bool any = std::any_of(p.actions.begin(), p.actions.end(), [&](const Action& a) {
    if (a.state != ActionState::kRecommended) return false;
    const EligibilityFacts facts =
        FactsFor(p.h, p.births, p.row, as_of, x.ref, a, p.actions, Undecided::kIgnore);
    return !CheckEligibility(a.remedy, x.config, facts).eligible;
  });
  if (!any) return Status::Ok();
  EnforcementService svc(x.store, x.clock, x.actor);
  ASSIGN_OR_RETURN(std::vector<Action> withdrawn,
                   svc.WithdrawMoot(p.h.obligor, as_of, "nightly: no longer eligible",
                                    EnforcementService::TaskSync::kLeave));
  Replace(p.actions, withdrawn);  // Recommendations sees them withdrawn
  x.counts["withdrawn_ineligible"] += static_cast<int64_t>(withdrawn.size());
  return Status::Ok();
}

// What a case closing leaves to the obligor's run, active or not (an obligor whose every case
// is closed is no longer active, and the rest of its run is skipped): its open outreach tasks
// on a closed case are closed ("the case is closed"), and its open actions on a closed case
// are withdrawn as no longer eligible (EnforcementService::WithdrawMoot), so that RefreshTasks
// closes their review tasks and alerts. Before 2026-12-05 an outreach task stayed open, and
// was flagged for follow-up, after its case closed (say, on the obligor's death).
Status CloseClosedCaseWork(RunContext& x, Prepared& p) {
  for (Task& t : p.tasks) {
    if (!t.open || t.kind != "proactive_outreach" || !CaseClosed(p.h, t.case_id)) continue;
    t.open = false;
    t.closed_date = x.o.as_of;
    t.closed_reason = "the case is closed (" + CaseDisplayId(t.case_id) + ")";
    RETURN_IF_ERROR(x.store.UpdateEnforceTask(t));
    ++x.counts["outreach_closed"];
  }
  const bool moot = std::any_of(p.actions.begin(), p.actions.end(), [&](const Action& a) {
    return IsOpen(a) && CaseClosed(p.h, a.case_id);
  });
  if (!moot) return Status::Ok();
  EnforcementService svc(x.store, x.clock, x.actor);
  ASSIGN_OR_RETURN(std::vector<Action> withdrawn,
                   svc.WithdrawMoot(p.h.obligor, x.o.as_of, "nightly: no longer eligible",
                                    EnforcementService::TaskSync::kLeave));
  Replace(p.actions, withdrawn);
  x.counts["withdrawn_ineligible"] += static_cast<int64_t>(withdrawn.size());
  return Status::Ok();
}

// The day the delinquency of an obligor delinquent on `as_of` began, given its state as last
// recorded (`prev`): the start `prev` records when it was delinquent (the delinquency goes on),
// else `as_of` (a new delinquency). The one rule of the nightly run and of a payment's reversal
// (RestoreDelinquency).
Date DelinquencyStart(const std::optional<ObligorState>& prev, Date as_of) {
  const bool was = prev && prev->delinquent;
  return was && prev->delinquent_since ? *prev->delinquent_since : as_of;
}

// The writer's part for one obligor: open tasks to their case's caseworker, the score row,
// the delinquency state, outreach, and recommendations or withdrawals.
Status ApplyObligorRecords(RunContext& x, Prepared& p) {
  const Date as_of = x.o.as_of;
  const PersonId obligor = p.h.obligor;
  ++x.counts["obligors"];
  RETURN_IF_ERROR(Reassign(x, p.tasks));
  RETURN_IF_ERROR(CloseClosedCaseWork(x, p));
  if (!p.active) return Status::Ok();
  ++x.counts["active"];
  const bool delinquent = p.row.balance.delinquent;
  std::optional<ai::RiskScore> risk = p.risk;
  if (p.score_row) {
    RETURN_IF_ERROR(x.store.InsertRiskScore(*p.score_row).status());
    ++x.counts["scored"];
  }
  if (risk && p.overridden) {
    risk->score = *p.overridden;  // a person's override stands for kScoreOverrideDays
    ++x.counts["score_overrides_used"];
  }
  const bool was = p.prev && p.prev->delinquent;
  std::optional<Date> since;
  if (delinquent) {
    since = DelinquencyStart(p.prev, as_of);
    ++x.counts["delinquent"];
    if (!was) ++x.counts["new_delinquent"];
  }
  RETURN_IF_ERROR(
      x.store.PutObligorState({obligor, as_of, delinquent, since, risk ? risk->score : 0}));
  bool open_outreach = false;
  RETURN_IF_ERROR(ReviewOutreach(x, p, open_outreach));
  const std::optional<Case> primary = PrimaryCase(p.h);
  if (risk && risk->score > x.config.workflow.outreach_risk_above && primary) {
    ++x.counts["high_risk"];
    if (!open_outreach) RETURN_IF_ERROR(CreateOutreach(x, p, *risk, *primary));
  }
  if (delinquent) {
    RETURN_IF_ERROR(WithdrawIneligible(x, p));
    return Recommendations(x, p, risk, since);
  }
  if (was) {  // no longer delinquent: what it made necessary may be moot
    EnforcementService svc(x.store, x.clock, x.actor);
    ASSIGN_OR_RETURN(std::vector<Action> withdrawn,
                     svc.WithdrawMoot(obligor, as_of, "nightly: no longer delinquent",
                                      EnforcementService::TaskSync::kLeave));
    x.counts["withdrawn"] += static_cast<int64_t>(withdrawn.size());
    Replace(p.actions, withdrawn);
  }
  return Status::Ok();
}

// The obligor's records, then its tasks kept true to the actions as they now stand.
Status ApplyObligor(RunContext& x, Prepared& p) {
  RETURN_IF_ERROR(ApplyObligorRecords(x, p));
  return RefreshTasks(x, p);
}

// A new alert's amount at stake and risk: its obligor's figures as this run found them
// (RefreshStake), as the next run would set them; without them (a resumed run's earlier
// chunk), its actions'. Sets the priority (the risk at least kAlertRiskFloor).
void StakeFor(const RunContext& x, Task& t) {
  const auto at = std::lower_bound(
      x.stakes.begin(), x.stakes.end(), t.obligor.value,
      [](const std::pair<int64_t, StakeFigures>& e, int64_t id) { return e.first < id; });
  if (at != x.stakes.end() && at->first == t.obligor.value) {
    RefreshStake(t, at->second, false, x.o.as_of);
  }
  t.priority = QueuePriority(t, x.o.as_of);
}

Task AlertFor(const RunContext& x, const Action& a, const std::string& phase, Date deadline) {
  Task t;
  t.key = ActionAlertKey(a.id, deadline, phase);
  t.kind = std::string(kDeadlineAlertKind);
  t.case_id = a.case_id;
  t.obligor = a.obligor;
  t.worker = WorkerFor(x, a.case_id);
  t.created = x.o.as_of;
  t.risk_score = a.risk_score;
  t.amount_at_stake = a.amount_at_stake;
  t.deadline = deadline;
  t.recommended = std::string(Name(a.remedy));
  t.action_id = a.id;
  t.key_factors = "[]";
  const std::string id = ActionDisplayId(a.id) + " (" + std::string(Name(a.remedy)) + ")";
  if (phase == "review_near" || phase == "review_passed") {
    t.title =
        phase == "review_passed" ? "Administrative review overdue" : "Administrative review due";
    t.message = id + ": the contest filed " +
                (a.contest_filed ? a.contest_filed->ToString() : std::string("?")) +
                " must be decided by " + deadline.ToString() + " (45 CFR 303.72: 45 days).";
  } else if (phase == "contest_over") {
    t.title = "Contest window over: ready to issue";
    t.message = id + ": the contest window ended " + deadline.ToString() + "; issue or withdraw.";
  } else {
    t.title = phase == "passed" ? "Legal deadline passed" : "Legal deadline near";
    t.message = id + " must be acted on by " + deadline.ToString() +
                " (45 CFR 303.6: 30 days from delinquency, 60 with service of process); it is " +
                std::string(Name(a.state)) + ".";
  }
  StakeFor(x, t);
  return t;
}

// A case's legal-deadline alert: one per case (not per remedy), about every action of the
// case still to be acted on (`racing`, first in rank first), by the earliest of their
// deadlines. Keyed by case, deadline and phase (CaseAlertKey).
Task CaseAlertFor(const RunContext& x, const std::vector<const Action*>& racing,
                  const std::string& phase, Date deadline) {
  Task t = AlertFor(x, *racing.front(), phase, deadline);
  t.key = CaseAlertKey(racing.front()->case_id, deadline, phase);
  std::string ids;
  std::string states;
  for (const Action* a : racing) {
    ids += (ids.empty() ? "" : ", ") + ActionDisplayId(a->id) + " (" +
           std::string(Name(a->remedy)) + ")";
    const std::string state(Name(a->state));
    if (states.find(state) == std::string::npos) states += (states.empty() ? "" : "/") + state;
    t.amount_at_stake = std::max(t.amount_at_stake, a->amount_at_stake);
    t.risk_score = std::max(t.risk_score, a->risk_score);
  }
  StakeFor(x, t);
  t.message = ids + (racing.size() == 1 ? " must" : ": each must") + " be acted on by " +
              deadline.ToString() +
              " (45 CFR 303.6: 30 days from delinquency, 60 with service of process); " +
              (racing.size() == 1 ? "it is " : "they are ") + states + ".";
  return t;
}

// The situation an alert is about: its base key (AlertBaseKey), with a per-action key of
// before 2026-12-05 ("deadline:<action>:<phase>") read as ActionAlertKey(action, its deadline,
// phase).
std::string AlertSituation(const Task& t) {
  const std::string_view base = AlertBaseKey(t.key);
  if (base.starts_with(kCaseAlertPrefix) || !t.deadline) return std::string(base);
  return ActionAlertKey(t.action_id, *t.deadline, AlertPhase(base));
}

// The open deadline alerts, read once at the start of the alert pass (one scan of the open
// tasks), and kept up to date by it.
struct OpenAlerts {
  std::map<std::string, Task> by_situation;             // AlertSituation
  std::set<std::pair<int64_t, std::string>> by_action;  // (action, phase) of per-action alerts
};

Result<OpenAlerts> LoadOpenAlerts(Store& store) {
  ASSIGN_OR_RETURN(std::vector<Task> tasks, store.ListOpenEnforceTasks(""));
  OpenAlerts out;
  for (Task& t : tasks) {
    if (t.kind != kDeadlineAlertKind) continue;
    if (!t.key.starts_with(kCaseAlertPrefix)) {
      out.by_action.emplace(t.action_id, std::string(AlertPhase(t.key)));
    }
    std::string situation = AlertSituation(t);
    out.by_situation.emplace(std::move(situation), std::move(t));
  }
  return out;
}

// Raises the alert `t` (its key the situation's: CaseAlertKey, ActionAlertKey) unless an open
// alert is about the same situation. A key no task has: inserted under it. A key a closed
// alert has — the situation recurs after its alert was closed (a case reopened with new
// recommendations racing the same missed deadline; a notice back from an upheld contest) —:
// inserted under RaisedAgainKey(key, the run's date) (count "alerts_raised_again"), unless
// that is taken too (the same day: a resumed run). Before 2026-12-05 a closed alert's key
// stopped the alert for good.
Status RaiseAlert(RunContext& x, OpenAlerts& open, Task t) {
  const std::string situation = t.key;
  if (open.by_situation.count(situation) > 0) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<Task> found, x.store.FindEnforceTaskByKey(t.key));
  if (found) {
    if (found->open) return Status::Ok();
    t.key = RaisedAgainKey(situation, x.o.as_of);
    ASSIGN_OR_RETURN(std::optional<Task> again, x.store.FindEnforceTaskByKey(t.key));
    if (again) return Status::Ok();
    ++x.counts["alerts_raised_again"];
  }
  ASSIGN_OR_RETURN(t.id, x.store.InsertEnforceTask(t));
  ++x.counts["deadline_alerts"];
  open.by_situation.emplace(situation, std::move(t));
  return Status::Ok();
}

// Closes the open alert about `situation`, if any: its deadline passed and the alert saying
// so stands ("Legal deadline near" once "Legal deadline passed" is raised, "Administrative
// review due" once it is overdue). Before 2026-12-05 both stayed open for the same deadline.
Status CloseSupersededAlert(RunContext& x, OpenAlerts& open, const std::string& situation,
                            const std::string& title_now) {
  auto it = open.by_situation.find(situation);
  if (it == open.by_situation.end()) return Status::Ok();
  Task& t = it->second;
  t.open = false;
  t.closed_date = x.o.as_of;
  t.closed_reason = "the deadline " + (t.deadline ? t.deadline->ToString() : std::string("?")) +
                    " passed: superseded by \"" + title_now + "\"";
  RETURN_IF_ERROR(x.store.UpdateEnforceTask(t));
  open.by_situation.erase(it);
  ++x.counts["alerts_closed"];
  return Status::Ok();
}

// The legal-deadline alerts ("near", "passed"): per case, over its actions still to be acted
// on (recommended, approved, modified) that carry a deadline, by the earliest one.
Status LegalDeadlineAlerts(RunContext& x, OpenAlerts& alerts, const std::vector<Action>& open) {
  std::map<int64_t, std::vector<const Action*>> by_case;
  for (const Action& a : open) {
    const bool undecided = a.state == ActionState::kRecommended ||
                           a.state == ActionState::kApproved || a.state == ActionState::kModified;
    if (undecided && a.legal_deadline) by_case[a.case_id.value].push_back(&a);
  }
  const Date today = x.o.as_of;
  for (auto& [case_id, racing] : by_case) {
    std::stable_sort(racing.begin(), racing.end(), [](const Action* a, const Action* b) {
      if (a->rank != b->rank) return a->rank < b->rank;
      return a->id < b->id;
    });
    Date deadline = *racing.front()->legal_deadline;
    for (const Action* a : racing) deadline = std::min(deadline, *a->legal_deadline);
    const int days = DaysBetween(today, deadline);
    if (days > x.config.workflow.alert_before_days) continue;
    const std::string phase = days < 0 ? "passed" : "near";
    // An open alert about one of the actions from before the alerts were one per case
    // stands instead of the case's.
    const bool earlier = std::any_of(racing.begin(), racing.end(), [&](const Action* a) {
      return alerts.by_action.count({a->id, phase}) > 0;
    });
    if (!earlier) RETURN_IF_ERROR(RaiseAlert(x, alerts, CaseAlertFor(x, racing, phase, deadline)));
    if (phase != "passed") continue;
    RETURN_IF_ERROR(CloseSupersededAlert(x, alerts, CaseAlertKey(CaseId{case_id}, deadline, "near"),
                                         "Legal deadline passed"));
    for (const Action* a : racing) {
      RETURN_IF_ERROR(CloseSupersededAlert(
          x, alerts, ActionAlertKey(a->id, *a->legal_deadline, "near"), "Legal deadline passed"));
    }
  }
  return Status::Ok();
}

Status DeadlineAlerts(RunContext& x) {
  std::vector<Action> open;
  RETURN_IF_ERROR(x.store.ScanEnforceActions([&](const Action& a) {
    if (!IsFinal(a.state) && a.state != ActionState::kIssued) open.push_back(a);
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(OpenAlerts alerts, LoadOpenAlerts(x.store));
  RETURN_IF_ERROR(LegalDeadlineAlerts(x, alerts, open));
  const Date today = x.o.as_of;
  for (const Action& a : open) {
    if (a.state == ActionState::kNoticeSent && a.contest_deadline && *a.contest_deadline < today) {
      RETURN_IF_ERROR(RaiseAlert(x, alerts, AlertFor(x, a, "contest_over", *a.contest_deadline)));
    }
    if (a.state != ActionState::kContested || !a.review_deadline ||
        DaysBetween(today, *a.review_deadline) > x.config.workflow.alert_before_days) {
      continue;
    }
    const bool passed = *a.review_deadline < today;
    RETURN_IF_ERROR(RaiseAlert(
        x, alerts, AlertFor(x, a, passed ? "review_passed" : "review_near", *a.review_deadline)));
    if (passed) {
      RETURN_IF_ERROR(CloseSupersededAlert(x, alerts,
                                           ActionAlertKey(a.id, *a.review_deadline, "review_near"),
                                           "Administrative review overdue"));
    }
  }
  return Status::Ok();
}

Json CountsJson(const RunContext& x) {
  Json j = Json::object();
  for (const auto& [k, v] : x.counts) j[k] = v;
  return j;
}

// Who works each case's tasks in this run (workflow.h TaskAssignment): the active
// caseworkers with their offices (one read per caseworker), then the case ids of each office
// that has one (one indexed read per office), so no task needs a read of its own.
Result<TaskAssignment> LoadAssignment(Store& store) {
  ASSIGN_OR_RETURN(TaskAssignment out, LoadCaseworkers(store));
  for (const std::string& office : out.StaffedOffices()) {
    ASSIGN_OR_RETURN(std::vector<CaseId> cases,
                     store.ListCaseIdsInOffice(office, 0, std::numeric_limits<int64_t>::max()));
    out.AddCases(office, cases);
  }
  return out;
}

// Checks the date against earlier runs; answers the run to continue (or a fresh one).
// `last`: the last stored run, as read.
Result<BatchRun> StartRun(Store& store, const Clock& clock, Date as_of, NightlyReport& report,
                          std::optional<BatchRun>& last) {
  if (as_of > clock.Today()) {
    return InvalidArgument("date_in_future", "--as-of " + as_of.ToString() + " is after today " +
                                                 clock.Today().ToString());
  }
  ASSIGN_OR_RETURN(last, store.LastBatchRun(kJob));
  if (last && as_of < last->as_of) {
    return FailedPrecondition("batch_date_before_last_run",
                              "the last nightly run was for " + last->as_of.ToString() +
                                  "; a run for an earlier date (" + as_of.ToString() +
                                  ") would act on stale facts");
  }
  if (last && as_of > last->as_of && last->status != "done") {
    return FailedPrecondition("batch_previous_unfinished",
                              "the run for " + last->as_of.ToString() +
                                  " did not finish; run it again to resume it first");
  }
  BatchRun run;
  run.as_of = as_of;
  run.status = "running";
  run.started_at = clock.NowIso();
  run.counts_json = "{}";
  if (last && last->as_of == as_of) {
    run = *last;
    report.already_done = last->status == "done";
    report.resumed = !report.already_done;
  }
  return run;
}

// Inside a write transaction: the last stored run is still `expected` (what this run read
// at its start, or last wrote). Two runs started together (two processes) each read the
// same row; the one that commits first changes it, and the other stops here before it
// writes anything (before, it went on and failed on the first task key the other had
// written: unique_violation). Errors: aborted "batch_running"; the store's.
Status CheckRunUnchanged(Store& store, const std::optional<BatchRun>& expected, Date as_of) {
  ASSIGN_OR_RETURN(std::optional<BatchRun> now, store.LastBatchRun(kJob));
  const auto same = [](const BatchRun& a, const BatchRun& b) {
    return a.as_of == b.as_of && a.status == b.status && a.cursor == b.cursor;
  };
  if (expected.has_value() == now.has_value() && (!now || same(*now, *expected))) {
    return Status::Ok();
  }
  std::string state = "is running";
  if (now && now->status == "done") state = "is done";
  return Aborted("batch_running",
                 "another `batch nightly` has written to this database since this run for " +
                     as_of.ToString() + " read its progress (the nightly run for " +
                     (now ? now->as_of.ToString() : std::string("?")) + " " + state +
                     "); this run stopped before writing anything more. Run the command again "
                     "once the other has finished: it answers the stored counts, or resumes the "
                     "run");
}

// Writes one prepared chunk in one transaction, with the resume cursor; `expected` is the
// stored run this run last read or wrote (CheckRunUnchanged), `run` once committed.
Status WriteChunk(RunContext& x, BatchRun& run, std::optional<BatchRun>& expected,
                  PreparedChunk& chunk, PersonId last) {
  RETURN_IF_ERROR(x.store.Begin());
  Status s = CheckRunUnchanged(x.store, expected, run.as_of);
  {
    StageTimer timer(x.seconds["write_scores_tasks_recommendations"]);
    for (size_t i = 0; i < chunk.obligors.size() && s.ok(); ++i) {
      s = ApplyObligor(x, chunk.obligors[i]);
    }
  }
  if (s.ok()) {
    StageTimer timer(x.seconds["commit"]);
    ++x.counts["chunks"];
    run.cursor = last.value;
    run.counts_json = CountsJson(x).dump();
    s = x.store.PutBatchRun(run);
    if (s.ok()) s = x.store.Commit();
    if (!s.ok()) --x.counts["chunks"];
  }
  if (!s.ok()) {
    x.store.Rollback();  // nothing when a failed commit has already rolled back
    return s;
  }
  expected = run;
  return s;
}

// Hands the writer the prepared chunks in order. With reader threads, each thread reads on
// its own connection (SQLite WAL: readers do not block the one writer) and prepares whole
// chunks ahead, at most kLookaheadChunks beyond the one being written; chunks cover disjoint
// obligors, so what the writer commits for one chunk never changes what a reader reads for
// another. Without reader threads the writer's store prepares each chunk when it is asked for.
class ChunkSource {
 public:
  static constexpr size_t kLookaheadChunks = 4;

  ChunkSource(Store& store, const ReadContext& rc, const std::vector<PersonId>& obligors,
              size_t first, size_t chunk)
      : store_(store), rc_(rc), obligors_(obligors), first_(first), chunk_(chunk) {}
  ~ChunkSource() { Stop(); }
  ChunkSource(const ChunkSource&) = delete;
  ChunkSource& operator=(const ChunkSource&) = delete;

  // Opens `threads` reader connections with `open` and starts the threads (none when
  // `threads` is 0 or `open` is empty). Errors: `open`'s.
  Status Start(int threads, const std::function<Result<std::unique_ptr<Store>>()>& open) {
    if (threads <= 0 || !open) return Status::Ok();
    for (int t = 0; t < threads; ++t) {
      ASSIGN_OR_RETURN(std::unique_ptr<Store> reader, open());
      readers_.push_back(std::move(reader));
    }
    for (auto& reader : readers_) {
      threads_.emplace_back([this, r = reader.get()] { ReadLoop(*r); });
    }
    return Status::Ok();
  }

  // The next chunk in order (blocks until a reader has prepared it).
  PreparedChunk Next() {
    const size_t index = written_;
    if (threads_.empty()) {
      ++written_;
      const size_t lo = first_ + index * chunk_;
      return PrepareChunk(store_, rc_, obligors_, lo, std::min(obligors_.size(), lo + chunk_));
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return ready_.count(index) > 0; });
    PreparedChunk out = std::move(ready_.at(index));
    ready_.erase(index);
    ++written_;
    cv_.notify_all();
    return out;
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    readers_.clear();
  }

 private:
  size_t Chunks() const { return (obligors_.size() - first_ + chunk_ - 1) / chunk_; }

  void ReadLoop(Store& reader) {
    for (;;) {
      size_t index = 0;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || claimed_ < written_ + kLookaheadChunks; });
        if (stop_ || claimed_ >= Chunks()) return;
        index = claimed_++;
      }
      const size_t lo = first_ + index * chunk_;
      PreparedChunk prepared =
          PrepareChunk(reader, rc_, obligors_, lo, std::min(obligors_.size(), lo + chunk_));
      {
        std::lock_guard<std::mutex> lock(mu_);
        ready_.emplace(index, std::move(prepared));
      }
      cv_.notify_all();
    }
  }

  Store& store_;
  const ReadContext& rc_;
  const std::vector<PersonId>& obligors_;
  const size_t first_;
  const size_t chunk_;
  std::vector<std::unique_ptr<Store>> readers_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<size_t, PreparedChunk> ready_;  // by chunk index
  size_t claimed_ = 0;                     // chunks handed to readers
  size_t written_ = 0;                     // chunks handed to the writer
  bool stop_ = false;
};

}  // namespace

Result<NightlyReport> RunNightly(Store& store, const Clock& clock, const std::string& actor,
                                 const NightlyOptions& o) {
  NightlyReport report;
  report.as_of = o.as_of;
  std::optional<BatchRun> expected;  // the stored run as this run last read or wrote it
  ASSIGN_OR_RETURN(BatchRun run, StartRun(store, clock, o.as_of, report, expected));
  RunContext x{store, clock, actor, o, {}, {}, {}, {}, {}, clock.NowIso(), {}, {}, {}};
  const Json stored = Json::parse(run.counts_json, nullptr, false);
  if (stored.is_object()) {
    for (const auto& [k, v] : stored.items()) x.counts[k] = v.get<int64_t>();
  }
  report.counts = x.counts;
  if (report.already_done) {
    report.finished = true;
    return report;
  }
  {
    StageTimer timer(x.seconds["load_reference"]);
    ASSIGN_OR_RETURN(x.config, LoadEnforcementConfig(store));
    ASSIGN_OR_RETURN(x.ref, ai::LoadReference(store));
    ASSIGN_OR_RETURN(x.effects, LoadEffectTable(store));
    ASSIGN_OR_RETURN(x.assignment, LoadAssignment(store));
    ASSIGN_OR_RETURN(x.population, store.TallyContactAttempts(o.as_of));
  }
  std::vector<PersonId> obligors;
  {
    StageTimer timer(x.seconds["list_obligors"]);
    ASSIGN_OR_RETURN(obligors, ai::ListObligors(store));
  }
  const size_t first = static_cast<size_t>(
      std::upper_bound(obligors.begin(), obligors.end(), PersonId{run.cursor},
                       [](PersonId a, PersonId b) { return a.value < b.value; }) -
      obligors.begin());
  const ReadContext rc{o, x.config, x.ref, x.at, x.population};
  ChunkSource source(store, rc, obligors, first, static_cast<size_t>(o.obligors_per_chunk));
  RETURN_IF_ERROR(source.Start(o.reader_threads, o.open_reader));
  int64_t chunks = 0;
  for (size_t lo = first; lo < obligors.size(); lo += static_cast<size_t>(o.obligors_per_chunk)) {
    if (o.max_chunks > 0 && chunks == o.max_chunks) {
      source.Stop();
      report.counts = x.counts;
      report.seconds = x.seconds;
      return report;  // unfinished: the next run for the date resumes after the cursor
    }
    const size_t hi = std::min(obligors.size(), lo + static_cast<size_t>(o.obligors_per_chunk));
    PreparedChunk chunk;
    {
      StageTimer timer(x.seconds["writer_waiting_for_readers"]);
      chunk = source.Next();
    }
    for (const auto& [k, v] : chunk.seconds) x.seconds[k] += v;
    Status s = chunk.status;
    if (s.ok()) s = WriteChunk(x, run, expected, chunk, obligors[hi - 1]);
    if (!s.ok()) {
      source.Stop();
      return s;
    }
    ++chunks;
    if (o.progress) {
      o.progress(std::to_string(hi) + " of " + std::to_string(obligors.size()) + " obligors");
    }
  }
  source.Stop();
  RETURN_IF_ERROR(store.Begin());
  Status s = CheckRunUnchanged(store, expected, o.as_of);
  if (s.ok()) {
    StageTimer timer(x.seconds["deadline_alerts"]);
    s = DeadlineAlerts(x);
  }
  if (s.ok()) {
    run.status = "done";
    run.finished_at = clock.NowIso();
    run.counts_json = CountsJson(x).dump();
    s = store.PutBatchRun(run);
  }
  if (s.ok()) {
    s = AppendAudit(store, clock, actor, "batch.nightly", "batch_run", o.as_of.ToString(), "",
                    Json{{"as_of", o.as_of.ToString()},
                         {"model_version", o.scorer ? o.scorer->version() : ""},
                         {"counts", CountsJson(x)}}
                        .dump());
  }
  if (s.ok()) s = store.Commit();
  if (!s.ok()) {
    store.Rollback();
    return s;
  }
  report.finished = true;
  report.counts = x.counts;
  report.seconds = x.seconds;
  return report;
}

namespace {

// A payment event read and scored, ready to write: the obligor's history (with the payment),
// its features as of the event's date and the model's score.
struct PreparedEvent {
  CaseId case_id;
  Date date;   // the payment's
  Date as_of;  // the later of the payment's date and today
  ai::ObligorHistory h;
  ChildBirthDates births;  // the children's dates of birth (LoadChildBirthDates)
  ai::FeatureRow row;
  std::optional<ai::RiskScore> risk;
};

// The part of a payment event that needs no write lock.
Result<PreparedEvent> PrepareEvent(Store& store, const Clock& clock, const ai::RiskScorer* scorer,
                                   const ai::Reference& ref, CaseId case_id, ai::ObligorHistory&& h,
                                   Date date) {
  PreparedEvent e;
  e.case_id = case_id;
  e.date = date;
  e.as_of = std::max(date, clock.Today());
  e.h = std::move(h);
  e.row = ai::ExtractFeatures(e.h, ref, e.as_of);
  // Without arrears nothing is offset (and MayBeMoot finds the obligor not delinquent).
  if (e.row.balance.arrears_total.is_positive()) {
    ASSIGN_OR_RETURN(e.births, LoadChildBirthDates(store, e.h));
  }
  if (scorer && ai::IsActive(e.row)) e.risk = scorer->Score(e.row);  // `score`'s factors
  return e;
}

// What a payment event needs read once (per pass).
struct EventContext {
  ai::Reference ref;
  EnforcementConfig config;
};

Result<EventContext> LoadEventContext(Store& store) {
  EventContext c;
  ASSIGN_OR_RETURN(c.ref, ai::LoadReference(store));
  ASSIGN_OR_RETURN(c.config, LoadEnforcementConfig(store));
  return c;
}

// True when WithdrawMoot may withdraw one of `actions` (the obligor's) after the payment `e`:
// an open one that eligibility, or delinquency, no longer supports on the facts already read
// (FactsFor). WithdrawMoot reads every open action's facts afresh (its history and the
// reference data, about 1 ms each on the demo database): this keeps those reads, inside the
// write lock, to the obligors it has something to do for.
bool MayBeMoot(const PreparedEvent& e, const EventContext& c, const std::vector<Action>& actions) {
  return std::any_of(actions.begin(), actions.end(), [&](const Action& a) {
    if (!IsOpen(a)) return false;
    const EligibilityFacts facts =
        FactsFor(e.h, e.births, e.row, e.as_of, c.ref, a, actions, Undecided::kCount);
    return !(CheckEligibility(a.remedy, c.config, facts).eligible && facts.delinquent);
  });
}

// Records the event's score, when it has one, in the caller's transaction.
Status InsertEventScore(Store& store, const Clock& clock, const ai::RiskScorer* scorer,
                        const PreparedEvent& e) {
  if (!e.risk) return Status::Ok();
  return store
      .InsertRiskScore(MakeScoreRecord(e.row, *e.risk, scorer->version(), e.h.obligor, e.case_id,
                                       e.as_of, clock.NowIso()))
      .status();
}

// The effects of the payment `e` for its obligor, in a transaction (a savepoint inside the
// caller's) of their own.
Result<PaymentEffects> WriteEvent(Store& store, const Clock& clock, const std::string& actor,
                                  const ai::RiskScorer* scorer, const EventContext& c,
                                  const PreparedEvent& e) {
  const ai::ObligorHistory& h = e.h;
  return InTransaction(store, [&]() -> Result<PaymentEffects> {
    PaymentEffects effects;
    effects.risk = e.risk;
    RETURN_IF_ERROR(InsertEventScore(store, clock, scorer, e));
    ASSIGN_OR_RETURN(std::vector<Task> tasks, store.ListEnforceTasksByObligor(h.obligor));
    for (Task& t : tasks) {
      if (!t.open || t.kind != "proactive_outreach") continue;
      if (!PaidSince(h, t.created, e.as_of, t.amount_at_stake)) continue;
      t.open = false;
      t.closed_date = e.as_of;
      t.closed_reason = std::string(kPaymentReceived);
      RETURN_IF_ERROR(store.UpdateEnforceTask(t));
      ++effects.tasks_closed;
    }
    ASSIGN_OR_RETURN(std::optional<ObligorState> state, store.GetObligorState(h.obligor));
    if (state && state->delinquent && !e.row.balance.delinquent) {
      // The start of the delinquency the payment ended stays (no reader counts it while the
      // state is not delinquent; the next nightly run clears it): a reversal of the payment
      // puts the delinquency back with it (RestoreDelinquency). Before 2026-12-05 it was reset.
      state->delinquent = false;
      RETURN_IF_ERROR(store.PutObligorState(*state));
    }
    ASSIGN_OR_RETURN(std::vector<Action> actions, store.ListEnforceActionsByObligor(h.obligor));
    if (MayBeMoot(e, c, actions)) {
      EnforcementService svc(store, clock, actor);
      ASSIGN_OR_RETURN(effects.withdrawn,
                       svc.WithdrawMoot(h.obligor, e.as_of, std::string(kPaymentPosted),
                                        EnforcementService::TaskSync::kLeave));
      Replace(actions, effects.withdrawn);
    }
    // The obligor's open tasks: those about withdrawn actions closed or re-pointed (as
    // WithdrawMoot's own task sync did), every one's amount at stake and risk as of the event
    // (RefreshStake), each changed task written once.
    std::map<std::string, int64_t> counts;
    const FollowActions follow =
        effects.withdrawn.empty() ? FollowActions::kNo : FollowActions::kYes;
    RETURN_IF_ERROR(RefreshObligorTasks(store, h, tasks, actions,
                                        StakeOf(e.row, e.risk, OverriddenScore(h, e.as_of)), follow,
                                        e.as_of, counts));
    effects.tasks_refreshed = counts["tasks_refreshed"];
    RETURN_IF_ERROR(AppendAudit(
        store, clock, actor, "enforce.payment_event", "person", PersonDisplayId(h.obligor), "",
        Json{{"case_id", CaseDisplayId(e.case_id)},
             {"date", e.date.ToString()},
             {"risk_score", effects.risk ? Json(effects.risk->score) : Json()},
             {"tasks_closed", effects.tasks_closed},
             {"tasks_refreshed", effects.tasks_refreshed},
             {"withdrawn", effects.withdrawn.size()}}
            .dump()));
    return effects;
  });
}

// The payment a reversal event is about, read before the write lock: the reversed collection,
// and whether, had it stood, the obligor would not be delinquent as of the event (`cured`:
// the payment, not something since, ended the delinquency).
struct ReversedPayment {
  Collection paid;
  bool cured = false;
};

// The outreach task the reversed payment had satisfied, reopened: one closed "payment
// received" (by a payment event or a nightly run) with the payment received between the task's
// creation and its closing, on an open case, that the payments since its creation no longer
// satisfy once the payment is reversed (PaidSince on the history after the reversal, as of the
// event). At most one, the latest created, and none while another outreach task is open (one
// open outreach task per obligor). A task closed for another reason (a closed case, a person)
// stays closed. Each reopened task is added to `reopened` with what it was closed with.
Status ReopenOutreach(Store& store, const PreparedEvent& e, const Collection& paid,
                      std::vector<Task>& tasks, Json& reopened) {
  const bool open = std::any_of(tasks.begin(), tasks.end(), [](const Task& t) {
    return t.open && t.kind == "proactive_outreach";
  });
  if (open) return Status::Ok();
  Task* latest = nullptr;
  for (Task& t : tasks) {
    if (t.open || t.kind != "proactive_outreach" || t.closed_reason != kPaymentReceived) continue;
    if (!t.closed_date || paid.date < t.created || paid.date > *t.closed_date) continue;
    if (CaseClosed(e.h, t.case_id) || PaidSince(e.h, t.created, e.as_of, t.amount_at_stake)) {
      continue;
    }
    if (!latest || std::tie(t.created, t.id) > std::tie(latest->created, latest->id)) latest = &t;
  }
  if (!latest) return Status::Ok();
  reopened.push_back(Json{{"task_id", latest->id},
                          {"key", latest->key},
                          {"was_closed", latest->closed_date->ToString()},
                          {"was_closed_reason", latest->closed_reason}});
  latest->open = true;
  latest->closed_date.reset();
  latest->closed_reason.clear();
  return store.UpdateEnforceTask(*latest);
}

// The obligor's delinquency state set again when the reversal of the payment makes it
// delinquent: the state records it not delinquent, the ledger after the reversal is, and with
// the payment it would not be (`cured`). The start is the nightly run's rule (DelinquencyStart)
// applied to the state as the payment event found it: a payment event that ended the
// delinquency keeps its start (WriteEvent), so with no nightly run since, the delinquency goes
// on from its first day (the legal deadline and a dismissal's hold count from it, as if the
// payment had never been received); once a run has recorded the obligor current, it is a new
// delinquency as of the event. The state's date and score stay (the last run's). Answers the
// state as it now stands (none when the obligor has none: no run has seen it) and sets
// `restored` to the start when it set the state.
Result<std::optional<ObligorState>> RestoreDelinquency(Store& store, const PreparedEvent& e,
                                                       bool cured, std::optional<Date>& restored) {
  ASSIGN_OR_RETURN(std::optional<ObligorState> state, store.GetObligorState(e.h.obligor));
  if (!state || state->delinquent || !e.row.balance.delinquent || !cured) return state;
  std::optional<ObligorState> found = state;  // as the payment event found it
  found->delinquent = found->delinquent_since.has_value();
  state->delinquent = true;
  state->delinquent_since = DelinquencyStart(found, e.as_of);
  RETURN_IF_ERROR(store.PutObligorState(*state));
  restored = state->delinquent_since;
  return state;
}

// Whether a payment event withdrew one of the obligor's `actions` (the reason kPaymentPosted)
// on or after the reversed payment's date that eligibility supports again, the obligor
// delinquent, on the facts after the reversal (FactsFor, as MayBeMoot judges the other way).
bool DueAgain(const PreparedEvent& e, const EventContext& c, const Collection& paid,
              const std::vector<Action>& actions) {
  if (!e.row.balance.delinquent) return false;
  return std::any_of(actions.begin(), actions.end(), [&](const Action& a) {
    if (a.state != ActionState::kWithdrawn || !a.closed_date || *a.closed_date < paid.date) {
      return false;
    }
    if (!a.last_note.starts_with(std::string(kPaymentPosted) + ":")) return false;
    const EligibilityFacts facts =
        FactsFor(e.h, e.births, e.row, e.as_of, c.ref, a, actions, Undecided::kCount);
    return facts.delinquent && CheckEligibility(a.remedy, c.config, facts).eligible;
  });
}

// Who works the tasks of the obligor's cases (TaskAssignment with only those cases: one read
// per case instead of the nightly run's every office).
Result<TaskAssignment> ObligorAssignment(Store& store, const ai::ObligorHistory& h) {
  ASSIGN_OR_RETURN(TaskAssignment out, LoadCaseworkers(store));
  const std::vector<std::string> staffed = out.StaffedOffices();
  std::map<std::string, std::vector<CaseId>> by_office;
  for (const CaseBook& b : h.books) {
    ASSIGN_OR_RETURN(const std::string office, store.CaseOffice(b.info.id));
    if (std::binary_search(staffed.begin(), staffed.end(), office)) {
      by_office[office].push_back(b.info.id);
    }
  }
  for (auto& [office, cases] : by_office) out.AddCases(office, cases);
  return out;
}

// Fresh recommendations for the obligor after the reversal, by the nightly run's step
// (Recommendations, origin "reversal") as of the event, the legal deadline counted from
// `since`: never a withdrawn action brought back (withdrawn is final, and a person's decision
// on one stands), and nothing a recent dismissal holds back. Appends the new actions to
// `recommended`; `actions` becomes the obligor's actions with them.
Status RecommendAgain(Store& store, const Clock& clock, const std::string& actor,
                      const ai::RiskScorer* scorer, const EventContext& c, const PreparedEvent& e,
                      Date since, const std::vector<Task>& tasks, std::vector<Action>& actions,
                      std::vector<Action>& recommended) {
  NightlyOptions o;
  o.as_of = e.as_of;
  o.scorer = scorer;
  RunContext x{store, clock, actor, o, c.config, c.ref, {}, {}, {}, clock.NowIso(), {}, {}, {}};
  ASSIGN_OR_RETURN(x.effects, LoadEffectTable(store));
  ASSIGN_OR_RETURN(x.assignment, ObligorAssignment(store, e.h));
  Prepared p;
  p.h = e.h;
  p.row = e.row;
  p.active = true;
  p.births = e.births;
  p.tasks = tasks;
  p.actions = actions;
  std::optional<ai::RiskScore> risk = e.risk;
  if (const std::optional<int> overridden = OverriddenScore(e.h, e.as_of); risk && overridden) {
    risk->score = *overridden;  // as the nightly run ranks with it
  }
  RETURN_IF_ERROR(Recommendations(x, p, risk, since, "reversal"));
  for (const Action& a : p.actions) {
    const bool known =
        std::any_of(actions.begin(), actions.end(), [&](const Action& k) { return k.id == a.id; });
    if (!known) recommended.push_back(a);
  }
  actions = std::move(p.actions);
  return Status::Ok();
}

// The effects of the reversal `e` of the payment `r` for its obligor, in a transaction of their
// own (OnPaymentReversed): the score; the outreach task the payment had satisfied reopened
// (ReopenOutreach); the delinquency state set again (RestoreDelinquency); fresh
// recommendations when a payment event withdrew some that are due again (DueAgain,
// RecommendAgain), with the review tasks and alerts about the obligor's actions kept true to
// them; every open task's stake. One audit row "enforce.reversal_event".
Result<PaymentEffects> WriteReversalEvent(Store& store, const Clock& clock,
                                          const std::string& actor, const ai::RiskScorer* scorer,
                                          const EventContext& c, const PreparedEvent& e,
                                          const ReversedPayment& r) {
  const ai::ObligorHistory& h = e.h;
  return InTransaction(store, [&]() -> Result<PaymentEffects> {
    PaymentEffects effects;
    effects.risk = e.risk;
    RETURN_IF_ERROR(InsertEventScore(store, clock, scorer, e));
    ASSIGN_OR_RETURN(std::vector<Task> tasks, store.ListEnforceTasksByObligor(h.obligor));
    Json reopened = Json::array();
    RETURN_IF_ERROR(ReopenOutreach(store, e, r.paid, tasks, reopened));
    effects.tasks_reopened = static_cast<int64_t>(reopened.size());
    ASSIGN_OR_RETURN(const std::optional<ObligorState> state,
                     RestoreDelinquency(store, e, r.cured, effects.delinquency_restored));
    ASSIGN_OR_RETURN(std::vector<Action> actions, store.ListEnforceActionsByObligor(h.obligor));
    if (DueAgain(e, c, r.paid, actions)) {
      RETURN_IF_ERROR(RecommendAgain(store, clock, actor, scorer, c, e,
                                     DelinquencyStart(state, e.as_of), tasks, actions,
                                     effects.recommended));
    }
    // New recommendations: the review tasks and alerts follow the actions (as the payment
    // event's withdrawals make them), in the same pass that restakes every open task.
    std::map<std::string, int64_t> counts;
    const FollowActions follow =
        effects.recommended.empty() ? FollowActions::kNo : FollowActions::kYes;
    RETURN_IF_ERROR(RefreshObligorTasks(store, h, tasks, actions,
                                        StakeOf(e.row, e.risk, OverriddenScore(h, e.as_of)), follow,
                                        e.as_of, counts));
    effects.tasks_refreshed = counts["tasks_refreshed"];
    Json recommended = Json::array();
    for (const Action& a : effects.recommended) recommended.push_back(ActionDisplayId(a.id));
    RETURN_IF_ERROR(AppendAudit(
        store, clock, actor, "enforce.reversal_event", "person", PersonDisplayId(h.obligor), "",
        Json{{"case_id", CaseDisplayId(e.case_id)},
             {"date", e.date.ToString()},
             {"key", r.paid.idempotency_key},
             {"risk_score", effects.risk ? Json(effects.risk->score) : Json()},
             {"tasks_refreshed", effects.tasks_refreshed},
             {"tasks_reopened", effects.tasks_reopened},
             {"reopened", reopened},
             {"reopen_reason", "payment reversed: " + r.paid.idempotency_key},
             {"delinquency_restored", effects.delinquency_restored
                                          ? Json(effects.delinquency_restored->ToString())
                                          : Json()},
             {"recommended", recommended}}
            .dump()));
    return effects;
  });
}

// One event per obligor of `posted`: its latest payment date, with that payment's case
// (by obligor id, so in id order). Errors: not_found "case_not_found".
Result<std::map<int64_t, std::pair<CaseId, Date>>> LatestPaymentPerObligor(
    Store& store, const std::vector<std::pair<CaseId, Date>>& posted) {
  std::vector<CaseId> case_ids;
  case_ids.reserve(posted.size());
  for (const auto& [case_id, date] : posted) case_ids.push_back(case_id);
  std::sort(case_ids.begin(), case_ids.end());
  case_ids.erase(std::unique(case_ids.begin(), case_ids.end()), case_ids.end());
  ASSIGN_OR_RETURN(const std::vector<Case> cases, GetCasesListed(store, case_ids));
  std::unordered_map<int64_t, PersonId> obligor_of;  // by case id
  for (const Case& c : cases) obligor_of.emplace(c.id.value, c.obligor);
  std::map<int64_t, std::pair<CaseId, Date>> latest;  // by obligor id
  for (const auto& [case_id, date] : posted) {
    auto obligor = obligor_of.find(case_id.value);
    if (obligor == obligor_of.end()) {
      return NotFound("case_not_found", CaseDisplayId(case_id) + " does not exist");
    }
    auto it = latest.find(obligor->second.value);
    if (it == latest.end() || it->second.second < date) {
      latest[obligor->second.value] = {case_id, date};
    }
  }
  return latest;
}

// Writes prepared events in transactions bounded by time, paced (OnPaymentsPosted).
class PacedEventWriter {
 public:
  PacedEventWriter(Store& store, const Clock& clock, const std::string& actor,
                   const ai::RiskScorer* scorer, const EventContext& context,
                   const PaymentEventPacing& pacing, BulkPaymentEffects& out)
      : store_(store),
        clock_(clock),
        actor_(actor),
        scorer_(scorer),
        context_(context),
        pacing_(pacing),
        pacer_(pacing.pause, pacing.commit_after),
        out_(out) {}
  // Rolls back a transaction left open by an error.
  ~PacedEventWriter() {
    if (open_) store_.Rollback();
  }
  PacedEventWriter(const PacedEventWriter&) = delete;
  PacedEventWriter& operator=(const PacedEventWriter&) = delete;

  // Writes `e`, in the open transaction or a new one (after the pause); commits when the
  // transaction has held the lock for commit_after or holds kPaymentEventsPerCommit events.
  Status Write(const PreparedEvent& e) {
    if (!open_) {
      pacer_.BeforeBegin();
      RETURN_IF_ERROR(store_.Begin());
      open_ = true;
      began_ = std::chrono::steady_clock::now();
      in_transaction_ = 0;
    }
    ASSIGN_OR_RETURN(PaymentEffects effects,
                     WriteEvent(store_, clock_, actor_, scorer_, context_, e));
    ++out_.obligors;
    if (effects.risk) ++out_.rescored;
    out_.tasks_closed += effects.tasks_closed;
    out_.tasks_refreshed += effects.tasks_refreshed;
    out_.withdrawn += static_cast<int64_t>(effects.withdrawn.size());
    ++in_transaction_;
    const bool long_enough = std::chrono::steady_clock::now() - began_ >= pacing_.commit_after;
    if (long_enough || in_transaction_ >= kPaymentEventsPerCommit) return Commit();
    return Status::Ok();
  }
  // Commits the open transaction, if any (a failed commit has rolled it back).
  Status Commit() {
    if (!open_) return Status::Ok();
    open_ = false;
    const Status s = store_.Commit();
    pacer_.Committed();
    out_.paused_seconds = pacer_.slept_seconds();
    if (s.ok()) ++out_.transactions;
    return s;
  }

 private:
  Store& store_;
  const Clock& clock_;
  const std::string& actor_;
  const ai::RiskScorer* scorer_;
  const EventContext& context_;
  const PaymentEventPacing& pacing_;
  WritePacer pacer_;
  BulkPaymentEffects& out_;
  bool open_ = false;
  std::chrono::steady_clock::time_point began_;
  int64_t in_transaction_ = 0;
};

}  // namespace

Json PaymentEffectsJson(const PaymentEffects& e, const Status& unusable) {
  Json withdrawn = Json::array();
  Json withdrawn_actions = Json::array();  // the same actions, for a reader without queue.read
  for (const Action& a : e.withdrawn) {
    withdrawn.push_back(ActionDisplayId(a.id));
    withdrawn_actions.push_back(Json{{"id", ActionDisplayId(a.id)},
                                     {"case_id", CaseDisplayId(a.case_id)},
                                     {"remedy", Name(a.remedy)},
                                     {"reason", a.last_note}});
  }
  Json recommended = Json::array();
  for (const Action& a : e.recommended) recommended.push_back(ActionDisplayId(a.id));
  return Json{
      {"risk_score_100", e.risk ? Json(e.risk->score) : Json(nullptr)},
      {"risk_tier", e.risk ? Json(std::string(ai::Name(e.risk->tier))) : Json(nullptr)},
      {"withdrawn_actions", withdrawn_actions},
      {"outreach_tasks_closed", e.tasks_closed},
      {"tasks_refreshed", e.tasks_refreshed},
      {"withdrawn", withdrawn},
      {"outreach_tasks_reopened", e.tasks_reopened},
      {"delinquency_restored",
       e.delinquency_restored ? Json(e.delinquency_restored->ToString()) : Json(nullptr)},
      {"recommended", recommended},
      {"model_unusable",
       unusable.ok() ? Json(nullptr) : Json(unusable.reason() + ": " + unusable.message())}};
}

Result<PaymentEffects> OnPaymentPosted(Store& store, const Clock& clock, const std::string& actor,
                                       const ai::RiskScorer* scorer, CaseId case_id, Date date) {
  ASSIGN_OR_RETURN(const EventContext context, LoadEventContext(store));
  ASSIGN_OR_RETURN(Case c, store.GetCase(case_id));
  ASSIGN_OR_RETURN(ai::ObligorHistory h, ai::LoadObligorHistory(store, c.obligor));
  ASSIGN_OR_RETURN(PreparedEvent e,
                   PrepareEvent(store, clock, scorer, context.ref, case_id, std::move(h), date));
  return WriteEvent(store, clock, actor, scorer, context, e);
}

Result<PaymentEffects> OnPaymentReversed(Store& store, const Clock& clock, const std::string& actor,
                                         const ai::RiskScorer* scorer, const std::string& key,
                                         Date date) {
  ASSIGN_OR_RETURN(std::optional<StoredCollection> reversed, store.FindCollectionByKey(key));
  if (!reversed) return NotFound("collection_not_found", "no payment with key '" + key + "'");
  const CaseId case_id = reversed->collection.case_id;
  ASSIGN_OR_RETURN(const EventContext context, LoadEventContext(store));
  ASSIGN_OR_RETURN(Case c, store.GetCase(case_id));
  ASSIGN_OR_RETURN(ai::ObligorHistory h, ai::LoadObligorHistory(store, c.obligor));
  ASSIGN_OR_RETURN(PreparedEvent e,
                   PrepareEvent(store, clock, scorer, context.ref, case_id, std::move(h), date));
  ReversedPayment r{reversed->collection, false};
  // Whether the payment, had it stood, would leave the obligor current as of the event: the
  // same history with it not reversed (one more ledger run, outside the write lock).
  ai::ObligorHistory with = e.h;
  for (Collection& k : with.collections) {
    if (k.id == r.paid.id) k.reversed_date.reset();
  }
  r.cured = !ai::ExtractFeatures(with, context.ref, e.as_of).balance.delinquent;
  return WriteReversalEvent(store, clock, actor, scorer, context, e, r);
}

Result<BulkPaymentEffects> OnPaymentsPosted(Store& store, const Clock& clock,
                                            const std::string& actor, const ai::RiskScorer* scorer,
                                            const std::vector<std::pair<CaseId, Date>>& posted,
                                            const PaymentEventPacing& pacing) {
  BulkPaymentEffects out;
  if (posted.empty()) return out;
  ASSIGN_OR_RETURN(const auto latest, LatestPaymentPerObligor(store, posted));
  std::vector<PersonId> obligors;
  obligors.reserve(latest.size());
  for (const auto& entry : latest) obligors.push_back(PersonId{entry.first});
  ASSIGN_OR_RETURN(const EventContext context, LoadEventContext(store));
  // kPaymentEventsPerCommit obligors at a time: their histories with one list read per table
  // (instead of about ten reads per obligor), their features and scores, all before the write
  // lock is taken; then their writes in paced transactions. (One commit, and fsync, per
  // obligor once made this pass most of an import's time: 59,297 obligors, 59,329 fdatasync
  // calls.)
  PacedEventWriter writer(store, clock, actor, scorer, context, pacing, out);
  std::vector<PreparedEvent> group;
  for (size_t lo = 0; lo < obligors.size(); lo += static_cast<size_t>(kPaymentEventsPerCommit)) {
    const size_t hi = std::min(obligors.size(), lo + static_cast<size_t>(kPaymentEventsPerCommit));
    const std::vector<PersonId> slice(obligors.begin() + static_cast<std::ptrdiff_t>(lo),
                                      obligors.begin() + static_cast<std::ptrdiff_t>(hi));
    group.clear();
    RETURN_IF_ERROR(ai::ForEachListedObligorHistory(
        store, slice, slice.size(), [&](ai::ObligorHistory&& h) -> Status {
          const auto [case_id, date] = latest.at(h.obligor.value);
          ASSIGN_OR_RETURN(PreparedEvent e, PrepareEvent(store, clock, scorer, context.ref, case_id,
                                                         std::move(h), date));
          group.push_back(std::move(e));
          return Status::Ok();
        }));
    for (const PreparedEvent& e : group) RETURN_IF_ERROR(writer.Write(e));
    RETURN_IF_ERROR(writer.Commit());  // nothing is read or scored inside a transaction
  }
  return out;
}

Result<std::vector<QueueItem>> LoadTaskQueue(Store& store, const QueueScope& scope, Date today) {
  std::vector<Task> tasks;  // none for no worker: ListOpenEnforceTasks("") is every task
  if (!scope.worker.empty()) {
    ASSIGN_OR_RETURN(tasks, store.ListOpenEnforceTasks(scope.worker));
  }
  if (scope.unassigned) {
    ASSIGN_OR_RETURN(std::vector<Task> all, store.ListOpenEnforceTasks(""));
    for (Task& t : all) {
      if (t.worker.empty()) tasks.push_back(std::move(t));
    }
  }
  if (!scope.office.empty()) {
    // The caseload as a set of case ids (one query) rather than one office lookup per task: a
    // caseworker's queue can hold tens of thousands of tasks.
    ASSIGN_OR_RETURN(
        std::vector<CaseId> ids,
        store.ListCaseIdsInOffice(scope.office, 0, std::numeric_limits<int64_t>::max()));
    std::unordered_set<int64_t> in_office;
    in_office.reserve(ids.size());
    for (CaseId id : ids) in_office.insert(id.value);
    std::erase_if(tasks, [&](const Task& t) {
      return t.case_id.valid() && in_office.count(t.case_id.value) == 0;
    });
  }
  SortQueue(tasks, today);
  // The actions of each case of a task about actions (one indexed read per case).
  std::unordered_map<int64_t, std::vector<Action>> case_actions;
  for (const Task& t : tasks) {
    if (t.kind != "review_recommendations" && t.kind != kDeadlineAlertKind) continue;
    if (!t.case_id.valid() || case_actions.count(t.case_id.value)) continue;
    ASSIGN_OR_RETURN(case_actions[t.case_id.value], store.ListEnforceActionsByCase(t.case_id));
  }
  // A closed case's tasks are closed by the next nightly run (CloseClosedCaseWork); the queue
  // leaves them out at once, as it does any task the run would close (QA: a closed case's
  // review task stayed first in the queue, its approvals refused as case_closed).
  std::vector<CaseId> task_cases;
  for (const Task& t : tasks) {
    if (t.case_id.valid()) task_cases.push_back(t.case_id);
  }
  std::sort(task_cases.begin(), task_cases.end());
  task_cases.erase(std::unique(task_cases.begin(), task_cases.end()), task_cases.end());
  std::unordered_set<int64_t> closed;
  ASSIGN_OR_RETURN(const std::vector<Case> found, GetCasesListed(store, task_cases));
  for (const Case& c : found) {
    if (c.status == CaseStatus::kClosed) closed.insert(c.id.value);
  }
  std::vector<QueueItem> out;
  out.reserve(tasks.size());
  for (Task& t : tasks) {
    const auto actions = case_actions.find(t.case_id.value);
    const bool listed = closed.count(t.case_id.value) == 0 &&
                        (actions == case_actions.end() || TaskPending(t, actions->second, today));
    out.push_back(QueueItem{std::move(t), listed});
  }
  return out;
}

}  // namespace cse::enforce
