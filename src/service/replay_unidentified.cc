// The held (unidentified) payments against the audit trail (service/replay.h,
// CompareUnidentifiedWithTrail): part of `audit verify`'s replay.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "service/json.h"
#include "service/replay.h"

namespace cse {
namespace {

// A held line as its `remittance.hold` row lists it. `pay_date` and `employer_fein` are unset
// in rows written before they were listed, `ssn_last4`, `case_ref` and `received_date` in rows
// written before 2026-12-05 (then not compared). The SSN is in the row as person.add keeps it:
// its last four digits ("" for none).
struct HeldInTrail {
  int64_t seq = 0;
  std::string amount_cents;
  std::string reason;
  std::string file;
  std::string actor;
  std::optional<std::string> pay_date;
  std::optional<std::string> employer_fein;
  std::optional<std::string> ssn_last4;
  std::optional<std::string> case_ref;
  std::optional<std::string> received_date;
};

// A resolution as its `unidentified.resolve` row records it.
struct ResolvedInTrail {
  int64_t seq = 0;
  std::string resolution;
  std::string case_id;  // "CASE-000042", or "none" for a refund
  std::string collection_key;
  std::string resolved_at;
  std::string resolved_by;
  std::string reason;
};

struct HeldTrail {
  std::map<std::string, HeldInTrail> held;         // by key
  std::map<int64_t, ResolvedInTrail> resolutions;  // by payment id
  std::vector<std::string> duplicates;             // keys held, or ids resolved, twice
};

Status Unreadable(const AuditRow& row, const std::string& what) {
  return DataLoss("audit_json_invalid",
                  "audit row " + std::to_string(row.seq) + " (" + row.action + "): " + what);
}

// The cents of a decimal amount as the messages show them.
Result<std::string> CentsOf(const AuditRow& row, const std::string& amount) {
  auto m = ParseMoney(amount);
  if (!m.ok()) return Unreadable(row, "amount '" + amount + "' is not an amount");
  return std::to_string(m->cents());
}

std::optional<std::string> OptionalText(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Status ReadHold(const AuditRow& row, HeldTrail& trail) {
  const Json after = Json::parse(row.after);
  const std::string file = after.at("file").get<std::string>();
  for (const Json& h : after.at("held")) {
    HeldInTrail held;
    held.seq = row.seq;
    ASSIGN_OR_RETURN(held.amount_cents, CentsOf(row, h.at("amount").get<std::string>()));
    held.reason = h.at("reason").get<std::string>();
    held.file = file;
    held.actor = row.actor;
    held.pay_date = OptionalText(h, "pay_date");
    held.employer_fein = OptionalText(h, "employer_fein");
    held.ssn_last4 = OptionalText(h, "ssn_last4");
    held.case_ref = OptionalText(h, "case_ref");
    held.received_date = OptionalText(h, "received_date");
    const std::string key = h.at("key").get<std::string>();
    if (!trail.held.emplace(key, std::move(held)).second) {
      trail.duplicates.push_back("unidentified_payment " + key + ": held by two audit rows");
    }
  }
  return Status::Ok();
}

Status ReadResolution(const AuditRow& row, HeldTrail& trail) {
  const Json after = Json::parse(row.after);
  ResolvedInTrail r;
  r.seq = row.seq;
  r.resolution = after.at("resolution").get<std::string>();
  const Json& case_id = after.at("case_id");
  r.case_id = case_id.is_string() ? case_id.get<std::string>() : "none";
  r.collection_key = after.at("collection_key").get<std::string>();
  r.resolved_at = after.at("resolved_at").get<std::string>();
  r.resolved_by = after.at("resolved_by").get<std::string>();
  r.reason = after.at("reason").get<std::string>();
  int64_t id = 0;
  try {
    id = std::stoll(row.entity_id);
  } catch (const std::exception&) {
    return Unreadable(row, "entity_id '" + row.entity_id + "' is not a payment id");
  }
  if (!trail.resolutions.emplace(id, std::move(r)).second) {
    trail.duplicates.push_back("unidentified_payment " + row.entity_id +
                               ": resolved by two audit rows");
  }
  return Status::Ok();
}

// The holds and resolutions the audit trail records, read through the action index.
Result<HeldTrail> ReadHeldTrail(Store& store) {
  HeldTrail trail;
  const auto guarded = [&](Status (*read)(const AuditRow&, HeldTrail&)) {
    return [&trail, read](const AuditRow& row) -> Status {
      try {
        return read(row, trail);
      } catch (const std::exception& e) {
        return Unreadable(row, e.what());
      }
    };
  };
  RETURN_IF_ERROR(store.ScanAuditByAction("remittance.hold", guarded(&ReadHold)));
  RETURN_IF_ERROR(store.ScanAuditByAction("unidentified.resolve", guarded(&ReadResolution)));
  return trail;
}

// Every mismatch counted, the first kReplayProblemsMax kept in words.
class HeldFindings {
 public:
  void Add(std::string text) {
    ++count_;
    if (problems_.size() < kReplayProblemsMax) problems_.push_back(std::move(text));
  }
  void Field(const std::string& row, const char* column, const std::string& stored,
             const std::string& trail) {
    if (stored == trail) return;
    Add(row + ": " + column + " is " + stored + " in the store, " + trail + " in the audit trail");
  }
  void Finish(ReplayComparison& cmp) {
    cmp.mismatches += count_;
    for (std::string& p : problems_) cmp.problems.push_back(std::move(p));
  }

 private:
  int64_t count_ = 0;
  std::vector<std::string> problems_;
};

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// The last four digits of a stored SSN, as person.add records it ("" unless nine digits).
std::string SsnLast4(const std::string& ssn) { return ssn.size() == 9 ? ssn.substr(5) : ""; }

void CompareHeld(const std::string& label, const UnidentifiedPayment& row, const HeldInTrail& t,
                 HeldFindings& f) {
  f.Field(label, "amount_cents", std::to_string(row.amount.cents()), t.amount_cents);
  f.Field(label, "reason", Quoted(row.reason), Quoted(t.reason));
  f.Field(label, "file", Quoted(row.file), Quoted(t.file));
  f.Field(label, "created_by", Quoted(row.created_by), Quoted(t.actor));
  if (t.pay_date) f.Field(label, "pay_date", row.pay_date.ToString(), *t.pay_date);
  if (t.employer_fein) {
    f.Field(label, "employer_fein", Quoted(row.employer_fein), Quoted(*t.employer_fein));
  }
  if (t.ssn_last4) {
    f.Field(label, "ssn (last 4 digits)", Quoted(SsnLast4(row.ssn)), Quoted(*t.ssn_last4));
  }
  if (t.case_ref) f.Field(label, "case_ref", Quoted(row.case_ref), Quoted(*t.case_ref));
  if (t.received_date) {
    f.Field(label, "received_date", row.received_date.ToString(), *t.received_date);
  }
}

Status CompareResolution(Store& store, const std::string& label, const UnidentifiedPayment& row,
                         const ResolvedInTrail& t, HeldFindings& f) {
  ASSIGN_OR_RETURN(std::optional<UnidentifiedResolution> r,
                   store.GetUnidentifiedResolution(row.id));
  if (!r) return Status::Ok();  // the status differs, and is reported as such
  f.Field(label, "resolution", Quoted(r->resolution), Quoted(t.resolution));
  f.Field(label, "resolution case_id", r->case_id.value == 0 ? "none" : CaseDisplayId(r->case_id),
          t.case_id);
  f.Field(label, "collection_key", Quoted(r->collection_key), Quoted(t.collection_key));
  f.Field(label, "resolved_at", Quoted(r->resolved_at), Quoted(t.resolved_at));
  f.Field(label, "resolved_by", Quoted(r->resolved_by), Quoted(t.resolved_by));
  f.Field(label, "resolution_reason", Quoted(r->reason), Quoted(t.reason));
  return Status::Ok();
}

}  // namespace

Status CompareUnidentifiedWithTrail(Store& store, ReplayComparison& cmp) {
  ASSIGN_OR_RETURN(HeldTrail trail, ReadHeldTrail(store));
  HeldFindings f;
  for (std::string& d : trail.duplicates) f.Add(std::move(d));
  std::set<std::string> held_seen;
  std::set<int64_t> resolved_seen;
  int64_t after = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<UnidentifiedPayment> page,
                     store.ListUnidentifiedPayments("", after, 1000));
    if (page.empty()) break;
    after = page.back().id;
    for (const UnidentifiedPayment& row : page) {
      const std::string label =
          "unidentified_payment " + std::to_string(row.id) + " (" + row.key + ")";
      const auto resolved = trail.resolutions.find(row.id);
      if (resolved != trail.resolutions.end()) resolved_seen.insert(row.id);
      const auto held = trail.held.find(row.key);
      if (held == trail.held.end()) {
        f.Add(label + ": in the store, not in the audit trail");
        continue;
      }
      held_seen.insert(row.key);
      CompareHeld(label, row, held->second, f);
      f.Field(label, "status", Quoted(row.status),
              Quoted(resolved == trail.resolutions.end() ? "held" : "resolved"));
      if (resolved == trail.resolutions.end()) continue;
      RETURN_IF_ERROR(CompareResolution(store, label, row, resolved->second, f));
    }
  }
  for (const auto& [key, held] : trail.held) {
    if (!held_seen.count(key)) {
      f.Add("unidentified_payment " + key + " (audit row " + std::to_string(held.seq) +
            "): in the audit trail, not in the store");
    }
  }
  for (const auto& [id, resolution] : trail.resolutions) {
    if (!resolved_seen.count(id)) {
      f.Add("unidentified_payment " + std::to_string(id) + " resolved (audit row " +
            std::to_string(resolution.seq) + "): in the audit trail, not in the store");
    }
  }
  f.Finish(cmp);
  return Status::Ok();
}

}  // namespace cse
