// File: cli/iwo_commands.cc
//
// `opencse iwo allocate` (the withholding calculator for caseworkers and employers; needs no
// database), `opencse import newhire` (new-hire file → employment and IWOs), `opencse iwo list`
// and `opencse iwo reviews`. See docs/CLI.md "Income withholding and new hires".
#include <CLI/CLI.hpp>

#include <sstream>

#include "cli/commands.h"
#include "cli/context.h"
#include "formats/newhire.h"
#include "iwo/iwo_terminate.h"
#include "iwo/newhire.h"
#include "iwo/offset.h"
#include "iwo/settings.h"
#include "iwo/withholding.h"

namespace cse::cli {
namespace {

Result<bool> YesNoArg(const std::string& flag, const std::string& text) {
  if (text == "yes") return true;
  if (text == "no") return false;
  return InvalidArgument("yes_no_invalid", flag + " '" + text + "': expected yes|no");
}

// "100.00:50.00": current support and arrears per pay period, either may be 0.
Result<iwo::OrderDemand> OrderArg(size_t index, const std::string& text) {
  const std::string flag = "--order #" + std::to_string(index + 1);
  const size_t colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos) {
    return InvalidArgument("order_malformed",
                           flag + " '" + text + "': expected CURRENT:ARREARS, e.g. 100.00:50.00");
  }
  iwo::OrderDemand d;
  ASSIGN_OR_RETURN(d.current,
                   MoneyArg(flag + " current", text.substr(0, colon), SignPolicy::kNonNegative));
  ASSIGN_OR_RETURN(d.arrears,
                   MoneyArg(flag + " arrears", text.substr(colon + 1), SignPolicy::kNonNegative));
  return d;
}

struct AllocateArgs {
  std::string disposable;
  std::string second_family;
  std::string arrears_over_12_weeks;
  std::string method = "prorate";
  std::vector<std::string> orders;
  int32_t state_cap_bps = 10'000;
};

Result<iwo::AllocationRequest> BuildRequest(const AllocateArgs& a) {
  iwo::AllocationRequest r;
  ASSIGN_OR_RETURN(r.disposable, MoneyArg("--disposable", a.disposable, SignPolicy::kNonNegative));
  ASSIGN_OR_RETURN(bool second, YesNoArg("--supports-second-family", a.second_family));
  ASSIGN_OR_RETURN(bool aged, YesNoArg("--arrears-over-12-weeks", a.arrears_over_12_weeks));
  r.second_family = second ? iwo::SecondFamily::kYes : iwo::SecondFamily::kNo;
  r.arrears_over_12_weeks = aged ? iwo::ArrearsOver12Weeks::kYes : iwo::ArrearsOver12Weeks::kNo;
  auto method = iwo::ParseAllocationMethod(a.method);
  if (!method.ok()) return method.status().WithContext("--method");
  r.method = *method;
  r.limits.state_cap_bps = a.state_cap_bps;
  for (size_t i = 0; i < a.orders.size(); ++i) {
    ASSIGN_OR_RETURN(iwo::OrderDemand d, OrderArg(i, a.orders[i]));
    r.orders.push_back(d);
  }
  return r;
}

std::string AllocationText(const iwo::Allocation& al, const iwo::AllocationRequest& r) {
  std::ostringstream o;
  o << "limit " << al.limit.ToString();
  if (al.current_limit < al.limit) {
    o << " (current support at most " << al.current_limit.ToString()
      << "; the extra 5 points are for arrears only)";
  }
  o << "  withheld " << al.total.ToString() << "  (" << Name(r.method) << ")\n";
  Money asked;
  for (size_t i = 0; i < al.orders.size(); ++i) {
    const iwo::OrderShare& s = al.orders[i];
    asked += r.orders[i].current + r.orders[i].arrears;
    o << "  order " << Pad(std::to_string(i + 1), 4) << "current " << Pad(s.current.ToString(), 10)
      << "arrears " << Pad(s.arrears.ToString(), 10) << "of " << r.orders[i].current.ToString()
      << ":" << r.orders[i].arrears.ToString() << "\n";
  }
  if (asked > al.total) {
    o << "  not withheld (the employee's responsibility): " << (asked - al.total).ToString()
      << "\n";
  }
  return o.str();
}

void AddAllocate(CLI::App& iwo_cmd, Context& ctx, std::function<int()>& action) {
  auto* cmd = iwo_cmd.add_subcommand(
      "allocate",
      "Withholding limit (CCPA, 15 USC 1673(b)) and its allocation among several orders of one "
      "employee (45 CFR 303.100(a)(5)); no database needed");
  auto a = std::make_shared<AllocateArgs>();
  cmd->add_option("--disposable", a->disposable,
                  "Disposable earnings for the pay period, e.g. 850.00")
      ->required();
  cmd->add_option("--supports-second-family", a->second_family,
                  "yes|no: supports a spouse or child not covered by the orders (50% vs 60%)")
      ->required();
  cmd->add_option("--arrears-over-12-weeks", a->arrears_over_12_weeks,
                  "yes|no: arrears older than 12 weeks (+5 points: 55% / 65%, for arrears only)")
      ->required();
  cmd->add_option("--method", a->method,
                  "prorate (arrears by share of arrears: MI, CA) | equal (equal arrears shares: "
                  "TX); current support is always prorated first")
      ->capture_default_str();
  cmd->add_option("--order", a->orders,
                  "CURRENT:ARREARS per pay period (same period as --disposable), repeatable, in "
                  "order")
      ->required();
  cmd->add_option("--state-cap-bps", a->state_cap_bps,
                  "A lower state cap in basis points of disposable earnings (e.g. 5000 = 50%)")
      ->capture_default_str();
  cmd->add_flag("--json", ctx.g.json, "Print JSON: {limit, total, orders: [{current, arrears}]}");
  cmd->footer(
      "Example (Texas OAG multiple-orders example 1):\n"
      "  opencse iwo allocate --disposable 850.00 --supports-second-family yes \\\n"
      "    --arrears-over-12-weeks no --method equal \\\n"
      "    --order 100.00:50.00 --order 200.00:50.00 --order 50.00:25.00 --json\n"
      "Amounts are decimal strings; rounding: the limit down to the cent, shares by largest\n"
      "remainder (prorate) or whole-cent equal shares, leftover cents to the orders listed first.");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto request = BuildRequest(*a);
      if (!request.ok()) return ctx.Fail(request.status());
      auto al = iwo::Allocate(*request);
      if (!al.ok()) return ctx.Fail(al.status());
      Json orders = Json::array();
      for (const iwo::OrderShare& s : al->orders) {
        orders.push_back(
            Json{{"current", s.current.ToString()}, {"arrears", s.arrears.ToString()}});
      }
      return ctx.Emit(
          Json{
              {"limit", al->limit.ToString()}, {"total", al->total.ToString()}, {"orders", orders}},
          AllocationText(*al, *request));
    };
  });
}

std::string IwoDisplayId(int64_t id) { return FormatDisplayId("IWO", id); }

Json PerPeriodJson(const IwoRecord& r, const iwo::ConversionRule& rule) {
  Json j = Json::object();
  for (PayCycle c :
       {PayCycle::kWeekly, PayCycle::kBiweekly, PayCycle::kSemimonthly, PayCycle::kMonthly}) {
    j[std::string(Name(c))] = {
        {"current", iwo::PerPayPeriod(r.current_monthly, c, rule).ToString()},
        {"arrears", iwo::PerPayPeriod(r.arrears_monthly, c, rule).ToString()}};
  }
  return j;
}

Json IwoJson(const IwoRecord& r, Date today, const iwo::ConversionRule& rule) {
  return Json{{"id", IwoDisplayId(r.id)},
              {"case_id", CaseDisplayId(r.case_id)},
              {"obligor_id", PersonDisplayId(r.obligor)},
              {"employer_id", FormatDisplayId("EMP", r.employer.value)},
              {"kind", r.kind},
              {"status", r.status},
              {"source", r.source},
              {"entry_date", r.entry_date.ToString()},
              {"due_date", r.due_date.ToString()},
              {"sent_date", r.sent_date ? Json(r.sent_date->ToString()) : Json(nullptr)},
              {"overdue", r.status == "pending" && r.due_date < today},
              {"current_monthly", r.current_monthly.ToString()},
              {"arrears_monthly", r.arrears_monthly.ToString()},
              {"arrears_over_12_weeks", r.arrears_over_12_weeks},
              {"per_pay_period", PerPeriodJson(r, rule)},
              {"control_number", r.control_number.empty() ? Json(nullptr) : Json(r.control_number)},
              {"ack_date", r.ack_date ? Json(r.ack_date->ToString()) : Json(nullptr)},
              {"ack_reason_code", r.ack_reason_code},
              {"ack_reason", r.ack_reason}};
}

// An ended IWO's end (end_date, end_reason, end_note) and a termination notice's IWO
// (terminates) into `j`; answers the same for the text line.
Result<std::string> EndJson(Store& store, const IwoRecord& r, Json& j) {
  std::string text;
  if (r.status == "ended") {
    ASSIGN_OR_RETURN(std::optional<Store::IwoEnd> end, store.GetIwoEnd(r.id));
    if (end) {
      j["end_date"] = end->end_date.ToString();
      j["end_reason"] = end->reason;
      j["end_note"] = end->note;
      text = "  ended " + end->end_date.ToString() + " " + end->reason;
    }
  }
  if (r.kind == "termination") {
    ASSIGN_OR_RETURN(std::optional<int64_t> ends, store.FindIwoTerminated(r.id));
    if (ends) {
      j["terminates"] = IwoDisplayId(*ends);
      text = "  terminates " + IwoDisplayId(*ends);
    }
  }
  return text;
}

void AddList(CLI::App& iwo_cmd, Context& ctx, std::function<int()>& action) {
  auto* cmd = iwo_cmd.add_subcommand(
      "list", "List IWOs with their deadline (due 2 business days after the new-hire entry)");
  struct Args {
    std::string status;
    bool overdue = false;
    int64_t after = 0;
    int64_t limit = 100;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--status", a->status, "pending|sent|accepted|rejected|ended (default all)")
      ->check(CLI::IsMember({"pending", "sent", "accepted", "rejected", "ended"}));
  cmd->add_flag("--overdue", a->overdue, "Only pending IWOs past their due date");
  cmd->add_option("--after", a->after, "Start after this IWO number (paging)");
  cmd->add_option("--limit", a->limit, "At most this many rows")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000}))
      ->capture_default_str();
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      const Date today = ctx.clock().Today();
      auto settings = iwo::LoadIwoSettings(ctx.store());
      if (!settings.ok()) return ctx.Fail(settings.status());
      const std::string status = a->overdue ? "pending" : a->status;
      Json rows = Json::array();
      std::ostringstream o;
      int64_t after = a->after;
      // Pages through the store until `limit` rows pass the filter (overdue is not indexed).
      while (static_cast<int64_t>(rows.size()) < a->limit) {
        auto page = ctx.store().ListIwos(status, after, a->limit);
        if (!page.ok()) return ctx.Fail(page.status());
        if (page->empty()) break;
        after = page->back().id;
        for (const IwoRecord& r : *page) {
          if (a->overdue && !(r.due_date < today)) continue;
          if (static_cast<int64_t>(rows.size()) >= a->limit) break;
          rows.push_back(IwoJson(r, today, settings->conversion));
          auto ends = EndJson(ctx.store(), r, rows.back());
          if (!ends.ok()) return ctx.Fail(ends.status());
          o << IwoDisplayId(r.id) << "  " << CaseDisplayId(r.case_id) << "  "
            << PersonDisplayId(r.obligor) << "  " << FormatDisplayId("EMP", r.employer.value)
            << "  " << Pad(r.status, 8) << "due " << r.due_date.ToString()
            << (r.status == "pending" && r.due_date < today ? " OVERDUE" : "") << "  current "
            << r.current_monthly.ToString() << "/month  arrears " << r.arrears_monthly.ToString()
            << "/month  arrears>12wk " << (r.arrears_over_12_weeks ? "yes" : "no")
            << (r.control_number.empty() ? "" : "  control " + r.control_number)
            << (r.ack_reason_code.empty() ? ""
                                          : "  reason " + r.ack_reason_code + " " + r.ack_reason)
            << *ends << "\n";
        }
      }
      if (rows.empty()) o << "(no IWOs)\n";
      return ctx.Emit(Json{{"iwos", rows}}, o.str());
    };
  });
}

void AddReviews(CLI::App& iwo_cmd, Context& ctx, std::function<int()>& action) {
  auto* cmd = iwo_cmd.add_subcommand(
      "reviews", "New-hire reports matched by name and date of birth only, awaiting a caseworker");
  struct Args {
    std::string status = "open";
    int64_t limit = 100;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--status", a->status, "open|confirmed|dismissed")
      ->check(CLI::IsMember({"open", "confirmed", "dismissed"}))
      ->capture_default_str();
  cmd->add_option("--limit", a->limit, "At most this many rows")
      ->check(CLI::Range(int64_t{1}, int64_t{10'000}))
      ->capture_default_str();
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto rows = ctx.store().ListNewHireReviews(a->status, 0, a->limit);
      if (!rows.ok()) return ctx.Fail(rows.status());
      Json j = Json::array();
      std::ostringstream o;
      for (const NewHireReview& r : *rows) {
        j.push_back(Json{
            {"id", r.id},
            {"file", r.file},
            {"record", r.record_number},
            {"candidate_id", PersonDisplayId(r.candidate)},
            {"reported_ssn_last4", r.reported_ssn.substr(r.reported_ssn.size() - 4)},
            {"reported_name", r.reported_name},
            {"reported_dob", r.reported_dob ? Json(r.reported_dob->ToString()) : Json(nullptr)},
            {"employer_id", FormatDisplayId("EMP", r.employer.value)},
            {"hire_date", r.hire_date.ToString()},
            {"status", r.status}});
        o << "review " << r.id << "  " << r.file << " record " << r.record_number << "  "
          << r.reported_name << "  candidate " << PersonDisplayId(r.candidate) << "  employer "
          << FormatDisplayId("EMP", r.employer.value) << "  hired " << r.hire_date.ToString()
          << "\n";
      }
      if (rows->empty()) o << "(no reviews)\n";
      return ctx.Emit(Json{{"reviews", j}}, o.str());
    };
  });
}

struct NewHireArgs {
  std::string file;
  std::string layout = "w4";
  int64_t batch_records = iwo::NewHireOptions{}.batch_records;
  std::string pay_cycle = "biweekly";
  bool print_layout = false;
};

Json ReportJson(const iwo::NewHireReport& rep, const NewHireArgs& a,
                const formats::RecordLayout& layout) {
  Json iwos = Json::array();
  for (const iwo::IssuedIwo& i : rep.iwos) {
    iwos.push_back(Json{{"id", IwoDisplayId(i.iwo_id)},
                        {"record", i.record_number},
                        {"case_id", CaseDisplayId(i.case_id)},
                        {"obligor_id", PersonDisplayId(i.obligor)},
                        {"employer_fein", i.employer_fein},
                        {"due_date", i.due_date.ToString()},
                        {"current_monthly", i.current_monthly.ToString()},
                        {"arrears_monthly", i.arrears_monthly.ToString()},
                        {"arrears_over_12_weeks", i.arrears_over_12_weeks}});
  }
  Json rejections = Json::array();
  for (const formats::RecordRejection& r : rep.rejections) {
    rejections.push_back(Json{{"record", r.record_number},
                              {"field", r.field},
                              {"code", r.reason},
                              {"message", r.message}});
  }
  return Json{{"file", a.file},
              {"layout", layout.name},
              {"unverified_fields", layout.UnverifiedFields()},
              {"lines", rep.counts.lines},
              {"records", rep.counts.records + rep.counts.rejected},
              {"rejected", rep.counts.rejected},
              {"matched", rep.matched},
              {"review", rep.review},
              {"unmatched", rep.unmatched},
              {"no_order", rep.no_order},
              {"iwo_already_active", rep.iwo_already},
              {"iwo_previously_ended", rep.iwo_previously_ended},
              {"employers_created", rep.employers_created},
              {"employments_created", rep.employments_created},
              {"iwos_issued", rep.iwos_issued},
              {"entry_date", rep.entry_date.ToString()},
              {"due_date", rep.due_date.ToString()},
              {"iwos", iwos},
              {"rejections", rejections}};
}

std::string ReportText(const iwo::NewHireReport& rep, const NewHireArgs& a,
                       const formats::RecordLayout& layout) {
  std::ostringstream o;
  o << "import newhire " << a.file << " (layout " << layout.name
    << "): " << rep.counts.records + rep.counts.rejected << " records, " << rep.matched
    << " matched, " << rep.review << " review, " << rep.unmatched << " unmatched, "
    << rep.counts.rejected << " rejected\n";
  const auto unverified = layout.UnverifiedFields();
  if (!unverified.empty()) {
    o << "  note: positions not confirmed in FACTS.md (configurable with --layout FILE):";
    for (const std::string& f : unverified) o << " " << f;
    o << "\n";
  }
  o << "  IWOs issued " << rep.iwos_issued << " (due " << rep.due_date.ToString() << ", "
    << rep.due_business_days << " business days after entry " << rep.entry_date.ToString()
    << "); no order " << rep.no_order << "; IWO already active " << rep.iwo_already
    << "; IWO previously ended or rejected " << rep.iwo_previously_ended << "; employers created "
    << rep.employers_created << "; employments recorded " << rep.employments_created << "\n";
  for (const iwo::IssuedIwo& i : rep.iwos) {
    o << "  " << IwoDisplayId(i.iwo_id) << "  record " << Pad(std::to_string(i.record_number), 6)
      << CaseDisplayId(i.case_id) << "  " << PersonDisplayId(i.obligor) << "  FEIN "
      << i.employer_fein << "  due " << i.due_date.ToString() << "  current "
      << i.current_monthly.ToString() << "/month  arrears " << i.arrears_monthly.ToString()
      << "/month  arrears>12wk " << (i.arrears_over_12_weeks ? "yes" : "no") << "\n";
  }
  if (rep.iwos_issued > static_cast<int64_t>(rep.iwos.size())) {
    o << "  ... " << rep.iwos_issued - static_cast<int64_t>(rep.iwos.size())
      << " more: opencse iwo list\n";
  }
  for (const formats::RecordRejection& r : rep.rejections) {
    o << "  rejected record " << r.record_number << " field " << r.field << ": " << r.reason << ": "
      << r.message << "\n";
  }
  if (rep.counts.rejected > static_cast<int64_t>(rep.rejections.size())) {
    o << "  ... " << rep.counts.rejected - static_cast<int64_t>(rep.rejections.size())
      << " more rejections (use --json for the first " << iwo::kReportItemsMax << ")\n";
  }
  return o.str();
}

CLI::App& ImportCommand(CLI::App& app) {
  auto found = app.get_subcommands([](const CLI::App* c) { return c->get_name() == "import"; });
  if (!found.empty()) return *found.front();
  auto* cmd = app.add_subcommand("import", "Import files");
  cmd->require_subcommand(1);
  return *cmd;
}

void AddImportNewHire(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = ImportCommand(app).add_subcommand(
      "newhire",
      "Match a new-hire file to obligors; record employment and issue IWOs due in 2 business "
      "days (docs/CLI.md)");
  auto a = std::make_shared<NewHireArgs>();
  cmd->add_option("FILE", a->file, "New-hire file, one record per line");
  cmd->add_option("--layout", a->layout,
                  "w4 (federal W-4, 801 bytes, H4 header first) | state (\"XX Newhire Record\") | "
                  "a layout table file")
      ->capture_default_str();
  cmd->add_option("--batch-records", a->batch_records, "Records per transaction")
      ->check(CLI::Range(int64_t{1}, iwo::kNewHireBatchRecordsMax))
      ->capture_default_str();
  cmd->add_option("--pay-cycle", a->pay_cycle,
                  "Pay cycle recorded on new employment until the employer reports it")
      ->check(CLI::IsMember({"weekly", "biweekly", "semimonthly", "monthly"}))
      ->capture_default_str();
  cmd->add_flag("--print-layout", a->print_layout,
                "Print the layout table (to copy and edit for --layout FILE) and exit");
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->footer(
      "Exit status: 0 every record read, 1 some records rejected (the others were processed) or\n"
      "a bad argument, 2 a usage error (no FILE without --print-layout: file_missing),\n"
      "3 storage. Re-running a file is safe: nothing is recorded twice.");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      // FILE is required unless --print-layout, so checked here, before any value: a usage
      // error (exit 2) as CLI11's missing arguments (before 2026-12-05 exit 1).
      if (!a->print_layout && a->file.empty()) {
        ctx.Fail(InvalidArgument("file_missing", "FILE is required"));
        return kExitUsage;
      }
      auto layout = formats::LoadNewHireLayout(a->layout);
      if (!layout.ok()) return ctx.Fail(layout.status().WithContext("--layout"));
      if (a->print_layout) {
        ctx.out() << formats::FormatLayout(*layout);
        return kExitOk;
      }
      auto parser = formats::NewHireParser::Create(*layout);
      if (!parser.ok()) return ctx.Fail(parser.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto settings = iwo::LoadIwoSettings(ctx.store());
      if (!settings.ok()) return ctx.Fail(settings.status());
      iwo::NewHireOptions options;
      options.file_label = a->file;
      options.batch_records = a->batch_records;
      options.assumed_pay_cycle = *ParsePayCycle(a->pay_cycle);
      options.iwo_due_business_days = settings->due_business_days;
      iwo::NewHireImporter importer(ctx.store(), ctx.clock(), ctx.g.user,
                                    iwo::BusinessCalendar(settings->state_holidays));
      auto rep = importer.ImportFile(a->file, *parser, options);
      if (!rep.ok()) return ctx.Fail(rep.status());
      const int code = ctx.Emit(ReportJson(*rep, *a, *layout), ReportText(*rep, *a, *layout));
      return rep->counts.rejected > 0 ? kExitRule : code;
    };
  });
}

void AddOffset(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("offset", "Federal tax refund offset (FACTS §5)");
  cmd->require_subcommand(1);
  auto* certify = cmd->add_subcommand(
      "certify",
      "List every obligor meeting the federal tax offset thresholds ($150 assigned, $500 "
      "non-assigned), amounts kept separate; writes nothing");
  auto as_of = std::make_shared<std::string>();
  certify->add_option("--as-of", *as_of, "Arrears as of YYYY-MM-DD (default today)");
  certify->add_flag("--json", ctx.g.json, "Print JSON");
  certify->callback([&ctx, &action, as_of] {
    action = [&ctx, as_of]() -> int {
      auto day = AsOfThenOpen(ctx, *as_of);
      if (!day.ok()) return ctx.Fail(day.status());
      auto list = iwo::BuildOffsetCertification(ctx.store(), *day);
      if (!list.ok()) return ctx.Fail(list.status());
      Json rows = Json::array();
      std::ostringstream o;
      o << "offset certification as of " << day->ToString() << ": " << list->certified.size()
        << " obligors certified of " << list->obligors << " scanned; " << list->below_threshold
        << " below both thresholds; " << list->no_ssn << " left out for lack of an SSN; "
        << list->closed_cases << " closed cases with arrears left out\n";
      for (const iwo::OffsetCandidate& c : list->certified) {
        rows.push_back(Json{{"obligor_id", PersonDisplayId(c.obligor)},
                            {"ssn", c.ssn},
                            {"last_name", c.last_name},
                            {"first_name", c.first_name},
                            {"assigned", c.assigned.ToString()},
                            {"non_assigned", c.non_assigned.ToString()},
                            {"certify_assigned", c.certify_assigned},
                            {"certify_non_assigned", c.certify_non_assigned},
                            {"child_age_unverified", c.child_age_unverified}});
        o << "  " << PersonDisplayId(c.obligor) << "  "
          << Pad(c.last_name + ", " + c.first_name, 24) << "assigned "
          << Pad(c.assigned.ToString(), 12) << (c.certify_assigned ? "CERTIFY  " : "-        ")
          << "non-assigned " << Pad(c.non_assigned.ToString(), 12)
          << (c.certify_non_assigned ? "CERTIFY" : "-")
          << (c.child_age_unverified ? "  (child's age unverified)" : "") << "\n";
      }
      return ctx.Emit(Json{{"as_of", day->ToString()},
                           {"obligors", list->obligors},
                           {"below_threshold", list->below_threshold},
                           {"no_ssn", list->no_ssn},
                           {"closed_cases", list->closed_cases},
                           {"certified", rows}},
                      o.str());
    };
  });
}

void AddConfig(CLI::App& iwo_cmd, Context& ctx, std::function<int()>& action) {
  auto* cmd = iwo_cmd.add_subcommand(
      "config", "The state's withholding options: conversion factors, IWO deadline, holidays");
  cmd->require_subcommand(1);
  auto* set = cmd->add_subcommand("set", "Set one option");
  auto* list = cmd->add_subcommand("list", "Show every option and its effective value");
  auto kv = std::make_shared<std::pair<std::string, std::string>>();
  set->add_option("KEY", kv->first,
                  "iwo.conversion.weekly|biweekly|semimonthly|monthly (N/D, e.g. 12/52) | "
                  "iwo.due_business_days (0-30) | iwo.state_holidays (YYYY-MM-DD,...) | "
                  "iwo.eiwo.state_fips (NN) | iwo.eiwo.issuing_state (full name, e-IWO 1g)")
      ->required();
  set->add_option("VALUE", kv->second, "The value")->required();
  set->add_flag("--json", ctx.g.json, "Print JSON");
  list->add_flag("--json", ctx.g.json, "Print JSON");
  set->callback([&ctx, &action, kv] {
    action = [&ctx, kv]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      // Only an active admin once one exists (user_unknown, role_not_allowed): SetIwoSetting
      // checks it, for every caller.
      Status s = iwo::SetIwoSetting(ctx.store(), ctx.clock(), ctx.g.user, kv->first, kv->second);
      if (!s.ok()) return ctx.Fail(s);
      return ctx.Emit(Json{{kv->first, kv->second}}, kv->first + " = " + kv->second + "\n");
    };
  });
  list->callback([&ctx, &action] {
    action = [&ctx]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto settings = iwo::LoadIwoSettings(ctx.store());
      if (!settings.ok()) return ctx.Fail(settings.status());
      Json j = Json::object();
      std::string text;
      for (const auto& [k, v] : iwo::DescribeIwoSettings(*settings)) {
        j[k] = v;
        text += k + " = " + v + "\n";
      }
      return ctx.Emit(j, text);
    };
  });
}

struct TerminateArgs {
  std::string iwo;
  std::string reason;
  std::string date;
  std::string note;
};

Result<iwo::TerminateRequest> TerminateRequestOf(Context& ctx, const TerminateArgs& a) {
  iwo::TerminateRequest q;
  ASSIGN_OR_RETURN(q.iwo_id, IdArg<int64_t>("--iwo", "IWO", a.iwo));
  auto reason = iwo::ParseIwoEndReason(a.reason);
  if (!reason.ok()) return reason.status();
  q.reason = *reason;
  ASSIGN_OR_RETURN(q.end_date, DateArg("--date", a.date));
  q.note = a.note;
  RETURN_IF_ERROR(ctx.Open(SqliteStore::OpenMode::kMustExist));
  ASSIGN_OR_RETURN(iwo::IwoSettings settings, iwo::LoadIwoSettings(ctx.store()));
  q.due_business_days = settings.due_business_days;
  q.calendar = iwo::BusinessCalendar(settings.state_holidays);
  return q;
}

std::string TerminateText(const iwo::TerminateResult& r, const iwo::TerminateRequest& q) {
  std::ostringstream o;
  o << IwoDisplayId(r.iwo.id) << " ended " << q.end_date.ToString() << " (" << iwo::Name(q.reason)
    << "), employer FEIN " << r.employer_fein << "\n";
  if (r.notice) {
    o << "  termination notice " << IwoDisplayId(r.notice->id) << " pending, due "
      << r.notice->due_date.ToString()
      << ": send it with `opencse iwo export-eiwo` or print it with `opencse iwo pdf "
      << IwoDisplayId(r.notice->id) << "`\n";
  } else {
    o << "  it was never sent to the employer: no termination notice is needed\n";
  }
  for (const iwo::EmploymentEnded& e : r.employments_ended) {
    o << "  employment " << e.employment_id << " ended: last day employed " << e.end_date.ToString()
      << "\n";
  }
  for (const iwo::IwoEndedWith& e : r.other_iwos_ended) {
    o << "  " << IwoDisplayId(e.iwo.id) << " (" << CaseDisplayId(e.iwo.case_id) << ") also ended "
      << e.end_date.ToString() << ": the obligor no longer works for this employer";
    if (e.notice) o << "; termination notice " << IwoDisplayId(e.notice->id) << " pending";
    if (e.task_for) {
      o << "; task for " << (e.task_for->empty() ? "the queue (no caseworker)" : *e.task_for);
    }
    o << "\n";
  }
  return o.str();
}

Json TerminateJson(const iwo::TerminateResult& r, const iwo::TerminateRequest& q) {
  Json notice = nullptr;
  if (r.notice) {
    notice = Json{{"id", IwoDisplayId(r.notice->id)},
                  {"kind", r.notice->kind},
                  {"status", r.notice->status},
                  {"entry_date", r.notice->entry_date.ToString()},
                  {"due_date", r.notice->due_date.ToString()}};
  }
  // Each other IWO ended: whose task tells its caseworker ("" unassigned), null when none.
  Json others = iwo::OtherIwosEndedJson(r.other_iwos_ended);
  for (size_t i = 0; i < r.other_iwos_ended.size(); ++i) {
    const std::optional<std::string>& task_for = r.other_iwos_ended[i].task_for;
    others[i]["task_for"] = task_for ? Json(*task_for) : Json(nullptr);
  }
  return Json{{"iwo", IwoDisplayId(r.iwo.id)},
              {"case_id", CaseDisplayId(r.iwo.case_id)},
              {"employer_fein", r.employer_fein},
              {"previous_status", r.iwo.status},
              {"status", "ended"},
              {"end_date", q.end_date.ToString()},
              {"reason", std::string(iwo::Name(q.reason))},
              {"note", q.note},
              {"termination_notice", notice},
              {"employments_ended", iwo::EmploymentsEndedJson(r.employments_ended)},
              {"other_iwos_ended", others}};
}

void AddTerminate(CLI::App& iwo_cmd, Context& ctx, std::function<int()>& action) {
  auto* cmd = iwo_cmd.add_subcommand(
      "terminate",
      "End an IWO: status ended, an iwo_ended case event dated --date, and a termination notice "
      "(TRM) to the employer when the IWO was already sent");
  auto a = std::make_shared<TerminateArgs>();
  cmd->add_option("--iwo", a->iwo, "The IWO to end, e.g. IWO-000001")->required();
  cmd->add_option("--reason", a->reason,
                  "employment_ended | order_ended | case_closed | obligor_request_court | other")
      ->required();
  cmd->add_option("--date", a->date,
                  "The day withholding ends, YYYY-MM-DD: not after today, not before the IWO's "
                  "entry date")
      ->required();
  cmd->add_option("--note", a->note, "Why (required with --reason other; at most 500 characters)");
  cmd->add_flag("--json", ctx.g.json, "Print JSON");
  cmd->footer(
      "One transaction: the IWO becomes `ended` with its date and reason; an `iwo_ended` case\n"
      "event dated --date (the risk model and enforcement stop counting the withholding from\n"
      "that day); when the IWO was sent or accepted, a termination notice (kind termination,\n"
      "pending, due 2 business days after today) that `iwo export-eiwo` sends as TRM and\n"
      "`iwo pdf` prints as the form's termination variant; with --reason employment_ended, the\n"
      "IWO's employment ends the day before --date (its last day employed), so the obligor no\n"
      "longer counts as employed there from --date (a job_ended event), and the obligor's\n"
      "other IWOs with that employer end too when no other job there is open on or after\n"
      "--date (other_iwos_ended, each with its notice and audit row, and a task\n"
      "iwo_ended_employment_ended for its case's caseworker unless that is you; a job that\n"
      "ends the day it started keeps that day as its last and does not count as open); an\n"
      "audit row `iwo.terminate`.\n"
      "A pending IWO the employer never got is simply ended. Refused, nothing written:\n"
      "iwo_not_found, case_not_in_caseload (a case outside your office's caseload),\n"
      "iwo_already_ended, iwo_rejected, iwo_is_termination, end_reason_invalid,\n"
      "note_required, date_in_future, date_before_entry.\n"
      "Example:\n"
      "  opencse iwo terminate --iwo IWO-000001 --reason employment_ended --date 2025-06-30");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.MakeClock(); !s.ok()) return ctx.Fail(s);
      auto q = TerminateRequestOf(ctx, *a);
      if (!q.ok()) return ctx.Fail(q.status());
      auto r = iwo::TerminateIwo(ctx.store(), ctx.clock(), ctx.g.user, *q);
      if (!r.ok()) return ctx.Fail(r.status());
      return ctx.Emit(TerminateJson(*r, *q), TerminateText(*r, *q));
    };
  });
}

}  // namespace

void AddIwo(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand(
      "iwo",
      "Income withholding: amounts, limits, allocation, IWOs issued from new-hire reports "
      "(docs/CLI.md)");
  cmd->require_subcommand(1);
  AddAllocate(*cmd, ctx, action);
  AddList(*cmd, ctx, action);
  AddReviews(*cmd, ctx, action);
  AddConfig(*cmd, ctx, action);
  AddTerminate(*cmd, ctx, action);
  AddImportNewHire(app, ctx, action);
  AddOffset(app, ctx, action);
}

}  // namespace cse::cli
