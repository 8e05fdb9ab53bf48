// What ending an IWO does beyond the IWO (iwo/iwo_terminate.h, iwo/eiwo_ack.h), against a real
// SQLite store:
//   * an IWO ended because the employment ended (`iwo terminate --reason employment_ended`, or
//     the employer's own TRM record) ends the employment too, so neither the risk model nor
//     enforcement still sees a current employer without withholding, and no new IWO goes to the
//     same employer the same day; the audit trail names it and still replays clean;
//   * the job is the obligor's: a `job_ended` event per employment ended, and every other IWO of
//     the obligor with that employer ends with it (notice, event, audit row, all or nothing),
//     except while any employment there is still open (a rehire), whichever one an IWO names; a
//     job ended the day it started counts as ended; the commands list them, and another
//     caseworker's IWO ended by `iwo terminate` gets them a task;
//   * an acknowledgment record without a disposition date is dated by the file header, checked
//     as a disposition date is (date_in_future, ack_before_sent);
//   * `iwo terminate` keeps to the actor's office caseload (case_not_in_caseload);
//   * an acknowledgment file's tasks go to a caseworker of the case's office (the nightly's rule);
//   * one acknowledgment file may accept an IWO and then carry the employer's termination of it.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <set>

#include "ai/features.h"
#include "enforce/action_service.h"
#include "iwo/eiwo_ack.h"
#include "iwo/eiwo_export.h"
#include "iwo/iwo_fixture.h"
#include "iwo/iwo_terminate.h"
#include "iwo/newhire.h"
#include "service/json.h"
#include "service/replay.h"
#include "testing/cli_run.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse::iwo {
namespace {

const Date kToday = Date::Ymd(2024, 7, 10);
const Date kEntry = Date::Ymd(2024, 6, 28);
const Date kHired = Date::Ymd(2024, 6, 1);

class IwoEndTest : public ::testing::Test {
 protected:
  IwoEndTest() : world_(":memory:", kToday) {}

  void SetUp() override {
    acme_ = *world_.service().AddEmployer(testing::Acme());
    // Staffed: an admin (statewide), caseworkers of Franklin and Lucas, a Lucas supervisor.
    AddUser("admin1", "admin", "");
    AddUser("cw", "caseworker", "Franklin");
    AddUser("cw2", "caseworker", "Lucas");
    AddUser("sup2", "supervisor", "Lucas");
    ack_layouts_ = *formats::LoadEiwoLayouts("builtin", formats::EiwoDirection::kAck);
    iwo_layouts_ = *formats::LoadEiwoLayouts("builtin", formats::EiwoDirection::kIwo);
    obligor_ = AddObligor("123450001");
    case_ = world_.SimpleCase(obligor_, 50'000, Date::Ymd(2024, 1, 1));
    ASSERT_TRUE(world_.store().SetCaseOffice(case_, "Franklin").ok());
    job_ = AddJob(obligor_, acme_, kHired);
    iwo_ = Issue(case_);
  }

  void AddUser(const std::string& name, const std::string& role, const std::string& office) {
    testing::AddStaffUser(world_.store(), name, role, office);
  }

  PersonId AddObligor(const std::string& ssn) {
    return *world_.service().AddPerson(testing::SamDoe(ssn));
  }

  int64_t AddJob(PersonId person, EmployerId employer, Date start) {
    Employment j;
    j.person = person;
    j.employer = employer;
    j.start_date = start;
    return *world_.service().AddEmployment(j);
  }

  // An IWO for the case with its obligor's current employers, as `action issue` makes it.
  int64_t Issue(CaseId c) { return testing::IssueIwo(world_, "cw", c, kEntry); }

  // Sent on 2024-07-01 under `control`, as an export would mark it.
  void MarkSent(int64_t id, const std::string& control) {
    ASSERT_TRUE(world_.store()
                    .MarkIwoSent(id, Date::Ymd(2024, 7, 1), control, "3900000000000000000001")
                    .ok());
  }

  IwoRecord Get(int64_t id) { return testing::GetIwo(world_.store(), id); }

  Employment Job(int64_t id) {
    const std::vector<Employment> jobs = *world_.store().ListEmployments();
    for (const Employment& j : jobs) {
      if (j.id == id) return j;
    }
    ADD_FAILURE() << "no employment " << id;
    return {};
  }

  Result<TerminateResult> Terminate(const std::string& actor, int64_t id, Date date,
                                    IwoEndReason reason = IwoEndReason::kEmploymentEnded) {
    return TerminateIwo(world_.store(), world_.clock(), actor,
                        testing::EndRequest(id, date, reason));
  }

  // income_withholding's eligibility reason in a recommendation for case `c` (default the
  // fixture's) as of `as_of` ("eligible").
  std::string WithholdingReason(Date as_of, std::optional<CaseId> c = std::nullopt) {
    enforce::EnforcementService svc(world_.store(), world_.clock(), "nightly");
    enforce::RecommendOptions o;
    o.as_of = as_of;
    o.write = false;
    auto r = svc.Recommend(c.value_or(case_), o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return "error";
    for (const auto& [remedy, e] : r->ineligible) {
      if (remedy == enforce::Remedy::kIncomeWithholding) return e.reason;
    }
    return "eligible";
  }

  float EmployedOn(Date d) {
    auto ref = ai::LoadReference(world_.store());
    auto h = ai::LoadObligorHistory(world_.store(), obligor_);
    EXPECT_TRUE(ref.ok() && h.ok());
    return ai::At(ai::ExtractFeatures(*h, *ref, d).values, ai::Feature::kEmployedNow);
  }

  // The `after` JSON of the last audit row with this action.
  Json LastAudit(const std::string& action) {
    return testing::LastAuditAfter(world_.store(), action);
  }

  // What `audit verify` finds when it replays the trail against the store. The fixture writes
  // users, office assignments and sent marks straight to the store (no audit rows): those
  // differences are there from the start, so a test compares the count before and after.
  int64_t ReplayMismatches() {
    auto cmp = CompareReplayWithStore(world_.store());
    EXPECT_TRUE(cmp.ok()) << cmp.status().ToString();
    if (!cmp.ok()) return -1;
    for (const std::string& p : cmp->problems) {
      EXPECT_EQ(p.find("employment"), std::string::npos) << p;
    }
    return cmp->mismatches;
  }

  // Everything a refusal must leave as it was.
  std::string Snapshot() {
    std::string s;
    const std::vector<IwoRecord> iwos = *world_.store().ListIwos("", 0, 1000);
    for (const IwoRecord& r : iwos) s += r.status + ";";
    const std::vector<Employment> jobs = *world_.store().ListEmployments();
    for (const Employment& j : jobs) {
      s += j.end_date ? j.end_date->ToString() : "open";
    }
    s += std::to_string(world_.store().ListCaseEventsByPerson(obligor_)->size()) + ";";
    return s + std::to_string((*world_.store().LastAuditLink())->seq);
  }

  // An acknowledgment record: action code, the IWO's case and SSN, disposition, reason, date.
  struct Ack {
    std::string action;
    CaseId case_id;
    std::string ssn;
    std::string control;
    std::string disposition = "A";
    std::string reason = {};
    std::string date = {};
  };
  std::string AckText(const std::vector<Ack>& acks, const std::string& created = "2024-07-09") {
    std::vector<formats::FieldValues> details;
    for (const Ack& a : acks) {
      formats::FieldValues fields{{"action_code", a.action},
                                  {"iwo_control_number", a.control},
                                  {"case_id", CaseDisplayId(a.case_id)},
                                  {"employee_ssn", a.ssn},
                                  {"disposition", a.disposition},
                                  {"reason_code", a.reason}};
      if (!a.date.empty()) fields["disposition_date"] = a.date;
      details.push_back(std::move(fields));
    }
    return testing::AckFileText(ack_layouts_, details, "39000ACKFILE0000000001",
                                "39000ACKBATCH000000001", created);
  }
  Ack Org(const std::string& date = "") {
    return Ack{"ORG", case_, "123450001", kControl, "A", "", date};
  }
  Ack Trm(const std::string& date) {
    return Ack{"TRM", case_, "123450001", kControl, "A", "TE", date};
  }
  Result<AckImportReport> Import(const std::string& text) {
    return ImportEiwoAck(world_.store(), world_.clock(), "cw", ack_layouts_, "ack.txt", text);
  }

  // Another case of the fixture's obligor, in `office`, with its monthly order.
  CaseId AnotherCase(const std::string& office, int64_t monthly_cents = 20'000) {
    const CaseId c = world_.SimpleCase(obligor_, monthly_cents, Date::Ymd(2024, 1, 1));
    EXPECT_TRUE(world_.store().SetCaseOffice(c, office).ok());
    return c;
  }

  std::vector<CaseEvent> Events(const std::string& kind) {
    return testing::EventsOfKind(world_.store(), obligor_, kind);
  }

  static constexpr const char* kControl = "3900000000000000000002";
  testing::World world_;
  EmployerId acme_;
  PersonId obligor_;
  CaseId case_;
  int64_t job_ = 0;
  int64_t iwo_ = 0;
  formats::EiwoLayouts ack_layouts_, iwo_layouts_;
};

// Before, the employment stayed open: on the end date `recommend` still ranked income
// withholding first ("a current employer is known and has no withholding order"), issuing it
// sent a new ORG to the employer the TRM had just gone to, and the model said "employed".
TEST_F(IwoEndTest, EmploymentEndedEndsTheEmploymentFromTheEndDate) {
  MarkSent(iwo_, kControl);
  const int64_t replay_before = ReplayMismatches();
  EXPECT_EQ(WithholdingReason(kToday), "iwo_already_active");
  auto r = Terminate("cw", iwo_, kToday);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->notice.has_value());
  ASSERT_EQ(r->employments_ended.size(), 1u);
  EXPECT_EQ(r->employments_ended[0].employment_id, job_);
  EXPECT_EQ(r->employments_ended[0].end_date, kToday.AddDays(-1));
  const Employment job = Job(job_);
  ASSERT_TRUE(job.end_date.has_value()) << "the employment is still open";
  EXPECT_EQ(*job.end_date, kToday.AddDays(-1)) << "its last day: not employed from the end date";

  // Not employed there from the end date; still employed the day before (no leakage back).
  EXPECT_EQ(EmployedOn(kToday), 0.0f);
  EXPECT_EQ(EmployedOn(kToday.AddDays(-1)), 1.0f);
  EXPECT_EQ(WithholdingReason(kToday), "no_wage_source");
  // And no new IWO to the same employer the same day.
  ASSERT_TRUE(world_.store().Begin().ok());
  auto again = IssueIwosForCase(world_.store(), world_.clock(), "cw", case_, kToday);
  world_.store().Rollback();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().reason(), "no_current_employer");

  // The audit row says so, and the trail still replays clean.
  const Json after = LastAudit("iwo.terminate");
  ASSERT_EQ(after["employments_ended"].size(), 1u) << after.dump();
  EXPECT_EQ(after["employments_ended"][0]["employment_id"], job_);
  EXPECT_EQ(after["employments_ended"][0]["end_date"], "2024-07-09");
  EXPECT_EQ(ReplayMismatches(), replay_before);
}

TEST_F(IwoEndTest, OtherReasonsAndEarlierEndsLeaveTheEmploymentAlone) {
  // A second obligor whose employment already ended before the IWO's end date.
  const PersonId other = AddObligor("123450002");
  const CaseId c = world_.SimpleCase(other, 30'000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(world_.store().SetCaseOffice(c, "Franklin").ok());
  Employment j;
  j.person = other;
  j.employer = acme_;
  j.start_date = kHired;
  j.end_date = Date::Ymd(2024, 7, 3);
  const int64_t job = *world_.service().AddEmployment(j);
  const int64_t iwo = Issue(c);
  const int64_t replay_before = ReplayMismatches();

  auto r = Terminate("cw", iwo_, kToday, IwoEndReason::kOrderEnded);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->employments_ended.empty());
  EXPECT_FALSE(Job(job_).end_date.has_value());
  EXPECT_TRUE(LastAudit("iwo.terminate")["employments_ended"].empty());

  // An employment already ended before the IWO's end date keeps its own end date.
  auto ended = Terminate("cw", iwo, kToday);
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_TRUE(ended->employments_ended.empty());
  EXPECT_EQ(*Job(job).end_date, Date::Ymd(2024, 7, 3));
  EXPECT_EQ(ReplayMismatches(), replay_before);
}

// The employer's own TRM record ends the employment the same way, dated by the record.
TEST_F(IwoEndTest, AnEmployersTrmEndsTheEmployment) {
  MarkSent(iwo_, kControl);
  const int64_t replay_before = ReplayMismatches();
  auto rep = Import(AckText({Trm("2024-07-08")}));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->committed) << rep->problems.front().message;
  EXPECT_EQ(rep->ended, 1);
  EXPECT_EQ(*Job(job_).end_date, Date::Ymd(2024, 7, 7));
  EXPECT_EQ(EmployedOn(Date::Ymd(2024, 7, 8)), 0.0f);
  EXPECT_EQ(WithholdingReason(kToday), "no_wage_source");
  const Json after = LastAudit("eiwo.ack.import");
  ASSERT_EQ(after["changes"].size(), 1u);
  EXPECT_EQ(after["changes"][0]["employments_ended"][0]["employment_id"], job_);
  EXPECT_EQ(after["changes"][0]["employments_ended"][0]["end_date"], "2024-07-07");
  // Re-importing changes nothing.
  auto again = Import(AckText({Trm("2024-07-08")}));
  ASSERT_TRUE(again.ok() && again->committed);
  EXPECT_EQ(again->already, 1);
  EXPECT_EQ(*Job(job_).end_date, Date::Ymd(2024, 7, 7));
  EXPECT_EQ(ReplayMismatches(), replay_before);
}

// Before, any caseworker could end any office's IWO, while `iwo export-eiwo` refused to send
// outside-caseload IWOs.
TEST_F(IwoEndTest, TerminateKeepsToTheActorsCaseload) {
  MarkSent(iwo_, kControl);
  const std::string before = Snapshot();
  for (const char* outsider : {"cw2", "sup2"}) {
    auto r = Terminate(outsider, iwo_, kToday);
    ASSERT_FALSE(r.ok()) << outsider;
    EXPECT_EQ(r.status().reason(), "case_not_in_caseload") << outsider;
    EXPECT_NE(r.status().message().find("Lucas"), std::string::npos) << r.status().message();
    EXPECT_EQ(Snapshot(), before) << outsider << ": a refusal wrote something";
  }
  // Not even whether the IWO already ended is told outside the caseload.
  ASSERT_TRUE(Terminate("admin1", iwo_, kToday, IwoEndReason::kOrderEnded).ok());  // statewide
  EXPECT_EQ(Terminate("cw2", iwo_, kToday).status().reason(), "case_not_in_caseload");
  EXPECT_EQ(Terminate("cw", iwo_, kToday).status().reason(), "iwo_already_ended");
}

TEST(IwoEndCliTest, TerminateOutsideTheCaseloadIsRefusedWithItsCode) {
  const testing::ScratchDir dir("iwo_end_cli");
  const std::string db = dir.path("cse.db");
  {
    testing::World world(db, kToday);
    for (const auto& [name, office] : {std::pair{"cw", "Franklin"}, {"cw2", "Lucas"}}) {
      testing::AddStaffUser(world.store(), name, "caseworker", office);
    }
    const CaseId c =
        world.SimpleCase(*world.service().AddPerson(testing::SamDoe("")), 50'000, kHired);
    ASSERT_TRUE(world.store().SetCaseOffice(c, "Franklin").ok());
    IwoRecord r = testing::ManualIwo(c, world.store().GetCase(c)->obligor,
                                     *world.store().UpsertEmployer(testing::Acme()), kEntry,
                                     Date::Ymd(2024, 7, 2));
    r.created_by = "cw";
    ASSERT_TRUE(world.store().InsertIwo(r).ok());
  }
  const auto run = [&](const std::string& user) {
    return testing::RunOpencse({"--db", db, "--today", "2024-07-10", "--user", user, "iwo",
                                "terminate", "--iwo", "IWO-000001", "--reason", "order_ended",
                                "--date", "2024-07-10", "--json"});
  };
  testing::CliRun r = run("cw2");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "case_not_in_caseload") << r.out;
  r = run("cw");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(Json::parse(r.out)["status"], "ended");
}

// Before, the task went to `caseworkers[case id % count]` over every office: here Lucas's cw2.
TEST_F(IwoEndTest, AckTasksGoToACaseworkerOfTheCasesOffice) {
  MarkSent(iwo_, kControl);
  // A second case in an office with no caseworker: its task stays unassigned.
  const PersonId other = AddObligor("123450002");
  const CaseId c = world_.SimpleCase(other, 30'000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(world_.store().SetCaseOffice(c, "Delaware").ok());
  AddJob(other, acme_, kHired);
  const int64_t delaware = Issue(c);
  MarkSent(delaware, kControl);
  auto rep = Import(AckText({Trm("2024-07-08"), {"ORG", c, "123450002", kControl, "R", "NE"}}));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->committed) << rep->problems.front().message;
  EXPECT_EQ(rep->tasks_created, 2);
  std::map<int64_t, std::string> worker;  // by case id
  const std::vector<enforce::Task> tasks = *world_.store().ListOpenEnforceTasks("");
  for (const enforce::Task& t : tasks) {
    worker[t.case_id.value] = t.worker;
  }
  EXPECT_EQ(worker.at(case_.value), "cw") << "Franklin's caseworker, not another office's";
  EXPECT_EQ(worker.at(c.value), "") << "no caseworker in Delaware: unassigned, as the nightly";
  EXPECT_TRUE(world_.store().ListOpenEnforceTasks("cw2")->empty());
}

// Before, the second record was `iwo_acknowledged_twice` and the whole file was refused.
TEST_F(IwoEndTest, OneFileMayAcceptAndThenTerminateTheSameIwo) {
  MarkSent(iwo_, kControl);
  const std::string text = AckText({Org("2024-07-03"), Trm("2024-07-08")});
  auto rep = Import(text);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->committed) << rep->problems.front().reason << " "
                              << rep->problems.front().message;
  EXPECT_EQ(rep->accepted, 1);
  EXPECT_EQ(rep->ended, 1);
  const IwoRecord iwo = Get(iwo_);
  EXPECT_EQ(iwo.status, "ended");
  EXPECT_EQ(*iwo.ack_date, Date::Ymd(2024, 7, 3));
  EXPECT_EQ((*world_.store().GetIwoEnd(iwo_))->end_date, Date::Ymd(2024, 7, 8));
  const Json after = LastAudit("eiwo.ack.import");
  ASSERT_EQ(after["changes"].size(), 2u);
  EXPECT_EQ(after["changes"][0]["status"], "accepted");
  EXPECT_EQ(after["changes"][1]["status"], "ended");

  // Re-importing the same file is safe: both records already recorded.
  auto again = Import(text);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(again->committed) << again->problems.front().message;
  EXPECT_EQ(again->already, 2);
  EXPECT_EQ(again->accepted + again->ended + again->tasks_created, 0);
}

TEST_F(IwoEndTest, TrueDuplicatesAndAnEndBeforeTheAcceptanceAreStillRefused) {
  MarkSent(iwo_, kControl);
  const std::string before = Snapshot();
  const auto refused = [&](const std::vector<Ack>& acks) {
    auto rep = Import(AckText(acks));
    EXPECT_TRUE(rep.ok());
    EXPECT_FALSE(rep->committed);
    EXPECT_EQ(Snapshot(), before) << "a refused file wrote something";
    return rep->problems.empty() ? std::string() : rep->problems.front().reason;
  };
  EXPECT_EQ(refused({Org(), Org()}), "iwo_acknowledged_twice");
  EXPECT_EQ(refused({Trm("2024-07-08"), Trm("2024-07-09")}), "iwo_acknowledged_twice");
  EXPECT_EQ(refused({Org(), Trm("2024-07-08"), Org()}), "iwo_acknowledged_twice");
  // File order: ended, then accepted, is a contradiction: the IWO ended before any
  // acknowledgment (iwo_ended; it was reported as iwo_not_sent, a pending IWO's code).
  EXPECT_EQ(refused({Trm("2024-07-08"), Org()}), "iwo_ended");
}

// ---- The obligor's other IWOs with the employer (the job is the obligor's, not the case's) ----

// Before, ending one case's IWO for employment_ended ended the employment but left the same
// obligor's IWOs on their other cases with that employer in place (the employer kept orders for
// someone who no longer works there; enforcement still saw withholding in place), and no
// `job_ended` event was written, so enforcement's "income changed" never saw the job loss.
TEST_F(IwoEndTest, EmploymentEndedEndsTheObligorsOtherIwosWithTheEmployer) {
  MarkSent(iwo_, kControl);
  // The same obligor's second case (another office) with a sent IWO and third with a pending one.
  const CaseId lucas = AnotherCase("Lucas");
  const int64_t sent = Issue(lucas);
  MarkSent(sent, kControl);
  const CaseId third = AnotherCase("Franklin", 10'000);
  const int64_t pending = Issue(third);
  // Left alone: another obligor's IWO with ACME, and this obligor's IWO with another employer.
  const PersonId other = AddObligor("123450002");
  const CaseId other_case = world_.SimpleCase(other, 30'000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(world_.store().SetCaseOffice(other_case, "Franklin").ok());
  AddJob(other, acme_, kHired);
  const int64_t others_iwo = Issue(other_case);
  const EmployerId bolt =
      *world_.store().UpsertEmployer(testing::SpringfieldEmployer("222222222", "BOLT WORKS"));
  AddJob(obligor_, bolt, kHired);
  const int64_t bolt_iwo = *world_.store().InsertIwo(
      testing::ManualIwo(third, obligor_, bolt, kEntry, Date::Ymd(2024, 7, 2)));
  EXPECT_EQ(WithholdingReason(kToday, lucas), "iwo_already_active");
  const int64_t replay_before = ReplayMismatches();

  auto r = Terminate("cw", iwo_, kToday);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->other_iwos_ended.size(), 2u);
  const IwoEndedWith& s = r->other_iwos_ended[0];
  const IwoEndedWith& p = r->other_iwos_ended[1];
  EXPECT_EQ(s.iwo.id, sent);
  EXPECT_EQ(p.iwo.id, pending);
  for (const IwoEndedWith* o : {&s, &p}) {
    EXPECT_EQ(o->ended_with, iwo_);
    EXPECT_EQ(o->end_date, kToday);
    EXPECT_EQ(Get(o->iwo.id).status, "ended");
    const std::optional<Store::IwoEnd> end = *world_.store().GetIwoEnd(o->iwo.id);
    ASSERT_TRUE(end.has_value());
    EXPECT_EQ(end->end_date, kToday);
    EXPECT_EQ(end->reason, "employment_ended");
    EXPECT_NE(end->note.find(FormatDisplayId("IWO", iwo_)), std::string::npos) << end->note;
    EXPECT_FALSE(*world_.store().HasActiveIwo(o->iwo.case_id, acme_));
  }
  // The employer had the sent one: it gets its termination notice; the pending one none.
  ASSERT_TRUE(s.notice.has_value());
  const IwoRecord notice = Get(s.notice->id);
  EXPECT_EQ(notice.kind, "termination");
  EXPECT_EQ(notice.status, "pending");
  EXPECT_EQ(notice.case_id, lucas);
  EXPECT_EQ(notice.due_date, Date::Ymd(2024, 7, 12));
  EXPECT_EQ(*world_.store().FindIwoTerminated(notice.id), std::optional<int64_t>(sent));
  EXPECT_FALSE(p.notice.has_value());
  EXPECT_EQ(Get(others_iwo).status, "pending");
  EXPECT_EQ(Get(bolt_iwo).status, "pending");
  EXPECT_NE(WithholdingReason(kToday, lucas), "iwo_already_active");

  // One iwo_ended event per IWO, on its case; one job_ended event for the one job ended.
  const std::vector<CaseEvent> ended = Events("iwo_ended");
  ASSERT_EQ(ended.size(), 3u);
  std::set<int64_t> ended_cases;
  for (const CaseEvent& e : ended) {
    EXPECT_EQ(e.date, kToday);
    ended_cases.insert(e.case_id.value);
  }
  EXPECT_EQ(ended_cases, (std::set<int64_t>{case_.value, lucas.value, third.value}));
  const std::vector<CaseEvent> jobs = Events("job_ended");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].date, kToday.AddDays(-1)) << "the last day employed";
  EXPECT_EQ(jobs[0].case_id.value, 0) << "the obligor's job, in all their cases";
  EXPECT_EQ(ai::DetailValue(jobs[0].detail, "employer_fein"), "111111111");
  EXPECT_EQ(ai::DetailValue(jobs[0].detail, "employment"), std::to_string(job_));

  // Each IWO has its own audit row; the terminated one's lists the others.
  const std::vector<Json> audits = testing::AuditAfters(world_.store(), "iwo.terminate");
  ASSERT_EQ(audits.size(), 3u);
  ASSERT_EQ(audits[0]["other_iwos_ended"].size(), 2u) << audits[0].dump();
  EXPECT_EQ(audits[0]["other_iwos_ended"][0]["iwo"], FormatDisplayId("IWO", sent));
  EXPECT_EQ(audits[0]["other_iwos_ended"][0]["termination_notice"],
            FormatDisplayId("IWO", notice.id));
  EXPECT_EQ(audits[1]["iwo"], FormatDisplayId("IWO", sent));
  EXPECT_EQ(audits[1]["ended_with"], FormatDisplayId("IWO", iwo_));
  EXPECT_EQ(audits[2]["iwo"], FormatDisplayId("IWO", pending));
  EXPECT_EQ(audits[2]["notice"], nullptr);
  EXPECT_EQ(ReplayMismatches(), replay_before);
  EXPECT_EQ(Terminate("admin1", sent, kToday).status().reason(), "iwo_already_ended");
}

// A job with the employer that is still open after the end date (a rehire known since) keeps
// its IWO: the obligor works there again.
TEST_F(IwoEndTest, AnIwoOfAJobStillOpenIsLeftAlone) {
  const CaseId second = AnotherCase("Franklin");
  const int64_t rehired = AddJob(obligor_, acme_, Date::Ymd(2024, 7, 8));
  IwoRecord later =
      testing::ManualIwo(second, obligor_, acme_, Date::Ymd(2024, 7, 8), Date::Ymd(2024, 7, 10));
  later.employment_id = rehired;
  const int64_t later_id = *world_.store().InsertIwo(later);
  auto r = Terminate("cw", iwo_, Date::Ymd(2024, 7, 5));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->other_iwos_ended.empty());
  EXPECT_EQ(Get(later_id).status, "pending");
  EXPECT_EQ(*Job(job_).end_date, Date::Ymd(2024, 7, 4));
  EXPECT_FALSE(Job(rehired).end_date.has_value());
  EXPECT_EQ(Events("job_ended").size(), 1u);
}

// Before, only the employment an other IWO names counted: an obligor rehired by the employer
// (a second employment there, still open) lost the IWO of their other case with it, because that
// IWO named the first employment. The job is the person's: while any employment there is open on
// or after the end date, no other IWO ends — by `iwo terminate` or by the employer's TRM.
TEST_F(IwoEndTest, ARehireAtTheEmployerKeepsTheOtherIwosWhateverEmploymentTheyName) {
  MarkSent(iwo_, kControl);
  const CaseId lucas = AnotherCase("Lucas");
  const int64_t other = Issue(lucas);
  ASSERT_EQ(Get(other).employment_id, job_) << "it names the first employment";
  MarkSent(other, kControl);
  const int64_t rehired = AddJob(obligor_, acme_, Date::Ymd(2024, 7, 3));
  auto r = Terminate("cw", iwo_, Date::Ymd(2024, 7, 9));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->employments_ended.size(), 1u);
  EXPECT_EQ(r->employments_ended[0].employment_id, job_);
  EXPECT_TRUE(r->other_iwos_ended.empty());
  EXPECT_EQ(Get(other).status, "sent");
  EXPECT_FALSE(Job(rehired).end_date.has_value());
  EXPECT_EQ(Events("iwo_ended").size(), 1u);
  EXPECT_TRUE(world_.store().ListOpenEnforceTasks("cw2")->empty());
}

TEST_F(IwoEndTest, ARehireAtTheEmployerKeepsTheOtherIwosOfAnEmployersTrm) {
  MarkSent(iwo_, kControl);
  const CaseId lucas = AnotherCase("Lucas");
  const int64_t other = Issue(lucas);
  MarkSent(other, kControl);
  const int64_t rehired = AddJob(obligor_, acme_, Date::Ymd(2024, 7, 3));
  auto rep = Import(AckText({Trm("2024-07-08")}));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->committed) << rep->problems.front().message;
  EXPECT_EQ(rep->ended, 1);
  EXPECT_EQ(rep->other_ended, 0);
  EXPECT_EQ(Get(other).status, "sent");
  EXPECT_EQ(*Job(job_).end_date, Date::Ymd(2024, 7, 7));
  EXPECT_FALSE(Job(rehired).end_date.has_value());
  EXPECT_EQ(rep->tasks_created, 1) << "the terminated IWO's only";
}

// Before, a job that ended the day it started (hired, IWO entered and employment ended the same
// day) kept that day as its last (an end cannot precede the start), so it counted as open on the
// end date and the obligor's other IWOs with the employer stayed. The job just ended no longer
// counts as open; its last day stays its start day.
TEST_F(IwoEndTest, AJobEndedTheDayItStartedEndsTheOtherIwosToo) {
  const PersonId obligor = AddObligor("123450002");
  const CaseId c = world_.SimpleCase(obligor, 30'000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(world_.store().SetCaseOffice(c, "Franklin").ok());
  const CaseId d = world_.SimpleCase(obligor, 20'000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(world_.store().SetCaseOffice(d, "Franklin").ok());
  const int64_t job = AddJob(obligor, acme_, kToday);
  const int64_t first = testing::IssueIwo(world_, "cw", c, kToday);
  const int64_t second = testing::IssueIwo(world_, "cw", d, kToday);
  ASSERT_GT(second, first);
  auto r = Terminate("cw", first, kToday);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->employments_ended.size(), 1u);
  EXPECT_EQ(r->employments_ended[0].end_date, kToday) << "its last day: the day it started";
  EXPECT_EQ(*Job(job).end_date, kToday);
  ASSERT_EQ(r->other_iwos_ended.size(), 1u);
  EXPECT_EQ(r->other_iwos_ended[0].iwo.id, second);
  EXPECT_EQ(Get(second).status, "ended");
  EXPECT_FALSE(r->other_iwos_ended[0].task_for.has_value()) << "the actor's own caseload";
}

// Before, `iwo terminate` ended another office's IWOs of the obligor with the employer and told
// nobody there. Now each such IWO's caseworker gets a task (iwo_ended_employment_ended), the
// actor's own cases none; the audit row and the result name whom.
TEST_F(IwoEndTest, TerminateTellsTheOtherCaseworkersOfTheIwosItEnded) {
  const CaseId lucas = AnotherCase("Lucas");
  const int64_t in_lucas = Issue(lucas);
  const CaseId own = AnotherCase("Franklin", 10'000);
  const int64_t in_own = Issue(own);
  auto r = Terminate("cw", iwo_, kToday);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->other_iwos_ended.size(), 2u);
  EXPECT_EQ(r->other_iwos_ended[0].iwo.id, in_lucas);
  EXPECT_EQ(r->other_iwos_ended[0].task_for, std::optional<std::string>("cw2"));
  EXPECT_EQ(r->other_iwos_ended[1].iwo.id, in_own);
  EXPECT_FALSE(r->other_iwos_ended[1].task_for.has_value());
  const std::vector<enforce::Task> tasks = *world_.store().ListOpenEnforceTasks("");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].worker, "cw2");
  EXPECT_EQ(tasks[0].kind, "iwo_ended_employment_ended");
  EXPECT_EQ(tasks[0].key, "iwo_ended_employment_ended:" + std::to_string(in_lucas));
  EXPECT_EQ(tasks[0].case_id, lucas);
  EXPECT_EQ(tasks[0].title, "IWO ended: the employment ended");
  EXPECT_NE(tasks[0].message.find(FormatDisplayId("IWO", iwo_)), std::string::npos)
      << tasks[0].message;
  const std::vector<Json> audits = testing::AuditAfters(world_.store(), "iwo.terminate");
  ASSERT_EQ(audits.size(), 3u);
  EXPECT_EQ(audits[1]["task_for"], "cw2");
  EXPECT_EQ(audits[2]["task_for"], nullptr);
}

// Before, a record without a disposition date took the file header's creation date unchecked: a
// header dated after today ended the IWO (and the employment) in the future, one dated before
// the IWO was sent ended it before it existed. The date actually used gets the disposition
// date's checks, and the file is refused, nothing written.
TEST_F(IwoEndTest, AHeaderDateStandingInForTheDispositionDateIsChecked) {
  MarkSent(iwo_, kControl);
  const CaseId second = AnotherCase("Franklin");
  MarkSent(Issue(second), kControl);
  const std::string before = Snapshot();
  const struct {
    std::vector<Ack> acks;
    std::string created;
    std::string reason;
  } cases[] = {
      {{Trm("")}, "2024-07-11", "date_in_future"},
      {{Trm("")}, "2024-06-30", "ack_before_sent"},
      {{Org("")}, "2024-12-31", "date_in_future"},
      {{Org("")}, "2024-06-30", "ack_before_sent"},
  };
  for (const auto& c : cases) {
    auto rep = Import(AckText(c.acks, c.created));
    ASSERT_TRUE(rep.ok()) << rep.status().ToString();
    EXPECT_FALSE(rep->committed) << c.created;
    ASSERT_EQ(rep->problems.size(), 1u) << c.created;
    EXPECT_EQ(rep->problems[0].reason, c.reason);
    EXPECT_EQ(rep->problems[0].field, "creation_date");
    EXPECT_NE(rep->problems[0].message.find(c.created), std::string::npos)
        << rep->problems[0].message;
    EXPECT_EQ(rep->ended + rep->accepted + rep->tasks_created, 0);
    EXPECT_EQ(Snapshot(), before) << c.created;
  }
  // A record's own good disposition date still wins over a bad header date.
  auto rep = Import(AckText({Trm("2024-07-08")}, "2024-12-31"));
  ASSERT_TRUE(rep.ok() && rep->committed);
  EXPECT_EQ((*world_.store().GetIwoEnd(iwo_))->end_date, Date::Ymd(2024, 7, 8));
}

// One transaction: when another IWO cannot be ended, nothing is written, this IWO included.
TEST_F(IwoEndTest, AFailureEndingAnotherIwoWritesNothing) {
  MarkSent(iwo_, kControl);
  const CaseId second = AnotherCase("Franklin");
  const int64_t other = Issue(second);
  MarkSent(other, kControl);
  // A stray termination notice already naming `other` (one per IWO): its own cannot be added.
  IwoRecord stray = testing::ManualIwo(second, obligor_, acme_, kToday, kToday);
  stray.kind = "termination";
  stray.source = "termination";
  stray.current_monthly = stray.arrears_monthly = Money();
  ASSERT_TRUE(world_.store().InsertIwoTermination(stray, other).ok());
  const std::string before = Snapshot();
  auto r = Terminate("cw", iwo_, kToday);
  ASSERT_FALSE(r.ok()) << "the other IWO's notice could not be written";
  EXPECT_EQ(r.status().reason(), "unique_violation");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Get(iwo_).status, "sent");
  EXPECT_FALSE(Job(job_).end_date.has_value());
}

// The employer's TRM of one case's IWO ends the obligor's other IWOs with it, each a change of
// the file's audit row with its notice and task — after the file's other records, so that an
// acceptance of such an IWO later in the same file applies first.
TEST_F(IwoEndTest, AnEmployersTrmEndsTheObligorsOtherIwosWithIt) {
  MarkSent(iwo_, kControl);
  const CaseId lucas = AnotherCase("Lucas");
  const int64_t other = Issue(lucas);
  MarkSent(other, kControl);
  const int64_t replay_before = ReplayMismatches();
  const std::string text =
      AckText({Trm("2024-07-08"), {"ORG", lucas, "123450001", kControl, "A", "", "2024-07-03"}});
  auto rep = Import(text);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->committed) << rep->problems.front().reason << " "
                              << rep->problems.front().message;
  EXPECT_EQ(rep->ended, 1);
  EXPECT_EQ(rep->accepted, 1);
  EXPECT_EQ(rep->other_ended, 1);
  ASSERT_EQ(rep->other_iwos_ended.size(), 1u);
  const AckOtherEnded& o = rep->other_iwos_ended[0];
  EXPECT_EQ(o.record_number, rep->applied[0].record_number) << "the TRM record";
  EXPECT_EQ(o.ended.iwo.id, other);
  EXPECT_EQ(o.ended.ended_with, iwo_);
  EXPECT_EQ(o.ended.end_date, Date::Ymd(2024, 7, 8));
  EXPECT_TRUE(o.task_created);
  ASSERT_TRUE(o.ended.notice.has_value());
  EXPECT_EQ(Get(o.ended.notice->id).kind, "termination");
  EXPECT_EQ(Get(o.ended.notice->id).due_date, Date::Ymd(2024, 7, 12));
  const IwoRecord after = Get(other);
  EXPECT_EQ(after.status, "ended");
  EXPECT_EQ(*after.ack_date, Date::Ymd(2024, 7, 3)) << "accepted first";
  EXPECT_EQ((*world_.store().GetIwoEnd(other))->end_date, Date::Ymd(2024, 7, 8));
  EXPECT_EQ((*world_.store().GetIwoEnd(other))->reason, "employment_ended");
  EXPECT_EQ(rep->tasks_created, 2);
  EXPECT_EQ(world_.store().ListOpenEnforceTasks("cw2")->size(), 1u) << "Lucas's caseworker";
  const std::vector<CaseEvent> jobs = Events("job_ended");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].date, Date::Ymd(2024, 7, 7));
  EXPECT_EQ(Events("iwo_ended").size(), 2u);
  const Json audit = LastAudit("eiwo.ack.import");
  ASSERT_EQ(audit["changes"].size(), 3u) << audit.dump();
  EXPECT_EQ(audit["changes"][1]["status"], "accepted");
  EXPECT_EQ(audit["changes"][2]["iwo"], FormatDisplayId("IWO", other));
  EXPECT_EQ(audit["changes"][2]["status"], "ended");
  EXPECT_EQ(audit["changes"][2]["ended_with"], FormatDisplayId("IWO", iwo_));
  EXPECT_EQ(ReplayMismatches(), replay_before);

  // Re-importing changes nothing.
  auto again = Import(text);
  ASSERT_TRUE(again.ok() && again->committed);
  EXPECT_EQ(again->already, 2);
  EXPECT_EQ(again->other_ended + again->tasks_created, 0);
  EXPECT_EQ(Events("job_ended").size(), 1u);
  EXPECT_EQ(Events("iwo_ended").size(), 2u);
}

// The commands list the other IWOs ended: `iwo terminate` and `import eiwo-ack`, text and JSON.
TEST(IwoEndCliTest, TheCommandsListTheOtherIwosEnded) {
  const testing::ScratchDir dir("iwo_end_others_cli");
  const std::string db = dir.path("cse.db");
  const formats::EiwoLayouts ack =
      *formats::LoadEiwoLayouts("builtin", formats::EiwoDirection::kAck);
  std::vector<std::string> ack_files;
  {
    testing::World world(db, kToday);
    const EmployerId acme = *world.store().UpsertEmployer(testing::Acme());
    // Four obligors with two cases each, both with an IWO sent to ACME: IWO 2k+1 and 2k+2.
    for (int k = 0; k < 4; ++k) {
      const std::string ssn = "12345000" + std::to_string(k + 1);
      const PersonId obligor = *world.service().AddPerson(testing::SamDoe(ssn));
      std::vector<CaseId> cases;
      for (int i = 0; i < 2; ++i) {
        const CaseId c = world.SimpleCase(obligor, 50'000, kHired);
        cases.push_back(c);
        const int64_t id = *world.store().InsertIwo(
            testing::ManualIwo(c, obligor, acme, kEntry, Date::Ymd(2024, 7, 2)));
        ASSERT_TRUE(world.store()
                        .MarkIwoSent(id, Date::Ymd(2024, 7, 1), "3900000000000000000002",
                                     "3900000000000000000001")
                        .ok());
      }
      ack_files.push_back(dir.path("ack" + std::to_string(k) + ".txt"));
      std::ofstream(ack_files.back())
          << testing::AckFileText(ack,
                                  {{{"action_code", "TRM"},
                                    {"iwo_control_number", "3900000000000000000002"},
                                    {"case_id", CaseDisplayId(cases[0])},
                                    {"employee_ssn", ssn},
                                    {"disposition", "A"},
                                    {"disposition_date", "2024-07-08"}}},
                                  "39000ACKFILE000000000" + std::to_string(k + 1),
                                  "39000ACKBATCH00000000" + std::to_string(k + 1), "2024-07-09");
    }
  }
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--today", "2024-07-10", "--user", "cw"});
    return testing::RunOpencse(args);
  };
  const std::vector<std::string> terminate{"iwo",    "terminate",  "--reason", "employment_ended",
                                           "--date", "2024-07-09", "--iwo"};
  auto with = [](std::vector<std::string> v, const std::string& last) {
    v.push_back(last);
    return v;
  };
  testing::CliRun r = run(with(terminate, "IWO-000001"));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("IWO-000002 (CASE-000002) also ended 2024-07-09"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("; task for the queue (no caseworker)"), std::string::npos) << r.out;
  r = run(with(with(terminate, "IWO-000003"), "--json"));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  ASSERT_EQ(j["other_iwos_ended"].size(), 1u) << r.out;
  EXPECT_EQ(j["other_iwos_ended"][0]["iwo"], "IWO-000004");
  EXPECT_EQ(j["other_iwos_ended"][0]["previous_status"], "sent");
  EXPECT_EQ(j["other_iwos_ended"][0]["ended_with"], "IWO-000003");
  EXPECT_EQ(j["other_iwos_ended"][0]["task_for"], "") << "no caseworker: unassigned";
  // IWO-000009 and -000010: the first command's notices; then this one's own, then the other's.
  EXPECT_EQ(j["termination_notice"]["id"], "IWO-000011");
  EXPECT_EQ(j["other_iwos_ended"][0]["termination_notice"], "IWO-000012");

  r = run({"import", "eiwo-ack", ack_files[2]});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("IWO-000006  ended 2024-07-08 with IWO-000005"), std::string::npos) << r.out;
  r = run({"--json", "import", "eiwo-ack", ack_files[3]});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = Json::parse(r.out);
  EXPECT_EQ(j["ended"], 1);
  ASSERT_EQ(j["other_iwos_ended"].size(), 1u) << r.out;
  EXPECT_EQ(j["other_iwos_ended_count"], 1);
  EXPECT_EQ(j["other_iwos_ended"][0]["iwo"], "IWO-000008");
  EXPECT_EQ(j["other_iwos_ended"][0]["ended_with"], "IWO-000007");
  EXPECT_EQ(j["other_iwos_ended"][0]["end_date"], "2024-07-08");
  EXPECT_EQ(j["other_iwos_ended"][0]["task_created"], true);
  EXPECT_FALSE(j["other_iwos_ended"][0]["termination_notice"].is_null());
}

}  // namespace
}  // namespace cse::iwo
