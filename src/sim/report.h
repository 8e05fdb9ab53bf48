// File: sim/report.h
//
// The calibration report of `opencse simulate --report`: national figures from
// ../shared/FACTS.md §6.3 beside the same measures computed from the database — from the
// stored records and the ledger, as any report would, not from the simulator's latent state
// (except the ground-truth delinquency rate, which is labelled as such).
//
// Measurement window: the 12 months ending on the as-of date of the last simulation run.
//
// Thread-safety: one call at a time per store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"

namespace cse::sim {

struct CalibrationRow {
  std::string measure;
  double simulated = 0;       // percent
  std::optional<double> low;  // acceptable band, percent; none when FACTS has no figure
  std::optional<double> high;
  std::string target;  // the national figure as FACTS states it
  std::string source;  // FACTS section and year
  bool within() const { return !low || (simulated >= *low && simulated <= *high); }
};

struct CalibrationReport {
  std::string run;  // the run's parameters (JSON)
  Date as_of;
  std::vector<CalibrationRow> rows;
  bool all_within() const;
};

// Errors: failed_precondition "sim_no_run" when the database holds no simulation run.
Result<CalibrationReport> BuildCalibrationReport(Store& store);
std::string FormatReportText(const CalibrationReport& report);
std::string FormatReportMarkdown(const CalibrationReport& report);

}  // namespace cse::sim
