#include "ledger/policy.h"

#include <string>

namespace cse {

std::string_view Name(AssignmentModel v) { return v == AssignmentModel::kDra ? "dra" : "prwora"; }
std::string_view Name(TaxOffsetOrder v) {
  return v == TaxOffsetOrder::kAssignedFirst ? "assigned_first" : "family_first";
}

std::string_view Name(FuturesRule v) {
  switch (v) {
    case FuturesRule::kNone:
      return "none";
    case FuturesRule::kWithholding:
      return "withholding";
    case FuturesRule::kAll:
      return "all";
  }
  return "none";
}

Result<AssignmentModel> ParseAssignmentModel(std::string_view text) {
  if (text == "dra") return AssignmentModel::kDra;
  if (text == "prwora") return AssignmentModel::kPrwora;
  return InvalidArgument("config_value_invalid",
                         "assignment_model '" + std::string(text) + "'; expected dra or prwora");
}

Result<TaxOffsetOrder> ParseTaxOffsetOrder(std::string_view text) {
  if (text == "assigned_first") return TaxOffsetOrder::kAssignedFirst;
  if (text == "family_first") return TaxOffsetOrder::kFamilyFirst;
  return InvalidArgument("config_value_invalid", "tax_offset_order '" + std::string(text) +
                                                     "'; expected assigned_first or family_first");
}

Result<FuturesRule> ParseFuturesRule(std::string_view text) {
  if (text == "none") return FuturesRule::kNone;
  if (text == "withholding") return FuturesRule::kWithholding;
  if (text == "all") return FuturesRule::kAll;
  return InvalidArgument("config_value_invalid", "distribution.futures '" + std::string(text) +
                                                     "'; expected none, withholding or all");
}

Result<Money> ParsePassThroughLimit(std::string_view key, std::string_view text,
                                    Money excepted_max) {
  const std::string name(key);
  const std::string range = "; expected an amount from 0.00 to " + excepted_max.ToString();
  Result<Money> amount = ParseMoney(text, SignPolicy::kNonNegative);
  if (!amount.ok()) {
    return InvalidArgument("config_value_invalid", name + " '" + std::string(text) +
                                                       "' is not an amount (" +
                                                       amount.status().message() + ")" + range);
  }
  if (*amount > excepted_max) {
    return InvalidArgument(
        "pass_through_above_excepted_portion",
        name + " " + amount->ToString() + " is above the excepted portion of " +
            excepted_max.ToString() +
            " a month (42 USC 657(a)(6)): passing through more would make the state owe the "
            "federal share of the excess, which this system does not model" +
            range);
  }
  return *amount;
}

}  // namespace cse
