// File: cli/context.h
//
// What every `opencse` subcommand shares: the global flags, the opened store and ledger
// service, the clock (frozen by --today), exit codes, error printing, and argument parsers
// that name the flag at fault. Each subsystem registers its commands from its own file
// (cli/commands.h) with the AddXxx(app, ctx, action) pattern.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/date.h"
#include "core/ids.h"
#include "domain/validate.h"
#include "money/money.h"
#include "service/json.h"
#include "service/ledger_service.h"
#include "storage/sqlite/sqlite_store.h"

namespace cse::cli {

constexpr int kExitOk = 0;
constexpr int kExitRule = 1;
constexpr int kExitUsage = 2;
constexpr int kExitStore = 3;

// A clock frozen at midnight of a given day: `--today` makes runs reproducible.
class FixedDayClock final : public Clock {
 public:
  explicit FixedDayClock(Date day) : micros_(int64_t{day.days()} * 86400LL * 1000000LL) {}
  int64_t NowMicros() const override { return micros_; }

 private:
  int64_t micros_;
};

struct Globals {
  std::string db;
  bool json = false;
  std::string user;
  std::string today;
};

class Context {
 public:
  Context(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}
  Globals g;
  std::ostream& out() { return out_; }

  // Opens the store (creating it only for `init`) and the service.
  // The clock: frozen at --today when given, else the system's. Open calls it; a command
  // that must check dates before touching the database calls it first.
  // `running` (serve): --today's day at the real time of day, advancing (RunningClock), so
  // that sessions expire, lockouts end and access-log rows say when.
  Status MakeClock(bool running = false) {
    if (!g.today.empty()) {
      auto day = Date::Parse(g.today);
      if (!day.ok()) return day.status().WithContext("--today");
      if (running) {
        clock_ = std::make_unique<RunningClock>(*day);
      } else {
        clock_ = std::make_unique<FixedDayClock>(*day);
      }
    } else {
      clock_ = std::make_unique<SystemClock>();
    }
    return Status::Ok();
  }

  Status Open(SqliteStore::OpenMode mode) {
    RETURN_IF_ERROR(MakeClock());
    ASSIGN_OR_RETURN(store_, SqliteStore::Open(g.db, mode));
    service_ = std::make_unique<LedgerService>(*store_, *clock_, g.user);
    return Status::Ok();
  }
  LedgerService& service() { return *service_; }
  SqliteStore& store() { return *store_; }
  const Clock& clock() { return *clock_; }

  int Fail(const Status& s) {
    const bool store_error = s.reason() == "store_io" || s.reason() == "store_busy" ||
                             s.reason() == "db_not_found" || s.reason() == "db_empty" ||
                             s.reason() == "batch_running" || s.reason() == "store_read_only" ||
                             s.reason() == "schema_too_new" || s.code() == StatusCode::kDataLoss;
    if (g.json) {
      out_ << DumpJson(Json{{"code", s.reason()}, {"message", s.message()}}) << "\n";
    } else {
      err_ << "error: " << s.reason() << ": " << s.message() << "\n";
    }
    return store_error ? kExitStore : kExitRule;
  }
  int Emit(const Json& j, const std::string& text) {
    if (g.json) {
      out_ << DumpJson(j) << "\n";
    } else {
      out_ << text;
    }
    return kExitOk;
  }

 private:
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<LedgerService> service_;
};

inline Result<Date> DateArg(const std::string& flag, const std::string& text) {
  auto d = Date::Parse(text);
  if (!d.ok()) return d.status().WithContext(flag);
  return d;
}

// `text` as a date, or today when it is empty.
inline Result<Date> DateOrToday(const Clock& clock, const std::string& flag,
                                const std::string& text) {
  if (text.empty()) return clock.Today();
  return DateArg(flag, text);
}

// For the report commands (offset certify, unidentified list and report, iwo export-eiwo): the
// `--as-of` date (today when `text` is empty), checked before the existing database is opened.
// A day after today is refused (date_in_future): arrears, ages and document dates as of a day
// that has not begun are not yet true (offset certify certified support not yet due).
inline Result<Date> AsOfThenOpen(Context& ctx, const std::string& text) {
  RETURN_IF_ERROR(ctx.MakeClock());
  ASSIGN_OR_RETURN(Date day, DateOrToday(ctx.clock(), "--as-of", text));
  RETURN_IF_ERROR(ValidateNotAfterToday("--as-of", day, ctx.clock().Today(),
                                        "a report is as of a day that has begun"));
  RETURN_IF_ERROR(ctx.Open(SqliteStore::OpenMode::kMustExist));
  return day;
}

inline Result<std::optional<Date>> OptDateArg(const std::string& flag, const std::string& text) {
  if (text.empty()) return std::optional<Date>();
  ASSIGN_OR_RETURN(Date d, DateArg(flag, text));
  return std::optional<Date>(d);
}

inline Result<Money> MoneyArg(const std::string& flag, const std::string& text,
                              SignPolicy sign = SignPolicy::kPositiveOnly) {
  auto m = ParseMoney(text, sign);
  if (!m.ok()) return m.status().WithContext(flag);
  return m;
}

template <typename IdT>
Result<IdT> IdArg(const std::string& flag, std::string_view prefix, const std::string& text) {
  auto v = ParseDisplayId(prefix, text);
  if (!v.ok()) return v.status().WithContext(flag);
  return IdT{*v};
}

// `s` padded with spaces to `width` (at least one space after it), for text tables.
inline std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

}  // namespace cse::cli
