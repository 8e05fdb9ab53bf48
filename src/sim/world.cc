#include "sim/world.h"

#include <algorithm>
#include <cmath>

#include "sim/rng.h"

namespace cse::sim {
namespace {

constexpr uint64_t kEconomyStream = 0xEC0'0000'0000ULL;
constexpr uint64_t kEmployerStream = 0xE3'0000'0000ULL;

constexpr std::string_view kEmployerWords[] = {
    "Acorn",  "Beacon", "Canyon",   "Delta", "Ember",  "Falcon", "Granite", "Harbor",
    "Indigo", "Jasper", "Keystone", "Lumen", "Mesa",   "Nimbus", "Orchard", "Prairie",
    "Quarry", "Ridge",  "Summit",   "Tidal", "Upland", "Vista",  "Willow",  "Yarrow"};
constexpr std::string_view kEmployerKinds[] = {"Logistics", "Foods",    "Health",  "Builders",
                                               "Retail",    "Staffing", "Motors",  "Hotels",
                                               "Services",  "Farms",    "Freight", "Care"};

double ShockEffect(const Shock& s, Date month, double depth) {
  if (month < s.start) return 0.0;
  const int32_t since = month.MonthIndex() - s.start.MonthIndex();  // 0 in the first month
  const double ramp = std::min(1.0, static_cast<double>(since + 1) / 3.0);
  const double recovery = since > 12 ? std::max(0.0, 1.0 - 0.05 * (since - 12)) : 1.0;
  return depth * ramp * recovery;
}

}  // namespace

Result<Shock> ParseShock(std::string_view text) {
  const size_t at = text.find('@');
  auto bad = [&](const std::string& why) {
    return InvalidArgument("sim_shock_invalid", "shock '" + std::string(text) + "': " + why +
                                                    " (expected recession@YYYY-MM or "
                                                    "boom@YYYY-MM)");
  };
  if (at == std::string_view::npos) return bad("no '@'");
  Shock s;
  const std::string_view kind = text.substr(0, at);
  if (kind == "recession") {
    s.kind = ShockKind::kRecession;
  } else if (kind == "boom") {
    s.kind = ShockKind::kBoom;
  } else {
    return bad("unknown shock '" + std::string(kind) + "'");
  }
  auto month = Date::Parse(std::string(text.substr(at + 1)) + "-01");
  if (text.size() - at - 1 != 7 || !month.ok()) return bad("the month is not YYYY-MM");
  s.start = *month;
  return s;
}

std::string ShockText(const Shock& s) {
  return std::string(s.kind == ShockKind::kRecession ? "recession" : "boom") + "@" +
         s.start.ToString().substr(0, 7);
}

Status ValidateOptions(const SimOptions& o, Date today) {
  if (o.cases < 1 || o.cases > kMaxSimCases) {
    return InvalidArgument(
        "sim_cases_invalid",
        "--cases " + std::to_string(o.cases) + " must be 1 to " + std::to_string(kMaxSimCases));
  }
  if (o.months < 1 || o.months > kMaxSimMonths) {
    return InvalidArgument(
        "sim_months_invalid",
        "--months " + std::to_string(o.months) + " must be 1 to " + std::to_string(kMaxSimMonths));
  }
  if (o.as_of > today) {
    return InvalidArgument("sim_as_of_in_future",
                           "--as-of " + o.as_of.ToString() + " is after today " + today.ToString());
  }
  // Histories reach back up to 20 years before the window (case openings, assistance,
  // children's births); keep every date inside the supported calendar.
  if (o.as_of.year() - o.months / 12 < 1950) {
    return InvalidArgument("sim_as_of_too_early", "--as-of " + o.as_of.ToString() +
                                                      " with --months " + std::to_string(o.months) +
                                                      " starts before 1950");
  }
  const Date first = o.as_of.MonthStart().AddMonths(-(o.months - 1));
  for (const Shock& s : o.shocks) {
    if (s.start < first || s.start > o.as_of) {
      return InvalidArgument("sim_shock_outside_window",
                             "shock " + ShockText(s) + " is outside the simulated months " +
                                 first.ToString().substr(0, 7) + " to " +
                                 o.as_of.ToString().substr(0, 7));
    }
  }
  return Status::Ok();
}

const std::vector<County>& Counties() {
  static const std::vector<County> kCounties{
      {"Alder", 0.31, 0.042, 1.18},    {"Birch", 0.14, 0.048, 1.02},
      {"Cedar", 0.11, 0.055, 0.95},    {"Dogwood", 0.08, 0.061, 0.90},
      {"Elmstead", 0.07, 0.052, 0.97}, {"Fernvale", 0.06, 0.068, 0.85},
      {"Garnet", 0.05, 0.074, 0.82},   {"Hazelton", 0.05, 0.058, 0.92},
      {"Ironwood", 0.04, 0.081, 0.78}, {"Juniper", 0.04, 0.064, 0.88},
      {"Kestrel", 0.03, 0.090, 0.75},  {"Larchmont", 0.02, 0.071, 0.84},
  };
  return kCounties;
}

World::World(const SimOptions& options) : options_(options) {
  first_month_ = options_.as_of.MonthStart().AddMonths(-(options_.months - 1));
  const auto& counties = Counties();
  const int32_t n = simulated_months();
  index_.assign(counties.size(), std::vector<double>(static_cast<size_t>(n)));
  unemployment_.assign(counties.size(), std::vector<double>(static_cast<size_t>(n)));
  for (size_t c = 0; c < counties.size(); ++c) {
    Rng rng(options_.seed, kEconomyStream + c);
    double deviation = rng.Normal(0.0, 0.6);
    for (int32_t k = 0; k < n; ++k) {
      deviation = 0.95 * deviation + rng.Normal(0.0, 0.2);
      double shock = 0;
      for (const Shock& s : options_.shocks) {
        shock += s.kind == ShockKind::kRecession ? -ShockEffect(s, MonthStart(k), 9.0)
                                                 : ShockEffect(s, MonthStart(k), 6.0);
      }
      const double index = 100.0 + deviation + shock;
      index_[c][static_cast<size_t>(k)] = index;
      const double u = counties[c].base_unemployment * (1.0 + 0.07 * (100.0 - index));
      unemployment_[c][static_cast<size_t>(k)] = std::clamp(u, 0.02, 0.30);
    }
  }

  Rng rng(options_.seed, kEmployerStream);
  const int64_t count = std::clamp<int64_t>(options_.cases / 25, 40, 40'000);
  by_county_.assign(counties.size(), {});
  std::vector<double> weights;
  for (const County& c : counties) weights.push_back(c.weight);
  for (int64_t i = 0; i < count; ++i) {
    EmployerSpec e;
    // Synthetic FEINs: prefix 99 and a serial, nine digits.
    e.fein = "99" + std::to_string(1'000'000 + i * 7 % 9'000'000);
    const size_t w1 = rng.Pick(std::vector<double>(std::size(kEmployerWords), 1.0));
    const size_t w2 = rng.Pick(std::vector<double>(std::size(kEmployerKinds), 1.0));
    e.name = std::string(kEmployerWords[w1]) + " " + std::string(kEmployerKinds[w2]) + " " +
             std::to_string(i + 1);
    e.county = rng.Pick(weights);
    const size_t cycle = rng.Pick({0.30, 0.45, 0.15, 0.10});
    e.cycle = static_cast<PayCycle>(cycle);
    e.parity = static_cast<int>(rng.Int(0, 1));
    by_county_[e.county].push_back(employers_.size());
    employers_.push_back(std::move(e));
  }
  // Every county needs at least one employer.
  for (size_t c = 0; c < counties.size(); ++c) {
    if (by_county_[c].empty()) by_county_[c].push_back(c % employers_.size());
  }
}

double World::EconomicIndex(size_t county, int32_t k) const {
  return index_[county][static_cast<size_t>(k)];
}

double World::Unemployment(size_t county, int32_t k) const {
  return unemployment_[county][static_cast<size_t>(k)];
}

std::vector<CountyEconomy> World::EconomyRows() const {
  std::vector<CountyEconomy> rows;
  const auto& counties = Counties();
  for (size_t c = 0; c < counties.size(); ++c) {
    for (int32_t k = 0; k < history_months(); ++k) {
      CountyEconomy r;
      r.county = std::string(counties[c].name);
      r.month = MonthStart(k);
      r.economic_index = static_cast<int32_t>(std::lround(EconomicIndex(c, k) * 100.0));
      r.unemployment_bps = static_cast<int32_t>(std::lround(Unemployment(c, k) * 10'000.0));
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

}  // namespace cse::sim
