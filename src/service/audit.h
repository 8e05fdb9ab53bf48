// File: service/audit.h
//
// The audit trail: every change is one append-only row (who, when, what, before/after as
// JSON) whose hash covers the previous row's hash, so editing, deleting or reordering any row
// breaks the chain from that row on. `opencse audit verify` walks the chain.
//
// hash(n) = SHA-256 of prev_hash(n) "\n" seq "\n" at "\n" actor "\n" action "\n" entity "\n"
//           entity_id "\n" before "\n" after;   prev_hash(1) = 64 zeros.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// An anchor: one row's seq and hash, copied out of the database (`opencse audit anchor`) to
// somewhere its writers cannot reach (a ticket, a WORM share, a signed e-mail). The chain alone
// has no secret: whoever can write the file can rewrite rows and recompute every hash, or
// delete the newest rows, and the chain still verifies. Against an anchor taken earlier, both
// show: the anchored row's hash differs ("rewritten"), or the row is gone ("truncated").
struct AuditAnchor {
  int64_t seq = 0;
  std::string hash;      // 64 lowercase hex digits
  std::string at;        // the row's own time
  std::string taken_at;  // when the anchor was taken (informational)
  // Row 1's hash: which audit trail the anchor belongs to. Empty in anchors taken before
  // 2026-12-05 (not checked then). An anchor of another trail is "other_trail", not tampering.
  std::string first_hash;
};

// The newest row's anchor. Errors: failed_precondition "audit_empty"; store failures.
Result<AuditAnchor> LatestAuditAnchor(Store& store, const Clock& clock);
// The anchor file's text (one JSON object, ending in a newline), and back. Parse errors:
// invalid_argument "anchor_invalid" with what is wrong.
std::string AuditAnchorJson(const AuditAnchor& anchor);
Result<AuditAnchor> ParseAuditAnchor(std::string_view text);

struct AnchorCheck {
  AuditAnchor anchor;
  std::string result;  // "holds" | "rewritten" | "truncated" | "other_trail"
  std::string detail;  // what was found, for a result other than "holds"
};

struct AuditVerification {
  int64_t rows = 0;
  bool intact = true;
  int64_t first_bad_seq = 0;         // 0 when intact
  std::string problem;               // e.g. "hash mismatch", "sequence gap", "broken link"
  std::vector<AnchorCheck> anchors;  // one per anchor given, in the order given
  bool anchors_hold = true;          // every anchor's row is there with the anchored hash
};

// Recomputes the chain and checks each anchor against the stored row of its seq. A broken
// chain or a failed anchor is a result, not an error; errors are store failures.
Result<AuditVerification> VerifyAuditChain(Store& store, std::span<const AuditAnchor> anchors = {});

}  // namespace cse
