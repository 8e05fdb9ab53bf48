// libFuzzer target: money and date parsing must never crash and must round-trip what they
// accept.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/date.h"
#include "money/money.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (cse::SignPolicy sign : {cse::SignPolicy::kPositiveOnly, cse::SignPolicy::kAllowNegative}) {
    auto m = cse::ParseMoney(text, sign);
    if (m.ok()) {
      auto back = cse::ParseMoney(m->ToString(), cse::SignPolicy::kAllowNegative);
      CSE_CHECK(back.ok() && *back == *m, "money does not round-trip");
    }
  }
  auto d = cse::Date::Parse(text);
  if (d.ok()) CSE_CHECK(d->ToString() == text, "date does not round-trip");
  return 0;
}
