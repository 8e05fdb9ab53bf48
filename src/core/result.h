// File: core/result.h
//
// Result<T> holds either a value or a non-OK Status (Abseil's StatusOr). Accessing the value
// of an error Result is a programmer error and aborts (CSE_CHECK).
#pragma once

#include <optional>
#include <utility>

#include "core/check.h"
#include "core/status.h"

namespace cse {

template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !status.ok().
  Result(Status status) : status_(std::move(status)) {  // NOLINT(implicit)
    CSE_CHECK(!status_.ok(), "Result constructed from an OK status without a value");
  }
  Result(T value) : value_(std::move(value)) {}  // NOLINT(implicit)

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  const T& value() const& {
    CSE_CHECK(ok(), "value() on an error Result");
    return *value_;
  }
  T& value() & {
    CSE_CHECK(ok(), "value() on an error Result");
    return *value_;
  }
  T&& value() && {
    CSE_CHECK(ok(), "value() on an error Result");
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace cse
