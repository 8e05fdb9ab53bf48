// The routing table and its handlers. Each handler decodes its request, applies the row-level
// rules (caseload by office; family-violence address protection), calls one service or store
// function, logs reads of persons' records, and encodes the result. docs/API.md documents
// every route; docs/openapi.yaml lists them and a test keeps the two in step.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "ai/features.h"
#include "core/ids.h"
#include "core/limits.h"
#include "core/text.h"
#include "enforce/action_service.h"
#include "enforce/nightly.h"
#include "enforce/remedy.h"
#include "enforce/report.h"
#include "enforce/workflow.h"
#include "http/router.h"
#include "http/task_action.h"
#include "service/case_closure.h"
#include "service/case_notes.h"
#include "service/case_open_on.h"
#include "service/ledger_service.h"

namespace cse::http {

namespace {

using auth::Permission;

// ---- request decoding ----

Status OnlyFields(const Json& body, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) {
      return InvalidArgument("field_unknown",
                             "field '" + std::string(TruncateUtf8(key, 40)) + "' is not accepted");
    }
  }
  return Status::Ok();
}

Result<std::string> StringField(const Json& body, const std::string& name,
                                size_t length_max = limits::kTextFieldLengthMax) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    return InvalidArgument("field_missing", name + ": required");
  }
  if (!it->is_string()) return InvalidArgument("field_invalid", name + ": expected a string");
  std::string v = it->get<std::string>();
  // Characters (code points), as the message says; the JSON parser has already refused a
  // body that is not UTF-8.
  if (static_cast<size_t>(CharacterCount(v)) > length_max) {
    return InvalidArgument("field_too_long",
                           name + ": at most " + std::to_string(length_max) + " characters");
  }
  return v;
}

// A case id given as "CASE-000042", "42" or 42.
Result<CaseId> CaseIdField(const Json& body) {
  auto it = body.find("case_id");
  if (it == body.end() || it->is_null()) {
    return InvalidArgument("field_missing", "case_id: required");
  }
  if (it->is_number_integer()) {
    const int64_t v = it->get<int64_t>();
    if (v <= 0) return InvalidArgument("id_malformed", "case_id: must be positive");
    return CaseId{v};
  }
  ASSIGN_OR_RETURN(std::string text, StringField(body, "case_id", 32));
  auto v = ParseDisplayId("CASE", text);
  if (!v.ok()) return v.status().WithContext("case_id");
  return CaseId{*v};
}

Result<Date> OptionalDateField(const Json& body, const std::string& name, Date fallback) {
  if (!body.contains(name) || body[name].is_null()) return fallback;
  ASSIGN_OR_RETURN(std::string text, StringField(body, name, 10));
  auto d = Date::Parse(text);
  if (!d.ok()) return d.status().WithContext(name);
  return d;
}

// ---- row-level rules and the access log ----

// The caseload rule: office-scoped roles see only the cases of their office (the office the
// case was assigned to, else its county); the other roles work statewide.
Result<bool> InCaseload(Call& call, CaseId id) {
  const auth::Principal& p = call.principal();
  return auth::InCaseload(call.store(), p.role, p.office, id);
}

// The office whose caseload the caller works: "" for the roles that work statewide, the
// caller's office for office-scoped roles, and nullopt for an office-scoped role without an
// office, which has no caseload (ENFORCEMENT.md §7; the store reads "" as every case, so
// before 2026-12-05 such a caller saw the statewide caseload).
std::optional<std::string> CaseloadOffice(const auth::Principal& p) {
  if (!auth::IsOfficeScoped(p.role)) return std::string();
  if (auth::HasNoCaseload(p.role, p.office)) return std::nullopt;
  return p.office;
}

Result<Case> CaseInCaseload(Call& call, CaseId id) {
  ASSIGN_OR_RETURN(Case c, call.store().GetCase(id));
  ASSIGN_OR_RETURN(const bool visible, InCaseload(call, id));
  if (!visible && !CaseloadOffice(call.principal())) {
    return FailedPrecondition("case_not_in_caseload",
                              "'" + call.principal().name +
                                  "' has no office, and so no caseload; an administrator gives "
                                  "the user one");
  }
  if (!visible) {
    return FailedPrecondition(
        "case_not_in_caseload",
        CaseDisplayId(id) + " is not in the caseload of office '" + call.principal().office + "'");
  }
  return c;
}

Result<Case> PathCase(Call& call) {
  ASSIGN_OR_RETURN(int64_t id, call.PathId("case_id", "CASE"));
  return CaseInCaseload(call, CaseId{id});
}

// Writes one access-log row per (case, person) read (case 0: not through a case), in one
// submission group-committed with other requests' rows; the router answers only once they
// are committed (router.cc Run).
Status LogPersonReadsThrough(Call& call, const std::vector<std::pair<CaseId, PersonId>>& reads) {
  if (reads.empty()) return Status::Ok();
  std::vector<AccessLogRow> rows;
  rows.reserve(reads.size());
  const std::string at = call.clock().NowIso();
  for (const auto& [case_id, person] : reads) {
    rows.push_back(AccessLogRow{0, at, call.principal().name, person, case_id, call.route(),
                                call.request().request_id});
  }
  call.AwaitAccessLog(call.server().access_log->Submit(std::move(rows)));
  return Status::Ok();
}

// One access-log row per person, all read through `case_id` (or 0).
Status LogPersonReads(Call& call, CaseId case_id, const std::vector<PersonId>& persons) {
  std::vector<std::pair<CaseId, PersonId>> reads;
  reads.reserve(persons.size());
  for (PersonId p : persons) reads.emplace_back(case_id, p);
  return LogPersonReadsThrough(call, reads);
}

Status LogReads(Call& call, const Case& c, const std::vector<PersonId>& persons) {
  return LogPersonReads(call, c.id, persons);
}

std::vector<PersonId> Parties(const Case& c, bool with_children) {
  std::vector<PersonId> out{c.obligor, c.obligee};
  if (with_children) out.insert(out.end(), c.children.begin(), c.children.end());
  return out;
}

// A party with the family-violence rule (ProtectedAddresses) applied.
Json PartyJson(const Person& p, std::string_view role, bool hide_address) {
  Json j = ToJson(p);
  j["case_role"] = role;
  j["address_protected"] = hide_address;
  if (hide_address) j["address"] = nullptr;
  return j;
}

// The family-violence rule: the persons among `persons` whose address the caller may not read
// because they are a party (a child's address is the custodial party's) to a case with the
// indicator, the one being read or any other: the protection follows the person (before 2026-12-04
// a protected parent's address showed through their other case). Empty for roles with
// address.protected.read.
Result<std::set<int64_t>> ProtectedAddresses(Call& call, std::span<const PersonId> persons) {
  std::set<int64_t> out;
  if (auth::RoleHas(call.principal().role, Permission::kAddressProtectedRead)) return out;
  ASSIGN_OR_RETURN(std::vector<PersonId> found, call.store().PartiesOfFamilyViolenceCases(persons));
  for (PersonId id : found) out.insert(id.value);
  return out;
}

Result<Json> PartiesJson(Call& call, const Case& c) {
  const std::vector<PersonId> parties = Parties(c, true);
  ASSIGN_OR_RETURN(const std::set<int64_t> protected_persons, ProtectedAddresses(call, parties));
  Json out = Json::array();
  auto add = [&](PersonId id, std::string_view role) -> Status {
    ASSIGN_OR_RETURN(Person p, call.store().GetPerson(id));
    out.push_back(PartyJson(p, role, protected_persons.count(id.value) > 0));
    return Status::Ok();
  };
  RETURN_IF_ERROR(add(c.obligor, "obligor"));
  RETURN_IF_ERROR(add(c.obligee, "obligee"));
  for (PersonId k : c.children) RETURN_IF_ERROR(add(k, "child"));
  return out;
}

// The case with its closure state (CaseWithClosureJson: "closure", null while open with no
// notice of intent to close) and office.
Result<Json> CaseJson(Call& call, const Case& c) {
  ASSIGN_OR_RETURN(Json j, CaseWithClosureJson(call.store(), c));
  ASSIGN_OR_RETURN(std::string office, call.store().CaseOffice(c.id));
  j["office"] = office;
  return j;
}

Json Page(Json items, std::optional<int64_t> next_after) {
  return Json{{"items", std::move(items)},
              {"next_after", next_after ? Json(*next_after) : Json(nullptr)}};
}

// A list route reads one row more than `limit` (PageRows), then cuts `rows` to the page: the
// cursor to the next page is the key (`key_of`) of the page's last row when a row was left
// over, none on the last page. Before 2026-12-05 a full page always answered a cursor, so an
// exactly full last page pointed to an empty one.
inline int64_t PageRows(int64_t limit) { return limit + 1; }

template <typename T, typename KeyOf>
std::optional<int64_t> CutToPage(std::vector<T>& rows, int64_t limit, KeyOf key_of) {
  if (static_cast<int64_t>(rows.size()) <= limit) return std::nullopt;
  rows.resize(static_cast<size_t>(limit));
  return key_of(rows.back());
}

// ---- session ----

std::string SessionCookie(const ServerState& s, const std::string& value, int64_t max_age_s) {
  return std::string(kSessionCookie) + "=" + value +
         "; Path=/; Max-Age=" + std::to_string(max_age_s) + "; HttpOnly; SameSite=Strict" +
         (s.tls ? "; Secure" : "");
}

// The remedies whose recommendations the caller may approve, modify (into another of them)
// and dismiss: the lifecycle's role rule (enforce::RoleAllows, docs/ENFORCEMENT.md §4) for a
// signed-in person whose role has recommendations.decide; none for an API token (decisions
// need a person: user_required). Lets the web app offer only the decisions the server allows.
Json DecidableRemediesJson(const auth::Principal& p) {
  Json out = Json::array();
  if (p.kind != auth::Principal::Kind::kUser ||
      !auth::RoleHas(p.role, Permission::kRecommendationsDecide)) {
    return out;
  }
  auto role = enforce::ParseRole(auth::Name(p.role));  // the same names (one staff identity)
  if (!role.ok()) return out;
  for (enforce::Remedy r : enforce::AllRemedies()) {
    bool allowed = true;
    for (enforce::Transition t : {enforce::Transition::kApprove, enforce::Transition::kModify,
                                  enforce::Transition::kDismiss}) {
      allowed = allowed && enforce::RoleAllows(*role, t, r);
    }
    if (allowed) out.push_back(enforce::Name(r));
  }
  return out;
}

Json PrincipalJson(const auth::Principal& p) {
  Json perms = Json::array();
  for (int i = static_cast<int>(Permission::kCasesRead);
       i <= static_cast<int>(Permission::kTeamRead); ++i) {
    const auto perm = static_cast<Permission>(i);
    if (auth::RoleHas(p.role, perm)) perms.push_back(auth::Name(perm));
  }
  Json j{{"username", p.name},
         {"role", auth::Name(p.role)},
         {"office", p.office},
         {"permissions", perms},
         {"decidable_remedies", DecidableRemediesJson(p)}};
  if (p.kind == auth::Principal::Kind::kUser) j["csrf_token"] = p.csrf_token;
  return j;
}

Result<Reply> Login(Call& call) {
  RETURN_IF_ERROR(OnlyFields(call.body(), {"username", "password"}));
  ASSIGN_OR_RETURN(std::string username, StringField(call.body(), "username", 64));
  ASSIGN_OR_RETURN(std::string password,
                   StringField(call.body(), "password", auth::kPasswordLengthMax));
  if (!call.server().throttle.Allow(call.request().remote_addr, call.clock().NowMicros())) {
    return ResourceExhausted("login_rate_limited",
                             "too many sign-in attempts from this address; wait a minute");
  }
  auth::AuthService auth(call.store(), call.clock(), call.server().auth);
  ASSIGN_OR_RETURN(auth::LoginResult r, auth.Login(username, password));
  Reply reply;
  reply.status = 201;
  reply.body = PrincipalJson(r.principal);
  reply.body["expires_at"] = FormatIsoMicros(r.expires_us);
  reply.headers.emplace_back("Set-Cookie",
                             SessionCookie(call.server(), r.session_token,
                                           call.server().auth.session_absolute_us / 1000000));
  return reply;
}

Result<Reply> WhoAmI(Call& call) { return Reply{200, PrincipalJson(call.principal()), {}}; }

Result<Reply> Logout(Call& call) {
  const auth::Principal& p = call.principal();
  if (p.kind != auth::Principal::Kind::kUser) {
    return InvalidArgument("session_not_cookie", "an API token has no session to end");
  }
  auth::AuthService auth(call.store(), call.clock(), call.server().auth);
  RETURN_IF_ERROR(auth.Logout(p));
  Reply reply{200, Json{{"signed_out", true}}, {}};
  reply.headers.emplace_back("Set-Cookie", SessionCookie(call.server(), "", 0));
  return reply;
}

Result<Reply> Health(Call& call) {
  (void)call;
  return Reply{200, Json{{"status", "ok"}}, {}};
}

// ---- cases ----

// The longest search text GET /v1/cases?q= accepts, in characters (after trimming).
constexpr int64_t kSearchTextLengthMax = 100;

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// The search text: trimmed of spaces and tabs, then 1 to kSearchTextLengthMax characters of
// UTF-8 without control characters. Errors: invalid_argument "search_query_blank",
// "search_query_too_long", "search_query_invalid" (each naming q).
Result<std::string> SearchText(std::string_view raw) {
  while (!raw.empty() && IsSpace(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && IsSpace(raw.back())) raw.remove_suffix(1);
  if (raw.empty()) {
    return InvalidArgument("search_query_blank",
                           "q: give a case id (CASE-000042, 42) or a party's name (Doe, Sam Doe)");
  }
  if (!IsValidUtf8(raw)) return InvalidArgument("search_query_invalid", "q: not valid UTF-8");
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("search_query_invalid", "q: control characters are not allowed");
    }
  }
  const int64_t n = CharacterCount(raw);
  if (n > kSearchTextLengthMax) {
    return InvalidArgument("search_query_too_long", "q: at most " +
                                                        std::to_string(kSearchTextLengthMax) +
                                                        " characters, got " + std::to_string(n));
  }
  return std::string(raw);
}

// Whether the text is meant as a case id: digits only, or "CASE-" (any letter case) first.
bool LooksLikeCaseId(std::string_view text) {
  if (text.size() >= 5 && text[4] == '-') {
    bool prefix = true;
    for (size_t i = 0; i < 4; ++i) {
      prefix = prefix && std::toupper(static_cast<unsigned char>(text[i])) == "CASE"[i];
    }
    if (prefix) return true;
  }
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The words of `text` (separated by spaces and tabs) joined by one space.
std::string Words(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (IsSpace(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !IsSpace(text[end])) ++end;
    if (!out.empty()) out += ' ';
    out += text.substr(i, end - i);
    i = end;
  }
  return out;
}

// The names a search text may mean, each compared whole and ignoring letter case: the whole
// text as a last name ("Doe", "De La Cruz"); with a comma, "Last, First"; otherwise, with
// several words, each split into a first name and a last name ("Sam Doe", "Mary Ann Smith")
// and the first and last words alone (a middle name typed: "Sam J Doe").
//
// An apostrophe matches either way it is typed: "O'Brien" also finds "O’Brien" (U+2019, what
// phones and word processors put in) and the other way round; the query is sent in both forms.
std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::vector<PersonNameQuery> NameQueries(std::string_view text) {
  std::vector<PersonNameQuery> out;
  auto add_one = [&out](std::string last, std::string first) {
    if (last.empty()) return;
    for (const PersonNameQuery& q : out) {
      if (q.last == last && q.first == first) return;
    }
    out.push_back(PersonNameQuery{std::move(last), std::move(first)});
  };
  auto add = [&add_one](const std::string& last, const std::string& first) {
    constexpr std::string_view kAscii = "'", kRight = "\xE2\x80\x99", kLeft = "\xE2\x80\x98";
    const auto ascii = [&](const std::string& t) {
      return ReplaceAll(ReplaceAll(t, kRight, kAscii), kLeft, kAscii);
    };
    add_one(last, first);
    add_one(ascii(last), ascii(first));
    add_one(ReplaceAll(ascii(last), kAscii, kRight), ReplaceAll(ascii(first), kAscii, kRight));
  };
  const std::string whole = Words(text);
  add(whole, "");
  const size_t comma = text.find(',');
  if (comma != std::string_view::npos) {
    add(Words(text.substr(0, comma)), Words(text.substr(comma + 1)));
    return out;
  }
  // The word boundaries of `whole` (single spaces now).
  std::vector<size_t> spaces;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (whole[i] == ' ') spaces.push_back(i);
  }
  for (size_t at : spaces) add(whole.substr(at + 1), whole.substr(0, at));
  if (spaces.size() >= 2) add(whole.substr(spaces.back() + 1), whole.substr(0, spaces.front()));
  return out;
}

Json SearchHitJson(const CaseSearchHit& hit, std::string_view matched_by) {
  Json j = ToJson(hit.found.info);
  j["office"] = hit.found.office;
  j["matched_by"] = matched_by;
  Json parties = Json::array();
  for (const PartyNameMatch& m : hit.matched) {
    parties.push_back(Json{{"id", PersonDisplayId(m.person)},
                           {"person_id", m.person.value},
                           {"case_role", m.case_role},
                           {"first_name", m.first_name},
                           {"last_name", m.last_name}});
  }
  j["matched_parties"] = std::move(parties);
  return j;
}

// The case with display id `id` when it is after `after` and in the caseload of `office`
// ("" = statewide), as a one-item (or empty) page: a search finds nothing rather than
// answering 404 or 403.
Result<std::vector<CaseSearchHit>> CaseById(Call& call, int64_t id, const std::string& office,
                                            int64_t after) {
  std::vector<CaseSearchHit> out;
  if (id <= after) return out;
  auto c = call.store().GetCase(CaseId{id});
  if (!c.ok() && c.status().reason() == "case_not_found") return out;
  if (!c.ok()) return c.status();
  ASSIGN_OR_RETURN(std::string case_office, call.store().CaseOffice(c->id));
  if (!office.empty() && case_office != office) return out;
  out.push_back(CaseSearchHit{CaseInOffice{std::move(*c), std::move(case_office)}, {}});
  return out;
}

// GET /v1/cases?q=TEXT: the caseload's cases (of `office`, "" = statewide) that the text
// names, a page of `limit` after the case `after`, by id. A case id ("CASE-000042",
// "case-42", "42": ParseDisplayId) finds that case; any other text finds the cases with a
// party (obligor, obligee or child) of that name (NameQueries), each with the parties that
// matched. Each matched party answered is logged in the access log as a read through its
// case. No address is answered, so the family-violence rule (ProtectedAddresses) has nothing
// to withhold here.
Result<Reply> SearchCases(Call& call, const std::string& raw, const std::string& office,
                          int64_t after, int64_t limit) {
  ASSIGN_OR_RETURN(const std::string text, SearchText(raw));
  std::vector<CaseSearchHit> hits;
  std::string_view matched_by = "name";
  if (LooksLikeCaseId(text)) {
    auto id = ParseDisplayId("CASE", text);
    if (!id.ok()) return id.status().WithContext("q");
    ASSIGN_OR_RETURN(hits, CaseById(call, *id, office, after));
    matched_by = "case_id";
  } else {
    const std::vector<PersonNameQuery> names = NameQueries(text);
    ASSIGN_OR_RETURN(hits, call.store().SearchCasesByName(names, office, after, PageRows(limit)));
  }
  const std::optional<int64_t> next =
      CutToPage(hits, limit, [](const CaseSearchHit& h) { return h.found.info.id.value; });
  Json items = Json::array();
  std::vector<std::pair<CaseId, PersonId>> reads;  // logged in one submission
  for (const CaseSearchHit& hit : hits) {
    items.push_back(SearchHitJson(hit, matched_by));
    for (const PartyNameMatch& m : hit.matched) reads.emplace_back(hit.found.info.id, m.person);
  }
  RETURN_IF_ERROR(LogPersonReadsThrough(call, reads));
  return Reply{200, Page(std::move(items), next), {}};
}

// The office `given` names, spelled as it is stored. Office names are unique ignoring ASCII
// letter case (user add and assign-office refuse a variant of a name in use), and a caseload
// compares them exactly, so "alder" is the office "Alder". An office with a case under the
// given spelling is taken as given (one indexed read); otherwise the spellings in use decide
// (Store::FindOfficeSpellings, which reads every case's county): the given one when it is in
// use or when no office has that name, else the one spelling in use. Errors: invalid_argument
// "office_case_mismatch" when several spellings are in use and none is the given one (names
// left from before the rule: the caller picks one).
Result<std::string> StoredOfficeSpelling(Call& call, const std::string& given) {
  ASSIGN_OR_RETURN(std::vector<CaseId> one, call.store().ListCaseIdsInOffice(given, 0, 1));
  if (!one.empty()) return given;
  ASSIGN_OR_RETURN(std::vector<std::string> spellings, call.store().FindOfficeSpellings(given));
  if (spellings.empty() ||
      std::find(spellings.begin(), spellings.end(), given) != spellings.end()) {
    return given;
  }
  if (spellings.size() == 1) return spellings.front();
  std::string names;
  for (const std::string& n : spellings) names += (names.empty() ? "'" : ", '") + n + "'";
  return InvalidArgument("office_case_mismatch",
                         "office '" + given + "' is spelled " + names +
                             " in different caseloads: give one as spelled");
}

// A page of the caseload (`office` filter; office-scoped roles see only their own), or with
// `q` a search of it (SearchCases). The office filter ignores ASCII letter case for every role
// (StoredOfficeSpelling; before 2026-12-05 "alder" gave statewide roles an empty page and
// Alder's own caseworkers 403).
Result<Reply> ListCases(Call& call) {
  ASSIGN_OR_RETURN(int64_t limit, call.Limit());
  ASSIGN_OR_RETURN(int64_t after, call.Cursor("after"));
  const auth::Principal& p = call.principal();
  std::string office;
  auto it = call.request().query.find("office");
  if (it != call.request().query.end()) {
    office = it->second;
    RETURN_IF_ERROR(auth::ValidateOffice(office));
  }
  if (auth::IsOfficeScoped(p.role)) {
    const std::optional<std::string> own = CaseloadOffice(p);
    if (!own) return Reply{200, Page(Json::array(), std::nullopt), {}};  // no caseload
    if (!office.empty() && AsciiLower(office) != AsciiLower(*own)) {
      return FailedPrecondition("case_not_in_caseload",
                                "office '" + office + "' is not your office '" + p.office + "'");
    }
    office = *own;
  } else if (!office.empty()) {
    ASSIGN_OR_RETURN(office, StoredOfficeSpelling(call, office));
  }
  auto q = call.request().query.find("q");
  if (q != call.request().query.end()) return SearchCases(call, q->second, office, after, limit);
  ASSIGN_OR_RETURN(std::vector<CaseInOffice> cases,
                   call.store().ListCasesInOffice(office, after, PageRows(limit)));
  const std::optional<int64_t> next =
      CutToPage(cases, limit, [](const CaseInOffice& c) { return c.info.id.value; });
  // Put together as text (AppendCaseJson), the same bytes as Page() of ToJson objects.
  Reply reply;
  std::string& body = reply.serialized;
  body.reserve(cases.size() * 260 + 40);
  body += "{\"items\":[";
  for (size_t i = 0; i < cases.size(); ++i) {
    if (i > 0) body += ',';
    AppendCaseJson(body, cases[i].info, &cases[i].office);
  }
  body += "],\"next_after\":";
  body += next ? std::to_string(*next) : std::string("null");
  body += '}';
  return reply;
}

Result<Reply> GetCase(Call& call) {
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(Json parties, PartiesJson(call, c));
  ASSIGN_OR_RETURN(std::vector<Order> orders, call.store().ListOrdersByCase(c.id));
  Json orders_json = Json::array();
  for (const Order& o : orders) orders_json.push_back(ToJson(o));
  ASSIGN_OR_RETURN(Json case_json, CaseJson(call, c));
  RETURN_IF_ERROR(LogReads(call, c, Parties(c, true)));
  return Reply{200, Json{{"case", case_json}, {"parties", parties}, {"orders", orders_json}}, {}};
}

Result<Reply> GetParties(Call& call) {
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(Json parties, PartiesJson(call, c));
  RETURN_IF_ERROR(LogReads(call, c, Parties(c, true)));
  return Reply{200, Json{{"items", parties}}, {}};
}

Result<Reply> GetOrders(Call& call) {
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(std::vector<Order> orders, call.store().ListOrdersByCase(c.id));
  Json items = Json::array();
  for (const Order& o : orders) items.push_back(ToJson(o));
  return Reply{200, Json{{"items", items}}, {}};
}

// Whether cases are in the caller's caseload, each looked up once (the path's case is; every
// case is for the roles that work statewide).
class CaseloadMemo {
 public:
  CaseloadMemo(Call& call, const Case& path_case)
      : call_(call), statewide_(!auth::IsOfficeScoped(call.principal().role)) {
    visible_[path_case.id.value] = true;
  }
  Result<bool> Has(int64_t id) {
    if (statewide_) return true;
    auto it = visible_.find(id);
    if (it != visible_.end()) return it->second;
    ASSIGN_OR_RETURN(const bool v, InCaseload(call_, CaseId{id}));
    visible_[id] = v;
    return v;
  }

 private:
  Call& call_;
  bool statewide_;
  std::map<int64_t, bool> visible_;
};

// The ledger with the obligor's other cases outside the caller's caseload withheld: their
// entries of `obligor.cases` (arrears, support, URA) are left out and counted in
// `obligor.cases_withheld`, and a collection posted to one of them (listed because part of it
// went to this case) answers `case_id` null. The obligor's combined totals (arrears by
// bucket, collections, held, delinquent) stay: enforcement thresholds are the obligor's,
// across every case (docs/API.md). Before 2026-12-05 another office's cases showed in full.
Status WithholdOtherOfficesCases(Call& call, const Case& c, Json& ledger) {
  if (!auth::IsOfficeScoped(call.principal().role)) return Status::Ok();  // no cases_withheld
  CaseloadMemo memo(call, c);
  Json kept = Json::array();
  int64_t withheld = 0;
  for (Json& entry : ledger["obligor"]["cases"]) {
    ASSIGN_OR_RETURN(const bool v, memo.Has(entry.value("case_id", int64_t{0})));
    if (v) {
      kept.push_back(std::move(entry));
    } else {
      ++withheld;
    }
  }
  ledger["obligor"]["cases"] = std::move(kept);
  ledger["obligor"]["cases_withheld"] = withheld;
  for (Json& entry : ledger["collections"]) {
    if (!entry["case_id"].is_number_integer()) continue;
    ASSIGN_OR_RETURN(const bool v, memo.Has(entry["case_id"].get<int64_t>()));
    if (!v) entry["case_id"] = nullptr;
  }
  return Status::Ok();
}

Result<Reply> GetLedger(Call& call) {
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(Date as_of, call.AsOf());
  LedgerService service(call.store(), call.clock(), call.principal().name);
  ASSIGN_OR_RETURN(CaseLedger l, service.GetCaseLedger(c.id, as_of));
  Json body = LedgerJson(l);
  RETURN_IF_ERROR(WithholdOtherOfficesCases(call, c, body));
  RETURN_IF_ERROR(LogReads(call, c, Parties(c, false)));
  return Reply{200, std::move(body), {}};
}

Result<Reply> GetArrears(Call& call) {
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(Date as_of, call.AsOf());
  LedgerService service(call.store(), call.clock(), call.principal().name);
  ASSIGN_OR_RETURN(const CaseBalance b, service.GetCaseBalance(c, as_of));
  RETURN_IF_ERROR(LogReads(call, c, Parties(c, false)));
  return Reply{200,
               Json{{"case_id", CaseDisplayId(c.id)},
                    {"as_of", as_of.ToString()},
                    {"arrears_total", b.arrears_total.ToString()},
                    {"overdue", b.overdue.ToString()},
                    {"arrears_by_bucket", BucketsJson(b.arrears_by_bucket)},
                    {"arrears_oldest_due",
                     b.arrears_oldest_due ? Json(b.arrears_oldest_due->ToString()) : Json(nullptr)},
                    {"arrears_over_12_weeks_amount", b.arrears_over_age_flag.ToString()},
                    {"monthly_support", b.monthly_support.ToString()},
                    {"delinquent", b.delinquent}},
               {}};
}

// Support due and paid on the case per calendar month, for the payment history chart: the
// last `months` months (1-36, default 12) up to as_of. Due: the debts falling due that
// month (current support, cash medical, judgments). Paid: what collections received that
// month distributed to this case (family, state and federal shares; held money and
// reversed collections excluded). Both are read off the ledger; no rule is applied here. A
// window that would start before the first supported month (1900-01) is refused
// (date_out_of_range naming as_of and months) rather than cut short.
Result<Reply> GetHistory(Call& call) {
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(Date as_of, call.AsOf());
  int64_t months = 12;
  auto it = call.request().query.find("months");
  if (it != call.request().query.end()) {
    const std::string& text = it->second;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, months);
    if (ec != std::errc() || p != end || months < 1 || months > 36) {
      return InvalidArgument("months_invalid", "months: an integer from 1 to 36");
    }
  }
  const int last = as_of.MonthIndex();
  const int first = last - static_cast<int>(months) + 1;
  if (first < MinDate().MonthIndex()) {
    return OutOfRange("date_out_of_range",
                      "as_of, months: the " + std::to_string(months) + " months up to " +
                          as_of.ToString() + " would start before " +
                          MinDate().ToString().substr(0, 7) +
                          ", the first supported month; give a later as_of or fewer months");
  }
  LedgerService service(call.store(), call.clock(), call.principal().name);
  ASSIGN_OR_RETURN(CaseLedger l,
                   service.GetCaseLedger(c.id, as_of, LedgerService::PaymentFields::kLedgerInputs));
  std::vector<Money> due(static_cast<size_t>(months)), paid(static_cast<size_t>(months));
  auto slot = [&](Date d) -> std::optional<size_t> {
    const int m = d.MonthIndex();
    if (m < first || m > last || d > as_of) return std::nullopt;
    return static_cast<size_t>(m - first);
  };
  for (const DebtView& d : l.balance.debts) {
    if (auto i = slot(d.debt.due_date)) due[*i] += d.debt.amount;
  }
  for (const CaseLedger::Entry& e : l.collections) {
    if (e.reversed_as_of) continue;
    if (auto i = slot(e.collection.date)) {
      paid[*i] += e.distribution.to_family + e.distribution.to_state + e.distribution.to_federal;
    }
  }
  // Held money applied as future support counts in the month it paid (its first day).
  for (const CaseLedger::FuturesEntry& f : l.futures) {
    if (auto i = slot(f.date)) {
      paid[*i] += f.distribution.to_family + f.distribution.to_state + f.distribution.to_federal;
    }
  }
  Json items = Json::array();
  for (size_t i = 0; i < due.size(); ++i) {
    const int m = first + static_cast<int>(i);
    const std::string label = Date::Ymd(m / 12, m % 12 + 1, 1).ToString().substr(0, 7);
    items.push_back(
        Json{{"month", label}, {"due", due[i].ToString()}, {"paid", paid[i].ToString()}});
  }
  RETURN_IF_ERROR(LogReads(call, c, Parties(c, false)));
  return Reply{
      200,
      Json{{"case_id", CaseDisplayId(c.id)}, {"as_of", as_of.ToString()}, {"months", items}},
      {}};
}

// ---- case notes (service/case_notes.h) ----

Json NoteJson(const CaseNote& n) {
  return Json{{"id", n.id},
              {"case_id", CaseDisplayId(n.case_id)},
              {"author", n.author},
              {"at", n.at},
              {"text", n.text}};
}

// The case's notes, newest first; `before` (a note id) pages back. Notes are about the
// family, so reading them is logged as a read of the case's parties.
Result<Reply> ListNotes(Call& call) {
  ASSIGN_OR_RETURN(int64_t limit, call.Limit());
  ASSIGN_OR_RETURN(int64_t before, call.Cursor("before"));
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(std::vector<CaseNote> notes, ListCaseNotes(call.store(), c.id, before, limit));
  RETURN_IF_ERROR(LogReads(call, c, Parties(c, false)));
  Json items = Json::array();
  for (const CaseNote& n : notes) items.push_back(NoteJson(n));
  // A full page has a next one only when an older note is left (the service's page is at most
  // kCaseNotesPageMax, the largest `limit`, so it cannot read one note more).
  std::optional<int64_t> next;
  if (static_cast<int64_t>(notes.size()) == limit) {
    ASSIGN_OR_RETURN(std::vector<CaseNote> older,
                     ListCaseNotes(call.store(), c.id, notes.back().id, 1));
    if (!older.empty()) next = notes.back().id;
  }
  return Reply{200,
               Json{{"case_id", CaseDisplayId(c.id)},
                    {"items", std::move(items)},
                    {"next_before", next ? Json(*next) : Json(nullptr)}},
               {}};
}

// Body {"text": TEXT}; the author is the caller. API tokens cannot write notes (a note is a
// person's statement).
Result<Reply> AddNote(Call& call) {
  RETURN_IF_ERROR(OnlyFields(call.body(), {"text"}));
  // No limit here: the body is at most kRequestBodyBytesMax, and the text's own rules
  // (ValidateCaseNoteText: note_too_long over kCaseNoteLengthMax bytes after trimming) answer.
  ASSIGN_OR_RETURN(std::string text, StringField(call.body(), "text", kRequestBodyBytesMax));
  const auth::Principal& p = call.principal();
  if (p.kind != auth::Principal::Kind::kUser) {
    return FailedPrecondition("user_required", "notes are written by a signed-in person");
  }
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(CaseNote note, AddCaseNote(call.store(), call.clock(), p.name, c.id, text));
  return Reply{201, NoteJson(note), {}};
}

// ---- payments ----

Result<PaymentRequest> DecodePayment(Call& call) {
  const Json& b = call.body();
  RETURN_IF_ERROR(OnlyFields(b, {"case_id", "amount", "date", "source"}));
  PaymentRequest r;
  r.key = call.Header("idempotency-key");
  if (r.key.empty()) return InvalidArgument("key_missing", "Idempotency-Key header: required");
  ASSIGN_OR_RETURN(r.case_id, CaseIdField(b));
  ASSIGN_OR_RETURN(std::string amount, StringField(b, "amount", 32));
  auto m = ParseMoney(amount);
  if (!m.ok()) return m.status().WithContext("amount");
  r.amount = *m;
  ASSIGN_OR_RETURN(std::string date, StringField(b, "date", 10));
  auto d = Date::Parse(date);
  if (!d.ok()) return d.status().WithContext("date");
  r.date = *d;
  ASSIGN_OR_RETURN(std::string source, StringField(b, "source", 32));
  auto s = ParsePaymentSource(source);
  if (!s.ok()) return s.status().WithContext("source");
  r.source = *s;
  return r;
}

// ---- scores ----

Json FactorsJson(const std::vector<ai::KeyFactor>& factors) {
  Json out = Json::array();
  for (const ai::KeyFactor& k : factors) {
    out.push_back(Json{{"code", k.code},
                       {"text", k.text},
                       {"direction", k.raises_risk ? "increases_risk" : "decreases_risk"},
                       {"contribution", k.contribution}});
  }
  return out;
}

Result<std::shared_ptr<const ai::RiskScorer>> ActiveScorer(Call& call) {
  ASSIGN_OR_RETURN(std::vector<RiskModelRecord> models, call.store().ListRiskModels());
  std::string version;
  for (const RiskModelRecord& m : models) {
    if (m.active) version = m.version;
  }
  if (version.empty()) {
    return FailedPrecondition("model_none_active",
                              "no risk model is active; train one with `opencse model train`");
  }
  // The state's tier cut-offs (config set risk.tier_*), as `opencse score` and the nightly
  // label scores: read each time, since a supervisor may change them while the server runs.
  ASSIGN_OR_RETURN(const auto tiers, LoadRiskTierCutoffs(call.store()));
  auto& cache = call.server().scorers;
  {
    std::lock_guard<std::mutex> lock(cache.mu);
    if (cache.version == version && cache.tiers == tiers && cache.scorer) return cache.scorer;
  }
  ASSIGN_OR_RETURN(RiskModelRecord record, call.store().GetRiskModel(version));
  ASSIGN_OR_RETURN(ai::RiskScorer scorer, ai::RiskScorer::FromRecordInForce(call.store(), record));
  auto shared = std::make_shared<const ai::RiskScorer>(std::move(scorer));
  std::lock_guard<std::mutex> lock(cache.mu);
  cache.version = version;
  cache.tiers = tiers;
  cache.scorer = shared;
  return shared;
}

// The integration payload's fields: each is checked (type and range, naming the field) so
// that a caller learns of bad data, and then the request is refused as not scorable: the
// model needs the 38 features it was trained on, computed from the agency's records, and
// these fields supply at most five of them (docs/API.md, "Scoring an integration payload").
Status CheckPayloadField(const Json& b, const std::string& name, double min, double max,
                         bool integer) {
  const Json& v = b[name];
  if (!v.is_number() || (integer && !v.is_number_integer())) {
    return InvalidArgument("field_invalid",
                           name + (integer ? ": expected an integer" : ": expected a number"));
  }
  const double x = v.get<double>();
  if (!(x >= min && x <= max)) {
    return InvalidArgument("field_out_of_range", name + ": expected " + std::to_string(min) +
                                                     " to " + std::to_string(max));
  }
  return Status::Ok();
}

Status RefusePayload(const Json& b) {
  static const std::set<std::string> kStatus{"employed", "self_employed", "unemployed", "unknown"};
  std::vector<std::string> given;
  if (b.contains("payer_employment_status")) {
    ASSIGN_OR_RETURN(std::string s, StringField(b, "payer_employment_status", 32));
    if (kStatus.count(s) == 0) {
      return InvalidArgument("field_invalid",
                             "payer_employment_status: one of employed, self_employed, "
                             "unemployed, unknown");
    }
    given.push_back("payer_employment_status");
  }
  struct Numeric {
    const char* name;
    double min, max;
    bool integer;
  };
  for (const Numeric& n : {Numeric{"avg_payment_delay_days", 0, 3650, false},
                           Numeric{"previous_enforcement_actions", 0, 1000, true},
                           Numeric{"months_since_last_payment", 0, 1200, false},
                           Numeric{"county_economic_index", 0, 1000, false}}) {
    if (!b.contains(n.name)) continue;
    RETURN_IF_ERROR(CheckPayloadField(b, n.name, n.min, n.max, n.integer));
    given.emplace_back(n.name);
  }
  if (given.empty()) return Status::Ok();
  return FailedPrecondition(
      "score_payload_not_scorable",
      "the risk model scores from the agency's records (38 features: arrears, payment ratios, "
      "orders, employment history, enforcement history, economy); the payload supplies at most 5 "
      "of them, so no honest score can be computed from it. Send only {\"case_id\"} of a case "
      "on file; see docs/API.md");
}

Result<Reply> Score(Call& call) {
  const Json& b = call.body();
  RETURN_IF_ERROR(OnlyFields(
      b, {"case_id", "as_of", "payer_employment_status", "avg_payment_delay_days",
          "previous_enforcement_actions", "months_since_last_payment", "county_economic_index"}));
  ASSIGN_OR_RETURN(CaseId id, CaseIdField(b));
  RETURN_IF_ERROR(RefusePayload(b));
  ASSIGN_OR_RETURN(Date as_of, OptionalDateField(b, "as_of", call.clock().Today()));
  const std::string scored_at = call.clock().NowIso();
  RETURN_IF_ERROR(ai::CheckScoreDate(as_of, scored_at));
  ASSIGN_OR_RETURN(Case c, CaseInCaseload(call, id));
  // Closed on the as-of date, not today (docs/ARCHITECTURE.md §5.6).
  RETURN_IF_ERROR(CheckCaseOpenOn(call.store(), c, as_of, "the as-of date"));
  ASSIGN_OR_RETURN(std::vector<Order> orders, call.store().ListOrdersByCase(id));
  if (orders.empty()) {
    return FailedPrecondition("case_has_no_order", CaseDisplayId(id) + " has no support order");
  }
  ASSIGN_OR_RETURN(auto scorer, ActiveScorer(call));
  ASSIGN_OR_RETURN(ai::Reference ref, ai::LoadReference(call.store()));
  RETURN_IF_ERROR(LogReads(call, c, {c.obligor}));
  RETURN_IF_ERROR(call.store().Begin());
  auto score = ai::ScoreAndRecord(call.store(), ref, *scorer, c.obligor, id, as_of, scored_at);
  if (!score.ok()) return score.status();  // Run rolls back
  RETURN_IF_ERROR(call.store().Commit());
  return Reply{200,
               Json{{"case_id", CaseDisplayId(id)},
                    {"obligor_id", PersonDisplayId(c.obligor)},
                    {"as_of", as_of.ToString()},
                    {"risk_score", score->probability},
                    {"risk_score_100", score->score},
                    {"risk_tier", std::string(ai::Name(score->tier))},
                    {"recommended_action", nullptr},
                    {"confidence", score->confidence},
                    {"key_factors", FactorsJson(score->key_factors)},
                    {"model_version", scorer->version()}},
               {}};
}

Result<Reply> ListScores(Call& call) {
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(std::vector<RiskScoreRecord> rows, call.store().ListRiskScores(c.obligor));
  // The scores are the obligor's; one scored through a case of another office's caseload
  // answers case_id null, as the ledger withholds that case (WithholdOtherOfficesCases).
  CaseloadMemo memo(call, c);
  Json items = Json::array();
  for (const RiskScoreRecord& r : rows) {
    bool shown = r.case_id.valid();
    if (shown) {
      ASSIGN_OR_RETURN(shown, memo.Has(r.case_id.value));
    }
    items.push_back(Json{{"case_id", shown ? Json(CaseDisplayId(r.case_id)) : Json(nullptr)},
                         {"as_of", r.as_of.ToString()},
                         {"risk_score", r.probability},
                         {"risk_score_100", r.score},
                         {"risk_tier", r.tier},
                         {"confidence", r.confidence},
                         {"key_factors", Json::parse(r.key_factors_json, nullptr, false)},
                         {"model_version", r.model_version},
                         {"scored_at", r.scored_at}});
  }
  RETURN_IF_ERROR(LogReads(call, c, {c.obligor}));
  return Reply{200, Json{{"items", items}}, {}};
}

// ---- payments: the payment event ----

// The active model a payment event scores with, as `opencse post-payment` takes it (the one
// rule of ai::ClassifyScorerLoadFailure): none active, or one that cannot be used (with its
// Status in `unusable`), is no scorer: the event runs on the rules. Errors: the store's.
Result<std::shared_ptr<const ai::RiskScorer>> PaymentEventScorer(Call& call, Status& unusable) {
  auto scorer = ActiveScorer(call);
  if (scorer.ok()) return scorer;
  if (ai::ClassifyScorerLoadFailure(scorer.status(), &unusable) == ai::ScorerLoadFailure::kError) {
    return scorer.status();
  }
  return std::shared_ptr<const ai::RiskScorer>();
}

// The payment event's `enforcement` object as `role` may read it: a role without scores.read
// (the accounting technician who posts payments) gets no risk score or tier (null, with
// "score_withheld": true), and one without queue.read gets the withdrawn recommendations' ids
// and cases but not their remedies and reasons (a reason can name what made a remedy
// ineligible, such as protected SSI/SSDI income).
Json ForPrincipal(Json effects, auth::Role role) {
  if (!auth::RoleHas(role, Permission::kScoresRead)) {
    effects["risk_score_100"] = nullptr;
    effects["risk_tier"] = nullptr;
    effects["score_withheld"] = true;
  }
  if (!auth::RoleHas(role, Permission::kQueueRead)) {
    for (Json& w : effects["withdrawn_actions"]) {
      w.erase("remedy");
      w.erase("reason");
    }
  }
  return effects;
}

// The payment event of a payment just posted (enforce::OnPaymentPosted, in its own
// transaction): re-score, close satisfied outreach, withdraw moot recommendations, refresh the
// open tasks' stakes, audit row enforce.payment_event. As the CLI, a failure does not undo the
// payment, which is committed: it answers {"error": code} and the next nightly run catches up.
Json RunPaymentEvent(Call& call, CaseId case_id, Date date) {
  Status unusable;
  auto scorer = PaymentEventScorer(call, unusable);
  if (!scorer.ok()) return Json{{"error", scorer.status().reason()}};
  auto effects = enforce::OnPaymentPosted(call.store(), call.clock(), call.principal().name,
                                          scorer->get(), case_id, date);
  if (!effects.ok()) return Json{{"error", effects.status().reason()}};
  return ForPrincipal(enforce::PaymentEffectsJson(*effects, unusable), call.principal().role);
}

// POST /v1/payments: `opencse post-payment`'s contract. The posting commits first; a created
// payment then runs its payment event (before 2026-12-05 the route skipped it: no re-score, no
// refreshed stakes, no enforce.payment_event row, no `enforcement` in the reply).
Result<Reply> PostPayment(Call& call) {
  ASSIGN_OR_RETURN(PaymentRequest r, DecodePayment(call));
  LedgerService service(call.store(), call.clock(), call.principal().name);
  ASSIGN_OR_RETURN(PostResult res, service.PostPayment(r));
  const bool created = res.outcome == PostOutcome::kCreated;
  Json body{{"result", created ? "created" : "exists"},
            {"collection_id", res.id.value},
            {"key", r.key},
            {"distribution", ToJson(res.distribution)},
            {"redistributed", res.redistributed}};
  if (created) body["enforcement"] = RunPaymentEvent(call, r.case_id, r.date);
  return Reply{created ? 201 : 200, std::move(body), {}};
}

// ---- audit trail and access log ----

Json ParsedOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? Json(text) : j;
}

// The caller's caseload as sets of case and person ids (the parties, children included, of
// its cases), for the routes that filter many rows at once. Statewide for the roles that work
// statewide; empty for an office-scoped role without an office.
struct Caseload {
  bool statewide = true;
  std::unordered_set<int64_t> cases;
  std::unordered_set<int64_t> persons;
  bool HasCase(int64_t id) const { return statewide || cases.count(id) > 0; }
  bool HasPerson(int64_t id) const { return statewide || persons.count(id) > 0; }
};

// Reads the caseload page by page (ListCasesInOffice with the caller's office, so each case
// listed passes InCaseload).
Result<Caseload> LoadCaseload(Call& call) {
  Caseload out;
  const std::optional<std::string> office = CaseloadOffice(call.principal());
  if (office && office->empty()) return out;  // statewide
  out.statewide = false;
  if (!office) return out;  // no caseload
  int64_t after = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<CaseInOffice> page,
                     call.store().ListCasesInOffice(*office, after, kPageSizeMax));
    for (const CaseInOffice& row : page) {
      out.cases.insert(row.info.id.value);
      for (PersonId who : Parties(row.info, true)) out.persons.insert(who.value);
    }
    if (static_cast<int64_t>(page.size()) < kPageSizeMax) break;
    after = page.back().info.id.value;
  }
  return out;
}

// The cases and persons an audit row names.
struct AuditRefs {
  std::set<int64_t> cases;
  std::set<int64_t> persons;
  bool empty() const { return cases.empty() && persons.empty(); }
};

// An id given as a number or as a display id with `prefix` ("CASE-000042"), or 0.
int64_t RefId(const Json& v, std::string_view prefix) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return 0;
  auto id = ParseDisplayId(prefix, v.get<std::string>());
  return id.ok() ? *id : 0;
}

// The payload keys that name a case or a person, wherever they are in an audit row's JSON
// (case.add, order.add, enforce.recommend, events.add, payment.reverse, employment.add, ...).
bool IsCaseKey(const std::string& key) { return key == "case_id"; }
bool IsPersonKey(const std::string& key) {
  return key == "person_id" || key == "obligor_id" || key == "obligee_id" || key == "child_id" ||
         key == "obligor" || key == "obligee";
}

// Whether `j` is a table ({"columns": [...], "rows": [[...], ...]}, import.batch).
bool IsTable(const Json& j) {
  return j.is_object() && j.contains("columns") && j["columns"].is_array() && j.contains("rows") &&
         j["rows"].is_array();
}

void CollectRefs(const Json& j, AuditRefs& out);

// The references of one row of a table with `columns`.
void CollectRowRefs(const Json& columns, const Json& row, AuditRefs& out) {
  if (!row.is_array()) return;
  for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    if (!columns[i].is_string()) continue;
    const std::string key = columns[i].get<std::string>();
    if (IsCaseKey(key)) {
      if (const int64_t id = RefId(row[i], "CASE"); id > 0) out.cases.insert(id);
    } else if (IsPersonKey(key)) {
      if (const int64_t id = RefId(row[i], "PRS"); id > 0) out.persons.insert(id);
    }
  }
}

void CollectRefs(const Json& j, AuditRefs& out) {
  if (IsTable(j)) {
    for (const Json& row : j["rows"]) CollectRowRefs(j["columns"], row, out);
    return;
  }
  if (j.is_array()) {
    for (const Json& v : j) CollectRefs(v, out);
    return;
  }
  if (!j.is_object()) return;
  for (const auto& [key, v] : j.items()) {
    if (IsCaseKey(key)) {
      if (const int64_t id = RefId(v, "CASE"); id > 0) out.cases.insert(id);
    } else if (IsPersonKey(key)) {
      if (const int64_t id = RefId(v, "PRS"); id > 0) out.persons.insert(id);
    } else if (key == "children" && v.is_array()) {
      for (const Json& k : v) {
        if (const int64_t id = RefId(k, "PRS"); id > 0) out.persons.insert(id);
      }
    } else {
      CollectRefs(v, out);
    }
  }
}

// What the row names through its entity id: the case of a "case" row, the person of a
// "person" row.
void CollectEntityRef(const AuditRow& r, AuditRefs& out) {
  if (r.entity == "case") {
    if (auto id = ParseDisplayId("CASE", r.entity_id); id.ok()) out.cases.insert(*id);
  } else if (r.entity == "person") {
    if (auto id = ParseDisplayId("PRS", r.entity_id); id.ok()) out.persons.insert(*id);
  }
}

// Entities whose rows name no party and no case (staff, tokens, settings, models, the county
// economy, employers, batch runs): answered to every reader of the trail. A row of any other
// entity that names no case and no person is withheld from office-scoped roles, which cannot
// be shown it is about their caseload (a file of many cases, say).
bool IsStatewideEntity(const std::string& entity) {
  static const std::set<std::string, std::less<>> kStatewide{
      "user",           "api_token", "setting",    "settings", "staff_user",
      "county_economy", "employer",  "risk_model", "batch_run"};
  return kStatewide.count(entity) > 0;
}

// Keeps the rows of the tables in `j` (import.batch) whose case and persons are in the
// caseload; counts the others in `withheld`.
void FilterTables(Json& j, const Caseload& caseload, int64_t& withheld) {
  if (IsTable(j)) {
    Json kept = Json::array();
    for (Json& row : j["rows"]) {
      AuditRefs refs;
      CollectRowRefs(j["columns"], row, refs);
      bool visible = true;
      for (int64_t c : refs.cases) visible = visible && caseload.HasCase(c);
      for (int64_t p : refs.persons) visible = visible && caseload.HasPerson(p);
      if (visible) {
        kept.push_back(std::move(row));
      } else {
        ++withheld;
      }
    }
    j["rows"] = std::move(kept);
    return;
  }
  if (j.is_array() || j.is_object()) {
    for (Json& v : j) FilterTables(v, caseload, withheld);
  }
}

bool HasTable(const Json& j) {
  if (IsTable(j)) return true;
  if (!j.is_array() && !j.is_object()) return false;
  for (const Json& v : j) {
    if (HasTable(v)) return true;
  }
  return false;
}

// The keys that say where a person lives or works: withheld when the row names a person the
// family-violence rule protects from the caller (an address, a case event's detail such as
// "moved county=..." or "new_hire employer_fein=...", an employer).
bool IsWhereaboutsKey(const std::string& key) {
  return key == "address" || key == "detail" || key == "employer_id" || key == "employer_fein" ||
         key == "employer" || key == "employer_name";
}

// Nulls every whereabouts key in `j`; true when one held something.
bool WithholdWhereabouts(Json& j) {
  bool withheld = false;
  if (j.is_object()) {
    for (auto& [key, v] : j.items()) {
      if (IsWhereaboutsKey(key)) {
        withheld = withheld || !v.is_null();
        v = nullptr;
      } else {
        withheld = WithholdWhereabouts(v) || withheld;
      }
    }
    if (withheld && j.contains("address")) j["address_protected"] = true;
  } else if (j.is_array()) {
    for (Json& v : j) withheld = WithholdWhereabouts(v) || withheld;
  }
  return withheld;
}

// Audit rows, oldest first (`entity`, `entity_id` filters), answering no more than the case
// and parties routes would show (docs/API.md "Audit trail"). Each row's cases and persons are
// read from its entity id and payload (CollectRefs). For an office-scoped role, a row naming
// a case or a person outside the caseload, or naming none while not being of a statewide
// entity, has its before and after withheld ("redacted": "case_not_in_caseload"); a batch's
// table (import.batch) keeps only the entries of the caseload's cases ("rows_withheld" counts
// the others). A row naming a person protected by the family-violence rule has their
// whereabouts withheld from roles without address.protected.read ("redacted":
// "address_protected"). The chain fields (seq, at, actor, action, entity, entity_id, hash)
// are answered unchanged. Each person named in an answered payload is logged in the access
// log. Before 2026-12-05 only entity "person" rows were filtered and logged.
Result<Reply> ListAudit(Call& call) {
  ASSIGN_OR_RETURN(int64_t limit, call.Limit());
  ASSIGN_OR_RETURN(int64_t after, call.Cursor("after"));
  const auto& q = call.request().query;
  const std::string entity = q.count("entity") ? q.at("entity") : "";
  const std::string entity_id = q.count("entity_id") ? q.at("entity_id") : "";
  if (entity.size() > 64 || entity_id.size() > 200) {
    return InvalidArgument("field_too_long", "entity / entity_id: too long");
  }
  ASSIGN_OR_RETURN(std::vector<AuditRow> rows,
                   call.store().ListAuditAfter(after, entity, entity_id, PageRows(limit)));
  const std::optional<int64_t> next =
      CutToPage(rows, limit, [](const AuditRow& r) { return r.seq; });
  ASSIGN_OR_RETURN(const Caseload caseload, LoadCaseload(call));
  struct Answer {
    Json before, after;
    Json redacted = nullptr;
    AuditRefs refs;
  };
  std::vector<Answer> answers;
  answers.reserve(rows.size());
  std::set<int64_t> named;  // persons named by the payloads answered
  for (const AuditRow& r : rows) {
    Answer a;
    a.before = ParsedOrNull(r.before);
    a.after = ParsedOrNull(r.after);
    if (!caseload.statewide && (HasTable(a.before) || HasTable(a.after))) {
      int64_t withheld = 0;
      FilterTables(a.before, caseload, withheld);
      FilterTables(a.after, caseload, withheld);
      if (withheld > 0) {
        a.redacted = "case_not_in_caseload";
        if (a.after.is_object()) a.after["rows_withheld"] = withheld;
      }
    }
    CollectEntityRef(r, a.refs);
    CollectRefs(a.before, a.refs);
    CollectRefs(a.after, a.refs);
    bool visible = caseload.statewide || !a.refs.empty() || IsStatewideEntity(r.entity);
    for (int64_t c : a.refs.cases) visible = visible && caseload.HasCase(c);
    for (int64_t p : a.refs.persons) visible = visible && caseload.HasPerson(p);
    if (!visible) {
      a.before = nullptr;
      a.after = nullptr;
      a.redacted = "case_not_in_caseload";
      a.refs = AuditRefs{};
    }
    named.insert(a.refs.persons.begin(), a.refs.persons.end());
    answers.push_back(std::move(a));
  }
  std::vector<PersonId> ids;
  for (int64_t id : named) ids.push_back(PersonId{id});
  ASSIGN_OR_RETURN(const std::set<int64_t> protected_persons, ProtectedAddresses(call, ids));
  Json items = Json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const AuditRow& r = rows[i];
    Answer& a = answers[i];
    const bool protects = std::any_of(a.refs.persons.begin(), a.refs.persons.end(),
                                      [&](int64_t p) { return protected_persons.count(p) > 0; });
    if (protects) {
      const bool before_held = WithholdWhereabouts(a.before);
      const bool after_held = WithholdWhereabouts(a.after);
      if ((before_held || after_held) && a.redacted.is_null()) a.redacted = "address_protected";
    }
    items.push_back(Json{{"seq", r.seq},
                         {"at", r.at},
                         {"actor", r.actor},
                         {"action", r.action},
                         {"entity", r.entity},
                         {"entity_id", r.entity_id},
                         {"before", std::move(a.before)},
                         {"after", std::move(a.after)},
                         {"redacted", std::move(a.redacted)},
                         {"hash", r.hash}});
  }
  if (!ids.empty()) RETURN_IF_ERROR(LogPersonReads(call, CaseId{}, ids));
  return Reply{200, Page(std::move(items), next), {}};
}

// The access log, by id (`person_id` filter). An office-scoped role sees only the rows about
// its caseload (a read through one of its cases, or of one of its cases' parties); a page may
// then hold fewer than `limit` rows while `next_after` is not null.
Result<Reply> ListAccessLog(Call& call) {
  ASSIGN_OR_RETURN(int64_t limit, call.Limit());
  ASSIGN_OR_RETURN(int64_t after, call.Cursor("after"));
  PersonId person;
  auto it = call.request().query.find("person_id");
  if (it != call.request().query.end()) {
    auto v = ParseDisplayId("PRS", it->second);
    if (!v.ok()) return v.status().WithContext("person_id");
    person = PersonId{*v};
  }
  ASSIGN_OR_RETURN(std::vector<AccessLogRow> rows,
                   call.store().ListAccessLog(person, after, PageRows(limit)));
  const std::optional<int64_t> next =
      CutToPage(rows, limit, [](const AccessLogRow& r) { return r.id; });
  ASSIGN_OR_RETURN(const Caseload caseload, LoadCaseload(call));
  Json items = Json::array();
  for (const AccessLogRow& r : rows) {
    const bool about_caseload =
        r.case_id.valid() ? caseload.HasCase(r.case_id.value) : caseload.HasPerson(r.person.value);
    if (!about_caseload) continue;
    items.push_back(
        Json{{"id", r.id},
             {"at", r.at},
             {"actor", r.actor},
             {"person_id", PersonDisplayId(r.person)},
             {"case_id", r.case_id.valid() ? Json(CaseDisplayId(r.case_id)) : Json(nullptr)},
             {"route", r.route},
             {"request_id", r.request_id}});
  }
  return Reply{200, Page(std::move(items), next), {}};
}

// ---- the enforcement queue and recommendations (docs/API.md "Queue and recommendations") ----

// A queue item: the action and channel reason as `opencse queue --json` answers them
// (TaskActionOf), and the follow-up date an outreach task is due again on (null otherwise).
Json QueueItemJson(const enforce::Task& t, std::string_view tier) {
  const TaskAction action = TaskActionOf(t);
  return Json{{"task_id", t.id},
              {"kind", t.kind},
              {"title", t.title},
              {"case_id", t.case_id.valid() ? Json(CaseDisplayId(t.case_id)) : Json(nullptr)},
              {"obligor_id", PersonDisplayId(t.obligor)},
              {"priority", t.priority},
              {"risk_score", t.risk_score},
              {"risk_tier", tier},
              {"amount_at_stake", t.amount_at_stake.ToString()},
              {"deadline", t.deadline ? Json(t.deadline->ToString()) : Json(nullptr)},
              {"created", t.created.ToString()},
              {"follow_up", t.follow_up ? Json(t.follow_up->ToString()) : Json(nullptr)},
              {"flagged", t.flagged},
              {"recommended_action", action.action},
              {"channel", t.channel},
              {"channel_reason", action.channel_reason},
              {"message", t.message},
              {"key_factors", ParsedOrNull(t.key_factors)},
              {"recommendations", Json::array()}};
}

using QueueSnapshot = ServerState::QueueSnapshot;

// A recommendation awaiting a decision as a queue item shows it: what the caseworker needs to
// decide (the full record, with its lifecycle fields that are still empty at this stage, is
// GET /v1/cases/{case_id}/recommendations).
Json PendingRecommendationJson(const enforce::Action& a) {
  const Json full = enforce::ToJson(a);
  Json out = Json::object();
  for (const char* field : {"id", "remedy", "state", "source", "rank", "as_of", "amount_at_stake",
                            "model_version", "confidence", "risk_score", "expected_effect",
                            "rationale", "legal_deadline", "created_at"}) {
    out[field] = full.at(field);
  }
  return out;
}

// The JSON text of one queue item: the task with its case's recommendations awaiting a
// decision.
Result<std::string> RenderQueueItem(Call& call, const enforce::Task& t, std::string_view tier) {
  Json item = QueueItemJson(t, tier);
  if (t.case_id.valid()) {
    ASSIGN_OR_RETURN(std::vector<enforce::Action> actions,
                     call.store().ListEnforceActionsByCase(t.case_id));
    for (const enforce::Action& a : actions) {
      if (a.state == enforce::ActionState::kRecommended) {
        item["recommendations"].push_back(PendingRecommendationJson(a));
      }
    }
  }
  return DumpJson(item);
}

// Appends item `i` of `snapshot` as JSON text to `out`: rendered on first use, then kept with
// the snapshot. Two requests may render the same item at once; both append the same text and
// the first is kept.
Status AppendQueueItem(Call& call, const QueueSnapshot& snapshot, size_t i, std::string& out) {
  {
    std::lock_guard<std::mutex> lock(snapshot.mu);
    if (!snapshot.rendered[i].empty()) {
      out += snapshot.rendered[i];
      return Status::Ok();
    }
  }
  const ServerState::QueueTask& q = snapshot.tasks[i];
  ASSIGN_OR_RETURN(std::string text, RenderQueueItem(call, q.task, q.tier));
  out += text;
  std::lock_guard<std::mutex> lock(snapshot.mu);
  if (snapshot.rendered[i].empty()) snapshot.rendered[i] = std::move(text);
  return Status::Ok();
}

// The queue of `worker` in the caseload of `office` ("" = statewide) on `today`
// (enforce::LoadTaskQueue: the selection and order `opencse queue` shows), each task with its
// tier; a task the nightly run would close is kept but not listed (QueueTask::listed). With
// `unassigned` (a supervisor's queue) the office's tasks that no caseworker holds (worker "":
// the office has no active caseworker, ENFORCEMENT.md §7) are in it too.
Result<std::shared_ptr<const QueueSnapshot>> LoadQueue(Call& call, const std::string& worker,
                                                       const std::string& office, bool unassigned,
                                                       Date today) {
  Store& store = call.store();
  ASSIGN_OR_RETURN(std::vector<enforce::QueueItem> items,
                   enforce::LoadTaskQueue(store, {worker, office, unassigned}, today));
  ASSIGN_OR_RETURN(auto cutoffs, LoadRiskTierCutoffs(store));
  const ai::TierCutoffs tiers{cutoffs.first, cutoffs.second};
  auto out = std::make_shared<QueueSnapshot>();
  out->tasks.reserve(items.size());
  for (enforce::QueueItem& item : items) {
    std::string tier = AsciiLower(ai::Name(ai::TierOf(item.task.risk_score, tiers)));
    out->tasks.push_back(
        ServerState::QueueTask{std::move(item.task), std::move(tier), item.listed});
  }
  out->rendered.resize(out->tasks.size());
  return std::shared_ptr<const QueueSnapshot>(std::move(out));
}

// LoadQueue through the server's queue cache (router.h ServerState::queue_cache). A fresh
// entry is used as is. An entry that is only too old (same day, no write here since) is still
// answered while one request reloads it, so the other requests do not all wait for the
// reload (about a second for a 30,000-task caseload on a busy machine). After a write through
// this server, or on a new day, every request waits for the reload: a caseworker who just
// decided sees the queue without the decided recommendation.
Result<std::shared_ptr<const QueueSnapshot>> CachedQueue(Call& call, const std::string& worker,
                                                         const std::string& office, bool unassigned,
                                                         Date today) {
  ServerState& server = call.server();
  std::shared_ptr<ServerState::QueueEntry> entry;
  {
    std::lock_guard<std::mutex> lock(server.queue_cache.mu);
    auto& slot = server.queue_cache.entries[worker + '\n' + office];
    if (!slot) slot = std::make_shared<ServerState::QueueEntry>();
    entry = slot;
  }
  // Read before loading: a write that lands during the load makes the entry stale at once.
  const uint64_t generation = server.write_generation.load();
  std::unique_lock<std::mutex> fill(entry->fill, std::try_to_lock);
  if (!fill.owns_lock()) {
    // Another request is reloading: answer the entry it replaces when only its age is wrong.
    {
      std::lock_guard<std::mutex> lock(entry->mu);
      if (entry->tasks && entry->generation == generation && entry->today == today) {
        return entry->tasks;
      }
    }
    fill.lock();
  }
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(entry->mu);
    if (entry->tasks && entry->generation == generation && entry->today == today &&
        now - entry->filled < kQueueCacheTtl) {
      return entry->tasks;
    }
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const QueueSnapshot> tasks,
                   LoadQueue(call, worker, office, unassigned, today));
  std::lock_guard<std::mutex> lock(entry->mu);
  entry->tasks = tasks;
  entry->generation = generation;
  entry->today = today;
  entry->filled = now;
  return tasks;
}

// The position after task `after` in `snapshot` (0 when `after` is 0). Errors:
// failed_precondition "cursor_not_in_queue" when the task is not an open task of the queue
// any more (closed by the nightly batch, say): the client starts again from the first page.
Result<size_t> QueueStart(const QueueSnapshot& snapshot, int64_t after) {
  if (after == 0) return size_t{0};
  for (size_t i = 0; i < snapshot.tasks.size(); ++i) {
    if (snapshot.tasks[i].task.id == after) return i + 1;
  }
  return FailedPrecondition("cursor_not_in_queue",
                            "after: task " + std::to_string(after) +
                                " is no longer open in your queue; load the first page again");
}

// The `action_type` filter of the queue ("" when absent): a remedy code, or "outreach" for the
// proactive outreach tasks (TaskActionOf; before 2026-12-05 it was refused), in any letter
// case as `tier` (before 2026-12-05 OUTREACH or INCOME_WITHHOLDING was refused). Errors:
// invalid_argument "remedy_unknown" naming the accepted values.
Result<std::string> QueueActionType(const std::map<std::string, std::string>& q) {
  auto it = q.find("action_type");
  if (it == q.end() || it->second.empty()) return std::string();
  const std::string value = AsciiLower(it->second);
  if (value == kOutreachAction) return std::string(kOutreachAction);
  auto r = enforce::ParseRemedy(value);
  if (!r.ok()) {
    return InvalidArgument(r.status().reason(), "action_type: " + r.status().message() + ", or " +
                                                    std::string(kOutreachAction) +
                                                    " (proactive outreach tasks)");
  }
  return std::string(enforce::Name(*r));
}

// The signed-in person's open tasks, highest priority (recomputed for today) first, each with
// its case's recommendations awaiting a decision; review tasks whose recommendations have
// all been decided are left out. Filters: tier (low|medium|high), action_type (a remedy
// code or "outreach": the task's recommended action, QueueActionType), deadline_before (a date:
// only tasks with a legal deadline on or before it). Pages: `limit` items after the task `after` (a
// task id, the `next_after` of the previous page; null on the last page); `total` counts every
// match. Office-scoped roles see only their caseload. The sorted task list and its items' text come
// from the queue cache (at most kQueueCacheTtl old, never older than this server's last
// write); the body is put together as text.
Result<Reply> ListQueue(Call& call) {
  ASSIGN_OR_RETURN(int64_t limit, call.Limit());
  ASSIGN_OR_RETURN(int64_t after, call.Cursor("after"));
  const auto& q = call.request().query;
  std::string tier;
  if (q.count("tier") && !q.at("tier").empty()) {
    tier = AsciiLower(q.at("tier"));
    if (tier != "low" && tier != "medium" && tier != "high") {
      return InvalidArgument("tier_invalid", "tier: expected low, medium or high");
    }
  }
  ASSIGN_OR_RETURN(const std::string action_type, QueueActionType(q));
  std::optional<Date> deadline_before;
  if (q.count("deadline_before") && !q.at("deadline_before").empty()) {
    auto d = Date::Parse(q.at("deadline_before"));
    if (!d.ok()) return d.status().WithContext("deadline_before");
    deadline_before = *d;
  }
  const auth::Principal& p = call.principal();
  const Date today = call.clock().Today();
  const std::optional<std::string> office = CaseloadOffice(p);
  if (!office) {  // no office, no caseload: an empty queue, never the statewide one
    return Reply{200,
                 Json{{"as_of", today.ToString()},
                      {"total", 0},
                      {"next_after", nullptr},
                      {"items", Json::array()}},
                 {}};
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const QueueSnapshot> snapshot,
                   CachedQueue(call, p.name, *office, p.role == auth::Role::kSupervisor, today));
  ASSIGN_OR_RETURN(const size_t start, QueueStart(*snapshot, after));
  std::string items;
  int64_t shown = 0;
  int64_t total = 0;
  int64_t last_shown = 0;
  bool more = false;
  std::vector<std::pair<CaseId, PersonId>> reads;
  for (size_t i = 0; i < snapshot->tasks.size(); ++i) {
    const ServerState::QueueTask& entry = snapshot->tasks[i];
    const enforce::Task& t = entry.task;
    if (!entry.listed) continue;
    if (!tier.empty() && entry.tier != tier) continue;
    if (!action_type.empty() && TaskActionOf(t).action != action_type) continue;
    if (deadline_before && (!t.deadline || *t.deadline > *deadline_before)) continue;
    ++total;
    if (i < start) continue;
    if (shown >= limit) {
      more = true;
      continue;
    }
    if (shown++ > 0) items += ',';
    RETURN_IF_ERROR(AppendQueueItem(call, *snapshot, i, items));
    reads.emplace_back(t.case_id, t.obligor);
    last_shown = t.id;
  }
  // Each item shows its obligor's risk score, factors and amount at stake: a read of their
  // record, logged as the recommendations route logs it (before 2026-12-05 it was not).
  RETURN_IF_ERROR(LogPersonReadsThrough(call, reads));
  Reply reply;
  reply.serialized = DumpJson(Json{{"as_of", today.ToString()},
                                   {"total", total},
                                   {"next_after", more ? Json(last_shown) : Json(nullptr)}});
  reply.serialized.pop_back();  // the closing brace: the items follow
  reply.serialized.reserve(reply.serialized.size() + items.size() + 12);
  reply.serialized += ",\"items\":[";
  reply.serialized += items;
  reply.serialized += "]}";
  return reply;
}

// Every enforcement action of a case (recommended, decided and later), by id.
Result<Reply> ListRecommendations(Call& call) {
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(std::vector<enforce::Action> actions,
                   call.store().ListEnforceActionsByCase(c.id));
  RETURN_IF_ERROR(LogReads(call, c, {c.obligor}));
  Json items = Json::array();
  for (const enforce::Action& a : actions) items.push_back(enforce::ToJson(a));
  return Reply{200, Json{{"case_id", CaseDisplayId(c.id)}, {"items", items}}, {}};
}

// approve / modify / dismiss by the signed-in person (the same user and role check as
// `opencse action ... --by USER`). Body: {"reason": TEXT, "remedy": CODE (modify)}; the reason
// is required for modify and dismiss (400 reason_missing). A role the lifecycle does not allow
// for this remedy answers 403 role_not_allowed; an API token cannot decide (403 user_required).
Result<Reply> Decide(Call& call, enforce::Transition transition) {
  ASSIGN_OR_RETURN(int64_t id, call.PathId("action_id", "ACT"));
  const Json& body = call.body();
  RETURN_IF_ERROR(OnlyFields(body, {"reason", "remedy"}));
  enforce::DecisionRequest r;
  r.action_id = id;
  r.transition = transition;
  if (body.contains("reason") && !body["reason"].is_null()) {
    ASSIGN_OR_RETURN(r.reason, StringField(body, "reason"));
  }
  if (transition == enforce::Transition::kModify) {
    ASSIGN_OR_RETURN(std::string remedy, StringField(body, "remedy", 64));
    auto parsed = enforce::ParseRemedy(remedy);
    if (!parsed.ok()) return parsed.status().WithContext("remedy");
    r.new_remedy = *parsed;
  } else if (body.contains("remedy")) {
    return InvalidArgument("field_unknown", "remedy: only accepted by modify");
  }
  if (transition != enforce::Transition::kApprove && IsBlank(r.reason)) {
    return InvalidArgument(
        "reason_missing",
        "reason: required to " + std::string(enforce::Name(transition)) + " a recommendation");
  }
  const auth::Principal& p = call.principal();
  if (p.kind != auth::Principal::Kind::kUser) {
    return FailedPrecondition("user_required",
                              "recommendations are decided by a signed-in person, not a token");
  }
  ASSIGN_OR_RETURN(enforce::Action before, call.store().GetEnforceAction(id));
  RETURN_IF_ERROR(CaseInCaseload(call, before.case_id).status());
  r.by = p.name;
  enforce::EnforcementService svc(call.store(), call.clock(), p.name);
  // role_not_allowed and user_unknown answer 403 (router.cc HttpStatusOf).
  ASSIGN_OR_RETURN(enforce::Action decided, svc.Decide(r));
  return Reply{200, enforce::ToJson(decided), {}};
}

Result<Reply> Approve(Call& call) { return Decide(call, enforce::Transition::kApprove); }
Result<Reply> Modify(Call& call) { return Decide(call, enforce::Transition::kModify); }
Result<Reply> Dismiss(Call& call) { return Decide(call, enforce::Transition::kDismiss); }

// A case's audit trail as the caseworker sees it: the audit rows of the case's enforcement
// actions (recommendation, decision with its person and reason, lifecycle), oldest first.
Result<Reply> CaseAudit(Call& call) {
  ASSIGN_OR_RETURN(int64_t limit, call.Limit());
  ASSIGN_OR_RETURN(Case c, PathCase(call));
  ASSIGN_OR_RETURN(std::vector<enforce::Action> actions,
                   call.store().ListEnforceActionsByCase(c.id));
  std::vector<AuditRow> rows;
  for (const enforce::Action& a : actions) {
    ASSIGN_OR_RETURN(std::vector<AuditRow> some,
                     call.store().ListAuditAfter(0, "enforce_action",
                                                 enforce::ActionDisplayId(a.id), kPageSizeMax));
    rows.insert(rows.end(), some.begin(), some.end());
  }
  std::sort(rows.begin(), rows.end(),
            [](const AuditRow& a, const AuditRow& b) { return a.seq < b.seq; });
  if (static_cast<int64_t>(rows.size()) > limit) {
    rows.erase(rows.begin(), rows.end() - limit);  // the newest `limit`
  }
  Json items = Json::array();
  for (const AuditRow& r : rows) {
    const Json after = ParsedOrNull(r.after);
    items.push_back(Json{{"seq", r.seq},
                         {"at", r.at},
                         {"actor", r.actor},
                         {"action", r.action},
                         {"entity", r.entity},
                         {"entity_id", r.entity_id},
                         {"state", after.is_object() ? after.value("state", "") : ""},
                         {"remedy", after.is_object() ? after.value("remedy", "") : ""},
                         {"reason", after.is_object() ? after.value("decision_reason", "") : ""}});
  }
  return Reply{200, Json{{"case_id", CaseDisplayId(c.id)}, {"items", items}}, {}};
}

// The supervisor page: team workload (open tasks per worker), recommendations awaiting a
// decision with their age (days since the recommendation's as-of date), and acceptance rates
// by month from the enforcement review report (`opencse enforce report`; statewide). An
// office-scoped supervisor sees the workload and pending approvals of their office's cases.
Result<Reply> Supervisor(Call& call) {
  const auth::Principal& p = call.principal();
  Store& store = call.store();
  const Date today = call.clock().Today();
  // The caller's caseload, read once as a set of case ids (one indexed read) rather than one
  // office lookup per task and per action.
  const bool scoped = auth::IsOfficeScoped(p.role);
  std::unordered_set<int64_t> in_office;
  if (scoped && CaseloadOffice(p)) {  // a supervisor with no office has no caseload
    ASSIGN_OR_RETURN(std::vector<CaseId> ids,
                     store.ListCaseIdsInOffice(p.office, 0, std::numeric_limits<int64_t>::max()));
    in_office.reserve(ids.size());
    for (CaseId id : ids) in_office.insert(id.value);
  }
  auto visible = [&](CaseId c) { return !scoped || !c.valid() || in_office.count(c.value) > 0; };
  ASSIGN_OR_RETURN(std::vector<enforce::Task> tasks, store.ListOpenEnforceTasks(""));
  std::map<std::string, std::pair<int64_t, int64_t>> by_worker;  // open, flagged
  for (const enforce::Task& t : tasks) {
    if (!visible(t.case_id)) continue;
    auto& w = by_worker[t.worker.empty() ? "(unassigned)" : t.worker];
    ++w.first;
    w.second += t.flagged ? 1 : 0;
  }
  Json workload = Json::array();
  for (const auto& [worker, n] : by_worker) {
    workload.push_back(Json{{"worker", worker}, {"open_tasks", n.first}, {"flagged", n.second}});
  }
  // Every action, read once: the pending ones listed here, all of them for the review report.
  std::vector<enforce::Action> actions;
  RETURN_IF_ERROR(store.ScanEnforceActions([&](const enforce::Action& a) -> Status {
    actions.push_back(a);
    return Status::Ok();
  }));
  std::vector<enforce::Action> pending;
  for (const enforce::Action& a : actions) {
    if (a.state != enforce::ActionState::kRecommended) continue;
    if (visible(a.case_id)) pending.push_back(a);
  }
  std::stable_sort(pending.begin(), pending.end(),
                   [](const enforce::Action& a, const enforce::Action& b) {
                     return a.as_of < b.as_of;  // oldest first
                   });
  Json pending_items = Json::array();
  for (size_t i = 0; i < pending.size() && i < static_cast<size_t>(kPageSizeDefault); ++i) {
    const enforce::Action& a = pending[i];
    pending_items.push_back(
        Json{{"id", enforce::ActionDisplayId(a.id)},
             {"case_id", CaseDisplayId(a.case_id)},
             {"remedy", enforce::Name(a.remedy)},
             {"recommended_on", a.as_of.ToString()},
             {"age_days", DaysBetween(a.as_of, today)},
             {"legal_deadline", a.legal_deadline ? Json(a.legal_deadline->ToString()) : Json()}});
  }
  ASSIGN_OR_RETURN(enforce::ReviewReport report,
                   enforce::BuildReviewReport(store, today, 60, actions));
  Json months = Json::array();
  for (const enforce::MonthReview& m : report.months) {
    const int64_t decided = m.approved + m.modified + m.dismissed;
    months.push_back(Json{
        {"month", m.month},
        {"recommended", m.recommended},
        {"approved", m.approved},
        {"modified", m.modified},
        {"dismissed", m.dismissed},
        {"pending", m.pending},
        {"acceptance_rate",
         decided == 0 ? Json(nullptr) : Json(double(m.approved + m.modified) / double(decided))}});
  }
  return Reply{200,
               Json{{"as_of", today.ToString()},
                    {"office", p.office},
                    {"workload", workload},
                    {"pending_total", static_cast<int64_t>(pending.size())},
                    {"oldest_pending_days",
                     pending.empty() ? Json(nullptr) : Json(DaysBetween(pending[0].as_of, today))},
                    {"pending", pending_items},
                    {"acceptance", months}},
               {}};
}

}  // namespace

const std::vector<Route>& Routes() {
  static const std::vector<Route> kRoutes{
      {"GET", "/v1/health", Permission::kPublic, Health},
      {"POST", "/v1/session", Permission::kPublic, Login},
      {"GET", "/v1/session", Permission::kAuthenticated, WhoAmI},
      {"DELETE", "/v1/session", Permission::kAuthenticated, Logout},
      {"GET", "/v1/cases", Permission::kCasesRead, ListCases},
      {"GET", "/v1/cases/{case_id}", Permission::kCasesRead, GetCase},
      {"GET", "/v1/cases/{case_id}/parties", Permission::kCasesRead, GetParties},
      {"GET", "/v1/cases/{case_id}/orders", Permission::kCasesRead, GetOrders},
      {"GET", "/v1/cases/{case_id}/ledger", Permission::kLedgerRead, GetLedger},
      {"GET", "/v1/cases/{case_id}/arrears", Permission::kLedgerRead, GetArrears},
      {"GET", "/v1/cases/{case_id}/history", Permission::kLedgerRead, GetHistory},
      {"GET", "/v1/cases/{case_id}/scores", Permission::kScoresRead, ListScores},
      {"POST", "/v1/payments", Permission::kPaymentsPost, PostPayment},
      {"POST", "/v1/child-support/score", Permission::kScoresRun, Score},
      {"GET", "/v1/audit", Permission::kAuditRead, ListAudit},
      {"GET", "/v1/access-log", Permission::kAuditRead, ListAccessLog},
      {"GET", "/v1/queue", Permission::kQueueRead, ListQueue},
      {"GET", "/v1/cases/{case_id}/recommendations", Permission::kQueueRead, ListRecommendations},
      {"GET", "/v1/cases/{case_id}/audit", Permission::kQueueRead, CaseAudit},
      {"POST", "/v1/recommendations/{action_id}/approve", Permission::kRecommendationsDecide,
       Approve},
      {"POST", "/v1/recommendations/{action_id}/modify", Permission::kRecommendationsDecide,
       Modify},
      {"POST", "/v1/recommendations/{action_id}/dismiss", Permission::kRecommendationsDecide,
       Dismiss},
      {"GET", "/v1/cases/{case_id}/notes", Permission::kCasesRead, ListNotes},
      {"POST", "/v1/cases/{case_id}/notes", Permission::kNotesWrite, AddNote},
      {"GET", "/v1/supervisor", Permission::kTeamRead, Supervisor},
  };
  return kRoutes;
}

}  // namespace cse::http
