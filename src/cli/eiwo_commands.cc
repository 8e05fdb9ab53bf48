// File: cli/eiwo_commands.cc
//
// `opencse iwo export-eiwo` (pending IWOs → an e-IWO file, marked sent) and `opencse import
// eiwo-ack FILE` (employer acknowledgments → IWO status). See docs/CLI.md "e-IWO files" and
// docs/EIWO.md.
#include <CLI/CLI.hpp>

#include <sstream>

#include "cli/commands.h"
#include "cli/context.h"
#include "iwo/eiwo_ack.h"
#include "iwo/eiwo_export.h"
#include "iwo/settings.h"

namespace cse::cli {
namespace {

CLI::App& Subcommand(CLI::App& app, const std::string& name, const std::string& help) {
  auto found = app.get_subcommands([&](const CLI::App* c) { return c->get_name() == name; });
  if (!found.empty()) return *found.front();
  auto* cmd = app.add_subcommand(name, help);
  cmd->require_subcommand(1);
  return *cmd;
}

struct ExportArgs {
  std::string out;
  std::string employer;
  std::string as_of;
  std::string layout = "builtin";
  std::string state_fips;
  std::string issuing_state;
  int64_t max_details = iwo::kEiwoDetailsPerFileMax;
  bool print_layout = false;
  bool overwrite = false;
};

Json ExportJson(const iwo::EiwoExportReport& r) {
  Json batches = Json::array();
  for (const iwo::EiwoBatchReport& b : r.batches) {
    Json ids = Json::array();
    for (int64_t id : b.iwo_ids) ids.push_back(FormatDisplayId("IWO", id));
    batches.push_back(Json{{"control_number", b.control_number},
                           {"employer_fein", b.employer_fein},
                           {"details", b.details},
                           {"iwos", ids}});
  }
  Json skipped = Json::array();
  for (const iwo::EiwoSkipped& s : r.skipped) {
    skipped.push_back(Json{{"iwo", FormatDisplayId("IWO", s.iwo_id)},
                           {"field", s.field},
                           {"code", s.reason},
                           {"message", s.message}});
  }
  Json closed = Json::array();
  for (int64_t id : r.case_closed_iwos) closed.push_back(FormatDisplayId("IWO", id));
  return Json{{"written", r.written},
              {"out", r.written ? Json(r.path) : Json(nullptr)},
              {"file_control_number", r.written ? Json(r.file_control) : Json(nullptr)},
              {"details", r.details},
              {"batches", batches},
              {"skipped_count", r.skipped_count},
              {"skipped", skipped},
              {"remaining", r.remaining},
              {"outside_caseload", r.outside_caseload},
              {"case_closed", r.case_closed},
              {"case_closed_iwos", closed},
              {"approved_by", r.approved_by},
              {"approver_office", r.approver_office},
              {"voided_control_numbers", r.voided},
              {"unverified_fields", r.unverified_fields}};
}

std::string ExportText(const iwo::EiwoExportReport& r) {
  std::ostringstream o;
  for (const std::string& c : r.voided) {
    o << "voided control number " << c << " (reserved by an export that never finished)\n";
  }
  if (!r.written) {
    o << "nothing to export: no pending IWO" << (r.case_closed ? " of an open case" : "")
      << (r.skipped_count ? " that can be written" : "")
      << (r.outside_caseload ? " in the caseload of office '" + r.approver_office + "'" : "")
      << "; no file written, no control number used\n";
  } else {
    o << "wrote " << r.path << ": file " << r.file_control << ", " << r.batches.size()
      << " batch(es), " << r.details << " IWO(s) marked sent " << r.sent_date.ToString() << "\n";
    for (const iwo::EiwoBatchReport& b : r.batches) {
      o << "  batch " << b.control_number << "  FEIN " << b.employer_fein << "  " << b.details
        << " IWO(s)\n";
    }
  }
  for (const iwo::EiwoSkipped& s : r.skipped) {
    o << "  skipped " << FormatDisplayId("IWO", s.iwo_id) << " field " << s.field << ": "
      << s.reason << ": " << s.message << " (stays pending)\n";
  }
  if (r.remaining > 0) {
    o << "  " << r.remaining << " more pending IWO(s) over the per-file limit: run again\n";
  }
  if (r.outside_caseload > 0) {
    o << "  " << r.outside_caseload << " pending IWO(s) of cases outside the caseload of office '"
      << r.approver_office << "' left pending for a worker of their office\n";
  }
  if (r.case_closed > 0) {
    o << "  " << r.case_closed
      << " pending IWO(s) of closed cases not sent (case_closed), left pending:";
    for (int64_t id : r.case_closed_iwos) o << " " << FormatDisplayId("IWO", id);
    o << (r.case_closed > static_cast<int64_t>(r.case_closed_iwos.size()) ? " ..." : "")
      << "\n    end each with `opencse iwo terminate --iwo IWO-ID --reason case_closed --date "
         "DATE`\n";
  }
  if (r.written) o << "  sent with the approval of " << r.approved_by << "\n";
  if (r.written && !r.unverified_fields.empty()) {
    o << "  note: " << r.unverified_fields.size()
      << " field positions are not confirmed in FACTS.md (docs/EIWO.md; --layout FILE)\n";
  }
  return o.str();
}

void AddExport(CLI::App& iwo_cmd, Context& ctx, std::function<int()>& action) {
  auto* cmd = iwo_cmd.add_subcommand(
      "export-eiwo",
      "Write every pending IWO into an e-IWO batch file (file header, one batch per employer, "
      "trailers with counts) and mark them sent");
  auto a = std::make_shared<ExportArgs>();
  cmd->add_option("--out", a->out, "The e-IWO file to write (a new file; see --overwrite)");
  cmd->add_flag("--overwrite", a->overwrite,
                "Replace --out if it exists (the file of an interrupted run, docs/EIWO.md); "
                "without it an existing file is refused: it may hold IWOs already marked sent");
  cmd->add_option("--employer", a->employer, "Only this employer's IWOs (nine-digit FEIN)");
  cmd->add_option("--as-of", a->as_of,
                  "IWOs entered on or before YYYY-MM-DD; the document date (default today)");
  cmd->add_option("--layout", a->layout,
                  "builtin | a layout table file replacing the unverified positions")
      ->capture_default_str();
  cmd->add_option("--state-fips", a->state_fips,
                  "Two-digit state FIPS starting the control numbers (default: the "
                  "iwo.eiwo.state_fips setting)");
  cmd->add_option("--issuing-state", a->issuing_state,
                  "Detail field 1g, the issuing state's full name (default: the "
                  "iwo.eiwo.issuing_state setting)");
  cmd->add_option("--max-details", a->max_details, "At most this many IWOs in the file")
      ->check(CLI::Range(int64_t{1}, iwo::kEiwoDetailsPerFileMax))
      ->capture_default_str();
  cmd->add_flag("--print-layout", a->print_layout,
                "Print the layout table (to copy and edit for --layout FILE) and exit");
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->footer(
      "Control numbers (22 characters: state FIPS + \"000\" + a 17-digit sequence) come from a\n"
      "sequence stored in the database and are never reused: not after a failed write, not on a\n"
      "re-run, not across employers. The file is written to FILE.partial, synced, and renamed\n"
      "in the transaction that marks its IWOs sent. Nothing pending: no file is written.\n"
      "Positions FACTS.md does not confirm are marked `unverified` (see --print-layout).\n"
      "Sending IWOs executes withholding: --user must be an active caseworker or supervisor\n"
      "(user_unknown, role_not_allowed: nothing written), who is recorded as the approver in the\n"
      "audit row eiwo.export; they send only the IWOs of their office's caseload (the others\n"
      "stay pending and are counted as outside_caseload). A closed case's IWOs are not sent\n"
      "(they stay pending, counted as case_closed); its termination notices are.\n"
      "Exit status: 0 written or nothing to do, 1 some IWOs skipped, a bad argument or a user\n"
      "who may not send, 2 a usage error (no --out without --print-layout: out_missing),\n"
      "3 storage.");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      // --out is required unless --print-layout, so checked here, before any value: a usage
      // error (exit 2) as CLI11's missing options (before 2026-12-05 exit 1).
      if (!a->print_layout && a->out.empty()) {
        ctx.Fail(InvalidArgument("out_missing", "--out FILE is required"));
        return kExitUsage;
      }
      auto layouts = formats::LoadEiwoLayouts(a->layout, formats::EiwoDirection::kIwo);
      if (!layouts.ok()) return ctx.Fail(layouts.status().WithContext("--layout"));
      if (a->print_layout) {
        ctx.out() << formats::FormatEiwoLayouts(*layouts);
        return kExitOk;
      }
      if (Status s = CheckOutputPath(ctx.g.db, "--out", a->out, a->overwrite); !s.ok()) {
        return ctx.Fail(s);
      }
      auto day = AsOfThenOpen(ctx, a->as_of);
      if (!day.ok()) return ctx.Fail(day.status());
      auto settings = iwo::LoadIwoSettings(ctx.store());
      if (!settings.ok()) return ctx.Fail(settings.status());
      iwo::EiwoExportOptions o;
      o.out_path = a->out;
      o.employer_fein = a->employer;
      o.as_of = *day;
      o.state_fips = a->state_fips;
      o.issuing_state = a->issuing_state;
      o.details_max = a->max_details;
      auto rep = iwo::ExportEiwo(ctx.store(), ctx.clock(), ctx.g.user, *layouts, *settings, o);
      if (!rep.ok()) return ctx.Fail(rep.status());
      const int code = ctx.Emit(ExportJson(*rep), ExportText(*rep));
      return rep->skipped_count > 0 ? kExitRule : code;
    };
  });
}

Json AckJson(const iwo::AckImportReport& r) {
  Json problems = Json::array();
  for (const formats::AckProblem& p : r.problems) {
    problems.push_back(Json{{"record", p.record_number},
                            {"field", p.field},
                            {"code", p.reason},
                            {"message", p.message}});
  }
  Json applied = Json::array();
  for (const iwo::AckApplied& x : r.applied) {
    applied.push_back(Json{{"record", x.record_number},
                           {"iwo", FormatDisplayId("IWO", x.iwo_id)},
                           {"status", x.status},
                           {"reason_code", x.reason_code},
                           {"reason", x.reason},
                           {"already_recorded", x.already},
                           {"task_created", x.task_created}});
  }
  Json others = Json::array();
  for (const iwo::AckOtherEnded& x : r.other_iwos_ended) {
    Json o = iwo::OtherIwosEndedJson({x.ended}).front();
    o["record"] = x.record_number;
    o["task_created"] = x.task_created;
    others.push_back(std::move(o));
  }
  return Json{{"file", r.file},
              {"file_control_number", r.file_control},
              {"committed", r.committed},
              {"records", r.records},
              {"accepted", r.accepted},
              {"rejected", r.rejected},
              {"ended", r.ended},
              {"already_recorded", r.already},
              {"tasks_created", r.tasks_created},
              {"problems_count", r.problem_count},
              {"applied", applied},
              {"other_iwos_ended_count", r.other_ended},
              {"other_iwos_ended", others},
              {"problems", problems}};
}

std::string AckText(const iwo::AckImportReport& r) {
  std::ostringstream o;
  o << "import eiwo-ack " << r.file << ": " << r.records << " acknowledgment(s), " << r.accepted
    << " accepted, " << r.rejected << " rejected, " << r.ended << " ended by the employer, "
    << r.already << " already recorded, " << r.tasks_created << " task(s) created, "
    << r.problem_count << " problem(s)" << (r.committed ? "\n" : " — nothing was written\n");
  for (const iwo::AckApplied& x : r.applied) {
    o << "  record " << x.record_number << "  " << FormatDisplayId("IWO", x.iwo_id) << "  "
      << x.status << (x.reason_code.empty() ? "" : " " + x.reason_code + " " + x.reason)
      << (x.already ? " (already recorded)" : "") << "\n";
  }
  for (const iwo::AckOtherEnded& x : r.other_iwos_ended) {
    o << "  record " << x.record_number << "  " << FormatDisplayId("IWO", x.ended.iwo.id)
      << "  ended " << x.ended.end_date.ToString() << " with "
      << FormatDisplayId("IWO", x.ended.ended_with)
      << ": the obligor no longer works for this employer"
      << (x.ended.notice ? "; termination notice " + FormatDisplayId("IWO", x.ended.notice->id)
                         : std::string())
      << "\n";
  }
  if (r.other_ended > static_cast<int64_t>(r.other_iwos_ended.size())) {
    o << "  ... " << r.other_ended - static_cast<int64_t>(r.other_iwos_ended.size())
      << " more IWOs ended with them\n";
  }
  for (const formats::AckProblem& p : r.problems) {
    o << "  rejected record " << p.record_number << " field " << p.field << ": " << p.reason << ": "
      << p.message << "\n";
  }
  if (r.problem_count > static_cast<int64_t>(r.problems.size())) {
    o << "  ... " << r.problem_count - static_cast<int64_t>(r.problems.size())
      << " more problems\n";
  }
  return o.str();
}

void AddImportAck(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd =
      Subcommand(app, "import", "Import files")
          .add_subcommand("eiwo-ack",
                          "Apply an employer's e-IWO acknowledgment file: accepted or "
                          "rejected (with reason) IWOs, IWOs the employer terminated (TRM); a "
                          "task for each rejection or termination");
  struct Args {
    std::string file;
    std::string layout = "builtin";
    bool print_layout = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("FILE", a->file, "Acknowledgment file (FHA/BHA/ACK records, trailers)");
  cmd->add_option("--layout", a->layout,
                  "builtin | a layout table file (positions, disposition and reason codes)")
      ->capture_default_str();
  cmd->add_flag("--print-layout", a->print_layout, "Print the layout and reason table and exit");
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->footer(
      "All or nothing, like `import remittance`: any malformed record, or one that matches no\n"
      "IWO sent (by control number, case and employee SSN), and nothing is written; the report\n"
      "names each record, field and reason. Re-importing a file is safe.\n"
      "Exit status: 0 applied, 1 refused (nothing written), an unreadable FILE or --layout\n"
      "table, 2 a usage error (no FILE, an unknown option, an extra argument), 3 storage.");
  cmd->callback([&ctx, &action, a] {
    // FILE is required unless --print-layout: a usage error (exit 2) like any missing argument.
    if (a->file.empty() && !a->print_layout) throw CLI::RequiredError("FILE");
    action = [&ctx, a]() -> int {
      auto layouts = formats::LoadEiwoLayouts(a->layout, formats::EiwoDirection::kAck);
      if (!layouts.ok()) return ctx.Fail(layouts.status().WithContext("--layout"));
      if (a->print_layout) {
        ctx.out() << formats::FormatEiwoLayouts(*layouts);
        return kExitOk;
      }
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto rep = iwo::ImportEiwoAckFile(ctx.store(), ctx.clock(), ctx.g.user, *layouts, a->file);
      if (!rep.ok()) return ctx.Fail(rep.status());
      const int code = ctx.Emit(AckJson(*rep), AckText(*rep));
      return rep->committed ? code : kExitRule;
    };
  });
}

}  // namespace

void AddEiwo(CLI::App& app, Context& ctx, std::function<int()>& action) {
  AddExport(Subcommand(app, "iwo", "Income withholding"), ctx, action);
  AddImportAck(app, ctx, action);
}

}  // namespace cse::cli
