#include "http/access_log.h"

#include <utility>

namespace cse::http {

Result<std::unique_ptr<AccessLogWriter>> AccessLogWriter::Open(const std::string& db_path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                   SqliteStore::Open(db_path, SqliteStore::OpenMode::kMustExist));
  // The server's WalCheckpointer checkpoints; a commit here never waits for one.
  RETURN_IF_ERROR(store->SetAutoCheckpoint(0));
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

Status AccessLogWriter::Write(std::vector<AccessLogRow> rows) {
  if (rows.empty()) return Status::Ok();
  std::unique_lock<std::mutex> lock(mu_);
  if (stop_) return Unavailable("access_log_closed", "the server is shutting down");
  const std::shared_ptr<Batch> batch = collecting_;
  for (AccessLogRow& r : rows) batch->rows.push_back(std::move(r));
  work_.notify_one();
  batch->done_cv.wait(lock, [&] { return batch->done; });
  return batch->status;
}

int64_t AccessLogWriter::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return committed_;
}

Status AccessLogWriter::Commit(const std::vector<AccessLogRow>& rows) {
  RETURN_IF_ERROR(store_->Begin());
  for (const AccessLogRow& r : rows) {
    Status s = store_->InsertAccessLog(r);
    if (!s.ok()) {
      store_->Rollback();
      return s;
    }
  }
  return store_->Commit();
}

void AccessLogWriter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_.wait(lock, [&] { return stop_ || !collecting_->rows.empty(); });
    if (collecting_->rows.empty() && stop_) return;
    std::shared_ptr<Batch> batch = std::exchange(collecting_, std::make_shared<Batch>());
    lock.unlock();
    const Status s = Commit(batch->rows);
    lock.lock();
    batch->status = s;
    batch->done = true;
    ++committed_;
    batch->done_cv.notify_all();
  }
}

}  // namespace cse::http
