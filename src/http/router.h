// File: http/router.h
//
// The HTTP API without the transport: one routing table (method, path pattern, permission,
// handler) that every /v1 request goes through, the per-request Call a handler works with,
// and Dispatch, which authenticates, checks CSRF and the route's permission, decodes the JSON
// body, runs the handler and encodes the result or the stable error body
// {"code": reason, "message": text}. server.cc (the only file that includes httplib.h) turns
// sockets into HttpRequest and HttpResponse.
//
// Authentication: `Authorization: Bearer <API token>` or the session cookie `opencse_session`.
// A state-changing request (any method but GET) made with a session must carry the session's
// CSRF token in `X-CSRF-Token`; token-authenticated calls carry no ambient credential and
// need none.
//
// Thread-safety: Dispatch may run on many threads at once; each call borrows its own Store
// from the ServerState's pool. ServerState is shared and thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ai/risk_model.h"
#include "auth/auth_service.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "enforce/records.h"
#include "http/access_log.h"
#include "http/admission.h"
#include "service/json.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/wal_checkpointer.h"

namespace cse::http {

// Limits (STYLE §7).
inline constexpr size_t kRequestBodyBytesMax = 64 * 1024;
inline constexpr int64_t kPageSizeDefault = 50;
inline constexpr int64_t kPageSizeMax = 200;
inline constexpr int64_t kLoginAttemptsPerWindowMax = 10;
inline constexpr int64_t kLoginWindowUs = 60LL * 1000000;
inline constexpr const char* kSessionCookie = "opencse_session";
inline constexpr std::chrono::seconds kQueueCacheTtl{5};
// An error message echoes at most this much of its input (cut at a UTF-8 boundary).
inline constexpr size_t kErrorMessageBytesMax = 300;

struct HttpRequest {
  std::string method;  // "GET", "POST", "DELETE", ...
  std::string path;
  std::map<std::string, std::string> query;    // first value of each parameter
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote_addr;
  std::string request_id;  // assigned by the server
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // For a 500: what went wrong, for the server's log only (the client gets "internal").
  std::string log_detail;
};

// How often the server checkpoints the write-ahead log (WalCheckpointer): under a load of case
// reads the access log adds about 40 MB of log per second, so each run copies about 10 MB.
inline constexpr std::chrono::milliseconds kCheckpointInterval{250};

// Open SQLite connections, reused across requests (one per concurrent request at most).

class StorePool {
 public:
  explicit StorePool(std::string path) : path_(std::move(path)) {}
  struct Return {
    StorePool* pool;
    void operator()(SqliteStore* s) const { pool->Release(s); }
  };
  using Lease = std::unique_ptr<SqliteStore, Return>;
  // Errors: SqliteStore::Open's.
  Result<Lease> Acquire();

 private:
  void Release(SqliteStore* store);
  std::string path_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqliteStore>> idle_;
};

// What every request shares.
struct ServerState {
  ServerState(std::string db_path, const Clock& clock_in, auth::AuthOptions auth_in, bool tls_in)
      : pool(std::move(db_path)),
        clock(clock_in),
        auth(auth_in),
        tls(tls_in),
        throttle(kLoginAttemptsPerWindowMax, kLoginWindowUs) {}
  StorePool pool;
  const Clock& clock;
  auth::AuthOptions auth;
  bool tls = false;
  auth::LoginThrottle throttle;
  // Checkpoints the write-ahead log off the request path: the server's connections do not
  // checkpoint in their commits (declared before access_log, so it stops after the last
  // access-log commit).
  std::unique_ptr<WalCheckpointer> checkpointer;
  // Group-committed writer of the access log (set by Server::Create).
  std::unique_ptr<AccessLogWriter> access_log;
  // Requests handled at once, the rest in arrival order (set by Server::Create; null: no
  // limit). A request holds its place from before it borrows a Store until its handler
  // returns; it waits for its access-log rows after leaving (router.cc Run).
  std::unique_ptr<AdmissionGate> gate;
  // The active risk model, loaded once per model version and tier cut-offs.
  struct ScorerCache {
    std::mutex mu;
    std::string version;
    std::pair<int, int> tiers;  // the state's cut-offs it was loaded with (risk.tier_*)
    std::shared_ptr<const ai::RiskScorer> scorer;
  } scorers;
  // Bumped after every successful state-changing request (any method but GET): cached views
  // filled before it are stale (QueueCache).
  std::atomic<uint64_t> write_generation{0};
  // One loaded queue (routes.cc LoadQueue): the open tasks in the caseload with today's
  // priority, sorted, each with its tier and whether it is listed; and each item's JSON text
  // (the task with its case's recommendations awaiting a decision), rendered when a page
  // first shows the item and kept for as long as the snapshot, so the pages that follow copy
  // text instead of querying and serializing again.
  struct QueueTask {
    enforce::Task task;
    std::string tier;  // low | medium | high
    // False for a review task whose recommendations have all been decided: it has nothing
    // left to do and is not listed, but stays here so that a page cursor (`after`) naming it
    // still finds its place.
    bool listed = true;
  };
  struct QueueSnapshot {
    std::vector<QueueTask> tasks;
    mutable std::mutex mu;                      // guards `rendered`
    mutable std::vector<std::string> rendered;  // "" until rendered
  };
  // The dashboard queue per (worker, office). An entry is reused while it is younger than
  // kQueueCacheTtl, for the same day, and no write went through this server since it was
  // filled; writes by other processes (the CLI, the nightly batch) show within kQueueCacheTtl.
  struct QueueEntry {
    std::mutex fill;  // held by the one request that reloads the entry
    std::mutex mu;    // guards the fields below
    uint64_t generation = 0;
    Date today;
    std::chrono::steady_clock::time_point filled;
    std::shared_ptr<const QueueSnapshot> tasks;
  };
  struct QueueCache {
    std::mutex mu;
    std::map<std::string, std::shared_ptr<QueueEntry>> entries;
  } queue_cache;
  // For tests: runs when a request for a route has been admitted, before its handler (e.g.
  // to hold a request in flight).
  std::function<void(const HttpRequest&)> on_dispatch_for_testing;
};

// A handler's successful answer.
struct Reply {
  Reply() = default;
  Reply(int status_code, Json json, std::vector<std::pair<std::string, std::string>> extra = {})
      : status(status_code), body(std::move(json)), headers(std::move(extra)) {}
  int status = 200;
  Json body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When not empty, the body as JSON text already serialized (`body` is then ignored).
  std::string serialized;
};

// One request in progress.
class Call {
 public:
  Call(ServerState& server, const HttpRequest& request, Store& store)
      : server_(server), request_(request), store_(store) {}
  ServerState& server() { return server_; }
  const HttpRequest& request() const { return request_; }
  Store& store() { return store_; }
  const Clock& clock() const { return server_.clock; }
  // The caller. REQUIRES: the route is not public.
  const auth::Principal& principal() const { return *principal_; }
  bool has_principal() const { return principal_.has_value(); }
  void set_principal(auth::Principal p) { principal_ = std::move(p); }
  const Json& body() const { return body_; }
  void set_body(Json body) { body_ = std::move(body); }
  std::map<std::string, std::string>& params() { return params_; }
  const std::string& route() const { return route_; }
  void set_route(std::string r) { route_ = std::move(r); }
  // Access-log rows handed to the writer (AccessLogWriter::Submit): the request is answered
  // only after every one of them committed, and fails if one did not.
  void AwaitAccessLog(AccessLogWriter::Receipt r) { access_log_receipts_.push_back(std::move(r)); }
  std::vector<AccessLogWriter::Receipt>& access_log_receipts() { return access_log_receipts_; }

  // Path parameter `name` as a display id with `prefix`. Errors: invalid_argument
  // "id_malformed" naming the parameter.
  Result<int64_t> PathId(const std::string& name, std::string_view prefix);
  // Query `limit` (default kPageSizeDefault, 1..kPageSizeMax): "limit_invalid".
  Result<int64_t> Limit() const;
  // Query `name` as a non-negative integer cursor (default 0): "cursor_invalid".
  Result<int64_t> Cursor(const std::string& name) const;
  // Query `as_of` as a date (default today): "date_malformed" naming as_of.
  Result<Date> AsOf() const;
  // A header (lower-case name) or "".
  std::string Header(const std::string& name) const;

 private:
  ServerState& server_;
  const HttpRequest& request_;
  Store& store_;
  std::optional<auth::Principal> principal_;
  Json body_;
  std::map<std::string, std::string> params_;
  std::string route_;
  std::vector<AccessLogWriter::Receipt> access_log_receipts_;
};

using Handler = std::function<Result<Reply>(Call&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/v1/cases/{case_id}": literal segments and {name} parameters
  auth::Permission permission;
  Handler handler;
};

// The routing table (routes.cc): every endpoint of the API, each with its permission.
const std::vector<Route>& Routes();

// Runs one request through the routing table. Never throws: an exception in a handler is a
// 500 with its what() in `log_detail`.
HttpResponse Dispatch(ServerState& server, const HttpRequest& request);

// The error body and HTTP status of a Status (the one place the mapping lives). The message
// is cut to kErrorMessageBytesMax bytes and any invalid UTF-8 it echoes is replaced (DumpJson);
// a 500 answers only {"code": "internal"} and keeps the details in `log_detail`.
HttpResponse ErrorResponse(const Status& status);
int HttpStatusOf(const Status& status);

}  // namespace cse::http
