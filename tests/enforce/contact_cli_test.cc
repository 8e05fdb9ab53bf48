// The contact history commands (`opencse contact log|list`) driven in-process: the channel
// chosen with its numbers, each bad input's error with nothing written; and `import payments`
// running the enforcement workflow's payment events once per obligor.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <sstream>

#include "service/json.h"
#include "testing/cli_run.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::CliRun;

class ContactCliTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = dir_.path("opencse.db"); }
  CliRun Cli(std::vector<std::string> args, bool with_db = true, const std::string& user = "cal") {
    std::vector<std::string> full{"opencse"};
    if (with_db) full.insert(full.end(), {"--db", db_, "--today", "2024-06-30", "--user", user});
    full.insert(full.end(), args.begin(), args.end());
    return testing::RunArgv(full);
  }
  void Seed() {
    ASSERT_EQ(Cli({"init"}).code, 0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Sam", "--last", "Doe"}).code, 0);
    ASSERT_EQ(Cli({"party", "add", "--first", "Ana", "--last", "Roe"}).code, 0);
    ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002"}).code, 0);
    ASSERT_EQ(Cli({"order", "add", "--case", "CASE-000001", "--amount", "500.00", "--effective",
                   "2024-01-01"})
                  .code,
              0);
  }
  CliRun Log(const std::string& person, const std::string& channel, const std::string& outcome,
             const std::string& date) {
    return Cli({"contact", "log", "--person", person, "--channel", channel, "--outcome", outcome,
                "--date", date});
  }
  Json ListJson() {
    const CliRun r = Cli({"--json", "contact", "list", "--person", "PRS-000001"});
    EXPECT_EQ(r.code, 0) << r.err;
    return Json::parse(r.out);
  }
  testing::ScratchDir dir_{"contact_cli"};
  std::string db_;
};

TEST_F(ContactCliTest, CommandsHaveHelp) {
  for (const char* sub : {"log", "list"}) {
    const CliRun r = Cli({"contact", sub, "--help"}, false);
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_NE(r.out.find("--person"), std::string::npos) << sub;
  }
}

TEST_F(ContactCliTest, LogsAttemptsAndShowsTheChosenChannelWithItsNumbers) {
  Seed();
  // No history anywhere: the 0.5 prior everywhere, sms first among equals.
  EXPECT_EQ(ListJson()["channel"], "sms");
  ASSERT_EQ(Log("PRS-000001", "sms", "no_answer", "2024-06-01").code, 0);
  ASSERT_EQ(Log("PRS-000001", "phone", "reached", "2024-06-02").code, 0);
  const CliRun bounced = Log("PRS-000001", "email", "bounced", "2024-06-03");
  ASSERT_EQ(bounced.code, 0) << bounced.err;
  EXPECT_NE(bounced.out.find("recorded contact attempt 3 for PRS-000001"), std::string::npos);
  // The other parent's attempts are the population too: sms reached her twice.
  ASSERT_EQ(Log("PRS-000002", "sms", "reached", "2024-06-04").code, 0);
  ASSERT_EQ(Log("PRS-000002", "sms", "reached", "2024-06-05").code, 0);
  const Json j = ListJson();
  EXPECT_EQ(j["attempts"].size(), 3u);
  EXPECT_EQ(j["channel"], "phone");
  // phone: (1 + 4 x 2/3) / 5 = 0.73; sms: population (2 + 1) / (3 + 2) = 0.6, mine 0 of 1:
  // (0 + 4 x 0.6) / 5 = 0.48.
  EXPECT_NEAR(j["rate"].get<double>(), (1 + 4 * 2.0 / 3) / 5, 1e-9);
  EXPECT_EQ(j["reason"],
            "phone: sms 0.48 (0 of 1 reached; population 0.60 over 3); phone 0.73 (1 of 1 "
            "reached; population 0.67 over 1); email excluded (bounced 2024-06-03)");
  const CliRun text = Cli({"contact", "list", "--person", "PRS-000001"});
  EXPECT_NE(text.out.find("2024-06-02  phone  reached  (by cal)"), std::string::npos);
  EXPECT_NE(text.out.find("outreach channel: phone: "), std::string::npos);
  // The attempt is on the audit trail.
  const CliRun audit = Cli({"audit", "verify"});
  EXPECT_EQ(audit.code, 0) << audit.out << audit.err;
}

// QA 2026-12-05: `contact list --as-of` listed attempts made after the day it was asked about
// (the channel was already chosen from the earlier ones only).
TEST_F(ContactCliTest, ListAsOfADayShowsTheAttemptsUpToThatDay) {
  Seed();
  ASSERT_EQ(Log("PRS-000001", "sms", "no_answer", "2024-06-01").code, 0);
  ASSERT_EQ(Log("PRS-000001", "phone", "reached", "2024-06-10").code, 0);
  const CliRun r =
      Cli({"--json", "contact", "list", "--person", "PRS-000001", "--as-of", "2024-06-05"});
  ASSERT_EQ(r.code, 0) << r.err;
  const Json j = Json::parse(r.out);
  ASSERT_EQ(j["attempts"].size(), 1u) << r.out;
  EXPECT_EQ(j["attempts"][0]["date"], "2024-06-01");
  const CliRun text = Cli({"contact", "list", "--person", "PRS-000001", "--as-of", "2024-06-05"});
  EXPECT_NE(text.out.find("PRS-000001: 1 contact attempt(s)"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("2024-06-10"), std::string::npos) << text.out;
  EXPECT_EQ(ListJson()["attempts"].size(), 2u);  // today: both
}

TEST_F(ContactCliTest, BadInputIsRefusedAndWritesNothing) {
  Seed();
  ASSERT_EQ(Log("PRS-000001", "sms", "reached", "2024-06-01").code, 0);
  struct Bad {
    std::vector<std::string> args;
    std::string code;
  };
  const std::vector<Bad> bad{
      {{"--person", "PRS-000001", "--channel", "fax", "--outcome", "reached"},
       "contact_channel_invalid"},
      {{"--person", "PRS-000001", "--channel", "sms", "--outcome", "maybe"},
       "contact_outcome_invalid"},
      {{"--person", "PRS-000099", "--channel", "sms", "--outcome", "reached"}, "person_not_found"},
      {{"--person", "PRS-000001", "--channel", "sms", "--outcome", "reached", "--date",
        "2024-07-01"},
       "date_in_future"},
      {{"--person", "PRS-000001", "--channel", "sms", "--outcome", "reached", "--date",
        "2024-13-01"},
       "date"},
      {{"--person", "CASE-000001", "--channel", "sms", "--outcome", "reached"}, ""},
      {{"--person", "PRS-000001", "--channel", "sms", "--outcome", "reached", "--note",
        std::string(501, 'x')},
       "contact_note_too_long"},
  };
  for (const Bad& b : bad) {
    std::vector<std::string> args{"contact", "log"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    const CliRun r = Cli(args);
    EXPECT_EQ(r.code, 1) << b.code << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("error: " + b.code), std::string::npos) << r.err;
  }
  EXPECT_EQ(ListJson()["attempts"].size(), 1u);
}

// QA 2026-12-05: `contact log` took any --user (unknown, disabled, another office's
// caseworker). Once an active admin exists: an active user whose role holds notes.write, and a
// caseworker or supervisor only for a party of a case in their office's caseload. A refusal
// writes nothing. (With no staff, as in the tests above, anyone still logs.)
TEST_F(ContactCliTest, LogHoldsTheUserToTheNoteWritersRuleOnceStaffed) {
  Seed();  // CASE-000001: PRS-000001 and PRS-000002, no county
  ASSERT_EQ(Cli({"party", "add", "--first", "Bo", "--last", "Poe"}).code, 0);
  ASSERT_EQ(Cli({"party", "add", "--first", "Kid", "--last", "Poe"}).code, 0);
  ASSERT_EQ(Cli({"party", "add", "--first", "Al", "--last", "Loe"}).code, 0);
  ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000003", "--obligee", "PRS-000005", "--child",
                 "PRS-000004", "--county", "south"})
                .code,
            0);
  auto as = [&](const std::string& user, std::vector<std::string> args) {
    return Cli(std::move(args), true, user);
  };
  ASSERT_EQ(as("boot", {"user", "add", "--username", "root", "--role", "admin"}).code, 0);
  for (const auto& [name, role, office] :
       std::vector<std::array<std::string, 3>>{{"cwn", "caseworker", "north"},
                                               {"cws", "caseworker", "south"},
                                               {"gone", "caseworker", "south"},
                                               {"inv", "investigator", ""},
                                               {"acct", "accounting_technician", ""}}) {
    std::vector<std::string> args{"user", "add", "--username", name, "--role", role};
    if (!office.empty()) args.insert(args.end(), {"--office", office});
    ASSERT_EQ(as("root", args).code, 0) << name;
  }
  ASSERT_EQ(as("root", {"user", "disable", "gone", "--reason", "left the agency"}).code, 0);
  ASSERT_EQ(as("root", {"assign-office", "--case", "CASE-000001", "--office", "north"}).code, 0);
  auto log = [&](const std::string& user, const std::string& person) {
    return as(user, {"contact", "log", "--person", person, "--channel", "sms", "--outcome",
                     "opted_out", "--date", "2024-06-01"});
  };
  const struct {
    std::string user, person, code;
  } refused[] = {{"no_such_person", "PRS-000003", "user_unknown"},
                 {"gone", "PRS-000003", "user_unknown"},  // disabled
                 {"acct", "PRS-000003", "role_not_allowed"},
                 {"cwn", "PRS-000003", "person_not_in_caseload"},  // a South case's obligor
                 {"cws", "PRS-000001", "person_not_in_caseload"}};
  for (const auto& r : refused) {
    const CliRun out = log(r.user, r.person);
    EXPECT_EQ(out.code, 1) << r.user;
    EXPECT_NE(out.err.find("error: " + r.code), std::string::npos) << r.user << ": " << out.err;
  }
  // A person who is a party of no case is in no office's caseload.
  ASSERT_EQ(Cli({"party", "add", "--first", "No", "--last", "Case"}).code, 0);  // PRS-000006
  EXPECT_NE(log("cwn", "PRS-000006").err.find("error: person_not_in_caseload"), std::string::npos);
  for (const char* person : {"PRS-000001", "PRS-000003", "PRS-000006"}) {
    const CliRun l = Cli({"--json", "contact", "list", "--person", person});
    EXPECT_TRUE(Json::parse(l.out)["attempts"].empty()) << person << l.out;
  }
  // Their own caseload's parties, a child included; an investigator works statewide.
  EXPECT_EQ(log("cwn", "PRS-000002").code, 0);
  EXPECT_EQ(log("cws", "PRS-000004").code, 0);
  EXPECT_EQ(log("inv", "PRS-000001").code, 0);
  EXPECT_EQ(ListJson()["attempts"].size(), 1u);
  const CliRun help = Cli({"contact", "log", "--help"}, false);
  EXPECT_NE(help.out.find("person_not_in_caseload"), std::string::npos) << help.out;
}

TEST_F(ContactCliTest, ImportPaymentsRunsThePaymentEventsOncePerObligor) {
  Seed();
  ASSERT_EQ(Cli({"party", "add", "--first", "Bo", "--last", "Poe"}).code, 0);
  ASSERT_EQ(Cli({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000003"}).code, 0);
  ASSERT_EQ(Cli({"order", "add", "--case", "CASE-000002", "--amount", "100.00", "--effective",
                 "2024-01-01"})
                .code,
            0);
  {
    std::ofstream csv(db_ + ".csv");
    csv << "key,case_id,amount,date,source\n"
        << "k1,CASE-000001,500.00,2024-06-01,direct\n"
        << "k2,CASE-000002,100.00,2024-06-02,direct\n"
        << "k3,CASE-000001,500.00,2024-06-03,direct\n";
  }
  const CliRun r = Cli({"--json", "import", "payments", db_ + ".csv"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["created"], 3);
  ASSERT_TRUE(j.contains("enforcement")) << r.out;
  EXPECT_EQ(j["enforcement"]["obligors"], 1);  // three payments, one obligor: one event
  EXPECT_EQ(j["enforcement"]["rescored"], 0);  // no model is active
  // Re-importing the same file posts nothing new and raises no events.
  const CliRun again = Cli({"--json", "import", "payments", db_ + ".csv"});
  const Json k = Json::parse(again.out);
  EXPECT_EQ(k["created"], 0);
  EXPECT_FALSE(k.contains("enforcement"));
  // The event is on the audit trail, once.
  const CliRun audit = Cli({"--json", "audit", "verify"});
  EXPECT_EQ(audit.code, 0) << audit.out;
}

}  // namespace
}  // namespace cse
