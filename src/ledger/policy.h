// File: ledger/policy.h
//
// The state's distribution options (42 USC 657, DRA 2005 §7301; FACTS §4). Each is
// configuration with the federal default; service/ loads them from the store's settings
// (`opencse config set KEY VALUE`).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"
#include "money/money.h"

namespace cse {

enum class AssignmentModel {
  // DRA 2005 §7301 (federal law from 1 Oct 2009): the assignment covers only support that
  // accrues while the family receives assistance; pre-assistance arrears are unassigned and
  // belong to the family.
  kDra,
  // PRWORA: pre-assistance arrears are temporarily assigned while assistance lasts and
  // conditionally assigned after it ends (the state keeps tax offsets applied to them while
  // URA remains).
  kPrwora,
};

enum class TaxOffsetOrder {
  // Federal default (PRWORA hierarchy, DCL-08-43): tax offsets pay assigned arrears first.
  kAssignedFirst,
  // DRA "family first" election: tax offsets pay the family's arrears first.
  kFamilyFirst,
};

// What happens to money a collection leaves over once current support and every arrears
// debt are paid (docs/ARCHITECTURE.md §5.5). Held money is applied as "future support" at the
// start of each later month, like a collection received that day (current support, then any
// arrears), oldest held money first. Federal tax offsets are never future support: they may
// pay only past-due support (FACTS §4.3), so what they leave stays held.
// State practice, not a federal option: Georgia DCSS policy 7.0 posts "future payments when
// applicable" [SOURCED, https://pamms.dhs.ga.gov/dcss/distribution-of-child-support-collections];
// Kansas KESSEP sends left-over income withholding to future support and follows the payer's
// stated intent for the rest (FACTS §11); Ohio holds assigned futures for future months and
// Arizona ranks futures last (FACTS §4.4).
enum class FuturesRule {
  // Left-over money stays held with its collection until a person acts. The rule of a
  // database whose setting is unset, i.e. one created before 2026-12-05: its past
  // distributions were computed this way (`opencse init` records kAll for a new database).
  kNone,
  // Left-over income withholding is future support (KESSEP's rule); other money stays held.
  kWithholding,
  // Left-over money of every source but a federal tax offset is future support.
  kAll,
};

struct DistributionPolicy {
  // Default: kDra (the federal assignment rule since FY2010).
  AssignmentModel assignment_model = AssignmentModel::kDra;
  // Default: kAssignedFirst.
  TaxOffsetOrder tax_offset_order = TaxOffsetOrder::kAssignedFirst;
  // Federal share (FMAP) of retained collections in basis points. Default: 5000 (50%, the
  // statutory floor; each state's FMAP is published yearly).
  int64_t federal_share_bps = 5000;
  // Arrears older than this many days are reported as "over 12 weeks" (the flag that raises
  // the CCPA withholding limit by 5 points; FACTS §3.1). Default: 84 (12 weeks).
  int32_t arrears_age_flag_days = 84;
  // Default (setting unset): kNone; see FuturesRule.
  FuturesRule futures = FuturesRule::kNone;
  // Pass-through (42 USC 657(a)(6); FACTS §4.1 says only "optional pass-through with federal
  // financial participation waived on the 'excepted portion'"). Per case and calendar month,
  // up to this much of the current support that would be retained for a family on assistance
  // goes to the family instead (docs/ARCHITECTURE.md §5.3.1). The limits of the excepted
  // portion, $100 a month or $200 for a family with two or more children (DRA 2005 §7301), are
  // from general knowledge, NOT verified in FACTS.md. Default: 0.00 each (no pass-through).
  Money pass_through_one_child;
  Money pass_through_two_or_more_children;
};

// The excepted portion (general knowledge of DRA 2005 §7301, NOT verified in FACTS.md): the
// most a state may pass through a month without owing the federal share. The settings refuse
// more, since the state would owe the federal share of the excess, which this system does not
// model.
inline constexpr Money kPassThroughExceptedOneChild = Money::FromCents(10000);
inline constexpr Money kPassThroughExceptedTwoOrMoreChildren = Money::FromCents(20000);

std::string_view Name(AssignmentModel v);
std::string_view Name(TaxOffsetOrder v);
std::string_view Name(FuturesRule v);
Result<AssignmentModel> ParseAssignmentModel(std::string_view text);
Result<TaxOffsetOrder> ParseTaxOffsetOrder(std::string_view text);
Result<FuturesRule> ParseFuturesRule(std::string_view text);
// A pass-through limit (`distribution.pass_through_*`, named `key` in messages): an amount from
// 0.00 to `excepted_max`. Errors: config_value_invalid (not an amount, or negative),
// pass_through_above_excepted_portion (above `excepted_max`).
Result<Money> ParsePassThroughLimit(std::string_view key, std::string_view text,
                                    Money excepted_max);

}  // namespace cse
