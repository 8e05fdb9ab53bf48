// libFuzzer target: the payments CSV line splitter and the distribution-line decoder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ledger/codec.h"
#include "service/import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto fields = cse::SplitCsvLine(text);
  if (fields.ok()) CSE_CHECK(!fields->empty(), "a line has at least one field");
  auto lines = cse::DecodeLines(text);
  if (lines.ok()) {
    auto again = cse::DecodeLines(cse::EncodeLines(*lines));
    CSE_CHECK(again.ok() && *again == *lines, "distribution lines do not round-trip");
  }
  return 0;
}
