#include "enforce/nightly.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "ai/dataset.h"
#include "enforce/facts.h"
#include "enforce/nba.h"
#include "enforce/workflow.h"
#include "service/audit.h"

namespace cse::enforce {
namespace {

constexpr std::string_view kJob = "nightly";

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
  std::vector<std::string> caseworkers;
  std::string at;
  std::map<std::string, int64_t> counts;
  std::map<std::string, double> seconds;
};

std::string WorkerFor(const RunContext& x, CaseId c) {
  if (x.caseworkers.empty()) return "";
  return x.caseworkers[static_cast<size_t>(c.value) % x.caseworkers.size()];
}

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

// Closes the open outreach tasks payments satisfied; flags those past their follow-up date.
Status ReviewOutreach(RunContext& x, const ai::ObligorHistory& h, std::vector<Task>& tasks,
                      Date as_of, bool& open_outreach) {
  for (Task& t : tasks) {
    if (!t.open || t.kind != "proactive_outreach") continue;
    if (PaidSince(h, t.created, as_of, t.amount_at_stake)) {
      t.open = false;
      t.closed_date = as_of;
      t.closed_reason = "payment received";
      ++x.counts["outreach_closed"];
    } else if (t.follow_up && *t.follow_up <= as_of && !t.flagged) {
      t.flagged = true;
      ++x.counts["follow_up_flags"];
    } else {
      open_outreach = true;
      continue;
    }
    open_outreach = open_outreach || t.open;
    RETURN_IF_ERROR(x.store.UpdateEnforceTask(t));
  }
  return Status::Ok();
}

Status CreateOutreach(RunContext& x, const ai::ObligorHistory& h, const ai::FeatureRow& row,
                      const ai::RiskScore& risk, const Case& primary) {
  ASSIGN_OR_RETURN(Person p, x.store.GetPerson(h.obligor));
  const ChannelChoice channel = ChooseChannel(h.events, x.o.as_of);
  Task t;
  t.key = "outreach:" + std::to_string(h.obligor.value) + ":" + x.o.as_of.ToString();
  t.kind = "proactive_outreach";
  t.case_id = primary.id;
  t.obligor = h.obligor;
  t.worker = WorkerFor(x, primary.id);
  t.created = x.o.as_of;
  t.follow_up = x.o.as_of.AddDays(x.config.workflow.follow_up_days);
  t.risk_score = risk.score;
  t.amount_at_stake = MonthlySupport(row);
  t.priority = Priority(t.risk_score, t.amount_at_stake, std::nullopt, x.o.as_of);
  t.title = "Proactive Outreach";
  t.channel = channel.channel;
  t.message = OutreachMessage(
      {p.first_name, t.amount_at_stake, row.balance.arrears_total, risk.score, channel.channel});
  t.key_factors = FactorsJson(risk.key_factors);
  t.recommended = "outreach (" + channel.reason + ")";
  ASSIGN_OR_RETURN(std::optional<Task> found, x.store.FindEnforceTaskByKey(t.key));
  if (found) return Status::Ok();
  RETURN_IF_ERROR(x.store.InsertEnforceTask(t).status());
  ++x.counts["outreach_tasks"];
  return Status::Ok();
}

Status Recommendations(RunContext& x, const ai::ObligorHistory& h, const ai::FeatureRow& row,
                       const std::optional<ai::RiskScore>& risk, std::optional<Date> since,
                       const std::vector<Task>& tasks) {
  EnforcementService svc(x.store, x.clock, x.actor);
  for (const CaseBook& b : h.books) {
    if (b.info.status != CaseStatus::kOpen || b.orders.empty()) continue;
    RecommendOptions ro;
    ro.as_of = x.o.as_of;
    ro.origin = "nightly";
    ro.scorer = x.o.scorer;
    ro.reference = &x.ref;
    ro.config = &x.config;
    ro.effects = x.effects ? &*x.effects : nullptr;
    ro.risk = risk ? &*risk : nullptr;
    ro.record_score = false;
    ro.delinquent_since = since;
    ro.skip_if_pending = true;
    ASSIGN_OR_RETURN(RecommendResult r, svc.RecommendLoaded(b.info, h, row, ro));
    x.counts["recommendations"] += r.created;
    if (r.actions.empty()) continue;
    const bool reviewing = std::any_of(tasks.begin(), tasks.end(), [&](const Task& t) {
      return t.open && t.kind == "review_recommendations" && t.case_id == b.info.id;
    });
    if (reviewing) continue;
    Task t;
    t.key = "review:" + std::to_string(b.info.id.value) + ":" + x.o.as_of.ToString();
    t.kind = "review_recommendations";
    t.case_id = b.info.id;
    t.obligor = h.obligor;
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
    ASSIGN_OR_RETURN(std::optional<Task> found, x.store.FindEnforceTaskByKey(t.key));
    if (found) continue;
    RETURN_IF_ERROR(x.store.InsertEnforceTask(t).status());
    ++x.counts["review_tasks"];
  }
  return Status::Ok();
}

Status ProcessObligor(RunContext& x, PersonId obligor) {
  const Date as_of = x.o.as_of;
  ai::ObligorHistory h;
  ai::FeatureRow row;
  {
    StageTimer timer(x.seconds["accrue_and_features"]);
    auto loaded = ai::LoadObligorHistory(x.store, obligor);
    if (!loaded.ok() && loaded.status().reason() == "obligor_has_no_case") return Status::Ok();
    if (!loaded.ok()) return loaded.status();
    h = std::move(loaded).value();
    row = ai::ExtractFeatures(h, x.ref, as_of);
  }
  ++x.counts["obligors"];
  if (!ai::IsActive(row)) return Status::Ok();
  ++x.counts["active"];
  const bool delinquent = row.balance.delinquent;
  std::optional<ai::RiskScore> risk;
  if (x.o.scorer) {
    StageTimer timer(x.seconds["score"]);
    risk = x.o.scorer->Predict(row.values);
    const bool high = risk->score > x.config.workflow.outreach_risk_above;
    if (high || delinquent) risk->key_factors = x.o.scorer->Explain(row.values, 3);
    RETURN_IF_ERROR(x.store
                        .InsertRiskScore(MakeScoreRecord(row, *risk, x.o.scorer->version(), obligor,
                                                         CaseId{}, as_of, x.at))
                        .status());
    ++x.counts["scored"];
  }
  if (risk) {
    if (auto overridden = OverriddenScore(h, as_of)) {
      risk->score = *overridden;  // a person's override stands for kScoreOverrideDays
      ++x.counts["score_overrides_used"];
      if (risk->key_factors.empty()) risk->key_factors = x.o.scorer->Explain(row.values, 3);
    }
  }
  StageTimer timer(x.seconds["tasks_and_recommendations"]);
  ASSIGN_OR_RETURN(std::optional<ObligorState> prev, x.store.GetObligorState(obligor));
  const bool was = prev && prev->delinquent;
  std::optional<Date> since;
  if (delinquent) {
    since = was && prev->delinquent_since ? *prev->delinquent_since : as_of;
    ++x.counts["delinquent"];
    if (!was) ++x.counts["new_delinquent"];
  }
  RETURN_IF_ERROR(
      x.store.PutObligorState({obligor, as_of, delinquent, since, risk ? risk->score : 0}));
  ASSIGN_OR_RETURN(std::vector<Task> tasks, x.store.ListEnforceTasksByObligor(obligor));
  bool open_outreach = false;
  RETURN_IF_ERROR(ReviewOutreach(x, h, tasks, as_of, open_outreach));
  const std::optional<Case> primary = PrimaryCase(h);
  if (risk && risk->score > x.config.workflow.outreach_risk_above && primary) {
    ++x.counts["high_risk"];
    if (!open_outreach) RETURN_IF_ERROR(CreateOutreach(x, h, row, *risk, *primary));
  }
  if (delinquent) return Recommendations(x, h, row, risk, since, tasks);
  if (was) {  // no longer delinquent: what it made necessary may be moot
    EnforcementService svc(x.store, x.clock, x.actor);
    ASSIGN_OR_RETURN(std::vector<Action> withdrawn,
                     svc.WithdrawMoot(obligor, as_of, "nightly: no longer delinquent"));
    x.counts["withdrawn"] += static_cast<int64_t>(withdrawn.size());
  }
  return Status::Ok();
}

Task AlertFor(const RunContext& x, const Action& a, const std::string& phase, Date deadline) {
  Task t;
  t.key = "deadline:" + std::to_string(a.id) + ":" + phase;
  t.kind = "deadline_alert";
  t.case_id = a.case_id;
  t.obligor = a.obligor;
  t.worker = WorkerFor(x, a.case_id);
  t.created = x.o.as_of;
  t.risk_score = a.risk_score;
  t.amount_at_stake = a.amount_at_stake;
  t.deadline = deadline;
  t.priority = Priority(std::max(a.risk_score, 50), a.amount_at_stake, deadline, x.o.as_of);
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
  return t;
}

Status DeadlineAlerts(RunContext& x) {
  std::vector<Action> open;
  RETURN_IF_ERROR(x.store.ScanEnforceActions([&](const Action& a) {
    if (!IsFinal(a.state) && a.state != ActionState::kIssued) open.push_back(a);
    return Status::Ok();
  }));
  const Date today = x.o.as_of;
  for (const Action& a : open) {
    std::optional<Task> t;
    const bool undecided = a.state == ActionState::kRecommended ||
                           a.state == ActionState::kApproved || a.state == ActionState::kModified;
    if (undecided && a.legal_deadline) {
      const int days = DaysBetween(today, *a.legal_deadline);
      if (days < 0) t = AlertFor(x, a, "passed", *a.legal_deadline);
      if (days >= 0 && days <= x.config.workflow.alert_before_days) {
        t = AlertFor(x, a, "near", *a.legal_deadline);
      }
    }
    if (a.state == ActionState::kNoticeSent && a.contest_deadline && *a.contest_deadline < today) {
      t = AlertFor(x, a, "contest_over", *a.contest_deadline);
    }
    if (a.state == ActionState::kContested && a.review_deadline &&
        DaysBetween(today, *a.review_deadline) <= x.config.workflow.alert_before_days) {
      t = AlertFor(x, a, *a.review_deadline < today ? "review_passed" : "review_near",
                   *a.review_deadline);
    }
    if (!t) continue;
    ASSIGN_OR_RETURN(std::optional<Task> found, x.store.FindEnforceTaskByKey(t->key));
    if (found) continue;
    RETURN_IF_ERROR(x.store.InsertEnforceTask(*t).status());
    ++x.counts["deadline_alerts"];
  }
  return Status::Ok();
}

Json CountsJson(const RunContext& x) {
  Json j = Json::object();
  for (const auto& [k, v] : x.counts) j[k] = v;
  return j;
}

Result<std::vector<std::string>> Caseworkers(Store& store) {
  ASSIGN_OR_RETURN(std::vector<StaffUser> staff, store.ListStaffUsers());
  std::vector<std::string> out;
  for (const StaffUser& u : staff) {
    if (u.active && u.role == Role::kCaseworker) out.push_back(u.user_id);
  }
  return out;
}

// Checks the date against earlier runs; answers the run to continue (or a fresh one).
Result<BatchRun> StartRun(Store& store, const Clock& clock, Date as_of, NightlyReport& report) {
  if (as_of > clock.Today()) {
    return InvalidArgument("date_in_future", "--as-of " + as_of.ToString() + " is after today " +
                                                 clock.Today().ToString());
  }
  ASSIGN_OR_RETURN(std::optional<BatchRun> last, store.LastBatchRun(kJob));
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

}  // namespace

Result<NightlyReport> RunNightly(Store& store, const Clock& clock, const std::string& actor,
                                 const NightlyOptions& o) {
  NightlyReport report;
  report.as_of = o.as_of;
  ASSIGN_OR_RETURN(BatchRun run, StartRun(store, clock, o.as_of, report));
  RunContext x{store, clock, actor, o, {}, {}, {}, {}, clock.NowIso(), {}, {}};
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
    ASSIGN_OR_RETURN(x.caseworkers, Caseworkers(store));
  }
  std::vector<PersonId> obligors;
  {
    StageTimer timer(x.seconds["list_obligors"]);
    ASSIGN_OR_RETURN(obligors, ai::ListObligors(store));
  }
  auto next = std::upper_bound(obligors.begin(), obligors.end(), PersonId{run.cursor},
                               [](PersonId a, PersonId b) { return a.value < b.value; });
  int64_t chunks = 0;
  while (next != obligors.end()) {
    if (o.max_chunks > 0 && chunks == o.max_chunks) {
      report.counts = x.counts;
      report.seconds = x.seconds;
      return report;  // unfinished: the next run for the date resumes after the cursor
    }
    const auto end = next + std::min<std::ptrdiff_t>(o.obligors_per_chunk, obligors.end() - next);
    RETURN_IF_ERROR(store.Begin());
    Status s = Status::Ok();
    for (auto it = next; it != end && s.ok(); ++it) s = ProcessObligor(x, *it);
    if (s.ok()) {
      StageTimer timer(x.seconds["commit"]);
      run.cursor = (end - 1)->value;
      run.counts_json = CountsJson(x).dump();
      s = store.PutBatchRun(run);
      if (s.ok()) s = store.Commit();
    }
    if (!s.ok()) {
      store.Rollback();
      return s;
    }
    ++chunks;
    ++x.counts["chunks"];
    next = end;
    if (o.progress) {
      o.progress(std::to_string(end - obligors.begin()) + " of " + std::to_string(obligors.size()) +
                 " obligors");
    }
  }
  RETURN_IF_ERROR(store.Begin());
  Status s = Status::Ok();
  {
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

Result<PaymentEffects> OnPaymentPosted(Store& store, const Clock& clock, const std::string& actor,
                                       const ai::RiskScorer* scorer, CaseId case_id, Date date) {
  ASSIGN_OR_RETURN(Case c, store.GetCase(case_id));
  ASSIGN_OR_RETURN(ai::Reference ref, ai::LoadReference(store));
  ASSIGN_OR_RETURN(ai::ObligorHistory h, ai::LoadObligorHistory(store, c.obligor));
  const Date as_of = std::max(date, clock.Today());
  const ai::FeatureRow row = ai::ExtractFeatures(h, ref, as_of);
  PaymentEffects effects;
  RETURN_IF_ERROR(store.Begin());
  const Status s = [&]() -> Status {
    if (scorer && ai::IsActive(row)) {
      effects.risk = scorer->Score(row.values, 3);
      RETURN_IF_ERROR(
          store
              .InsertRiskScore(MakeScoreRecord(row, *effects.risk, scorer->version(), c.obligor,
                                               case_id, as_of, clock.NowIso()))
              .status());
    }
    ASSIGN_OR_RETURN(std::vector<Task> tasks, store.ListEnforceTasksByObligor(c.obligor));
    for (Task& t : tasks) {
      if (!t.open || t.kind != "proactive_outreach") continue;
      if (!PaidSince(h, t.created, as_of, t.amount_at_stake)) continue;
      t.open = false;
      t.closed_date = as_of;
      t.closed_reason = "payment received";
      RETURN_IF_ERROR(store.UpdateEnforceTask(t));
      ++effects.tasks_closed;
    }
    ASSIGN_OR_RETURN(std::optional<ObligorState> state, store.GetObligorState(c.obligor));
    if (state && state->delinquent && !row.balance.delinquent) {
      state->delinquent = false;
      state->delinquent_since.reset();
      RETURN_IF_ERROR(store.PutObligorState(*state));
    }
    EnforcementService svc(store, clock, actor);
    ASSIGN_OR_RETURN(effects.withdrawn, svc.WithdrawMoot(c.obligor, as_of, "payment posted"));
    return AppendAudit(store, clock, actor, "enforce.payment_event", "person",
                       PersonDisplayId(c.obligor), "",
                       Json{{"case_id", CaseDisplayId(case_id)},
                            {"date", date.ToString()},
                            {"risk_score", effects.risk ? Json(effects.risk->score) : Json()},
                            {"tasks_closed", effects.tasks_closed},
                            {"withdrawn", effects.withdrawn.size()}}
                           .dump());
  }();
  if (!s.ok()) {
    store.Rollback();
    return s;
  }
  RETURN_IF_ERROR(store.Commit());
  return effects;
}

}  // namespace cse::enforce
