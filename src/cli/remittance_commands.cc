// File: cli/remittance_commands.cc
//
// `opencse import remittance FILE` (employer remittances → the ledger, unidentified lines
// held) and `opencse unidentified list` (what is held and for how long). See docs/CLI.md
// "Employer remittances" and docs/REMITTANCE_CSV.md.
#include <CLI/CLI.hpp>

#include <sstream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/remittance_report.h"
#include "iwo/remittance.h"

namespace cse::cli {
namespace {

CLI::App& ImportCommand(CLI::App& app) {
  auto found = app.get_subcommands([](const CLI::App* c) { return c->get_name() == "import"; });
  if (!found.empty()) return *found.front();
  auto* cmd = app.add_subcommand("import", "Import files");
  cmd->require_subcommand(1);
  return *cmd;
}

std::string Last4(const std::string& ssn) {
  return ssn.size() >= 4 ? ssn.substr(ssn.size() - 4) : ssn;
}

}  // namespace

Json RemittanceReportJson(const iwo::RemittanceReport& r) {
  Json problems = Json::array();
  for (const formats::RemittanceProblem& p : r.problems) {
    problems.push_back(Json{
        {"line", p.line_number}, {"field", p.field}, {"code", p.reason}, {"message", p.message}});
  }
  Json held = Json::array();
  for (const iwo::HeldLine& h : r.held_lines) {
    held.push_back(Json{{"line", h.line_number},
                        {"key", h.key},
                        {"employer_fein", h.employer_fein},
                        {"amount", h.amount.ToString()},
                        {"reason", h.reason},
                        {"already_held", h.already_held},
                        {"resolution", h.resolution.empty() ? Json(nullptr) : Json(h.resolution)}});
  }
  return Json{{"file", r.file},
              {"lines", r.lines},
              {"committed", r.committed},
              {"posted", r.posted},
              {"posted_amount", r.posted_amount.ToString()},
              {"already_posted", r.already_posted},
              {"held", r.held},
              {"held_amount", r.held_amount.ToString()},
              {"already_held", r.already_held},
              {"rejected", r.problem_count},
              {"held_lines", held},
              {"rejections", problems}};
}

std::string RemittanceReportText(const iwo::RemittanceReport& r, const std::string& command) {
  std::ostringstream o;
  o << command << " " << r.file << ": " << r.lines << " lines, " << r.posted << " posted ("
    << r.posted_amount.ToString() << "), " << r.already_posted << " already posted, " << r.held
    << " held as unidentified (" << r.held_amount.ToString() << "), " << r.already_held
    << " already held, " << r.problem_count << " rejected";
  o << (r.committed ? "\n" : " — nothing was written\n");
  for (const iwo::HeldLine& h : r.held_lines) {
    o << "  held line " << h.line_number << "  " << h.key << "  " << h.amount.ToString() << "  "
      << h.reason;
    if (!h.resolution.empty()) {
      o << " (already resolved (" << h.resolution << "))";
    } else if (h.already_held) {
      o << " (already held)";
    }
    o << "\n";
  }
  for (const formats::RemittanceProblem& p : r.problems) {
    o << "  rejected line " << p.line_number << " field " << p.field << ": " << p.reason << ": "
      << p.message << "\n";
  }
  if (r.problem_count > static_cast<int64_t>(r.problems.size())) {
    o << "  ... " << r.problem_count - static_cast<int64_t>(r.problems.size())
      << " more rejections\n";
  }
  return o.str();
}

int EmitRemittanceImport(Context& ctx, const Result<iwo::RemittanceReport>& rep,
                         const std::string& command, const Json& extra) {
  if (!rep.ok()) return ctx.Fail(rep.status());
  Json j = RemittanceReportJson(*rep);
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
  std::string text = RemittanceReportText(*rep, command);
  if (rep->committed && !rep->posted_requests.empty()) {
    text += AddBulkPaymentEvents(ctx, rep->posted_requests, j);
  }
  const int code = ctx.Emit(j, text);
  return rep->committed ? code : kExitRule;
}

namespace {

void AddImportRemittance(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = ImportCommand(app).add_subcommand(
      "remittance",
      "Post an employer remittance CSV (docs/REMITTANCE_CSV.md) to the ledger; lines matching "
      "no case are held as unidentified payments");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "CSV: line_ref,employer_fein,pay_date,ssn,case_id,amount")
      ->required();
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->footer(
      "The file is one transaction: any malformed or rejected line (named with its line number\n"
      "and field) and nothing is written. Re-importing a file is safe: each line's key\n"
      "(REM-<FEIN>-<line_ref>) is posted or held once.\n"
      "Exit status: 0 imported, 1 refused (nothing written) or an unreadable FILE, 2 a usage\n"
      "error (no FILE, an unknown option, an extra argument), 3 storage.");
  cmd->callback([&ctx, &action, file] {
    action = [&ctx, file]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      return EmitRemittanceImport(
          ctx, iwo::ImportRemittanceFile(ctx.store(), ctx.clock(), ctx.g.user, *file),
          "import remittance");
    };
  });
}

void AddUnidentifiedList(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd =
      app.add_subcommand("unidentified", "Unidentified payments held (money never dropped)");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand(
      "list", "Every payment held as unidentified, with the days held as of a date");
  auto as_of = std::make_shared<std::string>();
  list->add_option("--as-of", *as_of, "Days held as of YYYY-MM-DD (default today)");
  list->add_flag("--json", ctx.g.json, "Print JSON");
  list->callback([&ctx, &action, as_of] {
    action = [&ctx, as_of]() -> int {
      auto day = AsOfThenOpen(ctx, *as_of);
      if (!day.ok()) return ctx.Fail(day.status());
      auto rep = iwo::ListHeldPayments(ctx.store(), *day);
      if (!rep.ok()) return ctx.Fail(rep.status());
      Json rows = Json::array();
      std::ostringstream o;
      o << "unidentified payments held as of " << day->ToString() << ": " << rep->rows.size()
        << ", total " << rep->total.ToString() << ", oldest held " << rep->oldest_days << " days\n";
      for (const iwo::HeldPayment& h : rep->rows) {
        const UnidentifiedPayment& u = h.row;
        rows.push_back(Json{{"id", u.id},
                            {"key", u.key},
                            {"employer_fein", u.employer_fein},
                            {"pay_date", u.pay_date.ToString()},
                            {"ssn_last4", Last4(u.ssn)},
                            {"case_ref", u.case_ref},
                            {"amount", u.amount.ToString()},
                            {"reason", u.reason},
                            {"file", u.file},
                            {"line", u.line_number},
                            {"received_date", u.received_date.ToString()},
                            {"days_held", h.days_held}});
        o << "  " << Pad(std::to_string(u.id), 6) << Pad(u.key, 28) << Pad(u.amount.ToString(), 12)
          << "FEIN " << u.employer_fein << "  paid " << u.pay_date.ToString() << "  received "
          << u.received_date.ToString() << "  held " << h.days_held << " days  " << u.reason
          << "\n";
      }
      return ctx.Emit(Json{{"as_of", day->ToString()},
                           {"count", rep->rows.size()},
                           {"total", rep->total.ToString()},
                           {"oldest_days", rep->oldest_days},
                           {"payments", rows}},
                      o.str());
    };
  });
}

}  // namespace

void AddRemittance(CLI::App& app, Context& ctx, std::function<int()>& action) {
  AddImportRemittance(app, ctx, action);
  AddUnidentifiedList(app, ctx, action);
}

}  // namespace cse::cli
