// What ending an IWO does beyond the IWO (iwo/iwo_terminate.h, iwo/eiwo_ack.h), against a real
// SQLite store:
//   * an IWO ended because the employment ended (`iwo terminate --reason employment_ended`, or
//     the employer's own TRM record) ends the employment too, so neither the risk model nor
//     enforcement still sees a current employer without withholding, and no new IWO goes to the
//     same employer the same day; the audit trail names it and still replays clean;
//   * `iwo terminate` keeps to the actor's office caseload (case_not_in_caseload);
//   * an acknowledgment file's tasks go to a caseworker of the case's office (the nightly's rule);
//   * one acknowledgment file may accept an IWO and then carry the employer's termination of it.
#include <gtest/gtest.h>

#include "ai/features.h"
#include "enforce/action_service.h"
#include "iwo/eiwo_ack.h"
#include "iwo/eiwo_export.h"
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
    Employer e;
    e.fein = "111111111";
    e.name = "ACME WIDGETS";
    e.address.line1 = "1 MAIN ST";
    e.address.city = "SPRINGFIELD";
    e.address.state = "IL";
    e.address.zip = "62701";
    acme_ = *world_.service().AddEmployer(e);
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
    Employment j;
    j.person = obligor_;
    j.employer = acme_;
    j.start_date = kHired;
    job_ = *world_.service().AddEmployment(j);
    iwo_ = Issue(case_);
  }

  void AddUser(const std::string& name, const std::string& role, const std::string& office) {
    UserRecord u;
    u.username = name;
    u.role = role;
    u.office = office;
    u.created_at = "2024-07-01T00:00:00Z";
    ASSERT_TRUE(world_.store().InsertUser(u).ok()) << name;
  }

  PersonId AddObligor(const std::string& ssn) {
    Person p;
    p.first_name = "Sam";
    p.last_name = "Doe";
    p.ssn = ssn;
    return *world_.service().AddPerson(p);
  }

  // An IWO for the case with its obligor's current employers, as `action issue` makes it.
  int64_t Issue(CaseId c) {
    EXPECT_TRUE(world_.store().Begin().ok());
    auto made = IssueIwosForCase(world_.store(), world_.clock(), "cw", c, kEntry);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    EXPECT_TRUE(world_.store().Commit().ok());
    return made.ok() ? made->front().iwo_id : 0;
  }

  // Sent on 2024-07-01 under `control`, as an export would mark it.
  void MarkSent(int64_t id, const std::string& control) {
    ASSERT_TRUE(world_.store()
                    .MarkIwoSent(id, Date::Ymd(2024, 7, 1), control, "3900000000000000000001")
                    .ok());
  }

  IwoRecord Get(int64_t id) { return world_.store().ListIwos("", id - 1, 1)->front(); }

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
    TerminateRequest q;
    q.iwo_id = id;
    q.end_date = date;
    q.reason = reason;
    return TerminateIwo(world_.store(), world_.clock(), actor, q);
  }

  // income_withholding's eligibility reason in a recommendation as of `as_of` ("eligible").
  std::string WithholdingReason(Date as_of) {
    enforce::EnforcementService svc(world_.store(), world_.clock(), "nightly");
    enforce::RecommendOptions o;
    o.as_of = as_of;
    o.write = false;
    auto r = svc.Recommend(case_, o);
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
    Json out;
    EXPECT_TRUE(world_.store()
                    .ScanAudit([&](const AuditRow& r) {
                      if (r.action == action) out = Json::parse(r.after);
                      return Status::Ok();
                    })
                    .ok());
    return out;
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
  std::string AckText(const std::vector<Ack>& acks) {
    const formats::EiwoLayouts& l = ack_layouts_;
    std::string out =
        *formats::FormatRecord(l.file_header, {{"control_number", "39000ACKFILE0000000001"},
                                               {"creation_date", "2024-07-09"}}) +
        "\n";
    out += *formats::FormatRecord(l.batch_header, {{"control_number", "39000ACKBATCH000000001"}}) +
           "\n";
    for (const Ack& a : acks) {
      formats::FieldValues fields{{"action_code", a.action},
                                  {"iwo_control_number", a.control},
                                  {"case_id", CaseDisplayId(a.case_id)},
                                  {"employee_ssn", a.ssn},
                                  {"disposition", a.disposition},
                                  {"reason_code", a.reason}};
      if (!a.date.empty()) fields["disposition_date"] = a.date;
      out += *formats::FormatRecord(l.detail, fields) + "\n";
    }
    const std::string n = std::to_string(acks.size());
    out += *formats::FormatRecord(l.batch_trailer, {{"control_number", "39000ACKBATCH000000001"},
                                                    {"detail_count", n}}) +
           "\n";
    out += *formats::FormatRecord(l.file_trailer, {{"control_number", "39000ACKFILE0000000001"},
                                                   {"batch_count", "1"},
                                                   {"detail_count", n}}) +
           "\n";
    return out;
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
      UserRecord u;
      u.username = name;
      u.role = "caseworker";
      u.office = office;
      u.created_at = "2024-07-01T00:00:00Z";
      ASSERT_TRUE(world.store().InsertUser(u).ok());
    }
    Person p;
    p.first_name = "Sam";
    p.last_name = "Doe";
    const CaseId c = world.SimpleCase(*world.service().AddPerson(p), 50'000, kHired);
    ASSERT_TRUE(world.store().SetCaseOffice(c, "Franklin").ok());
    Employer e;
    e.fein = "111111111";
    e.name = "ACME";
    IwoRecord r;
    r.case_id = c;
    r.obligor = world.store().GetCase(c)->obligor;
    r.employer = *world.store().UpsertEmployer(e);
    r.source = "manual";
    r.entry_date = kEntry;
    r.due_date = Date::Ymd(2024, 7, 2);
    r.created_at = "2024-06-28T00:00:00Z";
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
  Employment j;
  j.person = other;
  j.employer = acme_;
  j.start_date = kHired;
  ASSERT_TRUE(world_.service().AddEmployment(j).ok());
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
  // File order: ended, then accepted, is a contradiction.
  EXPECT_EQ(refused({Trm("2024-07-08"), Org()}), "iwo_not_sent");
}

}  // namespace
}  // namespace cse::iwo
