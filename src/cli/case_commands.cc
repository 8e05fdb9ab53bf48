// `opencse case close-notice | close | closure-cancel | reopen | show`: case closure under
// 45 CFR 303.11 (service/case_closure.h; docs/CLI.md "Case closure"). Registered by AddCaseCmd
// (cli.cc) under its `case` command.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth/auth_service.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "core/ids.h"
#include "service/case_closure.h"

namespace cse {

namespace {

using cli::Context;

// The closure service of the --user, on their office's caseload as for the `action` commands
// (auth::CheckUserCaseload: an office-scoped caseworker or supervisor works only the cases of
// their office; an admin works statewide).
CaseClosureService Service(Context& ctx) {
  return CaseClosureService(ctx.store(), ctx.clock(), ctx.g.user, &auth::CheckUserCaseload);
}

std::string ReasonCodes() {
  std::string out;
  for (const CaseClosureReason& r : kCaseClosureReasons) {
    out += "\n  " + std::string(r.code) +
           (r.check == ClosureCheck::kLedgerChecked ? " (checked from the ledger)" : "");
  }
  return out;
}

// The case's status and closure as a text line (and the note, if any).
std::string ClosureText(const Json& c) {
  std::string out = c["id"].get<std::string>() + "  " + c["status"].get<std::string>();
  const Json& closure = c["closure"];
  if (closure.is_null()) return out + "  no notice of intent to close\n";
  const std::string reason = closure["reason"].get<std::string>();
  const std::string notice = closure["notice_date"].get<std::string>();
  if (closure["closed_date"].is_null()) {
    out += "  notice of intent to close " + notice + " (" + reason + ")  may close on or after " +
           closure["earliest_close_date"].get<std::string>();
  } else {
    out += " " + closure["closed_date"].get<std::string>() + " (" + reason + ", notice " + notice +
           ")  records kept until " + closure["records_kept_until"].get<std::string>();
  }
  if (!closure["note"].get<std::string>().empty()) {
    out += "\n  note: " + closure["note"].get<std::string>();
  }
  return out + "\n";
}

// Answers {"case": the case with its closure}; the text is `done` (if any) and ClosureText.
// The case with its closure; `iwos_in_place` (case close) adds {"iwos_in_place": [...]}.
int EmitCase(Context& ctx, CaseId id, const std::string& done = "",
             std::optional<Json> iwos_in_place = std::nullopt) {
  auto c = ctx.store().GetCase(id);
  if (!c.ok()) return ctx.Fail(c.status());
  auto j = CaseWithClosureJson(ctx.store(), *c);
  if (!j.ok()) return ctx.Fail(j.status());
  Json out{{"case", *j}};
  if (iwos_in_place) out["iwos_in_place"] = std::move(*iwos_in_place);
  return ctx.Emit(out, (done.empty() ? "" : done + "\n") + ClosureText(*j));
}

void AddCloseNotice(CLI::App& cmd, Context& ctx, std::function<int()>& action) {
  auto* sub = cmd.add_subcommand(
      "close-notice",
      "Record the written notice of intent to close a case (45 CFR 303.11): the case can be "
      "closed " +
          std::to_string(kClosureNoticeDays) + " calendar days after it");
  struct Args {
    std::string case_id, reason, date, note;
  };
  auto a = std::make_shared<Args>();
  sub->add_option("--case", a->case_id, "Case (CASE-id)")->required();
  sub->add_option("--reason", a->reason,
                  "Closure criterion; one of:" + ReasonCodes() +
                      "\nOnly the first two are sourced (FACTS §8); the rest are unverified")
      ->required();
  sub->add_option("--date", a->date, "Day the notice was sent YYYY-MM-DD (default today)");
  sub->add_option("--note", a->note,
                  "Caseworker's note, at most " + std::to_string(kClosureNoteLengthMax) +
                      " characters (required with --reason other)");
  sub->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto id = cli::IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!id.ok()) return ctx.Fail(id.status());
      auto date = cli::OptDateArg("--date", a->date);
      if (!date.ok()) return ctx.Fail(date.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      CaseClosureService svc = Service(ctx);
      auto row = svc.RecordNotice(CloseNoticeRequest{*id, a->reason, *date, a->note});
      if (!row.ok()) return ctx.Fail(row.status());
      return EmitCase(ctx, *id, "notice of intent to close recorded");
    };
  });
}

void AddClose(CLI::App& cmd, Context& ctx, std::function<int()>& action) {
  auto* sub = cmd.add_subcommand(
      "close", "Close a case whose notice of intent to close is at least " +
                   std::to_string(kClosureNoticeDays) +
                   " days old; a ledger-checked reason is checked again on the day");
  struct Args {
    std::string case_id, date;
  };
  auto a = std::make_shared<Args>();
  sub->add_option("--case", a->case_id, "Case (CASE-id)")->required();
  sub->add_option("--date", a->date, "Day of closure YYYY-MM-DD (default today)");
  sub->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto id = cli::IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!id.ok()) return ctx.Fail(id.status());
      auto date = cli::OptDateArg("--date", a->date);
      if (!date.ok()) return ctx.Fail(date.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      CaseClosureService svc = Service(ctx);
      auto row = svc.Close(*id, *date);
      if (!row.ok()) return ctx.Fail(row.status());
      // Closing the case does not stop withholding: the caseworker is told which IWOs are
      // still in place, to end them (`iwo terminate --reason case_closed`) if the order ended.
      auto iwos = ctx.store().ListActiveIwosByCase(*id);
      if (!iwos.ok()) return ctx.Fail(iwos.status());
      std::string done = "closed";
      Json in_place = Json::array();
      for (const IwoRecord& w : *iwos) {
        const std::string iwo = FormatDisplayId("IWO", w.id);
        in_place.push_back(Json{{"iwo", iwo}, {"status", w.status}});
        done += "\n" + iwo + " (" + w.status +
                ") is still in place: end it with `opencse iwo terminate --iwo " + iwo +
                " --reason case_closed --date DATE` if withholding must stop";
      }
      return EmitCase(ctx, *id, done, std::move(in_place));
    };
  });
}

// closure-cancel and reopen: a case and a reason, one service call.
void AddWithReason(CLI::App& cmd, Context& ctx, std::function<int()>& action, const char* name,
                   const std::string& help, const std::string& reason_help,
                   Status (CaseClosureService::*call)(CaseId, const std::string&),
                   const std::string& done) {
  struct Args {
    std::string case_id, reason;
  };
  auto a = std::make_shared<Args>();
  auto* sub = cmd.add_subcommand(name, help);
  sub->add_option("--case", a->case_id, "Case (CASE-id)")->required();
  sub->add_option("--reason", a->reason, reason_help)->required();
  sub->callback([&ctx, &action, a, call, done] {
    action = [&ctx, a, call, done]() -> int {
      auto id = cli::IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!id.ok()) return ctx.Fail(id.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      CaseClosureService svc = Service(ctx);
      if (Status s = (svc.*call)(*id, a->reason); !s.ok()) return ctx.Fail(s);
      return EmitCase(ctx, *id, done);
    };
  });
}

// The case with its closure and the office whose caseload it is in (its assignment, else its
// county), as GET /v1/cases/{id} shows it.
int EmitCaseWithOffice(Context& ctx, CaseId id) {
  auto c = ctx.store().GetCase(id);
  if (!c.ok()) return ctx.Fail(c.status());
  auto j = CaseWithClosureJson(ctx.store(), *c);
  if (!j.ok()) return ctx.Fail(j.status());
  auto office = ctx.store().CaseOffice(id);
  if (!office.ok()) return ctx.Fail(office.status());
  (*j)["office"] = *office;
  const std::string office_text =
      office->empty() ? "none (no assignment and no county: in no office's caseload)" : *office;
  return ctx.Emit(Json{{"case", *j}}, ClosureText(*j) + "  office: " + office_text + "\n");
}

void AddShow(CLI::App& cmd, Context& ctx, std::function<int()>& action) {
  auto* sub = cmd.add_subcommand(
      "show", "Show a case with its status, closure state and office (its caseload)");
  auto case_id = std::make_shared<std::string>();
  sub->add_option("--case", *case_id, "Case (CASE-id)")->required();
  sub->callback([&ctx, &action, case_id] {
    action = [&ctx, case_id]() -> int {
      auto id = cli::IdArg<CaseId>("--case", "CASE", *case_id);
      if (!id.ok()) return ctx.Fail(id.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      return EmitCaseWithOffice(ctx, *id);
    };
  });
}

}  // namespace

void cli::AddCaseClosureCmds(CLI::App& case_cmd, cli::Context& ctx, std::function<int()>& action) {
  AddCloseNotice(case_cmd, ctx, action);
  AddClose(case_cmd, ctx, action);
  AddWithReason(case_cmd, ctx, action, "closure-cancel",
                "Cancel a pending notice of intent to close (the recipient answered with "
                "information that keeps the case open; 303.11)",
                "Why the notice is withdrawn (required, audited)",
                &CaseClosureService::CancelNotice, "notice of intent to close cancelled");
  AddWithReason(case_cmd, ctx, action, "reopen", "Reopen a closed case",
                "Why the case is reopened (required, audited)", &CaseClosureService::Reopen,
                "reopened");
  AddShow(case_cmd, ctx, action);
}

}  // namespace cse
