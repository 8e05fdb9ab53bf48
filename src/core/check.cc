#include "core/check.h"

#include <cstdio>
#include <cstdlib>

namespace cse::internal {

void CheckFailed(const char* file, int line, const char* expr, const char* message) {
  std::fprintf(stderr, "CHECK failed at %s:%d: %s (%s)\n", file, line, expr, message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace cse::internal
