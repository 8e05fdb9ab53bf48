#include "enforce/nba.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "ai/dataset.h"
#include "enforce/facts.h"
#include "service/audit.h"

namespace cse::enforce {
namespace {

struct LoggedAction {
  Date date;
  Remedy remedy;
};

std::vector<LoggedAction> ActionsOf(const ai::ObligorHistory& h) {
  std::vector<LoggedAction> out;
  for (const CaseEvent& e : h.events) {
    if (auto r = RemedyOfEvent(e)) out.push_back({e.date, *r});
  }
  return out;
}

Money MonthlySupport(const ai::FeatureRow& row) {
  Money m;
  for (const CaseBalance& c : row.balance.cases) m += c.monthly_support;
  return m;
}

// An action of `r` within `window` days either side of `t`.
bool Near(const std::vector<LoggedAction>& acts, Remedy r, Date t, int window) {
  return std::any_of(acts.begin(), acts.end(), [&](const LoggedAction& a) {
    return a.remedy == r && std::abs(DaysBetween(t, a.date)) < window;
  });
}

void LearnObligor(const ai::ObligorHistory& h, const ai::Reference& ref, Date from, Date last,
                  int window, EffectivenessTable& t) {
  const std::vector<LoggedAction> acts = ActionsOf(h);
  for (const LoggedAction& a : acts) {
    if (a.date < from || a.date > last) continue;
    const ai::FeatureRow row = ai::ExtractFeatures(h, ref, a.date.AddDays(-1));
    if (!ai::IsActive(row)) continue;
    EffectCell& cell = t.After(a.remedy, ProfileOfRow(row));
    ++cell.n;
    if (PaidWithin(h, a.date, window, MonthlySupport(row))) ++cell.paid;
  }
  for (Date m : ai::MonthEnds(from, last)) {
    const ai::FeatureRow row = ai::ExtractFeatures(h, ref, m);
    if (!ai::IsActive(row)) continue;
    const int p = ProfileOfRow(row);
    const bool paid = PaidWithin(h, m, window, MonthlySupport(row));
    bool any = false;
    for (Remedy r : AllRemedies()) {
      if (Near(acts, r, m, window)) {
        any = true;
        continue;
      }
      EffectCell& cell = t.Without(r, p);
      ++cell.n;
      if (paid) ++cell.paid;
    }
    EffectCell& none = t.no_enforcement[static_cast<size_t>(p)];
    if (!any) {
      ++none.n;
      if (paid) ++none.paid;
    }
  }
}

Json CellsJson(const std::array<EffectCell, kProfileCount>& cells) {
  Json a = Json::array();
  for (const EffectCell& c : cells) a.push_back(Json::array({c.n, c.paid}));
  return a;
}

Status CellsFromJson(const Json& j, std::array<EffectCell, kProfileCount>& cells) {
  if (!j.is_array() || j.size() != static_cast<size_t>(kProfileCount)) {
    return DataLoss("effect_table_corrupt", "a row of the effectiveness table is malformed");
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    const Json& c = j[i];
    if (!c.is_array() || c.size() != 2 || !c[0].is_number_integer() || !c[1].is_number_integer() ||
        c[1].get<int64_t>() > c[0].get<int64_t>()) {
      return DataLoss("effect_table_corrupt", "a cell of the effectiveness table is malformed");
    }
    cells[i] = EffectCell{c[0].get<int64_t>(), c[1].get<int64_t>()};
  }
  return Status::Ok();
}

// Eligible candidates among `allowed` for the facts.
std::vector<Candidate> EligibleAmong(const std::set<Remedy>& allowed,
                                     const EnforcementConfig& config, const EligibilityFacts& f) {
  std::vector<Candidate> out;
  for (Remedy r : AllRemedies()) {
    if (!allowed.count(r)) continue;
    const Eligibility e = CheckEligibility(r, config, f);
    if (!e.eligible) continue;
    Candidate c;
    c.remedy = r;
    c.eligibility = e;
    out.push_back(std::move(c));
  }
  return out;
}

int HighestStepBefore(const std::vector<LoggedAction>& acts, Date d) {
  int highest = 0;
  for (const LoggedAction& a : acts) {
    if (a.date < d) highest = std::max(highest, Punitiveness(a.remedy));
  }
  return highest;
}

// The remedies with history in `t`: the action set both policies choose from.
std::set<Remedy> Learnable(const EffectivenessTable& t) {
  std::set<Remedy> out;
  for (Remedy r : AllRemedies()) {
    for (int p = 0; p < kProfileCount; ++p) {
      if (t.After(r, p).n > 0) out.insert(r);
    }
  }
  return out;
}

struct Choices {
  std::optional<Remedy> nba;
  std::optional<Remedy> ladder;
};

Choices Choose(const ai::ObligorHistory& h, const ai::Reference& ref, const ChildBirthDates& births,
               const ai::FeatureRow& row, Date d, const std::vector<LoggedAction>& acts,
               const EnforcementConfig& config, const RecommenderEvaluation& ev,
               const std::set<Remedy>& allowed, const EffectOptions& o) {
  const CaseId case_id = h.books.front().info.id;
  EligibilityFacts f = GatherFacts(h, ref, births, row, case_id, {}, d);
  for (const LoggedAction& a : acts) {  // a remedy taken in the last window is in progress
    if (a.date < d && DaysBetween(a.date, d) < ev.table.window_days) f.in_progress.insert(a.remedy);
  }
  Choices c;
  const std::vector<Candidate> eligible = EligibleAmong(allowed, config, f);
  EffectOptions with_history = o;
  with_history.highest_step_taken = HighestStepBefore(acts, d);
  const auto nba = RankByEffect(eligible, ev.table, ProfileOfRow(row), true, with_history);
  const auto ladder = RankByLadder(eligible, HighestStepBefore(acts, d), true);
  if (!nba.empty()) c.nba = nba.front().remedy;
  if (!ladder.empty()) c.ladder = ladder.front().remedy;
  return c;
}

void Credit(PolicyScore& s, std::optional<Remedy> choice, Remedy taken, bool paid) {
  if (!choice) return;
  ++s.decisions;
  if (*choice != taken) return;
  ++s.matched;
  if (paid) ++s.matched_paid;
}

void EvaluateObligor(const ai::ObligorHistory& h, const ChildBirthDates& births,
                     const ai::Reference& ref, const EnforcementConfig& config,
                     const std::set<Remedy>& allowed, const EffectOptions& o,
                     RecommenderEvaluation& ev, double& nba_steps, double& ladder_steps) {
  if (h.books.empty()) return;
  const int window = ev.table.window_days;
  const Date last = ev.to.AddDays(-window);
  const std::vector<LoggedAction> acts = ActionsOf(h);
  for (const LoggedAction& a : acts) {
    if (a.date < ev.split || a.date > last || !allowed.count(a.remedy)) continue;
    const ai::FeatureRow row = ai::ExtractFeatures(h, ref, a.date.AddDays(-1));
    if (!ai::IsActive(row)) continue;
    const bool paid = PaidWithin(h, a.date, window, MonthlySupport(row));
    ++ev.logged_actions;
    if (paid) ++ev.logged_paid;
    const Choices c = Choose(h, ref, births, row, a.date, acts, config, ev, allowed, o);
    Credit(ev.nba, c.nba, a.remedy, paid);
    Credit(ev.ladder, c.ladder, a.remedy, paid);
  }
  for (Date m : ai::MonthEnds(ev.split, last)) {
    const ai::FeatureRow row = ai::ExtractFeatures(h, ref, m);
    if (!ai::IsActive(row) || !row.balance.delinquent) continue;
    const Choices c = Choose(h, ref, births, row, m.AddDays(1), acts, config, ev, allowed, o);
    if (!c.nba || !c.ladder) continue;
    ++ev.nba.month_choices;
    ++ev.ladder.month_choices;
    nba_steps += Punitiveness(*c.nba);
    ladder_steps += Punitiveness(*c.ladder);
    if (Punitiveness(*c.nba) < Punitiveness(*c.ladder)) ++ev.less_punitive;
    if (Punitiveness(*c.nba) > Punitiveness(*c.ladder)) ++ev.more_punitive;
  }
}

}  // namespace

std::optional<Remedy> RemedyOfEvent(const CaseEvent& e) {
  if (e.kind == "iwo_issued") return Remedy::kIncomeWithholding;
  if (e.kind == "license_notice") return Remedy::kLicenseSuspension;
  if (e.kind == "payment_plan") return Remedy::kPaymentPlanOffer;
  if (e.kind == "enforcement_issued") {
    const size_t at = e.detail.find("remedy=");
    if (at == std::string::npos) return std::nullopt;
    const size_t end = std::min(e.detail.find(' ', at), e.detail.size());
    auto r = ParseRemedy(std::string_view(e.detail).substr(at + 7, end - at - 7));
    if (r.ok()) return *r;
  }
  return std::nullopt;
}

int ProfileOfRow(const ai::FeatureRow& row) {
  ProfileInputs in;
  const float months = ai::At(row.values, ai::Feature::kArrearsMonths);
  in.arrears_months = std::isnan(months) ? 0 : months;
  in.employed = ai::At(row.values, ai::Feature::kEmployedNow) > 0.5f;
  const float since = ai::At(row.values, ai::Feature::kDaysSinceLastPayment);
  in.paid_last_90_days = !std::isnan(since) && since <= 90;
  return ProfileOf(in);
}

bool PaidWithin(const ai::ObligorHistory& h, Date from, int days, Money monthly) {
  const Date end = from.AddDays(days);
  Money paid;
  for (const Collection& c : h.collections) {
    if (c.date <= from || c.date > end) continue;
    if (c.reversed_date && *c.reversed_date <= end) continue;
    paid += c.amount;
  }
  return monthly.is_positive() ? paid >= monthly : paid.is_positive();
}

Result<EffectivenessTable> LearnEffectiveness(Store& store, const ai::Reference& ref, Date from,
                                              Date to, int window_days) {
  EffectivenessTable t;
  t.window_days = window_days;
  const Date last = to.AddDays(-window_days);
  if (from > last) {
    return InvalidArgument("learn_window_empty",
                           "the history " + from.ToString() + " to " + to.ToString() +
                               " has no day followed by the " + std::to_string(window_days) +
                               "-day window an outcome needs; start it at least " +
                               std::to_string(window_days) + " days before its end");
  }
  t.learned_from = from.ToString() + ".." + to.ToString();
  ASSIGN_OR_RETURN(std::vector<PersonId> obligors, ai::ListObligors(store));
  for (PersonId o : obligors) {
    ASSIGN_OR_RETURN(ai::ObligorHistory h, ai::LoadObligorHistory(store, o));
    LearnObligor(h, ref, from, last, window_days, t);
  }
  return t;
}

Json ToJson(const EffectivenessTable& t) {
  Json after = Json::object();
  Json without = Json::object();
  for (Remedy r : AllRemedies()) {
    after[std::string(Name(r))] = CellsJson(t.after[static_cast<size_t>(r)]);
    without[std::string(Name(r))] = CellsJson(t.without[static_cast<size_t>(r)]);
  }
  return Json{{"window_days", t.window_days},
              {"learned_from", t.learned_from},
              {"after", after},
              {"without", without},
              {"no_enforcement", CellsJson(t.no_enforcement)}};
}

Result<EffectivenessTable> EffectTableFromJson(const Json& j) {
  if (!j.is_object() || !j.contains("window_days") || !j["window_days"].is_number_integer()) {
    return DataLoss("effect_table_corrupt", "the stored effectiveness table is malformed");
  }
  EffectivenessTable t;
  t.window_days = j["window_days"].get<int>();
  t.learned_from = j.value("learned_from", "");
  for (Remedy r : AllRemedies()) {
    const std::string name(Name(r));
    if (!j["after"].contains(name) || !j["without"].contains(name)) {
      return DataLoss("effect_table_corrupt", "the effectiveness table lacks " + name);
    }
    RETURN_IF_ERROR(CellsFromJson(j["after"][name], t.after[static_cast<size_t>(r)]));
    RETURN_IF_ERROR(CellsFromJson(j["without"][name], t.without[static_cast<size_t>(r)]));
  }
  RETURN_IF_ERROR(CellsFromJson(j["no_enforcement"], t.no_enforcement));
  return t;
}

Result<std::optional<EffectivenessTable>> LoadEffectTable(Store& store) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, store.GetSetting(kEffectTableKey));
  if (!text) return std::optional<EffectivenessTable>();
  const Json j = Json::parse(*text, nullptr, false);
  ASSIGN_OR_RETURN(EffectivenessTable t, EffectTableFromJson(j));
  return std::optional<EffectivenessTable>(std::move(t));
}

Status SaveEffectTable(Store& store, const Clock& clock, const std::string& actor,
                       const EffectivenessTable& t) {
  RETURN_IF_ERROR(store.Begin());
  const std::string text = ToJson(t).dump();
  Status s = store.SetSetting(kEffectTableKey, text);
  if (s.ok()) {
    s = AppendAudit(store, clock, actor, "enforce.learn", "setting", std::string(kEffectTableKey),
                    "", text);
  }
  if (!s.ok()) {
    store.Rollback();
    return s;
  }
  return store.Commit();
}

Result<RecommenderEvaluation> EvaluateRecommender(Store& store, const EnforcementConfig& config,
                                                  Date learn_from, Date split, Date to,
                                                  const EffectOptions& options) {
  const int window = config.workflow.effect_window_days;
  if (split.AddDays(window) > to || split <= learn_from) {
    return InvalidArgument("evaluation_window_empty",
                           "learn from " + learn_from.ToString() + ", hold out from " +
                               split.ToString() + " to " + to.ToString() +
                               ": the held-out months need at least " + std::to_string(window) +
                               " days of outcome");
  }
  ASSIGN_OR_RETURN(ai::Reference ref, ai::LoadReference(store));
  RecommenderEvaluation ev;
  ev.learn_from = learn_from;
  ev.split = split;
  ev.to = to;
  // Outcomes of the learning period end before the held-out period starts.
  ASSIGN_OR_RETURN(ev.table, LearnEffectiveness(store, ref, learn_from, split, window));
  const std::set<Remedy> allowed = Learnable(ev.table);
  ASSIGN_OR_RETURN(std::vector<PersonId> obligors, ai::ListObligors(store));
  double nba_steps = 0;
  double ladder_steps = 0;
  for (PersonId o : obligors) {
    ASSIGN_OR_RETURN(ai::ObligorHistory h, ai::LoadObligorHistory(store, o));
    ASSIGN_OR_RETURN(const ChildBirthDates births, LoadChildBirthDates(store, h));
    EvaluateObligor(h, births, ref, config, allowed, options, ev, nba_steps, ladder_steps);
  }
  if (ev.nba.month_choices > 0) {
    ev.nba.punitiveness = nba_steps / static_cast<double>(ev.nba.month_choices);
    ev.ladder.punitiveness = ladder_steps / static_cast<double>(ev.ladder.month_choices);
  }
  return ev;
}

}  // namespace cse::enforce
