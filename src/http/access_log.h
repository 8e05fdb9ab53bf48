// File: http/access_log.h
//
// The access log's writer with group commit. Every staff read of a person's record must be
// durable in `access_log` before the data is answered; one transaction (and one disk sync)
// per request would serialize readers on the database's write lock. Instead, requests hand
// their rows to one writer thread and wait: the writer commits everything that arrived while
// the previous batch was being written in a single transaction, then wakes the requests
// whose rows it held. A request answers only after its own rows committed, and a failed
// batch fails every request in it.
//
// Thread-safety: Write may be called from any thread.
#pragma once

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
  // Opens its own connection to `db_path`. Errors: SqliteStore::Open's.
  static Result<std::unique_ptr<AccessLogWriter>> Open(const std::string& db_path);
  ~AccessLogWriter();

  // Appends `rows` and returns once they are committed (or the batch failed).
  Status Write(std::vector<AccessLogRow> rows);
  // Batches committed so far (for tests and measurements).
  int64_t batches() const;

 private:
  explicit AccessLogWriter(std::unique_ptr<SqliteStore> store);
  void Loop();
  Status Commit(const std::vector<AccessLogRow>& rows);

  // The rows of one transaction and the requests waiting for it: each request waits on its
  // own batch's condition, so a commit wakes only the requests whose rows it held.
  struct Batch {
    std::vector<AccessLogRow> rows;
    std::condition_variable done_cv;
    bool done = false;
    Status status;
  };

  std::unique_ptr<SqliteStore> store_;
  mutable std::mutex mu_;
  std::condition_variable work_;
  std::shared_ptr<Batch> collecting_ = std::make_shared<Batch>();  // the batch new rows join
  int64_t committed_ = 0;  // batches finished (committed or failed)
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cse::http
