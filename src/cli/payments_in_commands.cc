// File: cli/payments_in_commands.cc
//
// Payments in by EFT and from the SDU: `opencse import ded FILE` (NACHA CCD+/CTX with X12 DED
// addenda, docs/DED.md) and `opencse import sdu FILE` (SDU batch files, docs/SDU_BATCH.md).
// Both post through the remittance path and hold what identifies no one (docs/CLI.md
// "Employer remittances"). `opencse unidentified resolve|report` (held payments, iwo/held.h) and
// `opencse iwo review confirm|dismiss` (new-hire reviews, iwo/review.h).
#include <CLI/CLI.hpp>

#include <sstream>

#include "cli/commands.h"
#include "cli/context.h"
#include "cli/remittance_report.h"
#include "iwo/held.h"
#include "iwo/payments_in.h"
#include "iwo/review.h"
#include "iwo/settings.h"

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
    "Exit status: 0 imported, 1 refused (nothing written) or an unreadable FILE, 2 a usage\n"
    "error (no FILE, an unknown option or option value, an extra argument), 3 storage.";

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
      return EmitRemittanceImport(
          ctx, iwo::ImportDedFile(ctx.store(), ctx.clock(), ctx.g.user, a->file, options),
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
      return EmitRemittanceImport(ctx, rep, "import sdu",
                                  Json{{"batch_id", header.batch_id},
                                       {"declared_count", header.count},
                                       {"declared_total", header.total.ToString()}});
    };
  });
}

void AddUnidentifiedResolve(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd =
      Existing(app, "unidentified", "Unidentified payments held (money never dropped)")
          .add_subcommand("resolve",
                          "Post a held payment to a case (or record its refund), marking it "
                          "resolved with who, when and why");
  struct Args {
    int64_t id = 0;
    std::string case_id;
    std::string obligor;
    bool refund = false;
    bool force = false;
    std::string reason;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("ID", a->id, "The held payment's id (`opencse unidentified list`)")
      ->required()
      ->check(WholeNumberAtLeast(1));
  auto* c = cmd->add_option("--case", a->case_id, "Post to this case (CASE-000042)");
  auto* o = cmd->add_option("--obligor", a->obligor,
                            "Post to this obligor's open case with the lowest id (PRS-000007)");
  auto* r =
      cmd->add_flag("--refund", a->refund, "The money was returned to the payer: post nothing");
  c->excludes(o)->excludes(r);
  o->excludes(r);
  cmd->add_flag("--force", a->force,
                "Post even though the held line's SSN is not the one on file for the case's "
                "obligor (say why in --reason)")
      ->excludes(r);
  cmd->add_option("--reason", a->reason, "Why (required; kept with the row and the audit trail)")
      ->required();
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->footer(
      "One transaction: the posting (keyed by the held line's own key, so never twice), the\n"
      "row marked resolved, the audit row. A payment already resolved is refused and nothing\n"
      "changes. A held line with an SSN is refused (ssn_case_mismatch) for a case whose obligor\n"
      "has another SSN on file, unless --force. Exit status: 0 resolved, 1 refused or a bad\n"
      "value (--case, --obligor), 2 a usage error (no ID or --reason, an unknown option), 3\n"
      "storage.");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      iwo::ResolveRequest req;
      req.payment_id = a->id;
      req.refund = a->refund;
      req.force = a->force;
      req.reason = a->reason;
      if (!a->case_id.empty()) {
        auto id = IdArg<CaseId>("--case", "CASE", a->case_id);
        if (!id.ok()) return ctx.Fail(id.status());
        req.case_id = *id;
      }
      if (!a->obligor.empty()) {
        auto id = IdArg<PersonId>("--obligor", "PRS", a->obligor);
        if (!id.ok()) return ctx.Fail(id.status());
        req.obligor = *id;
      }
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto res = iwo::ResolveHeldPayment(ctx.store(), ctx.clock(), ctx.g.user, req);
      if (!res.ok()) return ctx.Fail(res.status());
      const UnidentifiedResolution& d = res->resolution;
      Json j{{"id", res->payment.id},
             {"key", res->payment.key},
             {"amount", res->payment.amount.ToString()},
             {"status", "resolved"},
             {"resolution", d.resolution},
             {"case_id", d.case_id.value == 0 ? Json(nullptr) : Json(CaseDisplayId(d.case_id))},
             {"collection_key", d.collection_key},
             {"resolved_by", d.resolved_by},
             {"resolved_at", d.resolved_at},
             {"reason", d.reason}};
      std::ostringstream out;
      out << "resolved unidentified payment " << res->payment.id << " (" << res->payment.key << ", "
          << res->payment.amount.ToString() << "): ";
      if (res->posting) {
        j["collection_id"] = res->posting->id.value;
        j["posting"] = res->posting->outcome == PostOutcome::kCreated ? "created" : "exists";
        out << "posted to " << CaseDisplayId(d.case_id) << " as payment " << res->posting->id.value
            << "\n";
        if (res->posting->outcome == PostOutcome::kCreated) {
          // The enforcement workflow reacts to the money as to any payment posted.
          PaymentRequest posted{d.collection_key, d.case_id, res->payment.amount,
                                res->payment.pay_date, PaymentSource::kWithholding};
          out << AddBulkPaymentEvents(ctx, {posted}, j);
        }
      } else {
        out << "refunded, nothing posted\n";
      }
      return ctx.Emit(j, out.str());
    };
  });
}

void AddUnidentifiedReport(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd =
      Existing(app, "unidentified", "Unidentified payments held (money never dropped)")
          .add_subcommand("report", "Totals held by age: 0-30, 31-60, 61-90 and over 90 days");
  auto as_of = std::make_shared<std::string>();
  cmd->add_option("--as-of", *as_of, "Age as of YYYY-MM-DD (default today)");
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->callback([&ctx, &action, as_of] {
    action = [&ctx, as_of]() -> int {
      auto day = AsOfThenOpen(ctx, *as_of);
      if (!day.ok()) return ctx.Fail(day.status());
      auto rep = iwo::BuildHeldAgingReport(ctx.store(), *day);
      if (!rep.ok()) return ctx.Fail(rep.status());
      Json buckets = Json::array();
      std::ostringstream o;
      o << "unidentified payments held as of " << day->ToString() << ": " << rep->count
        << ", total " << rep->total.ToString() << ", oldest " << rep->oldest_days << " days\n";
      for (const iwo::AgingBucket& b : rep->buckets) {
        buckets.push_back(
            Json{{"days", b.label}, {"count", b.count}, {"total", b.total.ToString()}});
        o << "  " << Pad(std::string(b.label) + " days", 14) << Pad(std::to_string(b.count), 8)
          << b.total.ToString() << "\n";
      }
      return ctx.Emit(Json{{"as_of", day->ToString()},
                           {"count", rep->count},
                           {"total", rep->total.ToString()},
                           {"oldest_days", rep->oldest_days},
                           {"buckets", buckets}},
                      o.str());
    };
  });
}

void AddReviewDecisions(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* review = Existing(app, "iwo", "Income withholding")
                     .add_subcommand("review", "Decide a new-hire review (`opencse iwo reviews`)");
  review->require_subcommand(1);
  struct Args {
    int64_t id = 0;
    std::string reason;
  };
  auto confirm_args = std::make_shared<Args>();
  auto* confirm = review->add_subcommand(
      "confirm",
      "Confirm the name + date of birth match: record the employment and issue the IWO exactly "
      "as an exact-SSN match would (a candidate with no SSN gets the reported one)");
  confirm->add_option("ID", confirm_args->id, "The review's id")
      ->required()
      ->check(WholeNumberAtLeast(1));
  confirm->add_option("--reason", confirm_args->reason, "Why (optional)");
  confirm->add_flag("--json", ctx.g.json, "Print JSON");
  confirm->footer(
      "A review already confirmed or dismissed is refused; nothing changes. So is a candidate "
      "with another SSN on file (review_ssn_conflict) or a reported SSN another person has "
      "(ssn_in_use).");
  auto dismiss_args = std::make_shared<Args>();
  auto* dismiss = review->add_subcommand("dismiss", "Dismiss the match: nothing is acted on");
  dismiss->add_option("ID", dismiss_args->id, "The review's id")
      ->required()
      ->check(WholeNumberAtLeast(1));
  dismiss->add_option("--reason", dismiss_args->reason, "Why (required)")->required();
  dismiss->add_flag("--json", ctx.g.json, "Print JSON");
  dismiss->footer("A review already confirmed or dismissed is refused; nothing changes.");
  auto emit = [](Context& c, const iwo::ReviewDecisionResult& r) {
    Json iwos = Json::array();
    std::ostringstream o;
    o << "review " << r.review.id << " " << r.decision.status << " by " << r.decision.decided_by
      << "\n";
    if (r.ssn_recorded) {
      o << "  recorded the reported SSN (ending "
        << r.review.reported_ssn.substr(r.review.reported_ssn.size() - 4) << ") on "
        << PersonDisplayId(r.review.candidate) << "\n";
    }
    for (const iwo::IssuedIwo& i : r.report.iwos) {
      iwos.push_back(Json{{"iwo_id", FormatDisplayId("IWO", i.iwo_id)},
                          {"case_id", CaseDisplayId(i.case_id)},
                          {"due_date", i.due_date.ToString()}});
      o << "  issued " << FormatDisplayId("IWO", i.iwo_id) << " for " << CaseDisplayId(i.case_id)
        << ", due " << i.due_date.ToString() << "\n";
    }
    return c.Emit(Json{{"id", r.review.id},
                       {"status", r.decision.status},
                       {"decided_by", r.decision.decided_by},
                       {"decided_at", r.decision.decided_at},
                       {"reason", r.decision.reason},
                       {"employments_created", r.report.employments_created},
                       {"ssn_recorded", r.ssn_recorded},
                       {"iwos", iwos}},
                  o.str());
  };
  confirm->callback([&ctx, &action, confirm_args, emit] {
    action = [&ctx, confirm_args, emit]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto settings = iwo::LoadIwoSettings(ctx.store());
      if (!settings.ok()) return ctx.Fail(settings.status());
      iwo::NewHireOptions options;  // as `import newhire` with its defaults
      options.iwo_due_business_days = settings->due_business_days;
      auto res = iwo::ConfirmNewHireReview(
          ctx.store(), ctx.clock(), ctx.g.user, confirm_args->id, confirm_args->reason,
          iwo::BusinessCalendar(settings->state_holidays), options);
      if (!res.ok()) return ctx.Fail(res.status());
      return emit(ctx, *res);
    };
  });
  dismiss->callback([&ctx, &action, dismiss_args, emit] {
    action = [&ctx, dismiss_args, emit]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto res = iwo::DismissNewHireReview(ctx.store(), ctx.clock(), ctx.g.user, dismiss_args->id,
                                           dismiss_args->reason);
      if (!res.ok()) return ctx.Fail(res.status());
      return emit(ctx, *res);
    };
  });
}

}  // namespace

void AddPaymentsIn(CLI::App& app, Context& ctx, std::function<int()>& action) {
  AddImportDed(app, ctx, action);
  AddImportSdu(app, ctx, action);
  AddUnidentifiedResolve(app, ctx, action);
  AddUnidentifiedReport(app, ctx, action);
  AddReviewDecisions(app, ctx, action);
}

}  // namespace cse::cli
