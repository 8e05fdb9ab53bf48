#include "http/access_log.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace cse::http {

Result<std::unique_ptr<AccessLogWriter>> AccessLogWriter::Open(const std::string& db_path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                   SqliteStore::Open(db_path, SqliteStore::OpenMode::kMustExist));
  ASSIGN_OR_RETURN(AccessLogDb * log, store->AccessLog());
  // The server's WalCheckpointer checkpoints every 250 ms (SqliteStore::CheckpointPassive
  // covers the access log's file). The automatic checkpoint stays on only as a backstop, at
  // 64 MB of log: SQLite starts the log over only when a write begins with all of it copied,
  // and under a sustained load (a commit every 1.5 ms) the passive checkpoints never leave
  // such a moment, so without it the log grew without bound (309 MB in 25 s at 10,000
  // requests/s). The commit that passes 64 MB copies only what the checkpointer has not yet,
  // and the next write starts the log over.
  RETURN_IF_ERROR(log->SetAutoCheckpoint(SqliteStore::kCheckpointBytes / AccessLogDb::kPageBytes));
  return std::unique_ptr<AccessLogWriter>(new AccessLogWriter(std::move(store)));
}

AccessLogWriter::AccessLogWriter(std::unique_ptr<SqliteStore> store) : store_(std::move(store)) {
  thread_ = std::thread([this] { Loop(); });
}

AccessLogWriter::~AccessLogWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_.notify_all();
  thread_.join();
}

AccessLogWriter::Receipt AccessLogWriter::Submit(std::vector<AccessLogRow> rows) {
  if (rows.empty()) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_) {
    // Answered as a batch that failed: the rows are not taken, and the request fails.
    auto refused = std::make_shared<Batch>();
    refused->status = Unavailable("access_log_closed", "the server is shutting down");
    refused->done.store(1, std::memory_order_release);
    return refused;
  }
  const std::shared_ptr<Batch> batch = collecting_;
  const bool first = batch->rows.empty();
  for (AccessLogRow& r : rows) batch->rows.push_back(std::move(r));
  if (first) work_.notify_one();  // the writer waits only for a batch to become non-empty
  return batch;
}

Status AccessLogWriter::Await(const Receipt& receipt) {
  if (receipt == nullptr) return Status::Ok();
  while (receipt->done.load(std::memory_order_acquire) == 0) {
    receipt->done.wait(0, std::memory_order_acquire);
  }
  return receipt->status;
}

int64_t AccessLogWriter::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return committed_;
}

Status AccessLogWriter::Commit(const std::vector<AccessLogRow>& rows) {
  ASSIGN_OR_RETURN(AccessLogDb * log, store_->AccessLog());
  return log->Append(rows);
}

void AccessLogWriter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  std::chrono::steady_clock::time_point last_start;
  while (true) {
    work_.wait(lock, [&] { return stop_ || !collecting_->rows.empty(); });
    if (collecting_->rows.empty() && stop_) return;
    // Commits start at least kCommitSpacing apart while rows keep arriving: under load the
    // rows of more requests share one commit (one log sync instead of several). The writer
    // looks again every kCommitQuiet (Submit does not wake it once the batch has rows) and
    // commits as soon as nothing arrived in between, or after a quiet spell at once.
    const auto deadline = last_start + kCommitSpacing;
    size_t seen = collecting_->rows.size();
    while (!stop_) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      work_.wait_until(lock, std::min(deadline, now + kCommitQuiet), [&] { return stop_; });
      if (collecting_->rows.size() == seen) break;
      seen = collecting_->rows.size();
    }
    last_start = std::chrono::steady_clock::now();
    std::shared_ptr<Batch> batch = std::exchange(collecting_, std::make_shared<Batch>());
    lock.unlock();
    const Status s = Commit(batch->rows);
    batch->status = s;
    batch->done.store(1, std::memory_order_release);
    batch->done.notify_all();
    lock.lock();
    ++committed_;
  }
}

}  // namespace cse::http
