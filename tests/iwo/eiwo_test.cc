// e-IWO files out (iwo/eiwo_export.h) and acknowledgments in (iwo/eiwo_ack.h), against a real
// SQLite store: control numbers never reused (after a failed write, a failed commit, a re-run,
// across employers), IWOs marked sent with the file, acknowledgments applied all or nothing.
// Positions other than FACTS §1.3's sourced ones are the built-in UNVERIFIED placement.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "iwo/eiwo_ack.h"
#include "iwo/eiwo_export.h"
#include "iwo/iwo_fixture.h"
#include "iwo/iwo_terminate.h"
#include "iwo/settings.h"
#include "service/json.h"
#include "testing/fault_store.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse::iwo {
namespace {

namespace fs = std::filesystem;

using testing::ReadWholeFile;
using testing::SplitLines;

class EiwoTest : public ::testing::Test {
 protected:
  EiwoTest() : world_(":memory:", Date::Ymd(2024, 7, 1)) {}

  void SetUp() override {
    acme_ = AddEmployer("111111111", "ACME WIDGETS");
    bolt_ = AddEmployer("222222222", "BOLT WORKS");
    settings_.eiwo_state_fips = "06";
    settings_.eiwo_issuing_state = "STATE OF EXAMPLE";
    iwo_layouts_ = *formats::LoadEiwoLayouts("builtin", formats::EiwoDirection::kIwo);
    ack_layouts_ = *formats::LoadEiwoLayouts("builtin", formats::EiwoDirection::kAck);
    // Who sends: a caseworker of the office whose cases these are (AddIwo).
    AddUser("tester", "caseworker", "Main");
  }

  void AddUser(const std::string& name, const std::string& role, const std::string& office,
               bool disabled = false) {
    testing::AddStaffUser(world_.store(), name, role, office, disabled);
  }

  EmployerId AddEmployer(const std::string& fein, const std::string& name) {
    return *world_.store().UpsertEmployer(testing::SpringfieldEmployer(fein, name));
  }

  // A pending IWO for a fresh obligor with this SSN, with `employer`.
  int64_t AddIwo(const std::string& ssn, EmployerId employer, Date entry = Date::Ymd(2024, 6, 28),
                 const std::string& office = "Main") {
    Person p = testing::SamDoe(ssn);
    for (char c : ssn.substr(6)) p.last_name += static_cast<char>('a' + (c - '0'));
    const PersonId obligor = *world_.service().AddPerson(p);
    const CaseId c = world_.SimpleCase(obligor, 50'000, Date::Ymd(2024, 1, 1));
    cases_[ssn] = c;
    EXPECT_TRUE(world_.store().SetCaseOffice(c, office).ok());
    return *world_.store().InsertIwo(
        testing::ManualIwo(c, obligor, employer, entry, entry.AddDays(4)));
  }

  IwoRecord Get(int64_t id) { return testing::GetIwo(world_.store(), id); }

  Result<EiwoExportReport> Export(Store& store, const std::string& name,
                                  const std::string& fein = "",
                                  const std::string& user = "tester") {
    EiwoExportOptions o;
    o.out_path = dir_.path(name);
    o.employer_fein = fein;
    o.as_of = world_.clock().Today();
    return ExportEiwo(store, world_.clock(), user, iwo_layouts_, settings_, o);
  }
  Result<EiwoExportReport> Export(const std::string& name, const std::string& fein = "") {
    return Export(world_.store(), name, fein);
  }

  std::vector<EiwoControlNumber> Numbers(const std::string& status = "") {
    return *world_.store().ListEiwoControlNumbers(status, 0, 10'000);
  }

  int64_t AuditCount(const std::string& action) {
    return testing::CountAudit(world_.store(), action);
  }

  testing::World world_;
  testing::ScratchDir dir_{"eiwo"};
  EmployerId acme_, bolt_;
  IwoSettings settings_;
  formats::EiwoLayouts iwo_layouts_, ack_layouts_;
  std::map<std::string, CaseId> cases_;
};

TEST_F(EiwoTest, ExportWritesHeadersBatchesTrailersAndMarksSent) {
  const int64_t a1 = AddIwo("123450001", acme_);
  const int64_t b1 = AddIwo("123450002", bolt_);
  const int64_t a2 = AddIwo("123450003", acme_);
  auto rep = Export("out.txt");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->written);
  EXPECT_EQ(rep->details, 3);
  ASSERT_EQ(rep->batches.size(), 2u);
  EXPECT_FALSE(fs::exists(dir_.path("out.txt.partial")));

  const std::vector<std::string> lines = SplitLines(ReadWholeFile(dir_.path("out.txt")));
  // FHI, BHI acme, DTL, DTL, BTI, BHI bolt, DTL, BTI, FTI.
  ASSERT_EQ(lines.size(), 9u);
  for (const std::string& l : lines) EXPECT_EQ(l.size(), 600u);
  EXPECT_EQ(lines[0].substr(0, 3), "FHI");
  EXPECT_EQ(lines[1].substr(0, 3), "BHI");
  EXPECT_EQ(lines[2].substr(0, 3), "DTL");
  EXPECT_EQ(lines[3].substr(0, 3), "DTL");
  EXPECT_EQ(lines[4].substr(0, 3), "BTI");
  EXPECT_EQ(lines[5].substr(0, 3), "BHI");
  EXPECT_EQ(lines[8].substr(0, 3), "FTI");
  // Control numbers at 4-25 (FACTS §1.3 chart D-1): 22 characters, state FIPS + "000".
  const std::string file_control = lines[0].substr(3, 22);
  const std::string acme_control = lines[1].substr(3, 22);
  const std::string bolt_control = lines[5].substr(3, 22);
  EXPECT_EQ(file_control, rep->file_control);
  EXPECT_EQ(file_control.substr(0, 5), "06000");
  EXPECT_NE(acme_control, bolt_control);
  EXPECT_NE(acme_control, file_control);
  EXPECT_EQ(rep->batches[0].control_number, acme_control);
  EXPECT_EQ(rep->batches[0].employer_fein, "111111111");
  // Detail records: case ids at 88-102, action code at 7-9 (FACTS §1.3 chart D-3).
  EXPECT_EQ(lines[2].substr(87, 11), CaseDisplayId(Get(a1).case_id));
  EXPECT_EQ(lines[3].substr(87, 11), CaseDisplayId(Get(a2).case_id));
  EXPECT_EQ(lines[6].substr(87, 11), CaseDisplayId(Get(b1).case_id));
  EXPECT_EQ(lines[2].substr(6, 3), "ORG");
  EXPECT_EQ(lines[2].substr(9, 8), "20240701");
  EXPECT_EQ(lines[2].substr(102, 12), "ACME WIDGETS");
  // Trailer counts (built-in placement, unverified): batch 2, batch 1, file 2 batches 3 IWOs.
  EXPECT_EQ(lines[4].substr(3, 22), acme_control);
  EXPECT_EQ(lines[4].substr(25, 9), "000000002");
  EXPECT_EQ(lines[7].substr(25, 9), "000000001");
  EXPECT_EQ(lines[8].substr(25, 9), "000000002");
  EXPECT_EQ(lines[8].substr(34, 9), "000000003");

  for (int64_t id : {a1, a2}) {
    const IwoRecord r = Get(id);
    EXPECT_EQ(r.status, "sent");
    ASSERT_TRUE(r.sent_date.has_value());
    EXPECT_EQ(*r.sent_date, Date::Ymd(2024, 7, 1));
    EXPECT_EQ(r.control_number, acme_control);
    EXPECT_EQ(r.file_control_number, file_control);
  }
  EXPECT_EQ(Get(b1).control_number, bolt_control);
  EXPECT_EQ(Numbers("used").size(), 3u);
  EXPECT_EQ(Numbers("reserved").size(), 0u);
  EXPECT_EQ(AuditCount("eiwo.export.reserve"), 1);
  EXPECT_EQ(AuditCount("eiwo.export"), 1);
}

// The file read back with the same layouts: every record is recognized and every detail
// carries the IWO's identifiers and amounts (positions after 184 are the unverified built-in
// placement; the values are what the IWO form would show).
TEST_F(EiwoTest, ExportedFileReadsBackWithItsLayouts) {
  const int64_t id = AddIwo("123450001", acme_);
  ASSERT_TRUE(Export("out.txt")->written);
  const std::vector<std::string> lines = SplitLines(ReadWholeFile(dir_.path("out.txt")));
  ASSERT_EQ(lines.size(), 5u);
  std::vector<std::string> types;
  for (const std::string& l : lines) {
    const formats::RecordLayout* r = formats::RecordOf(iwo_layouts_, l);
    ASSERT_NE(r, nullptr) << l.substr(0, 3);
    types.push_back(r->name);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"file_header", "batch_header", "detail",
                                             "batch_trailer", "file_trailer"}));
  formats::FieldProblem p;
  auto v = formats::ReadRecord(iwo_layouts_.detail, lines[2], p);
  ASSERT_TRUE(v.ok()) << p.field << " " << p.reason;
  EXPECT_EQ(v->at("tracking_id"), FormatDisplayId("IWO", id));
  EXPECT_EQ(v->at("employee_ssn"), "123450001");
  EXPECT_EQ(v->at("employee_last_name"), "Doeaab");
  EXPECT_EQ(v->at("employer_fein"), "111111111");
  EXPECT_EQ(v->at("issuing_state"), "STATE OF EXAMPLE");
  EXPECT_EQ(v->at("current_support"), "00000050000");   // 500.00
  EXPECT_EQ(v->at("past_due_support"), "00000010000");  // 100.00
  EXPECT_EQ(v->at("total_monthly"), "00000060000");
  EXPECT_EQ(v->at("per_weekly"), "00000013846");  // 600 x 12 / 52 = 138.46
  EXPECT_EQ(v->at("per_biweekly"), "00000027692");
  EXPECT_EQ(v->at("per_semimonthly"), "00000030000");
  EXPECT_EQ(v->at("arrears_over_12_weeks"), "N");
  auto header = formats::ReadRecord(iwo_layouts_.batch_header, lines[1], p);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->at("employer_fein"), "111111111");
  EXPECT_EQ(header->at("state_fips"), "06");
  EXPECT_EQ(header->at("creation_date"), "2024-07-01");
}

TEST_F(EiwoTest, SecondExportWithNothingNewWritesNoFileAndUsesNoNumber) {
  AddIwo("123450001", acme_);
  ASSERT_TRUE(Export("one.txt")->written);
  auto again = Export("two.txt");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->written);
  EXPECT_EQ(again->details, 0);
  EXPECT_FALSE(fs::exists(dir_.path("two.txt")));
  EXPECT_EQ(Numbers().size(), 2u);
  EXPECT_EQ(AuditCount("eiwo.export"), 1);
}

TEST_F(EiwoTest, ControlNumbersAreNeverReusedAcrossRunsAndEmployers) {
  std::set<std::string> seen;
  for (int run = 0; run < 4; ++run) {
    AddIwo("12345100" + std::to_string(run), run % 2 ? acme_ : bolt_);
    AddIwo("22345100" + std::to_string(run), acme_);
    auto rep = Export("run" + std::to_string(run) + ".txt", run == 3 ? "111111111" : "");
    ASSERT_TRUE(rep.ok()) << rep.status().ToString();
    ASSERT_TRUE(rep->written);
    EXPECT_TRUE(seen.insert(rep->file_control).second) << rep->file_control;
    for (const EiwoBatchReport& b : rep->batches) {
      EXPECT_TRUE(seen.insert(b.control_number).second) << b.control_number;
    }
  }
  // Every IWO was exported (the last run with --employer ACME had only ACME's).
  EXPECT_EQ(world_.store().ListIwos("pending", 0, 100)->size(), 0u);
  EXPECT_EQ(seen.size(), Numbers().size());
}

TEST_F(EiwoTest, EmployerFilterLeavesOthersPending) {
  const int64_t a = AddIwo("123450001", acme_);
  const int64_t b = AddIwo("123450002", bolt_);
  auto rep = Export("acme.txt", "111111111");
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->details, 1);
  EXPECT_EQ(Get(a).status, "sent");
  EXPECT_EQ(Get(b).status, "pending");
  auto unknown = Export("x.txt", "999999999");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().reason(), "employer_not_found");
}

TEST_F(EiwoTest, AsOfLeavesLaterEntriesForLater) {
  const int64_t early = AddIwo("123450001", acme_, Date::Ymd(2024, 6, 1));
  const int64_t late = AddIwo("123450002", acme_, Date::Ymd(2024, 6, 28));
  EiwoExportOptions o;
  o.out_path = dir_.path("asof.txt");
  o.as_of = Date::Ymd(2024, 6, 15);
  auto rep = ExportEiwo(world_.store(), world_.clock(), "tester", iwo_layouts_, settings_, o);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->details, 1);
  EXPECT_EQ(Get(early).status, "sent");
  EXPECT_EQ(Get(late).status, "pending");
  o.as_of = Date::Ymd(2024, 7, 2);  // after today
  rep = ExportEiwo(world_.store(), world_.clock(), "tester", iwo_layouts_, settings_, o);
  ASSERT_FALSE(rep.ok());
  EXPECT_EQ(rep.status().reason(), "date_in_future");
}

TEST_F(EiwoTest, FailedWriteBurnsTheNumbersAndLeavesIwosPending) {
  const int64_t a = AddIwo("123450001", acme_);
  auto bad = Export("no/such/dir/out.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().reason(), "file_write_failed");
  EXPECT_EQ(Get(a).status, "pending");
  EXPECT_TRUE(Get(a).control_number.empty());
  const std::vector<EiwoControlNumber> burned = Numbers("void");
  ASSERT_EQ(burned.size(), 2u);
  EXPECT_NE(burned[0].note.find("file_write_failed"), std::string::npos);
  EXPECT_EQ(AuditCount("eiwo.control.void"), 1);

  auto good = Export("out.txt");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  ASSERT_TRUE(good->written);
  for (const EiwoControlNumber& c : burned) {
    EXPECT_NE(good->file_control, c.control_number);
    EXPECT_NE(good->batches[0].control_number, c.control_number);
  }
  EXPECT_EQ(Get(a).status, "sent");
}

TEST_F(EiwoTest, FailedReservationWritesNothing) {
  AddIwo("123450001", acme_);
  testing::FaultStore faulty(world_.store());
  faulty.FailNextCommit(testing::FaultStore::Fault::kFailBeforeCommit);  // the reservation
  auto failed = Export(faulty, "failed.txt");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().reason(), "store_io");
  EXPECT_FALSE(fs::exists(dir_.path("failed.txt")));
  EXPECT_FALSE(fs::exists(dir_.path("failed.txt.partial")));
  EXPECT_TRUE(Numbers().empty());
  EXPECT_EQ(world_.store().ListIwos("pending", 0, 10)->size(), 1u);
}

TEST_F(EiwoTest, FailureMarkingSentVoidsNumbersAndLeavesNoFile) {
  const int64_t a = AddIwo("123450001", acme_);
  // Marking the IWO sent fails (as when another export sent it first).
  ASSERT_TRUE(world_.store()
                  .ExecForTesting("CREATE TRIGGER test_no_send BEFORE UPDATE OF status ON iwo "
                                  "WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, "
                                  "'injected'); END")
                  .ok());
  auto rep = Export("out.txt");
  ASSERT_FALSE(rep.ok());
  EXPECT_FALSE(fs::exists(dir_.path("out.txt")));
  EXPECT_FALSE(fs::exists(dir_.path("out.txt.partial")));
  EXPECT_EQ(Get(a).status, "pending");
  EXPECT_EQ(Numbers("void").size(), 2u);
  EXPECT_EQ(Numbers("used").size(), 0u);
}

TEST_F(EiwoTest, FailedFinalCommitRemovesTheRenamedFileAndVoidsNumbers) {
  const int64_t a = AddIwo("123450001", acme_);
  // The final COMMIT fails after the file was renamed into place: a deferred foreign key
  // violated by a trigger when a number is closed `used`.
  ASSERT_TRUE(
      world_.store()
          .ExecForTesting("CREATE TABLE test_parent(id INTEGER PRIMARY KEY); "
                          "CREATE TABLE test_child(pid INTEGER REFERENCES test_parent(id) "
                          "DEFERRABLE INITIALLY DEFERRED); "
                          "CREATE TRIGGER test_fail_commit AFTER UPDATE ON eiwo_control_number "
                          "WHEN NEW.status = 'used' BEGIN INSERT INTO test_child VALUES (42); END")
          .ok());
  auto rep = Export("out.txt");
  ASSERT_FALSE(rep.ok());
  EXPECT_FALSE(fs::exists(dir_.path("out.txt")));
  EXPECT_FALSE(fs::exists(dir_.path("out.txt.partial")));
  EXPECT_EQ(Get(a).status, "pending");
  const std::vector<EiwoControlNumber> burned = Numbers("void");
  ASSERT_EQ(burned.size(), 2u);
  ASSERT_TRUE(world_.store().ExecForTesting("DROP TRIGGER test_fail_commit").ok());
  auto next = Export("out.txt");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_TRUE(fs::exists(dir_.path("out.txt")));
  EXPECT_NE(next->file_control, burned[0].control_number);
  EXPECT_NE(next->batches[0].control_number, burned[1].control_number);
  EXPECT_EQ(Get(a).status, "sent");
}

TEST_F(EiwoTest, ReservationCommittedDespiteAnErrorIsVoidedNextRun) {
  const int64_t a = AddIwo("123450001", acme_);
  testing::FaultStore faulty(world_.store());
  faulty.FailNextCommit(testing::FaultStore::Fault::kFailAfterCommit);
  // The reservation's commit reports an error although it happened: the export stops; the
  // numbers stay reserved and the next export voids them.
  auto rep = Export(faulty, "x.txt");
  ASSERT_FALSE(rep.ok());
  EXPECT_EQ(Get(a).status, "pending");
  ASSERT_EQ(Numbers("reserved").size(), 2u);
  auto next = Export("y.txt");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->voided.size(), 2u);
  EXPECT_EQ(Numbers("void").size(), 2u);
  EXPECT_EQ(Numbers("used").size(), 2u);
  EXPECT_EQ(Get(a).status, "sent");
}

TEST_F(EiwoTest, AbandonedReservationIsVoidedNotReused) {
  AddIwo("123450001", acme_);
  // What a crash between the reservation and the mark-sent commit leaves behind.
  ASSERT_TRUE(world_.store().Begin().ok());
  const int64_t first = *world_.store().AdvanceEiwoSequence(2);
  for (int64_t seq : {first, first + 1}) {
    EiwoControlNumber c;
    c.control_number = FormatControlNumber("06", seq);
    c.seq = seq;
    c.kind = seq == first ? "file" : "batch";
    c.file_control_number = FormatControlNumber("06", first);
    c.reserved_at = "2024-07-01T00:00:00Z";
    ASSERT_TRUE(world_.store().InsertEiwoControlNumber(c).ok());
  }
  ASSERT_TRUE(world_.store().Commit().ok());
  auto rep = Export("out.txt");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->voided, (std::vector<std::string>{FormatControlNumber("06", first),
                                                   FormatControlNumber("06", first + 1)}));
  EXPECT_EQ(rep->file_control, FormatControlNumber("06", first + 2));
}

TEST_F(EiwoTest, SchemaRefusesReuseRewindAndDeletion) {
  AddIwo("123450001", acme_);
  ASSERT_TRUE(Export("out.txt")->written);
  const EiwoControlNumber used = Numbers().front();
  EiwoControlNumber again = used;
  again.status = "reserved";
  again.seq = 999;
  Status s = world_.store().InsertEiwoControlNumber(again);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), "unique_violation");  // the control number is the primary key
  again = used;
  again.control_number = "0600099999999999999999";
  s = world_.store().InsertEiwoControlNumber(again);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), "unique_violation");  // the sequence value is unique too
  EXPECT_FALSE(world_.store().ExecForTesting("UPDATE eiwo_sequence SET next_value = 1").ok());
  EXPECT_FALSE(world_.store().ExecForTesting("DELETE FROM eiwo_control_number").ok());
  EXPECT_FALSE(
      world_.store().ExecForTesting("UPDATE eiwo_control_number SET status = 'reserved'").ok());
  s = world_.store().CloseEiwoControlNumber(used.control_number, "void", 0, "", "now", "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), "control_not_reserved");
  // `acknowledged` became `accepted` (migration 320).
  EXPECT_FALSE(world_.store().ExecForTesting("UPDATE iwo SET status = 'acknowledged'").ok());
  EXPECT_TRUE(world_.store().ExecForTesting("UPDATE iwo SET status = 'accepted'").ok());
}

TEST_F(EiwoTest, IwoThatCannotBeWrittenIsSkippedAndStaysPending) {
  const EmployerId nameless = AddEmployer("333333333", "");
  const int64_t bad = AddIwo("123450001", nameless);
  const int64_t good = AddIwo("123450002", acme_);
  auto rep = Export("out.txt");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->details, 1);
  EXPECT_EQ(rep->skipped_count, 1);
  ASSERT_EQ(rep->skipped.size(), 1u);
  EXPECT_EQ(rep->skipped[0].iwo_id, bad);
  EXPECT_EQ(rep->skipped[0].field, "employer_name");
  EXPECT_EQ(Get(bad).status, "pending");
  EXPECT_EQ(Get(good).status, "sent");
}

TEST_F(EiwoTest, NotConfiguredIsAClearError) {
  AddIwo("123450001", acme_);
  settings_ = IwoSettings{};
  auto rep = Export("out.txt");
  ASSERT_FALSE(rep.ok());
  EXPECT_EQ(rep.status().reason(), "eiwo_not_configured");
  EXPECT_TRUE(Numbers().empty());
}

// QA 2026-12: anyone could send IWOs to employers (`--user randomperson`, an investigator).
// Sending executes withholding: only an active caseworker or supervisor may, and anyone else
// is refused before anything is written — not even an abandoned reservation is voided.
TEST_F(EiwoTest, OnlyAStaffUserWhoMayIssueWithholdingSendsIwos) {
  const int64_t id = AddIwo("123450001", acme_);
  AddUser("ivy", "investigator", "");
  AddUser("root", "admin", "");
  AddUser("amy", "attorney", "");
  AddUser("acct", "accounting_technician", "");
  AddUser("gone", "caseworker", "Main", /*disabled=*/true);
  ASSERT_TRUE(world_.store().Begin().ok());
  EiwoControlNumber left;
  left.seq = *world_.store().AdvanceEiwoSequence(1);
  left.control_number = FormatControlNumber("06", left.seq);
  left.kind = "file";
  left.file_control_number = left.control_number;
  left.reserved_at = "2024-07-01T00:00:00Z";
  ASSERT_TRUE(world_.store().InsertEiwoControlNumber(left).ok());
  ASSERT_TRUE(world_.store().Commit().ok());
  const auto last_audit = [&] { return (*world_.store().LastAuditLink())->seq; };
  const int64_t audit_before = last_audit();
  for (const auto& [user, reason] :
       std::vector<std::pair<std::string, std::string>>{{"randomperson", "user_unknown"},
                                                        {"gone", "user_unknown"},
                                                        {"ivy", "role_not_allowed"},
                                                        {"root", "role_not_allowed"},
                                                        {"amy", "role_not_allowed"},
                                                        {"acct", "role_not_allowed"}}) {
    auto rep = Export(world_.store(), "out.txt", "", user);
    ASSERT_FALSE(rep.ok()) << user;
    EXPECT_EQ(rep.status().reason(), reason) << user;
    EXPECT_NE(rep.status().message().find(user), std::string::npos) << rep.status().message();
    EXPECT_EQ(Get(id).status, "pending");
    EXPECT_FALSE(fs::exists(dir_.path("out.txt")));
    EXPECT_EQ(Numbers("reserved").size(), 1u);  // not even the abandoned number is voided
    EXPECT_EQ(last_audit(), audit_before);
  }
  AddUser("sue", "supervisor", "Main");
  auto rep = Export(world_.store(), "out.txt", "", "sue");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_TRUE(rep->written);
  EXPECT_EQ(rep->approved_by, "sue");
  EXPECT_EQ(Get(id).status, "sent");
}

// The approver of each IWO sent is on the audit row of its export, with the IWO ids.
TEST_F(EiwoTest, TheExportsAuditRowNamesTheApproverAndTheIwos) {
  const int64_t a = AddIwo("123450001", acme_);
  const int64_t b = AddIwo("123450002", bolt_);
  ASSERT_TRUE(Export("out.txt")->written);
  std::optional<AuditRow> row;
  ASSERT_TRUE(world_.store()
                  .ScanAudit([&](const AuditRow& r) {
                    if (r.action == "eiwo.export") row = r;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->actor, "tester");
  const Json after = Json::parse(row->after);
  EXPECT_EQ(after["approved_by"], "tester");
  EXPECT_EQ(after["approver_role"], "caseworker");
  EXPECT_EQ(after["approver_office"], "Main");
  std::set<std::string> ids;
  for (const Json& batch : after["batches"]) {
    for (const Json& i : batch["iwos"]) ids.insert(i.get<std::string>());
  }
  EXPECT_EQ(ids, (std::set<std::string>{FormatDisplayId("IWO", a), FormatDisplayId("IWO", b)}));
}

// A caseworker sends the IWOs of their office's caseload; the others stay pending, counted,
// for a worker of their own office.
TEST_F(EiwoTest, ACaseworkerSendsOnlyTheirOfficesIwos) {
  const int64_t mine = AddIwo("123450001", acme_);
  const int64_t north = AddIwo("123450002", acme_, Date::Ymd(2024, 6, 28), "North");
  auto rep = Export("main.txt");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->details, 1);
  EXPECT_EQ(rep->outside_caseload, 1);
  EXPECT_EQ(rep->approver_office, "Main");
  EXPECT_EQ(Get(mine).status, "sent");
  EXPECT_EQ(Get(north).status, "pending");
  // Nothing of theirs left: no file, no number, the other office's IWO still counted.
  auto again = Export("again.txt");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->written);
  EXPECT_EQ(again->outside_caseload, 1);
  AddUser("nora", "caseworker", "North");
  rep = Export(world_.store(), "north.txt", "", "nora");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_EQ(rep->details, 1);
  EXPECT_EQ(rep->outside_caseload, 0);
  EXPECT_EQ(Get(north).status, "sent");
}

// A closed case takes no IWO action: its pending IWO was sent as a new ORG order to the
// employer (QA). It stays pending and is reported; the case's termination notice still goes.
TEST_F(EiwoTest, AClosedCasesIwoIsNotSentButItsTerminationNoticeIs) {
  const int64_t sent = AddIwo("123450001", acme_);
  const int64_t open = AddIwo("123450002", acme_);
  ASSERT_TRUE(Export("first.txt")->written);
  const CaseId c = cases_["123450001"];
  // The sent IWO ends (a termination notice to send) and a new one with another employer waits.
  auto ended =
      TerminateIwo(world_.store(), world_.clock(), "tester",
                   testing::EndRequest(sent, world_.clock().Today(), IwoEndReason::kCaseClosed));
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  ASSERT_TRUE(ended->notice.has_value());
  IwoRecord r = Get(sent);
  r.employer = bolt_;
  r.employment_id = 0;
  r.status = "pending";
  r.sent_date.reset();
  r.control_number.clear();
  r.file_control_number.clear();
  const int64_t pending = *world_.store().InsertIwo(r);
  const int64_t other = AddIwo("123450003", bolt_);
  ASSERT_TRUE(world_.store().UpdateCaseStatus(c, CaseStatus::kClosed).ok());

  auto rep = Export("second.txt");
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->written);
  EXPECT_EQ(rep->details, 2);  // the notice and the open case's IWO
  EXPECT_EQ(rep->case_closed, 1);
  EXPECT_EQ(rep->case_closed_iwos, std::vector<int64_t>{pending});
  EXPECT_EQ(Get(pending).status, "pending");
  EXPECT_EQ(Get(ended->notice->id).status, "sent");
  EXPECT_EQ(Get(other).status, "sent");
  EXPECT_EQ(Get(open).status, "sent");
  const std::string text = ReadWholeFile(dir_.path("second.txt"));
  EXPECT_NE(text.find("TRM"), std::string::npos) << text;
  EXPECT_EQ(text.find(FormatDisplayId("IWO", pending)), std::string::npos) << text;
  // Nothing else to send: no file, the closed case's IWO still counted.
  auto again = Export("third.txt");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->written);
  EXPECT_EQ(again->case_closed, 1);
  EXPECT_FALSE(fs::exists(dir_.path("third.txt")));
}

// The state's options (iwo/settings.h). Before, the admin rule of `iwo config set` lived only
// in the command: SetIwoSetting itself let anyone change them, so another caller (a service, a
// script) was not covered. Checked first, as the command did: before the key is looked at.
TEST_F(EiwoTest, SetIwoSettingItselfNeedsAnAdminOnceOneExists) {
  const auto set = [&](const std::string& user, const std::string& key, const std::string& v) {
    return SetIwoSetting(world_.store(), world_.clock(), user, key, v);
  };
  // Before the first admin, anyone (a new installation sets itself up).
  ASSERT_TRUE(set("nobody", "iwo.eiwo.state_fips", "06").ok());
  AddUser("root", "admin", "");
  AddUser("gone", "admin", "", /*disabled=*/true);
  const int64_t audits = AuditCount("iwo.config.set");
  for (const auto& [user, code] : std::vector<std::pair<std::string, std::string>>{
           {"nobody", "user_unknown"}, {"gone", "user_unknown"}, {"tester", "role_not_allowed"}}) {
    const Status s = set(user, "iwo.due_business_days", "5");
    EXPECT_EQ(s.reason(), code) << user;
    EXPECT_NE(s.message().find("change 'iwo.due_business_days'"), std::string::npos) << s.message();
    EXPECT_EQ(set(user, "iwo.no_such_key", "1").reason(), code) << user << ": the actor first";
  }
  const IwoSettings unchanged = *LoadIwoSettings(world_.store());
  EXPECT_EQ(unchanged.due_business_days, 2) << "a refusal wrote nothing";
  EXPECT_EQ(unchanged.eiwo_state_fips, "06");
  EXPECT_EQ(AuditCount("iwo.config.set"), audits);
  // An admin may; a bad value is still refused for them.
  ASSERT_TRUE(set("root", "iwo.due_business_days", "5").ok());
  EXPECT_EQ(LoadIwoSettings(world_.store())->due_business_days, 5);
  EXPECT_EQ(set("root", "iwo.due_business_days", "31").reason(), "due_days_invalid");
  EXPECT_EQ(AuditCount("iwo.config.set"), audits + 1);
}

// ---- Acknowledgments ----

class EiwoAckTest : public EiwoTest {
 protected:
  struct Ack {
    std::string ssn;
    std::string disposition;
    std::string reason;
    std::string control = {};  // default: the IWO's own batch control number
    std::string date = {};     // disposition date YYYY-MM-DD; default: none
  };
  std::string AckText(const std::vector<Ack>& acks) {
    std::vector<formats::FieldValues> details;
    for (const Ack& a : acks) {
      const int64_t id = iwo_by_ssn_[a.ssn];
      formats::FieldValues fields{
          {"action_code", "ORG"},
          {"iwo_control_number", a.control.empty() ? Get(id).control_number : a.control},
          {"case_id", CaseDisplayId(cases_[a.ssn])},
          {"employee_ssn", a.ssn},
          {"disposition", a.disposition},
          {"reason_code", a.reason}};
      if (!a.date.empty()) fields["disposition_date"] = a.date;
      details.push_back(std::move(fields));
    }
    return testing::AckFileText(ack_layouts_, details, "06000ACKFILE0000000001",
                                "06000ACKBATCH000000001", "2024-07-03");
  }
  Result<AckImportReport> Import(const std::string& text) {
    return ImportEiwoAck(world_.store(), world_.clock(), "tester", ack_layouts_, "ack.txt", text);
  }
  void SendThree() {
    for (const std::string ssn : {"123450001", "123450002", "123450003"}) {
      iwo_by_ssn_[ssn] = AddIwo(ssn, ssn == "123450002" ? bolt_ : acme_);
    }
    ASSERT_TRUE(Export("out.txt")->written);
    // The employer answers two days later, its file dated that day (AckText): a header date
    // after today would be refused (date_in_future).
    world_.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2024, 7, 3)));
  }
  std::map<std::string, int64_t> iwo_by_ssn_;
};

TEST_F(EiwoAckTest, AcceptAndRejectUpdateStatusWithReasonAndTask) {
  SendThree();
  // A caseworker of the cases' office (tasks go to the case's office, as the nightly's do);
  // Main's caseworkers in user id order are cw1 and tester, and case 2 % 2 picks cw1.
  AddUser("cw1", "caseworker", "Main");
  auto rep = Import(AckText({{"123450001", "A", ""}, {"123450002", "R", "TE"}}));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  ASSERT_TRUE(rep->committed) << rep->problems.front().message;
  EXPECT_EQ(rep->accepted, 1);
  EXPECT_EQ(rep->rejected, 1);
  EXPECT_EQ(rep->tasks_created, 1);
  const IwoRecord ok = Get(iwo_by_ssn_["123450001"]);
  EXPECT_EQ(ok.status, "accepted");
  ASSERT_TRUE(ok.ack_date.has_value());
  EXPECT_EQ(*ok.ack_date, Date::Ymd(2024, 7, 3));  // the file header's creation date
  const IwoRecord no = Get(iwo_by_ssn_["123450002"]);
  EXPECT_EQ(no.status, "rejected");
  EXPECT_EQ(no.ack_reason_code, "TE");
  EXPECT_EQ(no.ack_reason, "Employee no longer employed (terminated)");
  EXPECT_EQ(Get(iwo_by_ssn_["123450003"]).status, "sent");
  const std::vector<enforce::Task> tasks = *world_.store().ListOpenEnforceTasks("");
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].kind, "iwo_rejected");
  EXPECT_EQ(tasks[0].worker, "cw1");  // in `opencse queue --worker cw1`
  EXPECT_EQ(world_.store().ListOpenEnforceTasks("cw1")->size(), 1u);
  EXPECT_EQ(tasks[0].case_id, no.case_id);
  EXPECT_NE(tasks[0].message.find("TE Employee no longer employed"), std::string::npos);
  EXPECT_EQ(AuditCount("eiwo.ack.import"), 1);
  // A rejected IWO no longer blocks a new IWO with the same employer (one active per case).
  EXPECT_FALSE(*world_.store().HasActiveIwo(no.case_id, bolt_));
  // The rejection is a dated case event, so the risk model stops counting the IWO as "with the
  // current employer" from that day (ai kIwoActive) and scores of earlier days still see it.
  const std::vector<CaseEvent> events = *world_.store().ListCaseEventsByPerson(no.obligor);
  const CaseEvent* rejected = nullptr;
  for (const CaseEvent& e : events) {
    if (e.kind == "iwo_rejected") {
      EXPECT_EQ(rejected, nullptr) << "one event per rejection";
      rejected = &e;
    }
  }
  ASSERT_NE(rejected, nullptr);
  EXPECT_EQ(rejected->date, Date::Ymd(2024, 7, 3));
  EXPECT_EQ(rejected->case_id, no.case_id);
  EXPECT_NE(rejected->detail.find("iwo=" + std::to_string(no.id)), std::string::npos)
      << rejected->detail;
  EXPECT_NE(rejected->detail.find("employer_fein="), std::string::npos);
  EXPECT_NE(rejected->detail.find("reason=TE"), std::string::npos);
  const std::vector<CaseEvent> accepted = *world_.store().ListCaseEventsByPerson(ok.obligor);
  for (const CaseEvent& e : accepted) {
    EXPECT_NE(e.kind, "iwo_rejected") << "an acceptance writes no such event";
  }
}

// An employer cannot have answered on a day to come, or before the IWO was sent: such a date
// was stored as the acknowledgment date.
TEST_F(EiwoAckTest, ADispositionDateAfterTodayOrBeforeSendingRefusesTheFile) {
  SendThree();
  auto rep = Import(AckText({{"123450001", "A", "", "", "2099-12-31"}}));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_FALSE(rep->committed);
  ASSERT_EQ(rep->problems.size(), 1u);
  EXPECT_EQ(rep->problems[0].field, "disposition_date");
  EXPECT_EQ(rep->problems[0].reason, "date_in_future");
  rep = Import(AckText({{"123450001", "A", "", "", "2024-01-02"}}));
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->committed);
  ASSERT_EQ(rep->problems.size(), 1u);
  EXPECT_EQ(rep->problems[0].reason, "ack_before_sent");
  EXPECT_EQ(Get(iwo_by_ssn_["123450001"]).status, "sent");
  rep = Import(AckText({{"123450001", "A", "", "", "2024-07-01"}}));
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->committed) << rep->problems.front().message;
  EXPECT_EQ(*Get(iwo_by_ssn_["123450001"]).ack_date, Date::Ymd(2024, 7, 1));
}

TEST_F(EiwoAckTest, ReimportIsIdempotent) {
  SendThree();
  const std::string text = AckText({{"123450001", "A", ""}, {"123450002", "R", "NE"}});
  ASSERT_TRUE(Import(text)->committed);
  auto again = Import(text);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->committed);
  EXPECT_EQ(again->already, 2);
  EXPECT_EQ(again->accepted + again->rejected + again->tasks_created, 0);
  EXPECT_EQ(world_.store().ListOpenEnforceTasks("")->size(), 1u);
  int rejection_events = 0;
  const std::vector<CaseEvent> events =
      *world_.store().ListCaseEventsByPerson(Get(iwo_by_ssn_["123450002"]).obligor);
  for (const CaseEvent& e : events) {
    rejection_events += e.kind == "iwo_rejected" ? 1 : 0;
  }
  EXPECT_EQ(rejection_events, 1) << "a re-import writes no second event";
  EXPECT_EQ(AuditCount("eiwo.ack.import"), 1);
}

TEST_F(EiwoAckTest, AnyUnmatchedRecordRefusesTheWholeFile) {
  SendThree();
  auto rep = Import(AckText({{"123450001", "A", ""},
                             {"123450002", "R", "NE", "0600099999999999999999"},
                             {"123450003", "A", ""}}));
  ASSERT_TRUE(rep.ok());
  EXPECT_FALSE(rep->committed);
  ASSERT_EQ(rep->problems.size(), 1u);
  EXPECT_EQ(rep->problems[0].record_number, 4);
  EXPECT_EQ(rep->problems[0].field, "iwo_control_number");
  EXPECT_EQ(rep->problems[0].reason, "control_unknown");
  EXPECT_EQ(rep->accepted, 0);
  EXPECT_EQ(Get(iwo_by_ssn_["123450001"]).status, "sent");  // nothing applied
  EXPECT_TRUE(world_.store().ListOpenEnforceTasks("")->empty());
}

TEST_F(EiwoAckTest, MismatchesNameTheField) {
  SendThree();
  // The SSN of another obligor on this IWO's case.
  std::string text = AckText({{"123450001", "A", ""}});
  text.replace(text.find("123450001"), 9, "123450009");
  auto rep = Import(text);
  ASSERT_TRUE(rep.ok());
  ASSERT_FALSE(rep->committed);
  EXPECT_EQ(rep->problems[0].reason, "ssn_mismatch");
  EXPECT_EQ(rep->problems[0].field, "employee_ssn");
  // Twice the same IWO.
  rep = Import(AckText({{"123450001", "A", ""}, {"123450001", "A", ""}}));
  ASSERT_FALSE(rep->committed);
  EXPECT_EQ(rep->problems[0].reason, "iwo_acknowledged_twice");
  EXPECT_EQ(rep->problems[0].record_number, 4);
  // A malformed file: the parser's problem, nothing applied.
  rep = Import("garbage\n");
  ASSERT_FALSE(rep->committed);
  EXPECT_EQ(rep->problems[0].reason, "eiwo_record_unknown");
  // An acknowledgment contradicting one already recorded.
  ASSERT_TRUE(Import(AckText({{"123450001", "A", ""}}))->committed);
  rep = Import(AckText({{"123450001", "R", "NE"}}));
  ASSERT_FALSE(rep->committed);
  EXPECT_EQ(rep->problems[0].reason, "ack_conflict");
  EXPECT_EQ(Get(iwo_by_ssn_["123450001"]).status, "accepted");
}

// The file and batch headers' FEIN was never checked: an acknowledgment from another
// employer (its FEIN only in FHA/BHA, none on the record) was applied to the IWO.
TEST_F(EiwoAckTest, AHeaderFeinThatIsNotTheIwosEmployersRefusesTheFile) {
  SendThree();
  const auto with_fein = [](std::string text, const std::string& fein) {
    for (const std::string record : {"FHA", "BHA"}) text.replace(text.find(record) + 25, 9, fein);
    return text;
  };
  const std::string text = AckText({{"123450001", "A", ""}});
  auto rep = Import(with_fein(text, "999999999"));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_FALSE(rep->committed);
  ASSERT_EQ(rep->problems.size(), 1u) << rep->problems.back().message;
  EXPECT_EQ(rep->problems[0].record_number, 3);
  EXPECT_EQ(rep->problems[0].field, "employer_fein");
  EXPECT_EQ(rep->problems[0].reason, "fein_mismatch");
  EXPECT_NE(rep->problems[0].message.find("999999999"), std::string::npos);
  EXPECT_EQ(Get(iwo_by_ssn_["123450001"]).status, "sent");
  rep = Import(with_fein(text, "111111111"));  // ACME, the IWO's employer
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->committed) << rep->problems.front().message;
  EXPECT_EQ(Get(iwo_by_ssn_["123450001"]).status, "accepted");
}

// An acknowledgment of an IWO the employer had already ended (TRM) was refused as
// iwo_not_sent, the code of a pending IWO.
TEST_F(EiwoAckTest, AnAcknowledgmentOfAnIwoEndedBeforeAnyIsIwoEnded) {
  SendThree();
  const auto terminated = [](std::string text) {
    text.replace(text.find("ACKORG"), 6, "ACKTRM");
    return text;
  };
  ASSERT_TRUE(Import(terminated(AckText({{"123450001", "R", "TE"}})))->committed);
  ASSERT_EQ(Get(iwo_by_ssn_["123450001"]).status, "ended");
  auto rep = Import(AckText({{"123450001", "R", "TE"}}));
  ASSERT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_FALSE(rep->committed);
  ASSERT_EQ(rep->problems.size(), 1u);
  EXPECT_EQ(rep->problems[0].field, "disposition");
  EXPECT_EQ(rep->problems[0].reason, "iwo_ended");
  EXPECT_NE(rep->problems[0].message.find("never acknowledged"), std::string::npos)
      << rep->problems[0].message;
  // Accepted and then ended: a rejection contradicts the acceptance on record.
  ASSERT_TRUE(Import(AckText({{"123450002", "A", ""}}))->committed);
  ASSERT_TRUE(Import(terminated(AckText({{"123450002", "A", ""}})))->committed);
  rep = Import(AckText({{"123450002", "R", "NE"}}));
  ASSERT_TRUE(rep.ok());
  ASSERT_FALSE(rep->problems.empty());
  EXPECT_EQ(rep->problems[0].reason, "ack_conflict");
}

TEST_F(EiwoAckTest, FileReadErrors) {
  auto r = ImportEiwoAckFile(world_.store(), world_.clock(), "tester", ack_layouts_,
                             dir_.path("missing.txt"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "file_not_found");
  r = ImportEiwoAck(world_.store(), world_.clock(), "tester", iwo_layouts_, "x", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "eiwo_layout_direction");
}

}  // namespace
}  // namespace cse::iwo

namespace cse::iwo {
namespace {

// Migration 320 rebuilds the iwo table: a database from before it keeps every IWO, with
// `acknowledged` renamed `accepted` and a sent date on every IWO past pending.
TEST(EiwoMigrationTest, RebuildKeepsRowsAndRenamesAcknowledged) {
  const testing::ScratchDir dir("eiwo_mig");
  const std::string path = dir.path("opencse.db");
  {
    testing::World world(path, Date::Ymd(2024, 7, 1));
    Employer e;
    e.fein = "111111111";
    e.name = "ACME";
    const EmployerId employer = *world.store().UpsertEmployer(e);
    for (int i = 0; i < 3; ++i) {
      Person p;
      p.first_name = "Sam";
      p.last_name = std::string("Doe") + static_cast<char>('a' + i);
      const PersonId obligor = *world.service().AddPerson(p);
      IwoRecord r;
      r.case_id = world.SimpleCase(obligor, 50'000, Date::Ymd(2024, 1, 1));
      r.obligor = obligor;
      r.employer = employer;
      r.source = "newhire";
      r.entry_date = Date::Ymd(2024, 6, 28);
      r.due_date = Date::Ymd(2024, 7, 2);
      r.created_at = "2024-06-28T00:00:00Z";
      r.created_by = "tester";
      ASSERT_TRUE(world.store().InsertIwo(r).ok());
    }
    // Back to the schema of migration 300, with IWOs in the old statuses.
    const Status s = world.store().ExecForTesting(R"sql(
DROP TABLE eiwo_control_number;
DROP TABLE eiwo_sequence;
CREATE TABLE iwo_old (
  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL, obligor_id INTEGER NOT NULL,
  employer_id INTEGER NOT NULL, employment_id INTEGER, kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'pending' OR status = 'sent' OR status = 'acknowledged'
                              OR status = 'rejected' OR status = 'ended'),
  source TEXT NOT NULL, entry_date TEXT NOT NULL, due_date TEXT NOT NULL, sent_date TEXT,
  current_monthly_cents INTEGER NOT NULL, arrears_monthly_cents INTEGER NOT NULL,
  arrears_over_12_weeks INTEGER NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL);
INSERT INTO iwo_old SELECT id, case_id, obligor_id, employer_id, employment_id, kind, status,
  source, entry_date, due_date, sent_date, current_monthly_cents, arrears_monthly_cents,
  arrears_over_12_weeks, created_at, created_by FROM iwo;
DROP TABLE iwo;
ALTER TABLE iwo_old RENAME TO iwo;
UPDATE iwo SET status = 'acknowledged' WHERE id = 2;
UPDATE iwo SET status = 'sent', sent_date = '2024-06-30' WHERE id = 3;
DELETE FROM schema_version WHERE version = 320;
)sql");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  {
    auto store = SqliteStore::Open(path, SqliteStore::OpenMode::kMustExist);  // runs 320
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const std::vector<IwoRecord> rows = *(*store)->ListIwos("", 0, 10);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].status, "pending");
    EXPECT_FALSE(rows[0].sent_date.has_value());
    EXPECT_EQ(rows[1].status, "accepted");
    EXPECT_EQ(rows[1].sent_date, Date::Ymd(2024, 6, 28));  // unknown: the entry date
    EXPECT_EQ(rows[2].status, "sent");
    EXPECT_EQ(rows[2].sent_date, Date::Ymd(2024, 6, 30));
    EXPECT_EQ(*(*store)->AdvanceEiwoSequence(1), 1);
  }
}

}  // namespace
}  // namespace cse::iwo
