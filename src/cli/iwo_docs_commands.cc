// File: cli/iwo_docs_commands.cc
//
// `opencse iwo pdf IWO-ID --out FILE`: the IWO form as a PDF (original, amended, lump-sum or
// termination variant). See docs/CLI.md "IWO documents".
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/context.h"
#include "iwo/iwo_pdf.h"
#include "iwo/settings.h"

namespace cse::cli {
namespace {

CLI::App& IwoCommand(CLI::App& app) {
  auto found = app.get_subcommands([](const CLI::App* c) { return c->get_name() == "iwo"; });
  if (!found.empty()) return *found.front();
  auto* cmd = app.add_subcommand("iwo", "Income withholding");
  cmd->require_subcommand(1);
  return *cmd;
}

struct PdfArgs {
  std::string iwo;
  std::string out;
  std::string kind;
  std::string lump_sum;
  std::string issuing_state;
  std::string date;
  bool overwrite = false;
};

Result<iwo::IwoDocument> Build(Context& ctx, const PdfArgs& a) {
  ASSIGN_OR_RETURN(int64_t id, ParseDisplayId("IWO", a.iwo));
  ASSIGN_OR_RETURN(Date day, DateOrToday(ctx.clock(), "--date", a.date));
  Money lump;
  if (!a.lump_sum.empty()) {
    ASSIGN_OR_RETURN(lump, MoneyArg("--lump-sum", a.lump_sum));
  }
  RETURN_IF_ERROR(ctx.Open(SqliteStore::OpenMode::kMustExist));
  ASSIGN_OR_RETURN(iwo::IwoSettings settings, iwo::LoadIwoSettings(ctx.store()));
  ASSIGN_OR_RETURN(std::vector<IwoRecord> rows, ctx.store().ListIwos("", id - 1, 1));
  if (rows.empty() || rows.front().id != id) {
    return NotFound("iwo_not_found", "no IWO " + FormatDisplayId("IWO", id));
  }
  auto kind = iwo::ParseIwoKind(a.kind.empty() ? rows.front().kind : a.kind);
  if (!kind.ok()) return kind.status().WithContext("--kind");
  return iwo::BuildIwoDocument(ctx.store(), id, *kind, lump, day, a.issuing_state, settings);
}

void AddIwoPdf(CLI::App& iwo_cmd, Context& ctx, std::function<int()>& action) {
  auto* cmd = iwo_cmd.add_subcommand(
      "pdf", "Write an IWO as the federal Income Withholding for Support form (PDF)");
  auto a = std::make_shared<PdfArgs>();
  cmd->add_option("IWO-ID", a->iwo, "The IWO, e.g. IWO-000001")->required();
  cmd->add_option("--out", a->out, "The PDF file to write (a new file; see --overwrite)")
      ->required();
  cmd->add_flag("--overwrite", a->overwrite, "Replace --out if it exists");
  cmd->add_option("--issuing-state", a->issuing_state,
                  "Field 1g/4: the issuing State/Tribe/Territory's full name")
      ->required();
  cmd->add_option("--kind", a->kind,
                  "original|amended|lump_sum|termination (default: the IWO's own kind). An "
                  "ended IWO prints only as termination (iwo_ended), a termination notice only "
                  "as termination, and an IWO in force never as one (iwo_kind_mismatch)")
      ->check(CLI::IsMember({"original", "amended", "lump_sum", "termination"}));
  cmd->add_option("--lump-sum", a->lump_sum, "Field 14 amount, required with --kind lump_sum");
  cmd->add_option("--date", a->date, "Field 1e, YYYY-MM-DD (default today)");
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.MakeClock(); !s.ok()) return ctx.Fail(s);
      if (Status s = CheckOutputPath(ctx.g.db, "--out", a->out, a->overwrite); !s.ok()) {
        return ctx.Fail(s);
      }
      auto doc = Build(ctx, *a);
      if (!doc.ok()) return ctx.Fail(doc.status());
      if (Status s = iwo::WriteIwoPdf(*doc, a->out); !s.ok()) return ctx.Fail(s);
      return ctx.Emit(
          Json{{"iwo", doc->iwo_id}, {"kind", std::string(iwo::Name(doc->kind))}, {"out", a->out}},
          "wrote " + a->out + " (" + std::string(iwo::Name(doc->kind)) + " IWO " + doc->iwo_id +
              ")\n");
    };
  });
}

}  // namespace

void AddIwoDocuments(CLI::App& app, Context& ctx, std::function<int()>& action) {
  AddIwoPdf(IwoCommand(app), ctx, action);
}

}  // namespace cse::cli
