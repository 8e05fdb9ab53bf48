// File: core/check.h
//
// Assertions for programmer errors. CSE_CHECK is always on (ledger invariants: a broken one
// must stop the process before it writes wrong money); CSE_DCHECK only in debug builds.
// Expected failures (bad input, missing rows) are never checks: they are Status values.
#pragma once

namespace cse::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr, const char* message);
}  // namespace cse::internal

#define CSE_CHECK(cond, message)                                                   \
  do {                                                                             \
    if (!(cond)) ::cse::internal::CheckFailed(__FILE__, __LINE__, #cond, message); \
  } while (false)

#ifdef NDEBUG
#define CSE_DCHECK(cond, message) \
  do {                            \
  } while (false && (cond))
#else
#define CSE_DCHECK(cond, message) CSE_CHECK(cond, message)
#endif
