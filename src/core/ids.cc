#include "core/ids.h"

#include <cctype>
#include <cstdio>

#include "core/text.h"

namespace cse {

std::string FormatDisplayId(std::string_view prefix, int64_t value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "-%06lld", static_cast<long long>(value));
  return std::string(prefix) + buf;
}

Result<int64_t> ParseDisplayId(std::string_view prefix, std::string_view text) {
  std::string_view digits = text;
  if (digits.size() > prefix.size() && digits[prefix.size()] == '-') {
    bool same = true;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(digits[i])) != prefix[i]) same = false;
    }
    if (same) digits.remove_prefix(prefix.size() + 1);
  }
  // Any padding: leading zeros do not count toward the 15 digits (one "0" is kept).
  const size_t first = digits.find_first_not_of('0');
  if (!digits.empty())
    digits.remove_prefix(first == std::string_view::npos ? digits.size() - 1 : first);
  if (digits.empty() || digits.size() > 15) {
    return InvalidArgument("id_malformed", "'" + std::string(TruncateUtf8(text, 40)) +
                                               "' is not a " + std::string(prefix) + " id (e.g. " +
                                               FormatDisplayId(prefix, 42) + ")");
  }
  int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return InvalidArgument("id_malformed", "'" + std::string(TruncateUtf8(text, 40)) +
                                                 "' is not a " + std::string(prefix) +
                                                 " id (e.g. " + FormatDisplayId(prefix, 42) + ")");
    }
    value = value * 10 + (c - '0');
  }
  if (value <= 0) {
    return InvalidArgument("id_malformed",
                           "'" + std::string(TruncateUtf8(text, 40)) + "' must be positive");
  }
  return value;
}

}  // namespace cse
