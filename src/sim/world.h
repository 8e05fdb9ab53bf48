// File: sim/world.h
//
// What every simulated case shares: the run's options, the calendar of simulated months, the
// synthetic counties with their monthly economic index and unemployment rate (with scenario
// shocks), and the employers. All of it is a pure function of the options and the seed.
//
// The simulated window: history runs over `months` calendar months ending with the as-of
// date's month (the last one only up to the as-of date); one more month after it is
// simulated for the ground-truth labels only and never written as records.
//
// Thread-safety: immutable after construction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "domain/types.h"

namespace cse::sim {

enum class ShockKind {
  kRecession,  // the economic index falls ~9 points over 3 months; unemployment rises
  kBoom,       // the index rises ~6 points over 3 months; unemployment falls
};
struct Shock {
  ShockKind kind = ShockKind::kRecession;
  Date start;  // first day of the month it starts
};
// "recession@2025-06" or "boom@2025-06". Errors: invalid_argument "sim_shock_invalid".
Result<Shock> ParseShock(std::string_view text);
std::string ShockText(const Shock& shock);

struct SimOptions {
  int64_t cases = 5'000;
  int32_t months = 24;
  uint64_t seed = 1;
  Date as_of;
  std::vector<Shock> shocks;
};

inline constexpr int64_t kMaxSimCases = 10'000'000;
inline constexpr int32_t kMaxSimMonths = 120;

// Checks before anything is written. `today` is the real date: the as-of date may not be
// after it. Reasons: sim_cases_invalid, sim_months_invalid, sim_as_of_in_future,
// sim_as_of_too_early, sim_shock_outside_window.
Status ValidateOptions(const SimOptions& options, Date today);

struct County {
  std::string_view name;
  double weight;             // share of the caseload
  double base_unemployment;  // long-run rate
  double wage_factor;        // relative local wages
};
// Twelve synthetic counties (invented names) of one state.
const std::vector<County>& Counties();
inline constexpr std::string_view kSimState = "AZ";

struct EmployerSpec {
  std::string fein;
  std::string name;
  size_t county = 0;
  PayCycle cycle = PayCycle::kBiweekly;
  int parity = 0;  // biweekly: which Fridays are paydays
};

class World {
 public:
  explicit World(const SimOptions& options);

  const SimOptions& options() const { return options_; }
  // Month 0 is the first month of history; month history_months() - 1 holds the as-of date;
  // month history_months() is the extra month simulated for labels only.
  int32_t history_months() const { return options_.months; }
  int32_t simulated_months() const { return options_.months + 1; }
  Date MonthStart(int32_t k) const { return first_month_.AddMonths(k); }
  Date first_day() const { return first_month_; }
  Date as_of() const { return options_.as_of; }

  double EconomicIndex(size_t county, int32_t k) const;  // 100 = long-run baseline
  double Unemployment(size_t county, int32_t k) const;   // 0..1
  const std::vector<EmployerSpec>& employers() const { return employers_; }
  // Employer indexes located in `county`.
  const std::vector<size_t>& EmployersIn(size_t county) const { return by_county_[county]; }

  // The county economy rows of the history months, for the county_economy table.
  std::vector<CountyEconomy> EconomyRows() const;

 private:
  SimOptions options_;
  Date first_month_;
  std::vector<std::vector<double>> index_;         // [county][month]
  std::vector<std::vector<double>> unemployment_;  // [county][month]
  std::vector<EmployerSpec> employers_;
  std::vector<std::vector<size_t>> by_county_;
};

}  // namespace cse::sim
