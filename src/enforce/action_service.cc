#include "enforce/action_service.h"

#include <algorithm>
#include <cmath>

#include "core/text.h"
#include "crypto/sha256.h"
#include "domain/validate.h"
#include "enforce/facts.h"
#include "enforce/nba.h"
#include "enforce/workflow.h"
#include "iwo/newhire.h"
#include "service/audit.h"
#include "service/staff_rule.h"
#include "storage/transaction.h"

namespace cse::enforce {
namespace {

Json OptDate(const std::optional<Date>& d) { return d ? Json(d->ToString()) : Json(nullptr); }

bool NeedsReason(Transition t) {
  return t == Transition::kDismiss || t == Transition::kModify || t == Transition::kWithdraw ||
         t == Transition::kContest || t == Transition::kDecideContest;
}

bool ValidUserId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '@';
  });
}

// The latest step already recorded on an action (the recommendation's facts, the decision,
// the notice, a contest, the issue), with its name. A later step may not be dated before it:
// a notice dated before the approval would open a contest window that has already run.
std::pair<const char*, Date> LatestStep(const Action& a) {
  std::pair<const char*, Date> latest{"recommendation (as of)", a.as_of};
  const auto later = [&](const char* name, const std::optional<Date>& d) {
    if (d && *d > latest.second) latest = {name, *d};
  };
  if (a.decided_at.size() >= 10) {
    auto decided = Date::Parse(std::string_view(a.decided_at).substr(0, 10));
    if (decided.ok()) later("decision", *decided);
  }
  later("notice", a.notice_date);
  later("contest", a.contest_filed);
  later("issue", a.issued_date);
  return latest;
}

// The withholding-order fact checked against the case events and the IWO table. GatherFacts
// takes it from the model's feature (ai kIwoActive), which replays the IWOs to the current
// employer's FEIN: an `iwo_issued` event (from 30 days before the job started) adds one, an
// `iwo_rejected` or `iwo_ended` event dated on or before `as_of` removes it (one naming no IWO
// removes them all). The same replay runs here, then each IWO still standing that this system
// made (`iwo=N`) is looked up: one rejected on or before `as_of` whose rejection has no event
// (imported before rejections wrote one) is no longer active either (docs/EIWO.md §4). An ended
// IWO always has its dated `iwo_ended` event (iwo/iwo_terminate.h), so the table's `ended`,
// which is today's state, is not read: an IWO ended after `as_of` was still in place on it.
// An IWO naming no id (history from elsewhere, e.g. the simulator's) still counts.
Status CheckIwoActive(Store& store, const ai::ObligorHistory& h, Date as_of, EligibilityFacts& f) {
  if (!f.iwo_active) return Status::Ok();
  const Employment* current = ai::CurrentJob(h, as_of);
  if (current == nullptr) return Status::Ok();
  const auto relevant = [&](const CaseEvent& e) {
    if (e.date > as_of) return false;
    if (e.kind == "iwo_issued") return e.date >= current->start_date.AddDays(-30);
    return e.kind == ai::kIwoRejectedEvent || e.kind == ai::kIwoEndedEvent;
  };
  // Only IWOs this system made can be looked up: no read at all for a history without them.
  if (std::none_of(h.events.begin(), h.events.end(), [&](const CaseEvent& e) {
        return relevant(e) && !ai::DetailValue(e.detail, "iwo").empty();
      })) {
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(Employer employer, store.GetEmployer(current->employer));
  std::vector<std::string> standing;
  for (const CaseEvent& e : h.events) {  // by (date, id), as the feature reads them
    if (!relevant(e) || ai::DetailValue(e.detail, "employer_fein") != employer.fein) continue;
    const std::string id = ai::DetailValue(e.detail, "iwo");
    if (e.kind == "iwo_issued") {
      if (std::find(standing.begin(), standing.end(), id) == standing.end()) {
        standing.push_back(id);
      }
    } else if (id.empty()) {
      standing.clear();
    } else {
      standing.erase(std::remove(standing.begin(), standing.end(), id), standing.end());
    }
  }
  for (const std::string& id_text : standing) {
    int64_t id = 0;
    for (char c : id_text) {
      if (c < '0' || c > '9' || id > (int64_t{1} << 40)) return Status::Ok();  // not ours
      id = id * 10 + (c - '0');
    }
    if (id == 0) return Status::Ok();
    ASSIGN_OR_RETURN(std::vector<IwoRecord> rows, store.ListIwos("", id - 1, 1));
    if (rows.empty() || rows.front().id != id) return Status::Ok();
    const IwoRecord& r = rows.front();
    const bool rejected_by_then = r.status == "rejected" && (!r.ack_date || *r.ack_date <= as_of);
    if (!rejected_by_then) return Status::Ok();
  }
  f.iwo_active = false;
  return Status::Ok();
}

std::string ActionKey(const std::string& origin, Date as_of, CaseId case_id, Remedy r) {
  return origin + ":" + as_of.ToString() + ":" + std::to_string(case_id.value) + ":" +
         std::string(Name(r));
}

}  // namespace

RiskScoreRecord MakeScoreRecord(const ai::FeatureRow& row, const ai::RiskScore& s,
                                const std::string& version, PersonId obligor, CaseId case_id,
                                Date as_of, const std::string& at) {
  Json features = Json::object();
  for (size_t i = 0; i < ai::kFeatureCount; ++i) {
    const float v = row.values[i];
    features[std::string(ai::FeatureNames()[i])] =
        std::isnan(v) ? Json(nullptr) : Json(static_cast<double>(v));
  }
  Json factors = Json::array();
  for (const ai::KeyFactor& k : s.key_factors) {
    factors.push_back(Json{{"code", k.code},
                           {"text", k.text},
                           {"direction", k.raises_risk ? "increases_risk" : "decreases_risk"},
                           {"contribution", k.contribution}});
  }
  RiskScoreRecord r;
  r.obligor = obligor;
  r.case_id = case_id;
  r.as_of = as_of;
  r.model_version = version;
  r.features_json = features.dump();
  r.features_hash = Sha256Hex(std::string(reinterpret_cast<const char*>(row.values.data()),
                                          row.values.size() * sizeof(float)));
  r.probability = s.probability;
  r.score = s.score;
  r.tier = std::string(ai::Name(s.tier));
  r.confidence = s.confidence;
  r.key_factors_json = factors.dump();
  r.scored_at = at;
  return r;
}

namespace {

// The most punitive step taken on the case before `as_of`: issued actions, and the actions
// the case history records (withholding orders, license notices...).
int HighestStepTaken(const std::vector<Action>& actions, const ai::ObligorHistory& h,
                     CaseId case_id, Date as_of) {
  int highest = 0;
  for (const Action& a : actions) {
    if (a.issued_date) highest = std::max(highest, Punitiveness(a.remedy));
  }
  for (const CaseEvent& e : h.events) {
    if (e.date >= as_of || (e.case_id.valid() && e.case_id != case_id)) continue;
    if (auto r = RemedyOfEvent(e)) highest = std::max(highest, Punitiveness(*r));
  }
  return highest;
}

}  // namespace

Json ToJson(const Action& a) {
  return Json{
      {"id", ActionDisplayId(a.id)},
      {"case_id", CaseDisplayId(a.case_id)},
      {"obligor_id", PersonDisplayId(a.obligor)},
      {"remedy", Name(a.remedy)},
      {"original_remedy", a.original_remedy ? Json(Name(*a.original_remedy)) : Json(nullptr)},
      {"state", Name(a.state)},
      {"source", a.source},
      {"rank", a.rank},
      {"as_of", a.as_of.ToString()},
      {"amount_at_stake", a.amount_at_stake.ToString()},
      {"model_version", a.model_version},
      {"features_hash", a.features_hash},
      {"confidence", a.confidence},
      {"risk_score", a.risk_score},
      {"expected_effect", a.expected_effect < 0 ? Json(nullptr) : Json(a.expected_effect)},
      {"rationale", a.rationale},
      {"created_at", a.created_at},
      {"created_by", a.created_by},
      {"decided_at", a.decided_at},
      {"decided_by", a.decided_by},
      {"decision_reason", a.decision_reason},
      {"notice_date", OptDate(a.notice_date)},
      {"contest_deadline", OptDate(a.contest_deadline)},
      {"issued_date", OptDate(a.issued_date)},
      {"closed_date", OptDate(a.closed_date)},
      {"legal_deadline", OptDate(a.legal_deadline)},
      {"note", a.last_note},
      {"contest_filed", OptDate(a.contest_filed)},
      {"review_deadline", OptDate(a.review_deadline)},
      {"contest_outcome", a.contest_outcome}};
}

std::string SwitchKey(Remedy r) { return "enforce.ai_off." + std::string(Name(r)); }

Result<EnforcementConfig> LoadEnforcementConfig(Store& store) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetSetting(kStateConfigKey));
  EnforcementConfig config;
  if (text) {
    ASSIGN_OR_RETURN(config, ParseEnforcementConfig(*text));
  }
  for (Remedy r : AllRemedies()) {
    ASSIGN_OR_RETURN(std::optional<std::string> off, store.GetSetting(SwitchKey(r)));
    if (off && *off == "1") config.rule(r).ai_recommendations = false;
  }
  return config;
}

EnforcementService::EnforcementService(Store& store, const Clock& clock, std::string actor)
    : store_(store), clock_(clock), actor_(std::move(actor)) {}

template <typename F>
auto EnforcementService::InTransaction(F&& body) -> decltype(body()) {
  return cse::InTransaction(store_, std::forward<F>(body));
}

Status EnforcementService::Audit(std::string_view action, const Action& before, const Action& after,
                                 const std::string& person) {
  return AppendAudit(store_, clock_, person, action, "enforce_action", ActionDisplayId(after.id),
                     before.id == 0 ? std::string() : ToJson(before).dump(), ToJson(after).dump());
}

Result<RecommendResult> EnforcementService::Recommend(CaseId case_id, const RecommendOptions& o) {
  // The actions written carry dates computed from as_of: facts of a day to come are not known.
  if (o.as_of > clock_.Today()) {
    return InvalidArgument("date_in_future", "as of " + o.as_of.ToString() + " is after today " +
                                                 clock_.Today().ToString());
  }
  // Stale facts: the nightly refuses a date before its last run (batch_date_before_last_run),
  // and the actions written carry a legal deadline counted from as_of.
  ASSIGN_OR_RETURN(std::optional<BatchRun> last_run, store_.LastBatchRun("nightly"));
  if (last_run && o.as_of < last_run->as_of) {
    return FailedPrecondition("recommend_date_before_last_run",
                              "as of " + o.as_of.ToString() + " is before the last nightly run (" +
                                  last_run->as_of.ToString() +
                                  "): its facts are stale; recommend as of that date or later");
  }
  const Date oldest = clock_.Today().AddDays(-kRecommendBackdateDaysMax);
  if (o.as_of < oldest) {
    return InvalidArgument("recommend_date_too_old",
                           "as of " + o.as_of.ToString() + " is more than " +
                               std::to_string(kRecommendBackdateDaysMax) + " days before today " +
                               clock_.Today().ToString() + "; the earliest is " +
                               oldest.ToString());
  }
  ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
  if (c.status == CaseStatus::kClosed) {
    return FailedPrecondition("case_closed", CaseDisplayId(case_id) + " is closed");
  }
  ASSIGN_OR_RETURN(std::vector<Order> orders, store_.ListOrdersByCase(case_id));
  if (orders.empty()) {
    return FailedPrecondition("case_has_no_order", CaseDisplayId(case_id) + " has no order");
  }
  ai::Reference loaded;
  RecommendOptions with_ref = o;
  if (!with_ref.reference) {
    ASSIGN_OR_RETURN(loaded, ai::LoadReference(store_));
    with_ref.reference = &loaded;
  }
  ASSIGN_OR_RETURN(ai::ObligorHistory h, ai::LoadObligorHistory(store_, c.obligor));
  const ai::FeatureRow row = ai::ExtractFeatures(h, *with_ref.reference, o.as_of);
  return RecommendLoaded(c, h, row, with_ref);
}

Result<RecommendResult> EnforcementService::RecommendLoaded(const Case& c,
                                                            const ai::ObligorHistory& h,
                                                            const ai::FeatureRow& row,
                                                            const RecommendOptions& o) {
  const CaseId case_id = c.id;
  EnforcementConfig loaded_config;
  if (!o.config) {
    ASSIGN_OR_RETURN(loaded_config, LoadEnforcementConfig(store_));
  }
  const EnforcementConfig& config = o.config ? *o.config : loaded_config;
  std::vector<Action> case_actions;
  if (o.case_actions) {
    case_actions = *o.case_actions;
  } else {
    ASSIGN_OR_RETURN(case_actions, store_.ListEnforceActionsByCase(case_id));
  }
  std::vector<Action> pending;
  if (o.skip_if_pending) {
    for (const Action& a : case_actions) {
      if (a.state == ActionState::kRecommended) pending.push_back(a);
    }
  }
  RecommendResult r;
  r.case_id = case_id;
  r.obligor = c.obligor;
  r.as_of = o.as_of;
  // This run's own open actions (a re-run for the same date and origin) do not block
  // themselves.
  const std::string run_prefix =
      o.origin + ":" + o.as_of.ToString() + ":" + std::to_string(case_id.value) + ":";
  std::vector<Action> obligor_actions;
  if (o.obligor_actions) {
    obligor_actions = *o.obligor_actions;
  } else {
    ASSIGN_OR_RETURN(obligor_actions, store_.ListEnforceActionsByObligor(c.obligor));
  }
  // A dismissal counts whichever run recommended it: it holds the remedy back.
  std::vector<Action> others;
  for (const Action& a : obligor_actions) {
    if (a.key.rfind(run_prefix, 0) != 0 || a.state == ActionState::kDismissed) {
      others.push_back(a);
    }
  }
  ChildBirthDates loaded_births;
  if (!o.births) {
    ASSIGN_OR_RETURN(loaded_births, LoadChildBirthDates(store_, h));
  }
  ai::Reference loaded_ref;
  if (!o.reference) {
    ASSIGN_OR_RETURN(loaded_ref, ai::LoadReference(store_));
  }
  r.facts = GatherFacts(h, o.reference ? *o.reference : loaded_ref,
                        o.births ? *o.births : loaded_births, row, case_id, others, o.as_of);
  RETURN_IF_ERROR(CheckIwoActive(store_, h, o.as_of, r.facts));
  if (o.scorer) {
    r.risk = o.risk ? *o.risk : o.scorer->Score(row);
    r.model_version = o.scorer->version();
    r.features_hash = Sha256Hex(std::string(reinterpret_cast<const char*>(row.values.data()),
                                            row.values.size() * sizeof(float)));
  }
  // The legal deadline counts from the day the delinquency was first found (45 CFR 303.6),
  // which the nightly batch records; a later `recommend` must not push it back. A dismissal
  // is outweighed by a delinquency that began after it. With none recorded, a recommendation
  // written on a delinquency records its as-of date as the start (RecordDelinquencyStart), so
  // that a second set, after the first is dismissed, keeps the first deadline.
  std::optional<Date> since = o.delinquent_since;
  std::optional<ObligorState> state;
  if (!since && r.facts.delinquent) {
    ASSIGN_OR_RETURN(state, store_.GetObligorState(c.obligor));
    if (state && state->delinquent && state->delinquent_since &&
        *state->delinquent_since <= o.as_of) {
      since = state->delinquent_since;
    }
  }
  // Whether this recommendation records the start of the delinquency: nothing records one
  // yet, and no run has seen the obligor after as_of.
  const bool record_start =
      r.facts.delinquent && !since && (!state || (!state->delinquent && state->as_of <= o.as_of));
  std::vector<Candidate> eligible;
  for (Remedy remedy : AllRemedies()) {
    Eligibility e = CheckEligibility(remedy, config, r.facts);
    if (e.eligible) {
      if (auto held = HeldBackByDismissal(remedy, config.workflow, r.facts, since)) {
        r.ineligible.emplace_back(remedy, std::move(held->why));
        r.held_through[remedy] = held->through;
        continue;
      }
      Candidate cand;
      cand.remedy = remedy;
      cand.eligibility = e;
      eligible.push_back(std::move(cand));
    } else {
      r.ineligible.emplace_back(remedy, e);
    }
  }
  std::optional<EffectivenessTable> stored;
  const EffectivenessTable* effects = o.effects;
  if (!effects) {
    ASSIGN_OR_RETURN(stored, LoadEffectTable(store_));
    if (stored) effects = &*stored;
  }
  if (effects && !effects->empty()) {
    EffectOptions eo;
    for (Remedy remedy : AllRemedies()) {
      if (!config.rule(remedy).ai_recommendations) eo.rules_only.insert(remedy);
    }
    r.ranked =
        RankByEffect(std::move(eligible), *effects, ProfileOfRow(row), r.facts.delinquent, eo);
  } else {
    r.ranked =
        RankByLadder(std::move(eligible), HighestStepTaken(case_actions, h, case_id, o.as_of),
                     r.facts.delinquent);
  }
  ImmediateWithholdingFirst(r.ranked);  // both policies: withholding is not a ladder step
  if (!pending.empty()) {               // one set under review at a time: answer it, write nothing
    r.actions = std::move(pending);
    return r;
  }
  if (!o.write) return r;
  const std::string at = clock_.NowIso();
  const size_t top = std::min(r.ranked.size(), size_t(config.workflow.max_recommendations));
  const Status written = InTransaction([&]() -> Status {
    for (size_t i = 0; i < top; ++i) {
      const Candidate& cand = r.ranked[i];
      const std::string key = ActionKey(o.origin, o.as_of, case_id, cand.remedy);
      std::optional<Action> found;
      if (o.case_actions) {  // every action of the case is in the list: no lookup
        for (const Action& a : case_actions) {
          if (a.key == key) found = a;
        }
      } else {
        ASSIGN_OR_RETURN(found, store_.FindEnforceActionByKey(key));
      }
      if (found) {
        r.actions.push_back(*found);
        continue;
      }
      Action a;
      a.key = key;
      a.case_id = case_id;
      a.obligor = c.obligor;
      a.remedy = cand.remedy;
      const bool ai = config.rule(cand.remedy).ai_recommendations;
      a.source = ai && cand.expected_effect >= 0 ? "model" : "rules";
      a.rank = static_cast<int>(i) + 1;
      a.as_of = o.as_of;
      a.amount_at_stake = r.facts.arrears_total;
      if (r.risk && ai) {
        a.model_version = r.model_version;
        a.features_hash = r.features_hash;
        a.confidence = r.risk->confidence;
        a.risk_score = r.risk->score;
      }
      a.expected_effect = cand.expected_effect;
      a.rationale = cand.rationale;
      a.created_at = at;
      a.created_by = actor_;
      if (r.facts.delinquent) {
        const bool service = config.rule(cand.remedy).service_of_process;
        a.legal_deadline = since.value_or(o.as_of).AddDays(
            service ? config.workflow.service_of_process_days : config.workflow.enforcement_days);
        // A deadline counted from as_of that is already past: the facts are too old to act
        // on. (One counted from an earlier recorded start of the delinquency stands: the
        // agency is late, and the nightly raises "Legal deadline passed".)
        if (!since && *a.legal_deadline < clock_.Today()) {
          return FailedPrecondition(
              "legal_deadline_passed",
              std::string(Name(cand.remedy)) + " for a delinquency found on " + o.as_of.ToString() +
                  " had to be acted on by " + a.legal_deadline->ToString() + ", before today " +
                  clock_.Today().ToString() + "; recommend as of a later date");
        }
      }
      ASSIGN_OR_RETURN(a.id, store_.InsertEnforceAction(a));
      RETURN_IF_ERROR(Audit("enforce.recommend", Action{}, a, actor_));
      r.actions.push_back(a);
      ++r.created;
    }
    if (r.created > 0 && record_start) {
      RETURN_IF_ERROR(store_.PutObligorState(
          {c.obligor, o.as_of, true, o.as_of, state ? state->risk_score : 0}));
    }
    if (r.created > 0 && r.risk && o.record_score) {
      RETURN_IF_ERROR(store_
                          .InsertRiskScore(MakeScoreRecord(row, *r.risk, r.model_version, c.obligor,
                                                           case_id, o.as_of, at))
                          .status());
    }
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return r;
}

Status EnforcementService::RequireRole(const std::string& user, Transition t, Remedy remedy) {
  ASSIGN_OR_RETURN(std::optional<StaffUser> u, store_.GetStaffUser(user));
  if (!u || !u->active) {
    return FailedPrecondition("user_unknown", "'" + user +
                                                  "' is not an active user; add them "
                                                  "with `opencse user add`");
  }
  if (!RoleAllows(u->role, t, remedy)) {
    return FailedPrecondition("role_not_allowed",
                              "'" + user + "' has the role " + std::string(Name(u->role)) +
                                  ", who may not " + std::string(Name(t)) + " " +
                                  std::string(Name(remedy)) + " (docs/ENFORCEMENT.md, Roles)");
  }
  return Status::Ok();
}

Result<EligibilityFacts> EnforcementService::FactsNow(const Action& a, Date as_of) {
  ASSIGN_OR_RETURN(ai::Reference ref, ai::LoadReference(store_));
  ASSIGN_OR_RETURN(ai::ObligorHistory h, ai::LoadObligorHistory(store_, a.obligor));
  const ai::FeatureRow row = ai::ExtractFeatures(h, ref, as_of);
  ASSIGN_OR_RETURN(std::vector<Action> others, store_.ListEnforceActionsByObligor(a.obligor));
  others.erase(
      std::remove_if(others.begin(), others.end(), [&](const Action& x) { return x.id == a.id; }),
      others.end());
  ASSIGN_OR_RETURN(const ChildBirthDates births, LoadChildBirthDates(store_, h));
  EligibilityFacts facts = GatherFacts(h, ref, births, row, a.case_id, others, as_of);
  RETURN_IF_ERROR(CheckIwoActive(store_, h, as_of, facts));
  return facts;
}

Result<Action> EnforcementService::Decide(const DecisionRequest& q) {
  if (NeedsReason(q.transition) && IsBlank(q.reason)) {
    return InvalidArgument("reason_missing",
                           "--reason is required to " + std::string(Name(q.transition)));
  }
  // A reason is printed by `action show`, the queue and `enforce report`: printable UTF-8 of
  // at most 200 characters, no control character or line break (a forged line, a terminal
  // escape), as `POST /v1/recommendations/{id}/...` and `reverse-payment --reason`.
  RETURN_IF_ERROR(ValidateText("--reason", q.reason,
                               TextRule{false, limits::kTextFieldLengthMax, "reason_missing"}));
  if (q.transition == Transition::kDecideContest && q.contest_outcome != "upheld" &&
      q.contest_outcome != "granted") {
    return InvalidArgument("contest_outcome_invalid",
                           "--outcome '" + q.contest_outcome + "' is not upheld or granted");
  }
  if (q.transition == Transition::kModify && !q.new_remedy) {
    return InvalidArgument("remedy_missing", "modify needs --remedy: the remedy chosen instead");
  }
  return InTransaction([&]() -> Result<Action> {
    ASSIGN_OR_RETURN(Action before, store_.GetEnforceAction(q.action_id));
    Action a = before;
    const Date date = q.date.value_or(clock_.Today());
    if (date > clock_.Today()) {
      return Result<Action>(InvalidArgument(
          "date_in_future",
          "--date " + date.ToString() + " is after today " + clock_.Today().ToString()));
    }
    ASSIGN_OR_RETURN(a.state, NextState(before.state, q.transition));
    if (const auto [step, on] = LatestStep(before); date < on) {
      return Result<Action>(InvalidArgument(
          "date_before_previous_step", "--date " + date.ToString() + " is before the action's " +
                                           step + " on " + on.ToString() +
                                           "; a step is dated on or after the one before it"));
    }
    if (q.transition == Transition::kModify) {
      if (*q.new_remedy == before.remedy) {
        return Result<Action>(
            InvalidArgument("remedy_unchanged", "modify names the same remedy; use approve"));
      }
      RETURN_IF_ERROR(RequireRole(q.by, q.transition, before.remedy));
      a.original_remedy = before.remedy;
      a.remedy = *q.new_remedy;
    }
    RETURN_IF_ERROR(RequireRole(q.by, q.transition, a.remedy));
    ASSIGN_OR_RETURN(EnforcementConfig config, LoadEnforcementConfig(store_));
    const RemedyRule& rule = config.rule(a.remedy);
    if (q.transition == Transition::kSendNotice && !rule.notice_required) {
      return Result<Action>(FailedPrecondition(
          "notice_not_required", std::string(Name(a.remedy)) + " is issued without a notice"));
    }
    if (q.transition == Transition::kIssue) {
      if (rule.notice_required && before.state != ActionState::kNoticeSent) {
        return Result<Action>(FailedPrecondition(
            "notice_required", std::string(Name(a.remedy)) + " needs a notice first"));
      }
      if (before.contest_deadline && date <= *before.contest_deadline) {
        return Result<Action>(FailedPrecondition(
            "contest_window_open", "the contest window runs to " +
                                       before.contest_deadline->ToString() + "; issue after it"));
      }
    }
    // A notice is a step toward the remedy too: none is sent for an action that has become
    // ineligible (the case closed, the arrears paid down).
    if (q.transition == Transition::kApprove || q.transition == Transition::kModify ||
        q.transition == Transition::kSendNotice || q.transition == Transition::kIssue) {
      ASSIGN_OR_RETURN(EligibilityFacts facts, FactsNow(a, std::max(date, before.as_of)));
      const Eligibility e = CheckEligibility(a.remedy, config, facts);
      if (!e.eligible) {
        return Result<Action>(FailedPrecondition(
            "action_ineligible", CaseDisplayId(a.case_id) + " is not eligible for " +
                                     std::string(Name(a.remedy)) + " on " +
                                     std::max(date, before.as_of).ToString() + ": " + e.reason +
                                     " (" + e.text + ")"));
      }
    }
    const std::string at = clock_.NowIso();
    switch (q.transition) {
      case Transition::kApprove:
      case Transition::kModify:
      case Transition::kDismiss:
        a.decided_at = at;
        a.decided_by = q.by;
        a.decision_reason = q.reason;
        break;
      case Transition::kSendNotice:
        a.notice_date = date;
        a.contest_deadline = date.AddDays(rule.contest_days);
        break;
      case Transition::kIssue: {
        a.issued_date = date;
        // Issuing withholding is sending an IWO: one pending IWO per current employer, built
        // as a new-hire match builds it (iwo/newhire.h), in this transaction.
        std::string iwos;
        if (a.remedy == Remedy::kIncomeWithholding) {
          ASSIGN_OR_RETURN(std::vector<iwo::IssuedIwo> made,
                           iwo::IssueIwosForCase(store_, clock_, q.by, a.case_id, date));
          for (const iwo::IssuedIwo& i : made) {
            iwos += (iwos.empty() ? " iwos=" : ",") + FormatDisplayId("IWO", i.iwo_id);
          }
        }
        CaseEvent e;
        e.person = a.obligor;
        e.case_id = a.case_id;
        e.date = date;
        e.kind = "enforcement_issued";
        e.detail =
            "remedy=" + std::string(Name(a.remedy)) + " action=" + ActionDisplayId(a.id) + iwos;
        RETURN_IF_ERROR(store_.InsertCaseEvent(e).status());
        break;
      }
      case Transition::kContest:
        a.contest_filed = date;
        a.review_deadline = date.AddDays(config.workflow.admin_review_days);
        a.contest_outcome.clear();
        break;
      case Transition::kDecideContest:
        a.contest_outcome = q.contest_outcome;
        if (q.contest_outcome == "granted") {
          a.state = ActionState::kWithdrawn;
          a.closed_date = date;
        } else if (a.issued_date) {
          a.state = ActionState::kIssued;
        }
        break;
      default:
        a.closed_date = IsFinal(a.state) ? std::optional<Date>(date) : std::nullopt;
        break;
    }
    if (q.transition != Transition::kApprove && q.transition != Transition::kModify &&
        q.transition != Transition::kDismiss) {
      a.last_note = q.reason;
    }
    RETURN_IF_ERROR(store_.UpdateEnforceAction(a));
    RETURN_IF_ERROR(Audit("enforce." + std::string(Name(q.transition)), before, a, q.by));
    // The review task stays as it is until the nightly run (RefreshTask there): the web
    // queue leaves out a review task with nothing pending, and its page cursor may name it.
    return a;
  });
}

Result<std::vector<Action>> EnforcementService::WithdrawMoot(PersonId obligor, Date as_of,
                                                             const std::string& why,
                                                             TaskSync sync) {
  return InTransaction([&]() -> Result<std::vector<Action>> {
    std::vector<Action> withdrawn;
    ASSIGN_OR_RETURN(std::vector<Action> actions, store_.ListEnforceActionsByObligor(obligor));
    ASSIGN_OR_RETURN(EnforcementConfig config, LoadEnforcementConfig(store_));
    for (const Action& before : actions) {
      if (!IsOpen(before)) continue;
      ASSIGN_OR_RETURN(EligibilityFacts facts, FactsNow(before, std::max(as_of, before.as_of)));
      const Eligibility e = CheckEligibility(before.remedy, config, facts);
      // Withholding applies to every order, delinquent or not: once a person has decided on
      // it, only the loss of eligibility makes it moot, not a payment that made the obligor
      // current. An undecided recommendation still goes when the obligor is current.
      const bool stands_while_current =
          before.remedy == Remedy::kIncomeWithholding && before.state != ActionState::kRecommended;
      if (e.eligible && (facts.delinquent || stands_while_current)) continue;
      Action a = before;
      a.state = ActionState::kWithdrawn;
      a.closed_date = as_of;
      a.last_note = why + ": " + (e.eligible ? "no longer delinquent" : e.text);
      RETURN_IF_ERROR(store_.UpdateEnforceAction(a));
      RETURN_IF_ERROR(Audit("enforce.withdraw", before, a, actor_));
      withdrawn.push_back(a);
    }
    if (!withdrawn.empty() && sync == TaskSync::kUpdate) {
      RETURN_IF_ERROR(RefreshTasks(obligor, as_of));
    }
    return withdrawn;
  });
}

Status EnforcementService::RefreshTasks(PersonId obligor, Date today) {
  ASSIGN_OR_RETURN(std::vector<Task> tasks, store_.ListEnforceTasksByObligor(obligor));
  const bool any = std::any_of(tasks.begin(), tasks.end(), [](const Task& t) {
    return t.open && (t.kind == "review_recommendations" || t.kind == "deadline_alert");
  });
  if (!any) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<Action> actions, store_.ListEnforceActionsByObligor(obligor));
  for (Task& t : tasks) {
    if (RefreshTask(t, actions, today) != TaskChange::kNone) {
      RETURN_IF_ERROR(store_.UpdateEnforceTask(t));
    }
  }
  return Status::Ok();
}

Status EnforcementService::RequireAdminOnceStaffed(std::initializer_list<Role> allowed) {
  return cse::RequireAdminOnceStaffed(store_, actor_, allowed, "change this setting");
}

Status EnforcementService::SetStaffUser(const StaffUser& user) {
  if (!ValidUserId(user.user_id)) {
    return InvalidArgument("user_id_invalid", "user id '" + user.user_id +
                                                  "' must be 1-64 letters, digits or . _ - @");
  }
  return InTransaction([&]() -> Status {
    RETURN_IF_ERROR(RequireAdminOnceStaffed({Role::kAdmin}));
    ASSIGN_OR_RETURN(std::optional<StaffUser> before, store_.GetStaffUser(user.user_id));
    // A disabled user who signs in comes back only through `opencse user enable`, with its
    // reason and audit row (QA: `staff add` to change a departed user's role signed them in
    // again). A CLI-only user (no argon2id password: `staff add`'s "!") is still re-enabled.
    if (before && !before->active && user.active) {
      ASSIGN_OR_RETURN(std::optional<UserRecord> record, store_.FindUserByName(user.user_id));
      if (record && record->password_hash.starts_with("$argon2")) {
        return FailedPrecondition("user_disabled",
                                  "user '" + user.user_id +
                                      "' signs in and is disabled; `opencse user enable " +
                                      user.user_id +
                                      " --reason ...` re-enables them (staff add changes the "
                                      "role of a disabled user only with --inactive)");
      }
    }
    const auto admin = [](const StaffUser& u) { return u.active && u.role == Role::kAdmin; };
    if (before && admin(*before) && !admin(user)) {
      RETURN_IF_ERROR(KeepAnotherActiveAdmin(store_, user.user_id));  // as `user disable`
    }
    RETURN_IF_ERROR(store_.UpsertStaffUser(user));
    if (!user.active) {
      // As `opencse user disable`: an inactive user's sessions end, and do not come back.
      ASSIGN_OR_RETURN(std::optional<UserRecord> record, store_.FindUserByName(user.user_id));
      if (record) RETURN_IF_ERROR(store_.DeleteSessionsOfUser(record->id));
    }
    const auto j = [](const StaffUser& u) {
      return Json{{"user_id", u.user_id}, {"role", Name(u.role)}, {"active", u.active}}.dump();
    };
    return AppendAudit(store_, clock_, actor_, "staff.upsert", "staff_user", user.user_id,
                       before ? j(*before) : std::string(), j(user));
  });
}

Status EnforcementService::LoadStateConfig(const std::string& text) {
  RETURN_IF_ERROR(ParseEnforcementConfig(text).status());
  return InTransaction([&]() -> Status {
    RETURN_IF_ERROR(RequireAdminOnceStaffed({Role::kAdmin}));
    ASSIGN_OR_RETURN(std::optional<std::string> before, store_.GetSetting(kStateConfigKey));
    RETURN_IF_ERROR(store_.SetSetting(kStateConfigKey, text));
    return AppendAudit(store_, clock_, actor_, "enforce.config", "setting",
                       std::string(kStateConfigKey), before ? JsonQuote(*before) : std::string(),
                       JsonQuote(text));
  });
}

Status EnforcementService::MayStoreEffectTable() {
  return RequireAdminOnceStaffed({Role::kAdmin, Role::kSupervisor});
}

Status EnforcementService::StoreEffectTable(const EffectivenessTable& table) {
  return InTransaction([&]() -> Status {
    RETURN_IF_ERROR(MayStoreEffectTable());
    return SaveEffectTable(store_, clock_, actor_, table);
  });
}

Status EnforcementService::SetAiSwitch(Remedy remedy, bool ai_on, const std::string& reason) {
  RETURN_IF_ERROR(ValidateReason(reason, "change the AI switch"));
  return InTransaction([&]() -> Status {
    RETURN_IF_ERROR(RequireAdminOnceStaffed({Role::kAdmin, Role::kSupervisor}));
    RETURN_IF_ERROR(store_.SetSetting(SwitchKey(remedy), ai_on ? "0" : "1"));
    return AppendAudit(
        store_, clock_, actor_, "enforce.switch", "setting", SwitchKey(remedy), "",
        Json{{"remedy", Name(remedy)}, {"ai_recommendations", ai_on}, {"reason", reason}}.dump());
  });
}

Status EnforcementService::OverrideScore(CaseId case_id, int score, const std::string& by,
                                         const std::string& reason) {
  RETURN_IF_ERROR(ValidateReason(reason, "override a score"));
  if (score < 1 || score > 100) {
    return InvalidArgument("score_out_of_range",
                           "--score " + std::to_string(score) + " is not between 1 and 100");
  }
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(std::optional<StaffUser> u, store_.GetStaffUser(by));
    if (!u || !u->active) {
      return FailedPrecondition("user_unknown", "'" + by + "' is not an active staff user");
    }
    if (u->role != Role::kCaseworker && u->role != Role::kSupervisor) {
      return FailedPrecondition("role_not_allowed", "'" + by + "' has the role " +
                                                        std::string(Name(u->role)) +
                                                        "; caseworkers and supervisors override");
    }
    ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
    ASSIGN_OR_RETURN(std::vector<RiskScoreRecord> scores, store_.ListRiskScores(c.obligor));
    const std::string model_score = scores.empty() ? "none" : std::to_string(scores[0].score);
    const std::string model = scores.empty() ? "none" : scores[0].model_version;
    CaseEvent e;
    e.person = c.obligor;
    e.case_id = case_id;
    e.date = clock_.Today();
    e.kind = "score_override";
    e.detail = "score=" + std::to_string(score) + " model_score=" + model_score +
               " model=" + model + " by=" + by;
    ASSIGN_OR_RETURN(int64_t id, store_.InsertCaseEvent(e));
    return AppendAudit(store_, clock_, by, "enforce.score_override", "case_event",
                       std::to_string(id), "",
                       Json{{"case_id", CaseDisplayId(case_id)},
                            {"obligor_id", PersonDisplayId(c.obligor)},
                            {"score", score},
                            {"model_score", model_score},
                            {"model_version", model},
                            {"by", by},
                            {"reason", reason}}
                           .dump());
  });
}

}  // namespace cse::enforce
