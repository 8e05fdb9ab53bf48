// New-hire file → matching → employment, review records and IWOs due in 2 business days.
#include "iwo/newhire.h"

#include <gtest/gtest.h>

#include <map>

#include "iwo/iwo_terminate.h"
#include "testing/fault_store.h"
#include "testing/fixture.h"

namespace cse::iwo {
namespace {

std::string Line(const std::map<int, std::string>& fields) {
  std::string s(801, ' ');
  for (const auto& [pos, text] : fields) s.replace(static_cast<size_t>(pos - 1), text.size(), text);
  return s;
}

// A W-4 record (FACTS §2.3 positions).
std::string W4(const std::string& ssn, const std::string& first, const std::string& last,
               const std::string& dob, const std::string& fein, const std::string& hired) {
  return Line(
      {{1, "W4"}, {3, ssn}, {12, first}, {44, last}, {272, dob}, {280, hired}, {290, fein}});
}

const std::string kHeader = "H404         W4 0120240627000001";

class NewHireImportTest : public ::testing::Test {
 protected:
  // Friday 2024-06-28: two business days later is Tuesday 2024-07-02.
  NewHireImportTest() : world_(":memory:", Date::Ymd(2024, 6, 28)) {}

  PersonId PersonWith(const std::string& first, const std::string& last, const std::string& ssn,
                      std::optional<Date> dob = std::nullopt) {
    Person p;
    p.first_name = first;
    p.last_name = last;
    p.ssn = ssn;
    p.date_of_birth = dob;
    auto id = world_.service().AddPerson(p);
    CSE_CHECK(id.ok(), "AddPerson");
    return *id;
  }

  void SetUp() override {
    // A: owes 500/month since January, never paid: arrears older than 12 weeks.
    a_ = PersonWith("Sam", "Doe", "123456789");
    case_a_ = world_.SimpleCase(a_, 50'000, Date::Ymd(2024, 1, 1));
    // B: order from June, paid: no aged arrears.
    b_ = PersonWith("Bo", "Poe", "234567891");
    case_b_ = world_.SimpleCase(b_, 30'000, Date::Ymd(2024, 6, 1));
    ASSERT_TRUE(world_.Pay("P1", case_b_, 30'000, Date::Ymd(2024, 6, 3)).ok());
    // C: an obligor whose case has no order.
    c_ = PersonWith("Cy", "Coe", "345678912");
    NewCase nc;
    nc.obligor = c_;
    nc.obligee = PersonWith("Di", "Coe", "");
    ASSERT_TRUE(world_.service().AddCase(nc).ok());
    // E: an obligor with no SSN on file, known by name and date of birth.
    e_ = PersonWith("Ana", "Roe", "", Date::Ymd(1984, 2, 29));
    world_.SimpleCase(e_, 20'000, Date::Ymd(2024, 1, 1));
  }

  std::string File() {
    return kHeader + "\n" + W4("123456789", "SAM", "DOE", "19800115", "111111111", "20240610") +
           "\n" +                                                                       // 2
           W4("234567891", "BO", "POE", "", "111111111", "20240612") + "\n" +           // 3
           W4("345678912", "CY", "COE", "", "222222222", "20240612") + "\n" +           // 4
           W4("456789123", "ANA", "ROE", "19840229", "222222222", "20240614") + "\n" +  // 5
           W4("567891234", "NO", "BODY", "19700101", "222222222", "20240614") + "\n" +  // 6
           W4("12345678X", "BAD", "SSN", "", "222222222", "20240614") + "\n" +          // 7
           W4("123456789", "SAM", "DOE", "19800115", "111111111", "20240610") + "\n";   // 8
  }

  Result<NewHireReport> Import(Store& store, int64_t batch = 10'000, const std::string& text = "") {
    NewHireImporter importer(store, world_.clock(), "clerk");
    NewHireOptions o;
    o.file_label = "nh.txt";
    o.batch_records = batch;
    auto layout = formats::LoadNewHireLayout("w4");
    CSE_CHECK(layout.ok(), "layout");
    return importer.ImportBuffer(text.empty() ? File() : text,
                                 *formats::NewHireParser::Create(*layout), o);
  }

  testing::World world_;
  PersonId a_, b_, c_, e_;
  CaseId case_a_, case_b_;
};

TEST_F(NewHireImportTest, MatchesRecordsEmploymentAndIssuesIwosDueInTwoBusinessDays) {
  auto rep = Import(world_.store());
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->counts.records, 6);
  EXPECT_EQ(rep->counts.rejected, 1);
  ASSERT_EQ(rep->rejections.size(), 1u);
  EXPECT_EQ(rep->rejections[0].record_number, 7);
  EXPECT_EQ(rep->rejections[0].field, "ssn");
  EXPECT_EQ(rep->matched, 4);  // A (twice), B, C
  EXPECT_EQ(rep->review, 1);   // E by name + DOB
  EXPECT_EQ(rep->unmatched, 1);
  EXPECT_EQ(rep->no_order, 1);     // C
  EXPECT_EQ(rep->iwo_already, 1);  // A's second report
  EXPECT_EQ(rep->iwos_issued, 2);
  EXPECT_EQ(rep->employers_created, 2);
  EXPECT_EQ(rep->employments_created, 3);  // A, B, C (A's duplicate report adds nothing)
  EXPECT_EQ(rep->entry_date, Date::Ymd(2024, 6, 28));
  EXPECT_EQ(rep->due_date, Date::Ymd(2024, 7, 2));

  auto iwos = world_.store().ListIwos("", 0, 100);
  ASSERT_TRUE(iwos.ok());
  ASSERT_EQ(iwos->size(), 2u);
  const IwoRecord& ia = (*iwos)[0];
  EXPECT_EQ(ia.case_id, case_a_);
  EXPECT_EQ(ia.status, "pending");
  EXPECT_EQ(ia.due_date, Date::Ymd(2024, 7, 2));
  EXPECT_EQ(ia.current_monthly, Money::FromCents(50'000));
  EXPECT_TRUE(ia.arrears_over_12_weeks);
  EXPECT_GT(ia.employment_id, 0);
  const IwoRecord& ib = (*iwos)[1];
  EXPECT_EQ(ib.case_id, case_b_);
  EXPECT_FALSE(ib.arrears_over_12_weeks);

  auto jobs = world_.store().ListEmploymentByPerson(a_);
  ASSERT_TRUE(jobs.ok());
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].start_date, Date::Ymd(2024, 6, 10));
  auto events = world_.store().ListCaseEventsByPerson(a_);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].kind, "new_hire");
  EXPECT_EQ((*events)[1].kind, "iwo_issued");
  EXPECT_NE((*events)[1].detail.find("employer_fein=111111111"), std::string::npos);

  auto reviews = world_.store().ListNewHireReviews("open", 0, 10);
  ASSERT_TRUE(reviews.ok());
  ASSERT_EQ(reviews->size(), 1u);
  EXPECT_EQ((*reviews)[0].candidate, e_);
  EXPECT_EQ((*reviews)[0].record_number, 5);
  EXPECT_EQ((*reviews)[0].reported_ssn, "456789123");
  // The fallback never acts: no employment for E.
  EXPECT_TRUE(world_.store().ListEmploymentByPerson(e_)->empty());

  auto audit = world_.store().LastAudit();
  ASSERT_TRUE(audit.ok() && audit->has_value());
  EXPECT_EQ((*audit)->action, "newhire.import");
}

// A job that starts after today is not a new hire yet: the record is rejected with its
// field (before, it recorded an employment starting then and issued an IWO due this week).
TEST_F(NewHireImportTest, AHireDateAfterTodayIsRejectedAndActsOnNothing) {
  NewHireImporter importer(world_.store(), world_.clock(), "clerk");
  NewHireOptions o;
  o.file_label = "future.txt";
  auto layout = formats::LoadNewHireLayout("w4");
  ASSERT_TRUE(layout.ok());
  // With a byte-order mark before the header, which is skipped.
  const std::string file = "\xEF\xBB\xBF" + kHeader + "\n" +
                           W4("123456789", "SAM", "DOE", "19800115", "111111111", "21991231") +
                           "\n" + W4("234567891", "BO", "POE", "", "111111111", "20240628") + "\n";
  auto rep = importer.ImportBuffer(file, *formats::NewHireParser::Create(*layout), o);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->counts.headers, 1);
  EXPECT_EQ(rep->counts.records, 1);
  EXPECT_EQ(rep->counts.rejected, 1);
  ASSERT_EQ(rep->rejections.size(), 1u);
  EXPECT_EQ(rep->rejections[0].record_number, 2);
  EXPECT_EQ(rep->rejections[0].field, "hire_date");
  EXPECT_EQ(rep->rejections[0].reason, "date_in_future");
  EXPECT_TRUE(world_.store().ListEmploymentByPerson(a_)->empty());
  // Today's hire is acted on.
  EXPECT_EQ(world_.store().ListEmploymentByPerson(b_)->size(), 1u);
  EXPECT_EQ(rep->iwos_issued, 1);
}

TEST_F(NewHireImportTest, RerunningTheFileRecordsNothingTwice) {
  ASSERT_TRUE(Import(world_.store()).ok());
  auto again = Import(world_.store(), 2);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->iwos_issued, 0);
  EXPECT_EQ(again->iwo_already, 3);
  EXPECT_EQ(again->employments_created, 0);
  EXPECT_EQ(again->employers_created, 0);
  EXPECT_EQ(world_.store().ListIwos("", 0, 100)->size(), 2u);
  EXPECT_EQ(world_.store().ListNewHireReviews("", 0, 100)->size(), 1u);
  EXPECT_EQ(world_.store().ListEmploymentByPerson(a_)->size(), 1u);
}

// Re-running the file after its IWOs ended (`iwo terminate`) or were rejected by the employer
// issued them again for the same employment (QA): an employment gets one IWO, whatever became
// of it. A rehire by the same employer (a new hire date) is a new employment and gets one.
TEST_F(NewHireImportTest, RerunningTheFileAfterItsIwosEndedIssuesNoneAgain) {
  ASSERT_TRUE(Import(world_.store()).ok());
  auto iwos = world_.store().ListIwos("", 0, 100);
  ASSERT_TRUE(iwos.ok());
  ASSERT_EQ(iwos->size(), 2u);
  const int64_t ia = (*iwos)[0].id;
  const int64_t ib = (*iwos)[1].id;
  TerminateRequest q;
  q.iwo_id = ia;
  q.end_date = world_.clock().Today();
  q.reason = IwoEndReason::kObligorRequestCourt;
  auto ended = TerminateIwo(world_.store(), world_.clock(), "clerk", q);
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  ASSERT_TRUE(world_.store().MarkIwoSent(ib, world_.clock().Today(), "C1", "F1").ok());
  ASSERT_TRUE(
      world_.store()
          .SetIwoAcknowledgment(ib, "rejected", world_.clock().Today(), "NE", "Not an employee")
          .ok());

  auto again = Import(world_.store());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->iwos_issued, 0);
  // Counted apart from an IWO still in place (before, all three were "already active").
  EXPECT_EQ(again->iwo_previously_ended, 3);  // A twice (ended), B (rejected)
  EXPECT_EQ(again->iwo_already, 0);
  EXPECT_EQ(world_.store().ListIwos("", 0, 100)->size(), 2u);
  EXPECT_FALSE(*world_.store().HasIwoForHire(case_a_, (*iwos)[0].employer, Date::Ymd(2024, 6, 11)));
  EXPECT_TRUE(*world_.store().HasIwoForHire(case_a_, (*iwos)[0].employer, Date::Ymd(2024, 6, 10)));

  // Rehired by the same employer later: a new employment, a new IWO.
  auto rehire = Import(
      world_.store(), 10'000,
      kHeader + "\n" + W4("123456789", "SAM", "DOE", "19800115", "111111111", "20240624") + "\n");
  ASSERT_TRUE(rehire.ok()) << rehire.status().ToString();
  EXPECT_EQ(rehire->iwos_issued, 1);
  EXPECT_EQ(rehire->employments_created, 1);
  ASSERT_EQ(rehire->iwos.size(), 1u);
  EXPECT_EQ(rehire->iwos[0].case_id, case_a_);
}

// `iwo_already_active` counts an IWO still in place (pending, sent, accepted) only; a hire whose
// IWO for it was ended or rejected is `iwo_previously_ended` (before, both were counted as
// already active, telling the operator withholding was in place when it was not).
TEST_F(NewHireImportTest, AnActiveIwoAndAnEndedOneAreCountedApart) {
  ASSERT_TRUE(Import(world_.store()).ok());
  const std::vector<IwoRecord> iwos = *world_.store().ListIwos("", 0, 100);
  ASSERT_EQ(iwos.size(), 2u);
  ASSERT_EQ(iwos[0].case_id, case_a_);
  TerminateRequest q;
  q.iwo_id = iwos[0].id;
  q.end_date = world_.clock().Today();
  q.reason = IwoEndReason::kOrderEnded;
  auto ended = TerminateIwo(world_.store(), world_.clock(), "clerk", q);
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  ASSERT_TRUE(world_.store().MarkIwoSent(iwos[1].id, world_.clock().Today(), "C1", "F1").ok());

  auto again = Import(world_.store());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->iwos_issued, 0);
  EXPECT_EQ(again->iwo_already, 1);           // B: sent, still in place
  EXPECT_EQ(again->iwo_previously_ended, 2);  // A's two records: its IWO ended
  EXPECT_EQ(again->no_order, 1);              // C
  EXPECT_EQ(again->matched, 4);
}

TEST_F(NewHireImportTest, AFailedCommitLeavesNothingAndARetryCompletes) {
  testing::FaultStore faulty(world_.store());
  faulty.FailNextCommit(testing::FaultStore::Fault::kFailBeforeCommit);
  auto failed = Import(faulty);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().reason(), "store_io");
  EXPECT_TRUE(world_.store().ListIwos("", 0, 100)->empty());
  EXPECT_TRUE(world_.store().ListEmploymentByPerson(a_)->empty());
  auto retry = Import(faulty);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_EQ(retry->iwos_issued, 2);
  EXPECT_EQ(retry->employers_created, 2);
}

TEST_F(NewHireImportTest, BadOptionsAreRefused) {
  NewHireImporter importer(world_.store(), world_.clock(), "clerk");
  NewHireOptions o;
  o.batch_records = 0;
  auto parser = formats::NewHireParser::Create(*formats::LoadNewHireLayout("w4"));
  EXPECT_EQ(importer.ImportBuffer("", *parser, o).status().reason(), "batch_records_invalid");
  o.batch_records = 10;
  EXPECT_EQ(importer.ImportFile("/nonexistent/nh.txt", *parser, o).status().reason(),
            "file_not_found");
}

// QA 2026-12: an arrears payback order went into the IWO (e-IWO field 6a, the PDF) in full
// when nothing was past due: 500.00 current and 100.00 arrears a month for an obligor who owed
// no arrears. The payback withheld is at most the arrears owed as of entry.
TEST_F(NewHireImportTest, ArrearsPaybackIsNeverMoreThanTheArrearsOwed) {
  const auto payback = [&](CaseId c) {
    Order o;
    o.case_id = c;
    o.type = ObligationType::kArrearsPayback;
    o.amount = Money::FromCents(10'000);
    o.judgment = Money::FromCents(30'000);
    o.effective_date = Date::Ymd(2024, 1, 1);
    ASSERT_TRUE(world_.service().AddOrder(o, std::nullopt).ok());
  };
  // F: 500.00 from June and a 300.00 judgment, all paid: nothing past due.
  const PersonId f = PersonWith("Fay", "Foe", "678912345");
  const CaseId case_f = world_.SimpleCase(f, 50'000, Date::Ymd(2024, 6, 1));
  payback(case_f);
  ASSERT_TRUE(world_.Pay("F1", case_f, 80'000, Date::Ymd(2024, 6, 15)).ok());
  // G: the same with 50.00 of the judgment still owed.
  const PersonId g = PersonWith("Gil", "Goe", "789123456");
  const CaseId case_g = world_.SimpleCase(g, 50'000, Date::Ymd(2024, 6, 1));
  payback(case_g);
  ASSERT_TRUE(world_.Pay("G1", case_g, 75'000, Date::Ymd(2024, 6, 15)).ok());
  // H: only the payback order, paid off: nothing to withhold at all.
  const PersonId h = PersonWith("Hal", "Hoe", "891234567");
  NewCase nc;
  nc.obligor = h;
  nc.obligee = PersonWith("Ida", "Hoe", "");
  const CaseId case_h = *world_.service().AddCase(nc);
  payback(case_h);
  ASSERT_TRUE(world_.Pay("H1", case_h, 30'000, Date::Ymd(2024, 6, 15)).ok());

  NewHireImporter importer(world_.store(), world_.clock(), "clerk");
  NewHireOptions o;
  o.file_label = "payback.txt";
  const std::string file = kHeader + "\n" +
                           W4("678912345", "FAY", "FOE", "", "111111111", "20240620") + "\n" +
                           W4("789123456", "GIL", "GOE", "", "111111111", "20240620") + "\n" +
                           W4("891234567", "HAL", "HOE", "", "111111111", "20240620") + "\n";
  auto rep = importer.ImportBuffer(
      file, *formats::NewHireParser::Create(*formats::LoadNewHireLayout("w4")), o);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->matched, 3);
  EXPECT_EQ(rep->iwos_issued, 2);
  EXPECT_EQ(rep->no_order, 1);  // H: nothing to withhold
  auto iwos = world_.store().ListIwos("", 0, 100);
  ASSERT_TRUE(iwos.ok());
  ASSERT_EQ(iwos->size(), 2u);
  EXPECT_EQ((*iwos)[0].case_id, case_f);
  EXPECT_EQ((*iwos)[0].current_monthly, Money::FromCents(50'000));
  EXPECT_EQ((*iwos)[0].arrears_monthly, Money());  // was 100.00
  EXPECT_EQ((*iwos)[1].case_id, case_g);
  EXPECT_EQ((*iwos)[1].arrears_monthly, Money::FromCents(5'000));  // was 100.00
  ASSERT_EQ(rep->iwos.size(), 2u);
  EXPECT_EQ(rep->iwos[0].arrears_monthly, Money());
}

// An income_withholding enforcement action, when issued, gets its IWO through the same code
// (enforce/action_service.cc): one per current employer, skipping one already active.
TEST_F(NewHireImportTest, IwosForAnEnforcementActionGoToEachCurrentEmployer) {
  Store& store = world_.store();
  const auto issue = [&](CaseId c) {
    EXPECT_TRUE(store.Begin().ok());
    auto r = IssueIwosForCase(store, world_.clock(), "cal", c, world_.clock().Today());
    if (r.ok()) {
      EXPECT_TRUE(store.Commit().ok());
    } else {
      store.Rollback();
    }
    return r;
  };
  // No employment on file: refused, nothing written.
  auto none = issue(case_a_);
  EXPECT_EQ(none.status().reason(), "no_current_employer") << none.status().ToString();
  EXPECT_NE(none.status().message().find("PRS-"), std::string::npos);
  Employer e;
  e.fein = "333333333";
  e.name = "CALDER MILLS";
  const EmployerId mills = *store.UpsertEmployer(e);
  Employment ended;
  ended.person = a_;
  ended.employer = mills;
  ended.start_date = Date::Ymd(2023, 1, 1);
  ended.end_date = Date::Ymd(2024, 5, 31);
  ASSERT_TRUE(store.InsertEmployment(ended).ok());
  EXPECT_EQ(issue(case_a_).status().reason(), "no_current_employer");  // that job ended
  EXPECT_TRUE(store.ListIwos("", 0, 100)->empty());

  Employment job = ended;
  job.start_date = Date::Ymd(2024, 6, 3);
  job.end_date.reset();
  const int64_t job_id = *store.InsertEmployment(job);
  auto made = issue(case_a_);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_EQ(made->size(), 1u);
  auto iwos = store.ListIwos("", 0, 100);
  ASSERT_EQ(iwos->size(), 1u);
  const IwoRecord& iwo = iwos->front();
  EXPECT_EQ(iwo.id, (*made)[0].iwo_id);
  EXPECT_EQ(iwo.case_id, case_a_);
  EXPECT_EQ(iwo.employer, mills);
  EXPECT_EQ(iwo.employment_id, job_id);
  EXPECT_EQ(iwo.status, "pending");
  EXPECT_EQ(iwo.source, "enforcement");
  EXPECT_EQ(iwo.created_by, "cal");
  EXPECT_EQ(iwo.due_date, Date::Ymd(2024, 7, 2));  // 2 business days after Friday 28 June
  EXPECT_EQ(iwo.current_monthly, Money::FromCents(50'000));
  EXPECT_TRUE(iwo.arrears_over_12_weeks);
  auto events = store.ListCaseEventsByPerson(a_);
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->back().kind, "iwo_issued");
  EXPECT_NE(events->back().detail.find("employer_fein=333333333 iwo=" + std::to_string(iwo.id)),
            std::string::npos)
      << events->back().detail;
  // One active IWO per case and employer.
  EXPECT_EQ(issue(case_a_).status().reason(), "iwo_already_active");
  EXPECT_EQ(store.ListIwos("", 0, 100)->size(), 1u);
}

}  // namespace
}  // namespace cse::iwo
