// File: ledger/accrual.h
//
// Accrual turns a support order into dated debts, exactly and reproducibly.
//
// The rule (docs/ARCHITECTURE.md "Accrual"):
//   monthly      one period per calendar month, due on its first day;
//   semimonthly  periods 1st-15th and 16th-last day, due on their first day;
//   weekly       7-day periods anchored at the order's effective date, due on their first day;
//   biweekly     14-day periods anchored likewise.
// A period the order (or a child's term) covers only in part is prorated by days:
// amount x covered_days / period_days, rounded half up to the cent, per child term. Its due
// date is the first covered day. A modification is an order ending on day X and a new order
// starting on X+1: both partial periods are prorated, so a mid-period change is exact to the
// cent up to that one rounding per order. Arrears payback orders create no periodic debt (their
// amount is a schedule toward existing arrears); their judgment is one debt due on the
// effective date.
//
// A judgment with an accrual period (Order::judgment_accrued_from/through) is instead split
// into one slice per calendar month the period touches, in proportion to the period's days in
// that month (money/allocate.h Prorate: largest remainder, ties to the oldest month); a slice
// of 0.00 is dropped. Every slice is still due on the effective date (one past-due debt for
// arrears age, delinquency and the payment history), and carries in `accrued` the days of the
// period in its month, which set its arrears bucket (ledger/engine.h Classify; FACTS §4.2).
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "domain/types.h"

namespace cse {

// Consecutive days, both ends inclusive.
struct DateSpan {
  Date from;
  Date through;
  friend bool operator==(const DateSpan&, const DateSpan&) = default;
};

struct Debt {
  CaseId case_id;
  OrderId order_id;
  ObligationType type = ObligationType::kCurrentSupport;
  bool judgment = false;  // a one-time arrears judgment (always arrears, never current)
  Date period_start;      // for a judgment slice: accrued->from; otherwise the period's
  Date period_end;        // for a judgment slice: accrued->through
  Date due_date;
  Money amount;
  // Only on a slice of a judgment with an accrual period: the days of that period in one
  // calendar month, during which its support accrued. Empty: the support accrued on due_date.
  std::optional<DateSpan> accrued;
};

// Debts of `order` with due dates in [from, through], in due-date order (the slices of a
// judgment, all due on its effective date, oldest month first).
//
// `closed` (ascending, disjoint) are days the order's case is closed (45 CFR 303.11;
// ledger/engine.h ClosedSpans): no periodic support accrues on them. A period they cover in
// part is prorated by its open days like any partial period, and is due on its first open
// covered day; a period they cover whole creates no debt. Judgments are not affected.
std::vector<Debt> AccrueOrder(const Order& order, Date from, Date through,
                              std::span<const DateSpan> closed = {});

// The slices of a judgment with an accrual period: per calendar month of
// [judgment_accrued_from, judgment_accrued_through], the days in that month and the part of
// the judgment prorated by days (zero parts included). Empty when the order has no period.
// REQUIRES: ValidateOrder(order) is OK.
struct JudgmentSlice {
  DateSpan days;
  Money amount;
};
std::vector<JudgmentSlice> JudgmentSlices(const Order& order);

// The order's per-period amount expressed per month (weekly x52/12, biweekly x26/12,
// semimonthly x2), rounded half up; zero when the order is not in effect on `on`.
Money MonthlyEquivalent(const Order& order, Date on);

}  // namespace cse
