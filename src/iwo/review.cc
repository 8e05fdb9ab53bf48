// New-hire review decisions (iwo/review.h).
#include "iwo/review.h"

#include <utility>

#include "core/text.h"
#include "domain/validate.h"
#include "service/audit.h"
#include "service/json.h"
#include "service/staff_rule.h"
#include "storage/transaction.h"

namespace cse::iwo {
namespace {

Status CheckReason(const std::string& reason, bool required) {
  if (required && IsBlank(reason)) {
    return InvalidArgument("reason_missing", "a reason is required to dismiss a review");
  }
  if (CharacterCount(reason) > static_cast<int64_t>(kDecisionReasonLengthMax)) {
    return InvalidArgument(
        "reason_too_long",
        "the reason is longer than " + std::to_string(kDecisionReasonLengthMax) + " characters");
  }
  // Printable UTF-8: the reason goes into the audit trail.
  return ValidateText("reason", reason,
                      {.max_chars = static_cast<int64_t>(kDecisionReasonLengthMax)});
}

Json ReviewJson(const NewHireReview& r) {
  return Json{{"id", r.id},
              {"file", r.file},
              {"record", r.record_number},
              {"candidate_id", PersonDisplayId(r.candidate)},
              {"employer_id", r.employer.value},
              {"hire_date", r.hire_date.ToString()},
              {"status", r.status}};
}

// Reads the review and checks it is open. Inside the transaction.
Result<NewHireReview> OpenReview(Store& store, int64_t id) {
  ASSIGN_OR_RETURN(NewHireReview review, store.GetNewHireReview(id));
  if (review.status != "open") {
    return FailedPrecondition("review_already_decided", "new-hire review " + std::to_string(id) +
                                                            " was already " + review.status);
  }
  return review;
}

NewHireReviewDecision Decision(const Clock& clock, const std::string& actor, int64_t id,
                               std::string status, std::string reason) {
  return NewHireReviewDecision{id, std::move(status), clock.NowIso(), actor, std::move(reason)};
}

std::string Last4(const std::string& ssn) {
  return ssn.size() >= 4 ? ssn.substr(ssn.size() - 4) : ssn;
}

// Gives the candidate the employer-reported SSN when they have none, so the IWO the
// confirmation issues carries it (an IWO with a blank SSN is never acknowledged, and the
// withholding the employer sends under that SSN would be held as ssn_not_found). A candidate
// with another SSN is refused. True when the SSN was recorded. Inside the transaction.
Result<bool> RecordReportedSsn(Store& store, const Clock& clock, const std::string& actor,
                               const NewHireReview& review) {
  const std::string& reported = review.reported_ssn;
  if (reported.empty()) return false;
  ASSIGN_OR_RETURN(Person candidate, store.GetPerson(review.candidate));
  if (candidate.ssn == reported) return false;
  if (!candidate.ssn.empty()) {
    return FailedPrecondition(
        "review_ssn_conflict",
        "new-hire review " + std::to_string(review.id) + ": the employer reported SSN ending " +
            Last4(reported) + " but " + PersonDisplayId(candidate.id) + " has SSN ending " +
            Last4(candidate.ssn) +
            " on file; dismiss the review, or correct the person's SSN and import again");
  }
  RETURN_IF_ERROR(store.SetPersonSsn(candidate.id, reported));
  const Json before{{"ssn_last4", ""}};
  const Json after{{"ssn_last4", Last4(reported)}, {"newhire_review", review.id}};
  RETURN_IF_ERROR(AppendAudit(store, clock, actor, "person.set_ssn", "person",
                              PersonDisplayId(candidate.id), before.dump(), after.dump()));
  return true;
}

}  // namespace

Result<ReviewDecisionResult> ConfirmNewHireReview(Store& store, const Clock& clock,
                                                  const std::string& actor, int64_t review_id,
                                                  const std::string& reason,
                                                  const BusinessCalendar& calendar,
                                                  const NewHireOptions& options) {
  RETURN_IF_ERROR(CheckReason(reason, /*required=*/false));
  return InTransaction(store, [&]() -> Result<ReviewDecisionResult> {
    // Deciding issues or forgoes withholding from a person.
    RETURN_IF_ERROR(RequireCaseworkOnceStaffed(store, actor, "decide a new-hire review"));
    ReviewDecisionResult out;
    ASSIGN_OR_RETURN(out.review, OpenReview(store, review_id));
    ASSIGN_OR_RETURN(out.ssn_recorded, RecordReportedSsn(store, clock, actor, out.review));
    formats::NewHireRecord record;
    record.record_number = out.review.record_number;
    record.ssn = out.review.reported_ssn;
    record.date_of_birth = out.review.reported_dob;
    record.hire_date = out.review.hire_date;
    ASSIGN_OR_RETURN(record.employer_fein, store.GetEmployerFein(out.review.employer));
    NewHireOptions o = options;
    o.file_label = out.review.file;
    NewHireImporter importer(store, clock, actor, calendar);
    ASSIGN_OR_RETURN(out.report, importer.ActOnConfirmedMatch(record, out.review.candidate, o));
    out.decision = Decision(clock, actor, review_id, "confirmed", reason);
    RETURN_IF_ERROR(store.DecideNewHireReview(out.decision));
    Json iwos = Json::array();
    for (const IssuedIwo& i : out.report.iwos) iwos.push_back(i.iwo_id);
    const Json after{{"status", "confirmed"},
                     {"reason", reason},
                     {"employments", out.report.employments_created},
                     {"iwos", iwos},
                     {"no_order", out.report.no_order},
                     {"ssn_recorded", out.ssn_recorded},
                     {"iwo_already", out.report.iwo_already}};
    RETURN_IF_ERROR(AppendAudit(store, clock, actor, "newhire_review.confirm", "newhire_review",
                                std::to_string(review_id), ReviewJson(out.review).dump(),
                                after.dump()));
    return out;
  });
}

Result<ReviewDecisionResult> DismissNewHireReview(Store& store, const Clock& clock,
                                                  const std::string& actor, int64_t review_id,
                                                  const std::string& reason) {
  RETURN_IF_ERROR(CheckReason(reason, /*required=*/true));
  return InTransaction(store, [&]() -> Result<ReviewDecisionResult> {
    // Deciding issues or forgoes withholding from a person.
    RETURN_IF_ERROR(RequireCaseworkOnceStaffed(store, actor, "decide a new-hire review"));
    ReviewDecisionResult out;
    ASSIGN_OR_RETURN(out.review, OpenReview(store, review_id));
    out.decision = Decision(clock, actor, review_id, "dismissed", reason);
    RETURN_IF_ERROR(store.DecideNewHireReview(out.decision));
    const Json after{{"status", "dismissed"}, {"reason", reason}};
    RETURN_IF_ERROR(AppendAudit(store, clock, actor, "newhire_review.dismiss", "newhire_review",
                                std::to_string(review_id), ReviewJson(out.review).dump(),
                                after.dump()));
    return out;
  });
}

}  // namespace cse::iwo
