// File: storage/sqlite/wal_checkpointer.h
//
// Checkpoints a database's write-ahead log from a thread of its own. By default SQLite runs a
// checkpoint inside the commit that makes the log pass its size limit, so that one commit
// waits while the log's pages are copied into the database file and synced (on a server
// writing the access log of every read, about every two seconds, and every request waiting
// for that commit waits with it). A server instead runs this: a passive checkpoint at a fixed
// interval on its own connection, which copies what it can without blocking readers or
// writers. The log keeps everything committed until copied, so nothing depends on the timing.
// Its connections keep the automatic checkpoint only as a backstop (SqliteStore's default of
// 64 MB): SQLite starts the log over only when a write begins with all of it copied, which a
// writer committing every few milliseconds never lets passive checkpoints reach; the commit
// past the backstop copies only what this thread has not, and the next write starts over.
//
// Thread-safety: the object is used from the thread that created it; the work runs on its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/status.h"
#include "storage/sqlite/sqlite_store.h"

namespace cse {

class WalCheckpointer {
 public:
  // Opens its own connection to `db_path` (which must exist) and starts checkpointing every
  // `interval`. Errors: SqliteStore::Open's.
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& db_path,
                                                        std::chrono::milliseconds interval);
  // Stops the thread after one last checkpoint.
  ~WalCheckpointer();

  // Checkpoints run so far and those that failed (busy or I/O); for tests and measurements.
  int64_t runs() const;
  int64_t failures() const;

 private:
  WalCheckpointer(std::unique_ptr<SqliteStore> store, std::chrono::milliseconds interval);
  void Loop();

  std::unique_ptr<SqliteStore> store_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  int64_t runs_ = 0;
  int64_t failures_ = 0;
  std::thread thread_;
};

}  // namespace cse
