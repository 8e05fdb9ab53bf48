// File: storage/sqlite/sqlite_store.h
//
// The SQLite adapter (the only folder that includes <sqlite3.h>). Opens or creates a database
// file (or ":memory:"), runs the versioned migrations, and implements Store with cached
// prepared statements. Settings: WAL journal, synchronous=FULL (a committed posting survives
// power loss), foreign keys on, busy timeout 5 s. Audit rows are append-only by trigger.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/sqlite/access_log_db.h"
#include "storage/store.h"

struct sqlite3;

namespace cse {

struct LedgerTablesSql;  // sqlite_store.cc

class SqliteStore final : public Store {
 public:
  // Opens `path`, creating it when `create` is kCreate. Errors: not_found "db_not_found"
  // (kMustExist and missing), unavailable "store_io", failed_precondition
  // "schema_too_new" (a newer OpenCSE wrote it).
  enum class OpenMode { kCreate, kMustExist };
  // The page size of a database file created from now on (an existing file keeps its own;
  // those created before 2026-12-03 have 4096). Against 4 KiB, 16 KiB pages cut the time of
  // inserting into the covering obligor index of `collection` by about a quarter and of a bulk
  // posting by about a tenth; larger pages slow the simulator's scattered small writes
  // (docs/ARCHITECTURE.md §8.1, "16 KiB pages").
  static constexpr int64_t kPageSizeBytes = 16384;
  // The write-ahead log is copied into the database file inside the commit that takes it
  // past this size (converted to pages of the file's size); 4 times that in bulk-load mode.
  static constexpr int64_t kCheckpointBytes = int64_t{64} << 20;
  static constexpr int64_t kBulkCheckpointBytes = 4 * kCheckpointBytes;
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, OpenMode mode);
  // Each call opens another connection to the existing file `path` (Open, kMustExist): the
  // reading connections of BulkPoster::UseReader and NightlyOptions::open_reader.
  static std::function<Result<std::unique_ptr<Store>>()> ConnectionOpener(std::string path);
  ~SqliteStore() override;

  // Highest migration applied.
  int schema_version() const { return schema_version_; }

  Status Begin() override;
  Status Commit() override;
  void Rollback() override;
  Status SetBulkLoad(bool on) override;
  Result<bool> BeginWithoutForeignKeyChecks() override;
  // A read snapshot for a run of reads (one API request): they all see the database as of
  // one moment (that of the first read), in one read transaction instead of one per
  // statement (each of which takes the log's read lock and, when another connection committed
  // since the last one, drops this connection's page cache). Writes never run on the
  // snapshot: Begin(), Exec and any prepared statement that is not read-only end it first, so
  // a writing caller behaves exactly as without it. REQUIRES: no transaction open. Errors:
  // unavailable "store_io".
  Status BeginSnapshot();
  // Ends the snapshot if one is open (nothing to undo: it only read).
  void EndSnapshot();
  // Checkpoint the write-ahead log automatically inside the commit that takes it past `pages`
  // pages (0: never; WalCheckpointer then does it). Default: kCheckpointBytes in pages. Errors:
  // invalid_argument "autocheckpoint_negative", unavailable "store_io".
  Status SetAutoCheckpoint(int64_t pages);
  // Copies what it can of the write-ahead log into the database file without waiting for
  // readers or writers (PRAGMA wal_checkpoint(PASSIVE)). Errors: aborted "store_busy" (another
  // checkpoint is running), unavailable "store_io". The access log's file too (AccessLog).
  Status CheckpointPassive();
  // The access log's own file (storage/sqlite/access_log_db.h), opened on first use; the
  // store's InsertAccessLog and ListAccessLog go there. Errors: AccessLogDb::Open's.
  Result<AccessLogDb*> AccessLog();

  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status SetSetting(std::string_view key, std::string_view value) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListSettings() override;
  Result<std::vector<std::pair<std::string, std::string>>> GetSettings(
      const std::vector<std::string_view>& keys) override;

  Result<PersonId> InsertPerson(const Person& person) override;
  Result<Person> GetPerson(PersonId id) override;
  Status ScanPersons(const std::function<Status(const Person&)>& visit) override;
  Status SetPersonSsn(PersonId id, std::string_view ssn) override;  // payments_in_store.cc

  Result<CaseId> InsertCase(const Case& c) override;
  Result<Case> GetCase(CaseId id) override;
  Result<std::vector<Case>> ListCasesByObligor(PersonId obligor) override;
  Result<std::vector<PersonId>> PartiesOfFamilyViolenceCases(
      std::span<const PersonId> persons) override;
  Result<std::vector<CaseId>> ListCaseIds(int64_t after, int64_t limit) override;
  Status UpdateCaseType(CaseId id, CaseType type) override;
  // Case closure (closure_store.cc).
  Result<std::optional<CaseClosureRow>> GetCaseClosure(CaseId id) override;
  Result<std::vector<CaseClosureRow>> ListCaseClosures() override;
  Status PutCaseClosure(const CaseClosureRow& row) override;
  Status DeleteCaseClosure(CaseId id) override;
  Status UpdateCaseStatus(CaseId id, CaseStatus status) override;

  Result<OrderId> InsertOrder(const Order& order) override;
  Result<Order> GetOrder(OrderId id) override;
  Result<std::vector<Order>> ListOrdersByCase(CaseId id) override;
  Status SetOrderEnd(OrderId id, Date end_date) override;

  Status InsertAssistance(const AssistanceEpisode& episode) override;
  Result<std::vector<AssistanceEpisode>> ListAssistanceByCase(CaseId id) override;
  Status EndAssistance(CaseId id, Date end_date) override;

  Result<EmployerId> UpsertEmployer(const Employer& employer) override;
  Result<Employer> GetEmployer(EmployerId id) override;
  Result<int64_t> InsertEmployment(const Employment& employment) override;
  Result<std::vector<Employment>> ListEmploymentByPerson(PersonId id) override;
  Result<std::vector<Employer>> ListEmployers() override;
  Result<std::vector<Employment>> ListEmployments() override;
  Status SetEmploymentEnd(int64_t id, Date end_date) override;  // employment_end_store.cc

  Result<CollectionId> InsertCollection(const StoredCollection& row) override;
  Result<std::optional<StoredCollection>> FindCollectionByKey(std::string_view key) override;
  Result<std::vector<StoredCollection>> ListCollectionsByObligor(PersonId obligor) override;
  Result<std::vector<Collection>> ListLedgerInputsByObligor(PersonId obligor) override;
  Status UpdateDistribution(CollectionId id, const Distribution& d) override;
  Status InsertDistributionHistory(CollectionId id, const Distribution& old, std::string_view at,
                                   std::string_view reason) override;
  Status MarkReversed(CollectionId id, Date reversed_date, std::string_view reason) override;
  Result<int64_t> CountCollections() override;

  Result<std::optional<AuditRow>> LastAudit() override;
  Result<std::optional<AuditLink>> LastAuditLink() override;
  Status InsertAudit(const AuditRow& row) override;
  Status ScanAudit(const std::function<Status(const AuditRow&)>& visit) override;
  Status ScanAuditByAction(std::string_view action,
                           const std::function<Status(const AuditRow&)>& visit) override;
  Status ScanCollections(const std::function<Status(const StoredCollection&)>& visit) override;
  Result<int64_t> InsertCaseEvent(const CaseEvent& event) override;
  Result<std::vector<CaseEvent>> ListCaseEventsByPerson(PersonId id) override;
  Result<std::vector<PersonId>> ListObligorIds() override;
  Result<ObligorRange> LoadObligorRange(PersonId first, PersonId last) override;
  Result<ObligorBooks> LoadObligorBooks(PersonId obligor) override;
  Result<std::vector<Case>> GetCases(std::span<const CaseId> ids) override;
  Result<ObligorRange> LoadLedgerInputs(std::span<const PersonId> obligors) override;
  Result<ObligorRange> LoadObligorsListed(std::span<const PersonId> obligors) override;
  Status PutCountyEconomy(const CountyEconomy& row) override;
  Result<std::vector<CountyEconomy>> ListCountyEconomy() override;
  Status InsertSimRun(std::string_view at, std::string_view params_json) override;
  Result<std::optional<std::string>> LastSimRun() override;
  Status InsertTruthMonth(const TruthMonth& row) override;
  Status InsertTruthPerson(const TruthPerson& row) override;
  Status ScanTruthMonths(const std::function<Status(const TruthMonth&)>& visit) override;
  Result<std::vector<TruthPerson>> ListTruthPersons() override;
  Status InsertRiskModel(const RiskModelRecord& model) override;
  Result<RiskModelRecord> GetRiskModel(std::string_view version) override;
  Result<std::optional<RiskModelRecord>> GetActiveRiskModel() override;
  Result<std::vector<RiskModelRecord>> ListRiskModels() override;
  Status ActivateRiskModel(std::string_view version) override;
  Result<int64_t> InsertRiskScore(const RiskScoreRecord& score) override;
  Result<std::vector<RiskScoreRecord>> ListRiskScores(PersonId obligor) override;

  Result<int64_t> LedgerGeneration() override;
  Status SetLedgerGeneration(int64_t value) override;

  // Employer and federal interfaces (iwo_store.cc).
  Result<std::optional<PersonId>> FindPersonIdBySsn(std::string_view ssn) override;
  Result<std::vector<PersonId>> FindPersonIdsByNameDob(std::string_view last,
                                                       std::string_view first, Date dob) override;
  Result<std::optional<EmployerId>> FindEmployerIdByFein(std::string_view fein) override;
  Result<bool> HasActiveIwo(CaseId case_id, EmployerId employer) override;
  // Ending an IWO (iwo_end_store.cc; migration 340).
  Status EndIwo(const IwoEnd& end) override;
  Result<std::optional<IwoEnd>> GetIwoEnd(int64_t iwo_id) override;
  Result<int64_t> InsertIwoTermination(const IwoRecord& notice, int64_t terminates_iwo_id) override;
  Result<std::optional<int64_t>> FindIwoTerminated(int64_t notice_id) override;
  // New-hire re-runs and IWO documents (iwo_hire_store.cc).
  Result<std::optional<int64_t>> FindIwoTerminationNotice(int64_t iwo_id) override;
  Result<bool> HasIwoForHire(CaseId case_id, EmployerId employer, Date hire_date) override;
  Result<int64_t> InsertIwo(const IwoRecord& iwo) override;
  Result<std::vector<IwoRecord>> ListIwos(std::string_view status, int64_t after_id,
                                          int64_t limit) override;
  Result<int64_t> InsertNewHireReview(const NewHireReview& review) override;
  Result<std::vector<NewHireReview>> ListNewHireReviews(std::string_view status, int64_t after_id,
                                                        int64_t limit) override;
  // Staff identity and access (auth_store.cc).
  Result<int64_t> InsertUser(const UserRecord& user) override;
  Result<std::optional<UserRecord>> FindUserByName(std::string_view username) override;
  Result<std::optional<UserRecord>> GetUser(int64_t id) override;
  Status SetUserLoginState(int64_t id, int64_t failed_logins, int64_t locked_until_us) override;
  Status InsertSession(const SessionRecord& session) override;
  Result<std::optional<SessionRecord>> FindSession(std::string_view token_hash) override;
  Status TouchSession(std::string_view token_hash, int64_t last_seen_us) override;
  Status DeleteSession(std::string_view token_hash) override;
  Status DeleteExpiredSessions(int64_t now_us) override;
  Status UpdateUser(const UserRecord& user) override;
  Status DeleteSessionsOfUser(int64_t user_id) override;
  Result<int64_t> InsertApiToken(const ApiTokenRecord& token) override;
  Result<std::vector<ApiTokenRecord>> ListApiTokens() override;
  Status RevokeApiToken(int64_t id) override;
  Result<std::optional<ApiTokenRecord>> FindApiToken(std::string_view token_hash) override;
  Result<int64_t> InsertCaseNote(const CaseNote& note) override;
  Result<std::vector<CaseNote>> ListCaseNotes(CaseId case_id, int64_t before_id,
                                              int64_t limit) override;
  // Note and contact writers' caseload, case offices (notes_store2.cc).
  Result<std::vector<CaseId>> ListCaseIdsOfParty(PersonId person) override;
  Result<std::vector<std::string>> FindOfficeSpellings(std::string_view office) override;
  Status InsertAccessLog(const AccessLogRow& row) override;
  Result<std::vector<AccessLogRow>> ListAccessLog(PersonId person, int64_t after_id,
                                                  int64_t limit) override;
  Status SetCaseOffice(CaseId id, std::string_view office) override;
  Result<std::string> CaseOffice(CaseId id) override;
  Result<std::vector<std::pair<CaseId, std::string>>> ListCaseAssignments() override;
  Result<std::vector<CaseId>> ListCaseIdsInOffice(std::string_view office, int64_t after,
                                                  int64_t limit) override;
  Result<std::vector<CaseInOffice>> ListCasesInOffice(std::string_view office, int64_t after,
                                                      int64_t limit) override;
  Result<std::vector<AuditRow>> ListAuditAfter(int64_t after_seq, std::string_view entity,
                                               std::string_view entity_id, int64_t limit) override;
  // Case search (search_store.cc).
  Result<std::vector<CaseSearchHit>> SearchCasesByName(std::span<const PersonNameQuery> names,
                                                       std::string_view office, int64_t after,
                                                       int64_t limit) override;
  // ---- Enforcement (enforce_store.cc) ----
  Result<int64_t> InsertEnforceAction(const enforce::Action& action) override;
  Result<enforce::Action> GetEnforceAction(int64_t id) override;
  Result<std::optional<enforce::Action>> FindEnforceActionByKey(std::string_view key) override;
  Status UpdateEnforceAction(const enforce::Action& action) override;
  Result<std::vector<enforce::Action>> ListEnforceActionsByCase(CaseId id) override;
  Result<std::vector<enforce::Action>> ListEnforceActionsByObligor(PersonId id) override;
  Status ScanEnforceActions(const std::function<Status(const enforce::Action&)>& v) override;
  Status UpsertStaffUser(const enforce::StaffUser& user) override;
  Result<std::optional<enforce::StaffUser>> GetStaffUser(std::string_view user_id) override;
  Result<std::vector<enforce::StaffUser>> ListStaffUsers() override;
  Result<int64_t> InsertEnforceTask(const enforce::Task& task) override;
  Result<std::optional<enforce::Task>> FindEnforceTaskByKey(std::string_view key) override;
  Status UpdateEnforceTask(const enforce::Task& task) override;
  Result<std::vector<enforce::Task>> ListOpenEnforceTasks(std::string_view worker) override;
  Result<std::vector<enforce::Task>> ListEnforceTasksByObligor(PersonId id) override;
  Result<std::optional<enforce::BatchRun>> GetBatchRun(std::string_view job, Date as_of) override;
  Result<std::optional<enforce::BatchRun>> LastBatchRun(std::string_view job) override;
  Status PutBatchRun(const enforce::BatchRun& run) override;
  Result<std::optional<enforce::ObligorState>> GetObligorState(PersonId id) override;
  Result<enforce::EnforceRange> LoadEnforceRange(PersonId first, PersonId last) override;
  Result<int64_t> InsertContactAttempt(const enforce::ContactAttempt& attempt) override;
  Result<std::vector<enforce::ContactAttempt>> ListContactAttempts(PersonId person) override;
  Result<std::vector<enforce::ChannelTally>> TallyContactAttempts(Date through) override;
  Status PutObligorState(const enforce::ObligorState& state) override;
  // Employer remittances and e-IWO (iwo2_store.cc).
  Result<int64_t> InsertUnidentifiedPayment(const UnidentifiedPayment& row) override;
  Result<std::optional<UnidentifiedPayment>> FindUnidentifiedPaymentByKey(
      std::string_view key) override;
  Result<std::vector<UnidentifiedPayment>> ListUnidentifiedPayments(std::string_view status,
                                                                    int64_t after_id,
                                                                    int64_t limit) override;
  // e-IWO files out, acknowledgments in (eiwo_store.cc).
  Result<int64_t> AdvanceEiwoSequence(int64_t count) override;
  Status InsertEiwoControlNumber(const EiwoControlNumber& row) override;
  Status CloseEiwoControlNumber(std::string_view control_number, std::string_view status,
                                int64_t details, std::string_view path, std::string_view closed_at,
                                std::string_view note) override;
  Result<std::vector<EiwoControlNumber>> ListEiwoControlNumbers(std::string_view status,
                                                                int64_t after_seq,
                                                                int64_t limit) override;
  Status MarkIwoSent(int64_t iwo_id, Date sent_date, std::string_view control_number,
                     std::string_view file_control_number) override;
  Result<std::vector<IwoRecord>> ListIwosByControl(std::string_view control_number) override;
  Result<std::vector<IwoRecord>> ListActiveIwosByCase(CaseId case_id) override;
  Status SetIwoAcknowledgment(int64_t iwo_id, std::string_view status, Date ack_date,
                              std::string_view reason_code, std::string_view reason) override;
  // Payments in: resolving held payments, review decisions (payments_in_store.cc).
  Result<UnidentifiedPayment> GetUnidentifiedPayment(int64_t id) override;
  Result<std::optional<UnidentifiedResolution>> GetUnidentifiedResolution(
      int64_t payment_id) override;
  Status ResolveUnidentifiedPayment(const UnidentifiedResolution& resolution) override;
  Result<NewHireReview> GetNewHireReview(int64_t id) override;
  Result<std::string> GetEmployerFein(EmployerId id) override;
  Status DecideNewHireReview(const NewHireReviewDecision& decision) override;

  // Runs raw SQL (tests and tools only: e.g. to prove tampering is detected).
  Status ExecForTesting(std::string_view sql);
  // The integer a PRAGMA answers on this connection, e.g. "page_size" (tests only).
  Result<int64_t> PragmaForTesting(std::string_view name);

  class Stmt;

 private:
  // `select(sql)`: the statement for one of `sql`'s, prepared and bound.
  template <typename Select>
  Status LoadLedgerTables(const LedgerTablesSql& sql, const Select& select, ObligorRange& r);
  template <typename Select>
  Status LoadPersonTables(const LedgerTablesSql& sql, const Select& select, ObligorRange& r);
  SqliteStore(sqlite3* db, std::string path);
  Status Migrate();
  // Before migration 103 drops the main file's access_log: copies its rows (ids kept) into
  // the access log's own file, committed there first, so a crash in between loses nothing
  // and a second run adds nothing (INSERT OR IGNORE by id).
  Status MoveAccessLogOut();
  // A cached prepared statement. REQUIRES: `sql` outlives the store (a literal or a static
  // string): the cache is keyed by the pointer.
  Stmt& Prepare(const char* sql);
  // Runs `sql` on a statement of its own (not the cache: `row` may use the cached ones, as a
  // Scan* visitor does) and calls `row` for each result row in turn.
  Status ScanRows(const char* sql, const std::function<Status(Stmt&)>& row);
  Status Exec(std::string_view sql);
  Status RestoreForeignKeys();
  Result<Case> ReadCase(Stmt& s);
  // ReadCase, then the children from column 8 (kCaseWithChildren's columns).
  Result<Case> ReadCaseWithChildren(Stmt& s);
  // Contact attempts of persons with ids in [first, last] (contact_store.cc).
  Result<std::vector<enforce::ContactAttempt>> LoadContactRange(PersonId first, PersonId last);

  sqlite3* db_;
  std::string path_;                         // as opened (":memory:" for an in-memory store)
  std::unique_ptr<AccessLogDb> access_log_;  // opened by AccessLog()
  std::unordered_map<const char*, std::unique_ptr<Stmt>> statements_;  // by SQL text pointer
  int schema_version_ = 0;
  int depth_ = 0;          // open transaction (1) and savepoints inside it (>1)
  bool snapshot_ = false;  // a BeginSnapshot read transaction is open (then depth_ == 0)
  // The open transaction runs with foreign_keys=OFF (BeginWithoutForeignKeyChecks); ending it
  // turns them back on.
  bool foreign_keys_off_ = false;
};

// For bench/post_payments: reads every row of the collection table of the store at
// `source_path` into memory (untimed), then inserts exactly those rows, column for column,
// into a table in a fresh file at `raw_path` (same columns, no foreign keys, no CHECK; same
// file settings as SqliteStore), committing every `batch` rows, and times the inserts. The
// table (raw_collection) stays in that file.
// kBare: no index at all (the benchmark's raw rate). kCollectionIndexes: the key's UNIQUE
// index and every index `collection` has in the source (its CREATE INDEX statements, so the
// obligor index follows the migrations): what the schema alone costs, with no checks,
// distribution or audit.
enum class RawTable { kBare, kCollectionIndexes };
// The CREATE INDEX statements of the `collection` table of the store at `source_path`, made to
// create the same indexes on raw_collection. The key's UNIQUE index has no statement (SQLite
// makes it from the column's constraint), so kCollectionIndexes declares it on the column.
Result<std::vector<std::string>> CollectionIndexStatements(const std::string& source_path);
struct RawInsertTiming {
  int64_t rows = 0;
  double seconds = 0;
};
Result<RawInsertTiming> TimeRawCollectionInserts(const std::string& source_path,
                                                 const std::string& raw_path, int64_t batch,
                                                 RawTable table = RawTable::kBare);

}  // namespace cse
