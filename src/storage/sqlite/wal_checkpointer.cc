#include "storage/sqlite/wal_checkpointer.h"

namespace cse {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(
    const std::string& db_path, std::chrono::milliseconds interval) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store,
                   SqliteStore::Open(db_path, SqliteStore::OpenMode::kMustExist));
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(std::move(store), interval));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<SqliteStore> store,
                                 std::chrono::milliseconds interval)
    : store_(std::move(store)), interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int64_t WalCheckpointer::runs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_;
}

int64_t WalCheckpointer::failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_;
}

void WalCheckpointer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    const bool stopping = wake_.wait_for(lock, interval_, [&] { return stop_; });
    lock.unlock();
    // A failure (another checkpoint running, an I/O error) leaves the log as it was; the next
    // interval tries again.
    const Status s = store_->CheckpointPassive();
    lock.lock();
    ++runs_;
    if (!s.ok()) ++failures_;
    if (stopping) return;
  }
}

}  // namespace cse
