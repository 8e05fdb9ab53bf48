#include "service/bulk_poster.h"

#include "core/limits.h"
#include "service/audit.h"
#include "service/json.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <optional>
#include <span>
#include <thread>
#include <unordered_set>

namespace cse {

BulkPoster::BulkPoster(Store& store, const Clock& clock, std::string actor)
    : store_(store), clock_(clock), actor_(std::move(actor)) {}

void BulkPoster::DropCaches() {
  ledgers_.clear();
  cases_.clear();
  closed_.clear();
  closed_read_.clear();
  generation_ = -1;
}

std::unique_ptr<ObligorLedger> BulkPoster::BuildLedger(
    std::vector<CaseBook> books, const std::vector<Collection>& stored) const {
  auto ledger = std::make_unique<ObligorLedger>(std::move(books), policy_);
  for (const Collection& c : stored) {
    if (!c.reversed_date) (void)ledger->Apply(c);
  }
  return ledger;
}

Result<ObligorLedger*> BulkPoster::LedgerFor(PersonId obligor) {
  auto it = ledgers_.find(obligor.value);
  if (it != ledgers_.end()) return it->second.get();
  std::lock_guard<std::mutex> lock(store_mu_);
  ASSIGN_OR_RETURN(std::vector<CaseBook> books, LoadBooks(store_, obligor));
  NoteClosedDays(obligor.value, books);
  // Only what the distribution runs on (the store answers it from the obligor index alone).
  ASSIGN_OR_RETURN(std::vector<Collection> rows, store_.ListLedgerInputsByObligor(obligor));
  std::unique_ptr<ObligorLedger> ledger = BuildLedger(std::move(books), rows);
  ObligorLedger* raw = ledger.get();
  ledgers_.emplace(obligor.value, std::move(ledger));
  return raw;
}

Result<std::span<const DateSpan>> BulkPoster::ClosedDaysOf(PersonId obligor, CaseId c) {
  if (!closed_read_.contains(obligor.value)) {
    std::lock_guard<std::mutex> lock(store_mu_);
    ASSIGN_OR_RETURN(ClosedDaysByCase read, LoadClosedDays(store_, obligor));
    for (auto& [case_id, spans] : read) closed_.insert_or_assign(case_id, std::move(spans));
    closed_read_.insert(obligor.value);
  }
  // Node-based: the vector stays where it is while other cases are added.
  auto it = closed_.find(c.value);
  if (it == closed_.end()) return std::span<const DateSpan>();
  return std::span<const DateSpan>(it->second);
}

void BulkPoster::NoteClosedDays(int64_t obligor, const std::vector<CaseBook>& books) {
  if (!closed_read_.insert(obligor).second) return;
  for (const CaseBook& b : books) {
    if (!b.closed.empty()) closed_.insert_or_assign(b.info.id.value, b.closed);
  }
}

Status BulkPoster::Prefetch(const std::vector<PaymentRequest>& rows) {
  Status status;
  ReadStretches(store_, rows, ViewOfCaches(rows), [&](Result<Stretch> r) {
    if (!r.ok()) {
      status = r.status();
      return false;
    }
    TakeStretch(std::move(r).value());
    return true;
  });
  return status;
}

BulkPoster::CacheView BulkPoster::ViewOfCaches(const std::vector<PaymentRequest>& rows) const {
  CacheView view;
  view.obligor_of.assign(rows.size(), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    auto info = cases_.find(rows[i].case_id.value);
    if (info != cases_.end()) view.obligor_of[i] = info->second.obligor.value;
  }
  view.cached.reserve(ledgers_.size());
  for (const auto& entry : ledgers_) view.cached.insert(entry.first);
  return view;
}

void BulkPoster::TakeStretch(Stretch stretch) {
  for (const Case& k : stretch.cases) cases_.emplace(k.id.value, CaseInfo{k.obligor, k.status});
  for (auto& [obligor, ledger] : stretch.ledgers) {
    closed_read_.insert(obligor);
    ledgers_.emplace(obligor, std::move(ledger));
  }
  for (auto& [case_id, spans] : stretch.closed) closed_.insert_or_assign(case_id, std::move(spans));
}

void BulkPoster::ReadStretches(Store& store, const std::vector<PaymentRequest>& rows,
                               CacheView view, const StretchSink& sink) const {
  std::unordered_map<int64_t, int64_t> case_obligor;  // the cases read here
  std::unordered_set<int64_t> asked;                  // case ids read (found or not)
  for (size_t lo = 0; lo < rows.size(); lo += kPrefetchChunk) {
    const size_t hi = std::min(rows.size(), lo + kPrefetchChunk);
    std::vector<CaseId> missing;
    for (size_t i = lo; i < hi; ++i) {
      if (view.obligor_of[i] == 0 && asked.insert(rows[i].case_id.value).second) {
        missing.push_back(rows[i].case_id);
      }
    }
    Stretch stretch;
    auto found = GetCasesListed(store, missing);
    if (!found.ok()) {
      sink(found.status());
      return;
    }
    stretch.cases = std::move(found).value();
    for (const Case& k : stretch.cases) case_obligor.emplace(k.id.value, k.obligor.value);
    std::vector<PersonId> obligors;  // first seen in this stretch, without a cached ledger
    for (size_t i = lo; i < hi; ++i) {
      int64_t obligor = view.obligor_of[i];
      if (obligor == 0) {
        auto it = case_obligor.find(rows[i].case_id.value);
        if (it == case_obligor.end()) continue;  // unknown: Prepare rejects the row
        obligor = it->second;
      }
      if (view.cached.insert(obligor).second) obligors.push_back(PersonId{obligor});
    }
    std::sort(obligors.begin(), obligors.end(),
              [](PersonId a, PersonId b) { return a.value < b.value; });
    if (!obligors.empty()) {
      auto range = store.LoadLedgerInputs(obligors);
      if (!range.ok()) {
        sink(range.status());
        return;
      }
      ObligorRangeBooks walk(*range);
      for (PersonId obligor : obligors) {
        std::vector<CaseBook> books = walk.Books(obligor);
        for (const CaseBook& b : books) {
          if (!b.closed.empty()) stretch.closed.emplace(b.info.id.value, b.closed);
        }
        stretch.ledgers.emplace_back(obligor.value,
                                     BuildLedger(std::move(books), walk.Collections(obligor)));
      }
    }
    if (!sink(std::move(stretch))) return;
  }
}

namespace {

bool IsKeyConflict(const Status& s) {
  return s.code() == StatusCode::kAlreadyExists && s.reason() == "key_exists";
}

RowOutcome Rejected(Status s) { return RowOutcome{RowOutcome::Kind::kRejected, {}, std::move(s)}; }

}  // namespace

Result<std::optional<PersonId>> BulkPoster::CheckRow(const PaymentRequest& r, Date today,
                                                     RowOutcome& decided) {
  if (Status s = ValidatePaymentRequest(r, today); !s.ok()) {
    decided = Rejected(s);
    return std::optional<PersonId>();
  }
  auto info = cases_.find(r.case_id.value);
  if (info == cases_.end()) {
    std::lock_guard<std::mutex> lock(store_mu_);
    auto c = store_.GetCase(r.case_id);
    if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
      decided = Rejected(c.status());
      return std::optional<PersonId>();
    }
    RETURN_IF_ERROR(c.status());
    info = cases_.emplace(r.case_id.value, CaseInfo{c->obligor, c->status}).first;
  }
  const PersonId obligor = info->second.obligor;
  ASSIGN_OR_RETURN(const std::span<const DateSpan> closed, ClosedDaysOf(obligor, r.case_id));
  if (Status s = CheckOpenOn(r.case_id, info->second.status, closed, r.date, "the payment date");
      !s.ok()) {
    decided = Rejected(std::move(s));
    return std::optional<PersonId>();
  }
  return std::optional<PersonId>(obligor);
}

Result<BulkPoster::Step> BulkPoster::Prepare(const PaymentRequest& r, Date today,
                                             const std::string& at, bool key_lookup_first,
                                             StoredCollection& row, RowOutcome& decided) {
  ASSIGN_OR_RETURN(const std::optional<PersonId> checked, CheckRow(r, today, decided));
  if (!checked) return Step::kDecided;
  if (key_lookup_first) {
    std::lock_guard<std::mutex> lock(store_mu_);
    ASSIGN_OR_RETURN(std::optional<StoredCollection> existing, store_.FindCollectionByKey(r.key));
    if (existing) {
      decided = Resubmission(existing->collection, r);
      return Step::kDecided;
    }
  }
  const PersonId obligor = *checked;
  row.collection = Collection{{}, r.key, r.case_id, obligor, r.amount, r.date, r.source, {}, {}};
  row.posted_at = at;
  row.posted_by = actor_;
  ASSIGN_OR_RETURN(ObligorLedger * ledger, LedgerFor(obligor));
  if (ledger->last_applied_date() && *ledger->last_applied_date() > r.date) {
    return Step::kBackdated;
  }
  row.distribution = ledger->Apply(row.collection);
  return Step::kReady;
}

RowOutcome BulkPoster::Resubmission(const Collection& stored, const PaymentRequest& r) {
  if (Status s = CompareResubmission(stored, r); !s.ok()) return Rejected(s);
  return RowOutcome{RowOutcome::Kind::kExists, stored.id, {}};
}

// Until a poster meets a stored key, a resubmitted key is found by the insert's unique index
// (key_exists) rather than by a lookup before every row: in a new file resubmissions are rare
// and the lookup is not free.
Result<RowOutcome> BulkPoster::Resubmitted(const PaymentRequest& r) {
  met_stored_key_ = true;
  ASSIGN_OR_RETURN(std::optional<StoredCollection> existing, store_.FindCollectionByKey(r.key));
  if (!existing) return Internal("key_lookup", "key '" + r.key + "' conflicted but is not stored");
  return Resubmission(existing->collection, r);
}

Result<RowOutcome> BulkPoster::PostOne(const PaymentRequest& r, Date today, const std::string& at) {
  StoredCollection row;
  RowOutcome decided;
  ASSIGN_OR_RETURN(const Step step, Prepare(r, today, at, met_stored_key_, row, decided));
  if (step == Step::kDecided) return decided;
  const PersonId obligor = row.collection.obligor;
  if (step == Step::kBackdated) {
    // Backdated: insert, then re-run the obligor's whole history.
    auto id = store_.InsertCollection(row);
    if (!id.ok() && IsKeyConflict(id.status())) return Resubmitted(r);
    RETURN_IF_ERROR(id.status());
    row.collection.id = *id;
    RETURN_IF_ERROR(
        Redistribute(store_, obligor, at, "payment " + r.key + " posted", row.collection.id)
            .status());
    ledgers_.erase(obligor.value);
  } else {
    auto id = store_.InsertCollection(row);
    if (!id.ok()) {
      ledgers_.erase(obligor.value);  // the cached ledger applied a payment that is not stored
      if (IsKeyConflict(id.status())) return Resubmitted(r);
      return id.status();
    }
    row.collection.id = *id;
  }
  posted_.push_back(std::move(row.collection));
  return RowOutcome{RowOutcome::Kind::kCreated, posted_.back().id, {}};
}

BulkPoster::ChunkResult BulkPoster::InsertChunk(std::vector<Prepared> chunk,
                                                std::vector<RowOutcome>& outcomes) {
  ChunkResult result;
  for (Prepared& p : chunk) {
    std::lock_guard<std::mutex> lock(store_mu_);
    auto id = store_.InsertCollection(p.row);
    if (!id.ok()) {
      if (IsKeyConflict(id.status())) {
        result.conflict_at = p.index;
      } else {
        result.error = id.status();
      }
      return result;
    }
    p.row.collection.id = *id;
    outcomes[p.index] = RowOutcome{RowOutcome::Kind::kCreated, *id, {}};
    posted_.push_back(std::move(p.row.collection));
  }
  return result;
}

namespace {

// The chunks handed from the calling thread to the inserting thread of PostPipelined. Up to
// kInflight chunks wait, so a chunk that takes the caller longer than usual (a ledger load)
// does not leave the inserter idle, nor a slow insert the caller; a single hand-off per chunk
// made each side wait for the other about a third of the time.
template <typename Chunk>
class ChunkQueue {
 public:
  static constexpr size_t kInflight = 4;

  // Waits for room; false once the inserter has stopped (the chunk is then dropped).
  bool Push(Chunk chunk) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return chunks_.size() < kInflight || stopped_; });
    if (stopped_) return false;
    chunks_.push_back(std::move(chunk));
    changed_.notify_all();
    return true;
  }
  // The next chunk, or nothing once closed and empty. After Stop, queued chunks are dropped.
  std::optional<Chunk> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    busy_ = false;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !chunks_.empty() || closed_ || stopped_; });
    if (stopped_) chunks_.clear();
    if (chunks_.empty()) return std::nullopt;
    Chunk chunk = std::move(chunks_.front());
    chunks_.pop_front();
    busy_ = true;
    changed_.notify_all();
    return chunk;
  }
  // Waits until every pushed chunk is inserted (or dropped after Stop).
  void Drain() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [&] { return chunks_.empty() && !busy_; });
  }
  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    changed_.notify_all();
  }
  bool stopped() {
    std::lock_guard<std::mutex> lock(mu_);
    return stopped_;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Chunk> chunks_;
  bool busy_ = false;     // the inserter holds a chunk
  bool stopped_ = false;  // a conflict or a store error: insert nothing more
  bool closed_ = false;   // the caller pushes nothing more
};

}  // namespace

Status BulkPoster::PostPipelined(const std::vector<PaymentRequest>& rows, Date today,
                                 const std::string& at, std::vector<RowOutcome>& outcomes,
                                 Store* reader) {
  if (reader == nullptr) RETURN_IF_ERROR(Prefetch(rows));
  // This thread checks and distributes; a second one inserts the chunks it hands over (store
  // access is serialized by store_mu_). Inserts keep row order, so the stored rows, their ids
  // and the audit rows are those of posting one row after the other. A key conflict at row k
  // stops the inserts there: the ledgers of the obligors of rows k.. may have applied rows
  // that were not stored, so they are dropped and rows k.. are posted one by one (PostOne),
  // as before pipelining (a re-run file conflicts on its first row).
  ChunkQueue<std::vector<Prepared>> queue;
  Status insert_error;
  std::optional<size_t> restart;
  std::thread inserter([&] {
    while (std::optional<std::vector<Prepared>> chunk = queue.Pop()) {
      ChunkResult r = InsertChunk(std::move(*chunk), outcomes);
      if (!r.error.ok() || r.conflict_at) {
        // Written before Stop, read by the caller only after Drain or join.
        insert_error = r.error;
        restart = r.conflict_at;
        queue.Stop();
      }
    }
  });
  // Joins the inserter on every way out, including an early return on a store error.
  struct Joiner {
    ChunkQueue<std::vector<Prepared>>& queue;
    std::thread& thread;
    ~Joiner() {
      queue.Close();
      if (thread.joinable()) thread.join();
    }
  } joiner{queue, inserter};

  // The reading thread (with `reader`): stretch k's cases and ledgers are taken into the caches
  // before the check of its first row. It works on copies of what is cached at the start.
  struct StretchLoad {
    Status status;
    Stretch stretch;
  };
  ChunkQueue<StretchLoad> loads;
  std::thread reading;
  if (reader != nullptr) {
    reading = std::thread([&, view = ViewOfCaches(rows)]() mutable {
      ReadStretches(*reader, rows, std::move(view), [&](Result<Stretch> r) {
        StretchLoad load;
        const bool ok = r.ok();
        if (ok) {
          load.stretch = std::move(r).value();
        } else {
          load.status = r.status();
        }
        return loads.Push(std::move(load)) && ok;
      });
      loads.Close();
    });
  }
  struct ReadingJoiner {
    ChunkQueue<StretchLoad>& queue;
    std::thread& thread;
    ~ReadingJoiner() {
      queue.Stop();  // unblocks a Push; what was read and not taken is dropped
      if (thread.joinable()) thread.join();
    }
  } reading_joiner{loads, reading};

  std::vector<Prepared> chunk;
  chunk.reserve(kPipelineChunk);
  Status status;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (reader != nullptr && i % kPrefetchChunk == 0) {
      std::optional<StretchLoad> load = loads.Pop();
      if (!load) {
        status = Internal("prefetch_ended", "the reading thread stopped before row " +
                                                std::to_string(i) + " of the batch");
        break;
      }
      if (!load->status.ok()) {
        status = load->status;
        break;
      }
      TakeStretch(std::move(load->stretch));
    }
    Prepared p{i, {}};
    RowOutcome decided;
    auto step = Prepare(rows[i], today, at, /*key_lookup_first=*/false, p.row, decided);
    if (!step.ok()) {
      status = step.status();
      break;
    }
    if (*step == Step::kDecided) {
      outcomes[i] = std::move(decided);
      continue;
    }
    if (*step == Step::kBackdated) {
      // Everything before it is stored first; then it takes the one-by-one path.
      if (!chunk.empty() && !queue.Push(std::move(chunk))) break;
      chunk = {};
      chunk.reserve(kPipelineChunk);
      queue.Drain();
      if (queue.stopped()) break;
      auto one = PostOne(rows[i], today, at);
      if (!one.ok()) {
        status = one.status();
        break;
      }
      outcomes[i] = std::move(one).value();
      continue;
    }
    chunk.push_back(std::move(p));
    if (chunk.size() >= kPipelineChunk) {
      if (!queue.Push(std::move(chunk))) break;
      chunk = {};
      chunk.reserve(kPipelineChunk);
    }
  }
  if (!status.ok()) {
    queue.Stop();  // the batch fails and rolls back: nothing queued needs inserting
  } else if (!chunk.empty()) {
    queue.Push(std::move(chunk));
  }
  queue.Close();
  inserter.join();
  if (status.ok()) status = insert_error;
  RETURN_IF_ERROR(status);
  if (!restart) return Status::Ok();
  met_stored_key_ = true;
  // Only the obligors of rows from the conflict on can have applied a row that is not stored.
  for (size_t k = *restart; k < rows.size(); ++k) {
    auto info = cases_.find(rows[k].case_id.value);
    if (info != cases_.end()) ledgers_.erase(info->second.obligor.value);
  }
  for (size_t k = *restart; k < rows.size(); ++k) {
    ASSIGN_OR_RETURN(outcomes[k], PostOne(rows[k], today, at));
  }
  return Status::Ok();
}

Status BulkPoster::PostRows(const std::vector<PaymentRequest>& rows, Date today,
                            const std::string& at, std::vector<RowOutcome>& outcomes,
                            Store* reader) {
  if (rows.size() >= kPipelineMinRows) return PostPipelined(rows, today, at, outcomes, reader);
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSIGN_OR_RETURN(outcomes[i], PostOne(rows[i], today, at));
  }
  return Status::Ok();
}

Status BulkPoster::PostPipelinedAfterStoredKeys(const std::vector<PaymentRequest>& rows, Date today,
                                                const std::string& at,
                                                std::vector<RowOutcome>& outcomes, Store* reader) {
  // Only after a batch that met stored keys (a file being re-run): otherwise the lookups would
  // cost every new row of every batch.
  const bool look_up = met_stored_key_;
  met_stored_key_ = false;
  if (!look_up) return PostPipelined(rows, today, at, outcomes, reader);
  // A row whose key was stored before this batch writes nothing, whatever its position: its
  // outcome (a check's rejection, exists, or exists_with_different_*, in Prepare's order)
  // needs no ledger, and leaving it out changes no other row's id, distribution or outcome. The
  // rows left keep their order and take the pipelined path; a key repeated inside the batch is
  // still found there by the insert.
  std::vector<PaymentRequest> rest;
  std::vector<size_t> rest_index;
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSIGN_OR_RETURN(std::optional<StoredCollection> stored,
                     store_.FindCollectionByKey(rows[i].key));
    if (!stored) {
      rest.push_back(rows[i]);
      rest_index.push_back(i);
      continue;
    }
    met_stored_key_ = true;
    ASSIGN_OR_RETURN(const std::optional<PersonId> checked, CheckRow(rows[i], today, outcomes[i]));
    if (checked) outcomes[i] = Resubmission(stored->collection, rows[i]);
  }
  if (rest.size() == rows.size()) return PostPipelined(rows, today, at, outcomes, reader);
  std::vector<RowOutcome> rest_outcomes(rest.size());
  RETURN_IF_ERROR(PostRows(rest, today, at, rest_outcomes, reader));
  for (size_t k = 0; k < rest.size(); ++k) outcomes[rest_index[k]] = std::move(rest_outcomes[k]);
  return Status::Ok();
}

Result<BatchResult> BulkPoster::PostBatch(const std::vector<PaymentRequest>& rows, BatchMode mode,
                                          const std::string& label) {
  // Every insert refers to a case and its obligor that Prepare has read (GetCase, cached in
  // cases_) before inserting, and nothing deletes cases or persons, so the transaction skips
  // the store's two foreign-key probes per row. A case read inside a caller's transaction (the
  // probes stay on there) may vanish with that transaction's rollback: such reads are
  // forgotten before the next batch that runs without the probes.
  ASSIGN_OR_RETURN(const bool unchecked, store_.BeginWithoutForeignKeyChecks());
  if (!unchecked) {
    cases_read_nested_ = true;
  } else if (cases_read_nested_) {
    cases_.clear();
    closed_.clear();  // read in the same rolled-back transaction as those cases
    closed_read_.clear();
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
  posted_.clear();
  const bool pipelined = rows.size() >= kPipelineMinRows;
  // The reader only sees committed data: not for a batch inside a caller's transaction.
  Store* reader = nullptr;
  if (pipelined && unchecked && open_reader_) {
    if (!reader_) {
      auto opened = open_reader_();
      if (!opened.ok()) return fail(opened.status());
      reader_ = std::move(opened).value();
    }
    reader = reader_.get();
  }
  result.outcomes.resize(rows.size());
  if (Status s = pipelined ? PostPipelinedAfterStoredKeys(rows, today, at, result.outcomes, reader)
                           : PostRows(rows, today, at, result.outcomes, nullptr);
      !s.ok()) {
    return fail(s);
  }
  for (const RowOutcome& outcome : result.outcomes) {
    switch (outcome.kind) {
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
  }
  if ((mode == BatchMode::kAllOrNothing && result.rejected > 0) || mode == BatchMode::kDryRun) {
    store_.Rollback();
    DropCaches();
    posted_.clear();
    return result;
  }
  if (!posted_.empty()) {
    // One audit row per limits::kAuditPostingsPerRowMax postings, in posting order, all in
    // this transaction: an all-or-nothing file of millions of rows is one batch, and a single
    // row listing all of them would outgrow SQLite's largest value (1,000,000,000 bytes).
    // Same bytes as Json{{"source", label}, {"count", n}, {"columns", PostingColumns()},
    // {"rows", [[...], ...]}}.dump(): one compact row per posting (PostingRowsJson).
    const std::string head = "{\"source\":" + JsonQuote(label) + ",\"count\":";
    const std::string columns = ",\"columns\":" + PostingColumns().dump() + ",\"rows\":";
    const auto per_row = static_cast<size_t>(limits::kAuditPostingsPerRowMax);
    for (size_t first = 0; first < posted_.size(); first += per_row) {
      const size_t n = std::min(per_row, posted_.size() - first);
      auto listed = PostingRowsJson(std::span<const Collection>(posted_).subspan(first, n));
      if (!listed.ok()) return fail(listed.status());
      std::string after = head + std::to_string(n) + columns + *listed + "}";
      if (Status s = AppendAudit(store_, clock_, actor_, "import.batch", "collection", label, "",
                                 std::move(after));
          !s.ok()) {
        return fail(s);
      }
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
