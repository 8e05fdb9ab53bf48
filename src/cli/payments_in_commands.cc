// File: cli/payments_in_commands.cc
//
// Payments in by EFT and from the SDU: `opencse import ded FILE` (NACHA CCD+/CTX with X12 DED
// addenda, docs/DED.md) and `opencse import sdu FILE` (SDU batch files, docs/SDU_BATCH.md).
// Both post through the remittance path and hold what identifies no one (docs/CLI.md
// "Employer remittances").
#include <CLI/CLI.hpp>

#include <sstream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/remittance_report.h"
#include "iwo/payments_in.h"

namespace cse::cli {
namespace {

// The existing subcommand `name` of `app` (AddImport, AddRemittance and AddIwo create them).
CLI::App& Existing(CLI::App& app, const std::string& name, const std::string& help) {
  auto found = app.get_subcommands([&](const CLI::App* c) { return c->get_name() == name; });
  if (!found.empty()) return *found.front();
  auto* cmd = app.add_subcommand(name, help);
  cmd->require_subcommand(1);
  return *cmd;
}

constexpr const char* kAllOrNothingFooter =
    "The file is one transaction: any malformed record (named with its line number and\n"
    "field), failed control total or refused line, and nothing is written. Re-importing a\n"
    "file is safe: each line's key is posted or held once. Lines matching no case are held as\n"
    "unidentified payments (`opencse unidentified list`).\n"
    "Exit status: 0 imported, 1 refused (nothing written) or a bad argument, 3 storage.";

int EmitImport(Context& ctx, const Result<iwo::RemittanceReport>& rep, const std::string& cmd,
               Json extra = Json::object()) {
  if (!rep.ok()) return ctx.Fail(rep.status());
  Json j = RemittanceReportJson(*rep);
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
  const int code = ctx.Emit(j, RemittanceReportText(*rep, cmd));
  return rep->committed ? code : kExitRule;
}

void AddImportDed(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = Existing(app, "import", "Import files")
                  .add_subcommand("ded",
                                  "Post employer EFT child support payments: a NACHA ACH file "
                                  "(CCD+ or CTX) with X12 DED addenda (docs/DED.md)");
  struct Args {
    std::string file;
    std::string amount_format = "cents";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("FILE", a->file, "ACH file: 94-character records 1,5,6,7,8,9")->required();
  cmd->add_option("--amount-format", a->amount_format,
                  "DED04 amount: cents = implied cents \"0000012500\" (unverified default), "
                  "decimal = \"125.00\"")
      ->check(CLI::IsMember({"cents", "decimal"}))
      ->capture_default_str();
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->footer(std::string("Keys: DED-<FEIN>-<effective date>-<trace number>-<n>.\n") +
              kAllOrNothingFooter);
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      formats::DedOptions options;
      options.amount_format = a->amount_format == "decimal"
                                  ? formats::DedAmountFormat::kDecimal
                                  : formats::DedAmountFormat::kImpliedCents;
      return EmitImport(ctx,
                        iwo::ImportDedFile(ctx.store(), ctx.clock(), ctx.g.user, a->file, options),
                        "import ded");
    };
  });
}

void AddImportSdu(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = Existing(app, "import", "Import files")
                  .add_subcommand("sdu",
                                  "Post an SDU batch file (header with batch id, count and "
                                  "total; detail lines; trailer: docs/SDU_BATCH.md)");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file,
                  "H|batch_id|deposit_date|count|total, "
                  "D|seq|employer_fein|pay_date|ssn|case_id|amount ..., T|batch_id|count")
      ->required();
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->footer(std::string("A batch whose count or total does not match its detail lines is "
                          "refused whole.\nKeys: SDU-<batch_id>-<seq>.\n") +
              kAllOrNothingFooter);
  cmd->callback([&ctx, &action, file] {
    action = [&ctx, file]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      formats::SduHeader header;
      auto rep = iwo::ImportSduFile(ctx.store(), ctx.clock(), ctx.g.user, *file, &header);
      return EmitImport(ctx, rep, "import sdu",
                        Json{{"batch_id", header.batch_id},
                             {"declared_count", header.count},
                             {"declared_total", header.total.ToString()}});
    };
  });
}

}  // namespace

void AddPaymentsIn(CLI::App& app, Context& ctx, std::function<int()>& action) {
  AddImportDed(app, ctx, action);
  AddImportSdu(app, ctx, action);
}

}  // namespace cse::cli
