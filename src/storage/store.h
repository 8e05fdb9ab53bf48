// File: storage/store.h
//
// The store: one interface every adapter implements (SQLite now, PostgreSQL next), so the
// ledger and the services never see SQL. Methods read or write one kind of row; service/
// composes them inside a transaction it owns and writes the audit trail.
//
// Transactions: Begin() takes the write lock at once, so a posting never fails half-way on a
// lock; everything between Begin and Commit commits atomically or not at all. Transactions
// nest: a Begin inside an open transaction opens a savepoint, whose Commit keeps its changes
// inside the outer transaction and whose Rollback undoes only them. Bulk writers (the
// simulator) open one outer transaction and call the services, each of which then commits
// into it: the same checks and audit rows, one disk sync per chunk. Errors from any
// method: unavailable "store_io" (disk, corruption), aborted "store_busy" (retry),
// already_exists "unique_violation", failed_precondition "reference_not_found" (a foreign key),
// invalid_argument "constraint_violation" (a CHECK).
//
// Thread-safety: a Store object is used by one thread at a time. Several processes may open
// the same database; the write lock serializes them.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/types.h"
#include "enforce/records.h"
#include "ledger/engine.h"

namespace cse {

struct StoredCollection {
  Collection collection;
  Distribution distribution;  // the current one (empty once reversed)
  std::string posted_at;      // ISO-8601 UTC
  std::string posted_by;
};

struct AuditRow {
  int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string action;  // e.g. "payment.post", "import.batch"
  std::string entity;  // e.g. "collection"
  std::string entity_id;
  std::string before;  // JSON or empty
  std::string after;   // JSON or empty
  std::string prev_hash;
  std::string hash;
};

// The end of the outcome window after `t` for delinquency labels: one month after t (so a
// month end's window is exactly the next calendar month, 28-31 days; "the next 30 days").
inline Date LabelHorizon(Date t) { return t.AddDays(1).AddMonths(1).AddDays(-1); }
// The delinquency label: of the support falling due in the window (`due`), what was not paid
// (`due` - `paid`) reaches one month's support (45 CFR 303.6), or all of `due` when less
// than a month's support fell due (weekly orders in a four-week month).
inline bool NewDelinquency(Money due, Money paid, Money monthly_support) {
  if (!due.is_positive()) return false;
  const Money threshold = Min(due, monthly_support.is_positive() ? monthly_support : due);
  return due - paid >= threshold;
}

// Simulation ground truth: written by src/sim/, read only by evaluation code — never by the
// services, the ledger or any feature computation (docs/SIMULATION.md).
struct TruthMonth {
  PersonId obligor;
  Date month_end;
  bool employed = false;
  bool incarcerated = false;
  int32_t propensity_bps = 0;  // latent probability of paying directly in a month
  Money wage_monthly;          // gross, 0 when not employed
  Money monthly_support;       // current support due per month at month_end
  Money arrears;               // unpaid support at month_end (simulator's own accounting)
  Money due_next;              // support falling due in (month_end, LabelHorizon(month_end)]
  Money paid_next;             // collections received in that window, net of reversals
  bool delinquent_next_30 = false;
};
struct TruthPerson {
  PersonId person;
  std::string role;   // obligor | obligee | child
  std::string group;  // synthetic demographic group, for fairness checks only
};

// A trained delinquency-risk model in the registry (src/ai/registry.h gives the meaning).
struct RiskModelRecord {
  std::string version;
  std::string created_at;
  std::string created_by;
  Date data_as_of;
  Date train_from;
  Date train_to;
  Date calibration_from;
  Date calibration_to;
  Date test_from;
  Date test_to;
  std::string data_hash;
  std::string params_json;
  std::string metrics_json;
  std::string features_json;
  std::string booster_json;
  std::string calibrator_json;
  std::string tiers_json;
  bool active = false;
};

// One score written by the model (every field needed to explain it later).
struct RiskScoreRecord {
  int64_t id = 0;
  PersonId obligor;
  CaseId case_id;  // 0 when scoring the obligor across cases
  Date as_of;
  std::string model_version;
  std::string features_hash;
  double probability = 0;
  int32_t score = 0;
  std::string tier;
  double confidence = 0;
  std::string features_json;
  std::string key_factors_json;
  std::string scored_at;
};

// The records of a range of obligors, read table by table for batch readers (scoring every
// obligor): cases with their children; their orders with child terms and assistance
// episodes; collections without their distribution, idempotency key and reversal reason
// (which the ledger engine and the features never read); employment and case events of the
// obligors. Each vector is sorted by obligor (cases, collections, jobs, events) or by case
// (orders, episodes), then in the order of the matching per-obligor List* call.
// `closures` (both structs) are the cases' case_closed and case_reopened events (the ledger's
// closed periods, ledger/engine.h ClosedSpans), by (case, date, id).
struct ObligorBooks {
  std::vector<Case> cases;
  std::vector<Order> orders;
  std::vector<AssistanceEpisode> episodes;
  std::vector<CaseEvent> closures;
};

struct ObligorRange {
  std::vector<Case> cases;
  std::vector<Order> orders;
  std::vector<AssistanceEpisode> episodes;
  std::vector<Collection> collections;
  std::vector<Employment> jobs;
  std::vector<CaseEvent> events;
  std::vector<CaseEvent> closures;
};

// ---- Employer and federal interfaces (src/iwo, src/formats) ----

// An income withholding order sent (or to be sent) to an employer for one case (FACTS §1.2).
// `due_date` is the federal deadline: 2 business days after `entry_date` for an IWO that
// follows a new-hire report (42 USC 653a(g)(1)).
struct IwoRecord {
  int64_t id = 0;
  CaseId case_id;
  PersonId obligor;
  EmployerId employer;
  int64_t employment_id = 0;       // 0 when none
  std::string kind = "original";   // original | amended | lump_sum | termination
  std::string status = "pending";  // pending (to send) | sent | accepted | rejected | ended
  std::string source;              // newhire | manual
  Date entry_date;                 // when the income source became known to the agency
  Date due_date;                   // send by this day
  std::optional<Date> sent_date;
  Money current_monthly;               // current support (child + cash medical), per month
  Money arrears_monthly;               // arrears payback per month
  bool arrears_over_12_weeks = false;  // IWO field 6c, from the ledger at entry
  std::string created_at;
  std::string created_by;
  // e-IWO (migration 320, docs/EIWO.md): the batch and file control numbers it was sent under
  // (empty until sent by `iwo export-eiwo`), and the employer's acknowledgment.
  std::string control_number;
  std::string file_control_number;
  std::optional<Date> ack_date;
  std::string ack_reason_code;  // a rejection's reason code, "" otherwise
  std::string ack_reason;       // its text, from the reason table
};

// One e-IWO control number (FACTS §1.3: unique per file and per batch, never reused). Handed
// out from a persisted sequence, reserved before a file is written, then `used` (the file was
// written and its IWOs marked sent) or `void` (the export failed or was abandoned). Rows are
// never deleted, and a used or void row never changes.
struct EiwoControlNumber {
  std::string control_number;
  int64_t seq = 0;
  std::string kind;                 // file | batch
  std::string file_control_number;  // the file's own number for kind file
  std::string employer_fein;        // a batch's employer; "" for a file
  std::string status = "reserved";  // reserved | used | void
  int64_t details = 0;              // detail records written under it
  std::string path;                 // the file written
  std::string reserved_at;
  std::string closed_at;
  std::string note;  // why it was voided
};

// A new-hire report whose SSN matched no one but whose name and date of birth matched a
// person: a caseworker confirms or dismisses it; nothing is acted on automatically.
struct NewHireReview {
  int64_t id = 0;
  std::string file;
  int64_t record_number = 0;
  PersonId candidate;
  std::string reported_ssn;
  std::string reported_name;  // "LAST, FIRST MIDDLE"
  std::optional<Date> reported_dob;
  EmployerId employer;
  Date hire_date;
  std::string status = "open";  // open | confirmed | dismissed
  std::string created_at;
};

// An employer remittance line that matched no obligor or case (migration 310): the money is
// held here, never dropped, until a caseworker identifies it. `key` is the line's idempotency
// key (formats::RemittanceKey), unique here and never also posted as a collection.
struct UnidentifiedPayment {
  int64_t id = 0;
  std::string key;
  std::string employer_fein;
  Date pay_date;
  std::string ssn;       // as reported, may be empty
  std::string case_ref;  // the case id as reported, may be empty
  Money amount;
  std::string reason;  // why it matched nothing: ssn_not_found | case_not_found | ...
  std::string file;
  int64_t line_number = 0;
  Date received_date;           // the day the file was imported: the hold starts here
  std::string status = "held";  // held | resolved (migration 330: UnidentifiedResolution)
  std::string created_at;
  std::string created_by;
};

// How a held unidentified payment was resolved (migration 330): posted to a case under the
// held line's own key, or refunded to the payer. Final: a resolved row is never changed.
struct UnidentifiedResolution {
  int64_t payment_id = 0;
  std::string resolution;  // posted | refunded
  CaseId case_id;          // the case posted to (posted only)
  std::string collection_key;
  std::string resolved_at;
  std::string resolved_by;
  std::string reason;
};

// A caseworker's decision on a new-hire review (migration 331): confirmed (acted on as an
// exact-SSN match) or dismissed, with who, when and why. Final.
struct NewHireReviewDecision {
  int64_t review_id = 0;
  std::string status;  // confirmed | dismissed
  std::string decided_at;
  std::string decided_by;
  std::string reason;  // required to dismiss; optional to confirm
};

// ---- Staff identity and access (src/auth, src/http; migration 100) ----

// A staff user of the web app and API. `role` is one of auth/roles.h's names; `office` scopes
// the caseload of office-bound roles. Lockout state: consecutive failed logins and the time
// (microseconds since the epoch, 0 = not locked) until which logins are refused.
struct UserRecord {
  int64_t id = 0;
  std::string username;
  std::string role;
  std::string office;
  std::string password_hash;  // argon2id, libsodium's encoded string
  int64_t failed_logins = 0;
  int64_t locked_until_us = 0;
  bool disabled = false;
  std::string created_at;
};
// A signed-in session. Only the SHA-256 of the cookie's token is stored.
struct SessionRecord {
  std::string token_hash;
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_us = 0;
  int64_t expires_us = 0;  // absolute expiry
  int64_t last_seen_us = 0;
};
// A system-to-system API token. Only the SHA-256 of the token is stored.
struct ApiTokenRecord {
  int64_t id = 0;
  std::string name;
  std::string token_hash;
  std::string role;
  std::string office;
  std::string created_at;
  std::string created_by;
  bool revoked = false;
};
// One staff read of a person's record (append-only).
struct AccessLogRow {
  int64_t id = 0;
  std::string at;
  std::string actor;
  PersonId person;
  CaseId case_id;  // 0 when the read was not through a case
  std::string route;
  std::string request_id;
};
// The setting that sizes the access log's segment files (storage/sqlite/access_log_db.h):
// rows per segment, kAccessLogSegmentRowsMin to kAccessLogSegmentRowsMax.
inline constexpr const char* kAccessLogSegmentRowsKey = "access_log.segment_rows";
inline constexpr int64_t kAccessLogSegmentRowsDefault = 1'000'000;
inline constexpr int64_t kAccessLogSegmentRowsMin = 1'000;
inline constexpr int64_t kAccessLogSegmentRowsMax = 100'000'000;

// A case with the office whose caseload it is in (ListCasesInOffice).
struct CaseInOffice {
  Case info;
  std::string office;
};

// ---- Case search (src/http GET /v1/cases?q=; search_store.cc) ----
// A name to look for: the last name, and the first name unless `first` is empty. Each is
// compared whole, ignoring ASCII letter case (SQLite NOCASE: "ñ" and "Ñ" differ).
struct PersonNameQuery {
  std::string last;
  std::string first;
};
// A party of a found case whose name matched.
struct PartyNameMatch {
  PersonId person;
  std::string case_role;  // obligor | obligee | child
  std::string first_name;
  std::string last_name;
};
// A case found by a search, with its office and the parties whose name matched.
struct CaseSearchHit {
  CaseInOffice found;
  std::vector<PartyNameMatch> matched;  // obligor, obligee, then children by person id
};

// ---- Case notes (src/http, src/service/case_notes.h; migration 101) ----
// A staff member's note on a case (append-only). `at` is ISO 8601 UTC with microseconds.
struct CaseNote {
  int64_t id = 0;
  CaseId case_id;
  std::string author;
  std::string at;
  std::string text;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  // Safe to call when no transaction is open.
  virtual void Rollback() = 0;
  // Bulk-load mode, for writers that create a database from scratch and would simply run
  // again after a crash (the simulator): commits stop waiting for the disk, so a power loss
  // may lose the last transactions, but the database stays consistent. Turning it off makes
  // everything written so far durable and restores the normal, synced commits. Outside a
  // transaction only.
  virtual Status SetBulkLoad(bool on) = 0;

  // Settings (distribution options...). GetSetting answers nullopt when unset.
  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
  virtual Status SetSetting(std::string_view key, std::string_view value) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListSettings() = 0;
  // The settings among `keys` that are set, in one read (key order unspecified).
  virtual Result<std::vector<std::pair<std::string, std::string>>> GetSettings(
      const std::vector<std::string_view>& keys) = 0;

  // Persons. InsertPerson: already_exists "ssn_exists" when the SSN is on file.
  virtual Result<PersonId> InsertPerson(const Person& person) = 0;
  // not_found "person_not_found".
  virtual Result<Person> GetPerson(PersonId id) = 0;
  // Every person by id (audit replay); stops at the first non-OK status and returns it.
  virtual Status ScanPersons(const std::function<Status(const Person&)>& visit) = 0;
  // Records `ssn` on a person who has none (a confirmed new-hire review, src/iwo/review.h).
  // already_exists "ssn_in_use" when another person has it; failed_precondition
  // "ssn_already_on_file" when this person already has one; not_found "person_not_found".
  virtual Status SetPersonSsn(PersonId id, std::string_view ssn) = 0;

  // Cases. GetCase: not_found "case_not_found".
  virtual Result<CaseId> InsertCase(const Case& c) = 0;
  virtual Result<Case> GetCase(CaseId id) = 0;
  virtual Result<std::vector<Case>> ListCasesByObligor(PersonId obligor) = 0;
  // The persons among `persons` who are a party (obligor, obligee or child) to some case with
  // the family-violence indicator: their address is protected wherever they appear.
  virtual Result<std::vector<PersonId>> PartiesOfFamilyViolenceCases(
      std::span<const PersonId> persons) = 0;
  // Case ids in ascending order, at most `limit`, greater than `after`.
  virtual Result<std::vector<CaseId>> ListCaseIds(int64_t after, int64_t limit) = 0;
  virtual Status UpdateCaseType(CaseId id, CaseType type) = 0;
  // ---- Case closure (45 CFR 303.11; src/service/case_closure.h; migration 8;
  // sqlite/closure_store.cc). At most one row per case: its pending notice of intent to close
  // (closed_date unset) or its closure (closed_date set); none while the case is open with no
  // notice pending. The history of notices, cancellations and reopenings is in the audit
  // trail and the case events.
  struct CaseClosureRow {
    CaseId case_id;
    Date notice_date;
    std::string reason;  // a code of kCaseClosureReasons (service/case_closure.h)
    std::string note;    // may be empty
    std::optional<Date> closed_date;
  };
  // nullopt when the case has no row.
  virtual Result<std::optional<CaseClosureRow>> GetCaseClosure(CaseId id) = 0;
  // Every row, by case id (audit replay).
  virtual Result<std::vector<CaseClosureRow>> ListCaseClosures() = 0;
  // Inserts the case's row, or replaces it.
  virtual Status PutCaseClosure(const CaseClosureRow& row) = 0;
  // Removes the case's row; OK when it has none.
  virtual Status DeleteCaseClosure(CaseId id) = 0;
  virtual Status UpdateCaseStatus(CaseId id, CaseStatus status) = 0;

  // Orders. GetOrder: not_found "order_not_found".
  virtual Result<OrderId> InsertOrder(const Order& order) = 0;
  virtual Result<Order> GetOrder(OrderId id) = 0;
  virtual Result<std::vector<Order>> ListOrdersByCase(CaseId id) = 0;
  virtual Status SetOrderEnd(OrderId id, Date end_date) = 0;

  // Assistance episodes (URA and assignment).
  virtual Status InsertAssistance(const AssistanceEpisode& episode) = 0;
  virtual Result<std::vector<AssistanceEpisode>> ListAssistanceByCase(CaseId id) = 0;
  // Ends the case's open episode: failed_precondition "assistance_not_open" when none is open.
  virtual Status EndAssistance(CaseId id, Date end_date) = 0;

  // Employers (unique by FEIN) and employment records.
  virtual Result<EmployerId> UpsertEmployer(const Employer& employer) = 0;
  virtual Result<int64_t> InsertEmployment(const Employment& employment) = 0;
  virtual Result<std::vector<Employment>> ListEmploymentByPerson(PersonId id) = 0;
  // Every employer, by id.
  virtual Result<std::vector<Employer>> ListEmployers() = 0;
  // One employer. Errors: not_found "employer_not_found".
  virtual Result<Employer> GetEmployer(EmployerId id) = 0;
  // Every employment record, by id (audit replay).
  virtual Result<std::vector<Employment>> ListEmployments() = 0;
  // Sets employment `id`'s end date (inclusive: its last day, as ai::CurrentJob reads it); an
  // IWO ended for employment_ended ends its employment (iwo/iwo_terminate.h;
  // sqlite/employment_end_store.cc). Errors: not_found "employment_not_found".
  virtual Status SetEmploymentEnd(int64_t id, Date end_date) = 0;

  // Collections. InsertCollection: already_exists "key_exists" when the key is taken.
  virtual Result<CollectionId> InsertCollection(const StoredCollection& row) = 0;
  virtual Result<std::optional<StoredCollection>> FindCollectionByKey(std::string_view key) = 0;
  // Every collection of the obligor (reversed ones too), by (date, id).
  virtual Result<std::vector<StoredCollection>> ListCollectionsByObligor(PersonId obligor) = 0;
  // The same collections with only what the distribution runs on (id, case, obligor, amount,
  // date, source, reversal date; no key, no reversal reason, no stored distribution), by
  // (date, id). Cheaper: a store may answer it from an index alone.
  virtual Result<std::vector<Collection>> ListLedgerInputsByObligor(PersonId obligor) = 0;
  virtual Status UpdateDistribution(CollectionId id, const Distribution& d) = 0;
  // Appends a superseded distribution to the append-only history.
  virtual Status InsertDistributionHistory(CollectionId id, const Distribution& old,
                                           std::string_view at, std::string_view reason) = 0;
  virtual Status MarkReversed(CollectionId id, Date reversed_date, std::string_view reason) = 0;
  virtual Result<int64_t> CountCollections() = 0;

  // Every collection by id (reporting). Stops at the first non-OK status and returns it.
  virtual Status ScanCollections(const std::function<Status(const StoredCollection&)>& visit) = 0;

  // The distinct obligors of all cases, ascending.
  virtual Result<std::vector<PersonId>> ListObligorIds() = 0;
  // Everything the risk model reads about the obligors whose person ids lie in
  // [first, last], in one read per table (batch scoring; see ObligorRange).
  virtual Result<ObligorRange> LoadObligorRange(PersonId first, PersonId last) = 0;
  // What the ledger replays of one obligor besides the collections, in three reads: the
  // cases (with their children) by id, the orders (with their child terms) by (case, id),
  // the assistance episodes by (case, start, id).
  virtual Result<ObligorBooks> LoadObligorBooks(PersonId obligor) = 0;
  // For bulk posting, which needs them for thousands of cases and obligors at once: the cases
  // among `ids` that exist, by id, as GetCase reads each; and for exactly `obligors`, what
  // LoadObligorRange reads of cases, orders, episodes and collections, in the same orders
  // (jobs and events left empty). A few reads in all instead of several per obligor.
  virtual Result<std::vector<Case>> GetCases(std::span<const CaseId> ids) = 0;
  virtual Result<ObligorRange> LoadLedgerInputs(std::span<const PersonId> obligors) = 0;
  // Everything LoadObligorRange reads (jobs and events too), in the same orders, for exactly
  // `obligors` (ascending): the payment events of an import, whose obligors are a scattered
  // subset of all.
  virtual Result<ObligorRange> LoadObligorsListed(std::span<const PersonId> obligors) = 0;

  // Case history events (CaseEvent), by (date, id).
  virtual Result<int64_t> InsertCaseEvent(const CaseEvent& event) = 0;
  virtual Result<std::vector<CaseEvent>> ListCaseEventsByPerson(PersonId id) = 0;
  // County economy by month: Put replaces the (county, month) row.
  virtual Status PutCountyEconomy(const CountyEconomy& row) = 0;
  virtual Result<std::vector<CountyEconomy>> ListCountyEconomy() = 0;

  // Simulation runs (parameters as JSON) and ground truth; see TruthMonth.
  virtual Status InsertSimRun(std::string_view at, std::string_view params_json) = 0;
  virtual Result<std::optional<std::string>> LastSimRun() = 0;
  virtual Status InsertTruthMonth(const TruthMonth& row) = 0;
  virtual Status InsertTruthPerson(const TruthPerson& row) = 0;
  virtual Status ScanTruthMonths(const std::function<Status(const TruthMonth&)>& visit) = 0;
  virtual Result<std::vector<TruthPerson>> ListTruthPersons() = 0;

  // Risk model registry. InsertRiskModel: already_exists "unique_violation" on a version
  // taken. GetRiskModel: not_found "model_not_found". ActivateRiskModel makes exactly one
  // model active (not_found "model_not_found").
  virtual Status InsertRiskModel(const RiskModelRecord& model) = 0;
  virtual Result<RiskModelRecord> GetRiskModel(std::string_view version) = 0;
  virtual Result<std::optional<RiskModelRecord>> GetActiveRiskModel() = 0;
  // Every model, newest first, without the booster and calibrator bodies.
  virtual Result<std::vector<RiskModelRecord>> ListRiskModels() = 0;
  virtual Status ActivateRiskModel(std::string_view version) = 0;
  virtual Result<int64_t> InsertRiskScore(const RiskScoreRecord& score) = 0;
  // Scores of an obligor, newest as-of date first.
  virtual Result<std::vector<RiskScoreRecord>> ListRiskScores(PersonId obligor) = 0;

  // Audit trail (append-only; the adapter refuses updates and deletes).
  virtual Result<std::optional<AuditRow>> LastAudit() = 0;
  // The last row's sequence number and hash only: what appending the next row needs.
  struct AuditLink {
    int64_t seq = 0;
    std::string hash;
  };
  virtual Result<std::optional<AuditLink>> LastAuditLink() = 0;
  virtual Status InsertAudit(const AuditRow& row) = 0;
  // Calls `visit` on every row by seq; stops at the first non-OK status and returns it.
  virtual Status ScanAudit(const std::function<Status(const AuditRow&)>& visit) = 0;
  // The audit rows of one action (e.g. "enforce.score_override"), by sequence, through an
  // index: without reading the rest of the trail.
  virtual Status ScanAuditByAction(std::string_view action,
                                   const std::function<Status(const AuditRow&)>& visit) = 0;

  // A counter bumped by every transaction that changes ledger inputs. A bulk poster caching
  // ledgers across transactions drops its cache when the counter moved under it.
  virtual Result<int64_t> LedgerGeneration() = 0;
  virtual Status SetLedgerGeneration(int64_t value) = 0;

  // ---- Employer and federal interfaces (src/iwo; migrations 300-399; iwo_store.cc) ----
  // The person with this SSN, if any.
  virtual Result<std::optional<PersonId>> FindPersonIdBySsn(std::string_view ssn) = 0;
  // Persons with this date of birth whose last and first names equal `last` and `first`
  // ignoring ASCII case, by id.
  virtual Result<std::vector<PersonId>> FindPersonIdsByNameDob(std::string_view last,
                                                               std::string_view first,
                                                               Date dob) = 0;
  virtual Result<std::optional<EmployerId>> FindEmployerIdByFein(std::string_view fein) = 0;
  // Whether the case has an IWO with this employer in status pending, sent or accepted.
  virtual Result<bool> HasActiveIwo(CaseId case_id, EmployerId employer) = 0;
  // ---- Ending an IWO (src/iwo/iwo_terminate.h; migration 340; sqlite/iwo_end_store.cc).
  // HasActiveIwo above never counts a termination notice. ----
  struct IwoEnd {
    int64_t iwo_id = 0;
    Date end_date;
    std::string reason;  // employment_ended | order_ended | case_closed | obligor_request_court
                         // | other (iwo/iwo_terminate.h)
    std::string note;
  };
  // Marks an IWO in status pending, sent or accepted that is not a termination notice `ended`
  // with its end date, reason and note. failed_precondition "iwo_not_active" when it is not
  // such an IWO (nothing changed).
  virtual Status EndIwo(const IwoEnd& end) = 0;
  // The end of IWO `iwo_id`; nullopt when it has not ended (or does not exist).
  virtual Result<std::optional<IwoEnd>> GetIwoEnd(int64_t iwo_id) = 0;
  // Inserts a termination notice (`notice.kind` "termination") of IWO `terminates_iwo_id`;
  // answers its id. already_exists "unique_violation" when that IWO already has one.
  virtual Result<int64_t> InsertIwoTermination(const IwoRecord& notice,
                                               int64_t terminates_iwo_id) = 0;
  // The IWO a termination notice ends; nullopt when `notice_id` is not a termination notice.
  virtual Result<std::optional<int64_t>> FindIwoTerminated(int64_t notice_id) = 0;
  // ---- New-hire re-runs and IWO documents (src/iwo; migration 350; sqlite/iwo_hire_store.cc).
  // The termination notice of IWO `iwo_id`; nullopt when it has none.
  virtual Result<std::optional<int64_t>> FindIwoTerminationNotice(int64_t iwo_id) = 0;
  // Whether the case has an IWO, in any status (ended and rejected included; termination
  // notices never), with `employer` for an employment with it that started on `hire_date`.
  virtual Result<bool> HasIwoForHire(CaseId case_id, EmployerId employer, Date hire_date) = 0;
  // already_exists "unique_violation" when the case already has an active IWO with the employer.
  virtual Result<int64_t> InsertIwo(const IwoRecord& iwo) = 0;
  // IWOs with id > `after_id`, by id, at most `limit`; only `status` when it is not empty.
  virtual Result<std::vector<IwoRecord>> ListIwos(std::string_view status, int64_t after_id,
                                                  int64_t limit) = 0;
  virtual Result<int64_t> InsertNewHireReview(const NewHireReview& review) = 0;
  // Reviews with id > `after_id`, by id, at most `limit`; only `status` when not empty.
  virtual Result<std::vector<NewHireReview>> ListNewHireReviews(std::string_view status,
                                                                int64_t after_id,
                                                                int64_t limit) = 0;
  // ---- Staff identity and access (src/auth, src/http; migration 100) ----
  // InsertUser / InsertApiToken: already_exists "unique_violation" on a name taken.
  virtual Result<int64_t> InsertUser(const UserRecord& user) = 0;
  virtual Result<std::optional<UserRecord>> FindUserByName(std::string_view username) = 0;
  virtual Result<std::optional<UserRecord>> GetUser(int64_t id) = 0;
  virtual Status SetUserLoginState(int64_t id, int64_t failed_logins, int64_t locked_until_us) = 0;
  virtual Status InsertSession(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> FindSession(std::string_view token_hash) = 0;
  virtual Status TouchSession(std::string_view token_hash, int64_t last_seen_us) = 0;
  virtual Status DeleteSession(std::string_view token_hash) = 0;
  // Removes every session whose absolute expiry is before `now_us`.
  virtual Status DeleteExpiredSessions(int64_t now_us) = 0;
  // Rewrites user `user.id`'s role, office, password hash, sign-in state and disabled flag
  // (staff administration: disable, enable, reset). Errors: not_found "user_not_found".
  virtual Status UpdateUser(const UserRecord& user) = 0;
  // Ends every session of a user (disable, password reset).
  virtual Status DeleteSessionsOfUser(int64_t user_id) = 0;
  virtual Result<int64_t> InsertApiToken(const ApiTokenRecord& token) = 0;
  // Every API token, by id (hashes included; never the tokens, which are not stored).
  virtual Result<std::vector<ApiTokenRecord>> ListApiTokens() = 0;
  // Marks token `id` revoked. Errors: not_found "token_not_found".
  virtual Status RevokeApiToken(int64_t id) = 0;
  virtual Result<std::optional<ApiTokenRecord>> FindApiToken(std::string_view token_hash) = 0;
  virtual Status InsertAccessLog(const AccessLogRow& row) = 0;
  // Access log rows with id > `after_id`, by id, at most `limit`; `person` 0 = every person.
  virtual Result<std::vector<AccessLogRow>> ListAccessLog(PersonId person, int64_t after_id,
                                                          int64_t limit) = 0;
  // Case office: the assignment when one is recorded, else the case's county.
  // SetCaseOffice replaces the assignment; CaseOffice: not_found "case_not_found".
  virtual Status SetCaseOffice(CaseId id, std::string_view office) = 0;
  virtual Result<std::string> CaseOffice(CaseId id) = 0;
  // Every recorded assignment (case_assignment), by case id: cases without one are absent.
  virtual Result<std::vector<std::pair<CaseId, std::string>>> ListCaseAssignments() = 0;
  // Case ids > `after` whose office is `office` (every case when empty), ascending, at most
  // `limit`.
  virtual Result<std::vector<CaseId>> ListCaseIdsInOffice(std::string_view office, int64_t after,
                                                          int64_t limit) = 0;
  // The same page as ListCaseIdsInOffice, with each case (children included) and its office,
  // in one query: a caseload page.
  virtual Result<std::vector<CaseInOffice>> ListCasesInOffice(std::string_view office,
                                                              int64_t after, int64_t limit) = 0;
  // The cases with id > `after` in the caseload of `office` (every case when empty; the
  // office rule of ListCasesInOffice) that have a party (obligor, obligee or child) whose
  // name matches one of `names`, ascending by id, at most `limit`, each with its matching
  // parties. Reads persons through person_name_dob (migration 300) and cases through the
  // party indexes (iv_d_case_obligor, iv_d_case_obligee, case_child_child).
  virtual Result<std::vector<CaseSearchHit>> SearchCasesByName(
      std::span<const PersonNameQuery> names, std::string_view office, int64_t after,
      int64_t limit) = 0;
  // Audit rows with seq > `after_seq`, by seq, at most `limit`; `entity` and `entity_id`
  // filter when not empty.
  virtual Result<std::vector<AuditRow>> ListAuditAfter(int64_t after_seq, std::string_view entity,
                                                       std::string_view entity_id,
                                                       int64_t limit) = 0;
  // ---- Enforcement (src/enforce/, migrations 200-299; docs/ENFORCEMENT.md) ----
  // Actions. InsertEnforceAction: already_exists "unique_violation" when the key is taken.
  // GetEnforceAction: not_found "action_not_found". UpdateEnforceAction rewrites every field
  // but id and key (not_found "action_not_found" when the id is unknown).
  virtual Result<int64_t> InsertEnforceAction(const enforce::Action& action) = 0;
  virtual Result<enforce::Action> GetEnforceAction(int64_t id) = 0;
  virtual Result<std::optional<enforce::Action>> FindEnforceActionByKey(std::string_view key) = 0;
  virtual Status UpdateEnforceAction(const enforce::Action& action) = 0;
  // A case's or an obligor's actions by id.
  virtual Result<std::vector<enforce::Action>> ListEnforceActionsByCase(CaseId id) = 0;
  virtual Result<std::vector<enforce::Action>> ListEnforceActionsByObligor(PersonId id) = 0;
  // Every action by id; stops at the first non-OK status and returns it.
  virtual Status ScanEnforceActions(const std::function<Status(const enforce::Action&)>& v) = 0;
  // Staff users and their roles. GetStaffUser answers nullopt for an unknown user.
  virtual Status UpsertStaffUser(const enforce::StaffUser& user) = 0;
  virtual Result<std::optional<enforce::StaffUser>> GetStaffUser(std::string_view user_id) = 0;
  virtual Result<std::vector<enforce::StaffUser>> ListStaffUsers() = 0;
  // Tasks (the caseworkers' queue). InsertEnforceTask: already_exists "unique_violation" when
  // the key is taken. UpdateEnforceTask rewrites every field but id and key.
  virtual Result<int64_t> InsertEnforceTask(const enforce::Task& task) = 0;
  virtual Result<std::optional<enforce::Task>> FindEnforceTaskByKey(std::string_view key) = 0;
  virtual Status UpdateEnforceTask(const enforce::Task& task) = 0;
  // Open tasks, of one worker (or all when `worker` is empty), by id.
  virtual Result<std::vector<enforce::Task>> ListOpenEnforceTasks(std::string_view worker) = 0;
  virtual Result<std::vector<enforce::Task>> ListEnforceTasksByObligor(PersonId id) = 0;
  // Batch runs by (job, as-of date); LastBatchRun: the latest date of the job.
  virtual Result<std::optional<enforce::BatchRun>> GetBatchRun(std::string_view job,
                                                               Date as_of) = 0;
  virtual Result<std::optional<enforce::BatchRun>> LastBatchRun(std::string_view job) = 0;
  virtual Status PutBatchRun(const enforce::BatchRun& run) = 0;
  // The nightly batch's memory of each obligor.
  virtual Result<std::optional<enforce::ObligorState>> GetObligorState(PersonId id) = 0;
  virtual Status PutObligorState(const enforce::ObligorState& state) = 0;
  // The states, tasks and actions of the obligors with ids in [first, last], one read per
  // table (the nightly batch's readers; enforce::EnforceRange says the order).
  virtual Result<enforce::EnforceRange> LoadEnforceRange(PersonId first, PersonId last) = 0;

  // ---- Contact history (src/enforce/workflow.h; migration 203; contact_store.cc) ----
  // InsertContactAttempt: the new id. ListContactAttempts: by date, then id.
  // TallyContactAttempts: per channel, the attempts dated on or before `through` and how many
  // reached the person (the population's reach rates).
  virtual Result<int64_t> InsertContactAttempt(const enforce::ContactAttempt& attempt) = 0;
  virtual Result<std::vector<enforce::ContactAttempt>> ListContactAttempts(PersonId person) = 0;
  virtual Result<std::vector<enforce::ChannelTally>> TallyContactAttempts(Date through) = 0;

  // ---- Employer remittances and e-IWO (src/iwo; migrations 310-399; iwo2_store.cc) ----
  // InsertUnidentifiedPayment: already_exists "unique_violation" when the key is taken.
  virtual Result<int64_t> InsertUnidentifiedPayment(const UnidentifiedPayment& row) = 0;
  virtual Result<std::optional<UnidentifiedPayment>> FindUnidentifiedPaymentByKey(
      std::string_view key) = 0;
  // Rows with id > `after_id`, by id, at most `limit`; only `status` when it is not empty.
  virtual Result<std::vector<UnidentifiedPayment>> ListUnidentifiedPayments(std::string_view status,
                                                                            int64_t after_id,
                                                                            int64_t limit) = 0;

  // ---- e-IWO files out, acknowledgments in (src/iwo; migrations 320-329; eiwo_store.cc) ----
  // Moves the control number sequence forward by `count` (>= 1) and answers the first value
  // handed out; the sequence never moves back (a trigger refuses it).
  virtual Result<int64_t> AdvanceEiwoSequence(int64_t count) = 0;
  // already_exists "unique_violation" when the number (or its sequence value) was ever issued.
  virtual Status InsertEiwoControlNumber(const EiwoControlNumber& row) = 0;
  // Closes a reserved number as `used` or `void` with its details count, path and note.
  // failed_precondition "control_not_reserved" when it is not reserved (used and void are final).
  virtual Status CloseEiwoControlNumber(std::string_view control_number, std::string_view status,
                                        int64_t details, std::string_view path,
                                        std::string_view closed_at, std::string_view note) = 0;
  // Numbers with seq > `after_seq`, by seq, at most `limit`; only `status` when not empty.
  virtual Result<std::vector<EiwoControlNumber>> ListEiwoControlNumbers(std::string_view status,
                                                                        int64_t after_seq,
                                                                        int64_t limit) = 0;
  // Marks a pending IWO sent on `sent_date` under the control numbers. failed_precondition
  // "iwo_not_pending" when it is not pending (another export sent it first).
  virtual Status MarkIwoSent(int64_t iwo_id, Date sent_date, std::string_view control_number,
                             std::string_view file_control_number) = 0;
  // The IWOs sent under a batch control number, by id.
  virtual Result<std::vector<IwoRecord>> ListIwosByControl(std::string_view control_number) = 0;
  // The case's withholding orders still in place (pending, sent or accepted; termination
  // notices excluded), by id.
  virtual Result<std::vector<IwoRecord>> ListActiveIwosByCase(CaseId case_id) = 0;
  // Records the employer's acknowledgment: `status` accepted or rejected, with the reason of
  // a rejection. failed_precondition "iwo_not_sent" unless the IWO is sent, accepted or
  // rejected.
  virtual Status SetIwoAcknowledgment(int64_t iwo_id, std::string_view status, Date ack_date,
                                      std::string_view reason_code, std::string_view reason) = 0;
  // ---- Payments in: resolving held payments, new-hire review decisions (src/iwo;
  // migrations 330-339; payments_in_store.cc) ----
  // GetUnidentifiedPayment: not_found "unidentified_not_found".
  virtual Result<UnidentifiedPayment> GetUnidentifiedPayment(int64_t id) = 0;
  // The resolution of a resolved payment; nullopt while it is held (or unknown).
  virtual Result<std::optional<UnidentifiedResolution>> GetUnidentifiedResolution(
      int64_t payment_id) = 0;
  // Marks a held payment resolved. failed_precondition "already_resolved" when it is not
  // held (nothing changed); not_found "unidentified_not_found".
  virtual Status ResolveUnidentifiedPayment(const UnidentifiedResolution& resolution) = 0;
  // GetNewHireReview: not_found "review_not_found". GetEmployerFein: not_found
  // "employer_not_found".
  virtual Result<NewHireReview> GetNewHireReview(int64_t id) = 0;
  virtual Result<std::string> GetEmployerFein(EmployerId id) = 0;
  // Records the decision on an open review. failed_precondition "review_already_decided" when
  // it is not open (nothing changed); not_found "review_not_found".
  virtual Status DecideNewHireReview(const NewHireReviewDecision& decision) = 0;
  // ---- Case notes (src/http, src/service/case_notes.h; migration 101; notes_store.cc) ----
  virtual Result<int64_t> InsertCaseNote(const CaseNote& note) = 0;
  // The notes of `case_id`, newest first, with id < `before_id` (0 = from the newest), at
  // most `limit`.
  virtual Result<std::vector<CaseNote>> ListCaseNotes(CaseId case_id, int64_t before_id,
                                                      int64_t limit) = 0;
  // ---- Who may write notes and contacts, case offices (src/auth; notes_store2.cc) ----
  // The cases where `person` is the obligor, the obligee or a child, ascending by id.
  virtual Result<std::vector<CaseId>> ListCaseIdsOfParty(PersonId person) = 0;
  // The office names in use (users' offices, case counties, case assignments; not empty)
  // equal to `office` ignoring ASCII letter case (SQLite NOCASE), each once, sorted.
  virtual Result<std::vector<std::string>> FindOfficeSpellings(std::string_view office) = 0;
  // ---- Posting speed (src/service/bulk_poster.cc; sqlite_store.cc) ----
  // Begin() for a writer that has itself read every row its inserts refer to (BulkPoster reads
  // the case, and takes the obligor from it): when no transaction is open, the transaction runs
  // without the per-row foreign-key probes, and its Commit or Rollback turns them back on.
  // Answers whether the probes are off: false inside an open transaction, where they cannot
  // change and stay on. Nothing deletes a person or a case, so a row once read stays there.
  virtual Result<bool> BeginWithoutForeignKeyChecks() = 0;
};

}  // namespace cse
