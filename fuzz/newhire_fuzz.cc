// libFuzzer target: the new-hire record parser (both built-in layouts) and the layout-table
// parser. Invariants: no crash; every accepted record carries a nine-digit SSN, a nine-digit
// FEIN and names; every rejection names a record inside the input, a field and a reason.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/check.h"
#include "formats/newhire.h"

namespace {

void ParseWith(std::string_view layout_name, std::string_view text) {
  static const cse::formats::NewHireParser w4 =
      *cse::formats::NewHireParser::Create(*cse::formats::LoadNewHireLayout("w4"));
  static const cse::formats::NewHireParser state =
      *cse::formats::NewHireParser::Create(*cse::formats::LoadNewHireLayout("state"));
  const cse::formats::NewHireParser& parser = layout_name == "w4" ? w4 : state;
  int64_t lines = 0;
  auto counts = cse::formats::ReadNewHireBuffer(
      text, parser,
      [&](const cse::formats::NewHireRecord& r) {
        CSE_CHECK(r.ssn.size() == 9 && r.employer_fein.size() == 9, "record without ids");
        CSE_CHECK(!r.first_name.empty() && !r.last_name.empty(), "record without names");
        CSE_CHECK(r.record_number >= 1, "record number");
        lines = std::max(lines, r.record_number);
        return cse::Status::Ok();
      },
      [&](const cse::formats::RecordRejection& r) {
        CSE_CHECK(r.record_number >= 1 && !r.field.empty() && !r.reason.empty(),
                  "rejection without record, field or reason");
        lines = std::max(lines, r.record_number);
        return cse::Status::Ok();
      });
  CSE_CHECK(counts.ok(), "an in-memory buffer always reads");
  CSE_CHECK(lines <= counts->lines, "record number past the end");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseWith("w4", text);
  ParseWith("state", text);
  auto layout = cse::formats::ParseLayout(text, cse::formats::NewHireFields());
  if (layout.ok()) {
    auto again = cse::formats::ParseLayout(cse::formats::FormatLayout(*layout),
                                           cse::formats::NewHireFields());
    CSE_CHECK(again.ok(), "a formatted layout parses back");
  }
  return 0;
}
