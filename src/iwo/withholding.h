// File: iwo/withholding.h
//
// How much an employer withholds for support each pay period, all in integer cents:
//   * the per-pay-period amount of a monthly order (a configurable conversion rule),
//   * the Consumer Credit Protection Act limit (15 USC 1673(b); FACTS §3.1), lowered by a
//     state cap when one is configured,
//   * the allocation of what may be withheld among several orders of one employee
//     (45 CFR 303.100(a)(5); FACTS §3.2): current support first, prorated by each order's share
//     of total current support; then arrears, either prorated by share of arrears (Michigan,
//     California) or in equal shares (Texas).
//
// Pure functions on values; no I/O. Thread-safety: value types and free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "domain/types.h"
#include "money/money.h"

namespace cse::iwo {

// ---- Per-pay-period conversion -------------------------------------------------------------

// How a monthly amount becomes an amount per pay period: per_period = monthly × numerator /
// denominator for each pay cycle, rounded half away from zero to the cent. The federal form
// only carries the figures (FACTS §1.2); the rule is the sending state's.
struct ConversionRule {
  struct Factor {
    int64_t numerator = 1;
    int64_t denominator = 1;
  };
  // Default: the annualized rule weekly = monthly×12/52, biweekly = monthly×12/26,
  // semimonthly = monthly/2, monthly = monthly. FACTS §1.2 marks this common formula
  // [MEMORY: not confirmed in a federal text]; California (Orange County) is [SOURCED] as
  // using 26 biweekly periods a year, which this default matches.
  Factor weekly{12, 52};
  Factor biweekly{12, 26};
  Factor semimonthly{1, 2};
  Factor monthly{1, 1};

  const Factor& For(PayCycle cycle) const;
};

// `monthly` per pay period of `cycle` under `rule`.
Money PerPayPeriod(Money monthly, PayCycle cycle, const ConversionRule& rule = {});

// Parses "12/52" (numerator/denominator, each 1..1000). Error: invalid_argument
// "conversion_factor_invalid".
Result<ConversionRule::Factor> ParseFactor(std::string_view text);

// ---- CCPA limit ----------------------------------------------------------------------------

// Enums, not bools, for the two facts the limit depends on (STYLE §3).
enum class SecondFamily { kNo, kYes };        // supports a spouse or child not covered by the order
enum class ArrearsOver12Weeks { kNo, kYes };  // IWO field 6c

struct LimitOptions {
  // A lower state cap in basis points of disposable earnings (California: 5000, FACTS §3.1);
  // the lesser of it and the federal limit applies. Default: 10000 (no state cap).
  int32_t state_cap_bps = 10'000;
};

// The federal share in basis points: 5000 / 6000, each +500 with arrears over 12 weeks.
int32_t FederalLimitBps(SecondFamily second_family, ArrearsOver12Weeks arrears_over_12_weeks);

// The most that may be withheld from `disposable` earnings (of one pay period): the lesser
// of the federal and state percentages, rounded down to the cent (the limit is a maximum:
// rounding never lets the employer withhold a cent more than the statute allows).
// REQUIRES: disposable >= 0; 0 <= options.state_cap_bps <= 10000.
Money WithholdingLimit(Money disposable, SecondFamily second_family,
                       ArrearsOver12Weeks arrears_over_12_weeks, const LimitOptions& options = {});

// ---- Allocation among several orders -------------------------------------------------------

enum class AllocationMethod {
  kProrate,  // arrears by share of total arrears (Michigan, California)
  kEqual,    // arrears in equal shares, each capped at what the order asks (Texas)
};
std::string_view Name(AllocationMethod method);
// "prorate" | "equal". Error: invalid_argument "allocation_method_invalid".
Result<AllocationMethod> ParseAllocationMethod(std::string_view text);

// What one order asks for in the pay period.
struct OrderDemand {
  Money current;  // current support (child, cash medical, spousal) per pay period
  Money arrears;  // arrears payback per pay period
};

struct OrderShare {
  Money current;
  Money arrears;
  Money total() const { return current + arrears; }
};

struct Allocation {
  Money limit;                     // the CCPA/state limit
  Money current_limit;             // the most of it current support may take (below)
  Money total;                     // withheld in all, within both limits
  std::vector<OrderShare> orders;  // one per demand, in the order given
};

// Splits `available` among `demands`. Current support first: when the available amount does
// not cover all current support, it is prorated by each order's share of current support;
// otherwise every order's current support is paid and the rest goes to arrears by `method`.
// No order is ever given more than it asks. Remainder policy (named, as STYLE §4 asks):
//   * proration: largest remainder, ties to the order listed first ("oldest first" — callers
//     list orders oldest first), via money/allocate.h Prorate;
//   * equal shares: the rest is split into equal whole-cent shares; a share larger than what
//     an order still asks is capped and the excess is shared again among the others; cents that
//     do not divide evenly go one each to the orders listed first.
// No order is skipped (45 CFR 303.100(a)(5)): there is no "first come, first served"; every
// order with a current-support demand gets its proportional share, which is zero only when
// that share is below one cent.
// `current_max`, when given, caps what current support takes in all (the CCPA's extra five
// points are for arrears only, see Allocate); the rest of `available` goes to arrears.
// REQUIRES: available >= 0; every demand >= 0.
std::vector<OrderShare> AllocateAmong(Money available, const std::vector<OrderDemand>& demands,
                                      AllocationMethod method,
                                      std::optional<Money> current_max = std::nullopt);

// The caseworker/employer tool: the limit on `disposable`, then the allocation of what the
// orders ask within it. With arrears over 12 weeks the limit is five points higher, but only
// "to the extent that" the withholding enforces support for a period before those 12 weeks
// (15 USC 1673(b)(2); FACTS §3.1): current support stays within the base 50 % / 60 %
// (`Allocation::current_limit`), and only arrears use the extra points. Example: 1,000.00
// disposable, 60 % + 5, an order of 700.00 current and 20.00 arrears: 600.00 current and
// 20.00 arrears, 620.00 in all (not 650.00 of current support).
struct AllocationRequest {
  Money disposable;
  SecondFamily second_family = SecondFamily::kNo;
  ArrearsOver12Weeks arrears_over_12_weeks = ArrearsOver12Weeks::kNo;
  AllocationMethod method = AllocationMethod::kProrate;
  LimitOptions limits;
  std::vector<OrderDemand> orders;
};

// Limits on the request (STYLE §7).
inline constexpr size_t kOrdersPerEmployeeMax = 100;

// Errors: invalid_argument "orders_missing" (no order), "orders_too_many" (more than
// kOrdersPerEmployeeMax), "order_amount_zero" (an order asking for nothing, with its 1-based
// index), "disposable_negative", "state_cap_invalid" (outside 0..10000 bps);
// out_of_range "amount_overflow" when the orders' total overflows.
Result<Allocation> Allocate(const AllocationRequest& request);

}  // namespace cse::iwo
