// docs/openapi.yaml and the routing table cannot drift: every documented operation is a route
// with the documented permission (x-permission), and every route is documented.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <tuple>

#include "http/router.h"

namespace cse {
namespace {

using Operation = std::tuple<std::string, std::string, std::string>;  // method, path, permission

std::set<Operation> DocumentedOperations() {
  std::ifstream in(std::string(OPENCSE_SOURCE_DIR) + "/docs/openapi.yaml");
  EXPECT_TRUE(in.good()) << "docs/openapi.yaml is missing";
  const std::regex path_line(R"(^  (/[^ :]*):\s*$)");
  const std::regex method_line(R"(^    (get|post|put|patch|delete):\s*$)");
  const std::regex permission_line(R"(^      x-permission:\s*([a-z.]+)\s*$)");
  std::set<Operation> out;
  bool in_paths = false;
  std::string path, method;
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (in_paths && !line.empty() && line[0] != ' ' && line[0] != '#') in_paths = false;
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_line)) {
      path = m[1];
    } else if (std::regex_match(line, m, method_line)) {
      method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (std::regex_match(line, m, permission_line)) {
      out.emplace(method, path, m[1]);
    }
  }
  return out;
}

TEST(OpenApiTest, DocumentAndRoutingTableMatchBothWays) {
  const std::set<Operation> documented = DocumentedOperations();
  std::set<Operation> routed;
  for (const http::Route& r : http::Routes()) {
    routed.emplace(r.method, r.pattern, std::string(auth::Name(r.permission)));
  }
  for (const Operation& op : routed) {
    EXPECT_TRUE(documented.count(op))
        << "route not in docs/openapi.yaml (or other permission): " << std::get<0>(op) << " "
        << std::get<1>(op) << " " << std::get<2>(op);
  }
  for (const Operation& op : documented) {
    EXPECT_TRUE(routed.count(op)) << "documented but not routed: " << std::get<0>(op) << " "
                                  << std::get<1>(op) << " " << std::get<2>(op);
  }
  EXPECT_EQ(documented.size(), routed.size());
}

TEST(OpenApiTest, EveryRouteIsUniqueAndVersioned) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const http::Route& r : http::Routes()) {
    EXPECT_TRUE(seen.emplace(r.method, r.pattern).second) << r.pattern;
    EXPECT_EQ(r.pattern.rfind("/v1/", 0), 0U) << r.pattern;
  }
}

}  // namespace
}  // namespace cse
