// File: tests/testing/fault_store.h
//
// A Store decorator that injects failures (LevelDB's fault-injection Env, for our store):
// it forwards every call to a real store, and can make the Nth commit fail either before it
// happens (the transaction is rolled back) or after it happened (the caller hears an error
// although the data is durable — the case a client retry must survive), or make one
// InsertCollection fail (a store error in the middle of a batch's inserts).
#pragma once

#include "storage/store.h"

namespace cse::testing {

class FaultStore final : public Store {
 public:
  enum class Fault { kNone, kFailBeforeCommit, kFailAfterCommit };
  explicit FaultStore(Store& inner) : inner_(inner) {}

  // The next commit fails as `fault`; later ones succeed.
  void FailNextCommit(Fault fault) { fault_ = fault; }
  // After `successes` more collection inserts succeed, the next one fails; later ones succeed.
  void FailCollectionInsertAfter(int successes) { insert_fault_in_ = successes; }
  int faults_injected() const { return injected_; }

  Status Begin() override { return inner_.Begin(); }
  Status SetBulkLoad(bool on) override { return inner_.SetBulkLoad(on); }
  Result<bool> BeginWithoutForeignKeyChecks() override {
    return inner_.BeginWithoutForeignKeyChecks();
  }
  Status Commit() override {
    const Fault f = fault_;
    fault_ = Fault::kNone;
    if (f == Fault::kFailBeforeCommit) {
      ++injected_;
      inner_.Rollback();
      return Unavailable("store_io", "injected: disk full before commit");
    }
    RETURN_IF_ERROR(inner_.Commit());
    if (f == Fault::kFailAfterCommit) {
      ++injected_;
      return Unavailable("store_io", "injected: connection lost after commit");
    }
    return Status::Ok();
  }
  void Rollback() override { inner_.Rollback(); }

  Status ScanCollections(const std::function<Status(const StoredCollection&)>& v) override {
    return inner_.ScanCollections(v);
  }
  Result<int64_t> InsertCaseEvent(const CaseEvent& e) override { return inner_.InsertCaseEvent(e); }
  Result<std::vector<Employer>> ListEmployers() override { return inner_.ListEmployers(); }
  Result<Employer> GetEmployer(EmployerId id) override { return inner_.GetEmployer(id); }
  Status InsertRiskModel(const RiskModelRecord& m) override { return inner_.InsertRiskModel(m); }
  Result<RiskModelRecord> GetRiskModel(std::string_view v) override {
    return inner_.GetRiskModel(v);
  }
  Result<std::optional<RiskModelRecord>> GetActiveRiskModel() override {
    return inner_.GetActiveRiskModel();
  }
  Result<std::vector<RiskModelRecord>> ListRiskModels() override { return inner_.ListRiskModels(); }
  Status ActivateRiskModel(std::string_view v) override { return inner_.ActivateRiskModel(v); }
  Result<int64_t> InsertRiskScore(const RiskScoreRecord& r) override {
    return inner_.InsertRiskScore(r);
  }
  Result<std::vector<RiskScoreRecord>> ListRiskScores(PersonId o) override {
    return inner_.ListRiskScores(o);
  }
  Result<std::vector<CaseEvent>> ListCaseEventsByPerson(PersonId id) override {
    return inner_.ListCaseEventsByPerson(id);
  }
  Result<std::vector<PersonId>> ListObligorIds() override { return inner_.ListObligorIds(); }
  Result<ObligorRange> LoadObligorRange(PersonId first, PersonId last) override {
    return inner_.LoadObligorRange(first, last);
  }
  Result<std::vector<Case>> GetCases(std::span<const CaseId> ids) override {
    return inner_.GetCases(ids);
  }
  Result<ObligorRange> LoadLedgerInputs(std::span<const PersonId> obligors) override {
    return inner_.LoadLedgerInputs(obligors);
  }
  Result<ObligorRange> LoadObligorsListed(std::span<const PersonId> obligors) override {
    return inner_.LoadObligorsListed(obligors);
  }
  Result<ObligorBooks> LoadObligorBooks(PersonId obligor) override {
    return inner_.LoadObligorBooks(obligor);
  }
  Status PutCountyEconomy(const CountyEconomy& r) override { return inner_.PutCountyEconomy(r); }
  Result<std::vector<CountyEconomy>> ListCountyEconomy() override {
    return inner_.ListCountyEconomy();
  }
  Status InsertSimRun(std::string_view at, std::string_view p) override {
    return inner_.InsertSimRun(at, p);
  }
  Result<std::optional<std::string>> LastSimRun() override { return inner_.LastSimRun(); }
  Status InsertTruthMonth(const TruthMonth& r) override { return inner_.InsertTruthMonth(r); }
  Status InsertTruthPerson(const TruthPerson& r) override { return inner_.InsertTruthPerson(r); }
  Status ScanTruthMonths(const std::function<Status(const TruthMonth&)>& v) override {
    return inner_.ScanTruthMonths(v);
  }
  Result<std::vector<TruthPerson>> ListTruthPersons() override { return inner_.ListTruthPersons(); }

  Result<std::optional<std::string>> GetSetting(std::string_view k) override {
    return inner_.GetSetting(k);
  }
  Status SetSetting(std::string_view k, std::string_view v) override {
    return inner_.SetSetting(k, v);
  }
  Result<std::vector<std::pair<std::string, std::string>>> ListSettings() override {
    return inner_.ListSettings();
  }
  Result<std::vector<std::pair<std::string, std::string>>> GetSettings(
      const std::vector<std::string_view>& keys) override {
    return inner_.GetSettings(keys);
  }
  Result<PersonId> InsertPerson(const Person& p) override { return inner_.InsertPerson(p); }
  Status ScanPersons(const std::function<Status(const Person&)>& v) override {
    return inner_.ScanPersons(v);
  }
  Status SetPersonSsn(PersonId id, std::string_view ssn) override {
    return inner_.SetPersonSsn(id, ssn);
  }
  Result<std::vector<Employment>> ListEmployments() override { return inner_.ListEmployments(); }
  Status SetEmploymentEnd(int64_t id, Date end_date) override {
    return inner_.SetEmploymentEnd(id, end_date);
  }
  Result<std::vector<std::pair<CaseId, std::string>>> ListCaseAssignments() override {
    return inner_.ListCaseAssignments();
  }
  Result<Person> GetPerson(PersonId id) override { return inner_.GetPerson(id); }
  Result<CaseId> InsertCase(const Case& c) override { return inner_.InsertCase(c); }
  Result<Case> GetCase(CaseId id) override { return inner_.GetCase(id); }
  Result<std::vector<PersonId>> PartiesOfFamilyViolenceCases(
      std::span<const PersonId> persons) override {
    return inner_.PartiesOfFamilyViolenceCases(persons);
  }
  Result<std::vector<Case>> ListCasesByObligor(PersonId o) override {
    return inner_.ListCasesByObligor(o);
  }
  Result<std::vector<CaseId>> ListCaseIds(int64_t after, int64_t limit) override {
    return inner_.ListCaseIds(after, limit);
  }
  Status UpdateCaseType(CaseId id, CaseType t) override { return inner_.UpdateCaseType(id, t); }
  Result<std::optional<CaseClosureRow>> GetCaseClosure(CaseId id) override {
    return inner_.GetCaseClosure(id);
  }
  Result<std::vector<CaseClosureRow>> ListCaseClosures() override {
    return inner_.ListCaseClosures();
  }
  Status PutCaseClosure(const CaseClosureRow& row) override { return inner_.PutCaseClosure(row); }
  Status DeleteCaseClosure(CaseId id) override { return inner_.DeleteCaseClosure(id); }
  Status UpdateCaseStatus(CaseId id, CaseStatus status) override {
    return inner_.UpdateCaseStatus(id, status);
  }
  Result<OrderId> InsertOrder(const Order& o) override { return inner_.InsertOrder(o); }
  Result<Order> GetOrder(OrderId id) override { return inner_.GetOrder(id); }
  Result<std::vector<Order>> ListOrdersByCase(CaseId id) override {
    return inner_.ListOrdersByCase(id);
  }
  Status SetOrderEnd(OrderId id, Date d) override { return inner_.SetOrderEnd(id, d); }
  Status InsertAssistance(const AssistanceEpisode& e) override {
    return inner_.InsertAssistance(e);
  }
  Result<std::vector<AssistanceEpisode>> ListAssistanceByCase(CaseId id) override {
    return inner_.ListAssistanceByCase(id);
  }
  Status EndAssistance(CaseId id, Date d) override { return inner_.EndAssistance(id, d); }
  Result<EmployerId> UpsertEmployer(const Employer& e) override { return inner_.UpsertEmployer(e); }
  Result<int64_t> InsertEmployment(const Employment& e) override {
    return inner_.InsertEmployment(e);
  }
  Result<std::vector<Employment>> ListEmploymentByPerson(PersonId id) override {
    return inner_.ListEmploymentByPerson(id);
  }
  Result<CollectionId> InsertCollection(const StoredCollection& r) override {
    if (insert_fault_in_ >= 0 && insert_fault_in_-- == 0) {
      ++injected_;
      return Unavailable("store_io", "injected: write failed");
    }
    return inner_.InsertCollection(r);
  }
  Result<std::optional<StoredCollection>> FindCollectionByKey(std::string_view k) override {
    return inner_.FindCollectionByKey(k);
  }
  Result<std::vector<StoredCollection>> ListCollectionsByObligor(PersonId o) override {
    return inner_.ListCollectionsByObligor(o);
  }
  Result<std::vector<Collection>> ListLedgerInputsByObligor(PersonId o) override {
    return inner_.ListLedgerInputsByObligor(o);
  }
  Status UpdateDistribution(CollectionId id, const Distribution& d) override {
    return inner_.UpdateDistribution(id, d);
  }
  Status InsertDistributionHistory(CollectionId id, const Distribution& d, std::string_view at,
                                   std::string_view reason) override {
    return inner_.InsertDistributionHistory(id, d, at, reason);
  }
  Status MarkReversed(CollectionId id, Date d, std::string_view reason) override {
    return inner_.MarkReversed(id, d, reason);
  }
  Result<int64_t> CountCollections() override { return inner_.CountCollections(); }
  Result<std::optional<AuditRow>> LastAudit() override { return inner_.LastAudit(); }
  Result<std::optional<AuditLink>> LastAuditLink() override { return inner_.LastAuditLink(); }
  Status InsertAudit(const AuditRow& r) override { return inner_.InsertAudit(r); }
  Status ScanAudit(const std::function<Status(const AuditRow&)>& v) override {
    return inner_.ScanAudit(v);
  }
  Status ScanAuditByAction(std::string_view a,
                           const std::function<Status(const AuditRow&)>& v) override {
    return inner_.ScanAuditByAction(a, v);
  }
  Result<int64_t> LedgerGeneration() override { return inner_.LedgerGeneration(); }
  Status SetLedgerGeneration(int64_t v) override { return inner_.SetLedgerGeneration(v); }

  // Employer and federal interfaces.
  Result<std::optional<PersonId>> FindPersonIdBySsn(std::string_view ssn) override {
    return inner_.FindPersonIdBySsn(ssn);
  }
  Result<std::vector<PersonId>> FindPersonIdsByNameDob(std::string_view last,
                                                       std::string_view first, Date dob) override {
    return inner_.FindPersonIdsByNameDob(last, first, dob);
  }
  Result<std::optional<EmployerId>> FindEmployerIdByFein(std::string_view fein) override {
    return inner_.FindEmployerIdByFein(fein);
  }
  Result<bool> HasActiveIwo(CaseId c, EmployerId e) override { return inner_.HasActiveIwo(c, e); }
  Status EndIwo(const IwoEnd& end) override { return inner_.EndIwo(end); }
  Result<std::optional<IwoEnd>> GetIwoEnd(int64_t iwo_id) override {
    return inner_.GetIwoEnd(iwo_id);
  }
  Result<int64_t> InsertIwoTermination(const IwoRecord& notice, int64_t terminates) override {
    return inner_.InsertIwoTermination(notice, terminates);
  }
  Result<std::optional<int64_t>> FindIwoTerminated(int64_t notice_id) override {
    return inner_.FindIwoTerminated(notice_id);
  }
  Result<std::optional<int64_t>> FindIwoTerminationNotice(int64_t iwo_id) override {
    return inner_.FindIwoTerminationNotice(iwo_id);
  }
  Result<bool> HasIwoForHire(CaseId c, EmployerId e, Date hire_date) override {
    return inner_.HasIwoForHire(c, e, hire_date);
  }
  Result<int64_t> InsertIwo(const IwoRecord& iwo) override { return inner_.InsertIwo(iwo); }
  Result<std::vector<IwoRecord>> ListIwos(std::string_view status, int64_t after_id,
                                          int64_t limit) override {
    return inner_.ListIwos(status, after_id, limit);
  }
  Result<int64_t> InsertNewHireReview(const NewHireReview& r) override {
    return inner_.InsertNewHireReview(r);
  }
  Result<std::vector<NewHireReview>> ListNewHireReviews(std::string_view status, int64_t after_id,
                                                        int64_t limit) override {
    return inner_.ListNewHireReviews(status, after_id, limit);
  }
  // Staff identity and access.
  Result<int64_t> InsertUser(const UserRecord& u) override { return inner_.InsertUser(u); }
  Result<std::optional<UserRecord>> FindUserByName(std::string_view n) override {
    return inner_.FindUserByName(n);
  }
  Result<std::optional<UserRecord>> GetUser(int64_t id) override { return inner_.GetUser(id); }
  Status SetUserLoginState(int64_t id, int64_t failed, int64_t locked_until_us) override {
    return inner_.SetUserLoginState(id, failed, locked_until_us);
  }
  Status InsertSession(const SessionRecord& s) override { return inner_.InsertSession(s); }
  Result<std::optional<SessionRecord>> FindSession(std::string_view h) override {
    return inner_.FindSession(h);
  }
  Status TouchSession(std::string_view h, int64_t at) override {
    return inner_.TouchSession(h, at);
  }
  Status DeleteSession(std::string_view h) override { return inner_.DeleteSession(h); }
  Status DeleteExpiredSessions(int64_t now) override { return inner_.DeleteExpiredSessions(now); }
  Status UpdateUser(const UserRecord& u) override { return inner_.UpdateUser(u); }
  Status DeleteSessionsOfUser(int64_t id) override { return inner_.DeleteSessionsOfUser(id); }
  Result<std::vector<ApiTokenRecord>> ListApiTokens() override { return inner_.ListApiTokens(); }
  Status RevokeApiToken(int64_t id) override { return inner_.RevokeApiToken(id); }
  Result<int64_t> InsertApiToken(const ApiTokenRecord& t) override {
    return inner_.InsertApiToken(t);
  }
  Result<std::optional<ApiTokenRecord>> FindApiToken(std::string_view h) override {
    return inner_.FindApiToken(h);
  }
  Result<int64_t> InsertCaseNote(const CaseNote& n) override { return inner_.InsertCaseNote(n); }
  Result<std::vector<CaseNote>> ListCaseNotes(CaseId c, int64_t before, int64_t limit) override {
    return inner_.ListCaseNotes(c, before, limit);
  }
  Result<std::vector<CaseId>> ListCaseIdsOfParty(PersonId p) override {
    return inner_.ListCaseIdsOfParty(p);
  }
  Result<std::vector<std::string>> FindOfficeSpellings(std::string_view o) override {
    return inner_.FindOfficeSpellings(o);
  }
  Status InsertAccessLog(const AccessLogRow& r) override { return inner_.InsertAccessLog(r); }
  Result<std::vector<AccessLogRow>> ListAccessLog(PersonId p, int64_t after,
                                                  int64_t limit) override {
    return inner_.ListAccessLog(p, after, limit);
  }
  Status SetCaseOffice(CaseId id, std::string_view o) override {
    return inner_.SetCaseOffice(id, o);
  }
  Result<std::string> CaseOffice(CaseId id) override { return inner_.CaseOffice(id); }
  Result<std::vector<CaseId>> ListCaseIdsInOffice(std::string_view o, int64_t after,
                                                  int64_t limit) override {
    return inner_.ListCaseIdsInOffice(o, after, limit);
  }
  Result<std::vector<CaseInOffice>> ListCasesInOffice(std::string_view o, int64_t after,
                                                      int64_t limit) override {
    return inner_.ListCasesInOffice(o, after, limit);
  }
  Result<std::vector<CaseSearchHit>> SearchCasesByName(std::span<const PersonNameQuery> names,
                                                       std::string_view o, int64_t after,
                                                       int64_t limit) override {
    return inner_.SearchCasesByName(names, o, after, limit);
  }
  Result<std::vector<AuditRow>> ListAuditAfter(int64_t after, std::string_view e,
                                               std::string_view id, int64_t limit) override {
    return inner_.ListAuditAfter(after, e, id, limit);
  }
  // ---- Enforcement ----
  Result<int64_t> InsertEnforceAction(const enforce::Action& a) override {
    return inner_.InsertEnforceAction(a);
  }
  Result<enforce::Action> GetEnforceAction(int64_t id) override {
    return inner_.GetEnforceAction(id);
  }
  Result<std::optional<enforce::Action>> FindEnforceActionByKey(std::string_view k) override {
    return inner_.FindEnforceActionByKey(k);
  }
  Status UpdateEnforceAction(const enforce::Action& a) override {
    return inner_.UpdateEnforceAction(a);
  }
  Result<std::vector<enforce::Action>> ListEnforceActionsByCase(CaseId id) override {
    return inner_.ListEnforceActionsByCase(id);
  }
  Result<std::vector<enforce::Action>> ListEnforceActionsByObligor(PersonId id) override {
    return inner_.ListEnforceActionsByObligor(id);
  }
  Status ScanEnforceActions(const std::function<Status(const enforce::Action&)>& v) override {
    return inner_.ScanEnforceActions(v);
  }
  Status UpsertStaffUser(const enforce::StaffUser& u) override { return inner_.UpsertStaffUser(u); }
  Result<std::optional<enforce::StaffUser>> GetStaffUser(std::string_view id) override {
    return inner_.GetStaffUser(id);
  }
  Result<std::vector<enforce::StaffUser>> ListStaffUsers() override {
    return inner_.ListStaffUsers();
  }
  Result<int64_t> InsertEnforceTask(const enforce::Task& t) override {
    return inner_.InsertEnforceTask(t);
  }
  Result<std::optional<enforce::Task>> FindEnforceTaskByKey(std::string_view k) override {
    return inner_.FindEnforceTaskByKey(k);
  }
  Status UpdateEnforceTask(const enforce::Task& t) override { return inner_.UpdateEnforceTask(t); }
  Result<std::vector<enforce::Task>> ListOpenEnforceTasks(std::string_view w) override {
    return inner_.ListOpenEnforceTasks(w);
  }
  Result<std::vector<enforce::Task>> ListEnforceTasksByObligor(PersonId id) override {
    return inner_.ListEnforceTasksByObligor(id);
  }
  Result<std::optional<enforce::BatchRun>> GetBatchRun(std::string_view j, Date d) override {
    return inner_.GetBatchRun(j, d);
  }
  Result<std::optional<enforce::BatchRun>> LastBatchRun(std::string_view j) override {
    return inner_.LastBatchRun(j);
  }
  Status PutBatchRun(const enforce::BatchRun& r) override { return inner_.PutBatchRun(r); }
  Result<std::optional<enforce::ObligorState>> GetObligorState(PersonId id) override {
    return inner_.GetObligorState(id);
  }
  Status PutObligorState(const enforce::ObligorState& s) override {
    return inner_.PutObligorState(s);
  }
  Result<enforce::EnforceRange> LoadEnforceRange(PersonId first, PersonId last) override {
    return inner_.LoadEnforceRange(first, last);
  }
  Result<int64_t> InsertContactAttempt(const enforce::ContactAttempt& a) override {
    return inner_.InsertContactAttempt(a);
  }
  Result<std::vector<enforce::ContactAttempt>> ListContactAttempts(PersonId person) override {
    return inner_.ListContactAttempts(person);
  }
  Result<std::vector<enforce::ChannelTally>> TallyContactAttempts(Date through) override {
    return inner_.TallyContactAttempts(through);
  }
  // Employer remittances and e-IWO.
  Result<int64_t> InsertUnidentifiedPayment(const UnidentifiedPayment& r) override {
    return inner_.InsertUnidentifiedPayment(r);
  }
  Result<std::optional<UnidentifiedPayment>> FindUnidentifiedPaymentByKey(
      std::string_view k) override {
    return inner_.FindUnidentifiedPaymentByKey(k);
  }
  Result<std::vector<UnidentifiedPayment>> ListUnidentifiedPayments(std::string_view status,
                                                                    int64_t after_id,
                                                                    int64_t limit) override {
    return inner_.ListUnidentifiedPayments(status, after_id, limit);
  }
  // e-IWO files out, acknowledgments in.
  Result<int64_t> AdvanceEiwoSequence(int64_t count) override {
    return inner_.AdvanceEiwoSequence(count);
  }
  Status InsertEiwoControlNumber(const EiwoControlNumber& row) override {
    return inner_.InsertEiwoControlNumber(row);
  }
  Status CloseEiwoControlNumber(std::string_view c, std::string_view status, int64_t details,
                                std::string_view path, std::string_view at,
                                std::string_view note) override {
    return inner_.CloseEiwoControlNumber(c, status, details, path, at, note);
  }
  Result<std::vector<EiwoControlNumber>> ListEiwoControlNumbers(std::string_view status,
                                                                int64_t after_seq,
                                                                int64_t limit) override {
    return inner_.ListEiwoControlNumbers(status, after_seq, limit);
  }
  Status MarkIwoSent(int64_t id, Date d, std::string_view c, std::string_view f) override {
    return inner_.MarkIwoSent(id, d, c, f);
  }
  Result<std::vector<IwoRecord>> ListIwosByControl(std::string_view c) override {
    return inner_.ListIwosByControl(c);
  }
  Result<std::vector<IwoRecord>> ListActiveIwosByCase(CaseId c) override {
    return inner_.ListActiveIwosByCase(c);
  }
  Status SetIwoAcknowledgment(int64_t id, std::string_view status, Date d, std::string_view code,
                              std::string_view reason) override {
    return inner_.SetIwoAcknowledgment(id, status, d, code, reason);
  }
  // Payments in: resolving held payments, review decisions.
  Result<UnidentifiedPayment> GetUnidentifiedPayment(int64_t id) override {
    return inner_.GetUnidentifiedPayment(id);
  }
  Result<std::optional<UnidentifiedResolution>> GetUnidentifiedResolution(int64_t id) override {
    return inner_.GetUnidentifiedResolution(id);
  }
  Status ResolveUnidentifiedPayment(const UnidentifiedResolution& r) override {
    return inner_.ResolveUnidentifiedPayment(r);
  }
  Result<NewHireReview> GetNewHireReview(int64_t id) override {
    return inner_.GetNewHireReview(id);
  }
  Result<std::string> GetEmployerFein(EmployerId id) override { return inner_.GetEmployerFein(id); }
  Status DecideNewHireReview(const NewHireReviewDecision& d) override {
    return inner_.DecideNewHireReview(d);
  }

 private:
  Store& inner_;
  Fault fault_ = Fault::kNone;
  int injected_ = 0;
  int insert_fault_in_ = -1;  // inserts to let through before the failing one; -1: none
};

}  // namespace cse::testing
