#include "service/replay.h"

#include <algorithm>
#include <tuple>

#include "service/json.h"
#include "service/ledger_service.h"

namespace cse {
namespace {

Status Inconsistent(const AuditRow& row, const std::string& what) {
  return DataLoss("audit_replay_inconsistent",
                  "audit row " + std::to_string(row.seq) + " (" + row.action + "): " + what);
}

struct Replayer {
  std::map<int64_t, CaseBook> cases;          // by case id
  std::map<int64_t, Collection> collections;  // by collection id
  std::map<std::string, std::string> settings;

  Status Apply(const AuditRow& row) {
    Json after;
    try {
      after = row.after.empty() ? Json::object() : Json::parse(row.after);
    } catch (const std::exception& e) {
      return DataLoss("audit_json_invalid",
                      "audit row " + std::to_string(row.seq) + ": " + e.what());
    }
    if (row.action == "case.add") {
      ASSIGN_OR_RETURN(Case c, CaseFromJson(after));
      CaseBook& book = cases[c.id.value];
      book.info = c;
      if (after.contains("assistance")) {
        ASSIGN_OR_RETURN(AssistanceEpisode e, AssistanceFromJson(after["assistance"]));
        book.episodes.push_back(e);
      }
    } else if (row.action == "order.add") {
      ASSIGN_OR_RETURN(Order o, OrderFromJson(after["order"]));
      auto it = cases.find(o.case_id.value);
      if (it == cases.end()) return Inconsistent(row, "order for an unknown case");
      if (after.contains("replaces")) {
        const int64_t old_id = after["replaces"]["order_id"].get<int64_t>();
        ASSIGN_OR_RETURN(Date end, Date::Parse(after["replaces"]["end_date"].get<std::string>()));
        bool found = false;
        for (Order& old : it->second.orders) {
          if (old.id.value == old_id) {
            old.end_date = end;
            found = true;
          }
        }
        if (!found) return Inconsistent(row, "replaces an unknown order");
      }
      it->second.orders.push_back(o);
    } else if (row.action == "assistance.add") {
      ASSIGN_OR_RETURN(AssistanceEpisode e, AssistanceFromJson(after));
      auto it = cases.find(e.case_id.value);
      if (it == cases.end()) return Inconsistent(row, "assistance for an unknown case");
      it->second.episodes.push_back(e);
    } else if (row.action == "assistance.end") {
      auto it = cases.find(after["case_id"].get<int64_t>());
      if (it == cases.end()) return Inconsistent(row, "assistance end for an unknown case");
      ASSIGN_OR_RETURN(Date end, Date::Parse(after["end_date"].get<std::string>()));
      for (AssistanceEpisode& e : it->second.episodes) {
        if (!e.end_date) e.end_date = end;
      }
    } else if (row.action == "payment.post") {
      ASSIGN_OR_RETURN(Collection c, CollectionFromJson(after));
      collections[c.id.value] = c;
    } else if (row.action == "import.batch" && after.contains("rows")) {
      // Compact posting rows (since 2026-12-03): their columns and count must be the ones
      // PostingRowsJson writes.
      if (after["columns"] != PostingColumns()) {
        return DataLoss("audit_json_invalid", "audit row " + std::to_string(row.seq) +
                                                  ": unknown posting columns " +
                                                  after["columns"].dump());
      }
      const Json& rows = after["rows"];
      if (!rows.is_array() || !after["count"].is_number_integer() ||
          after["count"].get<int64_t>() != static_cast<int64_t>(rows.size())) {
        return DataLoss("audit_json_invalid", "audit row " + std::to_string(row.seq) +
                                                  ": count does not match its posting rows");
      }
      for (const Json& p : rows) {
        ASSIGN_OR_RETURN(Collection c, PostingFromJsonRow(p));
        collections[c.id.value] = c;
      }
    } else if (row.action == "import.batch") {
      // Rows written before 2026-12-03 list ToJson(c) objects.
      for (const Json& p : after["postings"]) {
        ASSIGN_OR_RETURN(Collection c, CollectionFromJson(p));
        collections[c.id.value] = c;
      }
    } else if (row.action == "payment.reverse") {
      auto it = collections.find(after["collection_id"].get<int64_t>());
      if (it == collections.end()) return Inconsistent(row, "reversal of an unknown payment");
      ASSIGN_OR_RETURN(Date d, Date::Parse(after["reversed_date"].get<std::string>()));
      it->second.reversed_date = d;
      it->second.reversal_reason = after["reason"].get<std::string>();
    } else if (row.action == "config.set") {
      for (auto& [k, v] : after.items()) settings[k] = v.get<std::string>();
    }
    return Status::Ok();
  }
};

}  // namespace

Result<ReplayedLedger> ReplayAuditTrail(Store& store) {
  Replayer r;
  ReplayedLedger out;
  Status s = store.ScanAudit([&](const AuditRow& row) -> Status {
    ++out.audit_rows;
    Status applied;
    try {
      applied = r.Apply(row);
    } catch (const std::exception& e) {
      applied = DataLoss("audit_json_invalid", e.what());
    }
    if (applied.ok() || applied.code() == StatusCode::kDataLoss) return applied;
    return DataLoss("audit_json_invalid",
                    "audit row " + std::to_string(row.seq) + ": " + applied.ToString());
  });
  RETURN_IF_ERROR(s);
  for (auto& [id, book] : r.cases) out.books_by_obligor[book.info.obligor.value].push_back(book);
  for (auto& [id, c] : r.collections) out.collections_by_obligor[c.obligor.value].push_back(c);
  if (auto it = r.settings.find("distribution.assignment_model"); it != r.settings.end()) {
    ASSIGN_OR_RETURN(out.policy.assignment_model, ParseAssignmentModel(it->second));
  }
  if (auto it = r.settings.find("distribution.tax_offset_order"); it != r.settings.end()) {
    ASSIGN_OR_RETURN(out.policy.tax_offset_order, ParseTaxOffsetOrder(it->second));
  }
  try {
    if (auto it = r.settings.find("distribution.federal_share_bps"); it != r.settings.end()) {
      out.policy.federal_share_bps = std::stoll(it->second);
    }
    if (auto it = r.settings.find("ledger.arrears_age_flag_days"); it != r.settings.end()) {
      out.policy.arrears_age_flag_days = std::stoi(it->second);
    }
  } catch (const std::exception& e) {
    return DataLoss("audit_json_invalid",
                    std::string("a config.set value is not a number: ") + e.what());
  }
  return out;
}

Result<ReplayComparison> CompareReplayWithStore(Store& store) {
  ASSIGN_OR_RETURN(ReplayedLedger replay, ReplayAuditTrail(store));
  ReplayComparison cmp;
  for (auto& [obligor, books] : replay.books_by_obligor) {
    ++cmp.obligors;
    std::vector<Collection> collections = replay.collections_by_obligor[obligor];
    std::erase_if(collections, [](const Collection& c) { return c.reversed_date.has_value(); });
    std::sort(collections.begin(), collections.end(), [](const Collection& a, const Collection& b) {
      return std::tie(a.date, a.id.value) < std::tie(b.date, b.id.value);
    });
    ObligorLedger ledger(books, replay.policy);
    std::map<int64_t, Distribution> replayed;
    for (const Collection& c : collections) replayed[c.id.value] = ledger.Apply(c);
    ASSIGN_OR_RETURN(std::vector<StoredCollection> stored,
                     store.ListCollectionsByObligor(PersonId{obligor}));
    for (const StoredCollection& row : stored) {
      ++cmp.collections;
      Distribution expected;
      expected.collection_id = row.collection.id;
      if (auto it = replayed.find(row.collection.id.value); it != replayed.end()) {
        expected = it->second;
      }
      const bool reversed_match = row.collection.reversed_date.has_value() ==
                                  (replayed.find(row.collection.id.value) == replayed.end());
      if (!(expected == row.distribution) || !reversed_match) {
        ++cmp.mismatches;
        if (cmp.problems.size() < 10) {
          cmp.problems.push_back("collection " + std::to_string(row.collection.id.value) +
                                 " (key '" + row.collection.idempotency_key +
                                 "'): stored distribution differs from the audit replay");
        }
      }
    }
    if (static_cast<int64_t>(stored.size()) !=
        static_cast<int64_t>(replay.collections_by_obligor[obligor].size())) {
      ++cmp.mismatches;
      if (cmp.problems.size() < 10) {
        cmp.problems.push_back("obligor " + std::to_string(obligor) + ": " +
                               std::to_string(stored.size()) + " collections stored, " +
                               std::to_string(replay.collections_by_obligor[obligor].size()) +
                               " in the audit trail");
      }
    }
  }
  // What the loop above cannot see: collections of obligors with no case in the audit trail,
  // in the trail (a payment whose case.add is missing) or in the store (rows written around
  // the trail, e.g. straight into the collection table for a case the trail never had).
  for (const auto& [obligor, listed] : replay.collections_by_obligor) {
    if (replay.books_by_obligor.count(obligor)) continue;
    ++cmp.mismatches;
    if (cmp.problems.size() < 10) {
      cmp.problems.push_back("obligor " + std::to_string(obligor) + ": " +
                             std::to_string(listed.size()) +
                             " collections in the audit trail, but no case of theirs");
    }
  }
  ASSIGN_OR_RETURN(const int64_t stored_total, store.CountCollections());
  if (stored_total != cmp.collections) {
    ++cmp.mismatches;
    if (cmp.problems.size() < 10) {
      cmp.problems.push_back(std::to_string(stored_total - cmp.collections) +
                             " stored collections belong to obligors with no case in the "
                             "audit trail");
    }
  }
  return cmp;
}

}  // namespace cse
