#include "enforce/facts.h"

#include <cmath>
#include <optional>
#include <set>

#include "enforce/config.h"
#include "iwo/offset.h"
#include "ledger/accrual.h"

namespace cse::enforce {
namespace {

bool DetailHas(const std::string& detail, std::string_view pair) {
  size_t at = 0;
  while (at < detail.size()) {
    const size_t end = std::min(detail.find(' ', at), detail.size());
    if (std::string_view(detail).substr(at, end - at) == pair) return true;
    at = end + 1;
  }
  return false;
}

// Benefits, suspensions and income changes read off the case events up to `as_of`.
void EventFacts(const ai::ObligorHistory& h, Date as_of, Date newest_order, EligibilityFacts& f) {
  for (const CaseEvent& e : h.events) {  // by date
    if (e.date > as_of) break;
    if (e.kind == "benefit_income") {
      f.receives_ssi_ssdi = DetailHas(e.detail, "type=ssi") || DetailHas(e.detail, "type=ssdi");
    }
    if (e.kind == "license_suspended") f.license_suspended = true;
    if (e.kind == "license_reinstated") f.license_suspended = false;
    if ((e.kind == "new_hire" || e.kind == "job_ended") && e.date > newest_order) {
      f.income_changed = true;
    }
  }
}

int MonthsBetween(Date from, Date to) {
  if (to < from) return 0;
  int months = 0;
  while (from.AddMonths(months + 1) <= to) ++months;
  return months;
}

// Orders: whether a current support order is in effect, the newest start, and which cases
// are for a qualified child (FACTS §5) by the rule `offset certify` uses
// (iwo::QualifiedChild: a minor by date of birth, not emancipated; a child whose date of birth
// is unknown, or a case with no child, counts).
void OrderFacts(const ai::ObligorHistory& h, const ChildBirthDates& births, CaseId case_id,
                Date as_of, EligibilityFacts& f, Date& newest_order,
                std::set<int64_t>& qualified_cases) {
  for (const CaseBook& b : h.books) {
    for (const Order& o : b.orders) {
      if (o.effective_date > as_of) continue;
      const bool in_effect = !o.end_date || *o.end_date >= as_of;
      if (o.effective_date > newest_order) newest_order = o.effective_date;
      if (o.type != ObligationType::kCurrentSupport) continue;
      if (in_effect) f.has_support_order = true;
    }
    if (iwo::QualifiedChild(b, births, as_of).qualified) qualified_cases.insert(b.info.id.value);
    if (b.info.id == case_id) f.case_open = OpenOn(b, as_of);  // as of, not today's status
  }
  // The last day any current support order was in effect, for arrears-only obligors.
  std::optional<Date> last_day;
  for (const CaseBook& b : h.books) {
    for (const Order& o : b.orders) {
      if (o.type != ObligationType::kCurrentSupport || o.effective_date > as_of) continue;
      if (o.end_date && *o.end_date < as_of && (!last_day || *o.end_date > *last_day)) {
        last_day = o.end_date;
      }
    }
  }
  if (!last_day) return;
  for (const CaseBook& b : h.books) {
    for (const Order& o : b.orders) {
      if (o.type == ObligationType::kCurrentSupport) {
        f.last_monthly_support += MonthlyEquivalent(o, *last_day);
      }
    }
  }
}

bool IsAssignedBucket(int k) {
  return k == static_cast<int>(Bucket::kPermanentlyAssigned) ||
         k == static_cast<int>(Bucket::kTemporarilyAssigned) ||
         k == static_cast<int>(Bucket::kConditionallyAssigned);
}

// A person's dismissal of `a`, dated by its decision (decided_at "YYYY-MM-DDT..."); its
// `arrears` are those of the recommendation until ArrearsOnDismissal sets them.
std::optional<PastDismissal> DismissalOf(const Action& a) {
  if (a.state != ActionState::kDismissed || a.decided_at.size() < 10) return std::nullopt;
  auto decided = Date::Parse(std::string_view(a.decided_at).substr(0, 10));
  if (!decided.ok()) return std::nullopt;
  PastDismissal d;
  d.action_id = a.id;
  d.decided = *decided;
  d.by = a.decided_by;
  d.arrears = a.amount_at_stake;
  d.delinquent = a.legal_deadline.has_value();  // a deadline is set only when delinquent
  return d;
}

// Sets each dismissal's arrears to the obligor's arrears on the day it was decided: the
// cooling-off measures growth from the decision, not from the recommendation (support that
// accrued while the recommendation waited does not lift it). One ledger run per decision
// date; a decision after `as_of`, or too old to hold anything back under any cooling-off
// (kDismissalCoolingOffDaysMax), keeps the recommendation's arrears.
void ArrearsOnDismissal(const ai::ObligorHistory& h, const ai::Reference& ref, Date as_of,
                        Money arrears_now, std::map<Remedy, PastDismissal>& dismissed) {
  std::map<Date, Money> on;
  for (auto& [remedy, d] : dismissed) {
    if (d.decided > as_of || d.decided.AddDays(kDismissalCoolingOffDaysMax - 1) < as_of) continue;
    if (d.decided == as_of) {
      d.arrears = arrears_now;
      continue;
    }
    auto it = on.find(d.decided);
    if (it == on.end()) {
      it =
          on.emplace(d.decided, ai::ExtractFeatures(h, ref, d.decided).balance.arrears_total).first;
    }
    d.arrears = it->second;
  }
}

}  // namespace

bool IsOpen(const Action& a) { return !IsFinal(a.state) && a.state != ActionState::kIssued; }

bool InForce(const Action& a) { return a.state == ActionState::kIssued; }

EligibilityFacts GatherFacts(const ai::ObligorHistory& history, const ai::Reference& ref,
                             const ChildBirthDates& births, const ai::FeatureRow& row,
                             CaseId case_id, const std::vector<Action>& obligor_actions,
                             Date as_of) {
  EligibilityFacts f;
  f.as_of = as_of;
  const ObligorBalance& b = row.balance;
  f.arrears_total = b.arrears_total;
  f.arrears_assigned = b.arrears_by_bucket[static_cast<int>(Bucket::kPermanentlyAssigned)] +
                       b.arrears_by_bucket[static_cast<int>(Bucket::kTemporarilyAssigned)] +
                       b.arrears_by_bucket[static_cast<int>(Bucket::kConditionallyAssigned)];
  f.arrears_non_assigned = f.arrears_total - f.arrears_assigned;
  f.overdue = b.overdue;
  f.delinquent = b.delinquent;
  for (const CaseBalance& c : b.cases) {
    f.monthly_support += c.monthly_support;
    if (c.case_id == case_id) f.case_arrears = c.arrears_total;
  }
  const float since = ai::At(row.values, ai::Feature::kDaysSinceLastPayment);
  bool paid_ever = false;
  for (const Collection& c : history.collections) {
    if (c.date <= as_of && (!c.reversed_date || *c.reversed_date > as_of)) paid_ever = true;
  }
  f.days_since_payment = paid_ever && !std::isnan(since) ? static_cast<int>(since) : -1;
  f.wage_employer_known = ai::At(row.values, ai::Feature::kEmployedNow) > 0.5f;
  f.iwo_active = ai::At(row.values, ai::Feature::kIwoActive) > 0.5f;
  f.incarcerated = ai::At(row.values, ai::Feature::kIncarcerated) > 0.5f;
  Date newest_order = Date::Ymd(1900, 1, 1);
  std::set<int64_t> qualified_cases;
  OrderFacts(history, births, case_id, as_of, f, newest_order, qualified_cases);
  // Non-assigned arrears count toward the $500 tax offset threshold only on the cases of a
  // qualified child, added up across those cases (FACTS §5), as `offset certify` counts them.
  f.qualified_child = false;
  for (const CaseBalance& c : b.cases) {
    if (!qualified_cases.count(c.case_id.value)) continue;
    Money non_assigned;
    for (int k = 0; k < kBucketCount; ++k) {
      if (!IsAssignedBucket(k)) non_assigned += c.arrears_by_bucket[k];
    }
    f.arrears_non_assigned_qualified += non_assigned;
    if (non_assigned.is_positive()) f.qualified_child = true;
  }
  f.months_since_order_change = MonthsBetween(newest_order, as_of);
  EventFacts(history, as_of, newest_order, f);
  for (const Action& a : obligor_actions) {
    if (a.case_id != case_id && !IsPersonLevel(a.remedy)) continue;
    if (IsOpen(a)) f.in_progress.insert(a.remedy);
    if (InForce(a)) f.certified.insert(a.remedy);
    if (auto d = DismissalOf(a)) {
      auto [it, added] = f.dismissed.emplace(a.remedy, *d);
      if (!added && it->second.decided < d->decided) it->second = *d;
    }
  }
  ArrearsOnDismissal(history, ref, as_of, f.arrears_total, f.dismissed);
  return f;
}

Result<ChildBirthDates> LoadChildBirthDates(Store& store, const ai::ObligorHistory& history) {
  return iwo::LoadChildBirthDates(store, history.books);
}

}  // namespace cse::enforce
