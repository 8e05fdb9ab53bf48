// `opencse iwo ...` driven in-process: the JSON contract of issue 7, errors and help.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "cli/cli.h"
#include "service/json.h"

namespace cse {
namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun Cli(const std::vector<std::string>& args) {
  std::vector<std::string> full{"opencse"};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const std::string& a : full) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  return CliRun{code, out.str(), err.str()};
}

const std::vector<std::string> kTexas{"iwo",
                                      "allocate",
                                      "--disposable",
                                      "850.00",
                                      "--supports-second-family",
                                      "yes",
                                      "--arrears-over-12-weeks",
                                      "no",
                                      "--method",
                                      "equal",
                                      "--order",
                                      "100.00:50.00",
                                      "--order",
                                      "200.00:50.00",
                                      "--order",
                                      "50.00:25.00"};

TEST(IwoCliTest, AllocateJsonContract) {
  std::vector<std::string> args = kTexas;
  args.push_back("--json");
  // No database is needed: point --db at a path that does not exist.
  args.insert(args.begin(), {"--db", "/nonexistent/dir/x.db"});
  const CliRun r = Cli(args);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j, Json::parse(R"({"limit": "425.00", "total": "425.00", "orders": [
      {"current": "100.00", "arrears": "25.00"},
      {"current": "200.00", "arrears": "25.00"},
      {"current": "50.00", "arrears": "25.00"}]})"));
  EXPECT_FALSE(std::filesystem::exists("/nonexistent/dir/x.db"));
}

TEST(IwoCliTest, AllocateGlobalJsonFlagAndText) {
  std::vector<std::string> args = kTexas;
  args.insert(args.begin(), "--json");
  CliRun r = Cli(args);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["total"], "425.00");
  r = Cli(kTexas);
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("limit 425.00  withheld 425.00"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not withheld (the employee's responsibility): 50.00"), std::string::npos);
}

TEST(IwoCliTest, AllocateProrateWithAgedArrears) {
  const CliRun r = Cli({"iwo", "allocate", "--disposable", "1000", "--supports-second-family", "no",
                        "--arrears-over-12-weeks", "yes", "--method", "prorate", "--order",
                        "300:200", "--order", "100:200", "--json"});
  ASSERT_EQ(r.code, 0) << r.out;
  // Limit 65% = 650: current 400 paid, 250 over arrears 200:200 = 125 each.
  EXPECT_EQ(Json::parse(r.out), Json::parse(R"({"limit": "650.00", "total": "650.00", "orders": [
      {"current": "300.00", "arrears": "125.00"}, {"current": "100.00", "arrears": "125.00"}]})"));
}

TEST(IwoCliTest, AllocateBadInputNamesTheFlag) {
  struct Bad {
    std::vector<std::string> replace;  // flag, new value
    std::string reason;
    std::string mentions;
  };
  const Bad cases[] = {
      {{"--disposable", "85O.00"}, "amount_malformed", "--disposable"},
      {{"--disposable", "-1"}, "amount_negative", "--disposable"},
      {{"--supports-second-family", "maybe"}, "yes_no_invalid", "--supports-second-family"},
      {{"--arrears-over-12-weeks", "Y"}, "yes_no_invalid", "--arrears-over-12-weeks"},
      {{"--method", "first-come"}, "allocation_method_invalid", "--method"},
      {{"--order", "100.00"}, "order_malformed", "--order #1"},
      {{"--order", "100.00:5.001"}, "amount_too_many_decimals", "--order #1 arrears"},
      {{"--order", "0:0"}, "order_amount_zero", "order 1"},
  };
  for (const Bad& b : cases) {
    std::vector<std::string> args = kTexas;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == b.replace[0]) {
        args[i + 1] = b.replace[1];
        break;
      }
    }
    args.insert(args.begin(), "--json");
    const CliRun r = Cli(args);
    EXPECT_EQ(r.code, 1) << b.reason;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["code"], b.reason);
    EXPECT_NE(j["message"].get<std::string>().find(b.mentions), std::string::npos) << j["message"];
  }
  // A missing required flag is a usage error.
  EXPECT_EQ(Cli({"iwo", "allocate", "--disposable", "1"}).code, 2);
}

TEST(IwoCliTest, EveryIwoCommandHasHelp) {
  for (const std::vector<std::string>& c :
       std::vector<std::vector<std::string>>{{"iwo"}, {"iwo", "allocate"}}) {
    std::vector<std::string> args = c;
    args.push_back("--help");
    const CliRun r = Cli(args);
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace cse
