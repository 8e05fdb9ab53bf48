#include "ledger/engine.h"

#include <algorithm>
#include <tuple>

#include "core/limits.h"
#include "money/allocate.h"

namespace cse {

std::string_view Name(Bucket b) {
  switch (b) {
    case Bucket::kNeverAssigned:
      return "never_assigned";
    case Bucket::kUnassigned:
      return "unassigned";
    case Bucket::kTemporarilyAssigned:
      return "temporarily_assigned";
    case Bucket::kConditionallyAssigned:
      return "conditionally_assigned";
    case Bucket::kPermanentlyAssigned:
      return "permanently_assigned";
  }
  return "unknown";
}

std::string_view Name(AppliedAs v) {
  switch (v) {
    case AppliedAs::kCurrent:
      return "current";
    case AppliedAs::kArrears:
      return "arrears";
    case AppliedAs::kHeld:
      return "held";
  }
  return "unknown";
}

std::string_view Name(Payee v) {
  switch (v) {
    case Payee::kFamily:
      return "family";
    case Payee::kState:
      return "state";
    case Payee::kFederal:
      return "federal";
    case Payee::kHeld:
      return "held";
  }
  return "unknown";
}

bool CollectionActiveOn(const Collection& c, Date as_of) {
  return c.date <= as_of && !(c.reversed_date && *c.reversed_date <= as_of);
}

namespace {

using B = Bucket;
const std::vector<Bucket> kAssistanceOrder{B::kTemporarilyAssigned, B::kPermanentlyAssigned,
                                           B::kConditionallyAssigned, B::kUnassigned,
                                           B::kNeverAssigned};
const std::vector<Bucket> kFamilyFirstOrder{B::kNeverAssigned, B::kUnassigned,
                                            B::kConditionallyAssigned, B::kPermanentlyAssigned,
                                            B::kTemporarilyAssigned};
const std::vector<Bucket> kOffsetAssigned{B::kPermanentlyAssigned, B::kTemporarilyAssigned,
                                          B::kConditionallyAssigned};
const std::vector<Bucket> kOffsetFamily{B::kNeverAssigned, B::kUnassigned};

// Due date, type, order; the slices of one judgment (same due date and order) by month.
bool DebtLess(const Debt& a, const Debt& b) {
  return std::tie(a.due_date, a.type, a.order_id.value, a.period_start) <
         std::tie(b.due_date, b.type, b.order_id.value, b.period_start);
}

Money& PayeeTotal(Distribution& out, Payee payee) {
  switch (payee) {
    case Payee::kFamily:
      return out.to_family;
    case Payee::kState:
      return out.to_state;
    case Payee::kFederal:
      return out.to_federal;
    case Payee::kHeld:
      return out.held;
  }
  return out.held;
}

// The days whose support `debt` stands for: a judgment slice's days in its month, otherwise
// its due date.
DateSpan AccrualDays(const Debt& debt) {
  return debt.accrued.value_or(DateSpan{debt.due_date, debt.due_date});
}

// Two views of slices of one judgment that show as one (Snapshot): adjacent months in the same
// bucket, both arrears or both not.
bool SameJudgmentRun(const DebtView& a, const DebtView& b) {
  return a.debt.accrued && b.debt.accrued && a.debt.order_id == b.debt.order_id &&
         a.debt.due_date == b.debt.due_date && a.arrears == b.arrears && a.bucket == b.bucket;
}

// Appends `view` to `debts`, joined to the previous entry when both are slices of one judgment
// in the same bucket: the judgment is one past-due debt on display, one entry per bucket.
void PushView(std::vector<DebtView>& debts, const DebtView& view) {
  if (debts.empty() || !SameJudgmentRun(debts.back(), view)) {
    debts.push_back(view);
    return;
  }
  DebtView& run = debts.back();
  run.debt.amount += view.debt.amount;
  run.paid += view.paid;
  run.debt.period_end = view.debt.period_end;
  run.debt.accrued->through = view.debt.accrued->through;
}

int FirstMonth(const AssistanceEpisode& e) { return e.start_date.MonthIndex(); }
int LastMonth(const AssistanceEpisode& e) { return e.end_date.value_or(MaxDate()).MonthIndex(); }

}  // namespace

void AddDistributionLine(Distribution& out, const DistributionLine& line) {
  if (line.amount.is_zero()) return;
  PayeeTotal(out, line.payee) += line.amount;
  out.lines.push_back(line);
}

Money PassedThrough(const Distribution& d) {
  Money total;
  for (const DistributionLine& l : d.lines) {
    if (l.pass_through) total += l.amount;
  }
  return total;
}

namespace {

// The last day of a child term: its own end (emancipation), but no later than its order's end
// (a replaced or ended order), since a term cannot outlive its order. Unset: open-ended.
std::optional<Date> TermEnd(const Order& o, const ChildTerm& t) {
  if (!t.end_date) return o.end_date;
  if (!o.end_date) return t.end_date;
  return std::min(*t.end_date, *o.end_date);
}

}  // namespace

// The case's children are Case::children (the case_child rows, fixed when the case is added);
// the only dated facts about a child the ledger has are its terms' ends (emancipation, or the
// end of the order the term is on), so a child counts in a month unless every term naming it
// ended before the month began.
int PassThroughChildren(const CaseBook& book, Date month_start) {
  int count = 0;
  for (PersonId child : book.info.children) {
    bool named = false;
    bool in_term = false;
    for (const Order& o : book.orders) {
      for (const ChildTerm& t : o.child_terms) {
        if (t.child != child) continue;
        named = true;
        const std::optional<Date> end = TermEnd(o, t);
        in_term = in_term || !end || *end >= month_start;
      }
    }
    if (!named || in_term) ++count;
  }
  return count;
}

UraSchedule::UraSchedule(const std::vector<AssistanceEpisode>& episodes) {
  for (const AssistanceEpisode& e : episodes) {
    if (!e.end_date || e.start_date <= *e.end_date) episodes_.push_back(e);
  }
  // Cut the calendar where any episode's months begin or end; within each piece the set of
  // episodes touching a month is constant, and the piece counts the smallest of their grants.
  std::vector<int> cuts;
  for (const AssistanceEpisode& e : episodes_) {
    cuts.push_back(FirstMonth(e));
    cuts.push_back(LastMonth(e) + 1);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    std::optional<Money> grant;
    for (const AssistanceEpisode& e : episodes_) {
      if (FirstMonth(e) <= cuts[i] && cuts[i] <= LastMonth(e)) {
        grant = grant ? Min(*grant, e.monthly_grant) : e.monthly_grant;
      }
    }
    if (!grant) continue;  // a gap of whole months between episodes
    if (!spans_.empty() && spans_.back().last_month + 1 == cuts[i] &&
        spans_.back().grant == *grant) {
      spans_.back().last_month = cuts[i + 1] - 1;
    } else {
      spans_.push_back({cuts[i], cuts[i + 1] - 1, *grant});
    }
  }
}

Money UraSchedule::GrantedThrough(Date d) const {
  const int month = d.MonthIndex();
  const Date month_start = d.MonthStart();
  bool month_started = false;  // an episode touching d's month has begun by d
  for (const AssistanceEpisode& e : episodes_) {
    month_started =
        month_started || (e.start_date <= d && (!e.end_date || *e.end_date >= month_start));
  }
  Money total;
  for (const Span& s : spans_) {
    const int last = std::min(s.last_month, month - 1);
    if (last >= s.first_month) total += s.grant.Times(last - s.first_month + 1);
    if (month_started && s.first_month <= month && month <= s.last_month) total += s.grant;
  }
  return total;
}

ObligorLedger::ObligorLedger(std::vector<CaseBook> cases, DistributionPolicy policy)
    : policy_(policy) {
  CSE_CHECK(static_cast<int64_t>(cases.size()) <= limits::kCasesPerObligorMax,
            "too many cases for one obligor");
  std::sort(cases.begin(), cases.end(),
            [](const CaseBook& a, const CaseBook& b) { return a.info.id < b.info.id; });
  cases_.reserve(cases.size());
  for (CaseBook& book : cases) {
    CSE_CHECK(book.info.obligor == cases.front().info.obligor, "cases of different obligors");
    cases_.emplace_back();
    cases_.back().book = std::move(book);
    cases_.back().ura = UraSchedule(cases_.back().book.episodes);
  }
}

std::vector<DateSpan> ClosedSpans(std::span<const CaseEvent> events) {
  std::vector<DateSpan> spans;
  bool closed = false;
  Date closed_from;
  for (const CaseEvent& e : events) {
    if (e.kind == kCaseClosedEvent && !closed) {
      closed = true;
      closed_from = e.date;
    } else if (e.kind == kCaseReopenedEvent && closed) {
      if (closed_from < e.date) spans.push_back({closed_from, e.date.AddDays(-1)});
      closed = false;
    }
  }
  if (closed) spans.push_back({closed_from, MaxDate()});
  return spans;
}

bool ClosedOn(const CaseBook& book, Date d) {
  for (const DateSpan& s : book.closed) {
    if (d < s.from) return false;
    if (d <= s.through) return true;
  }
  return false;
}

namespace {

// One month's support that a case's overdue support is measured against (§6): the most
// monthly support (the sum of MonthlyEquivalent over its orders) in effect on any day of
// `as_of`'s month up to `as_of`. The sum changes only on the month's first day and the day
// after an order or a child's term ends (a new order or term only adds), so those days and
// `as_of` are the ones looked at. With the monthly support on `as_of` alone, an order ended,
// lowered or left with only its arrears payback schedule mid-month dropped the threshold while
// that month's support already counted as overdue: one missed week of a 433.33 weekly order
// made the case delinquent the day after it was lowered to 43.33 (QA probes 2026-12-05). From
// the next month the threshold is the lower support, as before.
Money DelinquencyThreshold(const std::vector<Order>& orders, Date as_of) {
  const Date first = as_of.MonthStart();
  std::vector<Date> days{first, as_of};
  const auto last_day = [&](std::optional<Date> end) {
    if (end && *end >= first && *end < as_of) days.push_back(*end);
  };
  for (const Order& o : orders) {
    last_day(o.end_date);
    for (const ChildTerm& t : o.child_terms) last_day(t.end_date);
  }
  Money most;
  for (Date d : days) {
    Money on;
    for (const Order& o : orders) on += MonthlyEquivalent(o, d);
    most = Max(most, on);
  }
  return most;
}

}  // namespace

bool OpenOn(const CaseBook& book, Date d) {
  return !ClosedPeriodOn(book.info.status, book.closed, d);
}

std::optional<DateSpan> ClosedPeriodOn(CaseStatus status, std::span<const DateSpan> closed,
                                       Date d) {
  if (closed.empty()) {
    if (status == CaseStatus::kOpen) return std::nullopt;
    return DateSpan{MinDate(), MaxDate()};
  }
  for (const DateSpan& s : closed) {
    if (d < s.from) return std::nullopt;
    if (d <= s.through) return s;
  }
  return std::nullopt;
}

Status CheckOpenOn(CaseId id, CaseStatus status, std::span<const DateSpan> closed, Date d,
                   std::string_view what) {
  const std::optional<DateSpan> period = ClosedPeriodOn(status, closed, d);
  if (!period) return Status::Ok();
  const std::string name = CaseDisplayId(id);
  const std::string day = std::string(what) + " " + d.ToString();
  if (closed.empty()) return FailedPrecondition("case_closed", name + " is closed");
  if (period->through == MaxDate()) {
    return FailedPrecondition("case_closed", name + " is closed since " + period->from.ToString() +
                                                 ": " + day + " is on or after its closing day");
  }
  return FailedPrecondition("case_closed", name + " was closed from " + period->from.ToString() +
                                               " to " + period->through.ToString() + ": " + day +
                                               " falls in that period");
}

void ObligorLedger::AccrueThrough(Date through) {
  if (accrued_any_ && through <= accrued_through_) return;
  const Date from = accrued_any_ ? accrued_through_.AddDays(1) : MinDate();
  for (CaseState& cs : cases_) {
    const size_t old_size = cs.debts.size();
    for (const Order& order : cs.book.orders) {
      for (Debt& d : AccrueOrder(order, from, through, cs.book.closed)) {
        cs.debts.push_back({d, Money()});
      }
    }
    auto less = [](const DebtState& a, const DebtState& b) { return DebtLess(a.debt, b.debt); };
    std::sort(cs.debts.begin() + static_cast<std::ptrdiff_t>(old_size), cs.debts.end(), less);
    std::inplace_merge(cs.debts.begin(), cs.debts.begin() + static_cast<std::ptrdiff_t>(old_size),
                       cs.debts.end(), less);
    if (cs.debts.size() != old_size) {
      cs.settled = 0;  // new debts may sort anywhere
      Settle(cs);
    }
  }
  accrued_through_ = through;
  accrued_any_ = true;
}

bool ObligorLedger::OnAssistance(const CaseState& cs, Date d) const {
  for (const AssistanceEpisode& e : cs.book.episodes) {
    if (e.start_date <= d && (!e.end_date || d <= *e.end_date)) return true;
  }
  return false;
}

// Every retention (Pay), capacity (ArrearsCapacity) and balance (Snapshot) reads URA here, so
// live posting, redistribution after a reversal or a late fact, and as-of views agree.
Money ObligorLedger::UraGranted(const CaseState& cs, Date d) const {
  return cs.ura.GrantedThrough(d);
}

bool ObligorLedger::IsArrears(const Debt& debt, const Day& day) {
  if (debt.judgment) return debt.due_date <= day.month_end;
  return debt.due_date < day.month_start;
}

// period_end < as_of is period_end + 1 day <= as_of, without stepping past MaxDate().
bool ObligorLedger::NextPeriodBegun(const Debt& debt, Date as_of) {
  return debt.period_end < as_of;
}

void ObligorLedger::Settle(CaseState& cs) {
  while (cs.settled < cs.debts.size() &&
         cs.debts[cs.settled].paid == cs.debts[cs.settled].debt.amount) {
    ++cs.settled;
  }
}

// A debt's bucket follows the days its support accrued (AccrualDays): its due date, or for a
// slice of a judgment with an accrual period the period's days in that slice's month, so that
// a judgment entered after assistance ended for support that accrued during it stays
// permanently assigned, and its pre-assistance part is temporarily/conditionally assigned
// (PRWORA) or unassigned (DRA) (FACTS §4.2; 42 USC 657, FACTS §4.1). A slice counts as
// accrued DURING assistance when any of its days falls in an episode, rather than at its
// month's end: URA counts every month an episode touches in full (§5.3), so the support of
// such a month is what reimburses that grant, and a month's end can fall after an episode
// ended mid-month (or a slice covering only the days before an episode began would be
// assigned at a month end inside it). For a debt with one day this is the due-date rule.
Bucket ObligorLedger::Classify(const CaseState& cs, const Debt& debt, Date d) const {
  bool any_started = false;
  bool pre_assistance = false;
  const DateSpan days = AccrualDays(debt);
  for (const AssistanceEpisode& e : cs.book.episodes) {
    if (e.start_date > d) continue;
    any_started = true;
    if (e.start_date <= days.through && (!e.end_date || days.from <= *e.end_date)) {
      return Bucket::kPermanentlyAssigned;
    }
    if (e.start_date > days.through) pre_assistance = true;
  }
  if (!any_started || !pre_assistance) return Bucket::kNeverAssigned;
  if (policy_.assignment_model == AssignmentModel::kDra) return Bucket::kUnassigned;
  return OnAssistance(cs, d) ? Bucket::kTemporarilyAssigned : Bucket::kConditionallyAssigned;
}

// Unpaid arrears of bucket `b` this case can absorb now. Permanently assigned arrears above
// URA count as unassigned (they belong to the family).
Money ObligorLedger::ArrearsCapacity(const CaseState& cs, Bucket b, const Day& day) const {
  Money in_bucket;
  Money permanent;
  const Date d = day.date;
  for (size_t i = cs.settled; i < cs.debts.size(); ++i) {
    const DebtState& ds = cs.debts[i];
    if (!IsArrears(ds.debt, day) || ds.paid == ds.debt.amount) continue;
    const Money unpaid = ds.debt.amount - ds.paid;
    const Bucket cb = Classify(cs, ds.debt, d);
    if (cb == Bucket::kPermanentlyAssigned) permanent += unpaid;
    if (cb == b) in_bucket += unpaid;
  }
  const Money ura = Max(UraGranted(cs, d) - cs.ura_retained, Money());
  const Money over_ura = Max(permanent - ura, Money());
  if (b == Bucket::kPermanentlyAssigned) return permanent - over_ura;
  if (b == Bucket::kUnassigned) return in_bucket + over_ura;
  return in_bucket;
}

// Pass-through (42 USC 657(a)(6)): the part of `retainable`, current support of a case on
// assistance that would be retained (within the URA balance), that goes to the family under
// the limit of the calendar month of the support paid; counted against that month, so future
// support applied on the 1st and the month's collections share one limit. Only ApplyCurrent
// pays current support, and never for a federal tax offset (Apply skips step 1 for offsets,
// and an offset's held money is never future support), so offsets pass nothing through.
Money ObligorLedger::PassThrough(CaseState& cs, const Debt& debt, Money retainable) {
  if (!retainable.is_positive() || (policy_.pass_through_one_child.is_zero() &&
                                    policy_.pass_through_two_or_more_children.is_zero())) {
    return Money();
  }
  const Money limit = PassThroughChildren(cs.book, debt.due_date.MonthStart()) >= 2
                          ? policy_.pass_through_two_or_more_children
                          : policy_.pass_through_one_child;
  Money& used = cs.passed_by_month[debt.due_date.MonthIndex()];
  const Money passed = Min(retainable, Max(limit - used, Money()));
  used += passed;
  cs.passed_through += passed;
  return passed;
}

void ObligorLedger::Pay(CaseState& cs, DebtState& ds, AppliedAs as, Bucket b, bool assigned,
                        Money amount, Date d, Distribution& out) {
  if (amount.is_zero()) return;
  ds.paid += amount;
  cs.collected += amount;
  DistributionLine line{cs.book.info.id, as,    ds.debt.type, ds.debt.due_date, b,
                        Payee::kFamily,  amount};
  if (assigned) {
    const Money ura = Max(UraGranted(cs, d) - cs.ura_retained, Money());
    // Of what would be retained (within the URA balance), current support passed through goes
    // to the family instead; the rest of the payment is distributed as without the option. The
    // passed money is not retained: ura_retained leaves it out, so the URA balance it leaves
    // can be retained from later collections.
    const Money within_ura = Min(amount, ura);
    const Money passed = as == AppliedAs::kCurrent ? PassThrough(cs, ds.debt, within_ura) : Money();
    const Money retained = within_ura - passed;
    if (retained.is_positive()) {
      // Cumulative rounding: the case's federal total is always the exact share of all it
      // retained, rounded once, so per-debt rounding never drifts toward either government.
      const Money federal_before = MulDivRound(cs.ura_retained, policy_.federal_share_bps, 10000);
      cs.ura_retained += retained;
      const Money federal =
          MulDivRound(cs.ura_retained, policy_.federal_share_bps, 10000) - federal_before;
      DistributionLine fed = line;
      fed.payee = Payee::kFederal;
      fed.amount = federal;
      Emit(ds.debt, fed, out);
      cs.to_federal += federal;
      DistributionLine state = line;
      state.payee = Payee::kState;
      state.amount = retained - federal;
      Emit(ds.debt, state, out);
      cs.to_state += retained - federal;
    }
    if (passed.is_positive()) {
      DistributionLine family = line;
      family.amount = passed;
      family.pass_through = true;
      cs.to_family += passed;
      Emit(ds.debt, family, out);
    }
    line.amount = amount - passed - retained;
  }
  cs.to_family += line.amount;
  Emit(ds.debt, line, out);
}

// The slices of one judgment paid by one collection show as one line per (applied as,
// bucket, payee), where the first of them fell: the judgment is one debt on display.
void ObligorLedger::Emit(const Debt& debt, const DistributionLine& line, Distribution& out) {
  if (!debt.accrued || line.amount.is_zero()) return AddDistributionLine(out, line);
  const SliceLineKey key{debt.order_id.value, static_cast<int>(line.applied_as),
                         static_cast<int>(line.bucket), static_cast<int>(line.payee)};
  const auto [at, added] = slice_lines_.emplace(key, out.lines.size());
  if (added) return AddDistributionLine(out, line);
  out.lines[at->second].amount += line.amount;
  PayeeTotal(out, line.payee) += line.amount;
}

Money ObligorLedger::ApplyCurrent(CaseState& cs, Money amount, const Day& day, Distribution& out) {
  if (amount.is_zero()) return amount;
  const Date d = day.date;
  const bool assigned = OnAssistance(cs, d);
  const Bucket b = assigned ? Bucket::kPermanentlyAssigned : Bucket::kNeverAssigned;
  for (ObligationType type : {ObligationType::kCurrentSupport, ObligationType::kCashMedical}) {
    for (size_t i = cs.settled; i < cs.debts.size(); ++i) {
      DebtState& ds = cs.debts[i];
      if (amount.is_zero()) return amount;
      if (ds.debt.judgment || ds.debt.type != type || ds.debt.due_date < day.month_start ||
          ds.debt.due_date > day.month_end) {
        continue;
      }
      const Money part = Min(amount, ds.debt.amount - ds.paid);
      Pay(cs, ds, AppliedAs::kCurrent, b, assigned, part, d, out);
      amount -= part;
    }
  }
  return amount;
}

Money ObligorLedger::ApplyBucket(CaseState& cs, Bucket b, Money amount, const Day& day, bool offset,
                                 Distribution& out) {
  if (amount.is_zero()) return amount;
  const Date d = day.date;
  Money cap = Min(amount, ArrearsCapacity(cs, b, day));
  const Money applied_total = cap;
  // Unassigned capacity beyond the unassigned debts is permanently assigned arrears above URA.
  for (Bucket source : {b, Bucket::kPermanentlyAssigned}) {
    if (source == Bucket::kPermanentlyAssigned && b != Bucket::kUnassigned &&
        b != Bucket::kPermanentlyAssigned) {
      break;
    }
    for (size_t i = cs.settled; i < cs.debts.size(); ++i) {
      DebtState& ds = cs.debts[i];
      if (cap.is_zero()) break;
      if (!IsArrears(ds.debt, day) || ds.paid == ds.debt.amount) continue;
      if (Classify(cs, ds.debt, d) != source) continue;
      const bool assigned = b == Bucket::kPermanentlyAssigned ||
                            b == Bucket::kTemporarilyAssigned ||
                            (b == Bucket::kConditionallyAssigned && offset);
      const Money part = Min(cap, ds.debt.amount - ds.paid);
      Pay(cs, ds, AppliedAs::kArrears, b, assigned, part, d, out);
      cap -= part;
    }
    if (b == Bucket::kPermanentlyAssigned) break;
  }
  CSE_CHECK(cap.is_zero(), "bucket capacity not absorbed");
  return amount - applied_total;
}

Money ObligorLedger::DistributeArrears(Money amount, const Day& d, bool offset, Distribution& out) {
  if (!offset) {
    return ProrateOverCases(
        amount,
        [](bool on_assistance) -> const std::vector<Bucket>& {
          return on_assistance ? kAssistanceOrder : kFamilyFirstOrder;
        },
        d, offset, out);
  }
  const bool family_first = policy_.tax_offset_order == TaxOffsetOrder::kFamilyFirst;
  auto assigned = [](bool) -> const std::vector<Bucket>& { return kOffsetAssigned; };
  auto family = [](bool) -> const std::vector<Bucket>& { return kOffsetFamily; };
  amount = ProrateOverCases(amount, family_first ? +family : +assigned, d, offset, out);
  return ProrateOverCases(amount, family_first ? +assigned : +family, d, offset, out);
}

Money ObligorLedger::ProrateOverCases(Money amount, const std::vector<Bucket>& (*order)(bool),
                                      const Day& d, bool offset, Distribution& out) {
  if (amount.is_zero()) return amount;
  std::vector<Money> caps(cases_.size());
  Money total;
  for (size_t i = 0; i < cases_.size(); ++i) {
    if (ClosedOn(cases_[i].book, d.date)) continue;  // share 0: nothing applied below
    for (Bucket b : order(OnAssistance(cases_[i], d.date))) {
      caps[i] += ArrearsCapacity(cases_[i], b, d);
    }
    total += caps[i];
  }
  if (total.is_zero()) return amount;
  const std::vector<Money> shares = amount >= total ? caps : Prorate(amount, caps);
  Money left = amount;
  for (size_t i = 0; i < cases_.size(); ++i) {
    Money share = shares[i];
    for (Bucket b : order(OnAssistance(cases_[i], d.date))) {
      share = ApplyBucket(cases_[i], b, share, d, offset, out);
    }
    CSE_CHECK(share.is_zero(), "case share of arrears not absorbed");
    left -= shares[i];
  }
  return left;
}

// Current support due in `day`'s month, prorated across the cases by what each still owes
// for the month; returns what is left.
Money ObligorLedger::DistributeCurrent(Money amount, const Day& day, Distribution& out) {
  std::vector<Money> caps(cases_.size());
  Money total;
  for (size_t i = 0; i < cases_.size(); ++i) {
    const CaseState& cs = cases_[i];
    if (ClosedOn(cs.book, day.date)) continue;
    for (size_t k = cs.settled; k < cs.debts.size(); ++k) {
      const DebtState& ds = cs.debts[k];
      if (!ds.debt.judgment && ds.debt.due_date >= day.month_start &&
          ds.debt.due_date <= day.month_end) {
        caps[i] += ds.debt.amount - ds.paid;
      }
    }
    total += caps[i];
  }
  if (total.is_zero()) return amount;
  const std::vector<Money> shares = amount >= total ? caps : Prorate(amount, caps);
  for (size_t i = 0; i < cases_.size(); ++i) {
    CSE_CHECK(ApplyCurrent(cases_[i], shares[i], day, out).is_zero(),
              "current support share not absorbed");
    amount -= shares[i];
  }
  return amount;
}

bool ObligorLedger::FuturesEligible(PaymentSource source) const {
  switch (policy_.futures) {
    case FuturesRule::kNone:
      return false;
    case FuturesRule::kWithholding:
      return source == PaymentSource::kWithholding;
    case FuturesRule::kAll:
      return source != PaymentSource::kTaxOffset;
  }
  return false;
}

// At the start of each month from futures_next_ through `through`'s, the held future support
// pays that month like a collection received on its first day: current support, then any
// arrears, oldest held money first. A month with nothing due leaves the pool as it is.
void ObligorLedger::ApplyFuturesThrough(Date through) {
  while (futures_first_ < futures_pool_.size() && futures_next_ <= through) {
    const Day day(futures_next_);
    AccrueThrough(day.month_end);
    for (size_t i = futures_first_; i < futures_pool_.size(); ++i) {
      HeldFund& fund = futures_pool_[i];
      Distribution out;
      out.collection_id = fund.from;
      slice_lines_.clear();
      Money left = DistributeCurrent(fund.amount, day, out);
      left = DistributeArrears(left, day, /*offset=*/false, out);
      for (CaseState& cs : cases_) Settle(cs);
      const Money applied = fund.amount - left;
      if (applied.is_zero()) break;  // nothing owed this month: the later funds wait too
      fund.amount = left;
      held_total_ -= applied;
      futures_applied_.push_back({fund.from, day.date, std::move(out)});
      if (left.is_positive()) break;  // the month is paid in full
    }
    while (futures_first_ < futures_pool_.size() &&
           futures_pool_[futures_first_].amount.is_zero()) {
      ++futures_first_;
    }
    futures_next_ = day.month_end.AddDays(1);
  }
}

Distribution ObligorLedger::Apply(const Collection& c) {
  CSE_CHECK(!last_applied_ || *last_applied_ <= c.date, "collections applied out of date order");
  CSE_CHECK(c.amount.is_positive(), "collection amount must be positive");
  CSE_CHECK(futures_applied_.empty() || futures_applied_.back().date <= c.date,
            "collection applied before future support already applied");
  ApplyFuturesThrough(c.date);
  const Day day(c.date);
  AccrueThrough(day.month_end);
  Distribution out;
  out.collection_id = c.id;
  slice_lines_.clear();
  Money left = c.amount;
  const bool offset = c.source == PaymentSource::kTaxOffset;
  if (!offset) left = DistributeCurrent(left, day, out);
  left = DistributeArrears(left, day, offset, out);
  for (CaseState& cs : cases_) Settle(cs);
  if (left.is_positive()) {
    AddDistributionLine(
        out, DistributionLine{c.case_id, AppliedAs::kHeld, ObligationType::kCurrentSupport, c.date,
                              Bucket::kNeverAssigned, Payee::kHeld, left});
    held_total_ += left;
    if (FuturesEligible(c.source)) {
      const Date next_month = day.month_end.AddDays(1);
      if (futures_first_ == futures_pool_.size() || futures_next_ < next_month) {
        futures_next_ = next_month;
      }
      futures_pool_.push_back({c.id, left});
    }
  }
  CSE_CHECK(out.to_family + out.to_state + out.to_federal + out.held == c.amount,
            "distribution does not add up to the collection");
  collections_total_ += c.amount;
  last_applied_ = c.date;
  return out;
}

ObligorBalance ObligorLedger::Snapshot(Date as_of) {
  CSE_CHECK(!last_applied_ || *last_applied_ <= as_of, "snapshot before an applied collection");
  ApplyFuturesThrough(as_of);
  const Day day(as_of);
  AccrueThrough(day.month_end);
  ObligorBalance ob;
  ob.obligor = cases_.empty() ? PersonId{} : cases_.front().book.info.obligor;
  ob.as_of = as_of;
  ob.collections_total = collections_total_;
  ob.held_total = held_total_;
  ob.futures_applied = futures_applied_;
  for (const CaseState& cs : cases_) {
    CaseBalance cb;
    cb.case_id = cs.book.info.id;
    cb.as_of = as_of;
    Money permanent;
    for (const DebtState& ds : cs.debts) {
      const Debt& debt = ds.debt;
      const Money unpaid = debt.amount - ds.paid;
      if (debt.due_date > as_of) {
        cb.prepaid += ds.paid;
        if (ds.paid.is_positive())
          PushView(cb.debts, {debt, ds.paid, Bucket::kNeverAssigned, false});
        continue;
      }
      cb.accrued += debt.amount;
      cb.paid += ds.paid;
      const bool arrears = IsArrears(debt, day);
      DebtView view{debt, ds.paid, Bucket::kNeverAssigned, arrears};
      if (!arrears) {
        cb.current_due += debt.amount;
        cb.current_unpaid += unpaid;
        if (NextPeriodBegun(debt, as_of)) cb.overdue += unpaid;
      } else if (unpaid.is_positive()) {
        view.bucket = Classify(cs, debt, as_of);
        cb.arrears_total += unpaid;
        cb.arrears_by_bucket[static_cast<int>(view.bucket)] += unpaid;
        if (view.bucket == Bucket::kPermanentlyAssigned) permanent += unpaid;
        if (!cb.arrears_oldest_due) cb.arrears_oldest_due = debt.due_date;
        if (DaysBetween(debt.due_date, as_of) > policy_.arrears_age_flag_days) {
          cb.arrears_over_age_flag += unpaid;
        }
      } else if (debt.accrued) {
        view.bucket = Classify(cs, debt, as_of);  // a paid slice joins its bucket's run
      }
      PushView(cb.debts, view);
    }
    cb.overdue += cb.arrears_total;
    cb.ura_granted = UraGranted(cs, as_of);
    cb.ura_retained = cs.ura_retained;
    cb.ura_balance = Max(cb.ura_granted - cb.ura_retained, Money());
    const Money over_ura = Max(permanent - cb.ura_balance, Money());
    cb.arrears_by_bucket[static_cast<int>(Bucket::kPermanentlyAssigned)] -= over_ura;
    cb.arrears_by_bucket[static_cast<int>(Bucket::kUnassigned)] += over_ura;
    cb.collected = cs.collected;
    cb.to_family = cs.to_family;
    cb.to_state = cs.to_state;
    cb.to_federal = cs.to_federal;
    cb.passed_through = cs.passed_through;
    cb.closed = ClosedOn(cs.book, as_of);
    if (!cb.closed) {  // a closed case's frozen balance: no support due, not enforced
      for (const Order& o : cs.book.orders) cb.monthly_support += MonthlyEquivalent(o, as_of);
      cb.delinquent =
          cb.overdue.is_positive() && cb.overdue >= DelinquencyThreshold(cs.book.orders, as_of);
      ob.arrears_total += cb.arrears_total;
      ob.overdue += cb.overdue;
      for (int b = 0; b < kBucketCount; ++b) ob.arrears_by_bucket[b] += cb.arrears_by_bucket[b];
      ob.delinquent = ob.delinquent || cb.delinquent;
    }
    ob.cases.push_back(std::move(cb));
  }
  return ob;
}

LedgerRun RunLedger(const std::vector<CaseBook>& cases, std::vector<Collection> collections,
                    const DistributionPolicy& policy, Date as_of) {
  std::erase_if(collections, [&](const Collection& c) { return !CollectionActiveOn(c, as_of); });
  std::sort(collections.begin(), collections.end(), [](const Collection& a, const Collection& b) {
    return std::tie(a.date, a.id.value) < std::tie(b.date, b.id.value);
  });
  ObligorLedger ledger(cases, policy);
  LedgerRun run;
  for (const Collection& c : collections) run.distributions[c.id.value] = ledger.Apply(c);
  run.balance = ledger.Snapshot(as_of);
  return run;
}

}  // namespace cse
