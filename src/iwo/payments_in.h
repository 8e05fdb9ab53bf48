// File: iwo/payments_in.h
//
// Payments in from EFT and the State Disbursement Unit: `opencse import ded` (NACHA CCD+/CTX
// with X12 DED addenda, formats/ded.h, docs/DED.md) and `opencse import sdu` (SDU batch files,
// formats/sdu.h, docs/SDU_BATCH.md). Both go through the remittance path
// (iwo/remittance.h, ImportParsedRemittance): one file is one transaction, all or nothing —
// any malformed record, failed control total or line the ledger refuses and nothing is
// written; otherwise each line is posted idempotently by its key or held as unidentified
// (money is never dropped). Re-importing a file posts nothing twice.
//
// Thread-safety: free functions; the store is used by one thread at a time.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "formats/ded.h"
#include "formats/sdu.h"
#include "iwo/remittance.h"
#include "storage/store.h"

namespace cse::iwo {

// Imports an ACH file's DED lines. A refused file is a report with committed == false and
// its problems, not an error. Errors: store failures (rolled back).
Result<RemittanceReport> ImportDed(Store& store, const Clock& clock, const std::string& actor,
                                   const std::string& label, std::string_view text,
                                   const formats::DedOptions& options = formats::DedOptions());
// Reads `path` and imports it. Errors: ReadPaymentFile's and ImportDed's.
Result<RemittanceReport> ImportDedFile(Store& store, const Clock& clock, const std::string& actor,
                                       const std::string& path,
                                       const formats::DedOptions& options = formats::DedOptions());

// Imports an SDU batch; a batch whose count or total does not match is refused whole.
// `header` receives the batch's declared header when given. Errors: store failures.
Result<RemittanceReport> ImportSdu(Store& store, const Clock& clock, const std::string& actor,
                                   const std::string& label, std::string_view text,
                                   formats::SduHeader* header = nullptr);
// Reads `path` and imports it. Errors: ReadPaymentFile's and ImportSdu's.
Result<RemittanceReport> ImportSduFile(Store& store, const Clock& clock, const std::string& actor,
                                       const std::string& path,
                                       formats::SduHeader* header = nullptr);

}  // namespace cse::iwo
