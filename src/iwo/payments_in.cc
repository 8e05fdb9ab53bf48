// EFT (DED) and SDU batch payments in (iwo/payments_in.h).
#include "iwo/payments_in.h"

#include <utility>

namespace cse::iwo {

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
  if (header != nullptr) *header = parsed.header;
  return ImportParsedRemittance(store, clock, actor, label, std::move(parsed.parse));
}

Result<RemittanceReport> ImportSduFile(Store& store, const Clock& clock, const std::string& actor,
                                       const std::string& path, formats::SduHeader* header) {
  ASSIGN_OR_RETURN(std::string text, ReadPaymentFile(path));
  return ImportSdu(store, clock, actor, path, text, header);
}

}  // namespace cse::iwo
