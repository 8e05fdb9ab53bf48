// File: sim/simulate.h
//
// `opencse simulate`: plans every obligor's life (sim/life.h) and writes it through the same
// services a caseworker's commands use — LedgerService for persons, cases with their
// assistance, orders and modifications, employers, employment and case events; BulkPoster for
// payments; LedgerService::ReversePayment for bounced ones — so every record passes the same
// validation and leaves the same audit rows. The one bulk measure: a chunk of obligors is
// written inside one outer transaction (each service call commits into it as a savepoint;
// storage/store.h), so the disk is synced once per chunk instead of once per record, and the
// store runs in bulk-load mode (Store::SetBulkLoad: commits do not wait for the disk; all of
// it is made durable at the end). The next chunk is planned on a second thread while one is
// written; planning is pure, so the output does not depend on the timing.
// County economy rows and the ground truth are written straight to the store (they are not
// caseworker records).
//
// The database must hold no cases yet (sim_db_not_empty). The services run with a fixed
// clock at noon UTC of the as-of date, so the same seed and arguments give byte-identical
// databases.
//
// Thread-safety: one Simulator per thread; it borrows the store.
#pragma once

#include <functional>

#include "sim/world.h"
#include "storage/store.h"

namespace cse::sim {

struct SimCounts {
  int64_t obligors = 0;
  int64_t cases = 0;
  int64_t persons = 0;
  int64_t orders = 0;
  int64_t employers = 0;
  int64_t jobs = 0;
  int64_t events = 0;
  int64_t payments = 0;
  int64_t reversals = 0;
  int64_t truth_rows = 0;
};

inline constexpr int64_t kUnitsPerChunk = 2'000;

// Validates `options` against `today` (the real date), then generates and writes the
// caseload. `progress` (may be empty) is called after every chunk with the running counts.
Result<SimCounts> Simulate(Store& store, const SimOptions& options, Date today,
                           const std::function<void(const SimCounts&)>& progress);

// The parameters of a run as a JSON object (stored in sim_run, printed by the report).
std::string OptionsJson(const SimOptions& options);

}  // namespace cse::sim
