#include "service/audit.h"

#include <map>
#include <nlohmann/json.hpp>

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

namespace {

constexpr std::string_view kAnchorKind = "opencse-audit-anchor";

bool IsHashHex(std::string_view h) {
  if (h.size() != kGenesisHash.size()) return false;
  for (char c : h) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Short(std::string_view hash) { return std::string(hash.substr(0, 16)) + "..."; }

}  // namespace

Result<AuditAnchor> LatestAuditAnchor(Store& store, const Clock& clock) {
  ASSIGN_OR_RETURN(std::optional<AuditRow> last, store.LastAudit());
  if (!last) {
    return FailedPrecondition("audit_empty",
                              "the audit trail has no rows yet: there is nothing to anchor");
  }
  ASSIGN_OR_RETURN(std::vector<AuditRow> first, store.ListAuditAfter(0, "", "", 1));
  return AuditAnchor{last->seq, last->hash, last->at, clock.NowIso(),
                     first.empty() ? std::string() : first.front().hash};
}

std::string AuditAnchorJson(const AuditAnchor& a) {
  nlohmann::ordered_json j{{"kind", kAnchorKind},
                           {"seq", a.seq},
                           {"hash", a.hash},
                           {"at", a.at},
                           {"taken_at", a.taken_at}};
  if (!a.first_hash.empty()) j["first_hash"] = a.first_hash;
  return j.dump() + "\n";
}

Result<AuditAnchor> ParseAuditAnchor(std::string_view text) {
  auto bad = [](const std::string& why) {
    return InvalidArgument("anchor_invalid", "not an audit anchor: " + why);
  };
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not one JSON object");
  if (!j.contains("kind") || j["kind"] != kAnchorKind) {
    return bad("\"kind\" is not \"" + std::string(kAnchorKind) + "\"");
  }
  if (!j.contains("seq") || !j["seq"].is_number_integer() || j["seq"].get<int64_t>() < 1) {
    return bad("\"seq\" is not a row number of at least 1");
  }
  if (!j.contains("hash") || !j["hash"].is_string() || !IsHashHex(j["hash"].get<std::string>())) {
    return bad("\"hash\" is not 64 lowercase hexadecimal digits");
  }
  AuditAnchor a;
  a.seq = j["seq"].get<int64_t>();
  a.hash = j["hash"].get<std::string>();
  if (j.contains("at") && j["at"].is_string()) a.at = j["at"].get<std::string>();
  if (j.contains("taken_at") && j["taken_at"].is_string()) {
    a.taken_at = j["taken_at"].get<std::string>();
  }
  if (j.contains("first_hash")) {
    if (!j["first_hash"].is_string() || !IsHashHex(j["first_hash"].get<std::string>())) {
      return bad("\"first_hash\" is not 64 lowercase hexadecimal digits");
    }
    a.first_hash = j["first_hash"].get<std::string>();
  }
  return a;
}

Result<AuditVerification> VerifyAuditChain(Store& store, std::span<const AuditAnchor> anchors) {
  AuditVerification v;
  std::multimap<int64_t, size_t> anchored;  // seq -> index in v.anchors
  for (const AuditAnchor& a : anchors) {
    anchored.emplace(a.seq, v.anchors.size());
    v.anchors.push_back({a, "truncated", ""});
  }
  std::string prev(kGenesisHash);
  int64_t expected_seq = 1;
  int64_t last_seq = 0;
  std::string first_hash;
  Status s = store.ScanAudit([&](const AuditRow& row) -> Status {
    ++v.rows;
    last_seq = row.seq;
    if (v.rows == 1) first_hash = row.hash;
    auto [lo, hi] = anchored.equal_range(row.seq);
    for (auto it = lo; it != hi; ++it) {
      AnchorCheck& c = v.anchors[it->second];
      if (row.hash == c.anchor.hash) {
        c.result = "holds";
      } else {
        c.result = "rewritten";
        c.detail = "row " + std::to_string(row.seq) + " now has hash " + Short(row.hash) +
                   ", the anchor recorded " + Short(c.anchor.hash) +
                   ": the trail was rewritten at or before that row";
      }
    }
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
  for (AnchorCheck& c : v.anchors) {
    // Another database's anchor: its first row is not this trail's (a file mixed up, not a
    // trail tampered with). Unless row 1 itself was rewritten, which the chain or an anchor of
    // this trail shows: the message says both.
    if (!c.anchor.first_hash.empty() && c.anchor.first_hash != first_hash) {
      c.result = "other_trail";
      c.detail = "the anchor's first row has hash " + Short(c.anchor.first_hash) +
                 ", this trail's " +
                 (first_hash.empty() ? "is empty" : "has " + Short(first_hash)) +
                 ": an anchor of another database (or row 1 was rewritten)";
    }
    if (c.result == "truncated") {
      c.detail = "row " + std::to_string(c.anchor.seq) + " is gone: the trail ends at row " +
                 std::to_string(last_seq) + " (rows were deleted from its end)";
    }
    if (c.result != "holds") v.anchors_hold = false;
  }
  return v;
}

}  // namespace cse
