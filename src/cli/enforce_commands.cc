// File: cli/enforce_commands.cc
//
// `opencse recommend`, `opencse action ...`, `opencse staff ...` and `opencse enforce ...`
// (docs/ENFORCEMENT.md).
#include <CLI/CLI.hpp>

#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "auth/auth_service.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "enforce/action_service.h"
#include "enforce/nba.h"
#include "enforce/nightly.h"
#include "enforce/report.h"
#include "enforce/workflow.h"
#include "http/task_action.h"

namespace cse::cli {
namespace {

using enforce::Action;
using enforce::EnforcementService;

void AddLearn(CLI::App* cmd, Context& ctx, std::function<int()>& action);
void AddReport(CLI::App* cmd, Context& ctx, std::function<int()>& action);

std::string Fixed(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

std::string ActionLine(const Action& a) {
  std::ostringstream t;
  t << enforce::ActionDisplayId(a.id) << "  " << Pad(std::string(enforce::Name(a.remedy)), 22)
    << Pad(std::string(enforce::Name(a.state)), 12) << CaseDisplayId(a.case_id) << "  at stake "
    << a.amount_at_stake.ToString();
  if (a.legal_deadline) t << "  act by " << a.legal_deadline->ToString();
  if (a.contest_deadline) t << "  contest to " << a.contest_deadline->ToString();
  t << "\n";
  return t.str();
}

// The active model, or nullopt when enforcement runs on its rules only
// (ai::ClassifyScorerLoadFailure: none active, or one this build cannot use, whose reason goes
// to `*unusable`, left OK otherwise, for the command to say). Scoring itself still refuses.
Result<std::optional<ai::RiskScorer>> ActiveScorer(Store& store, Status* unusable = nullptr) {
  auto scorer = ai::RiskScorer::LoadActive(store);
  if (scorer.ok()) return std::optional<ai::RiskScorer>(std::move(scorer).value());
  if (ai::ClassifyScorerLoadFailure(scorer.status(), unusable) == ai::ScorerLoadFailure::kError) {
    return scorer.status();
  }
  return std::optional<ai::RiskScorer>();
}

// "code: message" of an active model that could not be used.
std::string UnusableText(const Status& unusable) {
  return unusable.reason() + ": " + unusable.message();
}

// The warning line a command prints when the active model could not be used.
std::string UnusableModelLine(const Status& unusable) {
  return "warning: the active model cannot be used, so no scores were written (rules only): " +
         UnusableText(unusable) + "\n";
}

// JSON `model_unusable` of recommend and the payment events: "code: message", or null.
Json UnusableJson(const Status& unusable) {
  return unusable.ok() ? Json(nullptr) : Json(UnusableText(unusable));
}

Json RecommendJson(const enforce::RecommendResult& r) {
  Json ranked = Json::array();
  for (const enforce::Candidate& c : r.ranked) {
    ranked.push_back(
        Json{{"remedy", enforce::Name(c.remedy)},
             {"expected_effect", c.expected_effect < 0 ? Json(nullptr) : Json(c.expected_effect)},
             {"baseline_effect", c.baseline_effect < 0 ? Json(nullptr) : Json(c.baseline_effect)},
             {"evidence", c.evidence},
             {"rationale", c.rationale}});
  }
  Json ineligible = Json::array();
  for (const auto& [remedy, e] : r.ineligible) {
    Json item{{"remedy", enforce::Name(remedy)}, {"reason", e.reason}, {"text", e.text}};
    if (auto held = r.held_through.find(remedy); held != r.held_through.end()) {
      item["held_through"] = held->second.ToString();  // dismissed_recently
    }
    ineligible.push_back(std::move(item));
  }
  Json actions = Json::array();
  for (const Action& a : r.actions) actions.push_back(enforce::ToJson(a));
  return Json{{"case_id", CaseDisplayId(r.case_id)},
              {"obligor_id", PersonDisplayId(r.obligor)},
              {"as_of", r.as_of.ToString()},
              {"arrears", r.facts.arrears_total.ToString()},
              {"delinquent", r.facts.delinquent},
              {"risk_score_100", r.risk ? Json(r.risk->score) : Json(nullptr)},
              {"confidence", r.risk ? Json(r.risk->confidence) : Json(nullptr)},
              {"model_version", r.model_version},
              {"features_hash", r.features_hash},
              {"ranked", ranked},
              {"ineligible", ineligible},
              {"actions", actions},
              {"created", r.created}};
}

std::string RecommendText(const enforce::RecommendResult& r) {
  std::ostringstream t;
  t << CaseDisplayId(r.case_id) << "  obligor " << PersonDisplayId(r.obligor) << "  as of "
    << r.as_of.ToString() << "  arrears " << r.facts.arrears_total.ToString()
    << (r.facts.delinquent ? "  DELINQUENT" : "  not delinquent");
  if (r.risk) {
    t << "  risk " << r.risk->score << " (confidence " << Fixed(r.risk->confidence, 2) << ", model "
      << r.model_version << ")";
  } else {
    t << "  (no active model: rules only)";
  }
  t << "\nRecommended (awaiting approval):\n";
  if (r.actions.empty()) t << "  (none)\n";
  for (const Action& a : r.actions) {
    t << "  " << a.rank << ". " << ActionLine(a) << "     " << a.rationale << "\n";
  }
  if (r.created == 0 && !r.ranked.empty()) {
    const size_t shown = std::min<size_t>(r.ranked.size(), 5);
    t << "Ranking now (" << r.ranked.size() << " eligible"
      << (shown < r.ranked.size() ? ", showing " + std::to_string(shown) + " of " +
                                        std::to_string(r.ranked.size()) + " (--json lists all)"
                                  : std::string())
      << "; nothing new written):\n";
    for (size_t i = 0; i < shown; ++i) {
      t << "  " << (i + 1) << ". " << Pad(std::string(enforce::Name(r.ranked[i].remedy)), 22)
        << r.ranked[i].rationale << "\n";
    }
  }
  t << "Not eligible, or held back after a dismissal (dismissed_recently):\n";
  for (const auto& [remedy, e] : r.ineligible) {
    t << "  " << Pad(std::string(enforce::Name(remedy)), 22) << Pad(e.reason, 26) << e.text << "\n";
  }
  return t.str();
}

void AddRecommend(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand(
      "recommend", "Rank the eligible enforcement actions for a case and record them for approval");
  struct Args {
    std::string case_id;
    std::string as_of;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--case", a->case_id, "Case id (CASE-000042)")->required();
  cmd->add_option("--as-of", a->as_of, "Date of the facts, YYYY-MM-DD (default today)");
  cmd->footer(
      "Every remedy is checked against its rule (docs/ENFORCEMENT.md); the top eligible ones\n"
      "are written as 'recommended' actions with the model version, features hash and\n"
      "confidence. Nothing is executed: a person approves, modifies or dismisses each one\n"
      "with `opencse action`. While some await a decision, nothing new is written: the\n"
      "ranking is shown with the pending actions. A remedy dismissed on the case within\n"
      "workflow.dismissal_cooling_off_days (90) is held back (dismissed_recently) unless the\n"
      "arrears grew by more than a month's support or a new delinquency began. --as-of may\n"
      "not be before the last nightly run nor more than 7 days before today.");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto id = IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!id.ok()) return ctx.Fail(id.status());
      auto as_of = DateOrToday(ctx.clock(), "--as-of", a->as_of);
      if (!as_of.ok()) return ctx.Fail(as_of.status());
      Status unusable;
      auto scorer = ActiveScorer(ctx.store(), &unusable);
      if (!scorer.ok()) return ctx.Fail(scorer.status());
      enforce::RecommendOptions o;
      o.as_of = *as_of;
      o.scorer = *scorer ? &**scorer : nullptr;
      o.skip_if_pending = true;
      EnforcementService svc(ctx.store(), ctx.clock(), ctx.g.user);
      auto r = svc.Recommend(*id, o);
      if (!r.ok()) return ctx.Fail(r.status());
      Json j = RecommendJson(*r);
      j["model_unusable"] = UnusableJson(unusable);
      return ctx.Emit(j, (unusable.ok() ? "" : UnusableModelLine(unusable)) + RecommendText(*r));
    };
  });
}

void AddActionCmd(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("action", "Decide on and follow an enforcement action");
  cmd->require_subcommand(1);
  struct Args {
    std::string id;
    std::string by;
    std::string reason;
    std::string remedy;
    std::string date;
    std::string outcome;
  };
  auto a = std::make_shared<Args>();
  const auto transition = [&ctx, &action, a, cmd](const char* name, const char* help,
                                                  enforce::Transition t) {
    auto* sub = cmd->add_subcommand(name, help);
    sub->add_option("ID", a->id, "Action id (ACT-000001)")->required();
    sub->add_option("--by", a->by, "The app user deciding (a username; must hold the role)")
        ->required();
    sub->add_option("--reason", a->reason, "Why (required to dismiss, modify and withdraw)");
    sub->add_option("--date", a->date, "Date of the step, YYYY-MM-DD (default today)");
    if (t == enforce::Transition::kModify) {
      sub->add_option("--remedy", a->remedy, "The remedy chosen instead")->required();
    }
    if (t == enforce::Transition::kDecideContest) {
      sub->add_option("--outcome", a->outcome, "upheld (the action stands) or granted")->required();
    }
    sub->callback([&ctx, &action, a, t] {
      action = [&ctx, a, t]() -> int {
        if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) {
          return ctx.Fail(s);
        }
        auto id = ParseDisplayId("ACT", a->id);
        if (!id.ok()) return ctx.Fail(id.status().WithContext("ID"));
        enforce::DecisionRequest q;
        q.action_id = *id;
        q.transition = t;
        q.by = a->by;
        q.reason = a->reason;
        q.contest_outcome = a->outcome;
        if (!a->remedy.empty()) {
          auto r = enforce::ParseRemedy(a->remedy);
          if (!r.ok()) return ctx.Fail(r.status().WithContext("--remedy"));
          q.new_remedy = *r;
        }
        auto d = OptDateArg("--date", a->date);
        if (!d.ok()) return ctx.Fail(d.status());
        q.date = *d;
        // The decider acts on their own caseload only, as in the web app.
        auto target = ctx.store().GetEnforceAction(q.action_id);
        if (!target.ok()) return ctx.Fail(target.status());
        if (Status s = auth::CheckUserCaseload(ctx.store(), q.by, target->case_id); !s.ok()) {
          return ctx.Fail(s);
        }
        EnforcementService svc(ctx.store(), ctx.clock(), ctx.g.user);
        auto done = svc.Decide(q);
        if (!done.ok()) return ctx.Fail(done.status());
        return ctx.Emit(enforce::ToJson(*done), ActionLine(*done));
      };
    });
  };
  transition("approve", "Approve a recommended action", enforce::Transition::kApprove);
  transition("modify", "Approve a different remedy instead (--remedy, --reason)",
             enforce::Transition::kModify);
  transition("dismiss", "Dismiss a recommended action (--reason)", enforce::Transition::kDismiss);
  transition("notice", "Record the notice sent to the obligor (opens the contest window)",
             enforce::Transition::kSendNotice);
  transition("issue", "Issue an approved action (after the contest window)",
             enforce::Transition::kIssue);
  transition("comply", "Close an issued action: the obligor complied",
             enforce::Transition::kComply);
  transition("end", "Close an issued action: it ended (released, expired)",
             enforce::Transition::kEnd);
  transition("withdraw", "Withdraw an action that is moot or wrong (--reason)",
             enforce::Transition::kWithdraw);
  transition("contest", "Record a parent's contest (--reason: the grounds; 45-day review)",
             enforce::Transition::kContest);
  transition("decide-contest", "Record the review's decision (--outcome upheld|granted)",
             enforce::Transition::kDecideContest);
  struct OverrideArgs {
    std::string case_id;
    int score = 0;
    std::string by;
    std::string reason;
  };
  auto ov = std::make_shared<OverrideArgs>();
  auto* override_score = cmd->add_subcommand(
      "override-score", "Override a case's risk score with a reason (stands for 30 days)");
  override_score->add_option("--case", ov->case_id, "Case id (CASE-000042)")->required();
  override_score->add_option("--score", ov->score, "The score to use, 1-100")->required();
  override_score->add_option("--by", ov->by, "The staff user (caseworker or supervisor)")
      ->required();
  override_score->add_option("--reason", ov->reason, "Why (required; in the review report)");
  override_score->callback([&ctx, &action, ov] {
    action = [&ctx, ov]() -> int {
      auto id = IdArg<CaseId>("--case", "CASE", ov->case_id);
      if (!id.ok()) return ctx.Fail(id.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      EnforcementService svc(ctx.store(), ctx.clock(), ctx.g.user);
      if (Status s = svc.OverrideScore(*id, ov->score, ov->by, ov->reason); !s.ok()) {
        return ctx.Fail(s);
      }
      return ctx.Emit(Json{{"case_id", CaseDisplayId(*id)}, {"score", ov->score}, {"by", ov->by}},
                      CaseDisplayId(*id) + " risk score overridden to " +
                          std::to_string(ov->score) + " by " + ov->by + "\n");
    };
  });
  auto* show = cmd->add_subcommand("show", "Show one action, or every action of a case");
  show->add_option("ID", a->id, "Action id (ACT-000001) or case id (CASE-000042)")->required();
  show->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      std::vector<Action> list;
      if (a->id.rfind("CASE", 0) == 0 || a->id.rfind("case", 0) == 0) {
        auto id = IdArg<CaseId>("ID", "CASE", a->id);
        if (!id.ok()) return ctx.Fail(id.status());
        auto l = ctx.store().ListEnforceActionsByCase(*id);
        if (!l.ok()) return ctx.Fail(l.status());
        list = *l;
      } else {
        auto id = ParseDisplayId("ACT", a->id);
        if (!id.ok()) return ctx.Fail(id.status().WithContext("ID"));
        auto one = ctx.store().GetEnforceAction(*id);
        if (!one.ok()) return ctx.Fail(one.status());
        list.push_back(*one);
      }
      Json j = Json::array();
      std::ostringstream t;
      for (const Action& x : list) {
        j.push_back(enforce::ToJson(x));
        t << ActionLine(x) << "    " << x.rationale << "\n";
        if (!x.decided_by.empty()) {
          t << "    decided by " << x.decided_by << " at " << x.decided_at << ": "
            << x.decision_reason << "\n";
        }
        if (!x.last_note.empty()) {  // the reason of the latest step: a withdrawal's, say
          t << "    " << (x.state == enforce::ActionState::kWithdrawn ? "withdrawn" : "latest step")
            << (x.closed_date ? " on " + x.closed_date->ToString() : std::string()) << ": "
            << x.last_note << "\n";
        }
      }
      return ctx.Emit(j, t.str());
    };
  });
}

void AddStaff(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand(
      "staff", "Staff users and their roles (the web app's users; prefer `opencse user add`)");
  cmd->require_subcommand(1);
  struct Args {
    std::string user;
    std::string role;
    bool inactive = false;
  };
  auto a = std::make_shared<Args>();
  auto* add = cmd->add_subcommand(
      "add",
      "Add a user who cannot sign in to the web app, or change a user's role (--user must be "
      "an admin once one exists); people who sign in are added with `opencse user add`");
  add->add_option("USER", a->user, "User id")->required();
  add->add_option("--role", a->role,
                  "caseworker, supervisor, attorney, investigator, accounting_technician, admin")
      ->required();
  add->add_flag("--inactive", a->inactive, "Record the user as inactive (no longer acts)");
  auto* list = cmd->add_subcommand("list", "List staff users");
  add->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto role = enforce::ParseRole(a->role);
      if (!role.ok()) return ctx.Fail(role.status().WithContext("--role"));
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      EnforcementService svc(ctx.store(), ctx.clock(), ctx.g.user);
      if (Status s = svc.SetStaffUser({a->user, *role, !a->inactive}); !s.ok()) {
        return ctx.Fail(s);
      }
      return ctx.Emit(Json{{"user_id", a->user}, {"role", a->role}, {"active", !a->inactive}},
                      "staff " + a->user + " is " + a->role + "\n");
    };
  });
  list->callback([&ctx, &action] {
    action = [&ctx]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto users = ctx.store().ListStaffUsers();
      if (!users.ok()) return ctx.Fail(users.status());
      Json j = Json::array();
      std::ostringstream t;
      for (const enforce::StaffUser& u : *users) {
        j.push_back(
            Json{{"user_id", u.user_id}, {"role", enforce::Name(u.role)}, {"active", u.active}});
        t << Pad(u.user_id, 20) << Pad(std::string(enforce::Name(u.role)), 24)
          << (u.active ? "active" : "inactive") << "\n";
      }
      return ctx.Emit(j, t.str());
    };
  });
}

std::string ConfigText(const enforce::EnforcementConfig& c) {
  std::ostringstream t;
  const auto opt = [](const std::optional<Money>& m) { return m ? m->ToString() : "-"; };
  for (enforce::Remedy r : enforce::AllRemedies()) {
    const enforce::RemedyRule& x = c.rule(r);
    t << Pad(std::string(enforce::Name(r)), 22) << (x.enabled ? "on " : "off")
      << (x.ai_recommendations ? "  ai" : "  RULES ONLY") << "  >= " << opt(x.arrears_at_least)
      << "  > " << opt(x.arrears_more_than) << "  months " << x.arrears_months_at_least
      << "  notice " << (x.notice_required ? "yes" : "no") << "  contest " << x.contest_days
      << "d\n";
  }
  const enforce::WorkflowConfig& w = c.workflow;
  t << "workflow: outreach_risk_above " << w.outreach_risk_above << ", follow_up_days "
    << w.follow_up_days << ", enforcement_days " << w.enforcement_days
    << ", service_of_process_days " << w.service_of_process_days << ", admin_review_days "
    << w.admin_review_days << ", dismissal_cooling_off_days " << w.dismissal_cooling_off_days
    << "\n";
  return t.str();
}

void AddEnforce(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("enforce", "Enforcement configuration and fail-safe switches");
  cmd->require_subcommand(1);
  struct Args {
    std::string file;
    std::string remedy;
    std::string on_off;
    std::string reason;
  };
  auto a = std::make_shared<Args>();
  auto* config = cmd->add_subcommand("config", "Show the rules in force, or load a state file");
  config->add_option("--load", a->file, "A state configuration file (config/state.toml)");
  auto* sw = cmd->add_subcommand(
      "switch", "Turn AI recommendations for one remedy off (rules only) or back on");
  sw->add_option("REMEDY", a->remedy, "Remedy code (income_withholding, ...)")->required();
  sw->add_option("STATE", a->on_off, "on or off")->required()->check(CLI::IsMember({"on", "off"}));
  sw->add_option("--reason", a->reason, "Why (recorded in the audit trail)");
  config->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      if (!a->file.empty()) {
        std::ifstream in(a->file);
        if (!in) {
          return ctx.Fail(NotFound("config_file_not_found", "cannot read '" + a->file + "'"));
        }
        std::stringstream text;
        text << in.rdbuf();
        EnforcementService svc(ctx.store(), ctx.clock(), ctx.g.user);
        if (Status s = svc.LoadStateConfig(text.str()); !s.ok()) {
          return ctx.Fail(s.WithContext(a->file));
        }
      }
      auto c = enforce::LoadEnforcementConfig(ctx.store());
      if (!c.ok()) return ctx.Fail(c.status());
      Json remedies = Json::object();
      for (enforce::Remedy r : enforce::AllRemedies()) {
        const enforce::RemedyRule& x = c->rule(r);
        remedies[std::string(enforce::Name(r))] = Json{{"enabled", x.enabled},
                                                       {"ai_recommendations", x.ai_recommendations},
                                                       {"notice_required", x.notice_required},
                                                       {"contest_days", x.contest_days}};
      }
      return ctx.Emit(Json{{"remedies", remedies}}, ConfigText(*c));
    };
  });
  AddLearn(cmd, ctx, action);
  AddReport(cmd, ctx, action);
  sw->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto r = enforce::ParseRemedy(a->remedy);
      if (!r.ok()) return ctx.Fail(r.status().WithContext("REMEDY"));
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      EnforcementService svc(ctx.store(), ctx.clock(), ctx.g.user);
      if (Status s = svc.SetAiSwitch(*r, a->on_off == "on", a->reason); !s.ok()) {
        return ctx.Fail(s);
      }
      return ctx.Emit(Json{{"remedy", a->remedy}, {"ai_recommendations", a->on_off == "on"}},
                      "AI recommendations for " + a->remedy + " " + a->on_off + "\n");
    };
  });
}

std::string Pct(double v) { return Fixed(100 * v, 1) + "%"; }

Json PolicyJson(const enforce::PolicyScore& p) {
  return Json{{"decisions", p.decisions},           {"matched", p.matched},
              {"matched_paid", p.matched_paid},     {"paid_rate_when_matched", p.paid_rate()},
              {"mean_ladder_step", p.punitiveness}, {"month_choices", p.month_choices}};
}

std::string TableText(const enforce::EffectivenessTable& t) {
  std::ostringstream o;
  o << "payment within " << t.window_days << " days after each remedy, learned on "
    << t.learned_from << " (rate [n], vs similar obligors without it):\n";
  for (enforce::Remedy r : enforce::AllRemedies()) {
    int64_t n = 0;
    int64_t paid = 0;
    int64_t wn = 0;
    int64_t wpaid = 0;
    for (int p = 0; p < enforce::kProfileCount; ++p) {
      n += t.After(r, p).n;
      paid += t.After(r, p).paid;
      wn += t.Without(r, p).n;
      wpaid += t.Without(r, p).paid;
    }
    if (n == 0) continue;
    o << "  " << Pad(std::string(enforce::Name(r)), 22)
      << Pct(static_cast<double>(paid) / static_cast<double>(n)) << " [" << n << "]  vs "
      << Pct(wn ? static_cast<double>(wpaid) / static_cast<double>(wn) : 0) << " [" << wn << "]\n";
  }
  return o.str();
}

std::string Rate(int64_t part, int64_t whole) {
  return whole > 0 ? Pct(static_cast<double>(part) / static_cast<double>(whole)) : "-";
}

void AddReport(CLI::App* cmd, Context& ctx, std::function<int()>& action) {
  auto* report = cmd->add_subcommand(
      "report", "Review board report: accepted / modified / dismissed per month, outcomes");
  report->footer(
      "Per month of recommendation: decisions, the share accepted, overrides, contests, and\n"
      "the share of obligors who paid a month's support within 60 days after an accepted vs a\n"
      "dismissed recommendation (decisions older than the window only); then the overrides\n"
      "with who decided and why.");
  report->callback([&ctx, &action] {
    action = [&ctx]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto config = enforce::LoadEnforcementConfig(ctx.store());
      if (!config.ok()) return ctx.Fail(config.status());
      auto r = enforce::BuildReviewReport(ctx.store(), ctx.clock().Today(),
                                          config->workflow.effect_window_days);
      if (!r.ok()) return ctx.Fail(r.status());
      Json months = Json::array();
      std::ostringstream t;
      t << "month    recommended approved modified dismissed pending withdrawn accepted "
           "contested | paid 60d: accepted dismissed\n";
      for (const enforce::MonthReview& m : r->months) {
        const int64_t decided = m.approved + m.modified + m.dismissed;
        months.push_back(Json{{"month", m.month},
                              {"recommended", m.recommended},
                              {"approved", m.approved},
                              {"modified", m.modified},
                              {"dismissed", m.dismissed},
                              {"pending", m.pending},
                              {"withdrawn", m.withdrawn},
                              {"by_model", m.by_model},
                              {"by_rules", m.by_rules},
                              {"contested", m.contested},
                              {"contests_granted", m.contests_granted},
                              {"accepted_outcomes", m.accepted_outcomes},
                              {"accepted_paid", m.accepted_paid},
                              {"dismissed_outcomes", m.dismissed_outcomes},
                              {"dismissed_paid", m.dismissed_paid},
                              {"score_overrides", m.score_overrides}});
        t << Pad(m.month, 9) << Pad(std::to_string(m.recommended), 12)
          << Pad(std::to_string(m.approved), 9) << Pad(std::to_string(m.modified), 9)
          << Pad(std::to_string(m.dismissed), 10) << Pad(std::to_string(m.pending), 8)
          << Pad(std::to_string(m.withdrawn), 10) << Pad(Rate(m.approved, decided), 9)
          << Pad(std::to_string(m.contested), 10) << "| "
          << Pad(Rate(m.accepted_paid, m.accepted_outcomes), 9)
          << Rate(m.dismissed_paid, m.dismissed_outcomes) << "\n";
      }
      Json overrides = Json::array();
      if (!r->overrides.empty()) t << "overrides (newest first):\n";
      for (const enforce::Override& o : r->overrides) {
        overrides.push_back(enforce::ToJson(o.action));
        t << "  " << enforce::ActionDisplayId(o.action.id) << "  "
          << (o.action.state == enforce::ActionState::kDismissed
                  ? "dismissed " + std::string(enforce::Name(o.action.remedy))
                  : std::string(enforce::Name(*o.action.original_remedy)) + " -> " +
                        std::string(enforce::Name(o.action.remedy)))
          << "  by " << o.action.decided_by << " " << o.action.decided_at.substr(0, 10) << ": "
          << o.action.decision_reason << "\n";
      }
      Json scores = Json::array();
      if (!r->score_overrides.empty()) t << "score overrides:\n";
      for (const enforce::ScoreOverride& o : r->score_overrides) {
        const Json d = Json::parse(o.detail_json, nullptr, false);
        scores.push_back(Json{{"at", o.at}, {"by", o.by}, {"detail", d}});
        if (d.is_object()) {
          t << "  " << o.at.substr(0, 10) << "  " << d.value("case_id", "") << "  model "
            << d.value("model_score", "") << " -> " << d.value("score", 0) << "  by " << o.by
            << ": " << d.value("reason", "") << "\n";
        }
      }
      return ctx.Emit(
          Json{{"months", months}, {"overrides", overrides}, {"score_overrides", scores}}, t.str());
    };
  });
}

void AddLearn(CLI::App* cmd, Context& ctx, std::function<int()>& action) {
  struct Args {
    std::string as_of;
    std::string from;
    std::string split;
  };
  auto a = std::make_shared<Args>();
  auto* learn = cmd->add_subcommand(
      "learn", "Learn each remedy's effectiveness for similar profiles from the case history");
  learn->add_option("--as-of", a->as_of, "End of the history used (default today)");
  learn->add_option("--from", a->from, "Start of the history used (default 24 months before)");
  learn->add_option("--evaluate-from", a->split,
                    "Also evaluate: learn before this date, compare next best action with the "
                    "escalation ladder on the history after it (docs/MODEL_CARD.md)");
  learn->footer(
      "The table is stored (setting enforce.effect_table, audited) and used by `recommend`\n"
      "and the nightly batch to rank remedies: the least punitive one expected to work.\n"
      "Only an admin or supervisor (--user) may replace it, once an admin exists.");
  learn->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto to = DateOrToday(ctx.clock(), "--as-of", a->as_of);
      if (!to.ok()) return ctx.Fail(to.status());
      if (*to > ctx.clock().Today()) {
        return ctx.Fail(InvalidArgument(
            "date_in_future",
            "--as-of " + to->ToString() + " is after today " + ctx.clock().Today().ToString()));
      }
      auto from = a->from.empty() ? Result<Date>(to->AddMonths(-24)) : DateArg("--from", a->from);
      if (!from.ok()) return ctx.Fail(from.status());
      // The table ranks every recommendation: replacing it is a settings change (admin or
      // supervisor, as `enforce switch`), checked before the history is read.
      EnforcementService svc(ctx.store(), ctx.clock(), ctx.g.user);
      if (Status s = svc.MayStoreEffectTable(); !s.ok()) return ctx.Fail(s);
      auto config = enforce::LoadEnforcementConfig(ctx.store());
      if (!config.ok()) return ctx.Fail(config.status());
      auto ref = ai::LoadReference(ctx.store());
      if (!ref.ok()) return ctx.Fail(ref.status());
      Json out;
      std::ostringstream t;
      if (!a->split.empty()) {
        auto split = DateArg("--evaluate-from", a->split);
        if (!split.ok()) return ctx.Fail(split.status());
        auto ev = enforce::EvaluateRecommender(ctx.store(), *config, *from, *split, *to, {});
        if (!ev.ok()) return ctx.Fail(ev.status());
        t << "evaluation: learned " << from->ToString() << " to " << split->ToString()
          << ", held out " << split->ToString() << " to " << to->ToString() << "\n"
          << TableText(ev->table) << "held-out action events " << ev->logged_actions
          << ", followed by payment " << ev->logged_paid << "\n";
        for (const auto& [name, p] :
             {std::pair{"next best action", ev->nba}, std::pair{"escalation ladder", ev->ladder}}) {
          t << "  " << Pad(name, 20) << "matched " << p.matched << "/" << p.decisions
            << ", paid when matched " << Pct(p.paid_rate()) << ", mean ladder step "
            << Fixed(p.punitiveness, 2) << " over " << p.month_choices
            << " delinquent month ends\n";
        }
        t << "  next best action less punitive than the ladder on " << ev->less_punitive
          << " month ends, more punitive on " << ev->more_punitive << "\n";
        out["evaluation"] = Json{{"learn_from", from->ToString()},
                                 {"split", split->ToString()},
                                 {"to", to->ToString()},
                                 {"logged_actions", ev->logged_actions},
                                 {"logged_paid", ev->logged_paid},
                                 {"next_best_action", PolicyJson(ev->nba)},
                                 {"escalation_ladder", PolicyJson(ev->ladder)},
                                 {"less_punitive", ev->less_punitive},
                                 {"more_punitive", ev->more_punitive}};
      }
      auto table = enforce::LearnEffectiveness(ctx.store(), *ref, *from, *to,
                                               config->workflow.effect_window_days);
      if (!table.ok()) return ctx.Fail(table.status());
      if (table->empty()) {
        // Storing it would replace a learned table with one that knows nothing.
        return ctx.Fail(FailedPrecondition(
            "learn_no_history", "no enforcement action with an observable outcome between " +
                                    from->ToString() + " and " + to->ToString() +
                                    "; the stored table is unchanged"));
      }
      if (Status s = svc.StoreEffectTable(*table); !s.ok()) return ctx.Fail(s);
      t << "stored: " << TableText(*table);
      out["table"] = enforce::ToJson(*table);
      return ctx.Emit(out, t.str());
    };
  });
}

// A task as GET /v1/queue answers its item (routes.cc QueueItemJson: the same names and
// values; `task_id` beside the older `id`), with the worker and the action it is about. An
// outreach task's action is "outreach" with the channel's numbers as `channel_reason`
// (http::TaskActionOf; before 2026-12-05 `recommended_action` held both).
Json TaskJson(const enforce::Task& t) {
  const http::TaskAction action = http::TaskActionOf(t);
  // As the API: none stored is null, text that is not JSON is answered as text (before
  // 2026-12-05 both printed "<discarded>", which is not JSON).
  Json factors = t.key_factors.empty() ? Json(nullptr) : Json::parse(t.key_factors, nullptr, false);
  if (factors.is_discarded()) factors = t.key_factors;
  return Json{{"id", t.id},
              {"task_id", t.id},
              {"kind", t.kind},
              {"title", t.title},
              {"case_id", t.case_id.valid() ? Json(CaseDisplayId(t.case_id)) : Json(nullptr)},
              {"obligor_id", PersonDisplayId(t.obligor)},
              {"worker", t.worker},
              {"created", t.created.ToString()},
              {"priority", t.priority},
              {"risk_score", t.risk_score},
              {"amount_at_stake", t.amount_at_stake.ToString()},
              {"deadline", t.deadline ? Json(t.deadline->ToString()) : Json(nullptr)},
              {"follow_up", t.follow_up ? Json(t.follow_up->ToString()) : Json(nullptr)},
              {"flagged", t.flagged},
              {"recommended_action", action.action},
              {"channel", t.channel},
              {"channel_reason", action.channel_reason},
              {"message", t.message},
              {"key_factors", factors},
              {"action_id", t.action_id ? Json(enforce::ActionDisplayId(t.action_id)) : Json()}};
}

std::string TaskText(const enforce::Task& t) {
  std::ostringstream o;
  o << Fixed(t.priority, 1) << "  " << t.title << "  "
    << (t.case_id.valid() ? CaseDisplayId(t.case_id) : PersonDisplayId(t.obligor)) << "  risk "
    << t.risk_score << "  at stake " << t.amount_at_stake.ToString();
  if (t.deadline) o << "  deadline " << t.deadline->ToString();
  if (t.flagged) o << "  FOLLOW-UP DUE";
  const http::TaskAction action = http::TaskActionOf(t);
  o << "\n    recommended: " << action.action;
  if (t.action_id) o << " (" << enforce::ActionDisplayId(t.action_id) << ")";
  if (!t.channel.empty()) o << "  via " << t.channel;
  o << "\n";
  if (!action.channel_reason.empty()) {
    o << "    channel chosen by: " << action.channel_reason << "\n";
  }
  const Json factors = Json::parse(t.key_factors, nullptr, false);
  if (factors.is_array()) {
    for (const Json& f : factors) {
      o << "    " << (f.value("direction", "") == "increases_risk" ? "+ " : "- ")
        << f.value("text", "") << "\n";
    }
  }
  if (!t.message.empty()) o << "    " << t.message << "\n";
  return o.str();
}

void AddBatch(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("batch", "Batch jobs");
  cmd->require_subcommand(1);
  struct Args {
    std::string as_of;
    int64_t chunk = 2'000;
    int64_t max_chunks = 0;
    int threads = 2;
  };
  auto a = std::make_shared<Args>();
  auto* nightly = cmd->add_subcommand(
      "nightly", "Accrue, detect new delinquencies, score every active obligor, write tasks");
  nightly->add_option("--as-of", a->as_of, "The night's date YYYY-MM-DD")->required();
  nightly->add_option("--chunk", a->chunk, "Obligors per transaction")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000}))
      ->capture_default_str();
  nightly
      ->add_option("--threads", a->threads,
                   "Reader threads preparing chunks ahead of the one writer (0: the writer "
                   "reads too)")
      ->check(CLI::Range(0, 8))
      ->capture_default_str();
  nightly
      ->add_option("--max-chunks", a->max_chunks,
                   "Stop after this many chunks (resume with the same command)")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}));
  nightly->footer(
      "High risk (workflow.outreach_risk_above) -> Proactive Outreach task with message,\n"
      "channel and a follow-up date; delinquent -> ranked recommendations awaiting approval.\n"
      "Nothing substantive is executed. Re-running a date writes nothing new; an interrupted\n"
      "run resumes; a date before the last run is refused (docs/ENFORCEMENT.md).");
  nightly->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto as_of = DateArg("--as-of", a->as_of);
      if (!as_of.ok()) return ctx.Fail(as_of.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      // An active model this build cannot use (trained on another feature list, or altered)
      // must not stop the legal deadlines, tasks and recommendations: the batch runs rules-only
      // and says why, until the model is retrained or another activated.
      Status unusable;
      auto scorer = ActiveScorer(ctx.store(), &unusable);
      if (!scorer.ok()) return ctx.Fail(scorer.status());
      const Json model_unusable =
          unusable.ok() ? Json(nullptr)
                        : Json{{"code", unusable.reason()}, {"message", unusable.message()}};
      enforce::NightlyOptions o;
      o.as_of = *as_of;
      o.scorer = *scorer ? &**scorer : nullptr;
      o.obligors_per_chunk = a->chunk;
      o.max_chunks = a->max_chunks;
      o.reader_threads = a->threads;
      if (ctx.g.db != ":memory:") o.open_reader = SqliteStore::ConnectionOpener(ctx.g.db);
      const bool chatty = !ctx.g.json && isatty(2) == 1;
      o.progress = [chatty](const std::string& s) {
        if (chatty) std::cerr << "batch nightly: " << s << "\n";
      };
      auto r = enforce::RunNightly(ctx.store(), ctx.clock(), ctx.g.user, o);
      if (!r.ok()) return ctx.Fail(r.status());
      Json counts = Json::object();
      for (const auto& [k, v] : r->counts) counts[k] = v;
      Json seconds = Json::object();
      for (const auto& [k, v] : r->seconds) seconds[k] = v;
      std::ostringstream t;
      t << "nightly " << r->as_of.ToString() << ": "
        << (r->already_done ? "already done (nothing written)"
            : r->finished   ? (r->resumed ? "resumed and finished" : "finished")
                            : "stopped early (run again to resume)")
        << (o.scorer                   ? ""
            : model_unusable.is_null() ? " [no active model: rules only, no scores]"
                                       : " [active model unusable: rules only, no scores]")
        << "\n";
      if (!unusable.ok()) t << UnusableModelLine(unusable);
      for (const auto& [k, v] : r->counts) t << "  " << Pad(k, 22) << v << "\n";
      for (const auto& [k, v] : r->seconds) t << "  " << Pad(k + " s", 30) << Fixed(v, 2) << "\n";
      return ctx.Emit(Json{{"as_of", r->as_of.ToString()},
                           {"already_done", r->already_done},
                           {"resumed", r->resumed},
                           {"finished", r->finished},
                           {"counts", counts},
                           {"seconds", seconds},
                           {"model_unusable", model_unusable}},
                      t.str());
    };
  });
}

// The queue `worker` has signed in to the web app (GET /v1/queue, routes.cc CaseloadOffice):
// a caseworker's or supervisor's is limited to their office's cases (none without an office:
// no caseload), a supervisor's also holds the office's unassigned tasks; other roles' is
// statewide. A staff user with no sign-in account (`staff add` only) has no office.
// Errors: not_found "user_unknown"; the store's.
Result<std::optional<enforce::QueueScope>> QueueScopeOf(Store& store, const std::string& worker) {
  ASSIGN_OR_RETURN(std::optional<enforce::StaffUser> staff, store.GetStaffUser(worker));
  ASSIGN_OR_RETURN(std::optional<UserRecord> user, store.FindUserByName(worker));
  if (!staff && !user) return NotFound("user_unknown", "'" + worker + "' is not a staff user");
  std::string office;
  std::optional<auth::Role> role;
  if (user) {
    office = user->office;
    if (auto r = auth::ParseRole(user->role); r.ok()) role = *r;
  } else if (auto r = auth::ParseRole(enforce::Name(staff->role)); r.ok()) {
    role = *r;
  }
  if (!role) return std::optional<enforce::QueueScope>(enforce::QueueScope{worker, "", false});
  if (auth::HasNoCaseload(*role, office)) return std::optional<enforce::QueueScope>();
  return std::optional<enforce::QueueScope>(
      enforce::QueueScope{worker, auth::IsOfficeScoped(*role) ? office : std::string(),
                          *role == auth::Role::kSupervisor});
}

void AddQueue(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("queue", "A caseworker's open tasks, most urgent first");
  struct Args {
    std::string worker;
    int64_t limit = 50;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--worker", a->worker, "Staff user id (caseworker)")->required();
  cmd->add_option("--limit", a->limit, "At most this many tasks")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000}))
      ->capture_default_str();
  cmd->footer(
      "Priority = risk/100 x amount at stake (dollars) x 30 / days to the legal deadline\n"
      "(at least 1 day; no deadline counts as 30 days; a deadline alert's risk at least 50),\n"
      "recomputed for today; missed legal deadlines first. The same tasks in the same order\n"
      "as GET /v1/queue for the worker: their office's cases only, and for a supervisor the\n"
      "office's unassigned tasks too. Each task shows its key factors and the recommended\n"
      "action.");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto scope = QueueScopeOf(ctx.store(), a->worker);
      if (!scope.ok()) return ctx.Fail(scope.status());
      const Date today = ctx.clock().Today();
      std::vector<enforce::Task> tasks;
      if (*scope) {  // no office, no caseload: an empty queue, never the statewide one
        auto items = enforce::LoadTaskQueue(ctx.store(), **scope, today);
        if (!items.ok()) return ctx.Fail(items.status());
        for (enforce::QueueItem& item : *items) {
          if (static_cast<int64_t>(tasks.size()) == a->limit) break;
          if (item.listed) tasks.push_back(std::move(item.task));
        }
      }
      Json j = Json::array();
      std::ostringstream t;
      t << "queue of " << a->worker << " (" << tasks.size() << " shown), " << today.ToString()
        << (*scope ? "" : " (no office: no caseload)") << "\n";
      for (const enforce::Task& x : tasks) {
        j.push_back(TaskJson(x));
        t << TaskText(x);
      }
      return ctx.Emit(j, t.str());
    };
  });
}

}  // namespace

Result<std::pair<Json, std::string>> RunPaymentEvents(Context& ctx, CaseId case_id, Date date) {
  Status unusable;
  ASSIGN_OR_RETURN(std::optional<ai::RiskScorer> scorer, ActiveScorer(ctx.store(), &unusable));
  ASSIGN_OR_RETURN(enforce::PaymentEffects e,
                   enforce::OnPaymentPosted(ctx.store(), ctx.clock(), ctx.g.user,
                                            scorer ? &*scorer : nullptr, case_id, date));
  std::ostringstream t;
  if (!unusable.ok()) t << "  " << UnusableModelLine(unusable);
  if (e.risk) t << "  re-scored: risk " << e.risk->score << "\n";
  if (e.tasks_closed) t << "  outreach tasks closed: " << e.tasks_closed << "\n";
  if (e.tasks_refreshed) t << "  open tasks refreshed: " << e.tasks_refreshed << "\n";
  for (const Action& a : e.withdrawn) {
    t << "  withdrawn " << enforce::ActionDisplayId(a.id) << " " << enforce::Name(a.remedy) << ": "
      << a.last_note << "\n";
  }
  return std::pair<Json, std::string>(enforce::PaymentEffectsJson(e, unusable), t.str());
}

Result<std::pair<Json, std::string>> RunReversalEvents(Context& ctx, const std::string& key,
                                                       Date date) {
  Status unusable;
  ASSIGN_OR_RETURN(std::optional<ai::RiskScorer> scorer, ActiveScorer(ctx.store(), &unusable));
  ASSIGN_OR_RETURN(enforce::PaymentEffects e,
                   enforce::OnPaymentReversed(ctx.store(), ctx.clock(), ctx.g.user,
                                              scorer ? &*scorer : nullptr, key, date));
  std::ostringstream t;
  if (!unusable.ok()) t << "  " << UnusableModelLine(unusable);
  if (e.risk) t << "  re-scored: risk " << e.risk->score << "\n";
  if (e.tasks_refreshed) t << "  open tasks refreshed: " << e.tasks_refreshed << "\n";
  if (e.tasks_reopened) t << "  outreach tasks reopened: " << e.tasks_reopened << "\n";
  if (e.delinquency_restored) {
    t << "  delinquent again since " << e.delinquency_restored->ToString() << "\n";
  }
  for (const enforce::Action& a : e.recommended) {
    t << "  recommended " << enforce::ActionDisplayId(a.id) << " " << enforce::Name(a.remedy)
      << " on " << CaseDisplayId(a.case_id) << "\n";
  }
  return std::pair<Json, std::string>(enforce::PaymentEffectsJson(e, unusable), t.str());
}

namespace {

Result<std::pair<Json, std::string>> RunBulkPaymentEvents(
    Context& ctx, const std::vector<PaymentRequest>& posted) {
  Status unusable;
  ASSIGN_OR_RETURN(std::optional<ai::RiskScorer> scorer, ActiveScorer(ctx.store(), &unusable));
  std::vector<std::pair<CaseId, Date>> events;
  for (const PaymentRequest& r : posted) events.emplace_back(r.case_id, r.date);
  ASSIGN_OR_RETURN(enforce::BulkPaymentEffects e,
                   enforce::OnPaymentsPosted(ctx.store(), ctx.clock(), ctx.g.user,
                                             scorer ? &*scorer : nullptr, events));
  std::ostringstream t;
  if (!unusable.ok()) t << "  " << UnusableModelLine(unusable);
  t << "  enforcement: " << e.obligors << " obligor(s), " << e.rescored << " re-scored, "
    << e.tasks_closed << " outreach task(s) closed, " << e.tasks_refreshed
    << " open task(s) refreshed, " << e.withdrawn << " recommendation(s) withdrawn\n";
  return std::pair<Json, std::string>(Json{{"obligors", e.obligors},
                                           {"rescored", e.rescored},
                                           {"outreach_tasks_closed", e.tasks_closed},
                                           {"tasks_refreshed", e.tasks_refreshed},
                                           {"withdrawn", e.withdrawn},
                                           {"model_unusable", UnusableJson(unusable)}},
                                      t.str());
}

}  // namespace

std::string AddBulkPaymentEvents(Context& ctx, const std::vector<PaymentRequest>& posted,
                                 Json& report) {
  auto events = RunBulkPaymentEvents(ctx, posted);
  if (!events.ok()) {
    report["enforcement"] = Json{{"error", events.status().reason()}};
    return "  enforcement events failed: " + events.status().ToString() + "\n";
  }
  report["enforcement"] = std::move(events->first);
  return std::move(events->second);
}

void AddEnforcement(CLI::App& app, Context& ctx, std::function<int()>& action) {
  AddRecommend(app, ctx, action);
  AddActionCmd(app, ctx, action);
  AddStaff(app, ctx, action);
  AddEnforce(app, ctx, action);
  AddBatch(app, ctx, action);
  AddQueue(app, ctx, action);
}

}  // namespace cse::cli
