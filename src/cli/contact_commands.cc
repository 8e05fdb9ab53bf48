// `opencse contact log|list`: the contact history the outreach channel is chosen from
// (enforce/contact.h; docs/ENFORCEMENT.md "Contact channel").
#include <CLI/CLI.hpp>
#include <sstream>

#include "auth/auth_service.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "enforce/contact.h"

namespace cse::cli {
namespace {

Json AttemptJson(const enforce::ContactAttempt& a) {
  return Json{{"id", a.id},
              {"person_id", PersonDisplayId(a.person)},
              {"channel", a.channel},
              {"date", a.date.ToString()},
              {"outcome", a.outcome},
              {"note", a.note},
              {"recorded_by", a.recorded_by},
              {"recorded_at", a.recorded_at}};
}

std::string AttemptLine(const enforce::ContactAttempt& a) {
  return a.date.ToString() + "  " + a.channel + "  " + a.outcome +
         (a.note.empty() ? "" : "  " + a.note) + "  (by " + a.recorded_by + ")\n";
}

void AddLog(CLI::App& cmd, Context& ctx, std::function<int()>& action) {
  struct Args {
    std::string person, channel, outcome, date, note;
  };
  auto a = std::make_shared<Args>();
  auto* log = cmd.add_subcommand("log", "Record one attempt to reach a person");
  log->add_option("--person", a->person, "Person id (PRS-000042)")->required();
  log->add_option("--channel", a->channel, "sms | email | phone")->required();
  log->add_option("--outcome", a->outcome, "reached | no_answer | bounced | opted_out")->required();
  log->add_option("--date", a->date, "The attempt's date YYYY-MM-DD (default: today)");
  log->add_option("--note", a->note, "Free text (at most 500 characters)");
  log->footer(
      "bounced = no working number or address; opted_out = the person asked not to be\n"
      "contacted that way. Either excludes the channel until a later attempt reaches them.\n"
      "Who (--user), once an active admin exists: an active caseworker, supervisor, attorney,\n"
      "investigator or admin (the roles that write case notes); a caseworker or supervisor only\n"
      "for a party (obligor, obligee, child) of a case in their office's caseload. Errors:\n"
      "user_unknown (no such user, or disabled), role_not_allowed, person_not_in_caseload;\n"
      "nothing is written.");
  log->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto id = IdArg<PersonId>("--person", "PRS", a->person);
      if (!id.ok()) return ctx.Fail(id.status());
      if (Status s = enforce::ValidateContact(a->channel, a->outcome); !s.ok()) {
        return ctx.Fail(s);
      }
      auto date = OptDateArg("--date", a->date);
      if (!date.ok()) return ctx.Fail(date.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto done = enforce::LogContactAttempt(ctx.store(), ctx.clock(), ctx.g.user,
                                             {*id, a->channel, a->outcome, *date, a->note},
                                             &auth::CheckContactRecorder);
      if (!done.ok()) return ctx.Fail(done.status());
      return ctx.Emit(AttemptJson(*done), "recorded contact attempt " + std::to_string(done->id) +
                                              " for " + PersonDisplayId(*id) + ": " +
                                              AttemptLine(*done));
    };
  });
}

void AddList(CLI::App& cmd, Context& ctx, std::function<int()>& action) {
  struct Args {
    std::string person, as_of;
  };
  auto a = std::make_shared<Args>();
  auto* list = cmd.add_subcommand(
      "list", "A person's contact attempts and the channel outreach would use, with its numbers");
  list->add_option("--person", a->person, "Person id (PRS-000042)")->required();
  list->add_option("--as-of", a->as_of, "The day to choose the channel for (default: today)");
  list->callback([&ctx, &action, a] {
    action = [&ctx, a]() -> int {
      auto id = IdArg<PersonId>("--person", "PRS", a->person);
      if (!id.ok()) return ctx.Fail(id.status());
      auto as_of = OptDateArg("--as-of", a->as_of);
      if (!as_of.ok()) return ctx.Fail(as_of.status());
      if (Status s = ctx.Open(SqliteStore::OpenMode::kMustExist); !s.ok()) return ctx.Fail(s);
      auto r = enforce::SummarizeContacts(ctx.store(), *id, as_of->value_or(ctx.clock().Today()));
      if (!r.ok()) return ctx.Fail(r.status());
      Json attempts = Json::array();
      std::ostringstream t;
      t << PersonDisplayId(*id) << ": " << r->attempts.size() << " contact attempt(s)\n";
      for (const enforce::ContactAttempt& x : r->attempts) {
        attempts.push_back(AttemptJson(x));
        t << "  " << AttemptLine(x);
      }
      t << "outreach channel: " << r->choice.reason << "\n";
      return ctx.Emit(Json{{"person_id", PersonDisplayId(*id)},
                           {"attempts", attempts},
                           {"channel", r->choice.channel},
                           {"rate", r->choice.rate},
                           {"reason", r->choice.reason}},
                      t.str());
    };
  });
}

}  // namespace

void AddContact(CLI::App& app, Context& ctx, std::function<int()>& action) {
  auto* cmd = app.add_subcommand(
      "contact", "Contact history: attempts to reach a person, and the outreach channel");
  cmd->require_subcommand(1);
  AddLog(*cmd, ctx, action);
  AddList(*cmd, ctx, action);
}

}  // namespace cse::cli
