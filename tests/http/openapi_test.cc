// docs/openapi.yaml and the routing table cannot drift: every documented operation is a route
// with the documented permission (x-permission), and every route is documented.
#include <gtest/gtest.h>

#include <cstdlib>
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

// docs/openapi.yaml is YAML (a mis-indented `properties:` under approve made it unreadable to
// every OpenAPI tool while the line-based check above still passed). Block indentation grows
// two spaces at a time, and PyYAML, when the machine has it, parses the file.
TEST(OpenApiTest, TheDocumentIsWellFormedYaml) {
  const std::string path = std::string(OPENCSE_SOURCE_DIR) + "/docs/openapi.yaml";
  std::ifstream in(path);
  ASSERT_TRUE(in.good());
  std::string line;
  size_t previous = 0;
  bool folded = false;  // inside a `>` or `|` block scalar
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || line[indent] == '#') continue;
    if (folded && indent > previous) continue;
    folded = false;
    EXPECT_LE(indent, previous + 2) << "line " << number << ": " << line;
    EXPECT_EQ(indent % 2, 0U) << "line " << number << ": " << line;
    previous = indent;
    const size_t end = line.find_last_not_of(' ');
    folded = line[end] == '>' || line[end] == '|';
  }
  if (std::system("python3 -c 'import yaml' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3 with PyYAML is not installed; the indentation check ran";
  }
  const std::string parse =
      "python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' '" + path + "'";
  EXPECT_EQ(std::system(parse.c_str()), 0) << "docs/openapi.yaml does not parse as YAML";
}

}  // namespace
}  // namespace cse
