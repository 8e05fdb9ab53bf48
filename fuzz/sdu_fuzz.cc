// libFuzzer target: the SDU batch file (formats/sdu.h). Invariants: no crash; every accepted
// line has an SDU key of the header's batch, a nine-digit FEIN, an employee identifier and a
// positive amount; keys are unique; problems name a line inside the input, a field and a
// reason; and a batch without problems matches its header's count and total exactly.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "core/check.h"
#include "formats/sdu.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const cse::formats::SduParse p = cse::formats::ParseSduBatch(text);
  int64_t physical_lines = 1;
  for (char c : text) physical_lines += c == '\n' ? 1 : 0;
  std::set<std::string> keys;
  int64_t sum = 0;
  for (const cse::formats::RemittanceLine& l : p.parse.file.lines) {
    CSE_CHECK(l.employer_fein.size() == 9, "line without a FEIN");
    CSE_CHECK(!l.ssn.empty() || l.case_id.value != 0, "line without an employee");
    CSE_CHECK(l.amount.is_positive(), "line without a positive amount");
    CSE_CHECK(l.line_number >= 1 && l.line_number <= physical_lines, "line number");
    sum += l.amount.cents();
    if (p.parse.problem_count == 0) {
      CSE_CHECK(l.key == cse::formats::SduKey(p.header.batch_id, l.line_ref), "key");
      CSE_CHECK(keys.insert(l.key).second, "duplicate key accepted");
    }
  }
  for (const cse::formats::RemittanceProblem& q : p.parse.file.problems) {
    CSE_CHECK(q.line_number >= 0 && q.line_number <= physical_lines, "problem line number");
    CSE_CHECK(!q.field.empty() && !q.reason.empty(), "problem without field or reason");
  }
  if (p.parse.problem_count == 0) {
    CSE_CHECK(p.header.count == static_cast<int64_t>(p.parse.file.lines.size()), "count");
    CSE_CHECK(p.header.total.cents() == sum, "total");
  }
  return 0;
}
