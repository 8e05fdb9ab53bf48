// EFT (DED) and SDU batch payments in (iwo/payments_in.h).
#include "iwo/payments_in.h"

#include <fstream>
#include <utility>

namespace cse::iwo {

Result<std::string> ReadPaymentFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("file_not_found", "cannot open '" + path + "'");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > kRemittanceFileBytesMax) {
    return ResourceExhausted("file_too_large", "'" + path + "' is larger than " +
                                                   std::to_string(kRemittanceFileBytesMax) +
                                                   " bytes: split it");
  }
  in.seekg(0);
  std::string text(static_cast<size_t>(size > 0 ? size : 0), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

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
