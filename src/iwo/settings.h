// File: iwo/settings.h
//
// The state's income-withholding options, kept in the settings table under `iwo.*` keys with
// federal defaults for unset keys:
//   iwo.conversion.weekly | .biweekly | .semimonthly | .monthly   "N/D": per-pay-period factor of
//       a monthly amount (withholding.h ConversionRule; defaults 12/52, 12/26, 1/2, 1/1)
//   iwo.due_business_days   0-30: business days from new-hire entry to the IWO deadline
//       (default 2, 42 USC 653a(g)(1))
//   iwo.state_holidays      comma-separated YYYY-MM-DD days that are not business days besides
//       the federal holidays (default none; at most 200)
//   iwo.eiwo.state_fips     the two-digit state FIPS code that starts e-IWO control numbers
//       (FACTS §1.3; no default: `iwo export-eiwo` needs it or --state-fips)
//   iwo.eiwo.issuing_state  the issuing state's full name, e-IWO detail field 1g (1-35
//       characters; no default: `iwo export-eiwo` needs it or --issuing-state)
// Thread-safety: functions of the store; one thread at a time.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "iwo/withholding.h"
#include "storage/store.h"

namespace cse::iwo {

struct IwoSettings {
  ConversionRule conversion;
  int due_business_days = 2;
  std::vector<Date> state_holidays;
  std::string eiwo_state_fips;     // "" when unset
  std::string eiwo_issuing_state;  // "" when unset
};

inline constexpr size_t kStateHolidaysMax = 200;

// The settings with defaults for unset keys. A stored value that no longer parses is an error
// (data_loss "stored_setting_corrupt").
Result<IwoSettings> LoadIwoSettings(Store& store);

// Validates and stores one key in a transaction with an audit row `iwo.config.set`. Who: once
// an active admin exists, only an active admin (the rule of `config set`,
// service/staff_rule.h RequireAdminOnceStaffed); anyone before the first admin. The actor is
// checked first, inside the transaction. Errors (nothing written): failed_precondition
// "user_unknown" (not an active staff user), "role_not_allowed" (not an admin);
// invalid_argument "iwo_config_key_unknown", "conversion_factor_invalid", "due_days_invalid",
// "holiday_invalid", "holidays_too_many", "state_fips_invalid", "issuing_state_invalid"; store
// errors.
Status SetIwoSetting(Store& store, const Clock& clock, const std::string& actor,
                     const std::string& key, const std::string& value);

// Every key with its effective value, in a fixed order.
std::vector<std::pair<std::string, std::string>> DescribeIwoSettings(const IwoSettings& s);

}  // namespace cse::iwo
