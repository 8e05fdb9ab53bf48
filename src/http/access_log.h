// File: http/access_log.h
//
// The access log's writer with group commit. Every staff read of a person's record must be
// durable in the access log (its own file, storage/sqlite/access_log_db.h) before the data is
// answered; one transaction (and one disk sync) per request would serialize readers on the
// database's write lock. Instead, requests hand their rows to one writer thread and wait: the
// writer commits everything that arrived while the previous batch was being written in a single
// transaction, then wakes the requests whose rows it held. A request answers only after its own
// rows committed, and a failed batch fails every request in it. A request may hand its rows over
// (Submit) and wait for them later (Await): the router waits after the request has left the
// admission gate, so the commit's wait does not hold a place another request could use (router.cc
// Run).
//
// Thread-safety: Submit and Await may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_store.h"

namespace cse::http {

class AccessLogWriter {
 public:
  // Group commit timing. Each commit syncs the log to disk (synchronous=FULL); at 7,000 case
  // reads a second, commits as fast as they go hold 4-5 requests each and cost about a
  // quarter of the throughput, while commits at least 1.5 ms apart hold about 20
  // (bench/http: 6,100 -> 8,700 requests/s, p99 44 -> 36 ms). The writer lingers for more
  // rows only while they keep coming: when no request added rows for kCommitQuiet, it
  // commits at once, so one client's sequential reads wait about 0.2 ms, not 1.5.
  static constexpr std::chrono::microseconds kCommitSpacing{1500};
  static constexpr std::chrono::microseconds kCommitQuiet{200};

  // Opens its own connections to `db_path` and its access log's file. Errors:
  // SqliteStore::Open's and AccessLogDb::Open's.
  static Result<std::unique_ptr<AccessLogWriter>> Open(const std::string& db_path);
  ~AccessLogWriter();

  struct Batch;
  // What Submit hands back: the batch that holds the rows (null when there were none).
  using Receipt = std::shared_ptr<Batch>;
  // Appends `rows` to the batch being collected and returns at once.
  Receipt Submit(std::vector<AccessLogRow> rows);
  // Returns once the receipt's batch is committed: its status (OK for a null receipt).
  Status Await(const Receipt& receipt);
  // Batches committed so far (for tests and measurements).
  int64_t batches() const;

 private:
  explicit AccessLogWriter(std::unique_ptr<SqliteStore> store);
  void Loop();
  Status Commit(const std::vector<AccessLogRow>& rows);

  std::unique_ptr<SqliteStore> store_;
  mutable std::mutex mu_;
  std::condition_variable work_;
  std::shared_ptr<Batch> collecting_ = std::make_shared<Batch>();  // the batch new rows join
  int64_t committed_ = 0;  // batches finished (committed or failed)
  bool stop_ = false;
  std::thread thread_;
};

// The rows of one transaction and the requests waiting for it: each request waits on its own
// batch's `done`, so a commit wakes only the requests whose rows it held.
struct AccessLogWriter::Batch {
  std::vector<AccessLogRow> rows;  // guarded by the writer's mutex until the commit starts
  Status status;                   // written by the writer before `done` is set
  // 0 until the batch is committed (or failed), then 1. Waited on without the writer's
  // mutex (std::atomic::wait): a commit wakes its 20-odd requests, and each returns at once
  // instead of queueing for the mutex Submit takes.
  std::atomic<int> done{0};
};

}  // namespace cse::http
