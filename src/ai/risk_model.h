// File: ai/risk_model.h
//
// The delinquency risk model: training with a time-based split, probability calibration,
// evaluation against the baselines agencies use, the model registry, and scoring with exact
// key factors. docs/MODEL_CARD.md describes the model, its data, metrics and limits.
//
// Training (TrainRiskModel): examples are (obligor, month end) pairs (ai/dataset.h). The
// distinct month ends are split in time — the earliest `warmup_months` are skipped (features
// need history), the last `test_months` are the held-out test set, the `calibration_months`
// before them fit the calibrator, the rest train XGBoost — so no month is in two sets. The
// calibrator (isotonic regression of the margin) maps the model's margin to a probability.
// The test months score three models: the calibrated XGBoost model, the rule agencies use
// today (two or more consecutive missed months; scored by the count of consecutive missed
// months), and a logistic-regression scorecard trained on the same rows.
//
// Scores: probability p in [0, 1] (calibrated); score = clamp(ceil(100 p), 1, 100); tier HIGH
// when score > high_above (default 75), MEDIUM when > medium_above (default 40), else LOW.
// Confidence = max(p, 1 - p): the calibrated probability of the outcome the model leans to
// (0.5 = a coin flip, 1 = certain). Key factors are exact TreeSHAP values of the uncalibrated
// margin, grouped by reason code (ai/reasons.h).
//
// Thread-safety: a RiskScorer is immutable and may score from several threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ai/calibrate.h"
#include "ai/dataset.h"
#include "ai/forest.h"
#include "ai/reasons.h"
#include "ai/xgb.h"
#include "core/clock.h"

namespace cse::ai {

struct TierCutoffs {
  int high_above = 75;    // Default: 75 (the seed workflow's "risk > 75")
  int medium_above = 40;  // Default: 40
};
enum class Tier { kLow, kMedium, kHigh };
std::string_view Name(Tier t);

// REQUIRES: 0 <= p <= 1.
int ScoreFromProbability(double p);
Tier TierOf(int score, const TierCutoffs& cutoffs);

struct TrainOptions {
  Date as_of;  // the data's end: a month end is used only when its label window ends by then
  // Default: 4. The 6- and 12-month payment features of a data set's first months are
  // computed on short histories; with 2, a simulated 24-month window's calm period drifted
  // (paid_trend PSI 0.273 > 0.25; docs/MODEL_CARD.md, "Training window").
  int warmup_months = 4;
  int calibration_months = 3;  // Default: 3
  int test_months = 4;         // Default: 4
  XgbParams params;
  TierCutoffs tiers;
  // Monotone constraints on the payment features (PaymentMonotoneConstraints): paying more or
  // more recently never raises the risk. Default: true.
  bool monotone_payments = true;
};

// XGBoost's monotone constraints for the payment features: -1 (the risk never rises with it)
// on the paid ratios over 1, 3, 6 and 12 months; +1 (never falls) on the days since the last
// payment. Other features are free (constraining also the paid trend and the missed-month
// counts cost 0.026 of top-10% precision and shrank the HIGH tier; docs/MODEL_CARD.md).
std::string PaymentMonotoneConstraints();

struct Metrics {
  int64_t rows = 0;
  int64_t positives = 0;
  double auc = 0;
  double pr_auc = 0;
  double brier = 0;  // for the rule: of its 0/1 flag
  double ece = 0;
  double top10_precision = 0;
  double top10_recall = 0;
};

struct TrainReport {
  RiskModelRecord model;  // not yet stored
  Metrics model_test;
  Metrics rule_test;
  Metrics scorecard_test;
  double rule_flag_precision = 0;  // of the flag "2+ consecutive missed months"
  double rule_flag_recall = 0;
  double rule_flag_rate = 0;
  int64_t train_rows = 0;
  int64_t calibration_rows = 0;
};

// Builds the examples, trains, calibrates and evaluates. Errors: failed_precondition
// "model_not_enough_history" (fewer than 3 training months or an empty calibration or test
// set), "model_single_class" (the training labels are all equal); the store's; ai's.
Result<TrainReport> TrainRiskModel(Store& store, const TrainOptions& options,
                                   const std::function<void(const std::string&)>& progress);

// How enforcement takes a failure to load the active model (RiskScorer::LoadActive): none
// active (model_none_active) or one this build cannot use (model_features_mismatch after the
// feature list changed, model_corrupt) leaves enforcement running on its rules only (deadlines,
// tasks, recommendations, the payment events' withdrawals) until a model is trained; `unusable`
// is set for the latter two, for the command to say. Any other failure (the store's) stands.
enum class ScorerLoadFailure { kRulesOnly, kError };
ScorerLoadFailure ClassifyScorerLoadFailure(const Status& s, Status* unusable);

// A date the data or a population is taken on must have begun: `date` (named `what` in the
// message, e.g. "--as-of") may not be after `today`. Errors: invalid_argument
// "date_in_future".
Status CheckNotAfterToday(std::string_view what, Date date, Date today);

// The SHA-256 of the model's content — feature list, booster and calibrator, each
// length-prefixed — stored at registration in the record's params JSON as "content_sha256"
// (and in the model.register audit row) and checked by RiskScorer::FromRecord.
std::string ModelContentHash(const RiskModelRecord& model);

// Who may change the model in use (activate one): an active staff user (Store::ListStaffUsers,
// the web app's users) with the role admin or supervisor. Until an active admin exists
// (a new installation, a test database) anyone may: the rule of `opencse enforce switch`.
// Errors: failed_precondition "user_unknown" (not an active staff user), "role_not_allowed".
Status CheckModelSteward(Store& store, const std::string& actor);

// The quality gate a model passes before it becomes active, on its held-out test months
// (docs/MODEL_CARD.md, "Registry and activation"): ROC AUC at least kGateAucMin and at least
// the two-missed-months rule's; ECE at most kGateEceMax; and, when `active` is given (a
// newly trained model replacing it), AUC no more than kGateAucDropMax below the active
// model's. Errors: failed_precondition "model_quality_gate" listing every failed check.
inline constexpr double kGateAucMin = 0.70;
inline constexpr double kGateEceMax = 0.10;
inline constexpr double kGateAucDropMax = 0.02;
Status CheckQualityGate(const RiskModelRecord& model, const RiskModelRecord* active);

struct RegisterOptions {
  bool activate = true;  // Default: true
  // Non-empty: activate even when the quality gate fails; recorded in the audit row.
  std::string force_reason;
  std::string reason;  // why it is activated (audit row); optional
};

// Stores `model` (created_at/created_by set from `clock` and `actor`, "content_sha256" added
// to its params) with an audit row "model.register", and when `activate` makes it the active
// model with an audit row "model.activate" (who, why, the previous version), in one
// transaction; nothing is written on an error. Errors: invalid_argument "date_in_future"
// (the data's as-of date is after the clock's today); when activating, CheckModelSteward's
// and CheckQualityGate's (against the active model) unless `force_reason` is given;
// already_exists "model_exists"; the store's.
Status RegisterRiskModel(Store& store, const Clock& clock, const std::string& actor,
                         RiskModelRecord model, const RegisterOptions& options);
// The same with RegisterOptions{activate}.
Status RegisterRiskModel(Store& store, const Clock& clock, const std::string& actor,
                         RiskModelRecord model, bool activate);

struct ActivateResult {
  std::string version;
  std::string previous;         // the model active before ("" when none)
  bool already_active = false;  // nothing was written
};
// Makes the registered model `version` the active one (a later activation or a rollback),
// with an audit row "model.activate" {version, previous, reason, forced, gate}. Activating
// the active model answers already_active and writes nothing. Errors: invalid_argument
// "reason_missing"; CheckModelSteward's; not_found "model_not_found"; FromRecord's (a model
// this build cannot load or whose content changed is never activated); "date_in_future" (a
// model trained on data after today); CheckQualityGate's floors (no comparison with the
// active model: a rollback) unless `force`; the store's.
Result<ActivateResult> ActivateRegisteredModel(Store& store, const Clock& clock,
                                               const std::string& actor, std::string_view version,
                                               const std::string& reason, bool force);

struct RiskScore {
  double margin = 0;       // log-odds of the uncalibrated model
  double probability = 0;  // calibrated
  int score = 1;
  Tier tier = Tier::kLow;
  double confidence = 0.5;
  std::vector<KeyFactor> key_factors;
};

class RiskScorer {
 public:
  // Errors: failed_precondition "model_features_mismatch" when the model's feature list is
  // not this build's (FeatureNames()); data_loss "model_corrupt" when the booster or the
  // calibrator cannot be read, or when the record carries a content hash
  // (params "content_sha256", ModelContentHash) that its content no longer matches. Models
  // registered before the hash was stored carry none and load unchecked. The tier cut-offs
  // are the model's defaults: score with FromRecordInForce or LoadActive.
  static Result<RiskScorer> FromRecord(const RiskModelRecord& record);
  // `record` with the tier cut-offs in force (settings risk.tier_*; see LoadRiskTierCutoffs).
  // Errors: FromRecord's; the store's.
  static Result<RiskScorer> FromRecordInForce(Store& store, const RiskModelRecord& record);
  // The active model, with the tier cut-offs in force. Errors: failed_precondition
  // "model_none_active"; FromRecordInForce's.
  static Result<RiskScorer> LoadActive(Store& store);

  // Prediction and explanation. Score = Predict, then Explain when key_factors > 0. The
  // FeatureRow overloads word the key factors with the row's exact facts (ai/reasons.h).
  RiskScore Score(const FeatureVector& x, size_t key_factors = 4) const;
  RiskScore Score(const FeatureRow& row, size_t key_factors = 4) const;
  // The margin, calibrated probability, score, tier and confidence (no key factors).
  RiskScore Predict(const FeatureVector& x) const;
  // Score for many rows at once (Margins and TreeShapBatch): equal to Score row by row, the
  // key factors' contributions up to the last bits of the vector kernel.
  std::vector<RiskScore> ScoreBatch(const std::vector<FeatureVector>& rows,
                                    size_t key_factors = 4) const;
  // The `top` key factors of `x` (exact TreeSHAP grouped by reason code).
  std::vector<KeyFactor> Explain(const FeatureVector& x, size_t top) const;
  std::vector<KeyFactor> Explain(const FeatureRow& row, size_t top) const;
  const std::string& version() const { return version_; }
  const TierCutoffs& tiers() const { return tiers_; }

 private:
  RiskScorer() = default;
  RiskScore FromMargin(double margin) const;
  std::string version_;
  std::shared_ptr<const Forest> forest_;
  std::shared_ptr<const IsotonicCalibrator> calibrator_;
  TierCutoffs tiers_;
};

// A score is as of a day that has begun: `as_of` may not be after the day of `scored_at` (the
// time of scoring, "YYYY-MM-DDT..."; today). A score dated in the future would show as the
// obligor's latest. Errors: invalid_argument "date_in_future" naming as_of;
// "scored_at_invalid" when `scored_at` does not start with a date.
Status CheckScoreDate(Date as_of, const std::string& scored_at);

// Scores one obligor as of a date and writes the score (model version, as-of date, features
// and their hash, probability, score, tier, confidence, key factors). `case_id` names the
// case asked about (0 for an obligor-level score). Errors: CheckScoreDate's;
// LoadObligorHistory's; failed_precondition "obligor_not_active" when no order is in effect
// and nothing is owed.
Result<RiskScore> ScoreAndRecord(Store& store, const Reference& ref, const RiskScorer& scorer,
                                 PersonId obligor, CaseId case_id, Date as_of,
                                 const std::string& scored_at);
// The same from features already extracted (`row` as of `as_of`). Errors: the same.
Result<RiskScore> RecordScore(Store& store, const RiskScorer& scorer, const FeatureRow& row,
                              PersonId obligor, CaseId case_id, Date as_of,
                              const std::string& scored_at);

// Scores every active obligor as of `as_of` and writes each score (obligor-level, case 0),
// reading histories in chunks of kScoreChunk obligors (ForEachObligorHistory). Run it inside
// the caller's transaction: an error leaves the caller to roll back every score. Errors:
// CheckScoreDate's (nothing is written); the store's.
inline constexpr size_t kScoreChunk = 1'000;
struct ScoreAllCounts {
  int64_t scored = 0;
  int64_t inactive = 0;            // no order in effect and nothing owed: not scored
  int64_t by_tier[3] = {0, 0, 0};  // indexed by Tier
};
Result<ScoreAllCounts> ScoreAll(Store& store, const Reference& ref, const RiskScorer& scorer,
                                Date as_of, const std::string& scored_at);

}  // namespace cse::ai
