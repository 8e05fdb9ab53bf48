// Employer acknowledgment files in (iwo/eiwo_ack.h).
#include "iwo/eiwo_ack.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/files.h"
#include "iwo/iwo_terminate.h"
#include "iwo/settings.h"
#include "service/audit.h"
#include "service/json.h"

namespace cse::iwo {
namespace {

using formats::AckProblem;
using formats::AckRecord;

class AckImporter {
 public:
  AckImporter(Store& store, const Clock& clock, const std::string& actor,
              const formats::EiwoLayouts& layouts, const std::string& label)
      : store_(store), clock_(clock), actor_(actor), layouts_(layouts), label_(label) {
    report_.file = label;
  }

  Result<AckImportReport> Run(std::string_view text) {
    formats::AckFile parsed = formats::ParseAckFile(text, layouts_);
    report_.lines = parsed.lines;
    report_.file_control = parsed.file_control;
    report_.records = static_cast<int64_t>(parsed.records.size());
    if (parsed.problem_count > 0) {
      report_.problem_count = parsed.problem_count;
      report_.problems = std::move(parsed.problems);
      return std::move(report_);
    }
    created_ = parsed.created;
    RETURN_IF_ERROR(store_.Begin());
    Status s = Apply(parsed.records);
    if (!s.ok() || report_.problem_count > 0) {
      store_.Rollback();
      if (!s.ok()) return s;
      return Refused();
    }
    RETURN_IF_ERROR(store_.Commit());
    report_.committed = true;
    return std::move(report_);
  }

 private:
  Status Apply(const std::vector<AckRecord>& records) {
    ASSIGN_OR_RETURN(std::vector<Employer> employers, store_.ListEmployers());
    for (const Employer& e : employers) feins_[e.id.value] = e.fein;
    for (const AckRecord& a : records) {
      ASSIGN_OR_RETURN(IwoRecord * iwo, Match(a));
      if (iwo == nullptr) continue;
      RETURN_IF_ERROR(Record(a, *iwo));
    }
    if (report_.problem_count == 0) RETURN_IF_ERROR(EndOtherIwos());
    if (report_.problem_count == 0 && !changes_.empty()) {
      Json after{{"file", label_}, {"file_control", report_.file_control}, {"changes", changes_}};
      RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "eiwo.ack.import", "eiwo_ack_file",
                                  report_.file_control, "", after.dump()));
    }
    return Status::Ok();
  }

  void Problem(const AckRecord& a, std::string field, std::string reason, std::string message) {
    ++report_.problem_count;
    if (report_.problems.size() < formats::kEiwoProblemsMax) {
      report_.problems.push_back(
          AckProblem{a.record_number, std::move(field), std::move(reason), std::move(message)});
    }
  }

  Result<std::vector<IwoRecord>*> SentUnder(const std::string& control) {
    auto it = by_control_.find(control);
    if (it == by_control_.end()) {
      ASSIGN_OR_RETURN(std::vector<IwoRecord> rows, store_.ListIwosByControl(control));
      it = by_control_.emplace(control, std::move(rows)).first;
    }
    return &it->second;
  }

  // The IWO a record acknowledges, or nullptr after recording a problem. The IWO as the records
  // before this one in the file left it (Record updates it).
  Result<IwoRecord*> Match(const AckRecord& a) {
    ASSIGN_OR_RETURN(std::vector<IwoRecord> * sent, SentUnder(a.iwo_control));
    if (sent->empty()) {
      Problem(a, "iwo_control_number", "control_unknown",
              "no IWO was sent under control number '" + a.iwo_control + "'");
      return nullptr;
    }
    IwoRecord* iwo = nullptr;
    for (IwoRecord& r : *sent) {
      if (CaseDisplayId(r.case_id) == a.case_id) iwo = &r;
    }
    if (iwo == nullptr) {
      Problem(a, "case_id", "iwo_not_found",
              "no IWO for case '" + a.case_id + "' under control number " + a.iwo_control);
      return nullptr;
    }
    ASSIGN_OR_RETURN(Person obligor, store_.GetPerson(iwo->obligor));
    if (obligor.ssn != a.employee_ssn) {
      Problem(a, "employee_ssn", "ssn_mismatch",
              "the employee's SSN is not the obligor's on " + FormatDisplayId("IWO", iwo->id));
      return nullptr;
    }
    // The record's FEIN, else its batch or file header's (formats ParseAckFile).
    if (!a.employer_fein.empty() && feins_[iwo->employer.value] != a.employer_fein) {
      Problem(a, "employer_fein", "fein_mismatch",
              "FEIN " + a.employer_fein +
                  " (the record's, or its batch or file header's when the record gives none) "
                  "is not the employer of " +
                  FormatDisplayId("IWO", iwo->id) + " (" + feins_[iwo->employer.value] + ")");
      return nullptr;
    }
    if (formats::ActionCodeOf(iwo->kind) != a.action_code && !EmployerTermination(a, *iwo)) {
      Problem(a, "action_code", "action_code_mismatch",
              "action code " + a.action_code + " but " + FormatDisplayId("IWO", iwo->id) + " is " +
                  std::string(formats::ActionCodeOf(iwo->kind)));
      return nullptr;
    }
    // The date the record applies on, whichever it comes from (DateOf): a record without a
    // disposition date takes the file header's creation date, checked the same way.
    const Date when = DateOf(a);
    const std::string field =
        a.disposition_date || !created_ ? "disposition_date" : "creation_date";
    const std::string date_text = a.disposition_date || !created_
                                      ? "disposition date " + when.ToString()
                                      : "the file header's creation date " + when.ToString() +
                                            " (the record's date: it has no disposition date)";
    if (when > clock_.Today()) {
      Problem(a, field, "date_in_future",
              date_text + " is after today " + clock_.Today().ToString());
      return nullptr;
    }
    if (iwo->sent_date && when < *iwo->sent_date) {
      Problem(a, field, "ack_before_sent",
              date_text + " is before " + FormatDisplayId("IWO", iwo->id) + " was sent on " +
                  iwo->sent_date->ToString());
      return nullptr;
    }
    // One acknowledgment and one employer termination per IWO and file, applied in file order
    // (an employee hired and let go within one acknowledgment cycle: ORG accepted, then TRM).
    if (!seen_.insert({iwo->id, EmployerTermination(a, *iwo)}).second) {
      Problem(
          a, "case_id", "iwo_acknowledged_twice",
          FormatDisplayId("IWO", iwo->id) + " is " +
              (EmployerTermination(a, *iwo) ? "terminated by the employer (TRM)" : "acknowledged") +
              " twice in this file");
      return nullptr;
    }
    return iwo;
  }

  // The date a record applies on: its disposition date, else the file header's creation date,
  // else today. Match checks it.
  Date DateOf(const AckRecord& a) const {
    return a.disposition_date ? *a.disposition_date : created_ ? *created_ : clock_.Today();
  }

  // A TRM record answering an original or amended IWO: the employer's own termination notice
  // (the employee left; FACTS §1.3: employers send termination notices), not an
  // acknowledgment of a termination the state sent.
  static bool EmployerTermination(const AckRecord& a, const IwoRecord& iwo) {
    return a.action_code == "TRM" && (iwo.kind == "original" || iwo.kind == "amended");
  }

  Status Record(const AckRecord& a, IwoRecord& iwo) {
    if (EmployerTermination(a, iwo)) return RecordTermination(a, iwo);
    const std::string status = a.accepted ? "accepted" : "rejected";
    AckApplied applied{a.record_number, iwo.id, status, a.reason_code, a.reason, false, false};
    // An IWO accepted and then ended (by the employer's TRM, in this file's earlier import, or
    // by the state) still carries its acceptance: only an accepted IWO can have both.
    const bool accepted_then_ended =
        iwo.status == "ended" && iwo.ack_date && iwo.ack_reason_code.empty() && a.accepted;
    if ((iwo.status == status && iwo.ack_reason_code == a.reason_code) || accepted_then_ended) {
      applied.already = true;
      ++report_.already;
    } else if (iwo.status != "sent") {
      Problem(a, "disposition", NotApplicableCode(iwo),
              FormatDisplayId("IWO", iwo.id) + " is " + iwo.status +
                  (iwo.ack_reason_code.empty() ? "" : " (" + iwo.ack_reason_code + ")") +
                  (iwo.status == "ended" && !iwo.ack_date ? ", never acknowledged" : "") +
                  "; this record says " + status +
                  (a.reason_code.empty() ? "" : " (" + a.reason_code + ")"));
      return Status::Ok();
    } else {
      const Date when = DateOf(a);
      RETURN_IF_ERROR(store_.SetIwoAcknowledgment(iwo.id, status, when, a.reason_code, a.reason));
      if (!a.accepted) RETURN_IF_ERROR(RejectionEvent(a, iwo, when));
      iwo.status = status;
      iwo.ack_date = when;
      iwo.ack_reason_code = a.reason_code;
      iwo.ack_reason = a.reason;
      ++(a.accepted ? report_.accepted : report_.rejected);
      changes_.push_back(Json{{"iwo", FormatDisplayId("IWO", iwo.id)},
                              {"record", a.record_number},
                              {"status", status},
                              {"ack_date", when.ToString()},
                              {"reason_code", a.reason_code}});
    }
    if (!a.accepted) {
      ASSIGN_OR_RETURN(applied.task_created, Task(a, iwo));
    }
    if (report_.applied.size() < formats::kEiwoProblemsMax) report_.applied.push_back(applied);
    return Status::Ok();
  }

  // Why an acknowledgment cannot apply to an IWO that is not `sent` (and does not already
  // carry it): iwo_not_sent (pending), iwo_ended (ended before any acknowledgment: nothing
  // left to accept or reject), ack_conflict (another disposition is recorded).
  static std::string NotApplicableCode(const IwoRecord& iwo) {
    if (iwo.status == "pending") return "iwo_not_sent";
    if (iwo.status == "ended" && !iwo.ack_date) return "iwo_ended";
    return "ack_conflict";
  }

  // The employer ended the IWO: it becomes `ended` (reason employment_ended) dated by the
  // record, an `iwo_ended` event the same day, its employment ends (EndEmploymentOfIwo: not
  // employed there from that day), and a caseworker's task to find the income source again.
  // No termination notice goes back: the employer already stopped. An IWO already ended (by an
  // earlier import of this file, or by the state) is left as it is.
  Status RecordTermination(const AckRecord& a, IwoRecord& iwo) {
    AckApplied applied{a.record_number, iwo.id, "ended", a.reason_code, a.reason, false, false};
    if (iwo.status == "ended") {
      applied.already = true;
      ++report_.already;
    } else if (iwo.status != "sent" && iwo.status != "accepted") {
      Problem(a, "action_code", iwo.status == "pending" ? "iwo_not_sent" : "ack_conflict",
              FormatDisplayId("IWO", iwo.id) + " is " + iwo.status +
                  "; this record says the employer terminated it (TRM)");
      return Status::Ok();
    } else {
      const Date when = DateOf(a);
      const std::string note = "employer termination notice (e-IWO TRM) under control number " +
                               a.iwo_control +
                               (a.reason_code.empty() ? "" : ", reason " + a.reason_code);
      const std::string reason(Name(IwoEndReason::kEmploymentEnded));
      RETURN_IF_ERROR(store_.EndIwo(Store::IwoEnd{iwo.id, when, reason, note}));
      RETURN_IF_ERROR(
          InsertIwoEndedEvent(store_, iwo, feins_[iwo.employer.value], when, reason).status());
      ASSIGN_OR_RETURN(const std::vector<EmploymentEnded> jobs,
                       EndEmploymentOfIwo(store_, iwo, when));
      terminated_.push_back(Terminated{a.record_number, iwo, when, note, jobs});
      iwo.status = "ended";
      ++report_.ended;
      changes_.push_back(Json{{"iwo", FormatDisplayId("IWO", iwo.id)},
                              {"record", a.record_number},
                              {"status", "ended"},
                              {"end_date", when.ToString()},
                              {"end_reason", reason},
                              {"reason_code", a.reason_code},
                              {"employments_ended", EmploymentsEndedJson(jobs)}});
      ASSIGN_OR_RETURN(applied.task_created, EndedTask(a, iwo, when));
    }
    if (report_.applied.size() < formats::kEiwoProblemsMax) report_.applied.push_back(applied);
    return Status::Ok();
  }

  // The obligor's other IWOs with the employer of each IWO the employer terminated in this file,
  // once every record is applied (an acceptance of one later in the file comes first): ended
  // when the obligor no longer works there (EndOtherIwosAtEmployer), each a change in the audit
  // row and a task.
  Status EndOtherIwos() {
    if (terminated_.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(const IwoSettings settings, LoadIwoSettings(store_));
    const NoticeTerms terms{settings.due_business_days, BusinessCalendar(settings.state_holidays)};
    for (const Terminated& t : terminated_) {
      const std::string note = "ended with " + FormatDisplayId("IWO", t.iwo.id) + ": " + t.note;
      // The employments this file's terminations ended by t's date no longer count as open
      // there, even one ended the day it started (its last day that date).
      std::vector<EmploymentEnded> jobs_ended;
      for (const Terminated& u : terminated_) {
        if (u.when <= t.when) jobs_ended.insert(jobs_ended.end(), u.jobs.begin(), u.jobs.end());
      }
      ASSIGN_OR_RETURN(
          const std::vector<IwoEndedWith> others,
          EndOtherIwosAtEmployer(store_, clock_, actor_, t.iwo, feins_[t.iwo.employer.value],
                                 t.when, note, terms, jobs_ended));
      for (const IwoEndedWith& o : others) {
        changes_.push_back(
            Json{{"iwo", FormatDisplayId("IWO", o.iwo.id)},
                 {"record", t.record_number},
                 {"status", "ended"},
                 {"end_date", o.end_date.ToString()},
                 {"end_reason", std::string(Name(IwoEndReason::kEmploymentEnded))},
                 {"ended_with", FormatDisplayId("IWO", t.iwo.id)},
                 {"termination_notice",
                  o.notice ? Json(FormatDisplayId("IWO", o.notice->id)) : Json(nullptr)}});
        ASSIGN_OR_RETURN(
            const bool task,
            Task("iwo_ended_by_employer", o.iwo, "IWO ended: the employment ended",
                 "ended on " + o.end_date.ToString() + " with " + FormatDisplayId("IWO", t.iwo.id) +
                     ", which the employer terminated"));
        ++report_.other_ended;
        if (report_.other_iwos_ended.size() < formats::kEiwoProblemsMax) {
          report_.other_iwos_ended.push_back(AckOtherEnded{t.record_number, o, task});
        }
      }
    }
    return Status::Ok();
  }

  // The dated case event of a rejection (kind "iwo_rejected", ai::kIwoRejectedEvent): the risk
  // model's "withholding in place" (ai kIwoActive) and its key factor stop counting the IWO
  // from `when` on, and a score as of an earlier day still sees it (no leakage).
  Status RejectionEvent(const AckRecord& a, const IwoRecord& iwo, Date when) {
    CaseEvent ev;
    ev.person = iwo.obligor;
    ev.case_id = iwo.case_id;
    ev.date = when;
    ev.kind = "iwo_rejected";
    ev.detail = "employer_fein=" + feins_[iwo.employer.value] + " iwo=" + std::to_string(iwo.id) +
                (a.reason_code.empty() ? std::string() : " reason=" + a.reason_code);
    return store_.InsertCaseEvent(ev).status();
  }

  // The caseworker's task `kind` about `iwo`, once per IWO (key "<kind>:<iwo id>"), assigned as
  // the nightly batch assigns (IwoTasks). True when created now.
  Result<bool> Task(std::string_view kind, const IwoRecord& iwo, std::string title,
                    const std::string& what) {
    ASSIGN_OR_RETURN(const bool created,
                     tasks_.Add(kind, iwo, feins_[iwo.employer.value], std::move(title), what));
    if (created) ++report_.tasks_created;
    return created;
  }

  // The task for a rejection.
  Result<bool> Task(const AckRecord& a, const IwoRecord& iwo) {
    return Task("iwo_rejected", iwo, "IWO rejected by the employer",
                "was rejected: " + a.reason_code + " " + a.reason);
  }

  // The task for an employer's termination.
  Result<bool> EndedTask(const AckRecord& a, const IwoRecord& iwo, Date when) {
    return Task("iwo_ended_by_employer", iwo, "IWO ended by the employer",
                "was terminated by the employer on " + when.ToString() +
                    (a.reason_code.empty() ? "" : " (" + a.reason_code + ")"));
  }

  // A refused file: nothing was written.
  AckImportReport Refused() {
    report_.accepted = report_.rejected = report_.ended = report_.already = 0;
    report_.other_ended = 0;
    report_.tasks_created = 0;
    report_.applied.clear();
    report_.other_iwos_ended.clear();
    return std::move(report_);
  }

  Store& store_;
  const Clock& clock_;
  const std::string& actor_;
  const formats::EiwoLayouts& layouts_;
  const std::string& label_;
  AckImportReport report_;
  std::optional<Date> created_;
  std::unordered_map<int64_t, std::string> feins_;
  IwoTasks tasks_{store_, clock_};
  std::map<std::string, std::vector<IwoRecord>> by_control_;
  std::set<std::pair<int64_t, bool>> seen_;  // (IWO id, an employer termination)
  // An IWO newly ended by the employer's TRM, as it was before.
  struct Terminated {
    int64_t record_number = 0;
    IwoRecord iwo;
    Date when;
    std::string note;
    std::vector<EmploymentEnded> jobs;  // the employments it ended (EndEmploymentOfIwo)
  };
  std::vector<Terminated> terminated_;  // in file order
  Json changes_ = Json::array();
};

}  // namespace

Result<AckImportReport> ImportEiwoAck(Store& store, const Clock& clock, const std::string& actor,
                                      const formats::EiwoLayouts& layouts, const std::string& label,
                                      std::string_view text) {
  if (layouts.direction != formats::EiwoDirection::kAck) {
    return InvalidArgument("eiwo_layout_direction", "an acknowledgment import needs ack layouts");
  }
  return AckImporter(store, clock, actor, layouts, label).Run(text);
}

Result<AckImportReport> ImportEiwoAckFile(Store& store, const Clock& clock,
                                          const std::string& actor,
                                          const formats::EiwoLayouts& layouts,
                                          const std::string& path) {
  RETURN_IF_ERROR(CheckInputFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("file_not_found", "cannot open '" + path + "'");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > kAckFileBytesMax) {
    return ResourceExhausted("file_too_large", "'" + path + "' is larger than " +
                                                   std::to_string(kAckFileBytesMax) + " bytes");
  }
  in.seekg(0);
  std::string text(static_cast<size_t>(size > 0 ? size : 0), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return ImportEiwoAck(store, clock, actor, layouts, path, text);
}

}  // namespace cse::iwo
