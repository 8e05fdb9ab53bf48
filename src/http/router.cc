#include "http/router.h"

#include <charconv>
#include <optional>
#include <set>
#include <string_view>

#include "core/ids.h"
#include "core/text.h"
#include "domain/validate.h"

namespace cse::http {

namespace {

using auth::Permission;

// ---- store pool ----

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const size_t j = path.find('/', i);
    const size_t end = j == std::string_view::npos ? path.size() : j;
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

// True when `path` fits `pattern`; fills the {name} parameters.
bool Match(const std::string& pattern, const std::string& path,
           std::map<std::string, std::string>& params) {
  const auto want = Segments(pattern);
  const auto got = Segments(path);
  if (want.size() != got.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < want.size(); ++i) {
    const std::string_view w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
      found[std::string(w.substr(1, w.size() - 2))] = std::string(got[i]);
    } else if (w != got[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

Result<int64_t> NonNegative(const std::string& text, const std::string& name,
                            const std::string& reason) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end || v < 0 || text.empty()) {
    return InvalidArgument(reason, name + ": expected a non-negative integer, got '" +
                                       std::string(TruncateUtf8(text, 40)) + "'");
  }
  return v;
}

std::string CookieValue(const std::string& header, std::string_view name) {
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
    const size_t end = std::min(header.find(';', i), header.size());
    const std::string_view pair(header.data() + i, end - i);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
    i = end;
  }
  return "";
}

Status Authenticate(Call& call) {
  auth::AuthService auth(call.store(), call.clock(), call.server().auth);
  const std::string authorization = call.Header("authorization");
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.rfind(kBearer, 0) != 0) {
      return FailedPrecondition("token_invalid", "Authorization must be 'Bearer <token>'");
    }
    ASSIGN_OR_RETURN(auth::Principal p, auth.AuthenticateToken(authorization.substr(7)));
    call.set_principal(std::move(p));
    return Status::Ok();
  }
  const std::string token = CookieValue(call.Header("cookie"), kSessionCookie);
  if (token.empty()) {
    return FailedPrecondition("auth_required", "sign in or send an API token");
  }
  ASSIGN_OR_RETURN(auth::Principal p, auth.AuthenticateSession(token));
  call.set_principal(std::move(p));
  return Status::Ok();
}

Status CheckCsrf(const Call& call) {
  if (call.request().method == "GET") return Status::Ok();
  const auth::Principal& p = call.principal();
  if (p.kind != auth::Principal::Kind::kUser) return Status::Ok();
  const std::string sent = call.Header("x-csrf-token");
  if (sent.empty() || !auth::SecretEquals(sent, p.csrf_token)) {
    return FailedPrecondition("csrf_invalid",
                              "state-changing requests need the session's X-CSRF-Token header");
  }
  return Status::Ok();
}

Status DecodeBody(Call& call) {
  const HttpRequest& r = call.request();
  if (r.body.size() > kRequestBodyBytesMax) {
    return ResourceExhausted(
        "body_too_large", "request body over " + std::to_string(kRequestBodyBytesMax) + " bytes");
  }
  if (r.body.empty()) {
    call.set_body(Json::object());
    return Status::Ok();
  }
  const std::string type = call.Header("content-type");
  if (type.rfind("application/json", 0) != 0) {
    return InvalidArgument("content_type_unsupported", "send the body as application/json");
  }
  Json body = Json::parse(r.body, nullptr, false);
  if (body.is_discarded()) return InvalidArgument("json_invalid", "the body is not valid JSON");
  if (!body.is_object()) return InvalidArgument("json_invalid", "the body must be a JSON object");
  call.set_body(std::move(body));
  return Status::Ok();
}

HttpResponse Encode(Reply&& reply) {
  HttpResponse out;
  out.status = reply.status;
  if (!reply.serialized.empty()) {
    out.body = std::move(reply.serialized);
  } else {
    out.body = reply.body.is_null() ? std::string() : DumpJson(reply.body);
  }
  out.headers = std::move(reply.headers);
  return out;
}

// The request's work, inside the admission gate.
Result<Reply> RunAdmitted(ServerState& server, const HttpRequest& request, const Route& route,
                          std::map<std::string, std::string> params,
                          std::vector<AccessLogWriter::Receipt>& access_log) {
  if (server.on_dispatch_for_testing) server.on_dispatch_for_testing(request);
  ASSIGN_OR_RETURN(StorePool::Lease store, server.pool.Acquire());
  Call call(server, request, *store);
  call.params() = std::move(params);
  call.set_route(route.method + " " + route.pattern);
  Result<Reply> reply = [&]() -> Result<Reply> {
    if (route.permission != Permission::kPublic) {
      RETURN_IF_ERROR(Authenticate(call));
      RETURN_IF_ERROR(CheckCsrf(call));
      if (!auth::RoleHas(call.principal().role, route.permission)) {
        return FailedPrecondition(
            "permission_denied",
            std::string("role ") + std::string(auth::Name(call.principal().role)) +
                " lacks permission " + std::string(auth::Name(route.permission)));
      }
    }
    RETURN_IF_ERROR(DecodeBody(call));
    // A read sees one consistent moment of the database (SqliteStore::BeginSnapshot): the
    // case, its orders and its payments as of the same commit. A handler that writes ends
    // the snapshot before its first write.
    if (request.method == "GET") RETURN_IF_ERROR(store->BeginSnapshot());
    return route.handler(call);
  }();
  store->Rollback();  // a handler that failed inside a transaction leaves nothing open
  store->EndSnapshot();
  access_log = std::move(call.access_log_receipts());
  return reply;
}

// Runs the request through the admission gate, then waits (outside it) for the access-log
// rows its reads wrote: nothing is answered before they are committed, and a failed commit
// turns the answer into that error.
Result<Reply> Run(ServerState& server, const HttpRequest& request, const Route& route,
                  std::map<std::string, std::string> params) {
  std::vector<AccessLogWriter::Receipt> access_log;
  Result<Reply> reply = Internal("internal", "internal error");
  {
    std::optional<AdmissionGate::Ticket> place;
    if (server.gate != nullptr) place.emplace(server.gate->Enter());
    reply = RunAdmitted(server, request, route, std::move(params), access_log);
  }
  for (const AccessLogWriter::Receipt& r : access_log) {
    Status logged = server.access_log->Await(r);
    if (!logged.ok() && reply.ok()) reply = std::move(logged);
  }
  return reply;
}

}  // namespace

Result<StorePool::Lease> StorePool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      SqliteStore* s = idle_.back().release();
      idle_.pop_back();
      return Lease(s, Return{this});
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> s,
                   SqliteStore::Open(path_, SqliteStore::OpenMode::kMustExist));
  // The connection keeps the automatic checkpoint at 64 MB of log (SqliteStore's default) as a
  // backstop behind ServerState::checkpointer, for the reason given in AccessLogWriter::Open.
  return Lease(s.release(), Return{this});
}

void StorePool::Release(SqliteStore* store) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.emplace_back(store);
}

Result<int64_t> Call::PathId(const std::string& name, std::string_view prefix) {
  auto v = ParseDisplayId(prefix, params_[name]);
  if (!v.ok()) return v.status().WithContext(name);
  return v;
}

Result<int64_t> Call::Limit() const {
  auto it = request_.query.find("limit");
  if (it == request_.query.end()) return kPageSizeDefault;
  ASSIGN_OR_RETURN(int64_t v, NonNegative(it->second, "limit", "limit_invalid"));
  if (v < 1 || v > kPageSizeMax) {
    return InvalidArgument("limit_invalid", "limit: 1 to " + std::to_string(kPageSizeMax) +
                                                " items per page, got " + std::to_string(v));
  }
  return v;
}

Result<int64_t> Call::Cursor(const std::string& name) const {
  auto it = request_.query.find(name);
  if (it == request_.query.end()) return int64_t{0};
  return NonNegative(it->second, name, "cursor_invalid");
}

Result<Date> Call::AsOf() const {
  auto it = request_.query.find("as_of");
  if (it == request_.query.end()) return clock().Today();
  auto d = Date::Parse(it->second);
  if (!d.ok()) return d.status().WithContext("as_of");
  RETURN_IF_ERROR(ValidateLedgerAsOf("as_of", *d, clock().Today()));
  return d;
}

std::string Call::Header(const std::string& name) const {
  auto it = request_.headers.find(name);
  return it == request_.headers.end() ? std::string() : it->second;
}

namespace {

// A write the database refused because it is read-only (its file or directory lost write
// permission, or its file system was remounted read-only after the server started, which
// `serve` checks): store_read_only, or SQLite's SQLITE_READONLY, which the store reports as
// store_io "attempt to write a readonly database" (sqlite3_errstr). Retrying cannot help, so
// it is not the 503 with Retry-After of store_io.
bool IsReadOnlyStore(const Status& s) {
  return s.reason() == "store_read_only" ||
         (s.reason() == "store_io" &&
          s.message().find("attempt to write a readonly database") != std::string::npos);
}

}  // namespace

int HttpStatusOf(const Status& s) {
  static const std::map<std::string, int, std::less<>> kByReason{
      {"auth_required", 401},
      {"session_invalid", 401},
      {"session_expired", 401},
      {"token_invalid", 401},
      {"login_failed", 401},
      {"csrf_invalid", 403},
      {"permission_denied", 403},
      {"case_not_in_caseload", 403},
      {"role_not_allowed", 403},  // enforcement: the remedy's role rule (docs/ENFORCEMENT.md)
      {"user_unknown", 403},      // enforcement: the signed-in user is disabled
      {"user_required", 403},     // enforcement: decisions need a person, not a token
      {"login_rate_limited", 429},
      {"route_not_found", 404},
      {"method_not_allowed", 405},
      {"body_too_large", 413},
      {"content_type_unsupported", 415},
      {"score_payload_not_scorable", 422}};
  auto it = kByReason.find(s.reason());
  if (it != kByReason.end()) return it->second;
  if (IsReadOnlyStore(s)) return 500;  // permanent until someone fixes it: no Retry-After
  switch (s.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kAborted:
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

HttpResponse ErrorResponse(const Status& s) {
  HttpResponse out;
  out.status = HttpStatusOf(s);
  // Internal details stay in the server's log; the client gets a stable code.
  const bool hide = out.status == 500;
  if (hide) out.log_detail = s.ToString();
  const std::string message(TruncateUtf8(s.message(), kErrorMessageBytesMax));
  out.body = DumpJson(Json{{"code", hide ? std::string("internal") : s.reason()},
                           {"message", hide ? std::string("internal error") : message}});
  if (out.status == 503) out.headers.emplace_back("Retry-After", "1");
  return out;
}

HttpResponse Dispatch(ServerState& server, const HttpRequest& request) {
  bool path_known = false;
  for (const Route& route : Routes()) {
    std::map<std::string, std::string> params;
    if (!Match(route.pattern, request.path, params)) continue;
    path_known = true;
    if (route.method != request.method) continue;
    Result<Reply> reply = Internal("internal", "internal error");
    try {
      reply = Run(server, request, route, std::move(params));
      if (reply.ok() && request.method != "GET") ++server.write_generation;
      if (reply.ok()) return Encode(std::move(*reply));
    } catch (const std::exception& e) {
      reply = Internal("internal", std::string("exception: ") + e.what());
    } catch (...) {
      reply = Internal("internal", "exception of an unknown type");
    }
    return ErrorResponse(reply.status());
  }
  const std::string path(TruncateUtf8(request.path, 200));
  if (path_known) {
    return ErrorResponse(
        FailedPrecondition("method_not_allowed", request.method + " is not allowed on " + path));
  }
  return ErrorResponse(NotFound("route_not_found", "no route " + path));
}

}  // namespace cse::http
