// File: bench/post_payments.cc
//
// Benchmark (not a test): posts --payments payments across --cases cases through
// BulkPoster::PostBatch (full validation, idempotency lookup, distribution, one audit row per
// 10,000 postings) into a fresh SQLite file and prints payments/second; then, in the same run,
// times TimeRawCollectionInserts: the very rows just posted, column for column (distribution
// included), inserted into a bare table (no indexes, no constraints; same file settings, same
// batch size) in a second fresh file, and prints the ratio. Last, the same rows by the same
// loop into a table that has collection's indexes (the key's UNIQUE index and the covering
// obligor index) in a third file: the rate the schema alone allows, with no checks,
// distribution or audit, i.e. the most any posting into this schema could reach.
//
// Targets (issue "bench/post_payments"): posting >= 50% of the raw insert rate, and at least
// 50,000 payments/s. Missing a target prints FAIL but still exits 0 (this is a measurement);
// the exit status is non-zero only on errors (bad options, store failures, rejected rows, a
// wrong collection count).
//
// Setup shortcut (untimed): cases are created with direct Store calls — persons, case and a
// support order per case, validated with domain/validate.h exactly as LedgerService does,
// 10,000 cases per transaction — instead of LedgerService::AddPerson/AddCase/AddOrder, which
// commit (and fsync) once per call and write an audit row each. One "bench.setup" audit row
// and one ledger-generation bump cover the whole setup.
//
// Data: orders start 2023-01-01, mostly monthly (80% monthly, 8% biweekly, 7% semimonthly,
// 5% weekly), $150-$1,149 a month; every tenth case shares the previous case's obligor so some
// distributions span two cases. Payments: ~payments/cases per case, dated across 2024-2025 in
// posting order (date never decreases, so no row takes the backdated re-distribution path),
// withholding or direct, 60%-250% of the monthly amount so they pay current support and
// arrears (the orders ran a year before the first payment). The clock is a FakeClock at
// 2026-01-01.
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "bench_util.h"
#include "core/clock.h"
#include "core/limits.h"
#include "domain/validate.h"
#include "service/audit.h"
#include "service/bulk_poster.h"
#include "storage/sqlite/sqlite_store.h"

namespace cse {
namespace {

constexpr int64_t kSetupCasesPerTransaction = 10'000;
constexpr int64_t kDaySlots = 28;          // payment day-of-window slots per round
constexpr int32_t kPaymentSpanDays = 731;  // 2024-01-01 .. 2025-12-31
constexpr int64_t kSampleCollections = 1'000;
constexpr double kRatioTarget = 0.50;
constexpr double kRateTarget = 50'000.0;

struct Options {
  int64_t cases = 100'000;
  int64_t payments = 1'000'000;
  // The largest transaction `import payments --batch-rows` allows; the raw phase uses the same
  // (docs/ARCHITECTURE.md §8.1 gives the batch size of each recorded run).
  int64_t batch = limits::kPostingsPerBatchMax;
  std::string db;
  // distribution.futures (ledger/policy.h FuturesRule): `all`, the rule `opencse init` records
  // for a new database, unless told otherwise.
  std::string futures = "all";
};

int64_t MicrosAt(Date d) { return int64_t{d.days()} * 86'400LL * 1'000'000LL; }

// 1234567 -> "1,234,567".
std::string Grouped(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return v < 0 ? "-" + out : out;
}

std::string Fixed(double v, int decimals) {
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
  return buf.data();
}

// Bytes this process has passed to write()/pwrite() so far (wchar in /proc/self/io), or 0.
int64_t WrittenBytes() {
  std::ifstream in("/proc/self/io");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("wchar:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

std::string Megabytes(int64_t bytes) {
  return Fixed(static_cast<double>(bytes) / (1024.0 * 1024.0), 1) + " MB";
}

using bench::PeakRssKb;
using bench::ProcessCpuSeconds;
using bench::RemoveDb;
using bench::SecondsSince;
using bench::SteadyClock;

bool DbExists(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (std::filesystem::exists(path + suffix, ec)) return true;
  }
  return false;
}

// Deletes the files it owns on every exit path.
class TempFiles {
 public:
  void Own(std::string path) { paths_.push_back(std::move(path)); }
  ~TempFiles() {
    for (const std::string& p : paths_) RemoveDb(p);
  }
  TempFiles() = default;
  TempFiles(const TempFiles&) = delete;
  TempFiles& operator=(const TempFiles&) = delete;

 private:
  std::vector<std::string> paths_;
};

// The order of case number `n` (1-based).
struct CaseShape {
  Frequency frequency = Frequency::kMonthly;
  Money per_period;
  int64_t monthly_cents = 0;  // what the payments are sized around
};

CaseShape ShapeFor(int64_t n) {
  CaseShape s;
  s.monthly_cents = 15'000 + (n * 7'919 % 1'000) * 100;  // $150.00 .. $1,149.00
  const int64_t f = n % 100;
  int64_t per_period = s.monthly_cents;
  if (f < 80) {
    s.frequency = Frequency::kMonthly;
  } else if (f < 88) {
    s.frequency = Frequency::kBiweekly;
    per_period = s.monthly_cents * 12 / 26;
  } else if (f < 95) {
    s.frequency = Frequency::kSemimonthly;
    per_period = s.monthly_cents / 2;
  } else {
    s.frequency = Frequency::kWeekly;
    per_period = s.monthly_cents * 12 / 52;
  }
  s.per_period = Money::FromCents(per_period);
  return s;
}

// Every tenth case shares the previous case's obligor.
bool SharesObligor(int64_t n) { return n % 10 == 0 && n > 1; }

struct Book {
  std::vector<CaseId> case_ids;        // by case number - 1
  std::vector<int64_t> monthly_cents;  // by case number - 1
  std::vector<int64_t> posting_order;  // case numbers in (day slot, number) order
  int64_t persons = 0;
};

Status InsertSetupChunk(Store& store, int64_t first, int64_t last, Date today, Book& book,
                        PersonId& last_obligor) {
  const Date start = Date::Ymd(2023, 1, 1);
  for (int64_t n = first; n <= last; ++n) {
    PersonId obligor = last_obligor;
    if (!SharesObligor(n) || !obligor.valid()) {
      Person p;
      p.first_name = "Obligor";
      p.last_name = "Bench" + std::to_string(n);
      p.date_of_birth = Date::Ymd(1980, 1, 1).AddDays(static_cast<int32_t>(n % 3'650));
      p.address.state = "AZ";
      RETURN_IF_ERROR(ValidatePerson(p, today));
      ASSIGN_OR_RETURN(obligor, store.InsertPerson(p));
      ++book.persons;
    }
    last_obligor = obligor;
    Person e;
    e.first_name = "Obligee";
    e.last_name = "Bench" + std::to_string(n);
    e.address.state = "AZ";
    RETURN_IF_ERROR(ValidatePerson(e, today));
    ASSIGN_OR_RETURN(PersonId obligee, store.InsertPerson(e));
    ++book.persons;

    Case c;
    c.obligor = obligor;
    c.obligee = obligee;
    c.type = CaseType::kNeverAssistance;
    c.opened = start;
    c.county = "Maricopa";
    RETURN_IF_ERROR(ValidateCaseParties(c));
    ASSIGN_OR_RETURN(c.id, store.InsertCase(c));

    const CaseShape shape = ShapeFor(n);
    Order o;
    o.case_id = c.id;
    o.type = ObligationType::kCurrentSupport;
    o.amount = shape.per_period;
    o.frequency = shape.frequency;
    o.effective_date = start;
    RETURN_IF_ERROR(ValidateOrder(o));
    RETURN_IF_ERROR(store.InsertOrder(o).status());

    book.case_ids.push_back(c.id);
    book.monthly_cents.push_back(shape.monthly_cents);
  }
  return Status::Ok();
}

Result<Book> Setup(Store& store, const FakeClock& clock, int64_t cases,
                   const std::string& futures) {
  Book book;
  book.case_ids.reserve(static_cast<size_t>(cases));
  book.monthly_cents.reserve(static_cast<size_t>(cases));
  PersonId last_obligor;
  for (int64_t first = 1; first <= cases; first += kSetupCasesPerTransaction) {
    const int64_t last = std::min(cases, first + kSetupCasesPerTransaction - 1);
    RETURN_IF_ERROR(store.Begin());
    Status s = InsertSetupChunk(store, first, last, clock.Today(), book, last_obligor);
    if (!s.ok()) {
      store.Rollback();
      return s;
    }
    RETURN_IF_ERROR(store.Commit());
  }
  RETURN_IF_ERROR(store.Begin());
  Status s = store.SetSetting("distribution.futures", futures);
  if (s.ok()) {
    s = AppendAudit(
        store, clock, "bench", "bench.setup", "case", "", "",
        "{\"cases\":" + std::to_string(cases) + ",\"distribution.futures\":\"" + futures + "\"}");
  }
  if (s.ok()) {
    auto gen = store.LedgerGeneration();
    s = gen.ok() ? store.SetLedgerGeneration(*gen + 1) : gen.status();
  }
  if (!s.ok()) {
    store.Rollback();
    return s;
  }
  RETURN_IF_ERROR(store.Commit());

  book.posting_order.resize(static_cast<size_t>(cases));
  for (int64_t n = 1; n <= cases; ++n) book.posting_order[static_cast<size_t>(n - 1)] = n;
  std::stable_sort(book.posting_order.begin(), book.posting_order.end(),
                   [](int64_t a, int64_t b) { return (a - 1) % kDaySlots < (b - 1) % kDaySlots; });
  return book;
}

// The idempotency key of payment number `i`: a payment file's sequence number, zero-padded so
// keys sort in posting order as a processor's batch/sequence ids do.
std::string KeyFor(int64_t i) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "PMT-%010lld", static_cast<long long>(i));
  return buf.data();
}

// Payment number `i` (0-based). Round r = i / cases pays each case once, in posting_order;
// its date grows with (round, day slot), so dates never decrease in posting order.
PaymentRequest MakePayment(const Book& book, int64_t i, int64_t rounds) {
  const int64_t cases = static_cast<int64_t>(book.case_ids.size());
  const int64_t round = i / cases;
  const int64_t n = book.posting_order[static_cast<size_t>(i % cases)];
  const int64_t slot = (n - 1) % kDaySlots;
  const int64_t day = (round * kDaySlots + slot) * kPaymentSpanDays / (rounds * kDaySlots);
  static constexpr std::array<int64_t, 6> kPercent{60, 100, 100, 130, 180, 250};
  const int64_t percent = kPercent[static_cast<size_t>((n + round) % 6)];
  PaymentRequest p;
  p.key = KeyFor(i);
  p.case_id = book.case_ids[static_cast<size_t>(n - 1)];
  p.amount = Money::FromCents(
      std::max<int64_t>(1, book.monthly_cents[static_cast<size_t>(n - 1)] * percent / 100));
  p.date = Date::Ymd(2024, 1, 1).AddDays(static_cast<int32_t>(day));
  p.source = (n + round) % 3 == 0 ? PaymentSource::kDirect : PaymentSource::kWithholding;
  return p;
}

struct PostingRun {
  int64_t posted = 0;
  int64_t batches = 0;
  double seconds = 0;
  double cpu_seconds = 0;
  int64_t written_bytes = 0;
};

Result<PostingRun> PostAll(Store& store, const std::string& db, FakeClock& clock, const Book& book,
                           const Options& o) {
  const int64_t rounds = (o.payments + o.cases - 1) / o.cases;
  BulkPoster poster(store, clock, "bench");
  // As `opencse import payments` does: the cases and ledgers are read on a second connection.
  poster.UseReader(SqliteStore::ConnectionOpener(db));
  PostingRun run;
  std::vector<PaymentRequest> rows;
  rows.reserve(static_cast<size_t>(o.batch));
  for (int64_t first = 0; first < o.payments; first += o.batch) {
    const int64_t last = std::min(o.payments, first + o.batch);
    rows.clear();
    for (int64_t i = first; i < last; ++i) rows.push_back(MakePayment(book, i, rounds));
    const std::string label = "bench-batch-" + std::to_string(run.batches + 1);
    const auto start = SteadyClock::now();
    const double cpu_start = ProcessCpuSeconds();
    const int64_t written_start = WrittenBytes();
    auto result = poster.PostBatch(rows, BatchMode::kCommitValid, label);
    run.written_bytes += WrittenBytes() - written_start;
    run.cpu_seconds += ProcessCpuSeconds() - cpu_start;
    run.seconds += SecondsSince(start);
    if (!result.ok()) {
      return result.status().WithContext(label + " (payments " + std::to_string(first) + "-" +
                                         std::to_string(last - 1) + ")");
    }
    if (!result->committed || result->rejected != 0 || result->exists != 0 ||
        result->created != last - first) {
      std::string why = "committed=" + std::string(result->committed ? "yes" : "no") +
                        " created=" + std::to_string(result->created) +
                        " exists=" + std::to_string(result->exists) +
                        " rejected=" + std::to_string(result->rejected);
      for (size_t k = 0; k < result->outcomes.size(); ++k) {
        if (result->outcomes[k].kind == RowOutcome::Kind::kRejected) {
          why +=
              "; first rejected row " + rows[k].key + ": " + result->outcomes[k].error.ToString();
          break;
        }
      }
      return Internal("batch_not_clean", label + " was not posted cleanly: " + why);
    }
    run.posted += result->created;
    ++run.batches;
    clock.AdvanceMicros(1'000);  // distinct audit timestamps; still the same day
  }
  return run;
}

// Reads back a spread of collections and counts their distribution lines by kind.
struct LineCounts {
  int64_t collections = 0;
  int64_t current = 0;
  int64_t arrears = 0;
  int64_t held = 0;
  int64_t multi_case = 0;  // collections whose lines touch more than one case
};

Result<LineCounts> SampleDistributions(Store& store, int64_t payments) {
  LineCounts counts;
  const int64_t step = std::max<int64_t>(1, payments / kSampleCollections);
  for (int64_t i = 0; i < payments; i += step) {
    ASSIGN_OR_RETURN(auto row, store.FindCollectionByKey(KeyFor(i)));
    if (!row) return Internal("collection_missing", KeyFor(i) + " not stored");
    ++counts.collections;
    bool other_case = false;
    for (const DistributionLine& line : row->distribution.lines) {
      if (line.case_id != row->collection.case_id) other_case = true;
      switch (line.applied_as) {
        case AppliedAs::kCurrent:
          ++counts.current;
          break;
        case AppliedAs::kArrears:
          ++counts.arrears;
          break;
        case AppliedAs::kHeld:
          ++counts.held;
          break;
      }
    }
    if (other_case) ++counts.multi_case;
  }
  return counts;
}

int Fail(const std::string& what, const Status& s) {
  std::fprintf(stderr, "post_payments: ERROR: %s: %s\n", what.c_str(), s.ToString().c_str());
  return 2;
}

int Run(const Options& o) {
  TempFiles temp;
  std::string db = o.db;
  if (db.empty()) {
    db = "/tmp/opencse-bench-post-payments-" + std::to_string(::getpid()) + ".db";
    RemoveDb(db);
    temp.Own(db);
  } else if (DbExists(db)) {
    std::fprintf(stderr,
                 "post_payments: ERROR: --db %s already exists; the benchmark needs a "
                 "fresh file\n",
                 db.c_str());
    return 2;
  }
  // The comparison phases' files beside it: fresh, and deleted afterwards.
  auto companion = [&](const std::string& suffix) -> std::optional<std::string> {
    const std::string path = db + suffix;
    if (!o.db.empty() && DbExists(path)) {
      std::fprintf(stderr, "post_payments: ERROR: %s already exists\n", path.c_str());
      return std::nullopt;
    }
    RemoveDb(path);
    temp.Own(path);
    return path;
  };
  const std::optional<std::string> raw_file = companion(".raw");
  if (!raw_file) return 2;
  const std::optional<std::string> indexed_file = companion(".indexed");
  if (!indexed_file) return 2;
  const std::string& raw_db = *raw_file;
  const std::string& indexed_db = *indexed_file;

  std::printf("post_payments: %s cases, %s payments, batch %s, distribution.futures %s\n",
              Grouped(o.cases).c_str(), Grouped(o.payments).c_str(), Grouped(o.batch).c_str(),
              o.futures.c_str());
  std::printf("database: %s (raw: %s, indexed: %s; all three new, %s-byte pages)\n", db.c_str(),
              raw_db.c_str(), indexed_db.c_str(), Grouped(SqliteStore::kPageSizeBytes).c_str());
  std::fflush(stdout);

  auto opened = SqliteStore::Open(db, SqliteStore::OpenMode::kCreate);
  if (!opened.ok()) return Fail("open " + db, opened.status());
  SqliteStore& store = **opened;
  FakeClock clock(MicrosAt(Date::Ymd(2026, 1, 1)));

  const auto setup_start = SteadyClock::now();
  auto book = Setup(store, clock, o.cases, o.futures);
  if (!book.ok()) return Fail("setup", book.status());
  const double setup_seconds = SecondsSince(setup_start);
  std::printf("setup: %s cases, %s persons, %s orders in %s s (direct Store inserts)\n",
              Grouped(o.cases).c_str(), Grouped(book->persons).c_str(), Grouped(o.cases).c_str(),
              Fixed(setup_seconds, 2).c_str());
  std::fflush(stdout);

  auto posting = PostAll(store, db, clock, *book, o);
  if (!posting.ok()) return Fail("posting", posting.status());
  const double post_rate = static_cast<double>(posting->posted) / posting->seconds;
  std::printf("posted: %s payments in %s batches, 0 rejected\n", Grouped(posting->posted).c_str(),
              Grouped(posting->batches).c_str());
  std::printf("posting: %s s (CPU %s s, %s written), %s payments/s\n",
              Fixed(posting->seconds, 2).c_str(), Fixed(posting->cpu_seconds, 2).c_str(),
              Megabytes(posting->written_bytes).c_str(),
              Grouped(static_cast<int64_t>(post_rate)).c_str());
  std::fflush(stdout);

  // Peak RSS of setup and posting, before the raw phase loads its copy of the rows.
  const int64_t rss_kb = PeakRssKb();
  std::printf("peak RSS (setup + posting): %s MB (VmHWM %s kB)\n",
              Fixed(static_cast<double>(rss_kb) / 1024.0, 1).c_str(), Grouped(rss_kb).c_str());

  // The same rows, column for column, into a bare table (no indexes, no constraints).
  const int64_t raw_written_start = WrittenBytes();
  auto raw = TimeRawCollectionInserts(db, raw_db, o.batch);
  const int64_t raw_written = WrittenBytes() - raw_written_start;
  if (!raw.ok()) return Fail("raw inserts", raw.status());
  if (raw->rows != posting->posted) {
    std::fprintf(stderr, "post_payments: ERROR: raw phase copied %s rows, %s were posted\n",
                 Grouped(raw->rows).c_str(), Grouped(posting->posted).c_str());
    return 2;
  }
  const double raw_rate = static_cast<double>(raw->rows) / raw->seconds;
  const double ratio = post_rate / raw_rate;
  std::printf(
      "raw insert of the same rows into a bare table: %s rows in %s s (%s written), "
      "%s rows/s\n",
      Grouped(raw->rows).c_str(), Fixed(raw->seconds, 2).c_str(), Megabytes(raw_written).c_str(),
      Grouped(static_cast<int64_t>(raw_rate)).c_str());
  std::printf("ratio: %s%% of the raw insert rate\n", Fixed(ratio * 100.0, 1).c_str());
  std::fflush(stdout);

  // The same rows by the same loop into a table with collection's indexes: the schema's floor.
  const int64_t indexed_written_start = WrittenBytes();
  auto indexed = TimeRawCollectionInserts(db, indexed_db, o.batch, RawTable::kCollectionIndexes);
  const int64_t indexed_written = WrittenBytes() - indexed_written_start;
  if (!indexed.ok()) return Fail("indexed inserts", indexed.status());
  const double indexed_rate = static_cast<double>(indexed->rows) / indexed->seconds;
  std::printf(
      "the same rows into a table with collection's indexes (key, covering obligor), no "
      "checks, distribution or audit: %s s (%s written), %s rows/s = %s%% of the raw rate "
      "(the most posting into this schema could reach)\n",
      Fixed(indexed->seconds, 2).c_str(), Megabytes(indexed_written).c_str(),
      Grouped(static_cast<int64_t>(indexed_rate)).c_str(),
      Fixed(indexed_rate / raw_rate * 100.0, 1).c_str());

  auto stored = store.CountCollections();
  if (!stored.ok()) return Fail("count collections", stored.status());
  if (*stored != posting->posted) {
    std::fprintf(stderr, "post_payments: ERROR: %s collections in the store, %s posted\n",
                 Grouped(*stored).c_str(), Grouped(posting->posted).c_str());
    return 2;
  }
  std::printf("verify: %s collections in the store = %s posted: OK\n", Grouped(*stored).c_str(),
              Grouped(posting->posted).c_str());
  auto sample = SampleDistributions(store, o.payments);
  if (!sample.ok()) return Fail("sample distributions", sample.status());
  std::printf(
      "sample of %s collections: %s current-support lines, %s arrears lines, %s held lines, "
      "%s spanning two cases\n",
      Grouped(sample->collections).c_str(), Grouped(sample->current).c_str(),
      Grouped(sample->arrears).c_str(), Grouped(sample->held).c_str(),
      Grouped(sample->multi_case).c_str());

  std::printf("%s target: posting >= 50%% of raw insert rate (%s%%)\n",
              ratio >= kRatioTarget ? "PASS" : "FAIL", Fixed(ratio * 100.0, 1).c_str());
  std::printf("%s target: posting >= 50,000 payments/s (%s/s)\n",
              post_rate >= kRateTarget ? "PASS" : "FAIL",
              Grouped(static_cast<int64_t>(post_rate)).c_str());
  return 0;
}

}  // namespace
}  // namespace cse

int main(int argc, char** argv) {
  cse::Options o;
  CLI::App app{
      "bench/post_payments: posts payments through BulkPoster into a fresh SQLite file and "
      "compares the rate with raw inserts of the same rows into a bare table"};
  app.add_option("--cases", o.cases, "cases to create (each with an order)")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  app.add_option("--payments", o.payments, "payments to post")
      ->check(CLI::Range(int64_t{1}, cse::limits::kImportRowsMax * 10));
  app.add_option("--batch", o.batch, "payments per transaction (both phases)")
      ->check(CLI::Range(int64_t{1}, cse::limits::kPostingsPerBatchMax))
      ->capture_default_str();
  app.add_option("--db", o.db,
                 "database file to create (must not exist; kept afterwards). Default: a fresh "
                 "file in /tmp, deleted before and after");
  app.add_option("--futures", o.futures,
                 "distribution.futures rule for the posted file: none, withholding or all (held "
                 "money applied as future support; ARCHITECTURE.md §5.5)")
      ->check(CLI::IsMember({"none", "withholding", "all"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return cse::Run(o);
}
