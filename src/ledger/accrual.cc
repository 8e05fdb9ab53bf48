#include "ledger/accrual.h"

#include <algorithm>

#include "money/allocate.h"

namespace cse {
namespace {

struct Period {
  Date start;
  Date end;  // inclusive
};

// The period of `frequency` (anchored at `anchor` for weekly/biweekly) that contains `day`.
Period PeriodContaining(Frequency frequency, Date anchor, Date day) {
  switch (frequency) {
    case Frequency::kMonthly:
      return {day.MonthStart(), day.MonthEnd()};
    case Frequency::kSemimonthly: {
      const Date first = day.MonthStart();
      if (day.day() <= 15) return {first, first.AddDays(14)};
      return {first.AddDays(15), day.MonthEnd()};
    }
    case Frequency::kWeekly:
    case Frequency::kBiweekly: {
      const int32_t length = frequency == Frequency::kWeekly ? 7 : 14;
      const int32_t offset = DaysBetween(anchor, day);
      const int32_t index = offset >= 0 ? offset / length : (offset - length + 1) / length;
      const Date start = anchor.AddDays(index * length);
      return {start, start.AddDays(length - 1)};
    }
  }
  return {day, day};
}

// Days of [a_start, a_end] ∩ [b_start, b_end], inclusive; 0 if disjoint.
int32_t OverlapDays(Date a_start, Date a_end, Date b_start, Date b_end) {
  const Date s = std::max(a_start, b_start);
  const Date e = std::min(a_end, b_end);
  return e < s ? 0 : DaysBetween(s, e) + 1;
}

// Days of [start, end] that are not in `closed` (ascending, disjoint); 0 if end < start.
int32_t OpenDays(Date start, Date end, std::span<const DateSpan> closed) {
  if (end < start) return 0;
  int32_t days = DaysBetween(start, end) + 1;
  for (const DateSpan& c : closed) days -= OverlapDays(start, end, c.from, c.through);
  return days;
}

// The first day of [start, end] that is not in `closed` (ascending, disjoint), if any.
std::optional<Date> FirstOpenDay(Date start, Date end, std::span<const DateSpan> closed) {
  Date day = start;
  for (const DateSpan& c : closed) {
    if (c.through < day) continue;
    if (c.from > day) break;
    if (c.through >= end) return std::nullopt;
    day = c.through.AddDays(1);
  }
  if (day > end) return std::nullopt;
  return day;
}

Money ProratedAmount(Money amount, Date term_start, Date term_end, const Period& p,
                     std::span<const DateSpan> closed) {
  const int32_t covered =
      OpenDays(std::max(term_start, p.start), std::min(term_end, p.end), closed);
  const int32_t length = DaysBetween(p.start, p.end) + 1;
  if (covered == length) return amount;
  return MulDivRound(amount, covered, length);
}

Money PeriodAmount(const Order& order, Date order_end, const Period& p,
                   std::span<const DateSpan> closed) {
  if (order.child_terms.empty()) {
    return ProratedAmount(order.amount, order.effective_date, order_end, p, closed);
  }
  Money total;
  for (const ChildTerm& term : order.child_terms) {
    const Date term_end = term.end_date ? std::min(*term.end_date, order_end) : order_end;
    total += ProratedAmount(term.amount, order.effective_date, term_end, p, closed);
  }
  return total;
}

}  // namespace

std::vector<JudgmentSlice> JudgmentSlices(const Order& order) {
  std::vector<JudgmentSlice> slices;
  if (!order.judgment_accrued_from || !order.judgment_accrued_through) return slices;
  const Date last = *order.judgment_accrued_through;
  std::vector<Money> days;  // Prorate's weights: the period's days in each month
  for (Date d = *order.judgment_accrued_from; d <= last; d = d.MonthEnd().AddDays(1)) {
    const Date through = std::min(d.MonthEnd(), last);
    slices.push_back({{d, through}, Money()});
    days.push_back(Money::FromCents(DaysBetween(d, through) + 1));
  }
  const std::vector<Money> parts = Prorate(order.judgment, days);
  for (size_t i = 0; i < slices.size(); ++i) slices[i].amount = parts[i];
  return slices;
}

std::vector<Debt> AccrueOrder(const Order& order, Date from, Date through,
                              std::span<const DateSpan> closed) {
  std::vector<Debt> debts;
  if (order.type == ObligationType::kArrearsPayback) {
    const Date due = order.effective_date;
    if (!order.judgment.is_positive() || due < from || due > through) return debts;
    if (!order.judgment_accrued_from) {
      debts.push_back(
          Debt{order.case_id, order.id, order.type, true, due, due, due, order.judgment, {}});
      return debts;
    }
    for (const JudgmentSlice& s : JudgmentSlices(order)) {
      if (s.amount.is_zero()) continue;
      debts.push_back(Debt{order.case_id, order.id, order.type, true, s.days.from, s.days.through,
                           due, s.amount, s.days});
    }
    return debts;
  }
  const Date order_end = order.end_date.value_or(MaxDate());
  const Date last = std::min(order_end, through);
  // Start at the period containing `from` but only count debts whose due date >= from (with
  // closed days, a period that starts before `from` may fall due on or after it).
  Period p =
      PeriodContaining(order.frequency, order.effective_date, std::max(order.effective_date, from));
  while (true) {
    const Date first = std::max(p.start, order.effective_date);
    if (first > last) break;
    const std::optional<Date> due = closed.empty()
                                        ? std::optional<Date>(first)
                                        : FirstOpenDay(first, std::min(p.end, order_end), closed);
    if (due && *due >= from && *due <= last) {
      const Money amount = PeriodAmount(order, order_end, p, closed);
      if (amount.is_positive()) {
        debts.push_back(
            Debt{order.case_id, order.id, order.type, false, p.start, p.end, *due, amount, {}});
      }
    }
    p = PeriodContaining(order.frequency, order.effective_date, p.end.AddDays(1));
  }
  return debts;
}

Money MonthlyEquivalent(const Order& order, Date on) {
  if (on < order.effective_date || (order.end_date && on > *order.end_date)) return Money();
  Money per_period = order.amount;
  if (!order.child_terms.empty()) {
    per_period = Money();
    for (const ChildTerm& t : order.child_terms) {
      if (!t.end_date || on <= *t.end_date) per_period += t.amount;
    }
  }
  switch (order.frequency) {
    case Frequency::kWeekly:
      return MulDivRound(per_period, 52, 12);
    case Frequency::kBiweekly:
      return MulDivRound(per_period, 26, 12);
    case Frequency::kSemimonthly:
      return per_period.Times(2);
    case Frequency::kMonthly:
      return per_period;
  }
  return per_period;
}

}  // namespace cse
