#include "core/clock.h"

#include <chrono>
#include <cstdio>

namespace cse {

Date Clock::Today() const {
  return Date::FromDays(static_cast<int32_t>(NowMicros() / (86400LL * 1000000LL)));
}

std::string Clock::NowIso() const { return FormatIsoMicros(NowMicros()); }

int64_t SystemClock::NowMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RunningClock::RunningClock(Date day) : steady_start_micros_(SteadyMicros()) {
  constexpr int64_t kDay = 86400LL * 1000000LL;
  const int64_t now = SystemClock().NowMicros();
  const int64_t time_of_day = ((now % kDay) + kDay) % kDay;
  start_micros_ = int64_t{day.days()} * kDay + time_of_day;
}

int64_t RunningClock::NowMicros() const {
  return start_micros_ + (SteadyMicros() - steady_start_micros_);
}

std::string FormatIsoMicros(int64_t micros) {
  constexpr int64_t kDay = 86400LL * 1000000LL;
  const int64_t day = micros >= 0 ? micros / kDay : (micros - kDay + 1) / kDay;
  const int64_t in_day = micros - day * kDay;
  const Date date = Date::FromDays(static_cast<int32_t>(day));
  const int64_t secs = in_day / 1000000;
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%sT%02lld:%02lld:%02lld.%06lldZ", date.ToString().c_str(),
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60), static_cast<long long>(in_day % 1000000));
  return buf;
}

}  // namespace cse
