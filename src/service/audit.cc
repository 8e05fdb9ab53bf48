#include "service/audit.h"

#include "crypto/sha256.h"

namespace cse {

std::string AuditHash(const AuditRow& r) {
  std::string data;
  data.reserve(r.before.size() + r.after.size() + 256);
  for (std::string_view part :
       {std::string_view(r.prev_hash), std::string_view(std::to_string(r.seq)),
        std::string_view(r.at), std::string_view(r.actor), std::string_view(r.action),
        std::string_view(r.entity), std::string_view(r.entity_id), std::string_view(r.before)}) {
    data.append(part);
    data.push_back('\n');
  }
  data.append(r.after);
  return Sha256Hex(data);
}

Status AppendAudit(Store& store, const Clock& clock, std::string_view actor,
                   std::string_view action, std::string_view entity, std::string_view entity_id,
                   std::string before, std::string after) {
  ASSIGN_OR_RETURN(std::optional<Store::AuditLink> last, store.LastAuditLink());
  AuditRow row;
  row.seq = last ? last->seq + 1 : 1;
  row.prev_hash = last ? last->hash : std::string(kGenesisHash);
  row.at = clock.NowIso();
  row.actor = actor;
  row.action = action;
  row.entity = entity;
  row.entity_id = entity_id;
  row.before = std::move(before);
  row.after = std::move(after);
  row.hash = AuditHash(row);
  return store.InsertAudit(row);
}

Result<AuditVerification> VerifyAuditChain(Store& store) {
  AuditVerification v;
  std::string prev(kGenesisHash);
  int64_t expected_seq = 1;
  Status s = store.ScanAudit([&](const AuditRow& row) -> Status {
    ++v.rows;
    if (!v.intact) return Status::Ok();
    if (row.seq != expected_seq) {
      v.problem = "sequence gap: expected " + std::to_string(expected_seq) + ", found " +
                  std::to_string(row.seq);
    } else if (row.prev_hash != prev) {
      v.problem = "broken link: prev_hash does not match the previous row's hash";
    } else if (AuditHash(row) != row.hash) {
      v.problem = "hash mismatch: the row's content was changed after it was written";
    }
    if (!v.problem.empty()) {
      v.intact = false;
      v.first_bad_seq = row.seq;
    }
    prev = row.hash;
    ++expected_seq;
    return Status::Ok();
  });
  RETURN_IF_ERROR(s);
  return v;
}

}  // namespace cse
