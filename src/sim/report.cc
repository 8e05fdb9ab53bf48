#include "sim/report.h"

#include <cstdio>
#include <map>
#include <set>

#include "core/clock.h"
#include "ledger/accrual.h"
#include "service/json.h"
#include "service/ledger_service.h"

namespace cse::sim {
namespace {

double Percent(Money part, Money whole) {
  if (!whole.is_positive()) return 0.0;
  return 100.0 * static_cast<double>(part.cents()) / static_cast<double>(whole.cents());
}

double Percent(int64_t part, int64_t whole) {
  return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

std::string Fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

CalibrationRow Row(std::string measure, double simulated, std::optional<double> low,
                   std::optional<double> high, std::string target, std::string source) {
  return CalibrationRow{std::move(measure), simulated,        low, high,
                        std::move(target),  std::move(source)};
}

}  // namespace

bool CalibrationReport::all_within() const {
  for (const CalibrationRow& r : rows) {
    if (!r.within()) return false;
  }
  return true;
}

Result<CalibrationReport> BuildCalibrationReport(Store& store) {
  ASSIGN_OR_RETURN(std::optional<std::string> run, store.LastSimRun());
  if (!run) {
    return FailedPrecondition("sim_no_run",
                              "this database holds no simulation run; run opencse simulate first");
  }
  CalibrationReport report;
  report.run = *run;
  const Json params = Json::parse(*run, nullptr, false);
  if (params.is_discarded() || !params.contains("as_of")) {
    return DataLoss("sim_run_corrupt", "the stored simulation run parameters are unreadable");
  }
  ASSIGN_OR_RETURN(report.as_of, Date::Parse(params["as_of"].get<std::string>()));
  const Date as_of = report.as_of;
  const Date from = as_of.AddMonths(-12).AddDays(1);

  // Cases, their types, and current support due in the window.
  std::map<int64_t, CaseType> case_type;
  std::set<int64_t> obligors;
  int64_t by_type[3] = {0, 0, 0};
  Money current_due;
  int64_t after = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<CaseId> ids, store.ListCaseIds(after, 1'000));
    if (ids.empty()) break;
    for (CaseId id : ids) {
      ASSIGN_OR_RETURN(Case c, store.GetCase(id));
      case_type[id.value] = c.type;
      ++by_type[static_cast<int>(c.type)];
      obligors.insert(c.obligor.value);
      ASSIGN_OR_RETURN(std::vector<Order> orders, store.ListOrdersByCase(id));
      for (const Order& o : orders) {
        if (o.type == ObligationType::kArrearsPayback) continue;
        for (const Debt& d : AccrueOrder(o, from, as_of)) current_due += d.amount;
      }
      after = id.value;
    }
  }
  const int64_t total_cases = by_type[0] + by_type[1] + by_type[2];

  // Collections received in the window and not reversed by the as-of date.
  Money total;
  Money withholding;
  Money offset;
  Money current_paid;
  Money by_family[3];
  RETURN_IF_ERROR(store.ScanCollections([&](const StoredCollection& row) {
    const Collection& c = row.collection;
    if (c.date < from || !CollectionActiveOn(c, as_of)) return Status::Ok();
    total += c.amount;
    if (c.source == PaymentSource::kWithholding) withholding += c.amount;
    if (c.source == PaymentSource::kTaxOffset) offset += c.amount;
    by_family[static_cast<int>(case_type[c.case_id.value])] += c.amount;
    for (const DistributionLine& l : row.distribution.lines) {
      if (l.applied_as == AppliedAs::kCurrent) current_paid += l.amount;
    }
    return Status::Ok();
  }));

  // Arrears per obligor from the ledger as of the as-of date.
  const FakeClock clock(int64_t{as_of.days()} * 86'400LL * 1'000'000LL);
  LedgerService service(store, clock, "report");
  int64_t debtors = 0;
  int64_t under_10k = 0;
  int64_t over_40k = 0;
  int64_t from_40k_to_100k = 0;
  int64_t over_100k = 0;
  Money debt_total;
  Money debt_under_10k;
  Money debt_over_40k;
  Money debt_government;
  for (int64_t o : obligors) {
    ASSIGN_OR_RETURN(ObligorBalance b, service.GetObligorBalance(PersonId{o}, as_of));
    // Held money applied as future support in the window is current support collected then
    // (the collection rows above keep their distribution as posted, held line included).
    for (const FuturesApplication& f : b.futures_applied) {
      if (f.date < from) continue;
      for (const DistributionLine& l : f.distribution.lines) {
        if (l.applied_as == AppliedAs::kCurrent) current_paid += l.amount;
      }
    }
    if (!b.arrears_total.is_positive()) continue;
    ++debtors;
    const Money a = b.arrears_total;
    debt_total += a;
    const int pa = static_cast<int>(Bucket::kPermanentlyAssigned);
    const int ta = static_cast<int>(Bucket::kTemporarilyAssigned);
    debt_government += b.arrears_by_bucket[pa] + b.arrears_by_bucket[ta];
    if (a < Money::FromCents(1'000'000)) {
      ++under_10k;
      debt_under_10k += a;
    }
    if (a > Money::FromCents(4'000'000)) {
      ++over_40k;
      debt_over_40k += a;
      if (a > Money::FromCents(10'000'000)) {
        ++over_100k;
      } else {
        ++from_40k_to_100k;
      }
    }
  }

  // Ground truth: the share of obligor-months delinquent in the next 30 days.
  int64_t truth_rows = 0;
  int64_t truth_delinquent = 0;
  RETURN_IF_ERROR(store.ScanTruthMonths([&](const TruthMonth& t) {
    ++truth_rows;
    if (t.delinquent_next_30) ++truth_delinquent;
    return Status::Ok();
  }));

  const std::string s63 = "FACTS §6.3";
  auto& rows = report.rows;
  rows.push_back(Row("Current support collected / due (OCSE-157 line 25 / 24)",
                     Percent(current_paid, current_due), 60.8, 70.8, "65.8%",
                     s63 + ", FY2019 national"));
  rows.push_back(Row("Collections through income withholding", Percent(withholding, total), 61.0,
                     80.0, "66% (FY2021) to 75% (FY2016)", s63));
  rows.push_back(Row("Cases: current assistance", Percent(by_type[0], total_cases), 5.5, 15.5,
                     "10.5%", s63 + ", FY2015"));
  rows.push_back(Row("Cases: former assistance", Percent(by_type[1], total_cases), 37.8, 47.8,
                     "42.8%", s63 + ", FY2015"));
  rows.push_back(Row("Cases: never assistance", Percent(by_type[2], total_cases), 41.7, 51.7,
                     "46.7%", s63 + ", FY2015"));
  rows.push_back(Row("Collections: current assistance families", Percent(by_family[0], total), 0.0,
                     7.5, "2% (FY2021), 3% (FY2015)", s63));
  rows.push_back(Row("Collections: former assistance families", Percent(by_family[1], total), 25.0,
                     36.0, "30% (FY2021), 31% (FY2015)", s63));
  rows.push_back(Row("Collections: never assistance families", Percent(by_family[2], total), 61.0,
                     73.0, "68% (FY2021), 66% (FY2015)", s63));
  rows.push_back(Row("Debtors owing under $10,000", Percent(under_10k, debtors), 50.0, 65.0,
                     "more than 50%", s63 + ", Apr 2017 (band: the bound to +15)"));
  rows.push_back(Row("Debtors owing over $40,000", Percent(over_40k, debtors), 10.0, 20.0, "15%",
                     s63 + ", Apr 2017"));
  rows.push_back(Row("Debtors owing $40,000-$100,000", Percent(from_40k_to_100k, debtors), 7.0,
                     17.0, "12%", s63 + ", Apr 2017"));
  rows.push_back(Row("Debtors owing over $100,000", Percent(over_100k, debtors), 0.5, 6.0, "3%",
                     s63 + ", Apr 2017"));
  rows.push_back(Row("Share of debt held by debtors owing over $40,000",
                     Percent(debt_over_40k, debt_total), 50.0, 70.0, "more than 55%",
                     s63 + ", Apr 2017 (band: the bound -5 to +15)"));
  rows.push_back(Row("Share of debt held by debtors owing under $10,000",
                     Percent(debt_under_10k, debt_total), 0.0, 15.0, "less than 10%",
                     s63 + ", Apr 2017 (band: to the bound +5)"));
  rows.push_back(Row("Arrears owed to the government (assigned)",
                     Percent(debt_government, debt_total), 15.0, 31.0,
                     "about 20% (2017), 26% (2013)", s63));
  rows.push_back(Row("Collections from federal tax offset", Percent(offset, total), 4.0, 14.0,
                     "about 9% [DERIVED in FACTS: PY2021 offsets / FY2021 collections]", s63));
  rows.push_back(Row("Obligors with any arrears",
                     Percent(debtors, static_cast<int64_t>(obligors.size())), std::nullopt,
                     std::nullopt, "no national figure (FACTS: not found)", s63));
  rows.push_back(Row("Obligor-months delinquent in the next 30 days (ground truth)",
                     Percent(truth_delinquent, truth_rows), std::nullopt, std::nullopt,
                     "no national figure", "sim_truth_month"));
  return report;
}

std::string FormatReportText(const CalibrationReport& r) {
  std::string out = "calibration of the simulated caseload (12 months to " + r.as_of.ToString() +
                    "; run " + r.run + ")\n";
  char line[256];
  std::snprintf(line, sizeof(line), "%-58s %9s  %-15s  %s\n", "measure", "simulated", "band",
                "status");
  out += line;
  for (const CalibrationRow& row : r.rows) {
    const std::string band =
        row.low ? Fixed1(*row.low) + "-" + Fixed1(*row.high) : std::string("(none)");
    std::snprintf(line, sizeof(line), "%-58s %8s%%  %-15s  %s\n", row.measure.c_str(),
                  Fixed1(row.simulated).c_str(), band.c_str(),
                  !row.low ? "info" : (row.within() ? "ok" : "OUT"));
    out += line;
  }
  out += r.all_within() ? "all calibrated measures within their bands\n"
                        : "SOME MEASURES ARE OUTSIDE THEIR BANDS\n";
  return out;
}

std::string FormatReportMarkdown(const CalibrationReport& r) {
  std::string out = "| Measure | National figure | Source | Band | Simulated | Status |\n";
  out += "|---|---|---|---|---|---|\n";
  for (const CalibrationRow& row : r.rows) {
    const std::string band =
        row.low ? Fixed1(*row.low) + "–" + Fixed1(*row.high) + "%" : std::string("—");
    out += "| " + row.measure + " | " + row.target + " | " + row.source + " | " + band + " | " +
           Fixed1(row.simulated) + "% | " +
           (!row.low ? "info" : (row.within() ? "ok" : "**out**")) + " |\n";
  }
  return out;
}

}  // namespace cse::sim
