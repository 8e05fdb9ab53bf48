#include "domain/types.h"

#include <array>
#include <utility>

namespace cse {
namespace {

template <typename E, size_t N>
Result<E> ParseEnum(std::string_view text,
                    const std::array<std::pair<std::string_view, E>, N>& table,
                    std::string_view field) {
  for (const auto& [name, value] : table) {
    if (name == text) return value;
  }
  std::string accepted;
  for (const auto& [name, value] : table) {
    if (!accepted.empty()) accepted += ", ";
    accepted += name;
  }
  return InvalidArgument(std::string(field) + "_invalid", "'" + std::string(text) + "' is not a " +
                                                              std::string(field) +
                                                              "; expected one of " + accepted);
}

template <typename E, size_t N>
std::string_view NameOf(E value, const std::array<std::pair<std::string_view, E>, N>& table) {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "unknown";
}

constexpr std::array<std::pair<std::string_view, CaseRole>, 3> kRoles{
    {{"obligor", CaseRole::kObligor},
     {"obligee", CaseRole::kObligee},
     {"child", CaseRole::kChild}}};
constexpr std::array<std::pair<std::string_view, CaseType>, 3> kCaseTypes{
    {{"current_assistance", CaseType::kCurrentAssistance},
     {"former_assistance", CaseType::kFormerAssistance},
     {"never_assistance", CaseType::kNeverAssistance}}};
constexpr std::array<std::pair<std::string_view, CaseStatus>, 2> kStatuses{
    {{"open", CaseStatus::kOpen}, {"closed", CaseStatus::kClosed}}};
constexpr std::array<std::pair<std::string_view, ObligationType>, 3> kObligations{
    {{"current_support", ObligationType::kCurrentSupport},
     {"cash_medical", ObligationType::kCashMedical},
     {"arrears_payback", ObligationType::kArrearsPayback}}};
constexpr std::array<std::pair<std::string_view, Frequency>, 4> kFrequencies{
    {{"weekly", Frequency::kWeekly},
     {"biweekly", Frequency::kBiweekly},
     {"semimonthly", Frequency::kSemimonthly},
     {"monthly", Frequency::kMonthly}}};
constexpr std::array<std::pair<std::string_view, PaymentSource>, 4> kSources{
    {{"withholding", PaymentSource::kWithholding},
     {"direct", PaymentSource::kDirect},
     {"tax_offset", PaymentSource::kTaxOffset},
     {"other", PaymentSource::kOther}}};
constexpr std::array<std::pair<std::string_view, PayCycle>, 4> kPayCycles{
    {{"weekly", PayCycle::kWeekly},
     {"biweekly", PayCycle::kBiweekly},
     {"semimonthly", PayCycle::kSemimonthly},
     {"monthly", PayCycle::kMonthly}}};

}  // namespace

std::string_view Name(CaseRole v) { return NameOf(v, kRoles); }
std::string_view Name(CaseType v) { return NameOf(v, kCaseTypes); }
std::string_view Name(CaseStatus v) { return NameOf(v, kStatuses); }
std::string_view Name(ObligationType v) { return NameOf(v, kObligations); }
std::string_view Name(Frequency v) { return NameOf(v, kFrequencies); }
std::string_view Name(PaymentSource v) { return NameOf(v, kSources); }
std::string_view Name(PayCycle v) { return NameOf(v, kPayCycles); }

int PayPeriodsPerYear(PayCycle cycle) {
  switch (cycle) {
    case PayCycle::kWeekly:
      return 52;
    case PayCycle::kBiweekly:
      return 26;
    case PayCycle::kSemimonthly:
      return 24;
    case PayCycle::kMonthly:
      return 12;
  }
  return 12;
}

Result<CaseRole> ParseCaseRole(std::string_view t) { return ParseEnum(t, kRoles, "role"); }
Result<CaseType> ParseCaseType(std::string_view t) { return ParseEnum(t, kCaseTypes, "case_type"); }
Result<CaseStatus> ParseCaseStatus(std::string_view t) {
  return ParseEnum(t, kStatuses, "case_status");
}
Result<ObligationType> ParseObligationType(std::string_view t) {
  return ParseEnum(t, kObligations, "obligation_type");
}
Result<Frequency> ParseFrequency(std::string_view t) {
  return ParseEnum(t, kFrequencies, "frequency");
}
Result<PaymentSource> ParsePaymentSource(std::string_view t) {
  return ParseEnum(t, kSources, "source");
}
Result<PayCycle> ParsePayCycle(std::string_view t) { return ParseEnum(t, kPayCycles, "pay_cycle"); }

}  // namespace cse
