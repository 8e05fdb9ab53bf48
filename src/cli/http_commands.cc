// File: cli/http_commands.cc
//
// `opencse serve` (the JSON API and web app, docs/API.md), `opencse user add|disable|enable|
// reset-password|unlock`, `opencse token add|list|revoke` and `opencse assign-office`.
#include <pthread.h>
#include <signal.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <iostream>
#include <thread>

#include "auth/auth_service.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "http/server.h"
#include "service/case_notes.h"
#include "storage/sqlite/access_log_db.h"

namespace cse::cli {

namespace {

// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
int Serve(Context& ctx, const http::ServerOptions& options) {
  if (Status s = ctx.MakeClock(/*running=*/true); !s.ok()) return ctx.Fail(s);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // Blocked before any server thread starts, so every thread inherits the mask and the
  // watcher below is the only one to receive them.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server = http::Server::Create(options, ctx.clock());
  if (!server.ok()) {
    const int code = ctx.Fail(server.status());
    // A database it cannot write is a storage error (exit 3), like store_io.
    return server.status().reason() == "store_read_only" ? kExitStore : code;
  }
  auto port = (*server)->Bind();
  if (!port.ok()) return ctx.Fail(port.status());
  const bool tls = !options.tls_cert.empty();
  ctx.out() << "opencse serve: listening on " << (tls ? "https" : "http") << "://" << options.host
            << ":" << *port << " (database " << options.db << ")" << std::endl;
  std::atomic<bool> signalled{false};
  http::Server* raw = server->get();
  std::thread watcher([&signals, &signalled, raw] {
    int sig = 0;
    sigwait(&signals, &sig);
    signalled = true;
    raw->Stop();
  });
  raw->Run();
  if (!signalled) pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  ctx.out() << "opencse serve: stopped" << std::endl;
  return kExitOk;
}

std::string ReadPasswordLine() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void AddServe(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* serve = app.add_subcommand(
      "serve", "Serve the JSON API and the web app (docs/API.md) until SIGINT/SIGTERM");
  auto o = std::make_shared<http::ServerOptions>();
  serve->add_option("--port", o->port, "TCP port (0 picks a free one)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--host", o->host, "Address to listen on")->capture_default_str();
  serve->add_option("--tls-cert", o->tls_cert, "PEM certificate: serve HTTPS (with --tls-key)")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", o->tls_key, "PEM private key for --tls-cert")
      ->check(CLI::ExistingFile);
  serve->add_option("--web", o->web_root, "Directory of the web app's static files")
      ->check(CLI::ExistingDirectory);
  serve
      ->add_option("--threads", o->threads,
                   "Worker threads (each serves one keep-alive connection at a time)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve
      ->add_option("--max-active", o->max_active,
                   "Requests handled at once; the rest wait their turn in arrival order "
                   "(0: twice the cores, at least 4)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  serve->footer(
      "Sessions: cookie opencse_session (HttpOnly, SameSite=Strict, Secure under TLS), idle\n"
      "expiry 30 min, absolute 12 h; state-changing requests need X-CSRF-Token. Systems use\n"
      "`Authorization: Bearer <token>` from `opencse token add`.");
  serve->callback([&ctx, &action, o] {
    action = [&ctx, o]() -> int {
      o->db = ctx.g.db;
      return Serve(ctx, *o);
    };
  });
}

// The rule every staff administration command states in its --help.
constexpr const char* kStaffAdminRule =
    "Only an active admin (--user) may add or change staff users and tokens once an active\n"
    "admin exists; until then anyone may, so that the first admin can be added\n"
    "(docs/ENFORCEMENT.md §4, as `opencse staff add`). Every change is on the audit trail.";

// Runs `change` on an opened store and prints `done` (JSON: {"username", "result"}).
int UserChange(Context& ctx, const std::string& username, const std::string& result,
               const std::function<Status(auth::AuthService&)>& change) {
  if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
  auth::AuthService auth(ctx.store(), ctx.clock());
  if (Status s = change(auth); !s.ok()) return ctx.Fail(s);
  return ctx.Emit(Json{{"username", username}, {"result", result}},
                  "user " + username + ": " + result + "\n");
}

// `user disable|enable|reset-password|unlock` (auth/auth_service.h).
void AddUserChanges(CLI::App& user, Context& ctx, std::function<int()>& action) {
  struct ChangeArgs {
    std::string username, reason;
    bool password_stdin = false;
  };
  auto a = std::make_shared<ChangeArgs>();
  auto* disable = user.add_subcommand(
      "disable", "Disable a user: sign-in is refused and their sessions end at once");
  disable->add_option("username", a->username, "The user")->required();
  disable->add_option("--reason", a->reason, "Why (required; on the audit trail)")->required();
  disable->footer(std::string("Audited as user.disable. The last active admin cannot be "
                              "disabled. `user enable` lets the user sign in again; their old "
                              "sessions stay ended.\n") +
                  kStaffAdminRule);
  disable->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      return UserChange(ctx, a->username, "disabled", [&](auth::AuthService& auth) {
        return auth.DisableUser(a->username, a->reason, ctx.g.user);
      });
    };
  });
  auto* enable = user.add_subcommand("enable", "Enable a disabled user (they sign in anew)");
  enable->add_option("username", a->username, "The user")->required();
  enable->footer(std::string("Audited as user.enable.\n") + kStaffAdminRule);
  enable->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      return UserChange(ctx, a->username, "enabled", [&](auth::AuthService& auth) {
        return auth.EnableUser(a->username, ctx.g.user);
      });
    };
  });
  auto* reset = user.add_subcommand(
      "reset-password", "Set a user's password, clear their lockout and end their sessions");
  reset->add_option("username", a->username, "The user")->required();
  reset
      ->add_flag("--password-stdin", a->password_stdin,
                 "Read the new password (12-128 characters, not only spaces, not containing the "
                 "username) from the first line of standard input")
      ->required();
  reset->footer(std::string("Audited as user.reset_password (never the password).\n") +
                kStaffAdminRule);
  reset->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      const std::string password = ReadPasswordLine();
      return UserChange(ctx, a->username, "password reset", [&](auth::AuthService& auth) {
        return auth.ResetPassword(a->username, password, ctx.g.user);
      });
    };
  });
  auto* unlock = user.add_subcommand(
      "unlock", "Clear a user's lockout (5 failed sign-ins in a row lock for 15 minutes)");
  unlock->add_option("username", a->username, "The user")->required();
  unlock->footer(std::string("Audited as user.unlock.\n") + kStaffAdminRule);
  unlock->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      return UserChange(ctx, a->username, "unlocked", [&](auth::AuthService& auth) {
        return auth.UnlockUser(a->username, ctx.g.user);
      });
    };
  });
}

void AddUserCmd(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* user = app.add_subcommand("user", "Staff users of the web app and API");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "Add a user (prints a generated password unless given)");
  struct UserArgs {
    std::string username, role, office;
    bool password_stdin = false;
  };
  auto u = std::make_shared<UserArgs>();
  add->add_option("--username", u->username, "Login name: 1-64 of a-z 0-9 . _ -")->required();
  add->add_option("--role", u->role,
                  "caseworker | supervisor | attorney | investigator | accounting_technician | "
                  "admin")
      ->required();
  add->add_option("--office", u->office,
                  "Office whose caseload the user works (required for caseworker, supervisor)");
  add->add_flag("--password-stdin", u->password_stdin,
                "Read the password (12-128 characters) from the first line of standard input");
  add->callback([&ctx, &action, u] {
    action = [&ctx, u]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      const bool generated = !u->password_stdin;
      const std::string password = generated ? auth::RandomHex(10) : ReadPasswordLine();
      auth::AuthService auth(ctx.store(), ctx.clock());
      auto id = auth.AddUser({u->username, u->role, u->office, password}, ctx.g.user);
      if (!id.ok()) return ctx.Fail(id.status());
      Json j{{"id", *id}, {"username", u->username}, {"role", u->role}, {"office", u->office}};
      std::string text = "added user " + u->username + " (" + u->role + ")\n";
      if (generated) {
        j["password"] = password;
        text += "password: " + password + "  (shown once)\n";
      }
      return ctx.Emit(j, text);
    };
  });
  add->footer(kStaffAdminRule);
  AddUserChanges(*user, ctx, action);
}

void AddTokenCmd(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* token = app.add_subcommand("token", "API tokens for system-to-system calls");
  token->require_subcommand(1);
  auto* tadd = token->add_subcommand("add",
                                     "Create an API token (printed once; only its hash "
                                     "is stored)");
  struct TokenArgs {
    std::string name, role, office;
  };
  auto t = std::make_shared<TokenArgs>();
  tadd->add_option("--name", t->name, "Name of the calling system: 1-64 of a-z 0-9 . _ -")
      ->required();
  tadd->add_option("--role", t->role, "Role whose permissions the token carries")->required();
  tadd->add_option("--office", t->office, "Office scope (required for caseworker, supervisor)");
  tadd->callback([&ctx, &action, t] {
    action = [&ctx, t]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auth::AuthService auth(ctx.store(), ctx.clock());
      auto secret = auth.AddApiToken(t->name, t->role, t->office, ctx.g.user);
      if (!secret.ok()) return ctx.Fail(secret.status());
      return ctx.Emit(Json{{"name", t->name}, {"role", t->role}, {"token", *secret}},
                      "token " + t->name + ": " + *secret + "  (shown once)\n");
    };
  });
  tadd->footer(kStaffAdminRule);
  auto* list = token->add_subcommand(
      "list", "List API tokens: name, role, office, who created them, whether revoked");
  list->footer(std::string("Never shows a token's secret (only its digest is stored).\n") +
               kStaffAdminRule);
  list->callback([&ctx, &action] {
    action = [&ctx]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auth::AuthService auth(ctx.store(), ctx.clock());
      auto tokens = auth.ListApiTokens(ctx.g.user);
      if (!tokens.ok()) return ctx.Fail(tokens.status());
      Json items = Json::array();
      std::string text;
      for (const auth::ApiTokenInfo& k : *tokens) {
        items.push_back(Json{{"id", k.id},
                             {"name", k.name},
                             {"role", k.role},
                             {"office", k.office},
                             {"created_at", k.created_at},
                             {"created_by", k.created_by},
                             {"revoked", k.revoked},
                             {"revoked_at", k.revoked ? Json(k.revoked_at) : Json(nullptr)},
                             {"revoked_by", k.revoked ? Json(k.revoked_by) : Json(nullptr)},
                             {"revoke_reason", k.revoked ? Json(k.revoke_reason) : Json(nullptr)}});
        text += Pad(k.name, 24) + Pad(k.role, 24) + Pad(k.office.empty() ? "-" : k.office, 12) +
                k.created_at + "  " + k.created_by +
                (k.revoked
                     ? "  REVOKED " + k.revoked_at + " by " + k.revoked_by + ": " + k.revoke_reason
                     : "") +
                "\n";
      }
      if (tokens->empty()) text = "no API tokens\n";
      return ctx.Emit(Json{{"items", items}}, text);
    };
  });
  struct RevokeArgs {
    std::string name, reason;
  };
  auto r = std::make_shared<RevokeArgs>();
  auto* revoke = token->add_subcommand(
      "revoke", "Revoke an API token: it answers 401 token_invalid from then on");
  revoke->add_option("name", r->name, "The token's name (`token list`)")->required();
  revoke->add_option("--reason", r->reason, "Why (required; on the audit trail)")->required();
  revoke->footer(std::string("Audited as token.revoke. A revoked token cannot be restored: add "
                             "a new one.\n") +
                 kStaffAdminRule);
  revoke->callback([&ctx, &action, r] {
    action = [&ctx, r]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auth::AuthService auth(ctx.store(), ctx.clock());
      if (Status s = auth.RevokeApiToken(r->name, r->reason, ctx.g.user); !s.ok()) {
        return ctx.Fail(s);
      }
      return ctx.Emit(Json{{"name", r->name}, {"revoked", true}},
                      "token " + r->name + ": revoked\n");
    };
  });
}

void AddAssignOffice(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* assign = app.add_subcommand(
      "assign-office",
      "Put a case in an office's caseload (a case never assigned is in its county's)");
  struct AssignArgs {
    std::string case_id, office;
  };
  auto a = std::make_shared<AssignArgs>();
  assign->add_option("--case", a->case_id, "Case (CASE-id)")->required();
  assign->add_option("--office", a->office, "Office name, spelled as elsewhere")->required();
  assign->footer(
      "Who: an active supervisor, for a case of their own office's caseload or a case in no\n"
      "office; an admin, for any case (anyone until an active admin exists). The office is not\n"
      "blank (office_required), has no space at either end (office_invalid) and is spelled as\n"
      "the name in use (a user's office, a county, an assignment): one that differs only in\n"
      "letter case is refused (office_case_mismatch), since caseloads compare names exactly.\n"
      "An office no active caseworker or supervisor works is accepted with a warning: the case\n"
      "is in no one's office caseload until one is added. Audited as case.assign_office.");
  assign->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto id = IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!id.ok()) return ctx.Fail(id.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auth::OfficeAssignment done;
      if (Status s =
              auth::AssignCaseOffice(ctx.store(), ctx.clock(), ctx.g.user, *id, a->office, &done);
          !s.ok()) {
        return ctx.Fail(s);
      }
      Json j{{"case_id", CaseDisplayId(*id)},
             {"office", done.office},
             {"previous_office", done.before}};
      std::string text = CaseDisplayId(*id) + " assigned to office " + done.office + "\n";
      if (done.unstaffed) {
        const std::string warning = "no active caseworker or supervisor works office '" +
                                    done.office +
                                    "': the case is in no one's office caseload until one is "
                                    "added (`user add --office`)";
        j["warning"] = warning;
        text += "warning: " + warning + "\n";
      }
      return ctx.Emit(j, text);
    };
  });
}

}  // namespace

Json NoteJson(const CaseNote& n) {
  return Json{{"id", n.id},
              {"case_id", CaseDisplayId(n.case_id)},
              {"author", n.author},
              {"at", n.at},
              {"text", n.text}};
}

namespace {

// Each line of a note's text indented by two spaces, so no line of a note can pass for the
// "time  author" line that starts the next (before 2026-12-05 continuation lines were not
// indented, and a note could forge another author's entry).
std::string IndentLines(const std::string& text) {
  std::string out = "  ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "  ";
  }
  return out + "\n";
}

}  // namespace

// `opencse case note add|list`, under the `case` command of cli.cc (service/case_notes.h).
void AddCaseNoteCmd(CLI::App& app, Context& ctx, std::function<int()>& action) {
  CLI::App* case_cmd = app.get_subcommand("case");
  auto* note = case_cmd->add_subcommand("note", "Notes on a case (shown on the web case page)");
  note->require_subcommand(1);
  struct NoteArgs {
    std::string case_id, text;
    int64_t limit = 50;
    int64_t before = 0;
  };
  auto a = std::make_shared<NoteArgs>();
  auto* add = note->add_subcommand(
      "add", "Add a note by --user (1-2000 characters of UTF-8; audited as case.note_add)");
  add->add_option("--case", a->case_id, "Case (CASE-id)")->required();
  add->add_option("--text", a->text,
                  "The note's text: trimmed; newlines and tabs allowed, no other control "
                  "character")
      ->required();
  add->footer(
      "Who: once an active admin exists, an active user whose role holds notes.write\n"
      "(caseworker, supervisor, attorney, investigator, admin), on a case in their caseload (a\n"
      "caseworker or supervisor: their office's). Errors: user_unknown (no such user, or\n"
      "disabled), role_not_allowed, case_not_in_caseload; nothing is written.");
  add->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto id = IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!id.ok()) return ctx.Fail(id.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto n =
          AddCaseNote(ctx.store(), ctx.clock(), ctx.g.user, *id, a->text, &auth::CheckNoteWriter);
      if (!n.ok()) return ctx.Fail(n.status());
      return ctx.Emit(NoteJson(*n),
                      "added note " + std::to_string(n->id) + " to " + CaseDisplayId(*id) + "\n");
    };
  });
  auto* list = note->add_subcommand("list", "List a case's notes, newest first");
  list->add_option("--case", a->case_id, "Case (CASE-id)")->required();
  list->add_option("--limit", a->limit, "At most this many notes (1-200)")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();
  list->add_option("--before", a->before,
                   "Only notes with a smaller id: the previous page's `more: --before N`")
      ->check(WholeNumberAtLeast(1));
  list->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto id = IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!id.ok()) return ctx.Fail(id.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto notes = ListCaseNotes(ctx.store(), *id, a->before, a->limit);
      if (!notes.ok()) return ctx.Fail(notes.status());
      Json items = Json::array();
      std::string text;
      for (const CaseNote& n : *notes) {
        items.push_back(NoteJson(n));
        text += n.at.substr(0, 19) + "  " + n.author + "\n" + IndentLines(n.text);
      }
      if (notes->empty()) text = "no notes on " + CaseDisplayId(*id) + "\n";
      // A full page has a next one only when an older note is left, as the API's next_before
      // (the service's page is at most kCaseNotesPageMax, the largest --limit, so it cannot
      // read one note more). Before 2026-12-05 a full last page pointed to an empty one.
      Json next = nullptr;
      if (static_cast<int64_t>(notes->size()) == a->limit) {
        auto older = ListCaseNotes(ctx.store(), *id, notes->back().id, 1);
        if (!older.ok()) return ctx.Fail(older.status());
        if (!older->empty()) {
          next = notes->back().id;
          text += "more: --before " + std::to_string(notes->back().id) + "\n";
        }
      }
      return ctx.Emit(
          Json{{"case_id", CaseDisplayId(*id)}, {"items", items}, {"next_before", next}}, text);
    };
  });
}

// `access-log list` and `access-log files`: the record of staff reads of persons' records,
// across its segment files (storage/sqlite/access_log_db.h).
void AddAccessLogCmd(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand(
      "access-log", "Who read which person's record: list the access log, show its files");
  cmd->require_subcommand(1);
  auto* list =
      cmd->add_subcommand("list", "Access-log rows by id, oldest first, across every segment file");
  struct ListArgs {
    std::string person;
    int64_t after = 0;
    int64_t limit = 100;
  };
  auto a = std::make_shared<ListArgs>();
  CLI::Option* person_opt =
      list->add_option("--person", a->person, "Only reads of this person (PRS-...)");
  list->add_option("--after", a->after, "Only rows with a larger id (the previous page's last)")
      ->check(WholeNumberAtLeast(0));
  list->add_option("--limit", a->limit, "At most this many rows (1-10000; default 100)")
      ->check(CLI::Range(int64_t{1}, int64_t{10000}));
  list->callback([&ctx, &action, a, person_opt] {
    action = [&ctx, a, person_opt]() -> int {
      PersonId person;
      // Given, even empty: an empty value is not a missing option (id_malformed; before
      // 2026-12-05 `--person ""` listed every person's reads).
      if (person_opt->count() > 0) {
        auto p = IdArg<PersonId>("--person", "PRS", a->person);
        if (!p.ok()) return ctx.Fail(p.status());
        person = *p;
      }
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      // One row more than the page, as the API's route (PageRows): a next page only when a row
      // is left (before 2026-12-05 a full last page pointed to an empty one).
      auto rows = ctx.store().ListAccessLog(person, a->after, a->limit + 1);
      if (!rows.ok()) return ctx.Fail(rows.status());
      const bool more = static_cast<int64_t>(rows->size()) > a->limit;
      if (more) rows->resize(static_cast<size_t>(a->limit));
      Json items = Json::array();
      std::string text;
      for (const AccessLogRow& r : *rows) {
        const std::string case_text = r.case_id.valid() ? CaseDisplayId(r.case_id) : "-";
        items.push_back(Json{{"id", r.id},
                             {"at", r.at},
                             {"actor", r.actor},
                             {"person_id", PersonDisplayId(r.person)},
                             {"case_id", r.case_id.valid() ? Json(case_text) : Json(nullptr)},
                             {"route", r.route},
                             {"request_id", r.request_id}});
        text += std::to_string(r.id) + "  " + r.at + "  " + Pad(r.actor, 16) +
                PersonDisplayId(r.person) + "  " + Pad(case_text, 12) + r.route + "\n";
      }
      Json j{{"items", items}};
      if (more) {
        j["next_after"] = rows->back().id;
        text += "more: --after " + std::to_string(rows->back().id) + "\n";
      }
      if (rows->empty()) text = "no access-log rows\n";
      return ctx.Emit(j, text);
    };
  });
  auto* files = cmd->add_subcommand(
      "files", "The access log's segment files: ids, rows, first and last read, sealed or live");
  files->callback([&ctx, &action] {
    action = [&ctx]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto log = ctx.store().AccessLog();
      if (!log.ok()) return ctx.Fail(log.status());
      auto segments = (*log)->Segments();
      if (!segments.ok()) return ctx.Fail(segments.status());
      Json items = Json::array();
      std::string text;
      for (const AccessLogDb::SegmentInfo& g : *segments) {
        items.push_back(Json{{"segment", g.seq},
                             {"path", g.path},
                             {"first_id", g.first_id},
                             {"last_id", g.last_id ? Json(*g.last_id) : Json(nullptr)},
                             {"rows", g.rows},
                             {"first_at", g.first_at},
                             {"last_at", g.last_at},
                             {"sealed", g.last_id.has_value()}});
        text += Pad(std::to_string(g.seq), 5) + Pad(g.last_id ? "sealed" : "live", 8) +
                Pad(std::to_string(g.rows) + " rows", 16) + "ids " + std::to_string(g.first_id) +
                "-" + (g.last_id ? std::to_string(*g.last_id) : std::string()) + "  " +
                (g.first_at.empty() ? std::string("(empty)") : g.first_at + " .. " + g.last_at) +
                "  " + g.path + "\n";
      }
      return ctx.Emit(Json{{"segments", items}}, text);
    };
  });
}

void AddHttp(CLI::App& app, Context& ctx, std::function<int()>& action) {
  AddServe(app, ctx, action);
  AddCaseNoteCmd(app, ctx, action);
  AddUserCmd(app, ctx, action);
  AddTokenCmd(app, ctx, action);
  AddAssignOffice(app, ctx, action);
  AddAccessLogCmd(app, ctx, action);
}

}  // namespace cse::cli
