// `opencse user add`, `token add` and `assign-office` driven in-process: their JSON, errors
// and what they store.
#include <gtest/gtest.h>

#include <sstream>

#include "auth/auth_service.h"
#include "cli/cli.h"
#include "service/json.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

class HttpCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path("opencse.db");
    ASSERT_EQ(Run({"init"}).first, 0);
    ASSERT_EQ(Run({"party", "add", "--first", "Sam", "--last", "Doe"}).first, 0);
    ASSERT_EQ(Run({"party", "add", "--first", "Ana", "--last", "Roe"}).first, 0);
    ASSERT_EQ(Run({"case", "add", "--obligor", "PRS-000001", "--obligee", "PRS-000002", "--county",
                   "north"})
                  .first,
              0);
  }
  std::pair<int, Json> Run(std::vector<std::string> args) {
    std::vector<std::string> full{"opencse",    "--db",   db_,     "--today",
                                  "2024-06-30", "--user", "admin", "--json"};
    full.insert(full.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& a : full) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
    return {code, Json::parse(out.str(), nullptr, false)};
  }
  testing::ScratchDir dir_{"http_cli"};
  std::string db_;
};

TEST_F(HttpCliTest, UserAddPrintsAGeneratedPasswordThatSignsIn) {
  auto [code, j] =
      Run({"user", "add", "--username", "ana", "--role", "caseworker", "--office", "north"});
  ASSERT_EQ(code, 0);
  EXPECT_EQ(j["role"], "caseworker");
  const std::string password = j["password"];
  EXPECT_EQ(password.size(), 20U);
  auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  FakeClock clock(0);
  auth::AuthService auth(**store, clock);
  auto login = auth.Login("ana", password);
  ASSERT_TRUE(login.ok()) << login.status().message();
  EXPECT_EQ(login->principal.office, "north");
}

TEST_F(HttpCliTest, UserAddErrorsNameTheProblem) {
  EXPECT_EQ(Run({"user", "add", "--username", "x", "--role", "janitor"}).second["code"],
            "role_unknown");
  EXPECT_EQ(Run({"user", "add", "--username", "x", "--role", "supervisor"}).second["code"],
            "office_required");
  EXPECT_EQ(Run({"user", "add", "--username", "X Y", "--role", "admin"}).second["code"],
            "username_invalid");
  ASSERT_EQ(Run({"user", "add", "--username", "root", "--role", "admin"}).first, 0);
  auto dup = Run({"user", "add", "--username", "root", "--role", "admin"});
  EXPECT_EQ(dup.first, 1);
  EXPECT_EQ(dup.second["code"], "user_exists");
}

TEST_F(HttpCliTest, TokenAddAndAssignOffice) {
  auto [code, j] = Run({"token", "add", "--name", "sdu", "--role", "accounting_technician"});
  ASSERT_EQ(code, 0);
  EXPECT_EQ(j["token"].get<std::string>().rfind("ocse_", 0), 0U);
  EXPECT_EQ(Run({"token", "add", "--name", "sdu", "--role", "admin"}).second["code"],
            "token_exists");
  auto moved = Run({"assign-office", "--case", "CASE-000001", "--office", "south"});
  ASSERT_EQ(moved.first, 0);
  EXPECT_EQ(moved.second["office"], "south");
  EXPECT_EQ(Run({"assign-office", "--case", "CASE-000009", "--office", "south"}).second["code"],
            "case_not_found");
  EXPECT_EQ(Run({"assign-office", "--case", "nope", "--office", "south"}).second["code"],
            "id_malformed");
  auto store = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->CaseOffice(CaseId{1}), "south");
}

}  // namespace
}  // namespace cse
