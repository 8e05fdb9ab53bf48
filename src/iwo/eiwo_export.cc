// e-IWO files out (iwo/eiwo_export.h).
#include "iwo/eiwo_export.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "auth/auth_service.h"
#include "auth/roles.h"
#include "enforce/remedy.h"
#include "iwo/withholding.h"
#include "service/audit.h"
#include "service/json.h"

namespace cse::iwo {
namespace {

using formats::FieldValues;

std::string Cents(Money m) { return std::to_string(m.cents()); }

bool AlnumFirst(const std::string& s) {
  return !s.empty() && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') ||
                        (s[0] >= '0' && s[0] <= '9'));
}

// The detail records of one employer, in IWO id order.
struct Batch {
  std::string fein;
  std::vector<std::pair<int64_t, std::string>> details;  // IWO id, record
};

// Reads what a detail record needs, caching employers and persons across IWOs.
class DetailBuilder {
 public:
  DetailBuilder(Store& store, const formats::EiwoLayouts& layouts, const IwoSettings& settings,
                std::string issuing_state, Date document_date)
      : store_(store),
        layouts_(layouts),
        settings_(settings),
        issuing_state_(std::move(issuing_state)),
        document_date_(document_date) {}

  Status LoadEmployers() {
    ASSIGN_OR_RETURN(std::vector<Employer> all, store_.ListEmployers());
    for (Employer& e : all) employers_.emplace(e.id.value, std::move(e));
    return Status::Ok();
  }
  const Employer* EmployerOf(EmployerId id) const {
    const auto it = employers_.find(id.value);
    return it == employers_.end() ? nullptr : &it->second;
  }

  // The record, or a data problem (skipped); store errors are errors.
  Result<std::string> Build(const IwoRecord& r, EiwoSkipped& skip) {
    ASSIGN_OR_RETURN(FieldValues v, Values(r));
    if (!AlnumFirst(v["employer_name"])) {
      return Skip(skip, r, "employer_name", "employer_name_invalid",
                  "the employer's name must start with a letter or digit (FACTS 1.3)");
    }
    if (!AlnumFirst(v["employer_line1"])) {
      return Skip(skip, r, "employer_line1", "employer_address_missing",
                  "the employer's address line 1 must start with a letter or digit");
    }
    std::string field;
    auto record = formats::FormatRecord(layouts_.detail, v, &field);
    if (!record.ok()) {
      return Skip(skip, r, field, record.status().reason(), record.status().message());
    }
    return record;
  }

 private:
  Status Skip(EiwoSkipped& skip, const IwoRecord& r, std::string field, std::string reason,
              std::string message) {
    skip = EiwoSkipped{r.id, std::move(field), std::move(reason), std::move(message)};
    return InvalidArgument(skip.reason, skip.message);
  }

  Result<Person> PersonOf(PersonId id) {
    const auto it = persons_.find(id.value);
    if (it != persons_.end()) return it->second;
    ASSIGN_OR_RETURN(Person p, store_.GetPerson(id));
    if (persons_.size() > 100'000) persons_.clear();  // bounded cache
    persons_.emplace(id.value, p);
    return p;
  }

  Result<FieldValues> Values(const IwoRecord& r) {
    FieldValues v;
    ASSIGN_OR_RETURN(Case c, store_.GetCase(r.case_id));
    ASSIGN_OR_RETURN(std::vector<Order> orders, store_.ListOrdersByCase(c.id));
    ASSIGN_OR_RETURN(Person obligor, PersonOf(r.obligor));
    ASSIGN_OR_RETURN(Person obligee, PersonOf(c.obligee));
    v["action_code"] = std::string(formats::ActionCodeOf(r.kind));
    v["document_date"] = document_date_.ToString();
    v["issuing_state"] = issuing_state_;
    v["jurisdiction"] = c.county;
    v["case_id"] = CaseDisplayId(c.id);
    v["remittance_id"] = CaseDisplayId(c.id);
    if (!orders.empty()) v["order_id"] = FormatDisplayId("ORD", orders.back().id.value);
    if (const Employer* e = EmployerOf(r.employer)) {
      v["employer_name"] = e->name;
      v["employer_line1"] = e->address.line1;
      v["employer_line2"] = e->address.line2;
      v["employer_city"] = e->address.city;
      v["employer_state"] = e->address.state;
      v["employer_zip"] = e->address.zip;
      v["employer_fein"] = e->fein;
    }
    v["employee_last_name"] = obligor.last_name;
    v["employee_first_name"] = obligor.first_name;
    v["employee_middle_name"] = obligor.middle_name;
    v["employee_ssn"] = obligor.ssn;
    if (obligor.date_of_birth) v["employee_dob"] = obligor.date_of_birth->ToString();
    v["obligee_name"] = obligee.last_name + ", " + obligee.first_name;
    Amounts(r, v);
    v["tracking_id"] = FormatDisplayId("IWO", r.id);
    return v;
  }

  void Amounts(const IwoRecord& r, FieldValues& v) const {
    const Money total = r.current_monthly + r.arrears_monthly;
    v["current_support"] = Cents(r.current_monthly);
    v["past_due_support"] = Cents(r.arrears_monthly);
    v["arrears_over_12_weeks"] = r.arrears_over_12_weeks ? "Y" : "N";
    v["total_monthly"] = Cents(total);
    v["per_weekly"] = Cents(PerPayPeriod(total, PayCycle::kWeekly, settings_.conversion));
    v["per_biweekly"] = Cents(PerPayPeriod(total, PayCycle::kBiweekly, settings_.conversion));
    v["per_semimonthly"] = Cents(PerPayPeriod(total, PayCycle::kSemimonthly, settings_.conversion));
    v["per_monthly"] = Cents(PerPayPeriod(total, PayCycle::kMonthly, settings_.conversion));
  }

  Store& store_;
  const formats::EiwoLayouts& layouts_;
  const IwoSettings& settings_;
  std::string issuing_state_;
  Date document_date_;
  std::unordered_map<int64_t, Employer> employers_;
  std::unordered_map<int64_t, Person> persons_;
};

Status WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Unavailable("file_write_failed", std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// A file written record by record through a 1 MiB buffer, then synced to disk. Errors:
// unavailable "file_write_failed" (the first error sticks; later calls do nothing).
class SyncedFile {
 public:
  explicit SyncedFile(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) Fail("cannot create");
  }
  ~SyncedFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  SyncedFile(const SyncedFile&) = delete;
  SyncedFile& operator=(const SyncedFile&) = delete;

  void Line(const std::string& record) {
    if (!status_.ok()) return;
    buffer_ += record;
    buffer_ += '\n';
    if (buffer_.size() >= (size_t{1} << 20)) Flush();
  }
  // Writes what is buffered, syncs and closes.
  Status Finish() {
    Flush();
    if (status_.ok() && ::fsync(fd_) != 0) Fail("cannot sync");
    if (fd_ >= 0 && ::close(fd_) != 0 && status_.ok()) Fail("cannot close");
    fd_ = -1;
    return status_;
  }

 private:
  void Fail(const std::string& what) {
    if (status_.ok()) {
      status_ = Unavailable("file_write_failed",
                            what + " '" + path_ + "': " + std::string(std::strerror(errno)));
    }
  }
  void Flush() {
    if (!status_.ok() || buffer_.empty()) return;
    if (!WriteAll(fd_, buffer_).ok()) Fail("cannot write");
    buffer_.clear();
  }

  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  Status status_ = Status::Ok();
};

// Syncs the directory holding `path`, so a rename survives a power loss.
void SyncDirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

class Exporter {
 public:
  Exporter(Store& store, const Clock& clock, const std::string& actor,
           const formats::EiwoLayouts& layouts, const IwoSettings& settings,
           const EiwoExportOptions& o)
      : store_(store),
        clock_(clock),
        actor_(actor),
        layouts_(layouts),
        settings_(settings),
        o_(o) {}

  Result<EiwoExportReport> Run() {
    RETURN_IF_ERROR(Configure());
    RETURN_IF_ERROR(Authorize());
    RETURN_IF_ERROR(VoidAbandoned());
    RETURN_IF_ERROR(Collect());
    if (report_.details == 0) return std::move(report_);
    RETURN_IF_ERROR(Reserve());
    Status s = WriteFile();
    if (s.ok()) s = Finish();
    if (!s.ok()) {
      Abandon(s);
      return s;
    }
    report_.written = true;
    return std::move(report_);
  }

 private:
  Status Configure() {
    fips_ = o_.state_fips.empty() ? settings_.eiwo_state_fips : o_.state_fips;
    state_ = o_.issuing_state.empty() ? settings_.eiwo_issuing_state : o_.issuing_state;
    if (fips_.empty() || state_.empty()) {
      return InvalidArgument("eiwo_not_configured",
                             "e-IWO needs the state FIPS code and the issuing state's name: "
                             "`opencse iwo config set iwo.eiwo.state_fips NN` and "
                             "`... iwo.eiwo.issuing_state NAME` (or --state-fips, "
                             "--issuing-state)");
    }
    if (fips_.size() != 2 || fips_.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument("state_fips_invalid",
                             "state FIPS '" + fips_ + "': expected two digits");
    }
    if (o_.out_path.empty()) return InvalidArgument("out_missing", "--out FILE is required");
    if (o_.details_max < 1 || o_.details_max > kEiwoDetailsPerFileMax) {
      return InvalidArgument("details_max_invalid", "details per file must be 1 to " +
                                                        std::to_string(kEiwoDetailsPerFileMax));
    }
    if (clock_.Today() < o_.as_of) {
      return InvalidArgument("date_in_future", "--as-of " + o_.as_of.ToString() +
                                                   " is after today " + clock_.Today().ToString());
    }
    report_.path = o_.out_path;
    report_.document_date = o_.as_of;
    report_.sent_date = clock_.Today();
    report_.unverified_fields = layouts_.UnverifiedFields();
    return Status::Ok();
  }

  // Step 0: only a staff user who may issue income withholding sends IWOs; nothing is
  // written before this.
  Status Authorize() {
    ASSIGN_OR_RETURN(std::optional<enforce::StaffUser> staff, store_.GetStaffUser(actor_));
    ASSIGN_OR_RETURN(std::optional<UserRecord> user, store_.FindUserByName(actor_));
    if (!staff || !staff->active || !user) {
      return FailedPrecondition("user_unknown",
                                "'" + actor_ +
                                    "' (--user) is not an active staff user: sending IWOs to "
                                    "employers needs a caseworker or supervisor (`opencse user "
                                    "add`)");
    }
    if (!enforce::RoleAllows(staff->role, enforce::Transition::kIssue,
                             enforce::Remedy::kIncomeWithholding)) {
      return FailedPrecondition("role_not_allowed",
                                "'" + actor_ + "' has the role " +
                                    std::string(enforce::Name(staff->role)) +
                                    ", who may not issue income_withholding: sending IWOs to "
                                    "employers needs a caseworker or supervisor (docs/"
                                    "ENFORCEMENT.md, Roles)");
    }
    ASSIGN_OR_RETURN(auth_role_, auth::ParseRole(user->role));
    office_ = user->office;
    report_.approved_by = actor_;
    report_.approver_office = auth::IsOfficeScoped(auth_role_) ? office_ : "";
    approver_role_ = std::string(enforce::Name(staff->role));
    return Status::Ok();
  }

  // Whether the IWO's case is in the actor's caseload (cached by case).
  Result<bool> InCaseload(CaseId case_id) {
    const auto it = caseload_.find(case_id.value);
    if (it != caseload_.end()) return it->second;
    ASSIGN_OR_RETURN(const bool in, auth::InCaseload(store_, auth_role_, office_, case_id));
    if (caseload_.size() > 100'000) caseload_.clear();  // bounded cache
    caseload_.emplace(case_id.value, in);
    return in;
  }

  // Whether the case is closed (cached by case): its pending withholding orders are not sent.
  Result<bool> CaseClosed(CaseId case_id) {
    const auto it = closed_.find(case_id.value);
    if (it != closed_.end()) return it->second;
    ASSIGN_OR_RETURN(const Case c, store_.GetCase(case_id));
    const bool closed = c.status != CaseStatus::kOpen;
    if (closed_.size() > 100'000) closed_.clear();  // bounded cache
    closed_.emplace(case_id.value, closed);
    return closed;
  }

  // Step 1: numbers reserved by an export that never finished are voided (still burned).
  Status VoidAbandoned() {
    ASSIGN_OR_RETURN(std::vector<EiwoControlNumber> open,
                     store_.ListEiwoControlNumbers("reserved", 0, 10'000));
    if (open.empty()) return Status::Ok();
    RETURN_IF_ERROR(store_.Begin());
    Status s = VoidRows(open, "abandoned: the export that reserved it never finished");
    if (s.ok()) s = store_.Commit();
    if (!s.ok()) store_.Rollback();
    for (const EiwoControlNumber& c : open) report_.voided.push_back(c.control_number);
    return s;
  }

  // Inside an open transaction.
  Status VoidRows(const std::vector<EiwoControlNumber>& rows, const std::string& note) {
    Json numbers = Json::array();
    for (const EiwoControlNumber& c : rows) {
      RETURN_IF_ERROR(
          store_.CloseEiwoControlNumber(c.control_number, "void", 0, "", clock_.NowIso(), note));
      numbers.push_back(c.control_number);
    }
    return AppendAudit(store_, clock_, actor_, "eiwo.control.void", "eiwo_control",
                       rows.front().control_number, "",
                       Json{{"control_numbers", numbers}, {"note", note}}.dump());
  }

  // Step 2: the detail records, grouped by employer FEIN.
  Status Collect() {
    DetailBuilder builder(store_, layouts_, settings_, state_, o_.as_of);
    RETURN_IF_ERROR(builder.LoadEmployers());
    std::optional<EmployerId> only;
    if (!o_.employer_fein.empty()) {
      ASSIGN_OR_RETURN(only, store_.FindEmployerIdByFein(o_.employer_fein));
      if (!only) {
        return NotFound("employer_not_found",
                        "--employer: no employer with FEIN '" + o_.employer_fein + "'");
      }
    }
    int64_t after = 0;
    while (true) {
      ASSIGN_OR_RETURN(std::vector<IwoRecord> page, store_.ListIwos("pending", after, 1000));
      if (page.empty()) break;
      after = page.back().id;
      for (const IwoRecord& r : page) {
        if ((only && r.employer != *only) || o_.as_of < r.entry_date) continue;
        ASSIGN_OR_RETURN(const bool mine, InCaseload(r.case_id));
        if (!mine) {
          ++report_.outside_caseload;
          continue;
        }
        // A closed case takes no IWO action; a termination notice stops one, so it goes out.
        if (r.kind != "termination") {
          ASSIGN_OR_RETURN(const bool closed, CaseClosed(r.case_id));
          if (closed) {
            ++report_.case_closed;
            if (report_.case_closed_iwos.size() < kEiwoReportItemsMax) {
              report_.case_closed_iwos.push_back(r.id);
            }
            continue;
          }
        }
        if (report_.details >= o_.details_max) {
          ++report_.remaining;
          continue;
        }
        RETURN_IF_ERROR(Add(builder, r));
      }
    }
    return Status::Ok();
  }

  Status Add(DetailBuilder& builder, const IwoRecord& r) {
    EiwoSkipped skip;
    auto record = builder.Build(r, skip);
    if (!record.ok()) {
      if (skip.iwo_id == 0) return record.status();  // a store error
      ++report_.skipped_count;
      if (report_.skipped.size() < kEiwoReportItemsMax) report_.skipped.push_back(skip);
      return Status::Ok();
    }
    const Employer* e = builder.EmployerOf(r.employer);
    Batch& b = batches_[e->fein];
    b.fein = e->fein;
    b.details.emplace_back(r.id, std::move(*record));
    ++report_.details;
    return Status::Ok();
  }

  // Step 3: the numbers, spent from here on.
  Status Reserve() {
    const int64_t count = 1 + static_cast<int64_t>(batches_.size());
    RETURN_IF_ERROR(store_.Begin());
    Status s = ReserveInTxn(count);
    if (s.ok()) s = store_.Commit();
    if (!s.ok()) {
      store_.Rollback();
      reserved_.clear();
      report_.batches.clear();
    }
    return s;
  }

  Status ReserveInTxn(int64_t count) {
    ASSIGN_OR_RETURN(const int64_t first, store_.AdvanceEiwoSequence(count));
    report_.file_control = FormatControlNumber(fips_, first);
    RETURN_IF_ERROR(Insert(first, "file", ""));
    int64_t seq = first;
    for (const auto& [fein, batch] : batches_) {
      RETURN_IF_ERROR(Insert(++seq, "batch", fein));
      EiwoBatchReport b;
      b.control_number = FormatControlNumber(fips_, seq);
      b.employer_fein = fein;
      b.details = static_cast<int64_t>(batch.details.size());
      for (const auto& d : batch.details) {
        if (b.iwo_ids.size() < kEiwoReportItemsMax) b.iwo_ids.push_back(d.first);
      }
      report_.batches.push_back(std::move(b));
    }
    Json numbers = Json::array();
    for (const EiwoControlNumber& c : reserved_) numbers.push_back(c.control_number);
    return AppendAudit(store_, clock_, actor_, "eiwo.export.reserve", "eiwo_control",
                       report_.file_control, "",
                       Json{{"control_numbers", numbers}, {"path", o_.out_path}}.dump());
  }

  Status Insert(int64_t seq, const std::string& kind, const std::string& fein) {
    EiwoControlNumber c;
    c.control_number = FormatControlNumber(fips_, seq);
    c.seq = seq;
    c.kind = kind;
    c.file_control_number = report_.file_control;
    c.employer_fein = fein;
    c.reserved_at = clock_.NowIso();
    RETURN_IF_ERROR(store_.InsertEiwoControlNumber(c));
    reserved_.push_back(std::move(c));
    return Status::Ok();
  }

  // Step 4: the whole file to `<out>.partial`, synced. Each detail record is released once
  // written (only the IWO ids are needed afterwards).
  Status WriteFile() {
    const std::string now = clock_.NowIso();  // 2026-12-02T06:15:49.123456Z
    const std::string time = now.substr(11, 2) + now.substr(14, 2) + now.substr(17, 2);
    const FieldValues common{{"state_fips", fips_},
                             {"creation_date", clock_.Today().ToString()},
                             {"creation_time", time}};
    partial_ = o_.out_path + ".partial";
    SyncedFile out(partial_);
    FieldValues fh = common;
    fh["control_number"] = report_.file_control;
    ASSIGN_OR_RETURN(std::string header, formats::FormatRecord(layouts_.file_header, fh));
    out.Line(header);
    size_t i = 0;
    for (auto& [fein, batch] : batches_) {
      const EiwoBatchReport& b = report_.batches[i++];
      FieldValues bh = common;
      bh["control_number"] = b.control_number;
      bh["employer_fein"] = fein;
      ASSIGN_OR_RETURN(std::string bhr, formats::FormatRecord(layouts_.batch_header, bh));
      out.Line(bhr);
      for (auto& d : batch.details) {
        out.Line(d.second);
        std::string().swap(d.second);
      }
      ASSIGN_OR_RETURN(std::string btr,
                       formats::FormatRecord(layouts_.batch_trailer,
                                             {{"control_number", b.control_number},
                                              {"detail_count", std::to_string(b.details)}}));
      out.Line(btr);
    }
    ASSIGN_OR_RETURN(std::string ft,
                     formats::FormatRecord(layouts_.file_trailer,
                                           {{"control_number", report_.file_control},
                                            {"batch_count", std::to_string(batches_.size())},
                                            {"detail_count", std::to_string(report_.details)}}));
    out.Line(ft);
    Status s = out.Finish();
    return s.ok() ? s : s.WithContext("writing the e-IWO file");
  }

  // Step 5: IWOs sent, numbers used, audit, rename, commit.
  Status Finish() {
    RETURN_IF_ERROR(store_.Begin());
    Status s = MarkAll();
    if (s.ok() && std::rename(partial_.c_str(), o_.out_path.c_str()) != 0) {
      s = Unavailable("file_write_failed", "cannot rename '" + partial_ + "' to '" + o_.out_path +
                                               "': " + std::strerror(errno));
    }
    if (!s.ok()) {
      store_.Rollback();
      return s;
    }
    renamed_ = true;
    SyncDirectoryOf(o_.out_path);
    Status c = store_.Commit();
    if (c.ok()) return c;
    // Did the commit happen? The file control number's row answers. When the store cannot
    // say, the file is kept: removing it could leave IWOs marked sent without their file.
    auto row = store_.ListEiwoControlNumbers("", reserved_.front().seq - 1, 1);
    if (!row.ok()) keep_file_ = true;
    if (row.ok() && !row->empty() && row->front().status == "used") return Status::Ok();
    return c;
  }

  Status MarkAll() {
    const Date today = clock_.Today();
    const std::string now = clock_.NowIso();
    Json batches = Json::array();
    size_t i = 0;
    for (const auto& [fein, batch] : batches_) {
      const EiwoBatchReport& b = report_.batches[i++];
      Json ids = Json::array();
      for (const auto& d : batch.details) {
        RETURN_IF_ERROR(store_.MarkIwoSent(d.first, today, b.control_number, report_.file_control));
        ids.push_back(FormatDisplayId("IWO", d.first));
      }
      RETURN_IF_ERROR(
          store_.CloseEiwoControlNumber(b.control_number, "used", b.details, o_.out_path, now, ""));
      batches.push_back(Json{{"control_number", b.control_number},
                             {"employer_fein", fein},
                             {"details", b.details},
                             {"iwos", ids}});
    }
    RETURN_IF_ERROR(store_.CloseEiwoControlNumber(report_.file_control, "used", report_.details,
                                                  o_.out_path, now, ""));
    return AppendAudit(store_, clock_, actor_, "eiwo.export", "eiwo_file", report_.file_control, "",
                       Json{{"path", o_.out_path},
                            {"document_date", o_.as_of.ToString()},
                            {"details", report_.details},
                            {"approved_by", actor_},
                            {"approver_role", approver_role_},
                            {"approver_office", report_.approver_office},
                            {"outside_caseload", report_.outside_caseload},
                            {"case_closed", report_.case_closed},
                            {"batches", batches}}
                           .dump());
  }

  // After a failure from step 4 on: no file stays, the numbers are voided.
  void Abandon(const Status& why) {
    std::remove(partial_.c_str());
    if (renamed_ && !keep_file_) std::remove(o_.out_path.c_str());
    Status s = store_.Begin();
    if (s.ok()) s = VoidRows(reserved_, "export failed: " + why.reason() + ": " + why.message());
    if (s.ok()) s = store_.Commit();
    // If even this fails the numbers stay `reserved`; the next export voids them (step 1).
    if (!s.ok()) store_.Rollback();
    report_ = EiwoExportReport{};
  }

  Store& store_;
  const Clock& clock_;
  const std::string& actor_;
  const formats::EiwoLayouts& layouts_;
  const IwoSettings& settings_;
  const EiwoExportOptions& o_;
  std::string fips_;
  std::string state_;
  auth::Role auth_role_ = auth::Role::kCaseworker;
  std::string office_;
  std::string approver_role_;
  std::unordered_map<int64_t, bool> caseload_;  // case id → in the actor's caseload
  std::unordered_map<int64_t, bool> closed_;    // case id → closed
  std::map<std::string, Batch> batches_;        // by FEIN
  std::vector<EiwoControlNumber> reserved_;
  std::string partial_;
  bool renamed_ = false;
  bool keep_file_ = false;
  EiwoExportReport report_;
};

}  // namespace

std::string FormatControlNumber(std::string_view state_fips, int64_t seq) {
  std::string digits = std::to_string(seq);
  if (digits.size() < 17) digits.insert(0, 17 - digits.size(), '0');
  return std::string(state_fips) + "000" + digits;
}

Result<EiwoExportReport> ExportEiwo(Store& store, const Clock& clock, const std::string& actor,
                                    const formats::EiwoLayouts& layouts,
                                    const IwoSettings& settings, const EiwoExportOptions& options) {
  if (layouts.direction != formats::EiwoDirection::kIwo) {
    return InvalidArgument("eiwo_layout_direction", "an IWO export needs the IWO layouts");
  }
  return Exporter(store, clock, actor, layouts, settings, options).Run();
}

}  // namespace cse::iwo
