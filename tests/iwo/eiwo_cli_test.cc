// `opencse iwo export-eiwo` and `opencse import eiwo-ack` driven in-process end to end: a
// new-hire-style IWO exported, acknowledged, listed with its new status; help and bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "formats/eiwo.h"
#include "service/json.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/cli_run.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

namespace fs = std::filesystem;

using testing::CliRun;

class EiwoCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path("cse.db");
    testing::World world(db_, Date::Ymd(2024, 7, 1));
    Person p;
    p.first_name = "Sam";
    p.last_name = "Doe";
    p.ssn = "123456789";
    const PersonId obligor = *world.service().AddPerson(p);
    case_ = world.SimpleCase(obligor, 50'000, Date::Ymd(2024, 1, 1));
    Employer e;
    e.fein = "111111111";
    e.name = "ACME WIDGETS";
    e.address.line1 = "1 MAIN ST";
    const EmployerId employer = *world.store().UpsertEmployer(e);
    IwoRecord r;
    r.case_id = case_;
    r.obligor = obligor;
    r.employer = employer;
    r.source = "newhire";
    r.entry_date = Date::Ymd(2024, 6, 28);
    r.due_date = Date::Ymd(2024, 7, 2);
    r.current_monthly = Money::FromCents(50'000);
    r.arrears_monthly = Money::FromCents(10'000);
    r.created_at = "2024-06-28T00:00:00Z";
    r.created_by = "tester";
    ASSERT_TRUE(world.store().InsertIwo(r).ok());
    ASSERT_TRUE(world.store().SetCaseOffice(case_, "Main").ok());
    for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"cw", "caseworker"}, {"inv", "investigator"}}) {
      UserRecord u;
      u.username = name;
      u.role = role;
      u.office = role == "caseworker" ? "Main" : "";
      u.created_at = "2024-07-01T00:00:00Z";
      ASSERT_TRUE(world.store().InsertUser(u).ok());
    }
  }
  // As `user`: the caseworker of the case's office unless said otherwise.
  CliRun Cli(std::vector<std::string> args, const std::string& user = "cw") {
    std::vector<std::string> full{"opencse", "--db", db_, "--today", "2024-07-01", "--user", user};
    full.insert(full.end(), args.begin(), args.end());
    return testing::RunArgv(full);
  }

  std::string Path(const std::string& name) { return dir_.path(name); }

  testing::ScratchDir dir_{"eiwo_cli"};
  std::string db_;
  CaseId case_;
};

TEST_F(EiwoCliTest, ExportAcknowledgeAndList) {
  CliRun r = Cli({"iwo", "config", "set", "iwo.eiwo.state_fips", "06"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Cli({"iwo", "config", "set", "iwo.eiwo.issuing_state", "STATE OF EXAMPLE"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Cli({"iwo", "export-eiwo", "--out", Path("eiwo.txt"), "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  Json j = Json::parse(r.out);
  EXPECT_TRUE(j["written"].get<bool>());
  EXPECT_EQ(j["details"], 1);
  const std::string batch = j["batches"][0]["control_number"];
  EXPECT_EQ(batch.size(), 22u);
  EXPECT_EQ(j["batches"][0]["iwos"][0], "IWO-000001");
  EXPECT_FALSE(j["unverified_fields"].empty());
  ASSERT_TRUE(fs::exists(Path("eiwo.txt")));

  // Nothing new: no file, says so.
  r = Cli({"iwo", "export-eiwo", "--out", Path("again.txt")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("nothing to export"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(Path("again.txt")));

  r = Cli({"iwo", "list", "--status", "sent", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  j = Json::parse(r.out);
  ASSERT_EQ(j["iwos"].size(), 1u);
  EXPECT_EQ(j["iwos"][0]["control_number"], batch);
  EXPECT_EQ(j["iwos"][0]["sent_date"], "2024-07-01");

  // The employer rejects it: employee not employed here.
  const formats::EiwoLayouts l = *formats::LoadEiwoLayouts("builtin", formats::EiwoDirection::kAck);
  std::ofstream ack(Path("ack.txt"));
  ack << *formats::FormatRecord(l.file_header, {{"control_number", "06000EMPLOYERFILE00001"}})
      << "\n"
      << *formats::FormatRecord(l.batch_header, {{"control_number", "06000EMPLOYERBATCH0001"}})
      << "\n"
      << *formats::FormatRecord(l.detail, {{"action_code", "ORG"},
                                           {"iwo_control_number", batch},
                                           {"case_id", CaseDisplayId(case_)},
                                           {"employee_ssn", "123456789"},
                                           {"disposition", "R"},
                                           {"reason_code", "NE"},
                                           {"disposition_date", "2024-07-01"}})
      << "\n"
      << *formats::FormatRecord(
             l.batch_trailer, {{"control_number", "06000EMPLOYERBATCH0001"}, {"detail_count", "1"}})
      << "\n"
      << *formats::FormatRecord(l.file_trailer, {{"control_number", "06000EMPLOYERFILE00001"},
                                                 {"batch_count", "1"},
                                                 {"detail_count", "1"}})
      << "\n";
  ack.close();
  r = Cli({"import", "eiwo-ack", Path("ack.txt"), "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = Json::parse(r.out);
  EXPECT_TRUE(j["committed"].get<bool>());
  EXPECT_EQ(j["rejected"], 1);
  EXPECT_EQ(j["tasks_created"], 1);
  EXPECT_EQ(j["applied"][0]["reason"], "Employee not employed by this employer");

  r = Cli({"iwo", "list", "--status", "rejected"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reason NE Employee not employed"), std::string::npos) << r.out;

  // Re-import: already recorded, exit 0.
  r = Cli({"import", "eiwo-ack", Path("ack.txt"), "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Json::parse(r.out)["already_recorded"], 1);
}

// QA 2026-12: `--user randomperson` and an investigator sent the IWOs new hires had made. Now
// refused with exit 1, nothing written; the caseworker sends them and is named as approver.
TEST_F(EiwoCliTest, OnlyACaseworkerOrSupervisorSendsIwos) {
  const std::vector<std::string> args{
      "iwo", "export-eiwo",     "--out", Path("e.txt"), "--state-fips",
      "39",  "--issuing-state", "Ohio",  "--json"};
  for (const auto& [user, code] : std::vector<std::pair<std::string, std::string>>{
           {"randomperson", "user_unknown"}, {"inv", "role_not_allowed"}}) {
    CliRun r = Cli(args, user);
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_EQ(Json::parse(r.out)["code"], code) << r.out;
    EXPECT_FALSE(fs::exists(Path("e.txt")));
  }
  CliRun r = Cli({"iwo", "list", "--status", "pending", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["iwos"].size(), 1u);
  r = Cli(args);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_TRUE(j["written"].get<bool>());
  EXPECT_EQ(j["approved_by"], "cw");
  EXPECT_EQ(j["outside_caseload"], 0);
  r = Cli({"iwo", "list", "--status", "sent", "--json"});
  EXPECT_EQ(Json::parse(r.out)["iwos"].size(), 1u);
}

// `iwo config set` took any --user, even an unknown one, once an admin existed (QA); `config
// set` needs an admin then (LedgerService::SetConfig). Anyone sets it before the first admin.
TEST_F(EiwoCliTest, OnlyAnAdminSetsTheIwoOptionsOnceOneExists) {
  CliRun r = Cli({"iwo", "config", "set", "iwo.eiwo.state_fips", "06"}, "nobody");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    UserRecord u;
    u.username = "adm";
    u.role = "admin";
    u.created_at = "2024-07-01T00:00:00Z";
    ASSERT_TRUE((*store)->InsertUser(u).ok());
  }
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"iwo.eiwo.state_fips", "39"},
                                                        {"iwo.state_holidays", "2024-07-04"},
                                                        {"iwo.due_business_days", "5"}}) {
    for (const auto& [user, code] : std::vector<std::pair<std::string, std::string>>{
             {"nobody", "user_unknown"}, {"cw", "role_not_allowed"}}) {
      r = Cli({"--json", "iwo", "config", "set", key, value}, user);
      EXPECT_EQ(r.code, 1) << r.out << r.err;
      EXPECT_EQ(Json::parse(r.out)["code"], code) << r.out;
    }
  }
  r = Cli({"--json", "iwo", "config", "list"});
  ASSERT_EQ(r.code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["iwo.eiwo.state_fips"], "06") << r.out;  // nothing written
  EXPECT_EQ(j["iwo.due_business_days"], "2") << r.out;
  r = Cli({"iwo", "config", "set", "iwo.eiwo.state_fips", "39"}, "adm");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = Json::parse(Cli({"--json", "iwo", "config", "list"}).out);
  EXPECT_EQ(j["iwo.eiwo.state_fips"], "39");
}

// A closed case takes no IWO action: its pending IWO is not sent, and the export says so.
TEST_F(EiwoCliTest, AClosedCasesIwoIsNotSentAndIsReported) {
  {
    auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->UpdateCaseStatus(case_, CaseStatus::kClosed).ok());
  }
  const std::vector<std::string> args{
      "iwo",          "export-eiwo", "--out",           Path("e.txt"),
      "--state-fips", "39",          "--issuing-state", "Ohio"};
  CliRun r = Cli(args);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("1 pending IWO(s) of closed cases not sent (case_closed)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("IWO-000001"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(Path("e.txt")));
  std::vector<std::string> json = args;
  json.push_back("--json");
  r = Cli(json);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_FALSE(j["written"].get<bool>());
  EXPECT_EQ(j["case_closed"], 1);
  EXPECT_EQ(j["case_closed_iwos"], Json::array({"IWO-000001"}));
  r = Cli({"iwo", "list", "--status", "pending", "--json"});
  EXPECT_EQ(Json::parse(r.out)["iwos"].size(), 1u);
}

TEST_F(EiwoCliTest, BadInputIsAClearError) {
  CliRun r = Cli({"iwo", "export-eiwo", "--out", Path("x.txt"), "--json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "eiwo_not_configured");
  r = Cli({"iwo", "export-eiwo", "--out", Path("x.txt"), "--state-fips", "6", "--issuing-state",
           "X", "--json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "state_fips_invalid");
  // No --out is a usage error, exit 2 (before 2026-12-05 exit 1), before the other arguments.
  r = Cli({"iwo", "export-eiwo", "--json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(Json::parse(r.out)["code"], "out_missing");
  r = Cli({"iwo", "export-eiwo", "--layout", Path("nope"), "--json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(Json::parse(r.out)["code"], "out_missing");
  EXPECT_EQ(Cli({"iwo", "export-eiwo", "--print-layout"}).code, 0);
  r = Cli({"iwo", "export-eiwo", "--help"});
  EXPECT_NE(r.out.find("2 a usage error (no --out without --print-layout: out_missing)"),
            std::string::npos)
      << r.out;
  r = Cli({"iwo", "export-eiwo", "--out", Path("x.txt"), "--layout", Path("nope"), "--json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "layout_file_not_found");
  r = Cli({"iwo", "export-eiwo", "--out", Path("x.txt"), "--as-of", "2024-13-01", "--json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "date_malformed");

  std::ofstream(Path("bad.txt")) << "FHA\nnonsense\n";
  r = Cli({"import", "eiwo-ack", Path("bad.txt"), "--json"});
  EXPECT_EQ(r.code, 1);
  const Json j = Json::parse(r.out);
  EXPECT_FALSE(j["committed"].get<bool>());
  EXPECT_EQ(j["problems"][0]["record"], 1);
  EXPECT_EQ(j["problems"][0]["field"], "control_number");
  EXPECT_EQ(j["problems"][0]["code"], "eiwo_field_missing");
  r = Cli({"import", "eiwo-ack", Path("missing.txt")});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("file_not_found"), std::string::npos);
  // No FILE is a usage error (exit 2), like a missing argument of any command; it was exit 1.
  r = Cli({"import", "eiwo-ack"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("FILE is required"), std::string::npos) << r.err;
  r = Cli({"import", "eiwo-ack", "--json"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  r = Cli({"import", "eiwo-ack", Path("bad.txt"), "extra"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
}

TEST_F(EiwoCliTest, HelpAndPrintLayout) {
  CliRun r = Cli({"iwo", "export-eiwo", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("never reused"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--employer"), std::string::npos);
  EXPECT_NE(r.out.find("--as-of"), std::string::npos);
  r = Cli({"import", "eiwo-ack", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("All or nothing"), std::string::npos) << r.out;
  // The exit statuses it states are the ones it has (a usage error is 2, not 1).
  EXPECT_NE(r.out.find("2 a usage error (no FILE"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("or a bad argument"), std::string::npos) << r.out;
  r = Cli({"iwo", "export-eiwo", "--print-layout"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("field employee_ssn 315 9 digits unverified"), std::string::npos) << r.out;
  r = Cli({"import", "eiwo-ack", "--print-layout"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("reason SU Employee in suspense status"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace cse
