#include "service/json.h"

#include "service/case_closure.h"
#include "service/ledger_service.h"

namespace cse {
namespace {

Json OptDate(const std::optional<Date>& d) { return d ? Json(d->ToString()) : Json(nullptr); }

}  // namespace

Json BucketsJson(const Money (&buckets)[kBucketCount]) {
  Json j = Json::object();
  for (int b = 0; b < kBucketCount; ++b) {
    j[std::string(Name(static_cast<Bucket>(b)))] = buckets[b].ToString();
  }
  return j;
}

Json ToJson(const Person& p) {
  return Json{{"id", PersonDisplayId(p.id)},
              {"person_id", p.id.value},
              {"first_name", p.first_name},
              {"middle_name", p.middle_name},
              {"last_name", p.last_name},
              {"ssn_last4", p.ssn.size() == 9 ? p.ssn.substr(5) : ""},
              {"date_of_birth", OptDate(p.date_of_birth)},
              {"address",
               {{"line1", p.address.line1},
                {"line2", p.address.line2},
                {"city", p.address.city},
                {"state", p.address.state},
                {"zip", p.address.zip},
                {"county", p.address.county}}}};
}

Json ToJson(const Case& c) {
  Json children = Json::array();
  for (PersonId k : c.children) children.push_back(k.value);
  return Json{{"id", CaseDisplayId(c.id)},
              {"case_id", c.id.value},
              {"obligor_id", c.obligor.value},
              {"obligee_id", c.obligee.value},
              {"children", children},
              {"case_type", Name(c.type)},
              {"status", Name(c.status)},
              {"family_violence", c.family_violence == FamilyViolence::kIndicated},
              {"opened", c.opened.ToString()},
              {"county", c.county}};
}

Json ToJson(const Order& o) {
  Json terms = Json::array();
  for (const ChildTerm& t : o.child_terms) {
    terms.push_back({{"child_id", t.child.value},
                     {"amount", t.amount.ToString()},
                     {"end_date", OptDate(t.end_date)}});
  }
  return Json{{"id", OrderDisplayId(o.id)},
              {"order_id", o.id.value},
              {"case_id", o.case_id.value},
              {"type", Name(o.type)},
              {"amount", o.amount.ToString()},
              {"frequency", Name(o.frequency)},
              {"effective_date", o.effective_date.ToString()},
              {"end_date", OptDate(o.end_date)},
              {"judgment", o.judgment.ToString()},
              {"judgment_accrued_from", OptDate(o.judgment_accrued_from)},
              {"judgment_accrued_through", OptDate(o.judgment_accrued_through)},
              {"child_terms", terms}};
}

Json ToJson(const AssistanceEpisode& e) {
  return Json{{"case_id", e.case_id.value},
              {"start_date", e.start_date.ToString()},
              {"end_date", OptDate(e.end_date)},
              {"monthly_grant", e.monthly_grant.ToString()}};
}

Json ToJson(const Collection& c) {
  return Json{{"collection_id", c.id.value},
              {"key", c.idempotency_key},
              {"case_id", c.case_id.value},
              {"obligor_id", c.obligor.value},
              {"amount", c.amount.ToString()},
              {"date", c.date.ToString()},
              {"source", Name(c.source)},
              {"reversed_date", OptDate(c.reversed_date)},
              {"reversal_reason", c.reversal_reason}};
}

std::string JsonQuote(std::string_view text) { return DumpJson(Json(std::string(text))); }

std::string DumpJson(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

namespace {

// Appends `text` as a JSON string. Idempotency keys are printable ASCII without quotes
// (ValidateIdempotencyKey) and take the fast path; anything else takes the general one.
void AppendString(std::string& out, std::string_view key) {
  bool plain = true;
  for (char c : key) {
    if (c < ' ' || c > '~' || c == '"' || c == '\\') plain = false;
  }
  if (!plain) {
    out += JsonQuote(key);
    return;
  }
  out += '"';
  out += key;
  out += '"';
}

}  // namespace

const Json& PostingColumns() {
  static const Json columns =
      Json::array({"collection_id", "key", "case_id", "obligor_id", "amount", "date", "source"});
  return columns;
}

Result<std::string> PostingRowsJson(std::span<const Collection> collections) {
  std::string out;
  out.reserve(collections.size() * 64 + 2);
  out += '[';
  for (const Collection& c : collections) {
    if (c.reversed_date || !c.reversal_reason.empty()) {
      return Internal("posting_reversed", "collection " + std::to_string(c.id.value) +
                                              " is reversed; a posting row cannot list it");
    }
    if (out.size() > 1) out += ',';
    out += '[';
    out += std::to_string(c.id.value);
    out += ',';
    AppendString(out, c.idempotency_key);
    out += ',';
    out += std::to_string(c.case_id.value);
    out += ',';
    out += std::to_string(c.obligor.value);
    out += ",\"";
    out += c.amount.ToString();
    out += "\",\"";
    out += c.date.ToString();
    out += "\",\"";
    out += Name(c.source);
    out += "\"]";
  }
  out += ']';
  return out;
}

void AppendCaseJson(std::string& out, const Case& c, const std::string* office) {
  out += "{\"id\":";
  AppendString(out, CaseDisplayId(c.id));
  out += ",\"case_id\":";
  out += std::to_string(c.id.value);
  out += ",\"obligor_id\":";
  out += std::to_string(c.obligor.value);
  out += ",\"obligee_id\":";
  out += std::to_string(c.obligee.value);
  out += ",\"children\":[";
  for (size_t i = 0; i < c.children.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(c.children[i].value);
  }
  out += "],\"case_type\":";
  AppendString(out, Name(c.type));
  out += ",\"status\":";
  AppendString(out, Name(c.status));
  out += ",\"family_violence\":";
  out += c.family_violence == FamilyViolence::kIndicated ? "true" : "false";
  out += ",\"opened\":";
  AppendString(out, c.opened.ToString());
  out += ",\"county\":";
  AppendString(out, c.county);
  if (office != nullptr) {
    out += ",\"office\":";
    AppendString(out, *office);
  }
  out += '}';
}

// "pass_through" (added 2026-12; absent from audit rows written before): family money passed
// through under 42 USC 657(a)(6), which federal reports count apart from the family's own.
Json ToJson(const DistributionLine& l) {
  return Json{{"case_id", l.case_id.value},    {"applied_as", Name(l.applied_as)},
              {"type", Name(l.type)},          {"due_date", l.due_date.ToString()},
              {"bucket", Name(l.bucket)},      {"payee", Name(l.payee)},
              {"amount", l.amount.ToString()}, {"pass_through", l.pass_through}};
}

Json ToJson(const Distribution& d) {
  Json lines = Json::array();
  for (const DistributionLine& l : d.lines) lines.push_back(ToJson(l));
  return Json{{"to_family", d.to_family.ToString()},
              {"to_state", d.to_state.ToString()},
              {"to_federal", d.to_federal.ToString()},
              {"held", d.held.ToString()},
              {"passed_through", PassedThrough(d).ToString()},  // part of to_family
              {"lines", lines}};
}

Json ToJson(const CaseBalance& b) {
  return Json{{"case_id", b.case_id.value},
              {"as_of", b.as_of.ToString()},
              {"accrued", b.accrued.ToString()},
              {"paid", b.paid.ToString()},
              {"current_due", b.current_due.ToString()},
              {"current_unpaid", b.current_unpaid.ToString()},
              {"prepaid", b.prepaid.ToString()},
              {"arrears_total", b.arrears_total.ToString()},
              {"overdue", b.overdue.ToString()},
              {"arrears_by_bucket", BucketsJson(b.arrears_by_bucket)},
              {"arrears_over_12_weeks", b.arrears_over_age_flag.is_positive()},
              {"arrears_over_12_weeks_amount", b.arrears_over_age_flag.ToString()},
              {"arrears_oldest_due", OptDate(b.arrears_oldest_due)},
              {"monthly_support", b.monthly_support.ToString()},
              {"delinquent", b.delinquent},
              {"closed", b.closed},
              {"ura",
               {{"granted", b.ura_granted.ToString()},
                {"retained", b.ura_retained.ToString()},
                {"balance", b.ura_balance.ToString()}}},
              {"distributed",
               {{"collected", b.collected.ToString()},
                {"to_family", b.to_family.ToString()},
                {"to_state", b.to_state.ToString()},
                {"to_federal", b.to_federal.ToString()},
                {"passed_through", b.passed_through.ToString()}}}};
}

Json ToJson(const ObligorBalance& b) {
  Json cases = Json::array();
  for (const CaseBalance& c : b.cases) cases.push_back(ToJson(c));
  return Json{{"obligor_id", b.obligor.value},
              {"as_of", b.as_of.ToString()},
              {"collections_total", b.collections_total.ToString()},
              {"held_total", b.held_total.ToString()},
              {"arrears_total", b.arrears_total.ToString()},
              {"overdue", b.overdue.ToString()},
              {"arrears_by_bucket", BucketsJson(b.arrears_by_bucket)},
              {"delinquent", b.delinquent},
              {"cases", cases}};
}

namespace {

Status Bad(const std::string& what) {
  return DataLoss("audit_json_invalid", "audit record cannot be read back: " + what);
}

template <typename T>
Result<T> Field(const Json& j, const char* name) {
  if (!j.contains(name)) return Bad(std::string("missing ") + name);
  try {
    return j.at(name).get<T>();
  } catch (const std::exception& e) {
    return Bad(std::string(name) + ": " + e.what());
  }
}

Result<Money> MoneyField(const Json& j, const char* name) {
  ASSIGN_OR_RETURN(std::string s, Field<std::string>(j, name));
  return ParseMoney(s, SignPolicy::kAllowNegative);
}

Result<Date> DateField(const Json& j, const char* name) {
  ASSIGN_OR_RETURN(std::string s, Field<std::string>(j, name));
  return Date::Parse(s);
}

Result<std::optional<Date>> OptDateField(const Json& j, const char* name) {
  if (!j.contains(name) || j.at(name).is_null()) return std::optional<Date>();
  ASSIGN_OR_RETURN(Date d, DateField(j, name));
  return std::optional<Date>(d);
}

}  // namespace

Result<Case> CaseFromJson(const Json& j) {
  Case c;
  ASSIGN_OR_RETURN(c.id.value, Field<int64_t>(j, "case_id"));
  ASSIGN_OR_RETURN(c.obligor.value, Field<int64_t>(j, "obligor_id"));
  ASSIGN_OR_RETURN(c.obligee.value, Field<int64_t>(j, "obligee_id"));
  ASSIGN_OR_RETURN(std::string type, Field<std::string>(j, "case_type"));
  ASSIGN_OR_RETURN(c.type, ParseCaseType(type));
  ASSIGN_OR_RETURN(std::string status, Field<std::string>(j, "status"));
  ASSIGN_OR_RETURN(c.status, ParseCaseStatus(status));
  ASSIGN_OR_RETURN(c.opened, DateField(j, "opened"));
  return c;
}

Result<Order> OrderFromJson(const Json& j) {
  Order o;
  ASSIGN_OR_RETURN(o.id.value, Field<int64_t>(j, "order_id"));
  ASSIGN_OR_RETURN(o.case_id.value, Field<int64_t>(j, "case_id"));
  ASSIGN_OR_RETURN(std::string type, Field<std::string>(j, "type"));
  ASSIGN_OR_RETURN(o.type, ParseObligationType(type));
  ASSIGN_OR_RETURN(o.amount, MoneyField(j, "amount"));
  ASSIGN_OR_RETURN(std::string freq, Field<std::string>(j, "frequency"));
  ASSIGN_OR_RETURN(o.frequency, ParseFrequency(freq));
  ASSIGN_OR_RETURN(o.effective_date, DateField(j, "effective_date"));
  ASSIGN_OR_RETURN(o.end_date, OptDateField(j, "end_date"));
  ASSIGN_OR_RETURN(o.judgment, MoneyField(j, "judgment"));
  // Absent from order.add audit rows written before 2026-12-05.
  if (j.contains("judgment_accrued_from")) {
    ASSIGN_OR_RETURN(o.judgment_accrued_from, OptDateField(j, "judgment_accrued_from"));
  }
  if (j.contains("judgment_accrued_through")) {
    ASSIGN_OR_RETURN(o.judgment_accrued_through, OptDateField(j, "judgment_accrued_through"));
  }
  if (j.contains("child_terms")) {
    for (const Json& t : j.at("child_terms")) {
      ChildTerm term;
      ASSIGN_OR_RETURN(term.child.value, Field<int64_t>(t, "child_id"));
      ASSIGN_OR_RETURN(term.amount, MoneyField(t, "amount"));
      ASSIGN_OR_RETURN(term.end_date, OptDateField(t, "end_date"));
      o.child_terms.push_back(term);
    }
  }
  return o;
}

Result<AssistanceEpisode> AssistanceFromJson(const Json& j) {
  AssistanceEpisode e;
  ASSIGN_OR_RETURN(e.case_id.value, Field<int64_t>(j, "case_id"));
  ASSIGN_OR_RETURN(e.start_date, DateField(j, "start_date"));
  ASSIGN_OR_RETURN(e.end_date, OptDateField(j, "end_date"));
  ASSIGN_OR_RETURN(e.monthly_grant, MoneyField(j, "monthly_grant"));
  return e;
}

Result<Collection> CollectionFromJson(const Json& j) {
  Collection c;
  ASSIGN_OR_RETURN(c.id.value, Field<int64_t>(j, "collection_id"));
  ASSIGN_OR_RETURN(c.idempotency_key, Field<std::string>(j, "key"));
  ASSIGN_OR_RETURN(c.case_id.value, Field<int64_t>(j, "case_id"));
  ASSIGN_OR_RETURN(c.obligor.value, Field<int64_t>(j, "obligor_id"));
  ASSIGN_OR_RETURN(c.amount, MoneyField(j, "amount"));
  ASSIGN_OR_RETURN(c.date, DateField(j, "date"));
  ASSIGN_OR_RETURN(std::string source, Field<std::string>(j, "source"));
  ASSIGN_OR_RETURN(c.source, ParsePaymentSource(source));
  ASSIGN_OR_RETURN(c.reversed_date, OptDateField(j, "reversed_date"));
  return c;
}

Result<Collection> PostingFromJsonRow(const Json& row) {
  const size_t n = PostingColumns().size();
  if (!row.is_array() || row.size() != n) {
    return DataLoss("audit_json_invalid",
                    "a posting row is not an array of " + std::to_string(n) + " values");
  }
  const auto bad = [&](size_t i) {
    return DataLoss("audit_json_invalid", "posting row value " + std::to_string(i) + " (" +
                                              PostingColumns()[i].get<std::string>() +
                                              ") has the wrong type");
  };
  for (size_t i : {0u, 2u, 3u}) {
    if (!row[i].is_number_integer()) return bad(i);
  }
  for (size_t i : {1u, 4u, 5u, 6u}) {
    if (!row[i].is_string()) return bad(i);
  }
  const Json object{{"collection_id", row[0]}, {"key", row[1]},           {"case_id", row[2]},
                    {"obligor_id", row[3]},    {"amount", row[4]},        {"date", row[5]},
                    {"source", row[6]},        {"reversed_date", nullptr}};
  return CollectionFromJson(object);
}

Json LedgerJson(const CaseLedger& l) {
  Json orders = Json::array();
  for (const Order& o : l.orders) orders.push_back(ToJson(o));
  Json episodes = Json::array();
  for (const AssistanceEpisode& e : l.episodes) episodes.push_back(ToJson(e));
  Json collections = Json::array();
  for (const CaseLedger::Entry& e : l.collections) {
    Json j = ToJson(e.collection);
    j["reversed_as_of"] = e.reversed_as_of;
    j["distribution"] = ToJson(e.distribution);
    collections.push_back(j);
  }
  Json futures = Json::array();
  for (const CaseLedger::FuturesEntry& f : l.futures) {
    futures.push_back(
        {{"date", f.date.ToString()},
         {"collection_id", f.collection.id.value},
         {"key", f.collection.idempotency_key},
         {"source", Name(f.collection.source)},
         {"received_date", f.collection.date.ToString()},
         {"amount", (f.distribution.to_family + f.distribution.to_state + f.distribution.to_federal)
                        .ToString()},
         {"distribution", ToJson(f.distribution)}});
  }
  Json debts = Json::array();
  for (const DebtView& d : l.balance.debts) {
    debts.push_back({{"due_date", d.debt.due_date.ToString()},
                     {"type", Name(d.debt.type)},
                     {"judgment", d.debt.judgment},
                     {"amount", d.debt.amount.ToString()},
                     {"paid", d.paid.ToString()},
                     {"arrears", d.arrears},
                     {"bucket", d.arrears ? Json(Name(d.bucket)) : Json(nullptr)}});
  }
  Json balance = ToJson(l.balance);
  balance["debts"] = debts;
  Json info = ToJson(l.info);
  info["closure"] = CaseClosureJson(l.closure);
  Json closed = Json::array();
  for (const DateSpan& span : l.closed_periods) {
    closed.push_back(
        {{"from", span.from.ToString()},
         {"through", span.through == MaxDate() ? Json(nullptr) : Json(span.through.ToString())}});
  }
  info["closed_periods"] = closed;
  return Json{{"case", info},
              {"orders", orders},
              {"assistance", episodes},
              {"balance", balance},
              {"collections", collections},
              {"futures_applied", futures},
              {"obligor", ToJson(l.obligor)}};
}

}  // namespace cse
