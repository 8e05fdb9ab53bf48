// File: service/audit.h
//
// The audit trail: every change is one append-only row (who, when, what, before/after as
// JSON) whose hash covers the previous row's hash, so editing, deleting or reordering any row
// breaks the chain from that row on. `opencse audit verify` walks the chain.
//
// hash(n) = SHA-256 of prev_hash(n) "\n" seq "\n" at "\n" actor "\n" action "\n" entity "\n"
//           entity_id "\n" before "\n" after;   prev_hash(1) = 64 zeros.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "storage/store.h"

namespace cse {

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

std::string AuditHash(const AuditRow& row);

// Appends one row inside the caller's open transaction.
Status AppendAudit(Store& store, const Clock& clock, std::string_view actor,
                   std::string_view action, std::string_view entity, std::string_view entity_id,
                   std::string before, std::string after);

struct AuditVerification {
  int64_t rows = 0;
  bool intact = true;
  int64_t first_bad_seq = 0;  // 0 when intact
  std::string problem;        // e.g. "hash mismatch", "sequence gap", "broken link"
};

// Recomputes the chain. A broken chain is a result, not an error; errors are store failures.
Result<AuditVerification> VerifyAuditChain(Store& store);

}  // namespace cse
