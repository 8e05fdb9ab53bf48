// File: tests/golden/golden_test.cc
//
// Runs every golden scenario file (*.scn) in OPENCSE_GOLDEN_DIR (STYLE.md §11; format in
// README.md) as one test. Each scenario gets a fresh in-memory SQLite store and the real
// LedgerService with a FakeClock whose date the scenario sets with `today`. Setup lines that
// fail stop the scenario; each `expect` that disagrees reports the file, the line, the line's
// text, and every expected and actual value, then the scenario continues.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "service/ledger_service.h"
#include "service/replay.h"
#include "storage/sqlite/sqlite_store.h"

#ifndef OPENCSE_GOLDEN_DIR
#error "OPENCSE_GOLDEN_DIR must name the directory that holds the *.scn files"
#endif

namespace cse {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;
constexpr int64_t kNoonMicros = 12LL * 3600LL * 1000000LL;
constexpr size_t kScenariosMin = 12;
constexpr const char* kKnownBugTag = "# KNOWN-BUG:";
constexpr const char* kFactsTag = "# FACTS §";
// Set (to anything) to run scenarios marked KNOWN-BUG instead of skipping them.
constexpr const char* kRunKnownBugsEnv = "OPENCSE_GOLDEN_RUN_KNOWN_BUGS";

std::string Trim(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// A setup or syntax problem in the scenario itself; stops the scenario.
struct ScenarioError {
  std::string message;
};

// One non-comment line: `command [positional...] [key=value...]`.
class Line {
 public:
  Line(int number, std::string text) : number_(number), text_(std::move(text)) {
    std::istringstream in(text_);
    std::string token;
    while (in >> token) {
      const size_t eq = token.find('=');
      if (eq == std::string::npos || eq == 0) {
        words_.push_back(token);
      } else {
        named_.push_back({token.substr(0, eq), token.substr(eq + 1), false});
      }
    }
  }

  int number() const { return number_; }
  const std::string& text() const { return text_; }

  // Positional word `i` (0 is the command). Throws when missing.
  const std::string& Word(size_t i, const char* what) const {
    if (i >= words_.size()) throw ScenarioError{std::string("missing ") + what};
    return words_[i];
  }

  std::optional<std::string> Get(const std::string& key) {
    std::optional<std::string> found;
    for (Named& n : named_) {
      if (n.key != key) continue;
      if (found) throw ScenarioError{"argument '" + key + "' given twice"};
      n.used = true;
      found = n.value;
    }
    return found;
  }
  std::string Require(const std::string& key) {
    std::optional<std::string> v = Get(key);
    if (!v) throw ScenarioError{"missing argument '" + key + "='"};
    return *v;
  }
  std::vector<std::string> All(const std::string& key) {
    std::vector<std::string> out;
    for (Named& n : named_) {
      if (n.key != key) continue;
      n.used = true;
      out.push_back(n.value);
    }
    return out;
  }
  // Keys given but never read: a typo in a scenario must not pass silently.
  void CheckAllUsed() const {
    for (const Named& n : named_) {
      if (!n.used) throw ScenarioError{"unknown argument '" + n.key + "='"};
    }
  }

 private:
  struct Named {
    std::string key;
    std::string value;
    bool used = false;
  };
  int number_;
  std::string text_;
  std::vector<std::string> words_;
  std::vector<Named> named_;
};

Date ParseDateArg(const std::string& text) {
  Result<Date> d = Date::Parse(text);
  if (!d.ok()) throw ScenarioError{"bad date '" + text + "': " + d.status().ToString()};
  return *d;
}

// Amounts in scenarios are exact decimal text; never floating point.
Money ParseMoneyArg(const std::string& text) {
  Result<Money> m = ParseMoney(text, SignPolicy::kAllowNegative);
  if (!m.ok()) throw ScenarioError{"bad amount '" + text + "': " + m.status().ToString()};
  return *m;
}

bool ParseYesNo(const std::string& text) {
  if (text == "yes") return true;
  if (text == "no") return false;
  throw ScenarioError{"expected yes or no, got '" + text + "'"};
}

template <typename T>
T ParseEnumArg(Result<T> r) {
  if (!r.ok()) throw ScenarioError{r.status().ToString()};
  return *r;
}

Bucket ParseBucket(const std::string& text) {
  for (int i = 0; i < kBucketCount; ++i) {
    if (Name(static_cast<Bucket>(i)) == text) return static_cast<Bucket>(i);
  }
  throw ScenarioError{"unknown bucket '" + text + "'"};
}

std::string YesNo(bool b) { return b ? "yes" : "no"; }

// Collects expected-vs-actual mismatches of one `expect` line.
class Comparison {
 public:
  void Amount(const std::string& field, const std::string& expected_text, Money actual) {
    const Money expected = ParseMoneyArg(expected_text);
    if (expected != actual) Add(field, expected.ToString(), actual.ToString());
  }
  void Text(const std::string& field, const std::string& expected, const std::string& actual) {
    if (expected != actual) Add(field, expected, actual);
  }
  bool ok() const { return mismatches_.empty(); }
  const std::string& report() const { return mismatches_; }

 private:
  void Add(const std::string& field, const std::string& expected, const std::string& actual) {
    mismatches_ += "\n    " + field + ": expected " + expected + ", actual " + actual;
  }
  std::string mismatches_;
};

class ScenarioRunner {
 public:
  explicit ScenarioRunner(std::filesystem::path path)
      : path_(std::move(path)), file_(path_.string()), clock_(DayMicros(Date::Ymd(2000, 1, 1))) {}

  void Run() {
    std::ifstream in(path_);
    ASSERT_TRUE(in) << "cannot open " << file_;
    std::vector<std::string> lines;
    for (std::string s; std::getline(in, s);) lines.push_back(s);
    ASSERT_FALSE(lines.empty()) << file_ << " is empty";
    ASSERT_TRUE(lines.front().rfind(kFactsTag, 0) == 0)
        << file_ << ":1: the first line must cite the FACTS section, e.g. '# FACTS §4.1 ...'";
    const bool run_known_bugs = std::getenv(kRunKnownBugsEnv) != nullptr;
    for (const std::string& s : lines) {
      if (!run_known_bugs && Trim(s).rfind(kKnownBugTag, 0) == 0) {
        GTEST_SKIP() << file_ << ": " << Trim(s) << " (set " << kRunKnownBugsEnv << "=1 to run it)";
      }
    }
    Result<std::unique_ptr<SqliteStore>> opened =
        SqliteStore::Open(":memory:", SqliteStore::OpenMode::kCreate);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    service_ = std::make_unique<LedgerService>(*store_, clock_, "golden");
    int expects = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string text = Trim(lines[i]);
      if (text.empty() || text.front() == '#') continue;
      Line line(static_cast<int>(i + 1), text);
      try {
        if (line.Word(0, "command") == "expect") ++expects;
        Execute(line);
        line.CheckAllUsed();
      } catch (const ScenarioError& e) {
        ADD_FAILURE_AT(file_.c_str(), line.number())
            << "scenario error at " << file_ << ":" << line.number() << "\n  " << text << "\n  "
            << e.message << "\n  (the rest of the scenario is not run)";
        return;
      }
    }
    EXPECT_GT(expects, 0) << file_ << " has no expect lines";
  }

 private:
  static int64_t DayMicros(Date d) { return int64_t{d.days()} * kMicrosPerDay + kNoonMicros; }

  void Execute(Line& line) {
    static const std::map<std::string, void (ScenarioRunner::*)(Line&)> kCommands{
        {"config", &ScenarioRunner::Config},
        {"today", &ScenarioRunner::Today},
        {"person", &ScenarioRunner::AddPerson},
        {"case", &ScenarioRunner::AddCase},
        {"order", &ScenarioRunner::AddOrder},
        {"assistance", &ScenarioRunner::AddAssistance},
        {"assistance-end", &ScenarioRunner::EndAssistance},
        {"pay", &ScenarioRunner::Pay},
        {"pay-expect-error", &ScenarioRunner::PayExpectError},
        {"reverse", &ScenarioRunner::Reverse},
        {"reverse-expect-error", &ScenarioRunner::ReverseExpectError},
        {"expect", &ScenarioRunner::Expect},
    };
    const auto it = kCommands.find(line.Word(0, "command"));
    if (it == kCommands.end()) throw ScenarioError{"unknown command '" + line.Word(0, "") + "'"};
    (this->*(it->second))(line);
  }

  template <typename T>
  T Must(Result<T> r, const std::string& what) {
    if (!r.ok()) throw ScenarioError{what + " failed: " + r.status().ToString()};
    return std::move(r).value();
  }
  void Must(const Status& s, const std::string& what) {
    if (!s.ok()) throw ScenarioError{what + " failed: " + s.ToString()};
  }

  template <typename Id>
  static Id Lookup(const std::map<std::string, Id>& names, const std::string& name,
                   const char* kind) {
    const auto it = names.find(name);
    if (it == names.end()) throw ScenarioError{std::string("unknown ") + kind + " '" + name + "'"};
    return it->second;
  }
  template <typename Id>
  static void Define(std::map<std::string, Id>& names, const std::string& name, Id id,
                     const char* kind) {
    if (!names.emplace(name, id).second) {
      throw ScenarioError{std::string(kind) + " '" + name + "' defined twice"};
    }
  }
  PersonId PersonArg(const std::string& name) { return Lookup(persons_, name, "person"); }
  CaseId CaseArg(const std::string& name) { return Lookup(cases_, name, "case"); }

  void Config(Line& line) {
    Must(service_->SetConfig(line.Word(1, "config key"), line.Word(2, "config value")), "config");
  }

  void Today(Line& line) { clock_.SetMicros(DayMicros(ParseDateArg(line.Word(1, "date")))); }

  void AddPerson(Line& line) {
    Person p;
    p.first_name = line.Word(1, "person name");
    p.last_name = "Golden";
    Define(persons_, p.first_name, Must(service_->AddPerson(p), "person"), "person");
  }

  void AddCase(Line& line) {
    NewCase r;
    const std::string& name = line.Word(1, "case name");
    r.obligor = PersonArg(line.Require("obligor"));
    r.obligee = PersonArg(line.Require("obligee"));
    for (const std::string& c : line.All("child")) r.children.push_back(PersonArg(c));
    if (auto t = line.Get("type")) r.type = ParseEnumArg(ParseCaseType(*t));
    if (auto d = line.Get("opened")) r.opened = ParseDateArg(*d);
    if (auto from = line.Get("assistance_from")) {
      AssistanceEpisode e;
      e.start_date = ParseDateArg(*from);
      if (auto to = line.Get("assistance_to")) e.end_date = ParseDateArg(*to);
      e.monthly_grant = ParseMoneyArg(line.Require("grant"));
      r.assistance = e;
    }
    Define(cases_, name, Must(service_->AddCase(r), "case"), "case");
  }

  // term=CHILD:AMOUNT[:END] adds a per-child term.
  ChildTerm ParseTerm(const std::string& text) {
    const size_t a = text.find(':');
    if (a == std::string::npos) throw ScenarioError{"term must be CHILD:AMOUNT[:END]"};
    const size_t b = text.find(':', a + 1);
    ChildTerm t;
    t.child = PersonArg(text.substr(0, a));
    t.amount = ParseMoneyArg(text.substr(a + 1, b == std::string::npos ? b : b - a - 1));
    if (b != std::string::npos) t.end_date = ParseDateArg(text.substr(b + 1));
    return t;
  }

  void AddOrder(Line& line) {
    Order o;
    const std::string& name = line.Word(1, "order name");
    o.case_id = CaseArg(line.Require("case"));
    o.type = ParseEnumArg(ParseObligationType(line.Require("type")));
    o.amount = ParseMoneyArg(line.Require("amount"));
    o.frequency = ParseEnumArg(ParseFrequency(line.Require("freq")));
    o.effective_date = ParseDateArg(line.Require("from"));
    if (auto to = line.Get("to")) o.end_date = ParseDateArg(*to);
    if (auto j = line.Get("judgment")) o.judgment = ParseMoneyArg(*j);
    if (auto d = line.Get("accrued_from")) o.judgment_accrued_from = ParseDateArg(*d);
    if (auto d = line.Get("accrued_through")) o.judgment_accrued_through = ParseDateArg(*d);
    for (const std::string& t : line.All("term")) o.child_terms.push_back(ParseTerm(t));
    std::optional<OrderId> replaces;
    if (auto r = line.Get("replaces")) replaces = Lookup(orders_, *r, "order");
    Define(orders_, name, Must(service_->AddOrder(o, replaces), "order"), "order");
  }

  void AddAssistance(Line& line) {
    AssistanceEpisode e;
    e.case_id = CaseArg(line.Require("case"));
    e.start_date = ParseDateArg(line.Require("from"));
    if (auto to = line.Get("to")) e.end_date = ParseDateArg(*to);
    e.monthly_grant = ParseMoneyArg(line.Require("grant"));
    Must(service_->AddAssistance(e), "assistance");
  }

  void EndAssistance(Line& line) {
    Must(service_->EndAssistance(CaseArg(line.Require("case")), ParseDateArg(line.Require("date"))),
         "assistance-end");
  }

  PaymentRequest ParsePayment(Line& line) {
    PaymentRequest r;
    r.key = line.Word(1, "payment key");
    r.case_id = CaseArg(line.Require("case"));
    r.amount = ParseMoneyArg(line.Require("amount"));
    r.date = ParseDateArg(line.Require("date"));
    r.source = ParseEnumArg(ParsePaymentSource(line.Require("source")));
    return r;
  }

  void Pay(Line& line) {
    const PaymentRequest r = ParsePayment(line);
    const std::string want = line.Get("outcome").value_or("created");
    if (want != "created" && want != "exists") {
      throw ScenarioError{"outcome must be created or exists"};
    }
    const PostResult posted = Must(service_->PostPayment(r), "pay " + r.key);
    const std::string got = posted.outcome == PostOutcome::kCreated ? "created" : "exists";
    if (got != want) {
      ADD_FAILURE_AT(file_.c_str(), line.number())
          << file_ << ":" << line.number() << "\n  " << line.text() << "\n    outcome: expected "
          << want << ", actual " << got;
    }
  }

  void ExpectError(Line& line, const Status& s) {
    const std::string want = line.Require("code");
    if (s.reason() != want) {
      ADD_FAILURE_AT(file_.c_str(), line.number())
          << file_ << ":" << line.number() << "\n  " << line.text() << "\n    code: expected "
          << want << ", actual " << (s.ok() ? std::string("(success)") : s.ToString());
    }
  }

  void PayExpectError(Line& line) {
    Result<PostResult> r = service_->PostPayment(ParsePayment(line));
    ExpectError(line, r.status());
  }

  void Reverse(Line& line) {
    const std::string key = line.Word(1, "payment key");
    Must(service_->ReversePayment(key, ParseDateArg(line.Require("date")), line.Require("reason")),
         "reverse " + key);
  }

  void ReverseExpectError(Line& line) {
    const std::string key = line.Word(1, "payment key");
    Result<ReverseResult> r = service_->ReversePayment(key, ParseDateArg(line.Require("date")),
                                                       line.Get("reason").value_or(""));
    ExpectError(line, r.status());
  }

  void Expect(Line& line) {
    const std::string& what = line.Word(1, "what to expect");
    Comparison cmp;
    if (what == "distribution") {
      ExpectDistribution(line, cmp);
    } else if (what == "applied") {
      ExpectApplied(line, cmp);
    } else if (what == "balance") {
      ExpectBalance(line, cmp);
    } else if (what == "obligor") {
      ExpectObligor(line, cmp);
    } else if (what == "debt") {
      ExpectDebt(line, cmp);
    } else if (what == "futures") {
      ExpectFutures(line, cmp);
    } else if (what == "case") {
      ExpectCase(line, cmp);
    } else if (what == "replay") {
      ExpectReplay(line, cmp);
    } else {
      throw ScenarioError{"unknown expect '" + what + "'"};
    }
    if (!cmp.ok()) {
      ADD_FAILURE_AT(file_.c_str(), line.number())
          << file_ << ":" << line.number() << "\n  " << line.text() << cmp.report();
    }
  }

  // The collection's distribution as stored now (after every redistribution), or with case=
  // only that case's part as GetCaseLedger shows it as of as_of (default: today).
  Distribution DistributionOf(Line& line, const std::string& key) {
    std::optional<StoredCollection> row =
        Must(store_->FindCollectionByKey(key), "find payment " + key);
    if (!row) throw ScenarioError{"no payment with key '" + key + "'"};
    const std::optional<std::string> case_name = line.Get("case");
    if (!case_name) return row->distribution;
    const std::optional<std::string> as_of_text = line.Get("as_of");
    const Date as_of = as_of_text ? ParseDateArg(*as_of_text) : clock_.Today();
    const CaseLedger ledger = Must(service_->GetCaseLedger(CaseArg(*case_name), as_of), "ledger");
    for (const CaseLedger::Entry& e : ledger.collections) {
      if (e.collection.id == row->collection.id) return e.distribution;
    }
    return Distribution{};
  }

  void ExpectDistribution(Line& line, Comparison& cmp) {
    const std::string key = line.Word(2, "payment key");
    const Distribution d = DistributionOf(line, key);
    if (auto v = line.Get("family")) cmp.Amount("family", *v, d.to_family);
    if (auto v = line.Get("state")) cmp.Amount("state", *v, d.to_state);
    if (auto v = line.Get("federal")) cmp.Amount("federal", *v, d.to_federal);
    if (auto v = line.Get("held")) cmp.Amount("held", *v, d.held);
    if (auto v = line.Get("passed_through")) cmp.Amount("passed_through", *v, PassedThrough(d));
  }

  // Sum of the stored distribution lines of a payment that match every filter given.
  void ExpectApplied(Line& line, Comparison& cmp) {
    const std::string key = line.Word(2, "payment key");
    std::optional<StoredCollection> row =
        Must(store_->FindCollectionByKey(key), "find payment " + key);
    if (!row) throw ScenarioError{"no payment with key '" + key + "'"};
    const auto case_name = line.Get("case");
    const auto as = line.Get("as");
    const auto bucket = line.Get("bucket");
    const auto payee = line.Get("payee");
    const auto due = line.Get("due");
    const auto type = line.Get("type");
    const auto pass_through = line.Get("pass_through");
    const bool passed = pass_through && ParseYesNo(*pass_through);
    const std::optional<CaseId> case_id =
        case_name ? std::optional<CaseId>(CaseArg(*case_name)) : std::nullopt;
    const Date due_date = due ? ParseDateArg(*due) : Date();
    if (bucket) ParseBucket(*bucket);
    Money sum;
    for (const DistributionLine& l : row->distribution.lines) {
      if (case_id && l.case_id != *case_id) continue;
      if (as && Name(l.applied_as) != *as) continue;
      if (bucket && Name(l.bucket) != *bucket) continue;
      if (payee && Name(l.payee) != *payee) continue;
      if (due && l.due_date != due_date) continue;
      if (type && Name(l.type) != *type) continue;
      if (pass_through && l.pass_through != passed) continue;
      sum += l.amount;
    }
    cmp.Amount("amount", line.Require("amount"), sum);
  }

  // `expect futures KEY case=C as_of=D [date=D] [family=] [state=] [federal=] [count=]`: the
  // held money of payment KEY applied as future support to case C, as GetCaseLedger shows it
  // as of as_of (ledger/policy.h FuturesRule), summed over the month starts it paid (or the
  // one named by date=).
  void ExpectFutures(Line& line, Comparison& cmp) {
    const std::string key = line.Word(2, "payment key");
    const CaseLedger ledger = Must(
        service_->GetCaseLedger(CaseArg(line.Require("case")), ParseDateArg(line.Require("as_of"))),
        "ledger");
    const auto date = line.Get("date");
    const Date on = date ? ParseDateArg(*date) : Date();
    Money family, state, federal;
    int count = 0;
    for (const CaseLedger::FuturesEntry& f : ledger.futures) {
      if (f.collection.idempotency_key != key || (date && f.date != on)) continue;
      family += f.distribution.to_family;
      state += f.distribution.to_state;
      federal += f.distribution.to_federal;
      ++count;
    }
    if (auto v = line.Get("family")) cmp.Amount("family", *v, family);
    if (auto v = line.Get("state")) cmp.Amount("state", *v, state);
    if (auto v = line.Get("federal")) cmp.Amount("federal", *v, federal);
    if (auto v = line.Get("count")) cmp.Text("count", *v, std::to_string(count));
  }

  void CompareBuckets(Line& line, Comparison& cmp, const Money (&buckets)[kBucketCount]) {
    for (int i = 0; i < kBucketCount; ++i) {
      const std::string name(Name(static_cast<Bucket>(i)));
      if (auto v = line.Get(name)) cmp.Amount(name, *v, buckets[i]);
    }
  }

  void ExpectBalance(Line& line, Comparison& cmp) {
    const Date as_of = ParseDateArg(line.Require("as_of"));
    const CaseLedger ledger =
        Must(service_->GetCaseLedger(CaseArg(line.Require("case")), as_of), "ledger");
    const CaseBalance& b = ledger.balance;
    const std::vector<std::pair<const char*, Money>> amounts{
        {"arrears", b.arrears_total},
        {"overdue", b.overdue},
        {"accrued", b.accrued},
        {"paid", b.paid},
        {"current_due", b.current_due},
        {"current_unpaid", b.current_unpaid},
        {"prepaid", b.prepaid},
        {"over_12_weeks", b.arrears_over_age_flag},
        {"monthly_support", b.monthly_support},
        {"ura", b.ura_balance},
        {"ura_granted", b.ura_granted},
        {"ura_retained", b.ura_retained},
        {"collected", b.collected},
        {"to_family", b.to_family},
        {"to_state", b.to_state},
        {"to_federal", b.to_federal},
        {"passed_through", b.passed_through},
    };
    for (const auto& [field, actual] : amounts) {
      if (auto v = line.Get(field)) cmp.Amount(field, *v, actual);
    }
    CompareBuckets(line, cmp, b.arrears_by_bucket);
    if (auto v = line.Get("delinquent"))
      cmp.Text("delinquent", YesNo(ParseYesNo(*v)), YesNo(b.delinquent));
    if (auto v = line.Get("oldest_due")) {
      cmp.Text("oldest_due", ParseDateArg(*v).ToString(),
               b.arrears_oldest_due ? b.arrears_oldest_due->ToString() : "none");
    }
  }

  void ExpectObligor(Line& line, Comparison& cmp) {
    const Date as_of = ParseDateArg(line.Require("as_of"));
    const ObligorBalance b = Must(
        service_->GetObligorBalance(PersonArg(line.Word(2, "obligor name")), as_of), "obligor");
    if (auto v = line.Get("arrears")) cmp.Amount("arrears", *v, b.arrears_total);
    if (auto v = line.Get("overdue")) cmp.Amount("overdue", *v, b.overdue);
    if (auto v = line.Get("held")) cmp.Amount("held", *v, b.held_total);
    if (auto v = line.Get("collections")) cmp.Amount("collections", *v, b.collections_total);
    CompareBuckets(line, cmp, b.arrears_by_bucket);
    if (auto v = line.Get("delinquent"))
      cmp.Text("delinquent", YesNo(ParseYesNo(*v)), YesNo(b.delinquent));
  }

  // The case as recorded (its type follows its assistance episodes as of today).
  void ExpectCase(Line& line, Comparison& cmp) {
    const Case c = Must(store_->GetCase(CaseArg(line.Word(2, "case name"))), "case");
    if (auto v = line.Get("type")) cmp.Text("type", *v, std::string(Name(c.type)));
    if (auto v = line.Get("status")) cmp.Text("status", *v, std::string(Name(c.status)));
  }

  // `expect replay [mismatches=N] [collections=N]`: the audit replay (service/replay.h,
  // `opencse audit verify`) rebuilds every input and distribution from the audit trail alone
  // and compares them with the store.
  void ExpectReplay(Line& line, Comparison& cmp) {
    const ReplayComparison r = Must(CompareReplayWithStore(*store_), "replay");
    if (auto v = line.Get("mismatches")) {
      std::string problems;
      for (const std::string& p : r.problems) problems += " | " + p;
      cmp.Text("mismatches", *v, std::to_string(r.mismatches) + problems);
    }
    if (auto v = line.Get("collections")) {
      cmp.Text("collections", *v, std::to_string(r.collections));
    }
  }

  // The debts of a case due on one date (optionally of one order) as of a snapshot.
  void ExpectDebt(Line& line, Comparison& cmp) {
    const Date as_of = ParseDateArg(line.Require("as_of"));
    const Date due = ParseDateArg(line.Require("due"));
    const CaseLedger ledger =
        Must(service_->GetCaseLedger(CaseArg(line.Require("case")), as_of), "ledger");
    std::optional<OrderId> order;
    if (auto o = line.Get("order")) order = Lookup(orders_, *o, "order");
    std::vector<const DebtView*> found;
    for (const DebtView& v : ledger.balance.debts) {
      if (v.debt.due_date == due && (!order || v.debt.order_id == *order)) found.push_back(&v);
    }
    Money amount;
    Money paid;
    for (const DebtView* v : found) {
      amount += v->debt.amount;
      paid += v->paid;
    }
    if (auto v = line.Get("count")) cmp.Text("count", *v, std::to_string(found.size()));
    if (auto v = line.Get("amount")) cmp.Amount("amount", *v, amount);
    if (auto v = line.Get("paid")) cmp.Amount("paid", *v, paid);
    if (auto v = line.Get("period_end")) {
      if (found.size() != 1) throw ScenarioError{"period_end= needs exactly one matching debt"};
      cmp.Text("period_end", ParseDateArg(*v).ToString(), found[0]->debt.period_end.ToString());
    }
    if (auto v = line.Get("bucket")) {
      if (found.size() != 1) throw ScenarioError{"bucket= needs exactly one matching debt"};
      if (*v != "current") ParseBucket(*v);
      const std::string actual =
          found[0]->arrears ? std::string(Name(found[0]->bucket)) : "current";
      cmp.Text("bucket", *v, actual);
    }
  }

  std::filesystem::path path_;
  std::string file_;
  FakeClock clock_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<LedgerService> service_;
  std::map<std::string, PersonId> persons_;
  std::map<std::string, CaseId> cases_;
  std::map<std::string, OrderId> orders_;
};

std::vector<std::filesystem::path> ScenarioFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(OPENCSE_GOLDEN_DIR)) {
    if (entry.is_regular_file() && entry.path().extension() == ".scn") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string TestName(const testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class GoldenScenario : public testing::TestWithParam<std::filesystem::path> {};

TEST_P(GoldenScenario, Run) { ScenarioRunner(GetParam()).Run(); }

INSTANTIATE_TEST_SUITE_P(Golden, GoldenScenario, testing::ValuesIn(ScenarioFiles()), TestName);

TEST(GoldenDirectory, HasScenarios) {
  EXPECT_GE(ScenarioFiles().size(), kScenariosMin) << "in " << OPENCSE_GOLDEN_DIR;
}

}  // namespace
}  // namespace cse
