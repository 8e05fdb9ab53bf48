#include "iwo/newhire.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <tuple>
#include <unordered_map>

#include "iwo/settings.h"
#include "ledger/accrual.h"
#include "service/audit.h"
#include "service/json.h"
#include "service/ledger_service.h"

namespace cse::iwo {
namespace {

// The monthly amounts of a case's orders in effect on a day.
struct Amounts {
  Money current;
  Money arrears;  // arrears payback ordered
};

Amounts InEffect(const CaseBook& b, Date on) {
  Amounts a;
  for (const Order& o : b.orders) {
    const Money monthly = MonthlyEquivalent(o, on);
    (o.type == ObligationType::kArrearsPayback ? a.arrears : a.current) += monthly;
  }
  return a;
}

// The obligor's ledger as of `on`: what each case owes past due.
Result<LedgerRun> ObligorLedger(Store& store, PersonId person, const std::vector<CaseBook>& books,
                                const DistributionPolicy& policy, Date on) {
  ASSIGN_OR_RETURN(std::vector<StoredCollection> rows, store.ListCollectionsByObligor(person));
  std::vector<Collection> collections;
  collections.reserve(rows.size());
  for (StoredCollection& row : rows) collections.push_back(std::move(row.collection));
  return RunLedger(books, std::move(collections), policy, on);
}

// What an IWO for the case withholds: current support in effect, and the arrears payback
// ordered but never more than the arrears owed (a payback order with nothing past due withholds
// nothing for arrears: IWO field 6a); the "arrears over 12 weeks" flag (field 6c).
struct Withholding {
  Money current;
  Money arrears;
  bool aged = false;
  bool any() const { return current.is_positive() || arrears.is_positive(); }
};

Withholding WithholdingOf(const CaseBook& book, const Amounts& ordered, const LedgerRun& run) {
  Withholding w;
  w.current = ordered.current;
  for (const CaseBalance& cb : run.balance.cases) {
    if (cb.case_id != book.info.id) continue;
    w.aged = cb.arrears_over_age_flag.is_positive();
    const Money owed = cb.arrears_total.is_positive() ? cb.arrears_total : Money();
    w.arrears = ordered.arrears < owed ? ordered.arrears : owed;
  }
  return w;
}

// Inserts `iwo` (its id set) and its `iwo_issued` case event.
Status InsertIwoWithEvent(Store& store, IwoRecord& iwo, const std::string& employer_fein) {
  ASSIGN_OR_RETURN(iwo.id, store.InsertIwo(iwo));
  CaseEvent ev;
  ev.person = iwo.obligor;
  ev.case_id = iwo.case_id;
  ev.date = iwo.entry_date;
  ev.kind = "iwo_issued";
  ev.detail = "employer_fein=" + employer_fein + " iwo=" + std::to_string(iwo.id) +
              " due=" + iwo.due_date.ToString();
  return store.InsertCaseEvent(ev).status();
}

}  // namespace

// One import: the report, the open batch and the caches that live as long as the file.
class NewHireImporter::Run {
 public:
  Run(NewHireImporter& owner, const NewHireOptions& options)
      : store_(owner.store_), clock_(owner.clock_), actor_(owner.actor_), options_(options) {
    report_.entry_date = clock_.Today();
    report_.due_date =
        owner.calendar_.AddBusinessDays(report_.entry_date, options.iwo_due_business_days);
    report_.due_business_days = options.iwo_due_business_days;
    created_at_ = clock_.NowIso();
  }

  Status OnRecord(const formats::NewHireRecord& r) {
    // A job that starts after today is not a new hire yet: no employment, no IWO. The file's
    // other records go on, as for any rejected record.
    if (r.hire_date > report_.entry_date) {
      ++rejected_after_parse_;
      return OnRejection({r.record_number, "hire_date", "date_in_future",
                          "hire date " + r.hire_date.ToString() + " is after today " +
                              report_.entry_date.ToString()});
    }
    batch_.push_back(r);
    if (static_cast<int64_t>(batch_.size()) >= options_.batch_records) return Flush();
    return Status::Ok();
  }
  Status OnRejection(const formats::RecordRejection& r) {
    if (report_.rejections.size() < kReportItemsMax) report_.rejections.push_back(r);
    return Status::Ok();
  }

  // Processes the open batch in one transaction.
  Status Flush() {
    if (batch_.empty()) return Status::Ok();
    RETURN_IF_ERROR(store_.Begin());
    Status s = ProcessBatch();
    if (!s.ok()) {
      store_.Rollback();
      fein_cache_.clear();  // ids created in the rolled-back batch are gone
      return s;
    }
    s = store_.Commit();
    if (!s.ok()) fein_cache_.clear();
    batch_.clear();
    return s;
  }

  NewHireReport& report() { return report_; }
  // The reader counted the records refused here (OnRecord) as valid: move them over.
  void SettleCounts() {
    report_.counts.records -= rejected_after_parse_;
    report_.counts.rejected += rejected_after_parse_;
  }

  // A match a caseworker confirmed: exactly what an exact-SSN match does (ProcessRecord),
  // inside the caller's transaction; the caller writes the audit row.
  Status ActOnConfirmed(const formats::NewHireRecord& r, PersonId person) {
    RETURN_IF_ERROR(LoadPolicyOnce());
    BatchLog log;
    return ProcessRecord(r, person, log);
  }

 private:
  static constexpr int64_t kNoPerson = std::numeric_limits<int64_t>::max();  // sorts last

  struct BatchLog {
    int64_t iwos = 0;
    int64_t employments = 0;
    int64_t reviews = 0;
    Json iwo_ids = Json::array();
  };

  // The batch's records matched first, then acted on in person order: records of one file
  // arrive in random person order, and visiting persons (and their cases, orders and new rows)
  // in id order keeps the B-tree pages a batch touches together, so each is read once.
  Status ProcessBatch() {
    BatchLog log;
    RETURN_IF_ERROR(LoadPolicyOnce());
    std::vector<size_t> order(batch_.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return batch_[a].ssn < batch_[b].ssn; });
    std::vector<int64_t> person(batch_.size(), kNoPerson);
    for (size_t i : order) {
      ASSIGN_OR_RETURN(std::optional<PersonId> found, store_.FindPersonIdBySsn(batch_[i].ssn));
      if (found) person[i] = found->value;
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return std::tie(person[a], batch_[a].record_number) <
             std::tie(person[b], batch_[b].record_number);
    });
    for (size_t i : order) {
      // PersonId{} (invalid) when the SSN matched nobody.
      const PersonId p{person[i] == kNoPerson ? 0 : person[i]};
      RETURN_IF_ERROR(ProcessRecord(batch_[i], p, log));
    }
    const Json after{{"file", options_.file_label},
                     {"first_record", batch_.front().record_number},
                     {"last_record", batch_.back().record_number},
                     {"records", batch_.size()},
                     {"employments", log.employments},
                     {"reviews", log.reviews},
                     {"iwos", log.iwo_ids}};
    return AppendAudit(store_, clock_, actor_, "newhire.import", "newhire_file",
                       options_.file_label, "", after.dump());
  }

  Status LoadPolicyOnce() {
    if (policy_) return Status::Ok();
    ASSIGN_OR_RETURN(DistributionPolicy p, LoadPolicy(store_));
    policy_ = p;
    return Status::Ok();
  }

  Result<EmployerId> EmployerFor(const formats::NewHireRecord& r) {
    auto it = fein_cache_.find(r.employer_fein);
    if (it != fein_cache_.end()) return it->second;
    ASSIGN_OR_RETURN(std::optional<EmployerId> found, store_.FindEmployerIdByFein(r.employer_fein));
    EmployerId id;
    if (found && r.employer_name.empty()) {
      id = *found;  // nothing to update: the layout carries no employer name
    } else {
      Employer e;
      e.fein = r.employer_fein;
      e.name = r.employer_name.empty() ? "(name not reported; FEIN " + r.employer_fein + ")"
                                       : r.employer_name;
      e.address = r.employer_address;
      ASSIGN_OR_RETURN(id, store_.UpsertEmployer(e));
      if (!found) ++report_.employers_created;
    }
    fein_cache_.emplace(r.employer_fein, id);
    return id;
  }

  Status ProcessRecord(const formats::NewHireRecord& r, PersonId person, BatchLog& log) {
    ASSIGN_OR_RETURN(EmployerId employer, EmployerFor(r));
    if (!person.valid()) return Fallback(r, employer, log);
    ASSIGN_OR_RETURN(std::vector<CaseBook> books, LoadBooks(store_, person));
    if (books.empty()) {
      ++report_.unmatched;  // on file, but not an obligor
      return Status::Ok();
    }
    ++report_.matched;
    ASSIGN_OR_RETURN(int64_t employment_id, RecordEmployment(r, person, employer, log));
    return IssueIwos(r, person, employer, employment_id, books, log);
  }

  // Name + date of birth: review records only.
  Status Fallback(const formats::NewHireRecord& r, EmployerId employer, BatchLog& log) {
    std::vector<PersonId> candidates;
    if (r.date_of_birth) {
      ASSIGN_OR_RETURN(candidates,
                       store_.FindPersonIdsByNameDob(r.last_name, r.first_name, *r.date_of_birth));
    }
    bool any = false;
    for (PersonId c : candidates) {
      ASSIGN_OR_RETURN(std::vector<Case> cases, store_.ListCasesByObligor(c));
      if (cases.empty()) continue;
      any = true;
      NewHireReview review;
      review.file = options_.file_label;
      review.record_number = r.record_number;
      review.candidate = c;
      review.reported_ssn = r.ssn;
      review.reported_name =
          r.last_name + ", " + r.first_name + (r.middle_name.empty() ? "" : " " + r.middle_name);
      review.reported_dob = r.date_of_birth;
      review.employer = employer;
      review.hire_date = r.hire_date;
      review.created_at = created_at_;
      auto id = store_.InsertNewHireReview(review);
      if (id.ok()) {
        ++log.reviews;
      } else if (id.status().reason() != "unique_violation") {
        return id.status();  // a unique violation: this report is already under review
      }
    }
    if (any) {
      ++report_.review;
    } else {
      ++report_.unmatched;
    }
    return Status::Ok();
  }

  // The employment (once per person, employer and hire date) and its new_hire event.
  Result<int64_t> RecordEmployment(const formats::NewHireRecord& r, PersonId person,
                                   EmployerId employer, BatchLog& log) {
    ASSIGN_OR_RETURN(std::vector<Employment> jobs, store_.ListEmploymentByPerson(person));
    for (const Employment& j : jobs) {
      if (j.employer == employer && j.start_date == r.hire_date) return j.id;
    }
    Employment e;
    e.person = person;
    e.employer = employer;
    e.start_date = r.hire_date;
    e.pay_cycle = options_.assumed_pay_cycle;
    ASSIGN_OR_RETURN(int64_t id, store_.InsertEmployment(e));
    CaseEvent ev;
    ev.person = person;
    ev.date = report_.entry_date;
    ev.kind = "new_hire";
    ev.detail = "employer_fein=" + r.employer_fein + " hire_date=" + r.hire_date.ToString();
    RETURN_IF_ERROR(store_.InsertCaseEvent(ev).status());
    ++report_.employments_created;
    ++log.employments;
    return id;
  }

  Status IssueIwos(const formats::NewHireRecord& r, PersonId person, EmployerId employer,
                   int64_t employment_id, const std::vector<CaseBook>& books, BatchLog& log) {
    const Date entry = report_.entry_date;
    std::vector<std::pair<const CaseBook*, Amounts>> due;
    bool any_order = false;
    bool ended_before = false;  // a case skipped for an ended or rejected IWO for this hire
    for (const CaseBook& b : books) {
      if (b.info.status != CaseStatus::kOpen) continue;
      const Amounts a = InEffect(b, entry);
      if (!a.current.is_positive() && !a.arrears.is_positive()) continue;
      any_order = true;
      ASSIGN_OR_RETURN(bool active, store_.HasActiveIwo(b.info.id, employer));
      if (active) continue;
      // This employment already had its IWO, whatever became of it (ended by `iwo terminate`,
      // rejected by the employer): re-running the file must not issue it again.
      ASSIGN_OR_RETURN(bool served, store_.HasIwoForHire(b.info.id, employer, r.hire_date));
      if (served) {
        ended_before = true;
      } else {
        due.emplace_back(&b, a);
      }
    }
    if (!any_order) {
      ++report_.no_order;
      return Status::Ok();
    }
    if (due.empty()) {
      ++(ended_before ? report_.iwo_previously_ended : report_.iwo_already);
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(const LedgerRun run, ObligorLedger(store_, person, books, *policy_, entry));
    int64_t issued = 0;
    for (const auto& [book, amounts] : due) {
      const Withholding w = WithholdingOf(*book, amounts, run);
      if (!w.any()) continue;  // only an arrears payback order, and nothing past due
      RETURN_IF_ERROR(Issue(r, *book, employer, employment_id, w, log));
      ++issued;
    }
    if (issued == 0) ++report_.no_order;
    return Status::Ok();
  }

  Status Issue(const formats::NewHireRecord& r, const CaseBook& book, EmployerId employer,
               int64_t employment_id, const Withholding& w, BatchLog& log) {
    IwoRecord iwo;
    iwo.case_id = book.info.id;
    iwo.obligor = book.info.obligor;
    iwo.employer = employer;
    iwo.employment_id = employment_id;
    iwo.source = "newhire";
    iwo.entry_date = report_.entry_date;
    iwo.due_date = report_.due_date;
    iwo.current_monthly = w.current;
    iwo.arrears_monthly = w.arrears;
    iwo.arrears_over_12_weeks = w.aged;
    iwo.created_at = created_at_;
    iwo.created_by = actor_;
    RETURN_IF_ERROR(InsertIwoWithEvent(store_, iwo, r.employer_fein));
    ++report_.iwos_issued;
    ++log.iwos;
    log.iwo_ids.push_back(iwo.id);
    if (report_.iwos.size() < kReportItemsMax) {
      report_.iwos.push_back(IssuedIwo{iwo.id, r.record_number, iwo.case_id, iwo.obligor,
                                       r.employer_fein, iwo.due_date, iwo.current_monthly,
                                       iwo.arrears_monthly, w.aged});
    }
    return Status::Ok();
  }

  Store& store_;
  const Clock& clock_;
  const std::string& actor_;
  const NewHireOptions& options_;
  NewHireReport report_;
  std::string created_at_;
  int64_t rejected_after_parse_ = 0;  // records OnRecord refused (a hire date after today)
  std::optional<DistributionPolicy> policy_;
  std::vector<formats::NewHireRecord> batch_;
  std::unordered_map<std::string, EmployerId> fein_cache_;
};

NewHireImporter::NewHireImporter(Store& store, const Clock& clock, std::string actor,
                                 BusinessCalendar calendar)
    : store_(store), clock_(clock), actor_(std::move(actor)), calendar_(std::move(calendar)) {}

namespace {

Status CheckOptions(const NewHireOptions& o) {
  if (o.batch_records < 1 || o.batch_records > kNewHireBatchRecordsMax) {
    return InvalidArgument("batch_records_invalid", "records per transaction must be 1 to " +
                                                        std::to_string(kNewHireBatchRecordsMax));
  }
  if (o.iwo_due_business_days < 0 || o.iwo_due_business_days > 30) {
    return InvalidArgument("due_days_invalid", "IWO due days must be 0 to 30 business days");
  }
  return Status::Ok();
}

}  // namespace

Result<NewHireReport> NewHireImporter::ImportFile(const std::string& path,
                                                  const formats::NewHireParser& parser,
                                                  const NewHireOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  Run run(*this, options);
  ASSIGN_OR_RETURN(
      run.report().counts,
      formats::ReadNewHireFile(
          path, parser, [&](const formats::NewHireRecord& r) { return run.OnRecord(r); },
          [&](const formats::RecordRejection& r) { return run.OnRejection(r); }));
  run.SettleCounts();
  RETURN_IF_ERROR(run.Flush());
  return std::move(run.report());
}

Result<NewHireReport> NewHireImporter::ActOnConfirmedMatch(const formats::NewHireRecord& record,
                                                           PersonId person,
                                                           const NewHireOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  Run run(*this, options);
  RETURN_IF_ERROR(run.ActOnConfirmed(record, person));
  return std::move(run.report());
}

Result<NewHireReport> NewHireImporter::ImportBuffer(std::string_view text,
                                                    const formats::NewHireParser& parser,
                                                    const NewHireOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  Run run(*this, options);
  ASSIGN_OR_RETURN(
      run.report().counts,
      formats::ReadNewHireBuffer(
          text, parser, [&](const formats::NewHireRecord& r) { return run.OnRecord(r); },
          [&](const formats::RecordRejection& r) { return run.OnRejection(r); }));
  run.SettleCounts();
  RETURN_IF_ERROR(run.Flush());
  return std::move(run.report());
}

Result<std::vector<IssuedIwo>> IssueIwosForCase(Store& store, const Clock& clock,
                                                const std::string& actor, CaseId case_id,
                                                Date entry) {
  ASSIGN_OR_RETURN(Case c, store.GetCase(case_id));
  ASSIGN_OR_RETURN(std::vector<CaseBook> books, LoadBooks(store, c.obligor));
  const CaseBook* book = nullptr;
  for (const CaseBook& b : books) {
    if (b.info.id == case_id) book = &b;
  }
  if (book == nullptr) return NotFound("case_not_found", CaseDisplayId(case_id) + " not found");
  if (book->info.status != CaseStatus::kOpen) {
    return FailedPrecondition("case_closed", CaseDisplayId(case_id) + " is closed");
  }
  ASSIGN_OR_RETURN(std::vector<Employment> jobs, store.ListEmploymentByPerson(c.obligor));
  std::vector<const Employment*> current;  // one per employer
  for (const Employment& j : jobs) {
    if (j.start_date > entry || (j.end_date && *j.end_date < entry)) continue;
    const bool seen = std::any_of(current.begin(), current.end(),
                                  [&](const Employment* k) { return k->employer == j.employer; });
    if (!seen) current.push_back(&j);
  }
  if (current.empty()) {
    return FailedPrecondition(
        "no_current_employer",
        "no current employer is on file for " + PersonDisplayId(c.obligor) + " on " +
            entry.ToString() +
            " (an employment started on or before it and not ended): an IWO needs one; record "
            "it with `opencse employment add` or `import newhire`");
  }
  ASSIGN_OR_RETURN(DistributionPolicy policy, LoadPolicy(store));
  ASSIGN_OR_RETURN(const LedgerRun run, ObligorLedger(store, c.obligor, books, policy, entry));
  const Withholding w = WithholdingOf(*book, InEffect(*book, entry), run);
  if (!w.any()) {
    return FailedPrecondition("iwo_nothing_to_withhold",
                              CaseDisplayId(case_id) + " has no support order in effect on " +
                                  entry.ToString() +
                                  " and no arrears payback owed: an IWO would withhold nothing");
  }
  ASSIGN_OR_RETURN(IwoSettings settings, LoadIwoSettings(store));
  const Date due =
      BusinessCalendar(settings.state_holidays).AddBusinessDays(entry, settings.due_business_days);
  std::vector<IssuedIwo> issued;
  std::string already;
  for (const Employment* j : current) {
    ASSIGN_OR_RETURN(Employer employer, store.GetEmployer(j->employer));
    ASSIGN_OR_RETURN(bool active, store.HasActiveIwo(case_id, j->employer));
    if (active) {
      already += (already.empty() ? "" : ", ") + employer.fein;
      continue;
    }
    IwoRecord iwo;
    iwo.case_id = case_id;
    iwo.obligor = c.obligor;
    iwo.employer = j->employer;
    iwo.employment_id = j->id;
    iwo.source = "enforcement";
    iwo.entry_date = entry;
    iwo.due_date = due;
    iwo.current_monthly = w.current;
    iwo.arrears_monthly = w.arrears;
    iwo.arrears_over_12_weeks = w.aged;
    iwo.created_at = clock.NowIso();
    iwo.created_by = actor;
    RETURN_IF_ERROR(InsertIwoWithEvent(store, iwo, employer.fein));
    issued.push_back(IssuedIwo{iwo.id, 0, case_id, c.obligor, employer.fein, due,
                               iwo.current_monthly, iwo.arrears_monthly, w.aged});
  }
  if (issued.empty()) {
    return FailedPrecondition("iwo_already_active", CaseDisplayId(case_id) +
                                                        " already has an active IWO with every "
                                                        "current employer (FEIN " +
                                                        already + ")");
  }
  return issued;
}

}  // namespace cse::iwo
