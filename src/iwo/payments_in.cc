// EFT (DED) and SDU batch payments in (iwo/payments_in.h).
#include "iwo/payments_in.h"

#include <utility>

#include "core/text.h"

namespace cse::iwo {
namespace {

// The line number of the first non-blank line: the SDU header (formats/sdu.h).
int64_t FirstRecordLine(std::string_view text) {
  text = StripUtf8Bom(text);
  int64_t number = 1;
  for (size_t start = 0; start < text.size(); ++number) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (!IsBlank(text.substr(start, end - start))) return number;
    start = end + 1;
  }
  return 1;
}

// A batch deposited after today is refused whole, like a pay date in the future: a deposit
// cannot have happened yet (a mistyped year, or a file dated ahead).
void CheckDepositDate(std::string_view text, const Clock& clock, formats::SduParse& parsed) {
  if (parsed.header.batch_id.empty() || !(clock.Today() < parsed.header.deposit_date)) return;
  formats::RemittanceParse& p = parsed.parse;
  ++p.problem_count;
  p.file.problems.insert(
      p.file.problems.begin(),
      formats::RemittanceProblem{FirstRecordLine(text), "header.deposit_date", "date_in_future",
                                 "batch " + parsed.header.batch_id + " is dated " +
                                     parsed.header.deposit_date.ToString() + ", after today (" +
                                     clock.Today().ToString() + ")"});
  if (p.file.problems.size() > formats::kProblemsMax) p.file.problems.pop_back();
}

}  // namespace

Result<RemittanceReport> ImportDed(Store& store, const Clock& clock, const std::string& actor,
                                   const std::string& label, std::string_view text,
                                   const formats::DedOptions& options) {
  return ImportParsedRemittance(store, clock, actor, label, formats::ParseDedFile(text, options));
}

Result<RemittanceReport> ImportDedFile(Store& store, const Clock& clock, const std::string& actor,
                                       const std::string& path,
                                       const formats::DedOptions& options) {
  ASSIGN_OR_RETURN(std::string text, ReadPaymentFile(path));
  return ImportDed(store, clock, actor, path, text, options);
}

Result<RemittanceReport> ImportSdu(Store& store, const Clock& clock, const std::string& actor,
                                   const std::string& label, std::string_view text,
                                   formats::SduHeader* header) {
  formats::SduParse parsed = formats::ParseSduBatch(text);
  CheckDepositDate(text, clock, parsed);
  if (header != nullptr) *header = parsed.header;
  return ImportParsedRemittance(store, clock, actor, label, std::move(parsed.parse));
}

Result<RemittanceReport> ImportSduFile(Store& store, const Clock& clock, const std::string& actor,
                                       const std::string& path, formats::SduHeader* header) {
  ASSIGN_OR_RETURN(std::string text, ReadPaymentFile(path));
  return ImportSdu(store, clock, actor, path, text, header);
}

}  // namespace cse::iwo
