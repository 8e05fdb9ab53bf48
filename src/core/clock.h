// File: core/clock.h
//
// Nothing in OpenCSE reads the wall clock directly: services take a Clock so that batch jobs,
// accruals, audit rows and tests are reproducible. SystemClock is used only by src/app/.
#pragma once

#include <cstdint>
#include <string>

#include "core/date.h"

namespace cse {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
  // Today's civil date in UTC.
  Date Today() const;
  // ISO-8601 UTC timestamp with microseconds, e.g. "2026-11-23T19:02:43.123456Z".
  std::string NowIso() const;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
};

// A clock that only moves when told; for tests and simulations.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_micros) : now_micros_(now_micros) {}
  int64_t NowMicros() const override { return now_micros_; }
  void AdvanceMicros(int64_t delta) { now_micros_ += delta; }
  void SetMicros(int64_t now) { now_micros_ = now; }

 private:
  int64_t now_micros_;
};

// A clock that starts on a given day at the system's current time of day and then advances
// with real time (a steady clock): `serve --today DAY` runs the business day DAY, while
// sessions, lockouts, sign-in throttles and access-log rows still see time pass.
class RunningClock final : public Clock {
 public:
  explicit RunningClock(Date day);
  int64_t NowMicros() const override;

 private:
  int64_t start_micros_;
  int64_t steady_start_micros_;
};

// Formats microseconds since the epoch as ISO-8601 UTC.
std::string FormatIsoMicros(int64_t micros);

}  // namespace cse
