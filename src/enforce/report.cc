#include "enforce/report.h"

#include <algorithm>
#include <map>

#include "ai/features.h"
#include "enforce/nba.h"

namespace cse::enforce {
namespace {

bool WasDecided(const Action& a) { return !a.decided_at.empty(); }

// The decision's date (decided_at is an ISO timestamp).
std::optional<Date> DecisionDate(const Action& a) {
  if (a.decided_at.size() < 10) return std::nullopt;
  auto d = Date::Parse(a.decided_at.substr(0, 10));
  if (!d.ok()) return std::nullopt;
  return *d;
}

void Count(MonthReview& m, const Action& a) {
  ++m.recommended;
  ++(a.source == "model" ? m.by_model : m.by_rules);
  if (a.contest_filed) ++m.contested;
  if (a.contest_outcome == "granted") ++m.contests_granted;
  if (!WasDecided(a)) {
    ++(a.state == ActionState::kWithdrawn ? m.withdrawn : m.pending);
    return;
  }
  if (a.state == ActionState::kDismissed) {
    ++m.dismissed;
  } else if (a.original_remedy) {
    ++m.modified;
  } else {
    ++m.approved;
  }
}

}  // namespace

Result<ReviewReport> BuildReviewReport(Store& store, Date today, int window_days) {
  std::vector<Action> actions;
  RETURN_IF_ERROR(store.ScanEnforceActions([&](const Action& a) {
    actions.push_back(a);
    return Status::Ok();
  }));
  return BuildReviewReport(store, today, window_days, actions);
}

Result<ReviewReport> BuildReviewReport(Store& store, Date today, int window_days,
                                       const std::vector<Action>& actions) {
  ASSIGN_OR_RETURN(ai::Reference ref, ai::LoadReference(store));
  std::map<std::string, MonthReview> months;
  std::map<int64_t, ai::ObligorHistory> histories;
  ReviewReport report;
  for (const Action& a : actions) {
    const std::string month = a.as_of.ToString().substr(0, 7);
    MonthReview& m = months[month];
    m.month = month;
    Count(m, a);
    if (WasDecided(a) && (a.state == ActionState::kDismissed || a.original_remedy)) {
      report.overrides.push_back({a});
    }
    const std::optional<Date> decided = DecisionDate(a);
    if (!decided || decided->AddDays(window_days) > today) continue;
    auto it = histories.find(a.obligor.value);
    if (it == histories.end()) {
      ASSIGN_OR_RETURN(ai::ObligorHistory h, ai::LoadObligorHistory(store, a.obligor));
      it = histories.emplace(a.obligor.value, std::move(h)).first;
    }
    const ai::FeatureRow row = ai::ExtractFeatures(it->second, ref, *decided);
    Money monthly;
    for (const CaseBalance& c : row.balance.cases) monthly += c.monthly_support;
    const bool paid = PaidWithin(it->second, *decided, window_days, monthly);
    if (a.state == ActionState::kDismissed) {
      ++m.dismissed_outcomes;
      if (paid) ++m.dismissed_paid;
    } else {
      ++m.accepted_outcomes;
      if (paid) ++m.accepted_paid;
    }
  }
  RETURN_IF_ERROR(store.ScanAuditByAction("enforce.score_override", [&](const AuditRow& row) {
    report.score_overrides.push_back({row.at, row.actor, row.after});
    const std::string month = row.at.substr(0, 7);
    months[month].month = month;
    ++months[month].score_overrides;
    return Status::Ok();
  }));
  for (auto& [k, v] : months) report.months.push_back(v);
  std::sort(report.overrides.begin(), report.overrides.end(),
            [](const Override& x, const Override& y) {
              return x.action.decided_at > y.action.decided_at;
            });
  return report;
}

}  // namespace cse::enforce
