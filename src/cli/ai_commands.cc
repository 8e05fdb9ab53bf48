// File: cli/ai_commands.cc
//
// `opencse model train|activate|evaluate|list` and `opencse score` (docs/MODEL_CARD.md).
#include <CLI/CLI.hpp>

#include <iomanip>
#include <sstream>

#include "ai/monitoring.h"
#include "ai/risk_model.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "service/case_open_on.h"
#include "service/staff_rule.h"
#include "sim/groups.h"

namespace cse::cli {
namespace {

std::string Percent(double v) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(3) << v;
  return o.str();
}

std::string MetricsLine(const std::string& name, const ai::Metrics& m) {
  std::ostringstream o;
  o << "  " << Pad(name, 24) << "AUC " << Percent(m.auc) << "  PR AUC " << Percent(m.pr_auc)
    << "  Brier " << Percent(m.brier) << "  ECE " << Percent(m.ece) << "  top-10% precision "
    << Percent(m.top10_precision) << " recall " << Percent(m.top10_recall) << "\n";
  return o.str();
}

Json ScoreJson(const ai::RiskScore& s, CaseId case_id, PersonId obligor, Date as_of,
               const std::string& version) {
  Json factors = Json::array();
  for (const ai::KeyFactor& k : s.key_factors) {
    factors.push_back(Json{{"code", k.code},
                           {"text", k.text},
                           {"direction", k.raises_risk ? "increases_risk" : "decreases_risk"},
                           {"contribution", k.contribution}});
  }
  return Json{{"case_id", case_id.valid() ? Json(CaseDisplayId(case_id)) : Json(nullptr)},
              {"obligor_id", PersonDisplayId(obligor)},
              {"as_of", as_of.ToString()},
              {"risk_score", s.probability},
              {"risk_score_100", s.score},
              {"risk_tier", std::string(ai::Name(s.tier))},
              {"recommended_action", nullptr},
              {"confidence", s.confidence},
              {"key_factors", factors},
              {"model_version", version}};
}

}  // namespace

void AddModel(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("model", "The delinquency risk model (docs/MODEL_CARD.md)");
  cmd->require_subcommand(1);
  auto* train = cmd->add_subcommand(
      "train",
      "Train, calibrate and evaluate a model on the history up to --as-of, register it and "
      "activate it (unless --no-activate)");
  train->footer(
      "Activating needs --user to be an active admin or supervisor (once an active admin\n"
      "exists) and the model to pass the quality gate on its held-out months: test AUC at\n"
      "least 0.70 and the two-missed-months rule's, ECE at most 0.10, AUC no more than 0.02\n"
      "below the active model's. Otherwise nothing is written; register with --no-activate,\n"
      "or override the gate with --force --reason TEXT (audited). docs/MODEL_CARD.md.");
  auto* activate = cmd->add_subcommand(
      "activate", "Make a registered model the one in use (a later activation or a rollback)");
  activate->footer(
      "Example: opencse --user supervisor1 model activate risk-2025-05-31-1a2b3c4d \\\n"
      "           --reason \"roll back: the June model flags too many cases\"\n"
      "Needs --user to be an active admin or supervisor (once an active admin exists). The\n"
      "model must load (same feature list, content hash intact), not be trained on data after\n"
      "today, and pass the quality gate's floors (test AUC >= 0.70 and the rule's, ECE <=\n"
      "0.10) unless --force. Audited as model.activate with the user, the reason and the\n"
      "previous version. Activating the active model changes nothing. `opencse model list`\n"
      "shows the versions.");
  auto* evaluate = cmd->add_subcommand("evaluate", "Show a model's held-out metrics vs baselines");
  auto* list = cmd->add_subcommand("list", "List registered models (the active one marked)");
  struct Args {
    std::string as_of;
    bool no_activate = false;
    bool force = false;
    bool no_monotone = false;
    std::string reason;
    int rounds = 100;
    int max_depth = 6;
    double eta = 0.1;
    std::string version;
    std::string drift_as_of;
  };
  auto a = std::make_shared<Args>();
  train->add_option("--as-of", a->as_of, "End of the data used (default today; not after today)");
  train->add_flag("--no-activate", a->no_activate, "Register the model without activating it");
  train->add_flag("--force", a->force,
                  "Activate even when the model fails the quality gate (needs --reason)");
  train->add_option("--reason", a->reason, "Why it is activated (recorded in the audit trail)");
  train->add_flag("--no-monotone", a->no_monotone,
                  "Train without the monotone constraints on the payment features");
  activate->add_option("VERSION", a->version, "The model version (opencse model list)")->required();
  activate->add_option("--reason", a->reason, "Why (recorded in the audit trail)")->required();
  activate->add_flag("--force", a->force,
                     "Activate even when the model fails the quality gate's floors");
  train->add_option("--rounds", a->rounds, "Boosting rounds")
      ->check(CLI::Range(1, 2000))
      ->capture_default_str();
  train->add_option("--max-depth", a->max_depth, "Tree depth")
      ->check(CLI::Range(1, 12))
      ->capture_default_str();
  train->add_option("--eta", a->eta, "Learning rate")
      ->check(CLI::Range(0.001, 1.0))
      ->capture_default_str();
  evaluate->add_option("--version", a->version, "Model version (default: the active model)");
  evaluate->add_option("--drift-as-of", a->drift_as_of,
                       "Also compare the population on this date with the training data (PSI)");
  train->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (a->force) {
        if (Status s = ValidateReason(a->reason, "--force the activation (audited)"); !s.ok()) {
          return ctx.Fail(s);
        }
      }
      if (a->force && a->no_activate) {
        return ctx.Fail(InvalidArgument("force_without_activate",
                                        "--force overrides the activation gate; drop it with "
                                        "--no-activate"));
      }
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      ai::TrainOptions o;
      auto as_of = DateOrToday(ctx.clock(), "--as-of", a->as_of);
      if (!as_of.ok()) return ctx.Fail(as_of.status());
      // Labels of month ends after today are windows that have not happened yet.
      if (Status s = ai::CheckNotAfterToday("--as-of", *as_of, ctx.clock().Today()); !s.ok()) {
        return ctx.Fail(s);
      }
      // Refuse before the minutes of training, not after.
      if (!a->no_activate) {
        if (Status s = ai::CheckModelSteward(ctx.store(), ctx.g.user); !s.ok()) return ctx.Fail(s);
      }
      o.as_of = *as_of;
      o.params.rounds = a->rounds;
      o.params.max_depth = a->max_depth;
      o.params.eta = a->eta;
      o.monotone_payments = !a->no_monotone;
      const bool chatty = !ctx.g.json && isatty(2) == 1;
      auto report = ai::TrainRiskModel(ctx.store(), o, [&](const std::string& s) {
        if (chatty) std::cerr << "model train: " << s << "\n";
      });
      if (!report.ok()) return ctx.Fail(report.status());
      const std::string version = report->model.version;
      const Json metrics = Json::parse(report->model.metrics_json);
      ai::RegisterOptions ro;
      ro.activate = !a->no_activate;
      ro.reason = a->reason;
      if (a->force) ro.force_reason = a->reason;
      if (Status s = ai::RegisterRiskModel(ctx.store(), ctx.clock(), ctx.g.user, report->model, ro);
          !s.ok()) {
        return ctx.Fail(s);
      }
      std::ostringstream t;
      t << "model " << version << (a->no_activate ? " registered" : " registered and active")
        << "\n  train " << report->model.train_from.ToString() << " to "
        << report->model.train_to.ToString() << " (" << report->train_rows << " rows), calibrate "
        << report->model.calibration_from.ToString() << " to "
        << report->model.calibration_to.ToString() << ", test "
        << report->model.test_from.ToString() << " to " << report->model.test_to.ToString() << " ("
        << report->model_test.rows << " rows, " << report->model_test.positives << " delinquent)\n";
      t << MetricsLine("model (calibrated)", report->model_test);
      t << MetricsLine("rule: 2 missed months", report->rule_test);
      t << MetricsLine("logistic scorecard", report->scorecard_test);
      t << "  rule flag (2+ consecutive missed months): precision "
        << Percent(report->rule_flag_precision) << " recall " << Percent(report->rule_flag_recall)
        << " of " << Percent(report->rule_flag_rate) << " flagged\n";
      return ctx.Emit(Json{{"version", version},
                           {"active", !a->no_activate},
                           {"train_from", report->model.train_from.ToString()},
                           {"train_to", report->model.train_to.ToString()},
                           {"test_from", report->model.test_from.ToString()},
                           {"test_to", report->model.test_to.ToString()},
                           {"metrics", metrics}},
                      t.str());
    };
  });
  evaluate->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      std::optional<Date> drift_day;
      if (!a->drift_as_of.empty()) {
        auto d = DateArg("--drift-as-of", a->drift_as_of);
        if (!d.ok()) return ctx.Fail(d.status());
        if (Status s = ai::CheckNotAfterToday("--drift-as-of", *d, ctx.clock().Today()); !s.ok()) {
          return ctx.Fail(s);
        }
        drift_day = *d;
      }
      Result<RiskModelRecord> m = Internal("x", "x");
      if (a->version.empty()) {
        auto active = ctx.store().GetActiveRiskModel();
        if (!active.ok()) return ctx.Fail(active.status());
        if (!*active) {
          return ctx.Fail(FailedPrecondition("model_none_active", "no risk model is active"));
        }
        m = **active;
      } else {
        m = ctx.store().GetRiskModel(a->version);
      }
      if (!m.ok()) return ctx.Fail(m.status());
      // A model this build cannot load, or whose stored content changed, is reported as such.
      if (Status s = ai::RiskScorer::FromRecord(*m).status(); !s.ok()) return ctx.Fail(s);
      const Json metrics = Json::parse(m->metrics_json, nullptr, false);
      std::ostringstream t;
      t << "model " << m->version << (m->active ? " (active)" : "") << ", data to "
        << m->data_as_of.ToString() << ", test months " << m->test_from.ToString() << " to "
        << m->test_to.ToString() << "\n";
      if (metrics.is_object()) {
        for (const auto& [name, label] : std::vector<std::pair<std::string, std::string>>{
                 {"test", "model (calibrated)"},
                 {"rule_two_missed_months", "rule: 2 missed months"},
                 {"logistic_scorecard", "logistic scorecard"}}) {
          const Json& j = metrics[name];
          ai::Metrics x;
          x.auc = j.value("roc_auc", 0.0);
          x.pr_auc = j.value("pr_auc", 0.0);
          x.brier = j.value("brier", 0.0);
          x.ece = j.value("ece", 0.0);
          x.top10_precision = j.value("top10_precision", 0.0);
          x.top10_recall = j.value("top10_recall", 0.0);
          t << MetricsLine(label, x);
        }
      }
      Json out{{"version", m->version},
               {"active", m->active},
               {"data_hash", m->data_hash},
               {"params", Json::parse(m->params_json, nullptr, false)},
               {"metrics", metrics}};
      auto groups = sim::ObligorGroups(ctx.store());
      if (!groups.ok()) return ctx.Fail(groups.status());
      if (!groups->empty()) {
        auto fair = ai::EvaluateFairness(ctx.store(), *m, *groups);
        if (!fair.ok()) return ctx.Fail(fair.status());
        Json rows = Json::array();
        t << "fairness on the test months (HIGH tier: score above " << fair->high_above
          << ", the cut-off in force; groups are never model inputs):\n";
        for (const ai::GroupFairness& g : fair->groups) {
          rows.push_back(Json{{"group", g.group},
                              {"n", g.n},
                              {"high_rate", g.high_rate},
                              {"tpr", g.tpr},
                              {"fpr", g.fpr}});
          t << "  " << Pad(g.group, 10) << "n " << g.n << "  HIGH rate " << Percent(g.high_rate)
            << "  TPR " << Percent(g.tpr) << "  FPR " << Percent(g.fpr) << "\n";
        }
        t << "  four-fifths ratio " << Percent(fair->four_fifths_ratio)
          << (fair->adverse_impact ? "  ADVERSE IMPACT (below 0.8)" : "  (at least 0.8)") << "\n";
        out["fairness"] = Json{{"high_above", fair->high_above},
                               {"groups", rows},
                               {"four_fifths_ratio", fair->four_fifths_ratio},
                               {"adverse_impact", fair->adverse_impact}};
      }
      if (drift_day) {
        auto drift = ai::EvaluateDrift(ctx.store(), *m, *drift_day);
        if (!drift.ok()) return ctx.Fail(drift.status());
        Json features = Json::object();
        t << "drift on " << drift_day->ToString()
          << " vs the training months (PSI; > 0.25 flagged):\n";
        for (const ai::Drift& x : drift->features) {
          features[x.name] = x.psi;
          if (x.flagged) t << "  FLAGGED " << x.name << " " << Percent(x.psi) << "\n";
        }
        t << "  risk_score " << Percent(drift->score.psi)
          << (drift->score.flagged ? " FLAGGED" : "") << "\n  "
          << (drift->any_flagged ? "shift detected" : "no major shift") << " ("
          << drift->reference_rows << " reference rows, " << drift->current_rows << " current)\n";
        out["drift"] = Json{{"as_of", drift_day->ToString()},
                            {"features", features},
                            {"score_psi", drift->score.psi},
                            {"any_flagged", drift->any_flagged}};
      }
      return ctx.Emit(out, t.str());
    };
  });
  activate->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto r = ai::ActivateRegisteredModel(ctx.store(), ctx.clock(), ctx.g.user, a->version,
                                           a->reason, a->force);
      if (!r.ok()) return ctx.Fail(r.status());
      std::ostringstream t;
      if (r->already_active) {
        t << "model " << r->version << " is already the active model; nothing changed\n";
      } else {
        t << "model " << r->version << " is now active"
          << (r->previous.empty() ? std::string(" (no model was active)")
                                  : " (was " + r->previous + ")")
          << "\n";
      }
      return ctx.Emit(Json{{"version", r->version},
                           {"active", true},
                           {"previous", r->previous.empty() ? Json(nullptr) : Json(r->previous)},
                           {"changed", !r->already_active}},
                      t.str());
    };
  });
  list->callback([&ctx, &action] {
    action = [&ctx]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto models = ctx.store().ListRiskModels();
      if (!models.ok()) return ctx.Fail(models.status());
      Json j = Json::array();
      std::ostringstream t;
      for (const RiskModelRecord& m : *models) {
        const Json metrics = Json::parse(m.metrics_json, nullptr, false);
        const double auc = metrics.is_object() ? metrics["test"].value("roc_auc", 0.0) : 0.0;
        j.push_back(Json{{"version", m.version},
                         {"active", m.active},
                         {"created_at", m.created_at},
                         {"created_by", m.created_by},
                         {"data_as_of", m.data_as_of.ToString()},
                         {"test_auc", auc}});
        t << (m.active ? "* " : "  ") << m.version << "  created " << m.created_at << " by "
          << m.created_by << "  test AUC " << Percent(auc) << "\n";
      }
      if (models->empty()) t << "no models; train one with: opencse model train\n";
      return ctx.Emit(j, t.str());
    };
  });
}

void AddScore(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand(
      "score", "Delinquency risk (30 days) of a case's obligor, or of every active obligor");
  struct Args {
    std::string case_id;
    bool all = false;
    std::string as_of;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--case", a->case_id, "Case id (CASE-000042)");
  cmd->add_flag("--all", a->all, "Score every active obligor and record the scores");
  cmd->add_option("--as-of", a->as_of, "Date YYYY-MM-DD (default today)");
  cmd->footer(
      "One score's JSON: {case_id, obligor_id, as_of, risk_score (0-1), risk_score_100,\n"
      "risk_tier, recommended_action (null until recommendations land), confidence,\n"
      "key_factors: [{code, text, direction, contribution}], model_version}.\n"
      "Every score is recorded with its model version, features and their hash.");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (a->all && !a->case_id.empty()) {
        return ctx.Fail(InvalidArgument("score_target_conflict",
                                        "--case and --all exclude each other; give one"));
      }
      if (!a->all && a->case_id.empty()) {
        return ctx.Fail(InvalidArgument("score_target_missing", "give --case ID or --all"));
      }
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto as_of_arg = DateOrToday(ctx.clock(), "--as-of", a->as_of);
      if (!as_of_arg.ok()) return ctx.Fail(as_of_arg.status());
      const Date as_of = *as_of_arg;
      const std::string at = ctx.clock().NowIso();
      if (Status s = ai::CheckScoreDate(as_of, at); !s.ok()) return ctx.Fail(s);
      auto scorer = ai::RiskScorer::LoadActive(ctx.store());
      if (!scorer.ok()) return ctx.Fail(scorer.status());
      auto ref = ai::LoadReference(ctx.store());
      if (!ref.ok()) return ctx.Fail(ref.status());
      if (!a->all) {
        auto id = IdArg<CaseId>("--case", "CASE", a->case_id);
        if (!id.ok()) return ctx.Fail(id.status());
        auto c = ctx.store().GetCase(*id);
        if (!c.ok()) return ctx.Fail(c.status());
        // Closed on the as-of date, not today (docs/ARCHITECTURE.md §5.6).
        if (Status s = CheckCaseOpenOn(ctx.store(), *c, as_of, "the as-of date"); !s.ok()) {
          return ctx.Fail(s);
        }
        auto orders = ctx.store().ListOrdersByCase(*id);
        if (!orders.ok()) return ctx.Fail(orders.status());
        if (orders->empty()) {
          return ctx.Fail(FailedPrecondition("case_has_no_order",
                                             CaseDisplayId(*id) + " has no support order"));
        }
        if (Status s = ctx.store().Begin(); !s.ok()) return ctx.Fail(s);
        auto score = ai::ScoreAndRecord(ctx.store(), *ref, *scorer, c->obligor, *id, as_of, at);
        if (!score.ok()) {
          ctx.store().Rollback();
          return ctx.Fail(score.status());
        }
        if (Status s = ctx.store().Commit(); !s.ok()) return ctx.Fail(s);
        std::ostringstream t;
        t << CaseDisplayId(*id) << "  obligor " << PersonDisplayId(c->obligor) << "  as of "
          << as_of.ToString() << "  risk " << score->score << " " << ai::Name(score->tier)
          << "  (p " << Percent(score->probability) << ", confidence " << Percent(score->confidence)
          << ", model " << scorer->version() << ")\n";
        for (const ai::KeyFactor& k : score->key_factors) {
          t << "  " << (k.raises_risk ? "+ " : "- ") << k.text << "  [" << k.code << "]\n";
        }
        return ctx.Emit(ScoreJson(*score, *id, c->obligor, as_of, scorer->version()), t.str());
      }
      if (Status s = ctx.store().Begin(); !s.ok()) return ctx.Fail(s);
      auto counts = ai::ScoreAll(ctx.store(), *ref, *scorer, as_of, at);
      if (!counts.ok()) {
        ctx.store().Rollback();
        return ctx.Fail(counts.status());
      }
      if (Status s = ctx.store().Commit(); !s.ok()) return ctx.Fail(s);
      const int64_t scored = counts->scored;
      const int64_t inactive = counts->inactive;
      const int64_t* tiers = counts->by_tier;
      std::ostringstream t;
      t << "scored " << scored << " active obligors as of " << as_of.ToString() << " with "
        << scorer->version() << ": HIGH " << tiers[2] << ", MEDIUM " << tiers[1] << ", LOW "
        << tiers[0] << " (" << inactive << " without an order or arrears skipped)\n";
      return ctx.Emit(
          Json{{"as_of", as_of.ToString()},
               {"model_version", scorer->version()},
               {"scored", scored},
               {"skipped_inactive", inactive},
               {"tiers", {{"HIGH", tiers[2]}, {"MEDIUM", tiers[1]}, {"LOW", tiers[0]}}}},
          t.str());
    };
  });
}

}  // namespace cse::cli
