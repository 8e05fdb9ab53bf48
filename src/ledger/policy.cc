#include "ledger/policy.h"

#include <string>

namespace cse {

std::string_view Name(AssignmentModel v) { return v == AssignmentModel::kDra ? "dra" : "prwora"; }
std::string_view Name(TaxOffsetOrder v) {
  return v == TaxOffsetOrder::kAssignedFirst ? "assigned_first" : "family_first";
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

}  // namespace cse
