// libFuzzer target: the e-IWO acknowledgment parser, the e-IWO layout-table parser, and the
// fixed-width record writer/reader round trip. Invariants: no crash; every acknowledgment read
// has a nine-digit SSN, a sourced action code and (when rejected) a reason from the table;
// every problem names a record inside the input (0 = the file), a field and a reason; a record
// the writer accepts reads back to the same values.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/check.h"
#include "formats/eiwo.h"

namespace {

using cse::formats::EiwoDirection;
using cse::formats::EiwoLayouts;

const EiwoLayouts& Builtin(EiwoDirection d) {
  static const EiwoLayouts iwo = *cse::formats::LoadEiwoLayouts("builtin", EiwoDirection::kIwo);
  static const EiwoLayouts ack = *cse::formats::LoadEiwoLayouts("builtin", EiwoDirection::kAck);
  return d == EiwoDirection::kIwo ? iwo : ack;
}

void CheckAck(std::string_view text) {
  const EiwoLayouts& l = Builtin(EiwoDirection::kAck);
  const cse::formats::AckFile f = cse::formats::ParseAckFile(text, l);
  for (const cse::formats::AckRecord& r : f.records) {
    CSE_CHECK(r.employee_ssn.size() == 9, "acknowledgment without a nine-digit SSN");
    CSE_CHECK(r.action_code == "ORG" || r.action_code == "AMD" || r.action_code == "LUM" ||
                  r.action_code == "TRM",
              "action code not sourced");
    CSE_CHECK(r.accepted || l.reasons.count(r.reason_code) == 1, "rejection without reason");
    CSE_CHECK(r.record_number >= 1 && r.record_number <= f.lines, "record number");
  }
  CSE_CHECK(f.problem_count >= static_cast<int64_t>(f.problems.size()), "problem count");
  for (const cse::formats::AckProblem& p : f.problems) {
    CSE_CHECK(p.record_number >= 0 && p.record_number <= f.lines, "problem record number");
    CSE_CHECK(!p.field.empty() && !p.reason.empty(), "problem without field or reason");
  }
}

// Each line read as a detail (IWO) or ACK record, written back and read again.
void CheckRoundTrip(std::string_view text) {
  for (EiwoDirection d : {EiwoDirection::kIwo, EiwoDirection::kAck}) {
    const cse::formats::RecordLayout& layout = Builtin(d).detail;
    size_t start = 0;
    while (start < text.size()) {
      const size_t end = std::min(text.find('\n', start), text.size());
      const std::string_view line = text.substr(start, end - start);
      start = end + 1;
      cse::formats::FieldProblem p;
      auto values = cse::formats::ReadRecord(layout, line, p);
      if (!values.ok()) {
        CSE_CHECK(!p.field.empty() && !p.reason.empty(), "read problem without field");
        continue;
      }
      auto written = cse::formats::FormatRecord(layout, *values);
      if (!written.ok()) continue;  // e.g. a control character the writer refuses
      CSE_CHECK(written->size() == static_cast<size_t>(layout.record_length), "record length");
      auto again = cse::formats::ReadRecord(layout, *written, p);
      CSE_CHECK(again.ok() && *again == *values, "a written record reads back the same");
    }
  }
}

void CheckTable(std::string_view text) {
  for (EiwoDirection d : {EiwoDirection::kIwo, EiwoDirection::kAck}) {
    auto l = cse::formats::ParseEiwoLayouts(text, d);
    if (!l.ok()) continue;
    auto again = cse::formats::ParseEiwoLayouts(cse::formats::FormatEiwoLayouts(*l), d);
    CSE_CHECK(again.ok(), "a formatted e-IWO table parses back");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckAck(text);
  CheckRoundTrip(text);
  CheckTable(text);
  return 0;
}
