// libFuzzer target: the employer remittance CSV parser (formats/remittance.h). Invariants: no
// crash; every accepted line has a key, a nine-digit FEIN, an employee identifier and a
// positive amount; every problem names a line inside the input (0 only for the missing
// header), a field and a reason; keys are unique; no problems means no line was lost.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "core/check.h"
#include "formats/remittance.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const cse::formats::RemittanceParse p = cse::formats::ParseRemittanceCsv(text);
  int64_t physical_lines = 1;
  for (char c : text) physical_lines += c == '\n' ? 1 : 0;
  std::set<std::string> keys;
  for (const cse::formats::RemittanceLine& l : p.file.lines) {
    CSE_CHECK(l.employer_fein.size() == 9, "line without a FEIN");
    CSE_CHECK(!l.ssn.empty() || l.case_id.value != 0, "line without an employee");
    CSE_CHECK(l.amount.is_positive(), "line without a positive amount");
    CSE_CHECK(l.key == cse::formats::RemittanceKey(l.employer_fein, l.line_ref), "key");
    CSE_CHECK(keys.insert(l.key).second, "duplicate key accepted");
    CSE_CHECK(l.line_number >= 2 && l.line_number <= physical_lines, "line number");
  }
  for (const cse::formats::RemittanceProblem& q : p.file.problems) {
    CSE_CHECK(q.line_number >= 0 && q.line_number <= physical_lines, "problem line number");
    CSE_CHECK(!q.field.empty() && !q.reason.empty(), "problem without field or reason");
  }
  CSE_CHECK(p.problem_count >= static_cast<int64_t>(p.file.problems.size()), "problem count");
  return 0;
}
