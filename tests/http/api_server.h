// File: tests/http/api_server.h
//
// A real server on a loopback port for API tests: a fresh database file seeded with three
// cases (two in office "north", one in "south" with the family-violence indicator), one user
// per role (cheap argon2id cost), a fake clock, and httplib clients that sign in. The database
// and everything the server writes beside it (-wal, -shm, the access log's segment files) live
// in a ScratchDir, removed once the server has stopped and closed them.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "auth/auth_service.h"
#include "http/server.h"
#include "service/json.h"
#include "storage/sqlite/access_log_db.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse::testing {

inline constexpr const char* kTestPassword = "correct horse battery";

class ApiServer {
 public:
  // `settings`: written to the database after the seed, before the server opens it (say,
  // access_log.segment_rows, which the server reads once).
  explicit ApiServer(const std::string& tag, const std::string& web_root = "",
                     const std::string& tls_cert = "", const std::string& tls_key = "",
                     const std::vector<std::pair<std::string, std::string>>& settings = {})
      : dir_("http_" + tag),
        clock_(MidnightMicros(Date::Ymd(2024, 6, 30)) + 12LL * 3600 * 1000000),
        db_(dir_.path("opencse.db")) {
    Seed();
    if (!settings.empty()) {
      auto store = OpenStore();
      for (const auto& [key, value] : settings) {
        CSE_CHECK(store->SetSetting(key, value).ok(), "setting failed");
      }
    }
    http::ServerOptions o;
    o.db = db_;
    o.port = 0;
    o.threads = 4;
    o.auth.password_cost = auth::PasswordCost::kMinimum;
    o.web_root = web_root;
    o.tls_cert = tls_cert;
    o.tls_key = tls_key;
    auto server = http::Server::Create(o, clock_);
    CSE_CHECK(server.ok(), "server create failed");
    server_ = std::move(server).value();
    auto port = server_->Bind();
    CSE_CHECK(port.ok(), "bind failed");
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~ApiServer() { Stop(); }
  void Stop() {
    if (thread_.joinable()) {
      server_->Stop();
      thread_.join();
    }
  }

  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    return c;
  }
  int port() const { return port_; }
  FakeClock& clock() { return clock_; }
  http::Server& server() { return *server_; }
  const std::string& db() const { return db_; }
  std::unique_ptr<SqliteStore> OpenStore() const {
    auto s = SqliteStore::Open(db_, SqliteStore::OpenMode::kMustExist);
    CSE_CHECK(s.ok(), "open failed");
    return std::move(s).value();
  }
  // Creates an API token with `role` (and `office`) and returns it.
  std::string Token(const std::string& name, const std::string& role,
                    const std::string& office = "") {
    auto store = OpenStore();
    auth::AuthService a(*store, clock_, Options());
    auto t = a.AddApiToken(name, role, office, "admin");  // staff changes need an admin
    CSE_CHECK(t.ok(), "token add failed");
    return *t;
  }
  static auth::AuthOptions Options() {
    auth::AuthOptions o;
    o.password_cost = auth::PasswordCost::kMinimum;
    return o;
  }

 private:
  void Seed() {
    World w(db_, Date::Ymd(2024, 6, 30));
    auto person = [&](const std::string& first, const std::string& last) {
      Person p;
      p.first_name = first;
      p.last_name = last;
      p.address.line1 = "1 " + last + " St";
      p.address.city = "Springfield";
      p.address.state = "IL";
      p.address.zip = "62701";
      auto id = w.service().AddPerson(p);
      CSE_CHECK(id.ok(), "person");
      return *id;
    };
    auto add_case = [&](PersonId obligor, PersonId obligee, const std::string& county,
                        FamilyViolence fv) {
      NewCase c;
      c.obligor = obligor;
      c.obligee = obligee;
      c.county = county;
      c.family_violence = fv;
      c.opened = Date::Ymd(2024, 1, 1);
      auto id = w.service().AddCase(c);
      CSE_CHECK(id.ok(), "case");
      Order o;
      o.case_id = *id;
      o.amount = Money::FromCents(50000);
      o.effective_date = Date::Ymd(2024, 1, 1);
      CSE_CHECK(w.service().AddOrder(o, std::nullopt).ok(), "order");
      return *id;
    };
    const PersonId a = person("Sam", "Doe"), b = person("Ana", "Roe");
    const PersonId c = person("Lee", "Poe"), d = person("Kim", "Moe");
    const PersonId e = person("Max", "Fox"), f = person("Eve", "Cox");
    add_case(a, b, "north", FamilyViolence::kNone);       // CASE-000001
    add_case(c, d, "north", FamilyViolence::kIndicated);  // CASE-000002
    add_case(e, f, "south", FamilyViolence::kIndicated);  // CASE-000003
    auth::AuthService auth(w.store(), w.clock(), Options());
    const std::vector<std::array<std::string, 3>> users{{"cw_north", "caseworker", "north"},
                                                        {"cw_south", "caseworker", "south"},
                                                        {"sup_north", "supervisor", "north"},
                                                        {"atty", "attorney", ""},
                                                        {"inv", "investigator", ""},
                                                        {"acct", "accounting_technician", ""},
                                                        {"admin", "admin", ""}};
    for (const auto& u : users) {
      CSE_CHECK(auth.AddUser({u[0], u[1], u[2], kTestPassword}, "tester").ok(), "user");
    }
  }

  ScratchDir dir_;  // first: removed after the server (destroyed below) has closed its files
  FakeClock clock_;
  std::string db_;
  std::unique_ptr<http::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

// A signed-in browser-like session: the cookie and the CSRF token.
struct Session {
  std::string cookie;  // "opencse_session=..."
  std::string csrf;
  httplib::Headers Headers(bool with_csrf = true) const {
    httplib::Headers h{{"Cookie", cookie}};
    if (with_csrf) h.emplace("X-CSRF-Token", csrf);
    return h;
  }
};

inline Session SignIn(httplib::Client& c, const std::string& user,
                      const std::string& password = kTestPassword) {
  auto r = c.Post("/v1/session", Json{{"username", user}, {"password", password}}.dump(),
                  "application/json");
  Session s;
  if (!r || r->status != 201) {
    ADD_FAILURE() << "sign-in of " << user << " failed: " << (r ? r->body : "no response");
    return s;
  }
  const std::string set = r->get_header_value("Set-Cookie");
  s.cookie = set.substr(0, set.find(';'));
  s.csrf = Json::parse(r->body)["csrf_token"].get<std::string>();
  return s;
}

inline Json Body(const httplib::Result& r) {
  if (!r) return Json{{"code", "no_response"}};
  return Json::parse(r->body, nullptr, false);
}

}  // namespace cse::testing
