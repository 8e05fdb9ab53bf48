// File: auth/throttle.h
//
// Login rate limiting: at most `attempts_max` sign-in attempts per key (the client address)
// in any window of `window_us`. Kept in memory: a restart forgets it, and the per-account
// lockout (AuthService) is the durable guard.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cse::auth {

class LoginThrottle {
 public:
  LoginThrottle(int64_t attempts_max, int64_t window_us)
      : attempts_max_(attempts_max), window_us_(window_us) {}

  // Records an attempt by `key` at `now_us`; false when the key is over its limit (the
  // attempt is then not counted).
  bool Allow(const std::string& key, int64_t now_us) {
    std::lock_guard<std::mutex> lock(mu_);
    if (hits_.size() > kKeysMax) Prune(now_us);
    std::deque<int64_t>& h = hits_[key];
    while (!h.empty() && h.front() <= now_us - window_us_) h.pop_front();
    if (static_cast<int64_t>(h.size()) >= attempts_max_) return false;
    h.push_back(now_us);
    return true;
  }

 private:
  static constexpr size_t kKeysMax = 100'000;
  void Prune(int64_t now_us) {
    for (auto it = hits_.begin(); it != hits_.end();) {
      if (it->second.empty() || it->second.back() <= now_us - window_us_) {
        it = hits_.erase(it);
      } else {
        ++it;
      }
    }
  }
  int64_t attempts_max_;
  int64_t window_us_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<int64_t>> hits_;
};

}  // namespace cse::auth
