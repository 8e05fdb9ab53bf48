// File: core/status.h
//
// Status is the value every expected failure travels in (Abseil's code meanings). A Status
// carries a canonical code, a stable machine-readable reason (`reason`, e.g.
// "exists_with_different_amount", which becomes an API error code) and a human message that
// names the operation, the offending value and the expected one.
//
// Thread-safety: Status is a value type; distinct objects may be used from distinct threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace cse {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kOutOfRange,
  kAborted,  // retry the transaction
  kDataLoss,
  kInternal,
  kUnavailable,
  kResourceExhausted,
};

// Returns the lower-case name of `code`, e.g. "invalid_argument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string reason, std::string message)
      : code_(code), reason_(std::move(reason)), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Stable snake_case reason, e.g. "amount_too_many_decimals". Empty for OK.
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }
  // "reason: message", for logs and CLI errors.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` (e.g. "row 12, field amount").
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string reason_;
  std::string message_;
};

// Convenience constructors; `reason` is the stable code, `message` the explanation.
Status InvalidArgument(std::string reason, std::string message);
Status NotFound(std::string reason, std::string message);
Status AlreadyExists(std::string reason, std::string message);
Status FailedPrecondition(std::string reason, std::string message);
Status OutOfRange(std::string reason, std::string message);
Status Aborted(std::string reason, std::string message);
Status DataLoss(std::string reason, std::string message);
Status Internal(std::string reason, std::string message);
Status Unavailable(std::string reason, std::string message);
Status ResourceExhausted(std::string reason, std::string message);

}  // namespace cse

#define CSE_STATUS_CONCAT_INNER(a, b) a##b
#define CSE_STATUS_CONCAT(a, b) CSE_STATUS_CONCAT_INNER(a, b)

// Evaluates `expr` (a Status); returns it from the enclosing function when not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::cse::Status cse_status_tmp_ = (expr);            \
    if (!cse_status_tmp_.ok()) return cse_status_tmp_; \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, ResultExpr())`: unwraps a Result<T> or returns its Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(CSE_STATUS_CONCAT(cse_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()
