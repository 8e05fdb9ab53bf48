// File: service/ledger_service.h
//
// The use cases of the case and money core. Each public method is one transaction: it
// validates, reads and writes through the Store, appends the audit row, and commits — or
// rolls back and changes nothing. Every rule violation has its own stable reason code (see
// docs/CLI.md "Result codes").
//
// Any change to what an obligor owes or paid (a new order, a modification, assistance starting
// or ending, a backdated payment, a reversal) re-runs distribution for that obligor; a
// collection whose distribution changes keeps its previous one in distribution_history.
//
// Thread-safety: one LedgerService per thread; it borrows `store` and `clock`.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "ledger/engine.h"
#include "storage/store.h"

namespace cse {

struct NewCase {
  PersonId obligor;
  PersonId obligee;
  std::vector<PersonId> children;
  CaseType type = CaseType::kNeverAssistance;
  FamilyViolence family_violence = FamilyViolence::kNone;
  std::string county;
  std::optional<Date> opened;  // Default: today
  // Required for current (start, grant) and former (start, end, grant) assistance cases.
  std::optional<AssistanceEpisode> assistance;
};

struct PaymentRequest {
  std::string key;
  CaseId case_id;
  Money amount;
  Date date;
  PaymentSource source = PaymentSource::kDirect;
};

enum class PostOutcome { kCreated, kExists };

struct PostResult {
  PostOutcome outcome = PostOutcome::kCreated;
  CollectionId id;
  Distribution distribution;
  int64_t redistributed = 0;  // other collections whose distribution changed
};

struct ReverseResult {
  CollectionId id;
  Distribution reversed;      // the distribution that was undone
  int64_t redistributed = 0;  // other collections whose distribution changed
};

// A case's ledger as of a date: its balances and every collection that touched it.
struct CaseLedger {
  Case info;
  std::vector<Order> orders;
  std::vector<AssistanceEpisode> episodes;
  CaseBalance balance;
  struct Entry {
    Collection collection;
    bool reversed_as_of = false;
    Distribution distribution;  // lines for this case only; totals for this case
  };
  std::vector<Entry> collections;
  // Held money applied as future support to this case on or before the ledger's date
  // (ledger/policy.h FuturesRule): the collection it was held with, the month start it paid,
  // and the lines for this case only.
  struct FuturesEntry {
    Collection collection;
    Date date;
    Distribution distribution;
  };
  std::vector<FuturesEntry> futures;
  ObligorBalance obligor;  // all the obligor's cases
  // The pending notice of intent to close, or the closure (service/case_closure.h); nullopt
  // when the case is open with no notice.
  std::optional<Store::CaseClosureRow> closure;
  // The case's closed days (CaseBook::closed) that began on or before the ledger's date; a
  // period still running on that date ends at MaxDate (ARCHITECTURE §5.6).
  std::vector<DateSpan> closed_periods;
};

// Loads everything the engine needs about an obligor.
Result<std::vector<CaseBook>> LoadBooks(Store& store, PersonId obligor);

// The cases among `ids` that exist, by id, as GetCase reads each (Store::GetCases), read
// kCaseListChunk ids at a time: bulk posting and an import's payment events look up the cases
// of up to limits::kPostingsPerBatchMax rows at once.
inline constexpr size_t kCaseListChunk = 10'000;
Result<std::vector<Case>> GetCasesListed(Store& store, std::span<const CaseId> ids);

// Hands out the records of an ObligorRange (Store::LoadObligorRange, LoadLedgerInputs) one
// obligor at a time: its books as LoadBooks builds them (cases by id, each with its orders by
// id and episodes by start) and its collections by (date, id). Obligors must be asked for in
// ascending id order; what is handed out is moved out of the range.
class ObligorRangeBooks {
 public:
  explicit ObligorRangeBooks(ObligorRange& range);
  std::vector<CaseBook> Books(PersonId obligor);
  std::vector<Collection> Collections(PersonId obligor);

 private:
  ObligorRange& range_;
  std::unordered_map<int64_t, std::vector<Order>> orders_;  // by case id
  std::unordered_map<int64_t, std::vector<AssistanceEpisode>> episodes_;
  std::unordered_map<int64_t, std::vector<DateSpan>> closed_;  // by case id
  size_t next_case_ = 0;
  size_t next_collection_ = 0;
};
// The distribution options from settings, with federal defaults for unset keys.
Result<DistributionPolicy> LoadPolicy(Store& store);

// Risk tier cut-offs (docs/MODEL_CARD.md): a score (1-100) above high_above is HIGH, above
// medium_above MEDIUM, else LOW. Settings with these keys override the defaults; `opencse
// config set` validates them (1-99, 0-98, medium below high) and audits the change.
inline constexpr const char* kRiskTierHighAboveKey = "risk.tier_high_above";
inline constexpr const char* kRiskTierMediumAboveKey = "risk.tier_medium_above";
inline constexpr int kDefaultTierHighAbove = 75;  // the seed workflow's "risk > 75"
inline constexpr int kDefaultTierMediumAbove = 40;
// (high_above, medium_above) in force.
Result<std::pair<int, int>> LoadRiskTierCutoffs(Store& store);
// Moves the ledger generation (ARCHITECTURE §2.3) in the caller's transaction: every change of
// the ledger's inputs does, so the bulk poster's cache sees it.
Status BumpGeneration(Store& store);
// Re-runs distribution for every active collection of `obligor` and writes the changed ones
// (old distribution to history with `reason`). Inside the caller's transaction.
Result<int64_t> Redistribute(Store& store, PersonId obligor, const std::string& at,
                             const std::string& reason, std::optional<CollectionId> fresh);

// Compares a resubmission with the stored collection. OK when identical; otherwise
// already_exists "exists_with_different_case|amount|date|source".
Status CompareResubmission(const Collection& stored, const PaymentRequest& request);
// Validation that needs no store. Reasons: key_*, date_in_future.
Status ValidatePaymentRequest(const PaymentRequest& request, Date today);

class LedgerService {
 public:
  LedgerService(Store& store, const Clock& clock, std::string actor);

  // Errors: ValidatePerson's; already_exists "ssn_exists".
  Result<PersonId> AddPerson(Person person);
  // Errors: person_not_found, case_same_party..., case_type_needs_assistance,
  // case_type_assistance_mismatch, date_in_future (opened after today), office_case_mismatch
  // (a county that differs only in letter case from an office name in use:
  // service/office_spelling.h).
  Result<CaseId> AddCase(const NewCase& request);
  // Adds an order; with `replaces`, ends that order the day before this one starts (a
  // modification). Errors: ValidateOrder's, case_not_found, order_not_found,
  // order_replaces_other_case, order_replaces_ended, child_not_in_case.
  Result<OrderId> AddOrder(Order order, std::optional<OrderId> replaces);
  // Errors: ValidateAssistance's, case_not_found, assistance_overlaps.
  Status AddAssistance(const AssistanceEpisode& episode);
  // Errors: assistance_not_open, assistance_end_before_start.
  Status EndAssistance(CaseId case_id, Date end_date);
  Result<EmployerId> AddEmployer(const Employer& employer);
  Result<int64_t> AddEmployment(const Employment& employment);
  // Records an observable case-history event (new hire, IWO, notice...). Errors:
  // ValidateCaseEvent's, person_not_found, case_not_found, event_case_person_mismatch (the
  // person is not the case's obligor or obligee).
  Result<int64_t> AddCaseEvent(const CaseEvent& event);
  // Records several events in one transaction with one audit row ("events.add") listing them
  // all; the same checks as AddCaseEvent for each, and nothing is written if one fails.
  Result<std::vector<int64_t>> AddCaseEvents(const std::vector<CaseEvent>& events);

  // Idempotent posting: a new key answers kCreated; the same key with the same fields
  // answers kExists (nothing written); the same key with other fields fails with
  // exists_with_different_*. Errors: ValidatePaymentRequest's, amount_zero, case_not_found,
  // case_closed (the case is closed on the payment's date, by its closed periods, not by its
  // status today: a case closed since takes a payment dated before its closing; the message
  // names the closed period; ARCHITECTURE §5.6).
  Result<PostResult> PostPayment(const PaymentRequest& request);
  // Reverses (returned / NSF) the collection with `key` as of `date`. Errors:
  // collection_not_found, already_reversed, reversal_before_receipt, date_in_future,
  // reason_missing.
  Result<ReverseResult> ReversePayment(const std::string& key, Date date,
                                       const std::string& reason);

  // What GetCaseLedger reads of each payment: everything (kAll: each entry's idempotency key
  // and reversal reason too), or only what the distribution runs on (kLedgerInputs: balances
  // and paid amounts are the same; keys and reasons are empty), which a store answers from an
  // index without reading the payment rows.
  enum class PaymentFields { kAll, kLedgerInputs };
  Result<CaseLedger> GetCaseLedger(CaseId case_id, Date as_of,
                                   PaymentFields fields = PaymentFields::kAll);
  // The case's balance alone (GetCaseLedger's `balance`, from GetObligorBalance, without
  // building the payment entries): the arrears endpoint. Errors: the store's.
  Result<CaseBalance> GetCaseBalance(const Case& c, Date as_of);
  Result<ObligorBalance> GetObligorBalance(PersonId obligor, Date as_of);

  // Known keys: distribution.assignment_model (dra|prwora), distribution.tax_offset_order
  // (assigned_first|family_first), distribution.futures (none|withholding|all; ledger/policy.h
  // FuturesRule), distribution.federal_share_bps (0-10000),
  // ledger.arrears_age_flag_days (1-3650), risk.tier_high_above (1-99) and
  // risk.tier_medium_above (0-98, below the high one; these two may change at any time),
  // access_log.segment_rows (1,000-100,000,000; rows per access-log segment file, read when a
  // process first opens the log).
  // Errors: config_key_unknown, config_value_invalid.
  Status SetConfig(const std::string& key, const std::string& value);
  Result<std::vector<std::pair<std::string, std::string>>> ListConfig();

  // The defaults a database gets when it is created (`opencse init`, `opencse simulate` into
  // a new file): distribution.futures = all, recorded with a config.set audit row so replay
  // reads it from the trail. Does nothing once the key is set or any payment is on file (an
  // older database keeps the unset rule, kNone, its distributions were computed under), nor
  // when staff users exist and the actor is not an active admin (`config set`'s rule).
  // Returns whether anything was recorded.
  Result<bool> RecordNewDatabaseDefaults();

  const Clock& clock() const { return clock_; }
  Store& store() { return store_; }

 private:
  // Runs `body` in a transaction; rolls back on error.
  template <typename F>
  auto InTransaction(F&& body) -> decltype(body());
  Status RefreshCaseType(CaseId case_id);

  Store& store_;
  const Clock& clock_;
  std::string actor_;
};

}  // namespace cse
