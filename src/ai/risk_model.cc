#include "ai/risk_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <set>

#include "ai/logistic.h"
#include "ai/metrics.h"
#include "crypto/sha256.h"
#include "domain/validate.h"
#include "service/audit.h"
#include "service/json.h"
#include "service/ledger_service.h"
#include "service/staff_rule.h"

namespace cse::ai {
namespace {

constexpr double kTopFraction = 0.10;

Json FeatureListJson() {
  Json j = Json::array();
  for (std::string_view n : FeatureNames()) j.push_back(std::string(n));
  return j;
}

std::string HashFloats(const std::vector<float>& x, const std::vector<int>& y) {
  std::string bytes(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float));
  bytes.append(reinterpret_cast<const char*>(y.data()), y.size() * sizeof(int));
  return Sha256Hex(bytes);
}

Result<Metrics> Evaluate(const std::vector<double>& scores, const std::vector<double>& probs,
                         const std::vector<int>& labels) {
  Metrics m;
  m.rows = static_cast<int64_t>(labels.size());
  for (int l : labels) m.positives += l;
  ASSIGN_OR_RETURN(m.auc, RocAuc(scores, labels));
  ASSIGN_OR_RETURN(m.pr_auc, PrAuc(scores, labels));
  ASSIGN_OR_RETURN(m.brier, BrierScore(probs, labels));
  ASSIGN_OR_RETURN(m.ece, ExpectedCalibrationError(probs, labels));
  ASSIGN_OR_RETURN(TopFraction top, AtTopFraction(scores, labels, kTopFraction));
  m.top10_precision = top.precision;
  m.top10_recall = top.recall;
  return m;
}

Json MetricsJson(const Metrics& m) {
  return Json{{"rows", m.rows},
              {"positives", m.positives},
              {"roc_auc", m.auc},
              {"pr_auc", m.pr_auc},
              {"brier", m.brier},
              {"ece", m.ece},
              {"top10_precision", m.top10_precision},
              {"top10_recall", m.top10_recall}};
}

struct Split {
  std::vector<Example> train;
  std::vector<Example> calibration;
  std::vector<Example> test;
  std::vector<Date> train_months;
  std::vector<Date> calibration_months;
  std::vector<Date> test_months;
};

Result<Split> SplitByMonth(std::vector<Example> examples, const TrainOptions& o) {
  std::set<Date> month_set;
  for (const Example& e : examples) month_set.insert(e.as_of);
  std::vector<Date> months(month_set.begin(), month_set.end());
  const int usable = static_cast<int>(months.size()) - o.warmup_months;
  if (usable < o.test_months + o.calibration_months + 3) {
    return FailedPrecondition(
        "model_not_enough_history",
        "the data hold " + std::to_string(months.size()) + " labelled month ends up to " +
            o.as_of.ToString() + "; training needs " +
            std::to_string(o.warmup_months + o.calibration_months + o.test_months + 3));
  }
  Split s;
  const size_t first = static_cast<size_t>(o.warmup_months);
  const size_t test_start = months.size() - static_cast<size_t>(o.test_months);
  const size_t calibration_start = test_start - static_cast<size_t>(o.calibration_months);
  for (size_t i = first; i < months.size(); ++i) {
    (i >= test_start          ? s.test_months
     : i >= calibration_start ? s.calibration_months
                              : s.train_months)
        .push_back(months[i]);
  }
  for (Example& e : examples) {
    if (e.as_of < months[first]) continue;
    if (e.as_of >= months[test_start]) {
      s.test.push_back(std::move(e));
    } else if (e.as_of >= months[calibration_start]) {
      s.calibration.push_back(std::move(e));
    } else {
      s.train.push_back(std::move(e));
    }
  }
  return s;
}

std::vector<double> Margins(const Forest& forest, const std::vector<Example>& rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (const Example& e : rows) out.push_back(Margin(forest, e.x.data()));
  return out;
}

}  // namespace

std::string_view Name(Tier t) {
  switch (t) {
    case Tier::kLow:
      return "LOW";
    case Tier::kMedium:
      return "MEDIUM";
    case Tier::kHigh:
      return "HIGH";
  }
  return "LOW";
}

int ScoreFromProbability(double p) {
  const double s = std::ceil(p * 100.0 - 1e-9);
  return static_cast<int>(std::clamp(s, 1.0, 100.0));
}

Tier TierOf(int score, const TierCutoffs& c) {
  if (score > c.high_above) return Tier::kHigh;
  if (score > c.medium_above) return Tier::kMedium;
  return Tier::kLow;
}

std::string PaymentMonotoneConstraints() {
  std::array<int, kFeatureCount> c{};
  for (Feature f : {Feature::kPaidRatio1m, Feature::kPaidRatio3m, Feature::kPaidRatio6m,
                    Feature::kPaidRatio12m, Feature::kPrepaidMonths}) {
    c[static_cast<size_t>(f)] = -1;
  }
  for (Feature f : {Feature::kDaysSinceLastPayment}) {
    c[static_cast<size_t>(f)] = 1;
  }
  std::string out = "(";
  for (size_t i = 0; i < c.size(); ++i) out += (i ? "," : "") + std::to_string(c[i]);
  return out + ")";
}

Result<TrainReport> TrainRiskModel(Store& store, const TrainOptions& options,
                                   const std::function<void(const std::string&)>& progress) {
  TrainOptions o = options;
  if (o.monotone_payments && o.params.monotone_constraints.empty()) {
    o.params.monotone_constraints = PaymentMonotoneConstraints();
  }
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  ASSIGN_OR_RETURN(Reference ref, LoadReference(store));
  // Month ends whose label window is over by the as-of date.
  Date last = o.as_of.MonthEnd() == o.as_of ? o.as_of : o.as_of.MonthStart().AddDays(-1);
  while (LabelHorizon(last) > o.as_of) last = last.MonthStart().AddDays(-1);
  const std::vector<Date> month_ends = MonthEnds(last.AddMonths(-36), last);
  say("building examples for " + std::to_string(month_ends.size()) + " month ends to " +
      last.ToString());
  ASSIGN_OR_RETURN(std::vector<Example> examples, BuildExamples(store, ref, month_ends));
  ASSIGN_OR_RETURN(Split split, SplitByMonth(std::move(examples), o));
  const std::vector<float> x_train = FeatureMatrix(split.train);
  const std::vector<int> y_train = Labels(split.train);
  const int64_t positives = std::count(y_train.begin(), y_train.end(), 1);
  if (positives == 0 || positives == static_cast<int64_t>(y_train.size())) {
    return FailedPrecondition("model_single_class",
                              "every training label is " + std::to_string(y_train.front()));
  }
  say("training on " + std::to_string(split.train.size()) + " examples");
  std::vector<float> y_float(y_train.begin(), y_train.end());
  ASSIGN_OR_RETURN(Booster booster, Booster::Train(x_train.data(), split.train.size(),
                                                   kFeatureCount, y_float.data(), o.params));
  ASSIGN_OR_RETURN(std::string booster_json, booster.SaveJson());
  ASSIGN_OR_RETURN(Forest forest, ForestFromXgboostJson(booster_json));

  say("calibrating on " + std::to_string(split.calibration.size()) + " examples");
  ASSIGN_OR_RETURN(
      IsotonicCalibrator calibrator,
      IsotonicCalibrator::Fit(Margins(forest, split.calibration), Labels(split.calibration)));

  say("evaluating on " + std::to_string(split.test.size()) + " examples");
  const std::vector<int> y_test = Labels(split.test);
  TrainReport report;
  {
    const std::vector<double> margins = Margins(forest, split.test);
    std::vector<double> probs;
    for (double m : margins) probs.push_back(calibrator.Apply(m));
    ASSIGN_OR_RETURN(report.model_test, Evaluate(probs, probs, y_test));
  }
  {
    // The rule: two or more consecutive missed months. Its score is the count.
    std::vector<double> counts;
    std::vector<double> flags;
    std::vector<bool> flagged;
    for (const Example& e : split.test) {
      const double n = static_cast<double>(At(e.x, Feature::kConsecutiveMissedMonths));
      counts.push_back(n);
      flags.push_back(n >= 2 ? 1.0 : 0.0);
      flagged.push_back(n >= 2);
    }
    ASSIGN_OR_RETURN(report.rule_test, Evaluate(counts, flags, y_test));
    ASSIGN_OR_RETURN(ConfusionRates rates, ComputeConfusionRates(flagged, y_test));
    const double flagged_n = rates.positive_rate * static_cast<double>(rates.n);
    report.rule_flag_rate = rates.positive_rate;
    report.rule_flag_recall = rates.tpr;
    report.rule_flag_precision =
        flagged_n > 0 ? rates.tpr * static_cast<double>(rates.positives) / flagged_n : 0.0;
  }
  {
    ASSIGN_OR_RETURN(LogisticModel scorecard,
                     FitLogistic(x_train, split.train.size(), kFeatureCount, y_train));
    std::vector<double> probs;
    for (const Example& e : split.test) probs.push_back(PredictProbability(scorecard, e.x.data()));
    ASSIGN_OR_RETURN(report.scorecard_test, Evaluate(probs, probs, y_test));
  }
  report.train_rows = static_cast<int64_t>(split.train.size());
  report.calibration_rows = static_cast<int64_t>(split.calibration.size());

  RiskModelRecord& m = report.model;
  m.data_as_of = o.as_of;
  m.train_from = split.train_months.front();
  m.train_to = split.train_months.back();
  m.calibration_from = split.calibration_months.front();
  m.calibration_to = split.calibration_months.back();
  m.test_from = split.test_months.front();
  m.test_to = split.test_months.back();
  m.data_hash = HashFloats(x_train, y_train);
  Json params{{"objective", "binary:logistic"},
              {"rounds", o.params.rounds},
              {"max_depth", o.params.max_depth},
              {"eta", o.params.eta},
              {"subsample", o.params.subsample},
              {"colsample_bytree", o.params.colsample_bytree},
              {"min_child_weight", o.params.min_child_weight},
              {"lambda", o.params.lambda},
              {"seed", o.params.seed},
              {"calibration", "isotonic"}};
  // Only when set: the versions of models trained without constraints stay what they were.
  if (!o.params.monotone_constraints.empty()) {
    params["monotone_constraints"] = o.params.monotone_constraints;
  }
  m.params_json = params.dump();
  m.metrics_json = Json{{"test", MetricsJson(report.model_test)},
                        {"rule_two_missed_months", MetricsJson(report.rule_test)},
                        {"rule_flag",
                         {{"precision", report.rule_flag_precision},
                          {"recall", report.rule_flag_recall},
                          {"rate", report.rule_flag_rate}}},
                        {"logistic_scorecard", MetricsJson(report.scorecard_test)},
                        {"train_rows", report.train_rows},
                        {"calibration_rows", report.calibration_rows}}
                       .dump();
  m.features_json = FeatureListJson().dump();
  m.booster_json = std::move(booster_json);
  m.calibrator_json = calibrator.ToJson();
  m.tiers_json =
      Json{{"high_above", o.tiers.high_above}, {"medium_above", o.tiers.medium_above}}.dump();
  m.version =
      "risk-" + o.as_of.ToString() + "-" + Sha256Hex(m.data_hash + m.params_json).substr(0, 8);
  return report;
}

ScorerLoadFailure ClassifyScorerLoadFailure(const Status& s, Status* unusable) {
  const std::string& code = s.reason();
  if (code == "model_none_active") return ScorerLoadFailure::kRulesOnly;
  if (code == "model_features_mismatch" || code == "model_corrupt") {
    if (unusable != nullptr) *unusable = s;
    return ScorerLoadFailure::kRulesOnly;
  }
  return ScorerLoadFailure::kError;
}

Status CheckNotAfterToday(std::string_view what, Date date, Date today) {
  return ValidateNotAfterToday(what, date, today, "records after today do not exist yet");
}

std::string ModelContentHash(const RiskModelRecord& m) {
  std::string bytes;
  for (const std::string* part : {&m.features_json, &m.booster_json, &m.calibrator_json}) {
    bytes += std::to_string(part->size());
    bytes += ':';
    bytes += *part;
  }
  return Sha256Hex(bytes);
}

Status CheckModelSteward(Store& store, const std::string& actor) {
  return RequireAdminOnceStaffed(store, actor, {enforce::Role::kAdmin, enforce::Role::kSupervisor},
                                 "change the risk model in use");
}

namespace {

struct GateMetrics {
  double auc = 0;
  double ece = 1;
  double rule_auc = 0;
};

GateMetrics GateMetricsOf(const RiskModelRecord& m) {
  GateMetrics g;
  const Json j = Json::parse(m.metrics_json, nullptr, false);
  if (!j.is_object()) return g;
  if (j.contains("test") && j["test"].is_object()) {
    g.auc = j["test"].value("roc_auc", 0.0);
    g.ece = j["test"].value("ece", 1.0);
  }
  if (j.contains("rule_two_missed_months") && j["rule_two_missed_months"].is_object()) {
    g.rule_auc = j["rule_two_missed_months"].value("roc_auc", 0.0);
  }
  return g;
}

std::string Fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", v);
  return buf;
}

// The model's content hash stamped into its params JSON (ModelContentHash).
void StampContentHash(RiskModelRecord& m) {
  Json params = Json::parse(m.params_json, nullptr, false);
  if (!params.is_object()) params = Json::object();
  params["content_sha256"] = ModelContentHash(m);
  m.params_json = params.dump();
}

// Activates `version` with its audit row, inside the caller's transaction.
Status ActivateWithAudit(Store& store, const Clock& clock, const std::string& actor,
                         const std::string& version, const std::string& previous,
                         const std::string& reason, const std::string& forced_gate) {
  RETURN_IF_ERROR(store.ActivateRiskModel(version));
  Json after{{"version", version},
             {"previous", previous.empty() ? Json(nullptr) : Json(previous)},
             {"reason", reason},
             {"forced", !forced_gate.empty()}};
  if (!forced_gate.empty()) after["gate"] = forced_gate;
  return AppendAudit(store, clock, actor, "model.activate", "risk_model", version,
                     previous.empty() ? std::string() : Json{{"version", previous}}.dump(),
                     after.dump());
}

}  // namespace

Status CheckQualityGate(const RiskModelRecord& model, const RiskModelRecord* active) {
  const GateMetrics g = GateMetricsOf(model);
  std::vector<std::string> failed;
  if (g.auc < kGateAucMin) {
    failed.push_back("test AUC " + Fixed3(g.auc) + " is below the floor " + Fixed3(kGateAucMin));
  }
  if (g.auc < g.rule_auc) {
    failed.push_back("test AUC " + Fixed3(g.auc) + " is below the two-missed-months rule's " +
                     Fixed3(g.rule_auc));
  }
  if (g.ece > kGateEceMax) {
    failed.push_back("test ECE " + Fixed3(g.ece) + " is above the ceiling " + Fixed3(kGateEceMax));
  }
  if (active != nullptr && active->version != model.version) {
    const GateMetrics a = GateMetricsOf(*active);
    if (g.auc < a.auc - kGateAucDropMax) {
      failed.push_back("test AUC " + Fixed3(g.auc) + " is more than " + Fixed3(kGateAucDropMax) +
                       " below the active model " + active->version + "'s " + Fixed3(a.auc));
    }
  }
  if (failed.empty()) return Status::Ok();
  std::string message = "model " + model.version + " fails the quality gate: ";
  for (size_t i = 0; i < failed.size(); ++i) message += (i ? "; " : "") + failed[i];
  return FailedPrecondition("model_quality_gate",
                            message +
                                " (docs/MODEL_CARD.md); register it without activating "
                                "(--no-activate) or activate anyway with --force --reason TEXT");
}

Status RegisterRiskModel(Store& store, const Clock& clock, const std::string& actor,
                         RiskModelRecord model, bool activate) {
  RegisterOptions o;
  o.activate = activate;
  return RegisterRiskModel(store, clock, actor, std::move(model), o);
}

Status RegisterRiskModel(Store& store, const Clock& clock, const std::string& actor,
                         RiskModelRecord model, const RegisterOptions& o) {
  RETURN_IF_ERROR(
      CheckNotAfterToday("the model's data as-of date", model.data_as_of, clock.Today()));
  model.created_at = clock.NowIso();
  model.created_by = actor;
  model.active = false;
  StampContentHash(model);
  RETURN_IF_ERROR(store.Begin());
  auto body = [&]() -> Status {
    std::string previous;
    std::string forced_gate;
    if (o.activate) {
      RETURN_IF_ERROR(CheckModelSteward(store, actor));
      ASSIGN_OR_RETURN(std::optional<RiskModelRecord> active, store.GetActiveRiskModel());
      if (active) previous = active->version;
      Status gate = CheckQualityGate(model, active ? &*active : nullptr);
      if (!gate.ok()) {
        if (o.force_reason.empty()) return gate;
        forced_gate = gate.message();
      }
    }
    RETURN_IF_ERROR(store.InsertRiskModel(model));
    const Json after{{"version", model.version},
                     {"data_as_of", model.data_as_of.ToString()},
                     {"data_hash", model.data_hash},
                     {"content_sha256", ModelContentHash(model)},
                     {"metrics", Json::parse(model.metrics_json)}};
    RETURN_IF_ERROR(AppendAudit(store, clock, actor, "model.register", "risk_model", model.version,
                                "", after.dump()));
    if (!o.activate) return Status::Ok();
    const std::string why = forced_gate.empty() ? o.reason : o.force_reason;
    return ActivateWithAudit(store, clock, actor, model.version, previous,
                             why.empty() ? std::string("trained and registered") : why,
                             forced_gate);
  };
  Status s = body();
  if (!s.ok()) {
    store.Rollback();
    return s.reason() == "unique_violation"
               ? AlreadyExists("model_exists", "model " + model.version +
                                                   " is already registered (same data and "
                                                   "parameters)")
               : s;
  }
  return store.Commit();
}

Result<ActivateResult> ActivateRegisteredModel(Store& store, const Clock& clock,
                                               const std::string& actor, std::string_view version,
                                               const std::string& reason, bool force) {
  RETURN_IF_ERROR(ValidateReason(reason, "change the risk model in use (audit trail)"));
  RETURN_IF_ERROR(store.Begin());
  auto body = [&]() -> Result<ActivateResult> {
    RETURN_IF_ERROR(CheckModelSteward(store, actor));
    ASSIGN_OR_RETURN(RiskModelRecord m, store.GetRiskModel(version));
    ASSIGN_OR_RETURN(std::optional<RiskModelRecord> active, store.GetActiveRiskModel());
    ActivateResult r;
    r.version = m.version;
    r.previous = active ? active->version : std::string();
    if (active && active->version == m.version) {
      r.already_active = true;
      return r;
    }
    RETURN_IF_ERROR(
        RiskScorer::FromRecord(m).status());  // loadable, same features, content unchanged
    RETURN_IF_ERROR(
        CheckNotAfterToday("model " + m.version + " data as-of date", m.data_as_of, clock.Today()));
    std::string forced_gate;
    if (Status gate = CheckQualityGate(m, nullptr); !gate.ok()) {
      if (!force) return gate;
      forced_gate = gate.message();
    }
    RETURN_IF_ERROR(
        ActivateWithAudit(store, clock, actor, m.version, r.previous, reason, forced_gate));
    return r;
  };
  Result<ActivateResult> r = body();
  if (!r.ok() || r->already_active) {
    store.Rollback();
    return r;
  }
  RETURN_IF_ERROR(store.Commit());
  return r;
}

Result<RiskScorer> RiskScorer::FromRecord(const RiskModelRecord& r) {
  const Json features = Json::parse(r.features_json, nullptr, false);
  if (features != FeatureListJson()) {
    return FailedPrecondition("model_features_mismatch",
                              "model " + r.version +
                                  " was trained on a different feature list than this "
                                  "build computes; retrain it (opencse model train)");
  }
  const Json params = Json::parse(r.params_json, nullptr, false);
  if (params.is_object() && params.contains("content_sha256")) {
    const Json& stored = params["content_sha256"];
    if (!stored.is_string() || stored.get<std::string>() != ModelContentHash(r)) {
      return DataLoss("model_corrupt",
                      "model " + r.version +
                          ": its booster, calibrator or feature list is not what was registered "
                          "(content hash mismatch); restore it or train a new model");
    }
  }
  RiskScorer s;
  s.version_ = r.version;
  auto forest = ForestFromXgboostJson(r.booster_json);
  if (!forest.ok()) {
    return DataLoss("model_corrupt", "model " + r.version + ": " + forest.status().message());
  }
  if (forest->num_features() != kFeatureCount) {
    return DataLoss("model_corrupt", "model " + r.version + " has " +
                                         std::to_string(forest->num_features()) + " features");
  }
  s.forest_ = std::make_shared<const Forest>(std::move(forest).value());
  auto calibrator = IsotonicCalibrator::FromJson(r.calibrator_json);
  if (!calibrator.ok()) {
    return DataLoss("model_corrupt",
                    "model " + r.version + " calibrator: " + calibrator.status().message());
  }
  s.calibrator_ = std::make_shared<const IsotonicCalibrator>(std::move(calibrator).value());
  const Json tiers = Json::parse(r.tiers_json, nullptr, false);
  if (tiers.is_object()) {
    s.tiers_.high_above = tiers.value("high_above", 75);
    s.tiers_.medium_above = tiers.value("medium_above", 40);
  }
  return s;
}

Result<RiskScorer> RiskScorer::LoadActive(Store& store) {
  ASSIGN_OR_RETURN(std::optional<RiskModelRecord> active, store.GetActiveRiskModel());
  if (!active) {
    return FailedPrecondition("model_none_active",
                              "no risk model is active; train one with opencse model train");
  }
  return FromRecordInForce(store, *active);
}

Result<RiskScorer> RiskScorer::FromRecordInForce(Store& store, const RiskModelRecord& record) {
  ASSIGN_OR_RETURN(RiskScorer s, FromRecord(record));
  // The state's cut-offs (opencse config set risk.tier_*) override the model's defaults.
  ASSIGN_OR_RETURN(auto tiers, LoadRiskTierCutoffs(store));
  s.tiers_.high_above = tiers.first;
  s.tiers_.medium_above = tiers.second;
  return s;
}

RiskScore RiskScorer::Predict(const FeatureVector& x) const {
  return FromMargin(Margin(*forest_, x.data()));
}

RiskScore RiskScorer::FromMargin(double margin) const {
  RiskScore s;
  s.margin = margin;
  s.probability = std::clamp(calibrator_->Apply(s.margin), 0.0, 1.0);
  s.score = ScoreFromProbability(s.probability);
  s.tier = TierOf(s.score, tiers_);
  s.confidence = std::max(s.probability, 1.0 - s.probability);
  return s;
}

std::vector<KeyFactor> RiskScorer::Explain(const FeatureVector& x, size_t top) const {
  std::array<double, kFeatureCount + 1> phi{};
  TreeShap(*forest_, x.data(), phi.data());
  return KeyFactors(x, phi.data(), top);
}

std::vector<KeyFactor> RiskScorer::Explain(const FeatureRow& row, size_t top) const {
  std::array<double, kFeatureCount + 1> phi{};
  TreeShap(*forest_, row.values.data(), phi.data());
  return KeyFactors(row, phi.data(), top);
}

std::vector<RiskScore> RiskScorer::ScoreBatch(const std::vector<FeatureVector>& rows,
                                              size_t key_factors) const {
  static_assert(sizeof(FeatureVector) == kFeatureCount * sizeof(float), "rows are contiguous");
  std::vector<RiskScore> out;
  if (rows.empty()) return out;
  const float* x = rows.front().data();
  std::vector<double> margins(rows.size());
  Margins(*forest_, x, rows.size(), margins.data());
  out.reserve(rows.size());
  for (double m : margins) out.push_back(FromMargin(m));
  if (key_factors > 0) {
    constexpr size_t kWidth = kFeatureCount + 1;
    std::vector<double> phi(rows.size() * kWidth);
    TreeShapBatch(*forest_, x, rows.size(), phi.data());
    for (size_t i = 0; i < rows.size(); ++i) {
      out[i].key_factors = KeyFactors(rows[i], phi.data() + i * kWidth, key_factors);
    }
  }
  return out;
}

RiskScore RiskScorer::Score(const FeatureVector& x, size_t key_factors) const {
  RiskScore s = Predict(x);
  if (key_factors > 0) s.key_factors = Explain(x, key_factors);
  return s;
}

RiskScore RiskScorer::Score(const FeatureRow& row, size_t key_factors) const {
  RiskScore s = Predict(row.values);
  if (key_factors > 0) s.key_factors = Explain(row, key_factors);
  return s;
}

namespace {

Status NotActive(PersonId obligor, Date as_of) {
  return FailedPrecondition("obligor_not_active", PersonDisplayId(obligor) +
                                                      " has no order in effect and owes "
                                                      "nothing on " +
                                                      as_of.ToString());
}

// Writes the score `s` of `row` (see ScoreAndRecord).
Status WriteScore(Store& store, const RiskScorer& scorer, const FeatureRow& row, const RiskScore& s,
                  PersonId obligor, CaseId case_id, Date as_of, const std::string& scored_at) {
  Json features = Json::object();
  for (size_t i = 0; i < kFeatureCount; ++i) {
    const float v = row.values[i];
    features[std::string(FeatureNames()[i])] =
        std::isnan(v) ? Json(nullptr) : Json(static_cast<double>(v));
  }
  Json factors = Json::array();
  for (const KeyFactor& k : s.key_factors) {
    factors.push_back(Json{{"code", k.code},
                           {"text", k.text},
                           {"direction", k.raises_risk ? "increases_risk" : "decreases_risk"},
                           {"contribution", k.contribution}});
  }
  RiskScoreRecord r;
  r.obligor = obligor;
  r.case_id = case_id;
  r.as_of = as_of;
  r.model_version = scorer.version();
  r.features_json = features.dump();
  r.features_hash = Sha256Hex(std::string(reinterpret_cast<const char*>(row.values.data()),
                                          row.values.size() * sizeof(float)));
  r.probability = s.probability;
  r.score = s.score;
  r.tier = std::string(Name(s.tier));
  r.confidence = s.confidence;
  r.key_factors_json = factors.dump();
  r.scored_at = scored_at;
  return store.InsertRiskScore(r).status();
}

}  // namespace

Status CheckScoreDate(Date as_of, const std::string& scored_at) {
  auto today = Date::Parse(std::string_view(scored_at).substr(0, 10));
  if (!today.ok()) {
    return InvalidArgument("scored_at_invalid",
                           "scored_at: expected a time YYYY-MM-DDT..., got '" + scored_at + "'");
  }
  if (as_of > *today) {
    return InvalidArgument("date_in_future", "as_of: " + as_of.ToString() + " is after today (" +
                                                 today->ToString() +
                                                 "); a score is as of a day that has begun");
  }
  return Status::Ok();
}

Result<RiskScore> RecordScore(Store& store, const RiskScorer& scorer, const FeatureRow& row,
                              PersonId obligor, CaseId case_id, Date as_of,
                              const std::string& scored_at) {
  RETURN_IF_ERROR(CheckScoreDate(as_of, scored_at));
  if (!IsActive(row)) return NotActive(obligor, as_of);
  const RiskScore s = scorer.Score(row);
  RETURN_IF_ERROR(WriteScore(store, scorer, row, s, obligor, case_id, as_of, scored_at));
  return s;
}

Result<RiskScore> ScoreAndRecord(Store& store, const Reference& ref, const RiskScorer& scorer,
                                 PersonId obligor, CaseId case_id, Date as_of,
                                 const std::string& scored_at) {
  RETURN_IF_ERROR(CheckScoreDate(as_of, scored_at));
  ASSIGN_OR_RETURN(ObligorHistory h, LoadObligorHistory(store, obligor));
  return RecordScore(store, scorer, ExtractFeatures(h, ref, as_of), obligor, case_id, as_of,
                     scored_at);
}

Result<ScoreAllCounts> ScoreAll(Store& store, const Reference& ref, const RiskScorer& scorer,
                                Date as_of, const std::string& scored_at) {
  RETURN_IF_ERROR(CheckScoreDate(as_of, scored_at));
  ASSIGN_OR_RETURN(std::vector<PersonId> obligors, store.ListObligorIds());
  ScoreAllCounts counts;
  std::vector<PersonId> who;
  std::vector<FeatureRow> rows;
  std::vector<FeatureVector> x;
  // Features for a chunk of obligors, then prediction and key factors for the chunk at once
  // (RiskScorer::ScoreBatch), then the writes.
  auto flush = [&]() -> Status {
    std::vector<RiskScore> scores = scorer.ScoreBatch(x);
    for (size_t i = 0; i < scores.size(); ++i) {
      WordFromRow(rows[i], scores[i].key_factors);
      RETURN_IF_ERROR(
          WriteScore(store, scorer, rows[i], scores[i], who[i], CaseId{}, as_of, scored_at));
      ++counts.scored;
      ++counts.by_tier[static_cast<int>(scores[i].tier)];
    }
    who.clear();
    rows.clear();
    x.clear();
    return Status::Ok();
  };
  for (size_t lo = 0; lo < obligors.size(); lo += kScoreChunk) {
    RETURN_IF_ERROR(ForEachObligorHistory(store, obligors, lo, lo + kScoreChunk, kScoreChunk,
                                          [&](ObligorHistory&& h) -> Status {
                                            FeatureRow row = ExtractFeatures(h, ref, as_of);
                                            if (!IsActive(row)) {
                                              ++counts.inactive;
                                              return Status::Ok();
                                            }
                                            who.push_back(h.obligor);
                                            x.push_back(row.values);
                                            rows.push_back(std::move(row));
                                            return Status::Ok();
                                          }));
    RETURN_IF_ERROR(flush());
  }
  return counts;
}

}  // namespace cse::ai
