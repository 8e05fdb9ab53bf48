// Ending an IWO (iwo/iwo_terminate.h, `opencse iwo terminate`) against a real SQLite store: a
// pending IWO is simply ended, a sent one gets a termination notice that the e-IWO export
// sends as TRM and the PDF builder prints as the termination form; every refusal writes
// nothing; a rehire by the same employer gets a new IWO; the `iwo_ended` event ends the risk
// model's "withholding in place" and enforcement's from its date, not before; an employer's
// own TRM record in an acknowledgment file ends the IWO once.
#include "iwo/iwo_terminate.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "ai/features.h"
#include "enforce/action_service.h"
#include "iwo/eiwo_ack.h"
#include "iwo/eiwo_export.h"
#include "iwo/iwo_fixture.h"
#include "iwo/iwo_pdf.h"
#include "iwo/newhire.h"
#include "service/json.h"
#include "testing/cli_run.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse::iwo {
namespace {

const Date kToday = Date::Ymd(2024, 7, 10);  // a Wednesday
const Date kEntry = Date::Ymd(2024, 6, 28);

using testing::ReadWholeFile;
using testing::SplitLines;

class IwoTerminateTest : public ::testing::Test {
 protected:
  IwoTerminateTest() : world_(":memory:", kToday) {}

  void SetUp() override {
    acme_ = *world_.store().UpsertEmployer(testing::Acme());
    obligor_ = *world_.service().AddPerson(testing::SamDoe("123450001"));
    case_ = world_.SimpleCase(obligor_, 50'000, Date::Ymd(2024, 1, 1));
    ASSERT_TRUE(world_.store().SetCaseOffice(case_, "Main").ok());
    Hire(Date::Ymd(2024, 6, 1));
    iwo_ = Issue(kEntry);
    testing::AddStaffUser(world_.store(), "tester", "caseworker", "Main");
    settings_.eiwo_state_fips = "06";
    settings_.eiwo_issuing_state = "STATE OF EXAMPLE";
    iwo_layouts_ = *formats::LoadEiwoLayouts("builtin", formats::EiwoDirection::kIwo);
    ack_layouts_ = *formats::LoadEiwoLayouts("builtin", formats::EiwoDirection::kAck);
  }

  void Hire(Date start) {
    Employment j;
    j.person = obligor_;
    j.employer = acme_;
    j.start_date = start;
    ASSERT_TRUE(world_.store().InsertEmployment(j).ok());
  }

  // An IWO for the case with ACME, as `action issue` makes it (with its iwo_issued event).
  int64_t Issue(Date entry) { return testing::IssueIwo(world_, "tester", case_, entry); }

  IwoRecord Get(int64_t id) { return testing::GetIwo(world_.store(), id); }
  size_t IwoCount() { return world_.store().ListIwos("", 0, 1000)->size(); }

  Result<EiwoExportReport> Export(const std::string& name) {
    EiwoExportOptions o;
    o.out_path = dir_.path(name);
    o.as_of = world_.clock().Today();
    return ExportEiwo(world_.store(), world_.clock(), "tester", iwo_layouts_, settings_, o);
  }

  Result<TerminateResult> Terminate(int64_t id, Date date,
                                    IwoEndReason reason = IwoEndReason::kEmploymentEnded,
                                    const std::string& note = "") {
    return TerminateIwo(world_.store(), world_.clock(), "tester",
                        testing::EndRequest(id, date, reason, note));
  }

  std::vector<CaseEvent> Events(const std::string& kind) {
    return testing::EventsOfKind(world_.store(), obligor_, kind);
  }

  int64_t AuditCount(const std::string& action) {
    return testing::CountAudit(world_.store(), action);
  }

  // Everything a refusal must leave as it was: every IWO, the events, the audit trail.
  std::string Snapshot() {
    std::string s;
    const std::vector<IwoRecord> all = *world_.store().ListIwos("", 0, 1000);
    for (const IwoRecord& r : all) {
      s += std::to_string(r.id) + r.kind + r.status + ";";
    }
    s += std::to_string(world_.store().ListCaseEventsByPerson(obligor_)->size()) + ";";
    return s + std::to_string((*world_.store().LastAuditLink())->seq);
  }

  testing::World world_;
  testing::ScratchDir dir_{"iwo_terminate"};
  EmployerId acme_;
  PersonId obligor_;
  CaseId case_;
  int64_t iwo_ = 0;
  IwoSettings settings_;
  formats::EiwoLayouts iwo_layouts_, ack_layouts_;
};

TEST_F(IwoTerminateTest, APendingIwoIsSimplyEnded) {
  auto r = Terminate(iwo_, Date::Ymd(2024, 7, 5), IwoEndReason::kOrderEnded, "order vacated");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->notice.has_value()) << "the employer never had it: no notice";
  EXPECT_EQ(r->employer_fein, "111111111");
  EXPECT_EQ(Get(iwo_).status, "ended");
  EXPECT_EQ(IwoCount(), 1u);
  auto end = world_.store().GetIwoEnd(iwo_);
  ASSERT_TRUE(end.ok() && end->has_value());
  EXPECT_EQ((*end)->end_date, Date::Ymd(2024, 7, 5));
  EXPECT_EQ((*end)->reason, "order_ended");
  EXPECT_EQ((*end)->note, "order vacated");
  const std::vector<CaseEvent> ended = Events("iwo_ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].date, Date::Ymd(2024, 7, 5));
  EXPECT_EQ(ended[0].case_id, case_);
  EXPECT_EQ(ended[0].detail,
            "employer_fein=111111111 iwo=" + std::to_string(iwo_) + " reason=order_ended");
  // The same keys the model reads (ai/features.h DetailValue).
  EXPECT_EQ(ai::DetailValue(ended[0].detail, "iwo"), std::to_string(iwo_));
  EXPECT_EQ(ai::DetailValue(ended[0].detail, "employer_fein"), "111111111");
  EXPECT_EQ(AuditCount("iwo.terminate"), 1);
  EXPECT_FALSE(*world_.store().HasActiveIwo(case_, acme_));
  // Nothing is left for the e-IWO export.
  auto rep = Export("none.txt");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_FALSE(rep->written);
}

TEST_F(IwoTerminateTest, ASentIwoGetsATerminationNoticeExportedAsTrmAndPrinted) {
  ASSERT_TRUE(Export("first.txt")->written);
  ASSERT_EQ(Get(iwo_).status, "sent");
  auto r = Terminate(iwo_, Date::Ymd(2024, 7, 9));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->notice.has_value());
  const IwoRecord notice = Get(r->notice->id);
  EXPECT_EQ(notice.kind, "termination");
  EXPECT_EQ(notice.status, "pending");
  EXPECT_EQ(notice.case_id, case_);
  EXPECT_EQ(notice.employer, acme_);
  EXPECT_EQ(notice.entry_date, kToday);
  EXPECT_EQ(notice.due_date, Date::Ymd(2024, 7, 12));  // 2 business days after Wednesday
  EXPECT_EQ(notice.current_monthly, Money());
  EXPECT_EQ(notice.arrears_monthly, Money());
  EXPECT_EQ(*world_.store().FindIwoTerminated(notice.id), std::optional<int64_t>(iwo_));
  EXPECT_EQ(Get(iwo_).status, "ended");
  EXPECT_FALSE(*world_.store().HasActiveIwo(case_, acme_)) << "a notice is not a withholding";

  // The export sends the notice, and only it, as document action code TRM (FACTS §1.3, 7-9).
  auto rep = Export("trm.txt");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->written);
  EXPECT_EQ(rep->details, 1);
  const std::vector<std::string> lines = SplitLines(ReadWholeFile(dir_.path("trm.txt")));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[2].substr(0, 3), "DTL");
  EXPECT_EQ(lines[2].substr(6, 3), "TRM");
  EXPECT_EQ(lines[2].substr(87, 11), CaseDisplayId(case_));
  formats::FieldProblem p;
  auto v = formats::ReadRecord(iwo_layouts_.detail, lines[2], p);
  ASSERT_TRUE(v.ok()) << p.field << " " << p.reason;
  EXPECT_EQ(v->at("tracking_id"), FormatDisplayId("IWO", notice.id));
  EXPECT_EQ(v->at("total_monthly"), "00000000000");
  EXPECT_EQ(Get(notice.id).status, "sent");

  // The PDF builder prints the notice as the form's termination variant (1d) naming the IWO.
  auto doc = BuildIwoDocument(world_.store(), notice.id, IwoKind::kTermination, Money(), kToday,
                              "STATE OF EXAMPLE", IwoSettings{});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->kind, IwoKind::kTermination);
  EXPECT_EQ(doc->terminates, FormatDisplayId("IWO", iwo_));
  const std::string pdf = dir_.path("trm.pdf");
  ASSERT_TRUE(WriteIwoPdf(*doc, pdf).ok());
  FILE* f = popen(("pdftotext -layout '" + pdf + "' - 2>&1").c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string text;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  EXPECT_EQ(pclose(f), 0) << text;
  const size_t at = text.find("Termination of IWO");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_NE(text.substr(at, text.find('\n', at) - at).find("[X]"), std::string::npos) << text;
  EXPECT_NE(text.find("terminates " + FormatDisplayId("IWO", iwo_)), std::string::npos) << text;
  EXPECT_EQ(text.find("$500.00"), std::string::npos) << text;
}

TEST_F(IwoTerminateTest, EveryRefusalHasItsCodeAndWritesNothing) {
  const std::string before = Snapshot();
  const auto reason = [&](int64_t id, Date d, IwoEndReason why = IwoEndReason::kEmploymentEnded,
                          const std::string& note = "") {
    auto r = Terminate(id, d, why, note);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(Snapshot(), before) << "a refusal wrote something";
    return r.ok() ? std::string("ok") : r.status().reason();
  };
  EXPECT_EQ(reason(999, kToday), "iwo_not_found");
  EXPECT_EQ(reason(iwo_, kToday.AddDays(1)), "date_in_future");
  EXPECT_EQ(reason(iwo_, kEntry.AddDays(-1)), "date_before_entry");
  EXPECT_EQ(reason(iwo_, kToday, IwoEndReason::kOther), "note_required");
  EXPECT_EQ(reason(iwo_, kToday, IwoEndReason::kOther, "   "), "note_required");
  EXPECT_EQ(reason(iwo_, kToday, IwoEndReason::kOther, std::string(501, 'x')), "text_too_long");
  auto bad = ParseIwoEndReason("quit");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), "end_reason_invalid");
  EXPECT_NE(bad.status().message().find(
                "employment_ended|order_ended|case_closed|obligor_request_court|other"),
            std::string::npos)
      << bad.status().message();

  // Already ended; the termination notice itself; a rejected IWO.
  ASSERT_TRUE(Export("sent.txt")->written);
  auto done = Terminate(iwo_, kToday, IwoEndReason::kOther, "court order of 2024-07-09");
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  const std::string after = Snapshot();
  auto again = Terminate(iwo_, kToday);
  EXPECT_EQ(again.status().reason(), "iwo_already_ended");
  EXPECT_NE(again.status().message().find("2024-07-10 (other)"), std::string::npos)
      << again.status().message();
  auto notice = Terminate(done->notice->id, kToday);
  EXPECT_EQ(notice.status().reason(), "iwo_is_termination");
  EXPECT_NE(notice.status().message().find(FormatDisplayId("IWO", iwo_)), std::string::npos);
  Hire(Date::Ymd(2024, 7, 1));
  const int64_t second = Issue(kToday);
  ASSERT_TRUE(world_.store().MarkIwoSent(second, kToday, "0600000000000000000099", "f").ok());
  ASSERT_TRUE(world_.store().SetIwoAcknowledgment(second, "rejected", kToday, "NE", "no").ok());
  const std::string rejected = Snapshot();
  EXPECT_EQ(Terminate(second, kToday).status().reason(), "iwo_rejected");
  EXPECT_EQ(Snapshot(), rejected);
  EXPECT_NE(after, before);
}

// The rehire case: after a termination the employer may get a new IWO at once, while the
// termination notice is still pending (the one-active index and HasActiveIwo ignore notices).
TEST_F(IwoTerminateTest, ARehireBySameEmployerGetsANewIwo) {
  ASSERT_TRUE(Export("sent.txt")->written);
  auto r = Terminate(iwo_, Date::Ymd(2024, 7, 2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->notice.has_value());
  Hire(Date::Ymd(2024, 7, 8));
  ASSERT_TRUE(world_.store().Begin().ok());
  auto made = IssueIwosForCase(world_.store(), world_.clock(), "tester", case_, kToday);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE(world_.store().Commit().ok());
  ASSERT_EQ(made->size(), 1u);
  const IwoRecord fresh = Get(made->front().iwo_id);
  EXPECT_EQ(fresh.kind, "original");
  EXPECT_EQ(fresh.status, "pending");
  EXPECT_EQ(fresh.employer, acme_);
  EXPECT_EQ(Get(r->notice->id).status, "pending");
  EXPECT_TRUE(*world_.store().HasActiveIwo(case_, acme_));
  // The schema still refuses a second active withholding order with the employer.
  IwoRecord twin = fresh;
  EXPECT_EQ(world_.store().InsertIwo(twin).status().reason(), "unique_violation");
  // One export sends both: the notice (TRM) and the new IWO (ORG).
  auto rep = Export("both.txt");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->details, 2);
  const std::vector<std::string> lines = SplitLines(ReadWholeFile(dir_.path("both.txt")));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[2].substr(6, 3), "TRM");
  EXPECT_EQ(lines[3].substr(6, 3), "ORG");
}

// The risk model's "withholding order with the current employer" (ai kIwoActive) reads the
// `iwo_ended` event: in place the day before the end date, not from it on.
TEST_F(IwoTerminateTest, TheModelSeesTheEndFromItsDateNotBefore) {
  const Date end = Date::Ymd(2024, 7, 5);
  ASSERT_TRUE(Terminate(iwo_, end).ok());
  auto ref = ai::LoadReference(world_.store());
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  auto h = ai::LoadObligorHistory(world_.store(), obligor_);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  const auto on = [&](Date d) {
    return ai::At(ai::ExtractFeatures(*h, *ref, d).values, ai::Feature::kIwoActive);
  };
  EXPECT_EQ(on(kEntry), 1.0f);
  EXPECT_EQ(on(end.AddDays(-1)), 1.0f);
  EXPECT_EQ(on(end), 0.0f);
  EXPECT_EQ(on(kToday), 0.0f);
}

// Enforcement's "withholding in place" (action_service.cc CheckIwoActive) follows the dated
// event as the model does. Before, it read today's IWO status: an IWO ended on 2024-07-05 was
// "not in place" on 2024-07-04 too, so a recommendation as of that day offered income
// withholding although an IWO was in force.
TEST_F(IwoTerminateTest, EnforcementSeesWithholdingInPlaceUntilTheEndDate) {
  enforce::EnforcementService root(world_.store(), world_.clock(), "root");
  ASSERT_TRUE(root.SetStaffUser({"root", enforce::Role::kAdmin, true}).ok());
  enforce::EnforcementService svc(world_.store(), world_.clock(), "nightly");
  const auto reason = [&](Date as_of) -> std::string {
    enforce::RecommendOptions o;
    o.as_of = as_of;
    auto r = svc.Recommend(case_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return "error";
    for (const auto& [remedy, e] : r->ineligible) {
      if (remedy == enforce::Remedy::kIncomeWithholding) return e.reason;
    }
    return "eligible";
  };
  const Date end = Date::Ymd(2024, 7, 5);
  EXPECT_EQ(reason(Date::Ymd(2024, 7, 4)), "iwo_already_active");
  // Once an admin exists, only a caseworker, supervisor or admin ends withholding.
  const std::string status_before = Get(iwo_).status;
  ASSERT_TRUE(root.SetStaffUser({"tester", enforce::Role::kCaseworker, false}).ok());
  EXPECT_EQ(Terminate(iwo_, end).status().reason(), "user_unknown");
  ASSERT_TRUE(root.SetStaffUser({"tester", enforce::Role::kInvestigator, true}).ok());
  EXPECT_EQ(Terminate(iwo_, end).status().reason(), "role_not_allowed");
  EXPECT_EQ(Get(iwo_).status, status_before) << "a refusal changes nothing";
  EXPECT_TRUE(Events("iwo_ended").empty());
  ASSERT_TRUE(root.SetStaffUser({"tester", enforce::Role::kCaseworker, true}).ok());
  ASSERT_TRUE(Terminate(iwo_, end).ok());
  EXPECT_EQ(reason(Date::Ymd(2024, 7, 4)), "iwo_already_active") << "ended only on 2024-07-05";
  EXPECT_NE(reason(end), "iwo_already_active");
}

// ---- An employer's own termination (TRM) in an acknowledgment file ----

class EmployerTrmTest : public IwoTerminateTest {
 protected:
  std::string AckText(const std::string& action, const std::string& control,
                      const std::string& date) {
    formats::FieldValues fields{{"action_code", action},
                                {"iwo_control_number", control},
                                {"case_id", CaseDisplayId(case_)},
                                {"employee_ssn", "123450001"},
                                {"disposition", "A"}};
    if (!date.empty()) fields["disposition_date"] = date;
    return testing::AckFileText(ack_layouts_, {fields}, "06000ACKFILE0000000001",
                                "06000ACKBATCH000000001", "2024-07-09");
  }
  Result<AckImportReport> Import(const std::string& text) {
    return ImportEiwoAck(world_.store(), world_.clock(), "tester", ack_layouts_, "ack.txt", text);
  }
  // The IWO sent on 2024-07-01 (before the acknowledgments' dates); today is kToday again.
  void SendOnJulyFirst() {
    world_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2024, 7, 1)));
    ASSERT_TRUE(Export("sent.txt")->written);
    world_.clock().SetMicros(testing::MidnightMicros(kToday));
  }
};

// Before, a TRM record answering an original IWO was an `action_code_mismatch` and the whole
// file was refused: an employer could not tell the state the employee had left.
TEST_F(EmployerTrmTest, AnEmployersTrmEndsTheIwoOnceWithATask) {
  SendOnJulyFirst();
  const std::string control = Get(iwo_).control_number;
  ASSERT_TRUE(Import(AckText("ORG", control, ""))->committed);  // accepted first
  ASSERT_EQ(Get(iwo_).status, "accepted");
  const std::string text = AckText("TRM", control, "2024-07-08");
  auto rep = Import(text);
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->committed) << rep->problems.front().reason << " "
                              << rep->problems.front().message;
  EXPECT_EQ(rep->ended, 1);
  EXPECT_EQ(rep->tasks_created, 1);
  ASSERT_EQ(rep->applied.size(), 1u);
  EXPECT_EQ(rep->applied[0].status, "ended");
  EXPECT_EQ(Get(iwo_).status, "ended");
  auto end = world_.store().GetIwoEnd(iwo_);
  ASSERT_TRUE(end.ok() && end->has_value());
  EXPECT_EQ((*end)->end_date, Date::Ymd(2024, 7, 8));
  EXPECT_EQ((*end)->reason, "employment_ended");
  const std::vector<CaseEvent> ended = Events("iwo_ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].date, Date::Ymd(2024, 7, 8));
  EXPECT_EQ(ended[0].detail,
            "employer_fein=111111111 iwo=" + std::to_string(iwo_) + " reason=employment_ended");
  EXPECT_EQ(IwoCount(), 1u) << "no termination notice goes back to the employer";
  std::vector<enforce::Task> tasks = *world_.store().ListOpenEnforceTasks("");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].kind, "iwo_ended_by_employer");
  EXPECT_EQ(tasks[0].case_id, case_);
  EXPECT_NE(tasks[0].message.find("terminated by the employer on 2024-07-08"), std::string::npos)
      << tasks[0].message;
  EXPECT_FALSE(*world_.store().HasActiveIwo(case_, acme_));

  // Re-importing changes nothing: no second event, task or audit row.
  auto again = Import(text);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->committed);
  EXPECT_EQ(again->already, 1);
  EXPECT_EQ(again->ended + again->tasks_created, 0);
  EXPECT_EQ(Events("iwo_ended").size(), 1u);
  EXPECT_EQ(world_.store().ListOpenEnforceTasks("")->size(), 1u);
  EXPECT_EQ(AuditCount("eiwo.ack.import"), 2);  // the acceptance and the termination
}

TEST_F(EmployerTrmTest, ATrmForARejectedIwoRefusesTheFile) {
  SendOnJulyFirst();
  const std::string control = Get(iwo_).control_number;
  ASSERT_TRUE(world_.store().SetIwoAcknowledgment(iwo_, "rejected", kToday, "NE", "no").ok());
  auto rep = Import(AckText("TRM", control, "2024-07-08"));
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->committed);
  ASSERT_EQ(rep->problems.size(), 1u);
  EXPECT_EQ(rep->problems[0].reason, "ack_conflict");
  EXPECT_EQ(Get(iwo_).status, "rejected");
  EXPECT_TRUE(Events("iwo_ended").empty());
}

// ---- The command line ----

class IwoTerminateCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path("cse.db");
    testing::World world(db_, kToday);
    const PersonId obligor = *world.service().AddPerson(testing::SamDoe("123456789"));
    const CaseId c = world.SimpleCase(obligor, 50'000, Date::Ymd(2024, 1, 1));
    IwoRecord r = testing::ManualIwo(c, obligor, *world.store().UpsertEmployer(testing::Acme()),
                                     kEntry, Date::Ymd(2024, 7, 2));
    r.source = "newhire";
    r.arrears_monthly = Money();
    ASSERT_TRUE(world.store().InsertIwo(r).ok());
    ASSERT_TRUE(world.store()
                    .MarkIwoSent(1, Date::Ymd(2024, 7, 1), "0600000000000000000002",
                                 "0600000000000000000001")
                    .ok());
  }
  testing::CliRun Cli(std::vector<std::string> args) {
    std::vector<std::string> full{"opencse", "--db", db_, "--today", "2024-07-10", "--user", "cw"};
    full.insert(full.end(), args.begin(), args.end());
    return testing::RunArgv(full);
  }
  testing::ScratchDir dir_{"iwo_terminate_cli"};
  std::string db_;
};

TEST_F(IwoTerminateCliTest, TerminateListAndRefusals) {
  testing::CliRun r = Cli({"iwo", "terminate", "--iwo", "IWO-000001", "--reason", "quit", "--date",
                           "2024-07-09", "--json"});
  EXPECT_EQ(r.code, 1);
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["code"], "end_reason_invalid");
  EXPECT_NE(j["message"].get<std::string>().find("obligor_request_court"), std::string::npos);
  r = Cli({"iwo", "terminate", "--iwo", "IWO-000001", "--reason", "other", "--date", "2024-07-09",
           "--json"});
  EXPECT_EQ(Json::parse(r.out)["code"], "note_required");
  r = Cli({"iwo", "terminate", "--iwo", "IWO-000001", "--reason", "case_closed", "--date",
           "2024-07-11", "--json"});
  EXPECT_EQ(Json::parse(r.out)["code"], "date_in_future");
  r = Cli({"iwo", "terminate", "--iwo", "IWO-000009", "--reason", "case_closed", "--date",
           "2024-07-09", "--json"});
  EXPECT_EQ(Json::parse(r.out)["code"], "iwo_not_found");

  r = Cli({"iwo", "terminate", "--iwo", "IWO-000001", "--reason", "employment_ended", "--date",
           "2024-07-09", "--note", "left on 7/9", "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = Json::parse(r.out);
  EXPECT_EQ(j["iwo"], "IWO-000001");
  EXPECT_EQ(j["previous_status"], "sent");
  EXPECT_EQ(j["status"], "ended");
  EXPECT_EQ(j["end_date"], "2024-07-09");
  EXPECT_EQ(j["reason"], "employment_ended");
  EXPECT_EQ(j["termination_notice"]["id"], "IWO-000002");
  EXPECT_EQ(j["termination_notice"]["due_date"], "2024-07-12");

  r = Cli({"iwo", "list", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  j = Json::parse(r.out);
  ASSERT_EQ(j["iwos"].size(), 2u);
  EXPECT_EQ(j["iwos"][0]["status"], "ended");
  EXPECT_EQ(j["iwos"][0]["end_date"], "2024-07-09");
  EXPECT_EQ(j["iwos"][0]["end_reason"], "employment_ended");
  EXPECT_EQ(j["iwos"][1]["kind"], "termination");
  EXPECT_EQ(j["iwos"][1]["terminates"], "IWO-000001");

  r = Cli({"iwo", "terminate", "--iwo", "IWO-000001", "--reason", "employment_ended", "--date",
           "2024-07-09"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("iwo_already_ended"), std::string::npos) << r.err;

  r = Cli({"iwo", "terminate", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("obligor_request_court"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TRM"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace cse::iwo
