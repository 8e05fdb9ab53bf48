// File: enforce/action_service.h
//
// The enforcement use cases: recommending actions for a case, the human decision (approve,
// modify, dismiss), and the lifecycle after it (notice, contest window, issue, compliance,
// withdrawal), plus the staff role table and the state configuration. Each public method is
// one transaction: it checks, writes the action and one audit row (entity "enforce_action",
// with the model version, the features hash, the confidence and the person), and commits —
// or rolls back and changes nothing.
//
// Who may do what: the acting person must be an active app user (`opencse user add`, the same
// users who sign in to the web app; Store::GetStaffUser reads them) with a role that allows the
// transition for that remedy (enforce/remedy.h RoleAllows; docs/ENFORCEMENT.md "Roles").
// Nothing substantive is approved, modified or issued for a case that is not eligible at that
// moment (the facts are gathered again as of the decision date).
//
// Thread-safety: one EnforcementService per thread; it borrows `store` and `clock`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ai/risk_model.h"
#include "core/clock.h"
#include "enforce/config.h"
#include "enforce/effect.h"
#include "enforce/facts.h"
#include "enforce/rank.h"
#include "enforce/records.h"
#include "service/json.h"
#include "storage/store.h"

namespace cse::enforce {

inline std::string ActionDisplayId(int64_t id) { return FormatDisplayId("ACT", id); }
inline constexpr int kScoreOverrideDays = 30;
// `opencse recommend --as-of` may look back at most this many days before today (and never
// before the last nightly run): older facts are stale, and the legal deadline counted from
// them may already have passed.
inline constexpr int kRecommendBackdateDaysMax = 7;
Json ToJson(const Action& a);

// Settings keys: the state file's text, and the per-remedy fail-safe switch.
inline constexpr std::string_view kStateConfigKey = "enforce.state_config";
std::string SwitchKey(Remedy r);  // "enforce.ai_off.<remedy>": "1" turns AI off

// The configuration in force: the state file stored in settings over the federal defaults,
// then the switches. Errors: ParseEnforcementConfig's (the stored text is checked on load).
Result<EnforcementConfig> LoadEnforcementConfig(Store& store);

struct RecommendOptions {
  Date as_of;
  std::string origin = "manual";  // "manual" (opencse recommend) or "nightly"
  // The risk model; nullptr ranks by rules only (no model active).
  const ai::RiskScorer* scorer = nullptr;
  const ai::Reference* reference = nullptr;  // nullptr: loaded
  // The next-best-action table; nullptr: the stored one (enforce/nba.h), and without one the
  // escalation ladder ranks (rules only).
  const EffectivenessTable* effects = nullptr;
  // Only the top recommendations are written (workflow.max_recommendations).
  bool write = true;
  const EnforcementConfig* config = nullptr;  // nullptr: loaded from the store
  const ai::RiskScore* risk = nullptr;        // already computed with `scorer`
  bool record_score = true;                   // write a risk score row when actions are created
  std::optional<Date> delinquent_since;       // the legal deadline counts from it (default as_of)
  // Write nothing new while the case has recommendations awaiting a decision (one set under
  // review at a time): the ranking is still computed, and the pending actions are answered.
  bool skip_if_pending = false;
  // The case's actions already read (the nightly batch reads them for many obligors at once);
  // nullptr: read from the store. Keys found in it are not looked up again.
  const std::vector<Action>* case_actions = nullptr;
  // The obligor's actions on every case, already read (person-level remedies are taken once
  // per person: IsPersonLevel); nullptr: read from the store.
  const std::vector<Action>* obligor_actions = nullptr;
  // The dates of birth of the children of the obligor's cases, already read
  // (LoadChildBirthDates); nullptr: read from the store.
  const ChildBirthDates* births = nullptr;
};

// The score row the risk model writes (ai::ScoreAndRecord): features JSON and hash, key
// factors, model version.
RiskScoreRecord MakeScoreRecord(const ai::FeatureRow& row, const ai::RiskScore& s,
                                const std::string& version, PersonId obligor, CaseId case_id,
                                Date as_of, const std::string& at);

struct RecommendResult {
  CaseId case_id;
  PersonId obligor;
  Date as_of;
  EligibilityFacts facts;
  std::optional<ai::RiskScore> risk;
  std::string model_version;
  std::string features_hash;
  std::vector<Candidate> ranked;                           // eligible, best first
  std::vector<std::pair<Remedy, Eligibility>> ineligible;  // with the reason
  std::map<Remedy, Date> held_through;  // "dismissed_recently": the last day held back
  std::vector<Action> actions;          // written (or found again on a re-run), in rank order
  int64_t created = 0;                  // new actions written by this call
};

// A transition asked by a person.
struct DecisionRequest {
  int64_t action_id = 0;
  Transition transition = Transition::kApprove;
  std::string by;                    // staff user id
  std::string reason;                // required to dismiss, modify and withdraw
  std::optional<Remedy> new_remedy;  // modify: the remedy chosen instead
  std::optional<Date> date;          // default: today
  std::string contest_outcome;       // decide_contest: "upheld" (the action stands) or "granted"
};

class EnforcementService {
 public:
  EnforcementService(Store& store, const Clock& clock, std::string actor);

  // Ranks the eligible remedies for a case and writes the top ones as "recommended" actions
  // (a re-run for the same date and origin finds them again). A remedy a person dismissed
  // recently is held back (HeldBackByDismissal): listed among the ineligible as
  // "dismissed_recently". Errors: invalid_argument "date_in_future" (options.as_of after
  // today), "recommend_date_too_old" (more than kRecommendBackdateDaysMax days before today);
  // failed_precondition "recommend_date_before_last_run" (before the last nightly run's date),
  // "legal_deadline_passed" (a deadline counted from as_of would already be past today);
  // case_not_found, case_closed, case_has_no_order; the store's; config errors.
  Result<RecommendResult> Recommend(CaseId case_id, const RecommendOptions& options);
  // The same with the obligor's history and features already loaded as of options.as_of
  // (the nightly batch). REQUIRES: `c` is open and one of `history`'s cases.
  Result<RecommendResult> RecommendLoaded(const Case& c, const ai::ObligorHistory& history,
                                          const ai::FeatureRow& row,
                                          const RecommendOptions& options);

  // Applies a person's transition. A contest records the filing date and the administrative
  // review deadline (workflow.admin_review_days); its decision ("upheld": back to where it
  // was, notice sent or issued; "granted": withdrawn) records the outcome. Errors:
  // action_not_found; invalid_argument "reason_missing" (dismiss, modify, withdraw, contest,
  // decide_contest without a reason), "contest_outcome_invalid", "remedy_missing" (modify
  // without a new remedy), "remedy_unchanged"; permission_denied-like failed_precondition
  // "user_unknown" (not in the staff table or inactive), "role_not_allowed" (the role may not
  // do this for this remedy); NextState's ("action_already_decided", "transition_not_allowed");
  // "action_ineligible" (the case is not eligible on the decision date; the message gives
  // the rule's reason); "notice_required" (issuing before the notice), "notice_not_required",
  // "contest_window_open" (issuing before the contest deadline has passed); invalid_argument
  // "date_in_future" (a step dated after today).
  Result<Action> Decide(const DecisionRequest& request);

  // Withdraws every open action of `obligor` that eligibility no longer supports as of
  // `as_of` (e.g. a payment cleared the arrears), as `actor` (a system event). Returns the
  // actions withdrawn. With TaskSync::kUpdate, the obligor's review tasks and deadline alerts
  // are then kept true to the actions (RefreshTask, workflow.h); the nightly batch, which
  // holds the tasks itself, passes kLeave. Runs inside the caller's transaction when one is
  // open.
  enum class TaskSync { kUpdate, kLeave };
  Result<std::vector<Action>> WithdrawMoot(PersonId obligor, Date as_of, const std::string& why,
                                           TaskSync sync = TaskSync::kUpdate);

  // Staff table: adds or changes a user's role. The actor must be an admin once an active
  // admin exists (until then anyone may bootstrap the table). Making a user inactive ends
  // their sessions. Errors: "user_id_invalid", "role_not_allowed", "user_unknown",
  // failed_precondition "last_admin" (the last active admin made inactive or another role).
  Status SetStaffUser(const StaffUser& user);
  // Stores a state configuration file's text after validating it (admin once one exists).
  Status LoadStateConfig(const std::string& text);
  // Whether the actor may replace the next-best-action table: an active admin or supervisor
  // once an active admin exists, as for the switch. Errors: user_unknown, role_not_allowed.
  Status MayStoreEffectTable();
  // Stores a learned next-best-action table (enforce/nba.h SaveEffectTable) after the same
  // check, in one transaction with its audit row.
  Status StoreEffectTable(const EffectivenessTable& table);
  // The fail-safe: turns AI recommendations for `remedy` off (or back on) with a reason
  // (supervisor or admin once an admin exists). Errors: reason_missing, role_not_allowed.
  Status SetAiSwitch(Remedy remedy, bool ai_on, const std::string& reason);

  // A person overrides the risk score of a case's obligor (1-100) with a reason: recorded as
  // case event `score_override` (`score=N model_score=M model=V by=USER`) and audit row
  // `enforce.score_override`. The nightly batch uses it instead of the model's score for
  // kScoreOverrideDays days. Errors: reason_missing, invalid_argument "score_out_of_range",
  // user_unknown, role_not_allowed (caseworker, supervisor), case_not_found.
  Status OverrideScore(CaseId case_id, int score, const std::string& by, const std::string& reason);

 private:
  template <typename F>
  auto InTransaction(F&& body) -> decltype(body());
  Status RequireRole(const std::string& user, Transition t, Remedy remedy);
  Status RequireAdminOnceStaffed(std::initializer_list<Role> allowed);
  // Keeps the obligor's open review tasks and deadline alerts true to its actions (RefreshTask)
  // as of `today`, inside the caller's transaction.
  Status RefreshTasks(PersonId obligor, Date today);
  Result<EligibilityFacts> FactsNow(const Action& a, Date as_of);
  Status Audit(std::string_view action, const Action& before, const Action& after,
               const std::string& person);

  Store& store_;
  const Clock& clock_;
  std::string actor_;
};

}  // namespace cse::enforce
