// File: http/admission.cc

#include "http/admission.h"

#include "core/check.h"

namespace cse::http {

AdmissionGate::AdmissionGate(int capacity) : capacity_(capacity) {
  CSE_CHECK(capacity >= 1, "an admission gate needs at least one place");
}

AdmissionGate::Ticket AdmissionGate::Enter() {
  std::unique_lock<std::mutex> lock(mu_);
  if (active_ < capacity_ && waiting_.empty()) {
    ++active_;
    return Ticket(this);
  }
  Waiter me;
  waiting_.push_back(&me);
  // Leave hands its place over directly (active_ is unchanged), so no later caller can take
  // it first.
  me.cv.wait(lock, [&me] { return me.admitted; });
  return Ticket(this);
}

void AdmissionGate::Leave() {
  std::lock_guard<std::mutex> lock(mu_);
  if (waiting_.empty()) {
    --active_;
    return;
  }
  Waiter* next = waiting_.front();
  waiting_.pop_front();
  next->admitted = true;
  // Notified under the lock: once `admitted` is seen the waiter returns and its Waiter (on
  // its stack) is gone.
  next->cv.notify_one();
}

int AdmissionGate::active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return active_;
}

int64_t AdmissionGate::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(waiting_.size());
}

}  // namespace cse::http
