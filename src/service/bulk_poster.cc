#include "service/bulk_poster.h"

#include "service/audit.h"
#include "service/json.h"

namespace cse {

BulkPoster::BulkPoster(Store& store, const Clock& clock, std::string actor)
    : store_(store), clock_(clock), actor_(std::move(actor)) {}

void BulkPoster::DropCaches() {
  ledgers_.clear();
  cases_.clear();
  generation_ = -1;
}

Result<ObligorLedger*> BulkPoster::LedgerFor(PersonId obligor) {
  auto it = ledgers_.find(obligor.value);
  if (it != ledgers_.end()) return it->second.get();
  ASSIGN_OR_RETURN(std::vector<CaseBook> books, LoadBooks(store_, obligor));
  ASSIGN_OR_RETURN(std::vector<StoredCollection> rows, store_.ListCollectionsByObligor(obligor));
  auto ledger = std::make_unique<ObligorLedger>(std::move(books), policy_);
  for (const StoredCollection& row : rows) {
    if (!row.collection.reversed_date) (void)ledger->Apply(row.collection);
  }
  ObligorLedger* raw = ledger.get();
  ledgers_.emplace(obligor.value, std::move(ledger));
  return raw;
}

Result<RowOutcome> BulkPoster::PostOne(const PaymentRequest& r, Date today, const std::string& at) {
  auto reject = [](Status s) { return RowOutcome{RowOutcome::Kind::kRejected, {}, std::move(s)}; };
  if (Status s = ValidatePaymentRequest(r, today); !s.ok()) return reject(s);
  // A resubmitted key is found by the insert's unique index (key_exists) rather than by a
  // lookup before every row: resubmissions are rare and the lookup is not free.
  auto resubmitted = [&]() -> Result<RowOutcome> {
    ASSIGN_OR_RETURN(std::optional<StoredCollection> existing, store_.FindCollectionByKey(r.key));
    if (!existing)
      return Internal("key_lookup", "key '" + r.key + "' conflicted but is not stored");
    if (Status s = CompareResubmission(existing->collection, r); !s.ok()) return reject(s);
    return RowOutcome{RowOutcome::Kind::kExists, existing->collection.id, {}};
  };
  auto is_key_conflict = [](const Status& s) {
    return s.code() == StatusCode::kAlreadyExists && s.reason() == "key_exists";
  };
  auto info = cases_.find(r.case_id.value);
  if (info == cases_.end()) {
    auto c = store_.GetCase(r.case_id);
    if (!c.ok() && c.status().code() == StatusCode::kNotFound) return reject(c.status());
    RETURN_IF_ERROR(c.status());
    info = cases_.emplace(r.case_id.value, CaseInfo{c->obligor, c->status}).first;
  }
  if (info->second.status == CaseStatus::kClosed) {
    return reject(FailedPrecondition("case_closed", CaseDisplayId(r.case_id) + " is closed"));
  }
  const PersonId obligor = info->second.obligor;
  StoredCollection row;
  row.collection = Collection{{}, r.key, r.case_id, obligor, r.amount, r.date, r.source, {}, {}};
  row.posted_at = at;
  row.posted_by = actor_;
  ASSIGN_OR_RETURN(ObligorLedger * ledger, LedgerFor(obligor));
  if (ledger->last_applied_date() && *ledger->last_applied_date() > r.date) {
    // Backdated: insert, then re-run the obligor's whole history.
    auto id = store_.InsertCollection(row);
    if (!id.ok() && is_key_conflict(id.status())) return resubmitted();
    RETURN_IF_ERROR(id.status());
    row.collection.id = *id;
    RETURN_IF_ERROR(
        Redistribute(store_, obligor, at, "payment " + r.key + " posted", row.collection.id)
            .status());
    ledgers_.erase(obligor.value);
  } else {
    row.distribution = ledger->Apply(row.collection);
    auto id = store_.InsertCollection(row);
    if (!id.ok()) {
      ledgers_.erase(obligor.value);  // the cached ledger applied a payment that is not stored
      if (is_key_conflict(id.status())) return resubmitted();
      return id.status();
    }
    row.collection.id = *id;
  }
  posted_.push_back(std::move(row.collection));
  return RowOutcome{RowOutcome::Kind::kCreated, posted_.back().id, {}};
}

Result<BatchResult> BulkPoster::PostBatch(const std::vector<PaymentRequest>& rows, BatchMode mode,
                                          const std::string& label) {
  // Every insert refers to a case and its obligor that PostOne has read (GetCase, cached in
  // cases_) before inserting, and nothing deletes cases or persons, so the transaction skips
  // the store's two foreign-key probes per row. A case read inside a caller's transaction (the
  // probes stay on there) may vanish with that transaction's rollback: such reads are
  // forgotten before the next batch that runs without the probes.
  ASSIGN_OR_RETURN(const bool unchecked, store_.BeginWithoutForeignKeyChecks());
  if (!unchecked) {
    cases_read_nested_ = true;
  } else if (cases_read_nested_) {
    cases_.clear();
    cases_read_nested_ = false;
  }
  auto fail = [&](Status s) -> Result<BatchResult> {
    store_.Rollback();
    DropCaches();
    posted_.clear();
    return s;
  };
  auto gen = store_.LedgerGeneration();
  if (!gen.ok()) return fail(gen.status());
  if (*gen != generation_) {
    DropCaches();
    auto policy = LoadPolicy(store_);
    if (!policy.ok()) return fail(policy.status());
    policy_ = *policy;
    generation_ = *gen;
  }
  const Date today = clock_.Today();
  const std::string at = clock_.NowIso();
  BatchResult result;
  result.outcomes.reserve(rows.size());
  posted_.clear();
  for (const PaymentRequest& r : rows) {
    auto outcome = PostOne(r, today, at);
    if (!outcome.ok()) return fail(outcome.status());
    switch (outcome->kind) {
      case RowOutcome::Kind::kCreated:
        ++result.created;
        break;
      case RowOutcome::Kind::kExists:
        ++result.exists;
        break;
      case RowOutcome::Kind::kRejected:
        ++result.rejected;
        break;
    }
    result.outcomes.push_back(std::move(outcome).value());
  }
  if ((mode == BatchMode::kAllOrNothing && result.rejected > 0) || mode == BatchMode::kDryRun) {
    store_.Rollback();
    DropCaches();
    posted_.clear();
    return result;
  }
  if (!posted_.empty()) {
    // Same shape as Json{{"source", label}, {"count", n}, {"postings", [ToJson(c)...]}}.dump().
    std::string after = "{\"source\":" + JsonQuote(label) +
                        ",\"count\":" + std::to_string(posted_.size()) +
                        ",\"postings\":" + CollectionsJsonArray(posted_) + "}";
    if (Status s = AppendAudit(store_, clock_, actor_, "import.batch", "collection", label, "",
                               std::move(after));
        !s.ok()) {
      return fail(s);
    }
    if (Status s = store_.SetLedgerGeneration(generation_ + 1); !s.ok()) return fail(s);
  }
  if (Status s = store_.Commit(); !s.ok()) {
    DropCaches();
    posted_.clear();
    return s;
  }
  if (!posted_.empty()) ++generation_;
  posted_.clear();
  result.committed = true;
  return result;
}

}  // namespace cse
