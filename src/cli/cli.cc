#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include <unistd.h>
#include <algorithm>
#include <charconv>
#include <chrono>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "ai/monitoring.h"
#include "ai/risk_model.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "core/clock.h"
#include "core/files.h"
#include "core/limits.h"
#include "core/text.h"
#include "domain/types.h"
#include "domain/validate.h"
#include "service/audit.h"
#include "service/case_closure.h"
#include "service/import.h"
#include "service/json.h"
#include "service/ledger_service.h"
#include "service/replay.h"
#include "sim/groups.h"
#include "sim/report.h"
#include "sim/simulate.h"
#include "storage/sqlite/sqlite_store.h"

namespace cse {
namespace {

using namespace cli;  // NOLINT(google-build-using-namespace): the shared CLI context

std::string BucketLine(const Money (&b)[kBucketCount]) {
  std::string s;
  for (int i = 0; i < kBucketCount; ++i) {
    if (i) s += "  ";
    s += std::string(Name(static_cast<Bucket>(i))) + " " + b[i].ToString();
  }
  return s;
}

// One distribution line of the ledger text, indented under its collection; family money
// passed through (42 USC 657(a)(6)) is marked, as federal reports count it apart.
std::string LineText(const DistributionLine& line) {
  return "      " + Pad(std::string(Name(line.applied_as)), 8) +
         Pad(std::string(Name(line.type)), 16) + Pad(line.due_date.ToString(), 11) +
         Pad(std::string(Name(line.bucket)), 23) + Pad(std::string(Name(line.payee)), 8) +
         line.amount.ToString() + (line.pass_through ? "  pass-through" : "") + "\n";
}

// " (pass-through X)" after a family total that includes money passed through; else "".
std::string PassThroughText(Money passed) {
  return passed.is_positive() ? " (pass-through " + passed.ToString() + ")" : "";
}

// "  overdue X" when the overdue support (arrears and the current support whose next period has
// begun; the delinquency measure, ledger/engine.h) differs from the arrears; else "".
std::string OverdueText(Money overdue, Money arrears) {
  return overdue != arrears ? "  overdue " + overdue.ToString() : "";
}

std::string LedgerText(const CaseLedger& l) {
  std::ostringstream o;
  const CaseBalance& b = l.balance;
  o << CaseDisplayId(l.info.id) << "  " << Name(l.info.type) << "  " << Name(l.info.status)
    << "  obligor " << PersonDisplayId(l.info.obligor) << "  obligee "
    << PersonDisplayId(l.info.obligee) << "  as of " << b.as_of.ToString() << "\n";
  if (l.closure) {
    if (l.closure->closed_date) {
      o << "Closed " << l.closure->closed_date->ToString() << " (" << l.closure->reason
        << ", notice " << l.closure->notice_date.ToString() << ")\n";
    } else {
      o << "Notice of intent to close sent " << l.closure->notice_date.ToString() << " ("
        << l.closure->reason << "); may close on or after "
        << l.closure->notice_date.AddDays(kClosureNoticeDays).ToString() << "\n";
    }
  }
  for (const DateSpan& span : l.closed_periods) {
    o << "Closed from " << span.from.ToString()
      << (span.through == MaxDate() ? std::string(" (still closed on the date)")
                                    : " to " + span.through.ToString())
      << ": nothing accrues, no distribution\n";
  }
  o << "Orders\n";
  if (l.orders.empty()) o << "  (none)\n";
  for (const Order& ord : l.orders) {
    o << "  " << OrderDisplayId(ord.id) << "  " << Pad(std::string(Name(ord.type)), 16)
      << Pad(ord.amount.ToString(), 10) << Pad(std::string(Name(ord.frequency)), 12) << "from "
      << ord.effective_date.ToString()
      << (ord.end_date ? " to " + ord.end_date->ToString() : std::string(""))
      << (ord.judgment.is_positive() ? "  judgment " + ord.judgment.ToString() : std::string(""))
      << (ord.judgment_accrued_from && ord.judgment_accrued_through
              ? " (accrued " + ord.judgment_accrued_from->ToString() + " to " +
                    ord.judgment_accrued_through->ToString() + ")"
              : std::string(""))
      << "\n";
  }
  for (const AssistanceEpisode& e : l.episodes) {
    o << "  assistance from " << e.start_date.ToString() << " to "
      << (e.end_date ? e.end_date->ToString() : std::string("(open)")) << ", grant "
      << e.monthly_grant.ToString() << "/month\n";
  }
  o << "Balances\n";
  o << "  accrued " << b.accrued.ToString() << "  paid " << b.paid.ToString() << "  current due "
    << b.current_due.ToString() << " (unpaid " << b.current_unpaid.ToString() << ")  prepaid "
    << b.prepaid.ToString() << "\n";
  o << "  arrears " << b.arrears_total.ToString() << ":  " << BucketLine(b.arrears_by_bucket)
    << "\n";
  o << "  oldest unpaid " << (b.arrears_oldest_due ? b.arrears_oldest_due->ToString() : "-")
    << "  over 12 weeks " << b.arrears_over_age_flag.ToString() << "  monthly support "
    << b.monthly_support.ToString() << OverdueText(b.overdue, b.arrears_total)
    << (b.closed       ? "  closed: not accruing"
        : b.delinquent ? "  DELINQUENT"
                       : "  current")
    << "\n";
  o << "  URA granted " << b.ura_granted.ToString() << "  retained " << b.ura_retained.ToString()
    << "  balance " << b.ura_balance.ToString() << "\n";
  o << "  distributed: family " << b.to_family.ToString() << PassThroughText(b.passed_through)
    << "  state " << b.to_state.ToString() << "  federal " << b.to_federal.ToString() << "\n";
  o << "Collections\n";
  if (l.collections.empty()) o << "  (none)\n";
  for (const CaseLedger::Entry& e : l.collections) {
    const Collection& c = e.collection;
    o << "  " << c.date.ToString() << "  " << Pad(c.idempotency_key, 14)
      << Pad(std::string(Name(c.source)), 12) << Pad(c.amount.ToString(), 10);
    if (e.reversed_as_of) {
      o << "REVERSED " << c.reversed_date->ToString() << " (" << c.reversal_reason << ")\n";
      continue;
    }
    o << "family " << e.distribution.to_family.ToString()
      << PassThroughText(PassedThrough(e.distribution)) << "  state "
      << e.distribution.to_state.ToString() << "  federal " << e.distribution.to_federal.ToString()
      << "  held " << e.distribution.held.ToString() << "\n";
    for (const DistributionLine& line : e.distribution.lines) {
      o << LineText(line);
    }
  }
  if (!l.futures.empty()) {
    o << "Future support applied (money held from an earlier collection)\n";
    for (const CaseLedger::FuturesEntry& f : l.futures) {
      o << "  " << f.date.ToString() << "  " << Pad(f.collection.idempotency_key, 14)
        << Pad("of " + f.collection.date.ToString(), 22) << "family "
        << f.distribution.to_family.ToString() << PassThroughText(PassedThrough(f.distribution))
        << "  state " << f.distribution.to_state.ToString() << "  federal "
        << f.distribution.to_federal.ToString() << "\n";
      for (const DistributionLine& line : f.distribution.lines) {
        o << LineText(line);
      }
    }
  }
  if (l.obligor.cases.size() > 1 || l.obligor.held_total.is_positive()) {
    o << "Obligor " << PersonDisplayId(l.info.obligor) << " (" << l.obligor.cases.size()
      << " cases): arrears of open cases " << l.obligor.arrears_total.ToString() << "  held "
      << l.obligor.held_total.ToString() << "\n";
  }
  return o.str();
}

// ---- subcommands ----

void AddInit(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("init", "Create the database (or upgrade its schema)");
  cmd->callback([&] {
    action = [&] {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kCreate); !s.ok()) return ctx.Fail(s);
      auto recorded = ctx.service().RecordNewDatabaseDefaults();
      if (!recorded.ok()) return ctx.Fail(recorded.status());
      const int v = ctx.store().schema_version();
      Json out{{"db", ctx.g.db}, {"schema_version", v}, {"recorded", Json::object()}};
      std::string text =
          "initialized " + ctx.g.db + " (schema version " + std::to_string(v) + ")\n";
      if (*recorded) {
        out["recorded"]["distribution.futures"] = "all";
        text +=
            "recorded distribution.futures = all (a new database's rule; ARCHITECTURE.md "
            "§5.5)\n";
      }
      return ctx.Emit(out, text);
    };
  });
}

void AddParty(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* party =
      app.add_subcommand("party", "Persons: obligors, obligees (custodial parties), children");
  party->require_subcommand(1);
  auto* add = party->add_subcommand("add", "Add a person");
  struct Args {
    std::string first, middle, last, ssn, dob, line1, line2, city, state, zip, county;
  };
  auto a = std::make_shared<Args>();
  add->add_option("--first", a->first, "First name")->required();
  add->add_option("--middle", a->middle, "Middle name");
  add->add_option("--last", a->last, "Last name")->required();
  add->add_option("--ssn", a->ssn, "SSN, nine digits (synthetic data only)");
  add->add_option("--dob", a->dob, "Date of birth YYYY-MM-DD");
  add->add_option("--line1", a->line1, "Address line 1");
  add->add_option("--line2", a->line2, "Address line 2");
  add->add_option("--city", a->city, "City");
  add->add_option("--state", a->state, "USPS state code");
  add->add_option("--zip", a->zip, "ZIP code");
  add->add_option("--county", a->county, "County");
  add->callback([&ctx, &action, a] {
    action = [&ctx, a] {
      Person p;
      p.first_name = a->first;
      p.middle_name = a->middle;
      p.last_name = a->last;
      p.ssn = a->ssn;
      auto dob = OptDateArg("--dob", a->dob);
      if (!dob.ok()) return ctx.Fail(dob.status());
      p.date_of_birth = *dob;
      p.address = Address{a->line1, a->line2, a->city, a->state, a->zip, a->county};
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto id = ctx.service().AddPerson(p);
      if (!id.ok()) return ctx.Fail(id.status());
      return ctx.Emit(Json{{"id", PersonDisplayId(*id)}, {"person_id", id->value}},
                      PersonDisplayId(*id) + "\n");
    };
  });
}

void AddCaseCmd(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("case", "IV-D cases");
  cmd->require_subcommand(1);
  auto* add = cmd->add_subcommand("add", "Open a IV-D case");
  struct Args {
    std::string obligor, obligee, type = "never_assistance", from, to, grant, county, opened;
    std::vector<std::string> children;
    bool family_violence = false;
  };
  auto a = std::make_shared<Args>();
  add->add_option("--obligor", a->obligor, "Noncustodial parent (PRS-id)")->required();
  add->add_option("--obligee", a->obligee, "Custodial party (PRS-id)")->required();
  add->add_option("--child", a->children, "Child (PRS-id); repeat for each child");
  add->add_option("--type", a->type, "never_assistance | former_assistance | current_assistance")
      ->capture_default_str();
  add->add_option("--assistance-from", a->from, "First day of TANF assistance");
  add->add_option("--assistance-to", a->to, "Last day of TANF assistance (former assistance)");
  add->add_option("--monthly-grant", a->grant, "Monthly TANF grant, e.g. 300.00");
  add->add_flag("--family-violence", a->family_violence, "Set the family-violence indicator");
  add->add_option("--county", a->county, "County");
  add->add_option("--opened", a->opened, "Date opened (default today)");
  add->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      NewCase r;
      auto fail = [&](const Status& s) { return ctx.Fail(s); };
      auto obligor = IdArg<PersonId>("--obligor", "PRS", a->obligor);
      if (!obligor.ok()) return fail(obligor.status());
      auto obligee = IdArg<PersonId>("--obligee", "PRS", a->obligee);
      if (!obligee.ok()) return fail(obligee.status());
      r.obligor = *obligor;
      r.obligee = *obligee;
      for (const std::string& c : a->children) {
        auto child = IdArg<PersonId>("--child", "PRS", c);
        if (!child.ok()) return fail(child.status());
        r.children.push_back(*child);
      }
      auto type = ParseCaseType(a->type);
      if (!type.ok()) return fail(type.status().WithContext("--type"));
      r.type = *type;
      r.family_violence = a->family_violence ? FamilyViolence::kIndicated : FamilyViolence::kNone;
      r.county = a->county;
      auto opened = OptDateArg("--opened", a->opened);
      if (!opened.ok()) return fail(opened.status());
      r.opened = *opened;
      if (!a->from.empty() || !a->grant.empty() || !a->to.empty()) {
        AssistanceEpisode e;
        auto from = DateArg("--assistance-from", a->from);
        if (!from.ok()) return fail(from.status());
        auto to = OptDateArg("--assistance-to", a->to);
        if (!to.ok()) return fail(to.status());
        auto grant = MoneyArg("--monthly-grant", a->grant);
        if (!grant.ok()) return fail(grant.status());
        e.start_date = *from;
        e.end_date = *to;
        e.monthly_grant = *grant;
        r.assistance = e;
      }
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return fail(s);
      auto id = ctx.service().AddCase(r);
      if (!id.ok()) return fail(id.status());
      return ctx.Emit(Json{{"id", CaseDisplayId(*id)}, {"case_id", id->value}},
                      CaseDisplayId(*id) + "\n");
    };
  });
  AddCaseClosureCmds(*cmd, ctx, action);
}

void AddOrderCmd(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("order", "Support orders");
  cmd->require_subcommand(1);
  auto* add = cmd->add_subcommand("add", "Add a support order, or a modification with --replaces");
  struct Args {
    std::string case_id, type = "current_support", amount, frequency = "monthly", effective, end,
                         judgment, accrued_from, accrued_through, replaces;
    std::vector<std::string> children;
  };
  auto a = std::make_shared<Args>();
  add->add_option("--case", a->case_id, "Case (CASE-id)")->required();
  add->add_option("--type", a->type, "current_support | cash_medical | arrears_payback")
      ->capture_default_str();
  add->add_option("--amount", a->amount, "Amount per period, e.g. 450.00")->required();
  add->add_option("--frequency", a->frequency, "weekly | biweekly | semimonthly | monthly")
      ->capture_default_str();
  add->add_option("--effective", a->effective, "First day in effect YYYY-MM-DD")->required();
  add->add_option("--end", a->end, "Last day in effect (inclusive)");
  add->add_option("--child", a->children,
                  "Per-child term PRS-id:AMOUNT[:END-DATE]; terms must add up to --amount");
  add->add_option("--judgment", a->judgment,
                  "arrears_payback only: arrears established by judgment");
  add->add_option("--judgment-accrued-from", a->accrued_from,
                  "With --judgment: first day of the period in which the judged support "
                  "accrued YYYY-MM-DD; sets its arrears buckets month by month (needs "
                  "--judgment-accrued-through)");
  add->add_option("--judgment-accrued-through", a->accrued_through,
                  "With --judgment: last day of that period YYYY-MM-DD, on or before --effective");
  add->add_option("--replaces", a->replaces,
                  "Modification: the order (ORD-id) this one replaces; it ends the day before");
  add->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto fail = [&](const Status& s) { return ctx.Fail(s); };
      Order o;
      auto case_id = IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!case_id.ok()) return fail(case_id.status());
      o.case_id = *case_id;
      auto type = ParseObligationType(a->type);
      if (!type.ok()) return fail(type.status().WithContext("--type"));
      o.type = *type;
      auto amount = MoneyArg("--amount", a->amount);
      if (!amount.ok()) return fail(amount.status());
      o.amount = *amount;
      auto freq = ParseFrequency(a->frequency);
      if (!freq.ok()) return fail(freq.status().WithContext("--frequency"));
      o.frequency = *freq;
      auto eff = DateArg("--effective", a->effective);
      if (!eff.ok()) return fail(eff.status());
      o.effective_date = *eff;
      auto end = OptDateArg("--end", a->end);
      if (!end.ok()) return fail(end.status());
      o.end_date = *end;
      if (!a->judgment.empty()) {
        auto j = MoneyArg("--judgment", a->judgment);
        if (!j.ok()) return fail(j.status());
        o.judgment = *j;
      }
      auto accrued_from = OptDateArg("--judgment-accrued-from", a->accrued_from);
      if (!accrued_from.ok()) return fail(accrued_from.status());
      o.judgment_accrued_from = *accrued_from;
      auto accrued_through = OptDateArg("--judgment-accrued-through", a->accrued_through);
      if (!accrued_through.ok()) return fail(accrued_through.status());
      o.judgment_accrued_through = *accrued_through;
      for (const std::string& spec : a->children) {
        const size_t c1 = spec.find(':');
        if (c1 == std::string::npos) {
          return fail(InvalidArgument("child_term_malformed",
                                      "--child '" + spec + "': expected PRS-id:AMOUNT[:END]"));
        }
        const size_t c2 = spec.find(':', c1 + 1);
        ChildTerm t;
        auto child = IdArg<PersonId>("--child", "PRS", spec.substr(0, c1));
        if (!child.ok()) return fail(child.status());
        t.child = *child;
        auto amt = MoneyArg(
            "--child",
            spec.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1));
        if (!amt.ok()) return fail(amt.status());
        t.amount = *amt;
        if (c2 != std::string::npos) {
          auto e = DateArg("--child", spec.substr(c2 + 1));
          if (!e.ok()) return fail(e.status());
          t.end_date = *e;
        }
        o.child_terms.push_back(t);
      }
      std::optional<OrderId> replaces;
      if (!a->replaces.empty()) {
        auto r = IdArg<OrderId>("--replaces", "ORD", a->replaces);
        if (!r.ok()) return fail(r.status());
        replaces = *r;
      }
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return fail(s);
      auto id = ctx.service().AddOrder(o, replaces);
      if (!id.ok()) return fail(id.status());
      return ctx.Emit(Json{{"id", OrderDisplayId(*id)}, {"order_id", id->value}},
                      OrderDisplayId(*id) + "\n");
    };
  });
}

void AddAssistanceCmd(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("assistance", "TANF assistance episodes (assignment and URA)");
  cmd->require_subcommand(1);
  auto* add = cmd->add_subcommand("add", "Record an assistance episode for a case");
  auto* end = cmd->add_subcommand("end", "End a case's open assistance episode");
  struct Args {
    std::string case_id, from, to, grant, date;
  };
  auto a = std::make_shared<Args>();
  add->add_option("--case", a->case_id, "Case (CASE-id)")->required();
  add->add_option("--from", a->from, "First day of assistance")->required();
  add->add_option("--to", a->to, "Last day of assistance (omit while it continues)");
  add->add_option("--monthly-grant", a->grant, "Monthly grant, e.g. 300.00")->required();
  end->add_option("--case", a->case_id, "Case (CASE-id)")->required();
  end->add_option("--date", a->date, "Last day of assistance")->required();
  add->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      AssistanceEpisode e;
      auto c = IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!c.ok()) return ctx.Fail(c.status());
      e.case_id = *c;
      auto from = DateArg("--from", a->from);
      if (!from.ok()) return ctx.Fail(from.status());
      e.start_date = *from;
      auto to = OptDateArg("--to", a->to);
      if (!to.ok()) return ctx.Fail(to.status());
      e.end_date = *to;
      auto grant = MoneyArg("--monthly-grant", a->grant);
      if (!grant.ok()) return ctx.Fail(grant.status());
      e.monthly_grant = *grant;
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      if (Status s = ctx.service().AddAssistance(e); !s.ok()) return ctx.Fail(s);
      return ctx.Emit(ToJson(e), "assistance recorded for " + CaseDisplayId(e.case_id) + "\n");
    };
  });
  end->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto c = IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!c.ok()) return ctx.Fail(c.status());
      auto d = DateArg("--date", a->date);
      if (!d.ok()) return ctx.Fail(d.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      if (Status s = ctx.service().EndAssistance(*c, *d); !s.ok()) return ctx.Fail(s);
      return ctx.Emit(Json{{"case_id", c->value}, {"end_date", d->ToString()}},
                      "assistance ended for " + CaseDisplayId(*c) + "\n");
    };
  });
}

void AddEmployerCmds(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* employer = app.add_subcommand("employer", "Employers (unique by FEIN)");
  employer->require_subcommand(1);
  auto* add = employer->add_subcommand("add", "Add or update an employer by FEIN");
  auto* employment = app.add_subcommand("employment", "Employment records");
  employment->require_subcommand(1);
  auto* eadd = employment->add_subcommand("add", "Record a person's employment");
  struct Args {
    std::string fein, name, line1, city, state, zip;
    std::string person, employer_id, start, end, cycle = "biweekly", gross = "0";
  };
  auto a = std::make_shared<Args>();
  add->add_option("--fein", a->fein, "Federal EIN, nine digits")->required();
  add->add_option("--name", a->name, "Employer name")->required();
  add->add_option("--line1", a->line1, "Address line 1");
  add->add_option("--city", a->city, "City");
  add->add_option("--state", a->state, "State");
  add->add_option("--zip", a->zip, "ZIP");
  eadd->add_option("--person", a->person, "Employee (PRS-id)")->required();
  eadd->add_option("--employer", a->employer_id, "Employer id")->required();
  eadd->add_option("--start", a->start, "Start date")->required();
  eadd->add_option("--end", a->end, "End date");
  eadd->add_option("--pay-cycle", a->cycle, "weekly | biweekly | semimonthly | monthly")
      ->capture_default_str();
  eadd->add_option("--gross", a->gross, "Gross pay per pay period")->capture_default_str();
  add->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      Employer e;
      e.fein = a->fein;
      e.name = a->name;
      e.address = Address{a->line1, "", a->city, a->state, a->zip, ""};
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto id = ctx.service().AddEmployer(e);
      if (!id.ok()) return ctx.Fail(id.status());
      return ctx.Emit(Json{{"employer_id", id->value}}, std::to_string(id->value) + "\n");
    };
  });
  eadd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      Employment e;
      auto p = IdArg<PersonId>("--person", "PRS", a->person);
      if (!p.ok()) return ctx.Fail(p.status());
      e.person = *p;
      auto emp = ParseDisplayId("EMP", a->employer_id);
      if (!emp.ok()) return ctx.Fail(emp.status().WithContext("--employer"));
      e.employer = EmployerId{*emp};
      auto start = DateArg("--start", a->start);
      if (!start.ok()) return ctx.Fail(start.status());
      e.start_date = *start;
      auto end = OptDateArg("--end", a->end);
      if (!end.ok()) return ctx.Fail(end.status());
      e.end_date = *end;
      auto cycle = ParsePayCycle(a->cycle);
      if (!cycle.ok()) return ctx.Fail(cycle.status().WithContext("--pay-cycle"));
      e.pay_cycle = *cycle;
      auto gross = MoneyArg("--gross", a->gross, SignPolicy::kNonNegative);
      if (!gross.ok()) return ctx.Fail(gross.status());
      e.gross_per_period = *gross;
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto id = ctx.service().AddEmployment(e);
      if (!id.ok()) return ctx.Fail(id.status());
      return ctx.Emit(Json{{"employment_id", *id}}, std::to_string(*id) + "\n");
    };
  });
}

void AddPostPayment(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("post-payment", "Post one payment (idempotent by --key)");
  struct Args {
    std::string case_id, amount, date, source, key;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--case", a->case_id, "Case the payment names (CASE-id)")->required();
  cmd->add_option("--amount", a->amount, "Amount, e.g. 123.45")->required();
  cmd->add_option("--date", a->date, "Date received YYYY-MM-DD")->required();
  cmd->add_option("--source", a->source, "withholding | direct | tax_offset | other")->required();
  cmd->add_option("--key", a->key, "Client idempotency key (unique per payment)")->required();
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      PaymentRequest r;
      r.key = a->key;
      auto c = IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!c.ok()) return ctx.Fail(c.status());
      r.case_id = *c;
      auto amount = MoneyArg("--amount", a->amount);
      if (!amount.ok()) return ctx.Fail(amount.status());
      r.amount = *amount;
      auto date = DateArg("--date", a->date);
      if (!date.ok()) return ctx.Fail(date.status());
      r.date = *date;
      auto source = ParsePaymentSource(a->source);
      if (!source.ok()) return ctx.Fail(source.status().WithContext("--source"));
      r.source = *source;
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto res = ctx.service().PostPayment(r);
      if (!res.ok()) return ctx.Fail(res.status());
      const std::string outcome = res->outcome == PostOutcome::kCreated ? "created" : "exists";
      Json j{{"result", outcome},
             {"collection_id", res->id.value},
             {"key", r.key},
             {"distribution", ToJson(res->distribution)},
             {"redistributed", res->redistributed}};
      const Distribution& d = res->distribution;
      std::string events;  // the enforcement workflow's reaction (enforce_commands.cc)
      if (res->outcome == PostOutcome::kCreated) {
        auto ev = RunPaymentEvents(ctx, r.case_id, r.date);
        j["enforcement"] = ev.ok() ? ev->first : Json{{"error", ev.status().reason()}};
        events =
            ev.ok() ? ev->second : "  enforcement events failed: " + ev.status().ToString() + "\n";
      }
      // The part of the family's money passed through, as the JSON's passed_through (before
      // 2026-12-05 the text did not say).
      const Money passed = PassedThrough(d);
      const std::string pass_through =
          passed.is_zero() ? std::string() : " (pass-through " + passed.ToString() + ")";
      return ctx.Emit(j, outcome + " payment " + std::to_string(res->id.value) + " (key " + r.key +
                             "): family " + d.to_family.ToString() + pass_through + ", state " +
                             d.to_state.ToString() + ", federal " + d.to_federal.ToString() +
                             ", held " + d.held.ToString() + "\n" + events);
    };
  });
}

void AddReversePayment(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("reverse-payment", "Reverse a returned / NSF payment");
  struct Args {
    std::string key, date, reason;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--key", a->key, "Idempotency key of the payment")->required();
  cmd->add_option("--date", a->date, "Date of the reversal YYYY-MM-DD")->required();
  cmd->add_option("--reason", a->reason, "Why, e.g. NSF")->required();
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto date = DateArg("--date", a->date);
      if (!date.ok()) return ctx.Fail(date.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto res = ctx.service().ReversePayment(a->key, *date, a->reason);
      if (!res.ok()) return ctx.Fail(res.status());
      // The workflow follows the obligor's figures back (enforce::OnPaymentReversed: the score
      // and the open tasks' stakes; before 2026-12-05 they kept the reversed payment's). No
      // usable active model leaves it rules-only; a failure does not undo the reversal.
      auto ev = RunReversalEvents(ctx, a->key, *date);
      const Json enforcement = ev.ok() ? ev->first : Json{{"error", ev.status().reason()}};
      const std::string events =
          ev.ok() ? ev->second : "  enforcement events failed: " + ev.status().ToString() + "\n";
      return ctx.Emit(Json{{"result", "reversed"},
                           {"collection_id", res->id.value},
                           {"reversed", ToJson(res->reversed)},
                           {"redistributed", res->redistributed},
                           {"enforcement", enforcement}},
                      "reversed payment " + std::to_string(res->id.value) + " (key " + a->key +
                          "); " + std::to_string(res->redistributed) +
                          " other payment(s) re-distributed\n" + events);
    };
  });
}

void AddLedger(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("ledger", "What is owed, paid, distributed and in arrears");
  struct Args {
    std::string case_id, obligor, as_of;
  };
  auto a = std::make_shared<Args>();
  auto* case_opt = cmd->add_option("--case", a->case_id, "Case (CASE-id)");
  auto* obligor_opt = cmd->add_option("--obligor", a->obligor, "Obligor (PRS-id): all cases");
  case_opt->excludes(obligor_opt);
  cmd->add_option("--as-of", a->as_of, "Date YYYY-MM-DD (default today)");
  cmd->callback([&ctx, &action, a, cmd] {
    action = [&ctx, a]() -> int {
      if (a->case_id.empty() && a->obligor.empty()) {
        return ctx.Fail(InvalidArgument("case_missing", "give --case CASE-id or --obligor PRS-id"));
      }
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      // Every table the ledger reads (cases, orders, episodes, collections) as of one moment:
      // an import committing meanwhile shows whole or not at all.
      if (Status s = ctx.store().BeginSnapshot(); !s.ok()) return ctx.Fail(s);
      auto as_of_arg = DateOrToday(ctx.clock(), "--as-of", a->as_of);
      if (!as_of_arg.ok()) return ctx.Fail(as_of_arg.status());
      const Date as_of = *as_of_arg;
      if (Status s = ValidateLedgerAsOf("--as-of", as_of, ctx.clock().Today()); !s.ok()) {
        return ctx.Fail(s);
      }
      if (!a->obligor.empty()) {
        auto p = IdArg<PersonId>("--obligor", "PRS", a->obligor);
        if (!p.ok()) return ctx.Fail(p.status());
        auto b = ctx.service().GetObligorBalance(*p, as_of);
        if (!b.ok()) return ctx.Fail(b.status());
        std::ostringstream o;
        o << "Obligor " << PersonDisplayId(*p) << " as of " << as_of.ToString()
          << ": arrears of open cases " << b->arrears_total.ToString() << " ("
          << BucketLine(b->arrears_by_bucket) << ")" << OverdueText(b->overdue, b->arrears_total)
          << "  held " << b->held_total.ToString() << (b->delinquent ? "  DELINQUENT" : "") << "\n";
        for (const CaseBalance& cb : b->cases) {
          o << "  " << CaseDisplayId(cb.case_id) << "  accrued " << cb.accrued.ToString()
            << "  paid " << cb.paid.ToString() << "  arrears " << cb.arrears_total.ToString()
            << OverdueText(cb.overdue, cb.arrears_total)
            << (cb.closed       ? "  closed: not accruing, not in the obligor's arrears"
                : cb.delinquent ? "  DELINQUENT"
                                : "")
            << "\n";
        }
        return ctx.Emit(ToJson(*b), o.str());
      }
      auto c = IdArg<CaseId>("--case", "CASE", a->case_id);
      if (!c.ok()) return ctx.Fail(c.status());
      auto l = ctx.service().GetCaseLedger(*c, as_of);
      if (!l.ok()) return ctx.Fail(l.status());
      return ctx.Emit(LedgerJson(*l), LedgerText(*l));
    };
    (void)cmd;
  });
}

void AddImport(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("import", "Import files");
  cmd->require_subcommand(1);
  auto* payments =
      cmd->add_subcommand("payments", "Post payments from a CSV file (docs/PAYMENTS_CSV.md)");
  struct Args {
    std::string file;
    bool all_or_nothing = false;
    bool dry_run = false;
    int64_t batch_rows = limits::kPostingsPerBatchDefault;
  };
  auto a = std::make_shared<Args>();
  payments->add_option("FILE", a->file, "CSV file with header key,case_id,amount,date,source")
      ->required();
  payments->add_flag("--all-or-nothing", a->all_or_nothing,
                     "Post nothing unless every row is good (default: post good rows, report bad)");
  payments->add_flag("--dry-run", a->dry_run, "Check every row, post nothing");
  payments
      ->add_option("--batch-rows", a->batch_rows,
                   "Rows per transaction (larger posts faster but holds the write lock longer)")
      ->check(CLI::Range(int64_t{1}, limits::kPostingsPerBatchMax))
      ->capture_default_str();
  payments->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      const ImportMode mode = a->dry_run          ? BatchMode::kDryRun
                              : a->all_or_nothing ? BatchMode::kAllOrNothing
                                                  : BatchMode::kCommitValid;
      BulkPoster::StoreOpener open_reader;
      if (ctx.g.db != ":memory:") open_reader = SqliteStore::ConnectionOpener(ctx.g.db);
      ImportReport so_far;
      auto rep = ImportPaymentsCsv(ctx.store(), ctx.clock(), ctx.g.user, a->file, mode,
                                   a->batch_rows, std::move(open_reader), &so_far);
      if (!rep.ok() && (!ctx.g.json || so_far.batches_committed == 0)) {
        return ctx.Fail(rep.status());  // the message says what was committed
      }
      if (!rep.ok()) {  // --json, stopped part way: the committed counts as fields too
        std::ostringstream sink;
        Context classify(sink, sink);  // the exit code Fail gives this error (3: storage)
        const int code = classify.Fail(rep.status());
        ctx.out() << DumpJson(Json{{"code", rep.status().reason()},
                                   {"message", rep.status().message()},
                                   {"committed",
                                    {{"batches", so_far.batches_committed},
                                     {"rows", so_far.created + so_far.exists},
                                     {"created", so_far.created},
                                     {"exists", so_far.exists}}}})
                  << "\n";
        return code;
      }
      Json rejections = Json::array();
      std::ostringstream o;
      o << "import " << a->file << ": " << rep->rows << " rows, " << rep->created << " posted, "
        << rep->exists << " already posted, " << rep->rejected << " rejected"
        << (rep->committed ? "" : " — nothing was written")
        << (a->dry_run ? " (dry run: the counts are what would be posted)" : "") << "\n";
      for (const ImportRejection& r : rep->rejections) {
        rejections.push_back({{"line", r.line},
                              {"key", r.key},
                              {"field", r.field},
                              {"code", r.reason},
                              {"message", r.message}});
        o << "  line " << r.line << " field " << r.field << ": " << r.reason << ": " << r.message
          << "\n";
      }
      Json j{{"file", a->file},         {"rows", rep->rows},         {"created", rep->created},
             {"exists", rep->exists},   {"rejected", rep->rejected}, {"committed", rep->committed},
             {"rejections", rejections}};
      if (!rep->posted.empty()) {  // the workflow's reaction, once per obligor (enforce)
        o << AddBulkPaymentEvents(ctx, rep->posted, j);
      }
      const int code = ctx.Emit(j, o.str());
      return rep->rejected > 0 ? kExitRule : code;
    };
  });
}

// The anchor files named by `audit verify --anchor`, read and parsed; errors name the file.
Result<std::vector<AuditAnchor>> ReadAnchorFiles(const std::vector<std::string>& files) {
  std::vector<AuditAnchor> anchors;
  for (const std::string& f : files) {
    RETURN_IF_ERROR(CheckInputFile(f).WithContext("--anchor"));
    std::ifstream in(f, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (!in.good() && !in.eof()) return InvalidArgument("anchor_unreadable", "cannot read " + f);
    auto a = ParseAuditAnchor(text);
    if (!a.ok()) return a.status().WithContext("--anchor " + f);
    anchors.push_back(*a);
  }
  return anchors;
}

void AddAudit(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("audit", "The audit trail");
  cmd->require_subcommand(1);
  auto* verify = cmd->add_subcommand(
      "verify",
      "Check the hash chain (and any anchors taken earlier), then replay the trail and compare "
      "every distribution");
  struct VerifyArgs {
    bool chain_only = false;
    std::vector<std::string> anchors;
  };
  auto va = std::make_shared<VerifyArgs>();
  verify->add_flag("--chain-only", va->chain_only, "Only check the hash chain (and anchors)");
  verify->add_option("--anchor", va->anchors,
                     "An anchor file written earlier by `audit anchor`; the row it names must "
                     "still be there with the same hash (repeat for several)");
  verify->callback([&ctx, &action, va] {
    action = [&ctx, va]() -> int {
      auto anchors = ReadAnchorFiles(va->anchors);
      if (!anchors.ok()) return ctx.Fail(anchors.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto v = VerifyAuditChain(ctx.store(), *anchors);
      if (!v.ok()) return ctx.Fail(v.status());
      Json j{{"rows", v->rows}, {"intact", v->intact}};
      std::ostringstream o;
      if (v->intact) {
        o << "audit chain intact: " << v->rows << " rows\n";
      } else {
        j["first_bad_seq"] = v->first_bad_seq;
        j["problem"] = v->problem;
        o << "AUDIT CHAIN BROKEN at row " << v->first_bad_seq << ": " << v->problem << "\n";
      }
      if (!va->anchors.empty()) {
        j["anchors_hold"] = v->anchors_hold;
        j["anchors"] = Json::array();
        for (size_t i = 0; i < v->anchors.size(); ++i) {
          const AnchorCheck& c = v->anchors[i];
          Json a{{"file", va->anchors[i]},
                 {"seq", c.anchor.seq},
                 {"hash", c.anchor.hash},
                 {"result", c.result}};
          if (!c.detail.empty()) a["detail"] = c.detail;
          j["anchors"].push_back(a);
          if (c.result == "holds") {
            o << "anchor " << va->anchors[i] << ": row " << c.anchor.seq << " holds\n";
          } else {
            o << "ANCHOR " << va->anchors[i] << " " << c.result << ": " << c.detail << "\n";
          }
        }
      }
      bool replay_ok = true;
      if (!va->chain_only && v->intact) {
        auto cmp = CompareReplayWithStore(ctx.store());
        if (!cmp.ok()) return ctx.Fail(cmp.status());
        replay_ok = cmp->mismatches == 0;
        j["replay"] = {{"obligors", cmp->obligors},
                       {"collections", cmp->collections},
                       {"mismatches", cmp->mismatches},
                       {"problems", cmp->problems}};
        o << "replay: " << cmp->obligors << " obligors, " << cmp->collections << " collections, "
          << cmp->mismatches << " mismatches\n";
        for (const std::string& p : cmp->problems) o << "  " << p << "\n";
      }
      ctx.Emit(j, o.str());
      return v->intact && v->anchors_hold && replay_ok ? kExitOk : kExitRule;
    };
  });

  auto* anchor = cmd->add_subcommand(
      "anchor",
      "Print the newest audit row's number and hash (an anchor) to keep outside the database; "
      "`audit verify --anchor FILE` later proves no row up to it was rewritten or deleted");
  struct AnchorArgs {
    std::string out;
    bool overwrite = false;
  };
  auto aa = std::make_shared<AnchorArgs>();
  anchor->add_option("--out", aa->out, "Also write the anchor to this file (JSON, one line)");
  anchor->add_flag("--overwrite", aa->overwrite, "Replace --out if it exists");
  anchor->callback([&ctx, &action, aa] {
    action = [&ctx, aa]() -> int {
      if (!aa->out.empty()) {
        if (Status s = CheckOutputPath(ctx.g.db, "--out", aa->out, aa->overwrite); !s.ok()) {
          return ctx.Fail(s);
        }
      }
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto a = LatestAuditAnchor(ctx.store(), ctx.clock());
      if (!a.ok()) return ctx.Fail(a.status());
      const std::string text = AuditAnchorJson(*a);
      if (!aa->out.empty()) {
        const std::string partial = aa->out + ".partial";
        {
          std::ofstream f(partial, std::ios::binary | std::ios::trunc);
          f << text;
          f.flush();
          if (!f.good()) {
            std::error_code ec;
            std::filesystem::remove(partial, ec);
            return ctx.Fail(Internal("out_write_failed", "cannot write " + aa->out));
          }
        }
        std::error_code ec;
        std::filesystem::rename(partial, aa->out, ec);
        if (ec) {
          std::filesystem::remove(partial, ec);
          return ctx.Fail(Internal("out_write_failed", "cannot write " + aa->out));
        }
      }
      Json j = Json::parse(text);
      if (!aa->out.empty()) j["out"] = aa->out;
      std::string line =
          "audit anchor: row " + std::to_string(a->seq) + " hash " + a->hash + " (" + a->at + ")\n";
      if (!aa->out.empty())
        line += "written to " + aa->out + "; keep a copy outside this machine\n";
      return ctx.Emit(j, line);
    };
  });
}

void AddConfig(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand("config",
                                 "State options: distribution (federal defaults), risk tier "
                                 "cut-offs, access-log segment size");
  cmd->require_subcommand(1);
  auto* set = cmd->add_subcommand(
      "set", "Set an option (distribution options only before any payment is posted)");
  auto* list = cmd->add_subcommand("list", "Show every option and its value");
  auto kv = std::make_shared<std::pair<std::string, std::string>>();
  set->add_option("KEY", kv->first,
                  "distribution.assignment_model | distribution.tax_offset_order | "
                  "distribution.futures (none|withholding|all) | "
                  "distribution.federal_share_bps | "
                  "distribution.pass_through_one_child (0.00-100.00 a month) | "
                  "distribution.pass_through_two_or_more_children (0.00-200.00 a month) | "
                  "ledger.arrears_age_flag_days | "
                  "risk.tier_high_above | risk.tier_medium_above | access_log.segment_rows")
      ->required();
  set->add_option("VALUE", kv->second, "The value")->required();
  set->callback([&ctx, &action, kv] {
    action = [&ctx, kv]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      if (Status s = ctx.service().SetConfig(kv->first, kv->second); !s.ok()) return ctx.Fail(s);
      return ctx.Emit(Json{{kv->first, kv->second}}, kv->first + " = " + kv->second + "\n");
    };
  });
  list->callback([&ctx, &action] {
    action = [&ctx]() -> int {
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto all = ctx.service().ListConfig();
      if (!all.ok()) return ctx.Fail(all.status());
      Json j = Json::object();
      std::string text;
      for (const auto& [k, v] : *all) {
        j[k] = v;
        text += k + " = " + v + "\n";
      }
      return ctx.Emit(j, text);
    };
  });
}

void AddSimulate(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand(
      "simulate",
      "Create a synthetic caseload calibrated to national statistics (docs/SIMULATION.md), or "
      "print the calibration report of one with --report");
  struct Args {
    int64_t cases = 0;
    int32_t months = 24;
    uint64_t seed = 1;
    std::string as_of;
    std::vector<std::string> shocks;
    bool report = false;
    std::string report_markdown;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--cases", a->cases, "IV-D cases to create (1 to 10,000,000)")
      ->check(CLI::Range(int64_t{1}, sim::kMaxSimCases));
  cmd->add_option("--months", a->months, "Months of history ending with the --as-of month")
      ->check(CLI::Range(1, sim::kMaxSimMonths))
      ->capture_default_str();
  cmd->add_option("--seed", a->seed,
                  "Random seed: the same seed and arguments give the same "
                  "database, byte for byte")
      ->capture_default_str();
  cmd->add_option("--as-of", a->as_of, "Last day of the history, YYYY-MM-DD (not after today)");
  cmd->add_option("--shock", a->shocks,
                  "Scenario: recession@YYYY-MM or boom@YYYY-MM (repeatable), inside the window");
  cmd->add_flag("--report", a->report,
                "Print the calibration table (after creating, or for an existing database)");
  cmd->add_option("--report-markdown", a->report_markdown,
                  "Also write the calibration table as Markdown to this file");
  cmd->footer(
      "Examples:\n"
      "  opencse --db demo.db simulate --cases 5000 --months 24 --seed 7 --as-of 2025-06-30\n"
      "  opencse --db demo.db simulate --report\n"
      "The database must not hold cases yet. Exit status: 0 done (and, with --report, every\n"
      "calibrated measure within its band), 1 bad arguments or a measure out of its band,\n"
      "2 usage, 3 storage.");
  cmd->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      const bool generate = a->cases > 0;
      if (!generate && !a->report) {
        return ctx.Fail(InvalidArgument("sim_nothing_to_do",
                                        "give --cases, --as-of (and --months, --seed) to "
                                        "create a caseload, or --report"));
      }
      if (Status s = ctx.MakeClock(); !s.ok()) return ctx.Fail(s);
      const Date today = ctx.clock().Today();
      Json out = Json::object();
      std::string text;
      if (generate) {
        // Every argument is checked before the database is opened or created.
        sim::SimOptions o;
        o.cases = a->cases;
        o.months = a->months;
        o.seed = a->seed;
        if (a->as_of.empty()) {
          return ctx.Fail(InvalidArgument("sim_as_of_missing", "--as-of DATE is required"));
        }
        auto as_of = DateArg("--as-of", a->as_of);
        if (!as_of.ok()) return ctx.Fail(as_of.status());
        o.as_of = *as_of;
        for (const std::string& text_shock : a->shocks) {
          auto shock = sim::ParseShock(text_shock);
          if (!shock.ok()) return ctx.Fail(shock.status());
          o.shocks.push_back(*shock);
        }
        if (Status s = sim::ValidateOptions(o, today); !s.ok()) return ctx.Fail(s);
        if (Status s = ctx.Open(SqliteStore::OpenMode::kCreate); !s.ok()) return ctx.Fail(s);
        const auto start = std::chrono::steady_clock::now();
        const bool show_progress = !ctx.g.json && isatty(2) == 1;
        auto counts = sim::Simulate(ctx.store(), o, today, [&](const sim::SimCounts& c) {
          if (show_progress) {
            std::cerr << "simulate: " << c.cases << " of " << o.cases << " cases written\r"
                      << std::flush;
          }
        });
        if (show_progress) std::cerr << "\n";
        if (!counts.ok()) return ctx.Fail(counts.status());
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const sim::SimCounts& c = *counts;
        out = Json{
            {"db", ctx.g.db},           {"obligors", c.obligors},     {"cases", c.cases},
            {"persons", c.persons},     {"orders", c.orders},         {"employers", c.employers},
            {"jobs", c.jobs},           {"events", c.events},         {"payments", c.payments},
            {"reversals", c.reversals}, {"truth_rows", c.truth_rows}, {"seconds", seconds}};
        std::ostringstream o2;
        o2 << "simulated " << c.cases << " cases (" << c.obligors << " obligors, " << c.persons
           << " persons, " << c.orders << " orders, " << c.jobs << " jobs at " << c.employers
           << " employers, " << c.events << " case events, " << c.payments << " payments, "
           << c.reversals << " reversed) into " << ctx.g.db << " in " << seconds << " s\n";
        text = o2.str();
      } else {
        if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      }
      bool within = true;
      if (a->report) {
        auto report = sim::BuildCalibrationReport(ctx.store());
        if (!report.ok()) return ctx.Fail(report.status());
        within = report->all_within();
        Json rows = Json::array();
        for (const sim::CalibrationRow& r : report->rows) {
          rows.push_back(Json{{"measure", r.measure},
                              {"simulated_percent", r.simulated},
                              {"band_low", r.low ? Json(*r.low) : Json(nullptr)},
                              {"band_high", r.high ? Json(*r.high) : Json(nullptr)},
                              {"target", r.target},
                              {"source", r.source},
                              {"within", r.within()}});
        }
        out["calibration"] = rows;
        out["all_within"] = within;
        text += sim::FormatReportText(*report);
        if (!a->report_markdown.empty()) {
          // A report replaces an older report, but never the database or a directory.
          if (Status s = CheckOutputPath(ctx.g.db, "--report-markdown", a->report_markdown, true);
              !s.ok()) {
            return ctx.Fail(s);
          }
          std::ofstream f(a->report_markdown);
          f << sim::FormatReportMarkdown(*report);
          if (!f) {
            return ctx.Fail(Unavailable("store_io", "cannot write " + a->report_markdown));
          }
        }
      }
      const int code = ctx.Emit(out, text);
      return within ? code : kExitRule;
    };
  });
}

}  // namespace

Status cli::CheckOutputPath(const std::string& db, const std::string& flag, const std::string& path,
                            bool overwrite) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Absolute first: weakly_canonical leaves a relative path whose first element does not
  // exist relative, and it would never equal the database's absolute name ("x.db-access").
  const fs::path target = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (!ec && db != ":memory:") {
    const fs::path base = fs::weakly_canonical(fs::absolute(db, ec), ec);
    const std::string name = target.string();
    const std::string stem = base.string();
    if (!ec && name.starts_with(stem)) {
      // The database, its journal files and its access-log segments with theirs
      // (<db>-access, <db>-access-000002, ... and their -wal / -shm).
      const std::string rest = name.substr(stem.size());
      if (rest.empty() || rest == "-wal" || rest == "-shm" || rest == "-journal" ||
          rest.starts_with("-access")) {
        return InvalidArgument("out_is_database",
                               flag + " '" + path + "' is the database (or one of its files)");
      }
    }
  }
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::directory) {
    return InvalidArgument("out_is_directory", flag + " '" + path + "' is a directory");
  }
  if (fs::exists(st) && !overwrite) {
    return AlreadyExists("out_exists", flag + " '" + path +
                                           "' exists; choose a new file, or give --overwrite to "
                                           "replace it");
  }
  return Status::Ok();
}

CLI::Validator cli::WholeNumberAtLeast(int64_t min) {
  return CLI::Validator(
      [min](std::string& value) -> std::string {
        int64_t n = 0;
        const char* end = value.data() + value.size();
        const auto [stop, ec] = std::from_chars(value.data(), end, n);
        if (ec != std::errc() || stop != end || n < min) {
          return "'" + value + "' is not a whole number of at least " + std::to_string(min);
        }
        return "";
      },
      "INT>=" + std::to_string(min));
}

namespace {

// Options whose value is a date. An empty one must not pass for "not given" (its default,
// often today), so it is refused like any other malformed date.
bool IsDateOption(const std::string& name) {
  static const std::set<std::string> kDates = {
      "--today",         "--as-of",        "--drift-as-of", "--date", "--dob", "--effective",
      "--end",           "--start",        "--opened",      "--from", "--to",  "--assistance-from",
      "--assistance-to", "--evaluate-from"};
  return kDates.count(name) > 0;
}

// Checks of the parsed command line that CLI11 does not make: no empty --db or date value
// (the commands read an empty string as "use the default"), and an acting --user that can go
// into the audit trail (printable UTF-8, at most 64 characters).
Status CheckParsedValues(const CLI::App& app) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->count() == 0) continue;
    const std::string name = opt->get_name();
    bool empty = false;
    for (const std::string& r : opt->results()) empty = empty || r.empty();
    if ((name == "FILE" || name == "--out" || name == "--db") &&
        !std::all_of(opt->results().begin(), opt->results().end(),
                     [](const std::string& r) { return IsValidUtf8(r); })) {
      // File names are recorded in reports and the audit trail, which are UTF-8.
      return InvalidArgument("file_name_invalid",
                             name + ": the path is not valid UTF-8; rename the file");
    }
    if (!empty) continue;
    if (name == "--db") {
      return InvalidArgument("db_path_missing", "--db: empty; give the database file's path");
    }
    if (IsDateOption(name)) {
      return InvalidArgument("date_malformed",
                             name +
                                 ": empty; give YYYY-MM-DD, or leave the option out for its "
                                 "default");
    }
  }
  for (const CLI::App* sub : app.get_subcommands()) RETURN_IF_ERROR(CheckParsedValues(*sub));
  return Status::Ok();
}

Status CheckActingUser(const std::string& user) {
  if (Status s = ValidateText("--user", user,
                              {.required = true, .max_chars = 64, .missing_code = "user_invalid"});
      !s.ok()) {
    return InvalidArgument("user_invalid",
                           s.message() + " (the acting user goes into the audit trail)");
  }
  return Status::Ok();
}

}  // namespace

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  Context ctx(out, err);
  const char* env_db = std::getenv("OPENCSE_DB");
  ctx.g.db = env_db ? env_db : "opencse.db";
  const char* env_user = std::getenv("USER");
  ctx.g.user = env_user && *env_user ? env_user : "cli";
  CLI::App app{
      "opencse: an open-source child support enforcement system.\n"
      "Cases, orders, accrual, payment posting, federal distribution (42 USC 657) and arrears."};
  app.name("opencse");
  app.require_subcommand(1);
  app.add_option("--db", ctx.g.db, "Database file (default $OPENCSE_DB or ./opencse.db)");
  app.add_flag("--json", ctx.g.json, "Print JSON instead of text")
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  app.add_option("--user", ctx.g.user,
                 "Who is acting, recorded in the audit trail (default $USER)");
  app.add_option("--today", ctx.g.today,
                 "Run as if today were YYYY-MM-DD (demos, tests, training)");
  std::function<int()> action;
  AddInit(app, ctx, action);
  AddParty(app, ctx, action);
  AddCaseCmd(app, ctx, action);
  AddOrderCmd(app, ctx, action);
  AddAssistanceCmd(app, ctx, action);
  AddEmployerCmds(app, ctx, action);
  AddPostPayment(app, ctx, action);
  AddReversePayment(app, ctx, action);
  AddLedger(app, ctx, action);
  AddImport(app, ctx, action);
  AddAudit(app, ctx, action);
  AddConfig(app, ctx, action);
  AddSimulate(app, ctx, action);
  AddModel(app, ctx, action);
  AddScore(app, ctx, action);
  AddIwo(app, ctx, action);  // after AddImport: adds `import newhire`
  // After AddImport: adds `import remittance`.
  AddRemittance(app, ctx, action);
  AddPaymentsIn(app, ctx, action);    // after AddImport, AddIwo, AddRemittance
  AddIwoDocuments(app, ctx, action);  // after AddIwo: adds `iwo pdf`
  AddEiwo(app, ctx, action);  // after AddIwo and AddImport: `iwo export-eiwo`, `import eiwo-ack`
  AddHttp(app, ctx, action);
  AddEnforcement(app, ctx, action);
  AddContact(app, ctx, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A mistyped subcommand is left over as an argument, and CLI11 then only says that a
    // subcommand is required: name the word it did not know.
    const CLI::App* deepest = &app;
    while (!deepest->get_subcommands().empty()) deepest = deepest->get_subcommands().front();
    std::vector<std::string> left = deepest->remaining();
    if (left.empty()) left = app.remaining();
    if (e.get_name() == "RequiredError" && !left.empty() && !left.front().starts_with("-")) {
      err << "unknown subcommand '" << left.front() << "'\n"
          << "Run with --help for the list of subcommands.\n";
      return kExitUsage;
    }
    const int rc = app.exit(e, out, err);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (!action) return kExitUsage;
  if (Status s = CheckParsedValues(app); !s.ok()) return ctx.Fail(s);
  if (Status s = CheckActingUser(ctx.g.user); !s.ok()) return ctx.Fail(s);
  try {
    return action();
  } catch (const std::exception& e) {
    return ctx.Fail(Internal("internal", e.what()));
  }
}

}  // namespace cse
