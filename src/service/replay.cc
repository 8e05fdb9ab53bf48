#include "service/replay.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <tuple>
#include <unordered_set>
#include <utility>

#include "service/json.h"
#include "service/ledger_service.h"

namespace cse {
namespace {

Status Inconsistent(const AuditRow& row, const std::string& what) {
  return DataLoss("audit_replay_inconsistent",
                  "audit row " + std::to_string(row.seq) + " (" + row.action + "): " + what);
}

Status Unreadable(const AuditRow& row, const std::string& what) {
  return DataLoss("audit_json_invalid", "audit row " + std::to_string(row.seq) + ": " + what);
}

// The day of the row's time (what `today` was when it was written).
Result<Date> RowDay(const AuditRow& row) {
  auto day = Date::Parse(std::string_view(row.at).substr(0, 10));
  if (!day.ok()) return Unreadable(row, "time '" + row.at + "' does not start with a date");
  return day;
}

// The family type LedgerService::RefreshCaseType records when an episode is added or ended on
// `today`: current while a started episode is open, former once every started one has ended,
// never before any has started.
CaseType TypeOn(const std::vector<AssistanceEpisode>& episodes, Date today) {
  CaseType type = CaseType::kNeverAssistance;
  for (const AssistanceEpisode& e : episodes) {
    if (e.start_date > today) continue;
    if (!e.end_date || *e.end_date >= today) return CaseType::kCurrentAssistance;
    type = CaseType::kFormerAssistance;
  }
  return type;
}

// Values as the messages show them: cents and ids as integers, dates, "none" for no date,
// text quoted.
std::string Int(int64_t v) { return std::to_string(v); }
std::string Cents(Money m) { return std::to_string(m.cents()); }
std::string DateText(std::optional<Date> d) { return d ? d->ToString() : "none"; }
std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// The columns of a row as its latest audit row has them, each as the messages show it; unset
// when that row lacks the key (written before the column existed), and then not compared.
template <size_t N>
using TrailValues = std::array<std::optional<std::string>, N>;
// The same columns of the stored row.
template <size_t N>
using StoredValues = std::array<std::string, N>;

// A text key of `j`, quoted; a date key ("YYYY-MM-DD" or null); an integer key; a boolean key
// as 0 or 1. Unset when `j` lacks it (or is not an object).
std::optional<std::string> TextKey(const Json& j, const char* key) {
  const auto it = j.is_object() ? j.find(key) : j.end();
  if (it == j.end()) return std::nullopt;
  return Quoted(it->get<std::string>());
}
std::optional<std::string> DateKey(const Json& j, const char* key) {
  const auto it = j.is_object() ? j.find(key) : j.end();
  if (it == j.end()) return std::nullopt;
  return it->is_null() ? std::string("none") : it->get<std::string>();
}
std::optional<std::string> IntKey(const Json& j, const char* key) {
  const auto it = j.is_object() ? j.find(key) : j.end();
  if (it == j.end()) return std::nullopt;
  return Int(it->get<int64_t>());
}

// person: the columns of ToJson(Person), which every person.add row carries. The SSN is only
// in the row as its last four digits (ssn_last4), so that is what is compared.
constexpr std::array<const char*, 11> kPersonColumns = {
    "first_name", "middle_name", "last_name", "ssn (last 4 digits)",
    "dob",        "line1",       "line2",     "city",
    "state",      "zip",         "county"};
using PersonValues = TrailValues<kPersonColumns.size()>;
constexpr size_t kPersonSsn = 3;  // changed by person.set_ssn (a confirmed new-hire review)

std::string SsnLast4(const std::string& ssn) { return ssn.size() == 9 ? ssn.substr(5) : ""; }

StoredValues<kPersonColumns.size()> PersonColumns(const Person& p) {
  return {Quoted(p.first_name),    Quoted(p.middle_name),     Quoted(p.last_name),
          Quoted(SsnLast4(p.ssn)), DateText(p.date_of_birth), Quoted(p.address.line1),
          Quoted(p.address.line2), Quoted(p.address.city),    Quoted(p.address.state),
          Quoted(p.address.zip),   Quoted(p.address.county)};
}

PersonValues PersonFromJson(const Json& after) {
  const Json& a = after.contains("address") ? after.at("address") : Json::object();
  return {TextKey(after, "first_name"),
          TextKey(after, "middle_name"),
          TextKey(after, "last_name"),
          TextKey(after, "ssn_last4"),
          DateKey(after, "date_of_birth"),
          TextKey(a, "line1"),
          TextKey(a, "line2"),
          TextKey(a, "city"),
          TextKey(a, "state"),
          TextKey(a, "zip"),
          TextKey(a, "county")};
}

// employer: the columns of an employer.upsert row (LedgerService::AddEmployer).
constexpr std::array<const char*, 7> kEmployerColumns = {"fein", "name",  "line1", "line2",
                                                         "city", "state", "zip"};
constexpr size_t kEmployerFein = 0;

StoredValues<kEmployerColumns.size()> EmployerColumns(const Employer& e) {
  return {Quoted(e.fein),          Quoted(e.name),         Quoted(e.address.line1),
          Quoted(e.address.line2), Quoted(e.address.city), Quoted(e.address.state),
          Quoted(e.address.zip)};
}

struct TrailEmployer {
  TrailValues<kEmployerColumns.size()> values;
  int64_t seq = 0;  // of its latest employer.upsert row
};

// employment: the columns of an employment.add row (LedgerService::AddEmployment); the row
// has no end date (an employment is never changed after it is added).
constexpr std::array<const char*, 5> kEmploymentColumns = {"person_id", "employer_id", "start_date",
                                                           "pay_cycle", "gross_per_period_cents"};
using EmploymentValues = TrailValues<kEmploymentColumns.size()>;

StoredValues<kEmploymentColumns.size()> EmploymentColumns(const Employment& e) {
  return {Int(e.person.value), Int(e.employer.value), e.start_date.ToString(),
          std::string(Name(e.pay_cycle)), Cents(e.gross_per_period)};
}

// app_user: role, office and whether disabled, as user.add and the user.* rows after it
// (user.disable, user.enable) and staff.upsert (`opencse staff add`) set them.
constexpr std::array<const char*, 3> kUserColumns = {"role", "office", "disabled"};
using UserValues = TrailValues<kUserColumns.size()>;

// What the audit trail says the store holds.
struct Trail {
  std::map<int64_t, CaseBook> cases;          // by case id
  std::map<int64_t, Collection> collections;  // by collection id
  std::map<std::string, std::string> settings;
  // Enforcement action id -> the "after" of its latest audit row, parsed only when compared.
  std::map<int64_t, std::string> actions;
  std::map<int64_t, PersonValues> persons;          // by person id
  std::map<int64_t, std::string> offices;           // case id -> its latest assigned office
  std::map<int64_t, TrailEmployer> employers;       // by employer id
  int64_t newhire_seq = 0;                          // the latest newhire.import row
  std::map<int64_t, EmploymentValues> employments;  // by employment id
  std::map<std::string, UserValues> users;          // by username
  // Case id -> its case_closure row as case.close_notice / case.close left it (removed by
  // case.closure_cancel and case.reopen, which also set the case's status).
  std::map<int64_t, Store::CaseClosureRow> closures;
  int64_t rows = 0;
};

class Replayer {
 public:
  Status Apply(const AuditRow& row);
  Trail& trail() { return t_; }

 private:
  Status AddCase(const Json& after);
  Status AddOrder(const AuditRow& row, const Json& after);
  Status AddAssistance(const AuditRow& row, const Json& after);
  Status EndAssistance(const AuditRow& row, const Json& after);
  Status AddPostings(const AuditRow& row, const Json& after);
  Status Reverse(const AuditRow& row, const Json& after);
  Status SetAction(const AuditRow& row);
  Status AddPerson(const AuditRow& row, const Json& after);
  Status SetPersonSsn(const AuditRow& row, const Json& after);
  Status AssignOffice(const AuditRow& row, const Json& after);
  Status UpsertEmployer(const AuditRow& row, const Json& after);
  Status AddEmployment(const Json& after);
  Status ChangeUser(const AuditRow& row, const Json& after);
  Status ChangeClosure(const AuditRow& row, const Json& after);
  // Records the case type the service refreshed on the row's day.
  Status RefreshType(const AuditRow& row, CaseBook& book);

  Trail t_;
};

Status Replayer::Apply(const AuditRow& row) {
  if (row.entity == "enforce_action") return SetAction(row);
  Json after;
  try {
    after = row.after.empty() ? Json::object() : Json::parse(row.after);
  } catch (const std::exception& e) {
    return Unreadable(row, e.what());
  }
  const std::string& action = row.action;
  if (action == "case.add") return AddCase(after);
  if (action == "order.add") return AddOrder(row, after);
  if (action == "assistance.add") return AddAssistance(row, after);
  if (action == "assistance.end") return EndAssistance(row, after);
  if (action == "import.batch") return AddPostings(row, after);
  if (action == "payment.reverse") return Reverse(row, after);
  if (action == "person.add") return AddPerson(row, after);
  if (action == "person.set_ssn") return SetPersonSsn(row, after);
  if (action == "case.assign_office") return AssignOffice(row, after);
  if (action == "employer.upsert") return UpsertEmployer(row, after);
  if (action == "employment.add") return AddEmployment(after);
  if (action == "newhire.import") t_.newhire_seq = row.seq;
  if (action == "case.close_notice" || action == "case.close" || action == "case.closure_cancel" ||
      action == "case.reopen") {
    return ChangeClosure(row, after);
  }
  if (action == "staff.upsert" || (row.entity == "user" && action.starts_with("user."))) {
    return ChangeUser(row, after);
  }
  if (action == "payment.post") {
    ASSIGN_OR_RETURN(Collection c, CollectionFromJson(after));
    t_.collections[c.id.value] = c;
  } else if (action == "config.set") {
    for (auto& [k, v] : after.items()) t_.settings[k] = v.get<std::string>();
  }
  return Status::Ok();
}

Status Replayer::AddCase(const Json& after) {
  ASSIGN_OR_RETURN(Case c, CaseFromJson(after));
  // What CaseFromJson leaves out; every case.add row has carried it.
  for (const Json& child : after.at("children")) {
    c.children.push_back(PersonId{child.get<int64_t>()});
  }
  std::sort(c.children.begin(), c.children.end(),
            [](PersonId a, PersonId b) { return a.value < b.value; });
  c.family_violence =
      after.at("family_violence").get<bool>() ? FamilyViolence::kIndicated : FamilyViolence::kNone;
  c.county = after.at("county").get<std::string>();
  CaseBook& book = t_.cases[c.id.value];
  book.info = c;
  if (after.contains("assistance")) {
    ASSIGN_OR_RETURN(AssistanceEpisode e, AssistanceFromJson(after.at("assistance")));
    book.episodes.push_back(e);
  }
  return Status::Ok();
}

// A judgment's accrual period as the order.add row records it (LedgerService::AddOrder): the
// keys are absent (every row written before 2026-12-05, and orders without a period) or dates.
Status ReadJudgmentPeriod(const Json& order, Order& o) {
  for (auto [key, field] : {std::pair{"judgment_accrued_from", &o.judgment_accrued_from},
                            std::pair{"judgment_accrued_through", &o.judgment_accrued_through}}) {
    const auto it = order.find(key);
    if (it == order.end() || it->is_null()) continue;
    ASSIGN_OR_RETURN(*field, Date::Parse(it->get<std::string>()));
  }
  return Status::Ok();
}

Status Replayer::AddOrder(const AuditRow& row, const Json& after) {
  ASSIGN_OR_RETURN(Order o, OrderFromJson(after.at("order")));
  RETURN_IF_ERROR(ReadJudgmentPeriod(after.at("order"), o));
  auto it = t_.cases.find(o.case_id.value);
  if (it == t_.cases.end()) return Inconsistent(row, "order for an unknown case");
  if (after.contains("replaces")) {
    const int64_t old_id = after.at("replaces").at("order_id").get<int64_t>();
    ASSIGN_OR_RETURN(Date end, Date::Parse(after.at("replaces").at("end_date").get<std::string>()));
    bool found = false;
    for (Order& old : it->second.orders) {
      if (old.id.value == old_id) {
        old.end_date = end;
        found = true;
      }
    }
    if (!found) return Inconsistent(row, "replaces an unknown order");
  }
  it->second.orders.push_back(o);
  return Status::Ok();
}

Status Replayer::RefreshType(const AuditRow& row, CaseBook& book) {
  ASSIGN_OR_RETURN(const Date day, RowDay(row));
  book.info.type = TypeOn(book.episodes, day);
  return Status::Ok();
}

Status Replayer::AddAssistance(const AuditRow& row, const Json& after) {
  ASSIGN_OR_RETURN(AssistanceEpisode e, AssistanceFromJson(after));
  auto it = t_.cases.find(e.case_id.value);
  if (it == t_.cases.end()) return Inconsistent(row, "assistance for an unknown case");
  it->second.episodes.push_back(e);
  return RefreshType(row, it->second);
}

Status Replayer::EndAssistance(const AuditRow& row, const Json& after) {
  auto it = t_.cases.find(after.at("case_id").get<int64_t>());
  if (it == t_.cases.end()) return Inconsistent(row, "assistance end for an unknown case");
  ASSIGN_OR_RETURN(Date end, Date::Parse(after.at("end_date").get<std::string>()));
  for (AssistanceEpisode& e : it->second.episodes) {
    if (!e.end_date) e.end_date = end;
  }
  return RefreshType(row, it->second);
}

Status Replayer::AddPostings(const AuditRow& row, const Json& after) {
  if (!after.contains("rows")) {
    // Rows written before 2026-12-03 list ToJson(c) objects.
    for (const Json& p : after.at("postings")) {
      ASSIGN_OR_RETURN(Collection c, CollectionFromJson(p));
      t_.collections[c.id.value] = c;
    }
    return Status::Ok();
  }
  // Compact posting rows (since 2026-12-03): their columns and count must be the ones
  // PostingRowsJson writes.
  if (after.at("columns") != PostingColumns()) {
    return Unreadable(row, "unknown posting columns " + after.at("columns").dump());
  }
  const Json& rows = after.at("rows");
  if (!rows.is_array() || !after.at("count").is_number_integer() ||
      after.at("count").get<int64_t>() != static_cast<int64_t>(rows.size())) {
    return Unreadable(row, "count does not match its posting rows");
  }
  for (const Json& p : rows) {
    ASSIGN_OR_RETURN(Collection c, PostingFromJsonRow(p));
    t_.collections[c.id.value] = c;
  }
  return Status::Ok();
}

Status Replayer::Reverse(const AuditRow& row, const Json& after) {
  auto it = t_.collections.find(after.at("collection_id").get<int64_t>());
  if (it == t_.collections.end()) return Inconsistent(row, "reversal of an unknown payment");
  ASSIGN_OR_RETURN(Date d, Date::Parse(after.at("reversed_date").get<std::string>()));
  it->second.reversed_date = d;
  it->second.reversal_reason = after.at("reason").get<std::string>();
  return Status::Ok();
}

// The case.* rows of service/case_closure.cc: a notice or closure carries the whole
// case_closure row (a closure also the case's status "closed"); a cancellation removes the row,
// a reopening removes it and sets the status "open".
Status Replayer::ChangeClosure(const AuditRow& row, const Json& after) {
  const int64_t id = after.at("case_id").get<int64_t>();
  auto it = t_.cases.find(id);
  if (it == t_.cases.end()) return Inconsistent(row, "closure of an unknown case");
  if (row.action == "case.closure_cancel" || row.action == "case.reopen") {
    t_.closures.erase(id);
    if (row.action == "case.reopen") {
      it->second.info.status = CaseStatus::kOpen;
      // The day the closed period ends: reopened_date, or for a row written before it was
      // recorded, the row's own date (the reopening was dated today).
      const std::optional<std::string> text = DateKey(after, "reopened_date");
      Result<Date> day = text ? Date::Parse(*text) : RowDay(row);
      if (!day.ok()) {
        return text ? Unreadable(row, "reopening date '" + *text + "' is not a date")
                    : day.status();
      }
      std::vector<DateSpan>& closed = it->second.closed;
      if (!closed.empty() && closed.back().through == MaxDate()) {
        closed.back().through = day->AddDays(-1);  // as ClosedSpans: none when reopened that day
        if (closed.back().through < closed.back().from) closed.pop_back();
      }
    }
    return Status::Ok();
  }
  Store::CaseClosureRow c;
  c.case_id = CaseId{id};
  ASSIGN_OR_RETURN(c.notice_date, Date::Parse(after.at("notice_date").get<std::string>()));
  c.reason = after.at("reason").get<std::string>();
  c.note = after.at("note").get<std::string>();
  const std::optional<std::string> closed = DateKey(after, "closed_date");
  if (closed && *closed != "none") {
    ASSIGN_OR_RETURN(c.closed_date, Date::Parse(*closed));
    it->second.info.status = CaseStatus::kClosed;
    std::vector<DateSpan>& spans = it->second.closed;
    if (spans.empty() || spans.back().through != MaxDate()) {
      spans.push_back({*c.closed_date, MaxDate()});
    }
  }
  t_.closures[id] = std::move(c);
  return Status::Ok();
}

Status Replayer::SetAction(const AuditRow& row) {
  if (row.after.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(int64_t id, ParseDisplayId("ACT", row.entity_id));
  t_.actions[id] = row.after;
  return Status::Ok();
}

Status Replayer::AddPerson(const AuditRow& row, const Json& after) {
  ASSIGN_OR_RETURN(int64_t id, ParseDisplayId("PRS", row.entity_id));
  t_.persons[id] = PersonFromJson(after);
  return Status::Ok();
}

// A person's SSN recorded after person.add (iwo/review.h): its last four digits.
Status Replayer::SetPersonSsn(const AuditRow& row, const Json& after) {
  ASSIGN_OR_RETURN(int64_t id, ParseDisplayId("PRS", row.entity_id));
  const auto it = t_.persons.find(id);
  if (it != t_.persons.end()) it->second[kPersonSsn] = TextKey(after, "ssn_last4");
  return Status::Ok();
}

Status Replayer::AssignOffice(const AuditRow& row, const Json& after) {
  ASSIGN_OR_RETURN(int64_t id, ParseDisplayId("CASE", row.entity_id));
  t_.offices[id] = after.at("office").get<std::string>();
  return Status::Ok();
}

Status Replayer::UpsertEmployer(const AuditRow& row, const Json& after) {
  const Json& a = after.contains("address") ? after.at("address") : Json::object();
  TrailEmployer& e = t_.employers[after.at("employer_id").get<int64_t>()];
  e.values = {TextKey(after, "fein"), TextKey(after, "name"), TextKey(a, "line1"),
              TextKey(a, "line2"),    TextKey(a, "city"),     TextKey(a, "state"),
              TextKey(a, "zip")};
  e.seq = row.seq;
  return Status::Ok();
}

Status Replayer::AddEmployment(const Json& after) {
  std::optional<std::string> gross;
  if (const auto it = after.find("gross_per_period"); it != after.end()) {
    ASSIGN_OR_RETURN(Money m, ParseMoney(it->get<std::string>(), SignPolicy::kNonNegative));
    gross = Cents(m);
  }
  std::optional<std::string> cycle;
  if (const auto it = after.find("pay_cycle"); it != after.end()) cycle = it->get<std::string>();
  t_.employments[after.at("employment_id").get<int64_t>()] = {
      IntKey(after, "person_id"), IntKey(after, "employer_id"), DateKey(after, "start_date"), cycle,
      gross};
  return Status::Ok();
}

// user.add creates the user; a later user.* row changes the keys it carries. staff.upsert
// creates one with no office when its row has no "before" (there was no such user), else
// changes the role and whether active.
Status Replayer::ChangeUser(const AuditRow& row, const Json& after) {
  auto it = t_.users.find(row.entity_id);
  const bool created =
      row.action == "user.add" || (row.action == "staff.upsert" && row.before.empty());
  if (created) {
    it = t_.users.insert_or_assign(row.entity_id, UserValues{}).first;
    it->second[1] = Quoted("");
    it->second[2] = "0";
  } else if (it == t_.users.end()) {
    if (row.action != "staff.upsert") return Status::Ok();     // never a user (refused rows)
    it = t_.users.emplace(row.entity_id, UserValues{}).first;  // office unknown
  }
  UserValues& u = it->second;
  if (const auto k = after.find("role"); k != after.end()) u[0] = k->get<std::string>();
  if (const auto k = after.find("office"); k != after.end()) u[1] = Quoted(k->get<std::string>());
  if (const auto k = after.find("disabled"); k != after.end()) u[2] = Int(k->get<bool>());
  if (const auto k = after.find("active"); k != after.end()) u[2] = Int(!k->get<bool>());
  return Status::Ok();
}

Result<Trail> ReadTrail(Store& store) {
  Replayer r;
  Status s = store.ScanAudit([&](const AuditRow& row) -> Status {
    ++r.trail().rows;
    Status applied;
    try {
      applied = r.Apply(row);
    } catch (const std::exception& e) {
      applied = DataLoss("audit_json_invalid", e.what());
    }
    if (applied.ok() || applied.code() == StatusCode::kDataLoss) return applied;
    return Unreadable(row, applied.ToString());
  });
  RETURN_IF_ERROR(s);
  return std::move(r.trail());
}

Result<ReplayedLedger> LedgerOf(const Trail& trail) {
  ReplayedLedger out;
  out.audit_rows = trail.rows;
  for (auto& [id, book] : trail.cases) {
    out.books_by_obligor[book.info.obligor.value].push_back(book);
  }
  for (auto& [id, c] : trail.collections) out.collections_by_obligor[c.obligor.value].push_back(c);
  const auto& settings = trail.settings;
  if (auto it = settings.find("distribution.assignment_model"); it != settings.end()) {
    ASSIGN_OR_RETURN(out.policy.assignment_model, ParseAssignmentModel(it->second));
  }
  if (auto it = settings.find("distribution.tax_offset_order"); it != settings.end()) {
    ASSIGN_OR_RETURN(out.policy.tax_offset_order, ParseTaxOffsetOrder(it->second));
  }
  if (auto it = settings.find("distribution.futures"); it != settings.end()) {
    ASSIGN_OR_RETURN(out.policy.futures, ParseFuturesRule(it->second));
  }
  if (auto it = settings.find("distribution.pass_through_one_child"); it != settings.end()) {
    ASSIGN_OR_RETURN(out.policy.pass_through_one_child,
                     ParsePassThroughLimit(it->first, it->second, kPassThroughExceptedOneChild));
  }
  if (auto it = settings.find("distribution.pass_through_two_or_more_children");
      it != settings.end()) {
    ASSIGN_OR_RETURN(
        out.policy.pass_through_two_or_more_children,
        ParsePassThroughLimit(it->first, it->second, kPassThroughExceptedTwoOrMoreChildren));
  }
  try {
    if (auto it = settings.find("distribution.federal_share_bps"); it != settings.end()) {
      out.policy.federal_share_bps = std::stoll(it->second);
    }
    if (auto it = settings.find("ledger.arrears_age_flag_days"); it != settings.end()) {
      out.policy.arrears_age_flag_days = std::stoi(it->second);
    }
  } catch (const std::exception& e) {
    return DataLoss("audit_json_invalid",
                    std::string("a config.set value is not a number: ") + e.what());
  }
  return out;
}

// ---- Comparing with the store ----

// The mismatches found: every one counted, the first few of each kind kept in words, the
// stored inputs' before the distributions' (an edited input is the cause, a distribution
// that differs the effect).
class Findings {
 public:
  void Input(std::string text) { Add(inputs_, std::move(text)); }
  void Distribution(std::string text) { Add(distributions_, std::move(text)); }
  void StoreOnly(const std::string& row) { Input(row + ": in the store, not in the audit trail"); }
  void TrailOnly(const std::string& row) { Input(row + ": in the audit trail, not in the store"); }
  // One column of a row, as the store and as the trail have it.
  void Field(const std::string& row, std::string_view column, const std::string& stored,
             const std::string& trail) {
    if (stored == trail) return;
    Input(row + ": " + std::string(column) + " is " + stored + " in the store, " + trail +
          " in the audit trail");
  }
  void Finish(ReplayComparison& cmp) {
    cmp.mismatches += count_;
    cmp.problems = std::move(inputs_);
    for (std::string& p : distributions_) {
      if (cmp.problems.size() >= kReplayProblemsMax) break;
      cmp.problems.push_back(std::move(p));
    }
  }

 private:
  void Add(std::vector<std::string>& to, std::string text) {
    ++count_;
    if (to.size() < kReplayProblemsMax) to.push_back(std::move(text));
  }

  int64_t count_ = 0;
  std::vector<std::string> inputs_;
  std::vector<std::string> distributions_;
};

std::string Ids(const std::vector<PersonId>& ids) {
  std::string out = "[";
  for (PersonId id : ids) out += (out.size() > 1 ? "," : "") + std::to_string(id.value);
  return out + "]";
}

// Pairs the rows of the store and of the trail by key, both maps ordered by it: a row on one
// side only is a mismatch, and `compare(label, stored, trail)` checks the columns of each pair.
// Equal keys (multimaps) pair up in order.
template <typename StoredMap, typename TrailMap, typename LabelFn, typename CompareFn>
void MatchRows(const StoredMap& stored, const TrailMap& trail, Findings& f, LabelFn label,
               CompareFn compare) {
  auto s = stored.begin();
  auto t = trail.begin();
  while (s != stored.end() || t != trail.end()) {
    if (t == trail.end() || (s != stored.end() && s->first < t->first)) {
      f.StoreOnly(label(s->first));
      ++s;
    } else if (s == stored.end() || t->first < s->first) {
      f.TrailOnly(label(t->first));
      ++t;
    } else {
      compare(label(s->first), s->second, t->second);
      ++s;
      ++t;
    }
  }
}

std::string CaseRow(int64_t id) {
  return "iv_d_case " + std::to_string(id) + " (" + CaseDisplayId(CaseId{id}) + ")";
}

void CompareCase(const std::string& row, const Case& s, const Case& t, Findings& f) {
  f.Field(row, "obligor_id", Int(s.obligor.value), Int(t.obligor.value));
  f.Field(row, "obligee_id", Int(s.obligee.value), Int(t.obligee.value));
  f.Field(row, "case_type", std::string(Name(s.type)), std::string(Name(t.type)));
  f.Field(row, "status", std::string(Name(s.status)), std::string(Name(t.status)));
  f.Field(row, "family_violence", Int(s.family_violence == FamilyViolence::kIndicated),
          Int(t.family_violence == FamilyViolence::kIndicated));
  f.Field(row, "opened", s.opened.ToString(), t.opened.ToString());
  f.Field(row, "county", Quoted(s.county), Quoted(t.county));
  f.Field(row, "children (case_child)", Ids(s.children), Ids(t.children));
}

void CompareCases(const Trail& trail, const std::vector<Case>& cases, Findings& f) {
  std::map<int64_t, const Case*> stored;
  for (const Case& c : cases) stored.emplace(c.id.value, &c);
  std::map<int64_t, const Case*> listed;
  for (const auto& [id, book] : trail.cases) listed.emplace(id, &book.info);
  MatchRows(stored, listed, f, CaseRow, [&](const std::string& row, const Case* s, const Case* t) {
    CompareCase(row, *s, *t, f);
  });
}

// Every case_closure row against the trail's (notice date, reason, note, closed date).
Status CompareClosures(Store& store, const Trail& trail, Findings& f) {
  ASSIGN_OR_RETURN(const std::vector<Store::CaseClosureRow> rows, store.ListCaseClosures());
  std::map<int64_t, const Store::CaseClosureRow*> stored;
  for (const Store::CaseClosureRow& r : rows) stored.emplace(r.case_id.value, &r);
  auto label = [](int64_t id) {
    return "case_closure " + std::to_string(id) + " (" + CaseDisplayId(CaseId{id}) + ")";
  };
  MatchRows(
      stored, trail.closures, f, label,
      [&](const std::string& row, const Store::CaseClosureRow* s, const Store::CaseClosureRow& t) {
        f.Field(row, "notice_date", s->notice_date.ToString(), t.notice_date.ToString());
        f.Field(row, "reason", Quoted(s->reason), Quoted(t.reason));
        f.Field(row, "note", Quoted(s->note), Quoted(t.note));
        f.Field(row, "closed_date", DateText(s->closed_date), DateText(t.closed_date));
      });
  return Status::Ok();
}

void CompareChildTerms(const Order& s, const Order& t, Findings& f) {
  std::multimap<int64_t, const ChildTerm*> stored;
  for (const ChildTerm& c : s.child_terms) stored.emplace(c.child.value, &c);
  std::multimap<int64_t, const ChildTerm*> listed;
  for (const ChildTerm& c : t.child_terms) listed.emplace(c.child.value, &c);
  auto label = [&](int64_t child) {
    return "order_child_term (support_order " + std::to_string(s.id.value) + ", child " +
           std::to_string(child) + ")";
  };
  MatchRows(stored, listed, f, label,
            [&](const std::string& row, const ChildTerm* a, const ChildTerm* b) {
              f.Field(row, "amount_cents", Cents(a->amount), Cents(b->amount));
              f.Field(row, "end_date", DateText(a->end_date), DateText(b->end_date));
            });
}

void CompareOrder(const std::string& row, const Order& s, const Order& t, Findings& f) {
  f.Field(row, "case_id", Int(s.case_id.value), Int(t.case_id.value));
  f.Field(row, "obligation_type", std::string(Name(s.type)), std::string(Name(t.type)));
  f.Field(row, "amount_cents", Cents(s.amount), Cents(t.amount));
  f.Field(row, "frequency", std::string(Name(s.frequency)), std::string(Name(t.frequency)));
  f.Field(row, "effective_date", s.effective_date.ToString(), t.effective_date.ToString());
  f.Field(row, "end_date", DateText(s.end_date), DateText(t.end_date));
  f.Field(row, "judgment_cents", Cents(s.judgment), Cents(t.judgment));
  f.Field(row, "judgment_accrued_from", DateText(s.judgment_accrued_from),
          DateText(t.judgment_accrued_from));
  f.Field(row, "judgment_accrued_through", DateText(s.judgment_accrued_through),
          DateText(t.judgment_accrued_through));
  CompareChildTerms(s, t, f);
}

void CompareOrders(const Trail& trail, const std::vector<Order>& orders, Findings& f) {
  std::map<int64_t, const Order*> stored;
  for (const Order& o : orders) stored.emplace(o.id.value, &o);
  std::map<int64_t, const Order*> listed;
  for (const auto& [id, book] : trail.cases) {
    for (const Order& o : book.orders) listed.emplace(o.id.value, &o);
  }
  auto label = [&](int64_t id) {
    auto it = listed.find(id);
    const Order* o = it != listed.end() ? it->second : stored.at(id);
    return "support_order " + std::to_string(id) + " (" + CaseDisplayId(o->case_id) + ")";
  };
  MatchRows(stored, listed, f, label, [&](const std::string& row, const Order* s, const Order* t) {
    CompareOrder(row, *s, *t, f);
  });
}

// Episodes carry no id of their own: they are matched by case and start date (episodes of a
// case never overlap, so the start is unique unless someone wrote around the service).
void CompareEpisodes(const Trail& trail, const std::vector<AssistanceEpisode>& episodes,
                     Findings& f) {
  using Key = std::pair<int64_t, Date>;
  std::multimap<Key, const AssistanceEpisode*> stored;
  for (const AssistanceEpisode& e : episodes)
    stored.emplace(Key{e.case_id.value, e.start_date}, &e);
  std::multimap<Key, const AssistanceEpisode*> listed;
  for (const auto& [id, book] : trail.cases) {
    for (const AssistanceEpisode& e : book.episodes) {
      listed.emplace(Key{e.case_id.value, e.start_date}, &e);
    }
  }
  auto label = [](const Key& k) {
    return "assistance_episode (" + CaseDisplayId(CaseId{k.first}) + ", start_date " +
           k.second.ToString() + ")";
  };
  MatchRows(stored, listed, f, label,
            [&](const std::string& row, const AssistanceEpisode* s, const AssistanceEpisode* t) {
              f.Field(row, "end_date", DateText(s->end_date), DateText(t->end_date));
              f.Field(row, "monthly_grant_cents", Cents(s->monthly_grant), Cents(t->monthly_grant));
            });
}

// Every case, order and episode, in one read per table: the range spans every obligor id, and
// orders and episodes are read through their case (one whose case is gone is reported as gone
// from the trail's side).
Status CompareBooks(Store& store, const Trail& trail, Findings& f) {
  ASSIGN_OR_RETURN(ObligorRange books,
                   store.LoadObligorRange(PersonId{std::numeric_limits<int64_t>::min()},
                                          PersonId{std::numeric_limits<int64_t>::max()}));
  CompareCases(trail, books.cases, f);
  CompareOrders(trail, books.orders, f);
  CompareEpisodes(trail, books.episodes, f);
  return Status::Ok();
}

// The columns of a row the trail has: each one its audit row carries.
template <size_t N>
void CompareValues(const std::string& row, const std::array<const char*, N>& columns,
                   const StoredValues<N>& stored, const TrailValues<N>& trail, Findings& f) {
  for (size_t i = 0; i < N; ++i) {
    if (trail[i]) f.Field(row, columns[i], stored[i], *trail[i]);
  }
}

std::string PersonRow(int64_t id) {
  return "person " + std::to_string(id) + " (" + PersonDisplayId(PersonId{id}) + ")";
}

// Every person (person.add writes the table, person.set_ssn an SSN it lacked), in one scan by
// id alongside the trail's.
Status ComparePersons(Store& store, const Trail& trail, Findings& f) {
  auto t = trail.persons.begin();
  RETURN_IF_ERROR(store.ScanPersons([&](const Person& p) {
    for (; t != trail.persons.end() && t->first < p.id.value; ++t) {
      f.TrailOnly(PersonRow(t->first));
    }
    if (t == trail.persons.end() || t->first != p.id.value) {
      f.StoreOnly(PersonRow(p.id.value));
      return Status::Ok();
    }
    CompareValues(PersonRow(p.id.value), kPersonColumns, PersonColumns(p), t->second, f);
    ++t;
    return Status::Ok();
  }));
  for (; t != trail.persons.end(); ++t) f.TrailOnly(PersonRow(t->first));
  return Status::Ok();
}

// The ledger's settings (every option a distribution or a balance depends on) against the
// latest config.set row of each: an edited or deleted settings row changes every ledger view
// without changing any stored row replay compares. Unset on both sides is the same.
Status CompareSettings(Store& store, const Trail& trail, Findings& f) {
  static const std::vector<std::string_view> kLedgerKeys = {
      "distribution.assignment_model",
      "distribution.tax_offset_order",
      "distribution.futures",
      "distribution.federal_share_bps",
      "distribution.pass_through_one_child",
      "distribution.pass_through_two_or_more_children",
      "ledger.arrears_age_flag_days"};
  ASSIGN_OR_RETURN(auto stored, store.GetSettings(kLedgerKeys));
  for (std::string_view key_view : kLedgerKeys) {
    const std::string key(key_view);
    std::optional<std::string> s;
    for (const auto& [k, v] : stored) {
      if (k == key) s = v;
    }
    const auto t = trail.settings.find(key);
    const std::string trail_value = t == trail.settings.end() ? "(unset)" : Quoted(t->second);
    f.Field("settings '" + key + "'", "value", s ? Quoted(*s) : "(unset)", trail_value);
  }
  return Status::Ok();
}

// Every case office assignment against the latest case.assign_office row of its case.
Status CompareOffices(Store& store, const Trail& trail, Findings& f) {
  ASSIGN_OR_RETURN(const auto rows, store.ListCaseAssignments());
  std::map<int64_t, const std::string*> stored;
  for (const auto& [id, office] : rows) stored.emplace(id.value, &office);
  auto label = [](int64_t id) {
    return "case_assignment " + std::to_string(id) + " (" + CaseDisplayId(CaseId{id}) + ")";
  };
  MatchRows(stored, trail.offices, f, label,
            [&](const std::string& row, const std::string* s, const std::string& t) {
              f.Field(row, "office", Quoted(*s), Quoted(t));
            });
  return Status::Ok();
}

// The employers and employment records the trail has a row of. A new-hire file creates
// employers and employment, and renames employers, under one newhire.import row that names
// none of them: a stored row the trail lacks is not reported, and an employer upserted before
// the latest newhire.import is compared by FEIN only (which never changes).
Status CompareEmployment(Store& store, const Trail& trail, Findings& f) {
  ASSIGN_OR_RETURN(const std::vector<Employer> employers, store.ListEmployers());
  std::map<int64_t, const Employer*> stored;
  for (const Employer& e : employers) {
    if (trail.employers.count(e.id.value)) stored.emplace(e.id.value, &e);
  }
  auto employer_row = [](int64_t id) {
    return "employer " + std::to_string(id) + " (" + FormatDisplayId("EMP", id) + ")";
  };
  MatchRows(stored, trail.employers, f, employer_row,
            [&](const std::string& row, const Employer* s, const TrailEmployer& t) {
              TrailValues<kEmployerColumns.size()> values = t.values;
              for (size_t i = 0; i < values.size() && t.seq < trail.newhire_seq; ++i) {
                if (i != kEmployerFein) values[i].reset();
              }
              CompareValues(row, kEmployerColumns, EmployerColumns(*s), values, f);
            });

  ASSIGN_OR_RETURN(const std::vector<Employment> jobs, store.ListEmployments());
  std::map<int64_t, const Employment*> stored_jobs;
  for (const Employment& e : jobs) {
    if (trail.employments.count(e.id)) stored_jobs.emplace(e.id, &e);
  }
  auto job_row = [](int64_t id) { return "employment " + std::to_string(id); };
  MatchRows(stored_jobs, trail.employments, f, job_row,
            [&](const std::string& row, const Employment* s, const EmploymentValues& t) {
              CompareValues(row, kEmploymentColumns, EmploymentColumns(*s), t, f);
            });
  return Status::Ok();
}

// Every staff user (app_user) against its user.add, user.* and staff.upsert rows.
Status CompareUsers(Store& store, const Trail& trail, Findings& f) {
  ASSIGN_OR_RETURN(const std::vector<enforce::StaffUser> staff, store.ListStaffUsers());
  std::map<std::string, StoredValues<kUserColumns.size()>> stored;
  for (const enforce::StaffUser& u : staff) {
    ASSIGN_OR_RETURN(const std::optional<UserRecord> r, store.FindUserByName(u.user_id));
    if (r) stored[u.user_id] = {r->role, Quoted(r->office), Int(r->disabled)};
  }
  auto label = [](const std::string& name) { return "app_user " + Quoted(name); };
  MatchRows(stored, trail.users, f, label,
            [&](const std::string& row, const StoredValues<kUserColumns.size()>& s,
                const UserValues& t) { CompareValues(row, kUserColumns, s, t, f); });
  return Status::Ok();
}

// The columns of an enforcement action, shaped as its audit rows' "after" (enforce's
// ToJson(Action), src/enforce/action_service.cc, which service/ cannot include), each under
// its column name when that differs from the JSON key.
std::vector<std::tuple<const char*, const char*, Json>> ActionColumns(const enforce::Action& a) {
  auto opt = [](std::optional<Date> d) { return d ? Json(d->ToString()) : Json(nullptr); };
  return {
      {"case_id", "case_id", CaseDisplayId(a.case_id)},
      {"obligor_id", "obligor_id", PersonDisplayId(a.obligor)},
      {"remedy", "remedy", enforce::Name(a.remedy)},
      {"original_remedy", "original_remedy",
       a.original_remedy ? Json(enforce::Name(*a.original_remedy)) : Json(nullptr)},
      {"state", "state", enforce::Name(a.state)},
      {"source", "source", a.source},
      {"rank", "rank", a.rank},
      {"as_of", "as_of", a.as_of.ToString()},
      {"amount_at_stake", "amount_at_stake_cents", a.amount_at_stake.ToString()},
      {"model_version", "model_version", a.model_version},
      {"features_hash", "features_hash", a.features_hash},
      {"confidence", "confidence", a.confidence},
      {"risk_score", "risk_score", a.risk_score},
      {"expected_effect", "expected_effect",
       a.expected_effect < 0 ? Json(nullptr) : Json(a.expected_effect)},
      {"rationale", "rationale", a.rationale},
      {"created_at", "created_at", a.created_at},
      {"created_by", "created_by", a.created_by},
      {"decided_at", "decided_at", a.decided_at},
      {"decided_by", "decided_by", a.decided_by},
      {"decision_reason", "decision_reason", a.decision_reason},
      {"notice_date", "notice_date", opt(a.notice_date)},
      {"contest_deadline", "contest_deadline", opt(a.contest_deadline)},
      {"issued_date", "issued_date", opt(a.issued_date)},
      {"closed_date", "closed_date", opt(a.closed_date)},
      {"legal_deadline", "legal_deadline", opt(a.legal_deadline)},
      {"note", "last_note", a.last_note},
      {"contest_filed", "contest_filed", opt(a.contest_filed)},
      {"review_deadline", "review_deadline", opt(a.review_deadline)},
      {"contest_outcome", "contest_outcome", a.contest_outcome},
  };
}

// Each stored action against the "after" of its latest audit row (enforce.recommend, then
// each transition and withdrawal). A key the row lacks (written before the column existed)
// is not compared.
Status CompareActions(Store& store, const Trail& trail, Findings& f) {
  std::map<int64_t, enforce::Action> stored;
  RETURN_IF_ERROR(store.ScanEnforceActions([&](const enforce::Action& a) {
    stored.emplace(a.id, a);
    return Status::Ok();
  }));
  auto label = [](int64_t id) {
    return "enforce_action " + std::to_string(id) + " (" + FormatDisplayId("ACT", id) + ")";
  };
  Status unreadable;
  MatchRows(stored, trail.actions, f, label,
            [&](const std::string& row, const enforce::Action& s, const std::string& after) {
              Json t;
              try {
                t = Json::parse(after);
              } catch (const std::exception& e) {
                unreadable = DataLoss("audit_json_invalid", row + ": its audit row: " + e.what());
                return;
              }
              for (const auto& [key, column, value] : ActionColumns(s)) {
                const auto it = t.find(key);
                if (it != t.end() && *it != value) f.Field(row, column, value.dump(), it->dump());
              }
            });
  return unreadable;
}

std::string CollectionRow(const Collection& c) {
  return "collection " + std::to_string(c.id.value) + " (key '" + c.idempotency_key + "')";
}

bool SameInputs(const Collection& s, const Collection& t) {
  return s.idempotency_key == t.idempotency_key && s.case_id == t.case_id &&
         s.obligor == t.obligor && s.amount == t.amount && s.date == t.date &&
         s.source == t.source && s.reversed_date == t.reversed_date &&
         s.reversal_reason == t.reversal_reason;
}

void CompareCollection(const std::string& row, const Collection& s, const Collection& t,
                       Findings& f) {
  f.Field(row, "idempotency_key", Quoted(s.idempotency_key), Quoted(t.idempotency_key));
  f.Field(row, "case_id", Int(s.case_id.value), Int(t.case_id.value));
  f.Field(row, "obligor_id", Int(s.obligor.value), Int(t.obligor.value));
  f.Field(row, "amount_cents", Cents(s.amount), Cents(t.amount));
  f.Field(row, "received_date", s.date.ToString(), t.date.ToString());
  f.Field(row, "source", std::string(Name(s.source)), std::string(Name(t.source)));
  f.Field(row, "reversed_date", DateText(s.reversed_date), DateText(t.reversed_date));
  f.Field(row, "reversal_reason", Quoted(s.reversal_reason), Quoted(t.reversal_reason));
}

// The distribution of each of the obligor's collections that the trail leaves unreversed.
std::map<int64_t, Distribution> ReplayDistributions(const std::vector<CaseBook>& books,
                                                    std::vector<Collection> collections,
                                                    const DistributionPolicy& policy) {
  std::erase_if(collections, [](const Collection& c) { return c.reversed_date.has_value(); });
  std::sort(collections.begin(), collections.end(), [](const Collection& a, const Collection& b) {
    return std::tie(a.date, a.id.value) < std::tie(b.date, b.id.value);
  });
  ObligorLedger ledger(books, policy);
  std::map<int64_t, Distribution> replayed;
  for (const Collection& c : collections) replayed[c.id.value] = ledger.Apply(c);
  return replayed;
}

// The collections stored for one obligor the trail has cases of: inputs, then distribution.
Status CompareObligor(Store& store, const Trail& trail, const ReplayedLedger& replay,
                      int64_t obligor, std::unordered_set<int64_t>& seen, Findings& f,
                      ReplayComparison& cmp) {
  static const std::vector<Collection> kNone;
  const auto listed = replay.collections_by_obligor.find(obligor);
  const std::map<int64_t, Distribution> replayed = ReplayDistributions(
      replay.books_by_obligor.at(obligor),
      listed == replay.collections_by_obligor.end() ? kNone : listed->second, replay.policy);
  ASSIGN_OR_RETURN(std::vector<StoredCollection> stored,
                   store.ListCollectionsByObligor(PersonId{obligor}));
  for (const StoredCollection& row : stored) {
    ++cmp.collections;
    const auto t = trail.collections.find(row.collection.id.value);
    if (t == trail.collections.end()) {
      f.StoreOnly(CollectionRow(row.collection));
      continue;
    }
    seen.insert(t->first);
    if (!SameInputs(row.collection, t->second)) {
      CompareCollection(CollectionRow(row.collection), row.collection, t->second, f);
    }
    Distribution expected;
    expected.collection_id = row.collection.id;
    const auto r = replayed.find(t->first);
    if (r != replayed.end()) expected = r->second;
    const bool reversed_match = row.collection.reversed_date.has_value() == (r == replayed.end());
    if (!(expected == row.distribution) || !reversed_match) {
      f.Distribution(CollectionRow(row.collection) +
                     ": stored distribution differs from the audit replay");
    }
  }
  return Status::Ok();
}

Status CompareCollections(Store& store, const Trail& trail, const ReplayedLedger& replay,
                          Findings& f, ReplayComparison& cmp) {
  std::unordered_set<int64_t> seen;
  seen.reserve(trail.collections.size());
  for (const auto& [obligor, books] : replay.books_by_obligor) {
    ++cmp.obligors;
    RETURN_IF_ERROR(CompareObligor(store, trail, replay, obligor, seen, f, cmp));
  }
  for (const auto& [id, c] : trail.collections) {
    if (!seen.count(id) && replay.books_by_obligor.count(c.obligor.value)) {
      f.TrailOnly(CollectionRow(c));
    }
  }
  // What the loop above cannot see: collections of obligors with no case in the audit trail,
  // in the trail (a payment whose case.add is missing) or in the store (rows written around
  // the trail, e.g. straight into the collection table for a case the trail never had).
  for (const auto& [obligor, listed] : replay.collections_by_obligor) {
    if (replay.books_by_obligor.count(obligor)) continue;
    f.Input("obligor " + std::to_string(obligor) + ": " + std::to_string(listed.size()) +
            " collections in the audit trail, but no case of theirs");
  }
  ASSIGN_OR_RETURN(const int64_t stored_total, store.CountCollections());
  if (stored_total != cmp.collections) {
    f.Input(std::to_string(stored_total - cmp.collections) +
            " stored collections belong to obligors with no case in the audit trail");
  }
  return Status::Ok();
}

}  // namespace

Result<ReplayedLedger> ReplayAuditTrail(Store& store) {
  ASSIGN_OR_RETURN(Trail trail, ReadTrail(store));
  return LedgerOf(trail);
}

Result<ReplayComparison> CompareReplayWithStore(Store& store) {
  ASSIGN_OR_RETURN(Trail trail, ReadTrail(store));
  ASSIGN_OR_RETURN(ReplayedLedger replay, LedgerOf(trail));
  Findings f;
  RETURN_IF_ERROR(CompareBooks(store, trail, f));
  RETURN_IF_ERROR(CompareClosures(store, trail, f));
  RETURN_IF_ERROR(ComparePersons(store, trail, f));
  RETURN_IF_ERROR(CompareOffices(store, trail, f));
  RETURN_IF_ERROR(CompareSettings(store, trail, f));
  RETURN_IF_ERROR(CompareEmployment(store, trail, f));
  RETURN_IF_ERROR(CompareUsers(store, trail, f));
  RETURN_IF_ERROR(CompareActions(store, trail, f));
  ReplayComparison cmp;
  RETURN_IF_ERROR(CompareCollections(store, trail, replay, f, cmp));
  f.Finish(cmp);
  RETURN_IF_ERROR(CompareUnidentifiedWithTrail(store, cmp));  // replay_unidentified.cc
  return cmp;
}

}  // namespace cse
