#include "iwo/settings.h"

#include <charconv>

#include "service/audit.h"
#include "service/json.h"
#include "service/staff_rule.h"
#include "storage/transaction.h"

namespace cse::iwo {
namespace {

constexpr const char* kConversionKeys[] = {"iwo.conversion.weekly", "iwo.conversion.biweekly",
                                           "iwo.conversion.semimonthly", "iwo.conversion.monthly"};
constexpr const char* kDueKey = "iwo.due_business_days";
constexpr const char* kHolidaysKey = "iwo.state_holidays";
constexpr const char* kFipsKey = "iwo.eiwo.state_fips";
constexpr const char* kStateNameKey = "iwo.eiwo.issuing_state";

ConversionRule::Factor& FactorFor(ConversionRule& r, size_t i) {
  switch (i) {
    case 0:
      return r.weekly;
    case 1:
      return r.biweekly;
    case 2:
      return r.semimonthly;
    default:
      return r.monthly;
  }
}

Result<int> ParseDueDays(std::string_view text) {
  int v = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0 || v > 30) {
    return InvalidArgument("due_days_invalid", std::string(kDueKey) + " '" + std::string(text) +
                                                   "': expected a whole number 0 to 30");
  }
  return v;
}

Result<std::vector<Date>> ParseHolidays(std::string_view text) {
  std::vector<Date> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string_view item = text.substr(pos, comma - pos);
    pos = comma + 1;
    auto d = Date::Parse(item);
    if (!d.ok()) {
      return InvalidArgument("holiday_invalid", std::string(kHolidaysKey) + ": '" +
                                                    std::string(item) + "' is not YYYY-MM-DD");
    }
    if (out.size() >= kStateHolidaysMax) {
      return InvalidArgument("holidays_too_many", std::string(kHolidaysKey) + ": more than " +
                                                      std::to_string(kStateHolidaysMax) + " days");
    }
    out.push_back(*d);
  }
  return out;
}

Result<std::string> ParseFips(std::string_view text) {
  if (text.size() != 2 || text[0] < '0' || text[0] > '9' || text[1] < '0' || text[1] > '9') {
    return InvalidArgument("state_fips_invalid", std::string(kFipsKey) + " '" + std::string(text) +
                                                     "': expected the two-digit state FIPS code");
  }
  return std::string(text);
}

// FACTS §1.3 chart D-3: the issuing state's full name, 35 characters, first not a space, in
// the record's printable ASCII.
Result<std::string> ParseStateName(std::string_view text) {
  for (char c : text) {
    if (c < ' ' || c > '~') {
      return InvalidArgument("issuing_state_invalid",
                             std::string(kStateNameKey) +
                                 ": expected printable ASCII letters and spaces (the e-IWO "
                                 "record's character set)");
    }
  }
  if (text.empty() || text.size() > 35 || text.front() == ' ') {
    return InvalidArgument("issuing_state_invalid",
                           std::string(kStateNameKey) + " '" + std::string(text) +
                               "': expected a full name of 1-35 characters, not starting with a "
                               "space");
  }
  return std::string(text);
}

std::string FactorText(const ConversionRule::Factor& f) {
  return std::to_string(f.numerator) + "/" + std::to_string(f.denominator);
}

Status Corrupt(const std::string& key, const Status& s) {
  return DataLoss("stored_setting_corrupt", key + ": " + s.message());
}

// Whether `key` is an IWO option and `value` a valid value for it.
Status CheckSetting(const std::string& key, const std::string& value) {
  bool known = key == kDueKey || key == kHolidaysKey || key == kFipsKey || key == kStateNameKey;
  for (const char* k : kConversionKeys) known = known || key == k;
  if (!known) {
    return InvalidArgument("iwo_config_key_unknown",
                           "unknown key '" + key +
                               "': expected iwo.conversion.weekly|biweekly|semimonthly|monthly, "
                               "iwo.due_business_days, iwo.state_holidays, "
                               "iwo.eiwo.state_fips or iwo.eiwo.issuing_state");
  }
  if (key == kDueKey) return ParseDueDays(value).status();
  if (key == kHolidaysKey) return ParseHolidays(value).status();
  if (key == kFipsKey) return ParseFips(value).status();
  if (key == kStateNameKey) return ParseStateName(value).status();
  return ParseFactor(value).status();
}

}  // namespace

Result<IwoSettings> LoadIwoSettings(Store& store) {
  IwoSettings s;
  for (size_t i = 0; i < std::size(kConversionKeys); ++i) {
    ASSIGN_OR_RETURN(auto v, store.GetSetting(kConversionKeys[i]));
    if (!v) continue;
    auto f = ParseFactor(*v);
    if (!f.ok()) return Corrupt(kConversionKeys[i], f.status());
    FactorFor(s.conversion, i) = *f;
  }
  ASSIGN_OR_RETURN(auto due, store.GetSetting(kDueKey));
  if (due) {
    auto d = ParseDueDays(*due);
    if (!d.ok()) return Corrupt(kDueKey, d.status());
    s.due_business_days = *d;
  }
  ASSIGN_OR_RETURN(auto holidays, store.GetSetting(kHolidaysKey));
  if (holidays) {
    auto h = ParseHolidays(*holidays);
    if (!h.ok()) return Corrupt(kHolidaysKey, h.status());
    s.state_holidays = *h;
  }
  ASSIGN_OR_RETURN(auto fips, store.GetSetting(kFipsKey));
  if (fips) {
    auto f = ParseFips(*fips);
    if (!f.ok()) return Corrupt(kFipsKey, f.status());
    s.eiwo_state_fips = *f;
  }
  ASSIGN_OR_RETURN(auto name, store.GetSetting(kStateNameKey));
  if (name) {
    auto n = ParseStateName(*name);
    if (!n.ok()) return Corrupt(kStateNameKey, n.status());
    s.eiwo_issuing_state = *n;
  }
  return s;
}

Status SetIwoSetting(Store& store, const Clock& clock, const std::string& actor,
                     const std::string& key, const std::string& value) {
  return InTransaction(store, [&]() -> Status {
    // The state's options are its law and policy: an admin's, as for `config set`
    // (LedgerService::SetConfig), once an active admin exists; checked first (before the key
    // is looked at) and inside the transaction that writes, so every caller is covered.
    RETURN_IF_ERROR(
        RequireAdminOnceStaffed(store, actor, {enforce::Role::kAdmin}, "change '" + key + "'"));
    RETURN_IF_ERROR(CheckSetting(key, value));
    RETURN_IF_ERROR(store.SetSetting(key, value));
    return AppendAudit(store, clock, actor, "iwo.config.set", "settings", key, "",
                       Json{{key, value}}.dump());
  });
}

std::vector<std::pair<std::string, std::string>> DescribeIwoSettings(const IwoSettings& s) {
  std::vector<std::pair<std::string, std::string>> out;
  ConversionRule rule = s.conversion;
  for (size_t i = 0; i < std::size(kConversionKeys); ++i) {
    out.emplace_back(kConversionKeys[i], FactorText(FactorFor(rule, i)));
  }
  out.emplace_back(kDueKey, std::to_string(s.due_business_days));
  std::string days;
  for (Date d : s.state_holidays) days += (days.empty() ? "" : ",") + d.ToString();
  out.emplace_back(kHolidaysKey, days);
  out.emplace_back(kFipsKey, s.eiwo_state_fips);
  out.emplace_back(kStateNameKey, s.eiwo_issuing_state);
  return out;
}

}  // namespace cse::iwo
