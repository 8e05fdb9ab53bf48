#include "http/access_log.h"

namespace cse::http {

Result<std::unique_ptr<AccessLogWriter>> AccessLogWriter::Open(const std::string& db_path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                   SqliteStore::Open(db_path, SqliteStore::OpenMode::kMustExist));
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
  const uint64_t batch = collecting_;
  for (AccessLogRow& r : rows) pending_.push_back(std::move(r));
  work_.notify_one();
  done_.wait(lock, [&] { return committed_ >= batch; });
  auto it = failed_.find(batch);
  if (it == failed_.end()) return Status::Ok();
  return it->second;  // kept for the other requests of the batch; the map stays tiny
}

int64_t AccessLogWriter::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(committed_);
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
    work_.wait(lock, [&] { return stop_ || !pending_.empty(); });
    if (pending_.empty() && stop_) return;
    std::vector<AccessLogRow> rows;
    rows.swap(pending_);
    const uint64_t batch = collecting_++;
    lock.unlock();
    const Status s = Commit(rows);
    lock.lock();
    if (!s.ok()) failed_[batch] = s;
    if (failed_.size() > 64) failed_.erase(failed_.begin());  // long-past batches
    committed_ = batch;
    done_.notify_all();
  }
}

}  // namespace cse::http
