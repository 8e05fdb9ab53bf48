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
#pragma once

#include <vector>

#include "domain/types.h"

namespace cse {

struct Debt {
  CaseId case_id;
  OrderId order_id;
  ObligationType type = ObligationType::kCurrentSupport;
  bool judgment = false;  // a one-time arrears judgment (always arrears, never current)
  Date period_start;
  Date period_end;
  Date due_date;
  Money amount;
};

// Debts of `order` with due dates in [from, through], in due-date order.
std::vector<Debt> AccrueOrder(const Order& order, Date from, Date through);

// The order's per-period amount expressed per month (weekly x52/12, biweekly x26/12,
// semimonthly x2), rounded half up; zero when the order is not in effect on `on`.
Money MonthlyEquivalent(const Order& order, Date on);

}  // namespace cse
