#include "core/status.h"

namespace cse {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kOutOfRange:
      return "out_of_range";
    case StatusCode::kAborted:
      return "aborted";
    case StatusCode::kDataLoss:
      return "data_loss";
    case StatusCode::kInternal:
      return "internal";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kResourceExhausted:
      return "resource_exhausted";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return reason_ + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, reason_, std::string(context) + ": " + message_);
}

#define CSE_DEFINE_STATUS_CTOR(Name, Code)                                  \
  Status Name(std::string reason, std::string message) {                    \
    return Status(StatusCode::Code, std::move(reason), std::move(message)); \
  }
CSE_DEFINE_STATUS_CTOR(InvalidArgument, kInvalidArgument)
CSE_DEFINE_STATUS_CTOR(NotFound, kNotFound)
CSE_DEFINE_STATUS_CTOR(AlreadyExists, kAlreadyExists)
CSE_DEFINE_STATUS_CTOR(FailedPrecondition, kFailedPrecondition)
CSE_DEFINE_STATUS_CTOR(OutOfRange, kOutOfRange)
CSE_DEFINE_STATUS_CTOR(Aborted, kAborted)
CSE_DEFINE_STATUS_CTOR(DataLoss, kDataLoss)
CSE_DEFINE_STATUS_CTOR(Internal, kInternal)
CSE_DEFINE_STATUS_CTOR(Unavailable, kUnavailable)
CSE_DEFINE_STATUS_CTOR(ResourceExhausted, kResourceExhausted)
#undef CSE_DEFINE_STATUS_CTOR

}  // namespace cse
