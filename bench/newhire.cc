// File: bench/newhire.cc
//
// Benchmark (not a test): processes a new-hire file of --records W-4 records against
// --obligors obligors through NewHireImporter::ImportFile — the same path as
// `opencse import newhire` (parse, validate, employer upsert by FEIN, SSN match, name + DOB
// fallback, ledger run for the 12-week arrears flag, employment, IWO with its deadline, case
// events, one audit row per batch) — and prints records/s and the time to the last IWO issued
// (the last batch's commit: the import returns right after it). Target (issue 7): under 60 s
// for 1,000,000 records against 1,000,000 obligors on the CI machine. Missing the target prints
// FAIL but exits 0 (a measurement); errors exit non-zero.
//
// Setup (untimed), as bench/post_payments does it: persons, cases and orders inserted with
// direct Store calls, 10,000 obligors per transaction, validated with domain/validate.h; one
// "bench.setup" audit row. Each obligor has an SSN, a date of birth, one case and one monthly
// current support order from 2023-01-01 ($150-$1,149), no payments (so every IWO carries the
// arrears-over-12-weeks flag). The file: an H4 header, then per 100 records 89 exact-SSN
// matches of distinct obligors (a permutation), 5 unknown SSNs whose name and date of birth
// match an obligor (review records), 5 unknown persons, and 1 malformed record (rejected);
// 5,000 employers. The clock is a FakeClock at 2024-07-01 (a Monday; IWOs due 2024-07-03).
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "bench_util.h"
#include "core/clock.h"
#include "domain/validate.h"
#include "formats/newhire.h"
#include "iwo/newhire.h"
#include "service/audit.h"
#include "storage/sqlite/sqlite_store.h"

namespace cse {
namespace {

using bench::ProcessCpuSeconds;
using bench::SecondsSince;
using bench::SteadyClock;

constexpr int64_t kSetupPerTransaction = 10'000;
constexpr int64_t kEmployers = 5'000;
constexpr double kTargetSeconds = 60.0;

struct Options {
  int64_t obligors = 1'000'000;
  int64_t records = 1'000'000;
  int64_t batch = iwo::NewHireOptions{}.batch_records;
  std::string db;
  std::string file;
  bool setup_only = false;  // build the database and stop (with --db, for repeated runs)
  bool skip_setup = false;  // --db already holds a setup of --obligors obligors
};

// A valid, unique SSN for n < 98,990,000 (area 100+, group 01-99, serial 0001-9999).
std::string Ssn(int64_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%03lld%02lld%04lld",
                static_cast<long long>(100 + n / (99 * 9999)),
                static_cast<long long>(n / 9999 % 99 + 1), static_cast<long long>(n % 9999 + 1));
  return buf;
}

// Letters only (new-hire names allow no digits): n in base 26.
std::string Letters(int64_t n) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('A' + n % 26));
    n /= 26;
  } while (n > 0);
  return s;
}

Date DobOf(int64_t n) { return Date::Ymd(1970, 1, 1).AddDays(static_cast<int32_t>(n % 9'000)); }

Status SetupChunk(Store& store, int64_t first, int64_t last, Date today) {
  const Date start = Date::Ymd(2023, 1, 1);
  for (int64_t n = first; n < last; ++n) {
    Person p;
    p.ssn = Ssn(n);
    p.first_name = "OBLIGOR";
    p.last_name = "BENCH" + Letters(n);
    p.date_of_birth = DobOf(n);
    RETURN_IF_ERROR(ValidatePerson(p, today));
    ASSIGN_OR_RETURN(PersonId obligor, store.InsertPerson(p));
    Person e;
    e.first_name = "OBLIGEE";
    e.last_name = "BENCH" + Letters(n);
    ASSIGN_OR_RETURN(PersonId obligee, store.InsertPerson(e));
    Case c;
    c.obligor = obligor;
    c.obligee = obligee;
    c.opened = start;
    c.county = "Maricopa";
    RETURN_IF_ERROR(ValidateCaseParties(c));
    ASSIGN_OR_RETURN(c.id, store.InsertCase(c));
    Order o;
    o.case_id = c.id;
    o.amount = Money::FromCents(15'000 + (n * 7'919 % 1'000) * 100);
    o.effective_date = start;
    RETURN_IF_ERROR(ValidateOrder(o));
    RETURN_IF_ERROR(store.InsertOrder(o).status());
  }
  return Status::Ok();
}

Status Setup(Store& store, const Clock& clock, int64_t obligors) {
  for (int64_t first = 0; first < obligors; first += kSetupPerTransaction) {
    RETURN_IF_ERROR(store.Begin());
    Status s =
        SetupChunk(store, first, std::min(obligors, first + kSetupPerTransaction), clock.Today());
    if (s.ok()) s = store.Commit();
    if (!s.ok()) {
      store.Rollback();
      return s;
    }
  }
  RETURN_IF_ERROR(store.Begin());
  Status s = AppendAudit(store, clock, "bench", "bench.setup", "case", "", "",
                         "{\"obligors\":" + std::to_string(obligors) + "}");
  if (s.ok()) s = store.Commit();
  if (!s.ok()) store.Rollback();
  return s;
}

std::string W4Line(const std::string& ssn, const std::string& first, const std::string& last,
                   Date dob, int64_t employer, Date hired) {
  std::string s(801, ' ');
  const auto put = [&](int pos, const std::string& text) {
    s.replace(static_cast<size_t>(pos - 1), text.size(), text);
  };
  const auto ymd = [](Date d) {
    std::string t = d.ToString();
    return t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2);
  };
  put(1, "W4");
  put(3, ssn);
  put(12, first);
  put(44, last);
  put(272, ymd(dob));
  put(280, ymd(hired));
  put(288, "AZ");
  char fein[64];
  std::snprintf(fein, sizeof fein, "%09lld", static_cast<long long>(500'000'000 + employer));
  put(290, fein);
  return s;
}

struct FileMix {
  int64_t matches = 0;
  int64_t reviews = 0;
  int64_t unknown = 0;
  int64_t malformed = 0;
};

Result<FileMix> WriteFile(const Options& o) {
  std::ofstream out(o.file, std::ios::binary);
  out << "H404         W4 0120240628000001\n";
  FileMix mix;
  const int64_t step = 7'919;  // coprime with the obligor counts used: a permutation
  for (int64_t i = 0; i < o.records; ++i) {
    const int64_t obligor = (i * step) % o.obligors;
    const Date hired = Date::Ymd(2024, 6, 1).AddDays(static_cast<int32_t>(i % 28));
    const int64_t employer = i % kEmployers;
    const int64_t kind = i % 100;
    if (kind == 0) {
      out << W4Line("12345678X", "BAD", "RECORD", DobOf(i), employer, hired) << "\n";
      ++mix.malformed;
    } else if (kind <= 5) {
      out << W4Line(Ssn(o.obligors * 2 + i), "OBLIGOR", "BENCH" + Letters(obligor), DobOf(obligor),
                    employer, hired)
          << "\n";
      ++mix.reviews;
    } else if (kind <= 10) {
      out << W4Line(Ssn(o.obligors * 2 + i), "NEW", "HIRE" + Letters(i), DobOf(i + 17), employer,
                    hired)
          << "\n";
      ++mix.unknown;
    } else {
      out << W4Line(Ssn(obligor), "OBLIGOR", "BENCH" + Letters(obligor), DobOf(obligor), employer,
                    hired)
          << "\n";
      ++mix.matches;
    }
  }
  if (!out) return Unavailable("store_io", "cannot write " + o.file);
  return mix;
}

int Run(const Options& o) {
  const std::string db =
      o.db.empty() ? "/tmp/opencse-bench-newhire-" + std::to_string(::getpid()) + ".db" : o.db;
  Options opts = o;
  if (opts.file.empty()) opts.file = db + ".w4.txt";
  if (!o.skip_setup) bench::RemoveDb(db);
  FakeClock clock(int64_t{Date::Ymd(2024, 7, 1).days()} * 86'400LL * 1'000'000LL);
  int rc = 1;
  {
    auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kCreate);
    if (!store.ok()) {
      std::fprintf(stderr, "error: %s\n", store.status().ToString().c_str());
      return 1;
    }
    auto t0 = SteadyClock::now();
    const Status setup = o.skip_setup ? Status::Ok() : Setup(**store, clock, opts.obligors);
    if (!setup.ok()) {
      std::fprintf(stderr, "setup: %s\n", setup.ToString().c_str());
    } else if (o.setup_only) {
      std::printf("setup: %lld obligors in %s in %.1f s\n", static_cast<long long>(opts.obligors),
                  db.c_str(), SecondsSince(t0));
      rc = 0;
    } else {
      std::printf("setup: %lld obligors (cases, orders) in %.1f s%s\n",
                  static_cast<long long>(opts.obligors), SecondsSince(t0),
                  o.skip_setup ? " (reused)" : "");
      t0 = SteadyClock::now();
      auto mix = WriteFile(opts);
      if (!mix.ok()) {
        std::fprintf(stderr, "file: %s\n", mix.status().ToString().c_str());
      } else {
        std::printf(
            "file: %lld records (%lld SSN matches, %lld name+DOB, %lld unknown, %lld "
            "malformed) written in %.1f s\n",
            static_cast<long long>(opts.records), static_cast<long long>(mix->matches),
            static_cast<long long>(mix->reviews), static_cast<long long>(mix->unknown),
            static_cast<long long>(mix->malformed), SecondsSince(t0));
        auto parser = formats::NewHireParser::Create(*formats::LoadNewHireLayout("w4"));
        iwo::NewHireImporter importer(**store, clock, "bench");
        iwo::NewHireOptions options;
        options.file_label = opts.file;
        options.batch_records = opts.batch;
        t0 = SteadyClock::now();
        const double cpu0 = ProcessCpuSeconds();
        auto rep = importer.ImportFile(opts.file, *parser, options);
        const double seconds = SecondsSince(t0);
        const double cpu_seconds = ProcessCpuSeconds() - cpu0;
        if (!rep.ok()) {
          std::fprintf(stderr, "import: %s\n", rep.status().ToString().c_str());
        } else {
          const bool ok = rep->iwos_issued + rep->iwo_already == mix->matches &&
                          rep->review == mix->reviews && rep->counts.rejected == mix->malformed;
          std::printf(
              "import: %lld records, %lld matched, %lld review, %lld unmatched, %lld "
              "rejected; %lld IWOs issued (due %s), %lld employers created\n",
              static_cast<long long>(rep->counts.records + rep->counts.rejected),
              static_cast<long long>(rep->matched), static_cast<long long>(rep->review),
              static_cast<long long>(rep->unmatched), static_cast<long long>(rep->counts.rejected),
              static_cast<long long>(rep->iwos_issued), rep->due_date.ToString().c_str(),
              static_cast<long long>(rep->employers_created));
          std::printf(
              "rate: %.0f records/s; time to the last IWO issued: %.1f s (target < %.0f "
              "s: %s); CPU %.1f s; peak RSS %lld MB\n",
              static_cast<double>(opts.records) / seconds, seconds, kTargetSeconds,
              seconds < kTargetSeconds ? "PASS" : "FAIL", cpu_seconds,
              static_cast<long long>(bench::PeakRssKb() / 1024));
          if (!ok) std::fprintf(stderr, "error: counts differ from the file's mix\n");
          rc = ok ? 0 : 1;
        }
      }
    }
  }
  if (o.file.empty()) std::remove(opts.file.c_str());
  if (o.db.empty()) bench::RemoveDb(db);
  std::fflush(stdout);
  return rc;
}

}  // namespace
}  // namespace cse

int main(int argc, char** argv) {
  cse::Options o;
  CLI::App app{"New-hire file → IWOs: records/s and time to the last IWO issued"};
  app.add_option("--obligors", o.obligors, "Obligors on file")
      ->check(CLI::Range(int64_t{100}, int64_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--records", o.records, "New-hire records in the file")
      ->check(CLI::Range(int64_t{100}, int64_t{10'000'000}))
      ->capture_default_str();
  app.add_option("--batch", o.batch, "Records per transaction")
      ->check(CLI::Range(int64_t{1}, cse::iwo::kNewHireBatchRecordsMax))
      ->capture_default_str();
  app.add_option("--db", o.db, "Keep the database at this path (default: a temp file, removed)");
  app.add_option("--file", o.file, "Keep the new-hire file at this path");
  app.add_flag("--setup-only", o.setup_only, "Build the obligors in --db and stop");
  app.add_flag("--skip-setup", o.skip_setup,
               "Use the obligors already in --db (from --setup-only; copy it first: a run adds "
               "IWOs)");
  CLI11_PARSE(app, argc, argv);
  return cse::Run(o);
}
