#include "http/server.h"

#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/text.h"
#include "storage/sqlite/access_log_db.h"

namespace cse::http {

namespace {

bool IsRequestIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::string RequestIdOf(const httplib::Request& req) {
  const std::string given = req.get_header_value("X-Request-Id");
  bool ok = !given.empty() && given.size() <= 64;
  for (char c : given) ok = ok && IsRequestIdChar(c);
  return ok ? given : auth::RandomHex(12);
}

HttpRequest Translate(const httplib::Request& req, const std::string& request_id) {
  HttpRequest out;
  out.method = req.method;
  out.path = req.path;
  for (const auto& [k, v] : req.params) out.query.emplace(k, v);  // the first value wins
  for (const auto& [k, v] : req.headers) out.headers.emplace(AsciiLower(k), v);
  out.body = req.body;
  out.remote_addr = req.remote_addr;
  out.request_id = request_id;
  return out;
}

void CommonHeaders(httplib::Response& res, const std::string& request_id) {
  res.set_header("X-Request-Id", request_id);
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "frame-ancestors 'none'");
}

// One line on the server's log (stderr) for a request answered with a 5xx: the request id, the
// method, the path (quoted, so control characters cannot forge lines) and what went wrong.
void LogServerError(const std::string& request_id, const httplib::Request& req, int status,
                    const std::string& detail) {
  std::string line = "opencse serve: " + request_id + " " +
                     JsonQuote(TruncateUtf8(req.method, 16)) + " " +
                     JsonQuote(TruncateUtf8(req.path, 200)) + " -> " + std::to_string(status);
  if (!detail.empty()) line += ": " + JsonQuote(TruncateUtf8(detail, 1000));
  line += "\n";
  std::cerr << line << std::flush;
}

// The JSON error body every path answers with.
void SetError(httplib::Response& res, const std::string& code, const std::string& message) {
  res.set_content(DumpJson(Json{{"code", code}, {"message", message}}), "application/json");
}

// Socket options of the listening socket: httplib's default sets SO_REUSEPORT, with which a
// second server on the same port binds too and the kernel shares the connections between
// them. SO_REUSEADDR alone still lets a restarted server bind while old connections linger
// in TIME_WAIT, but a port that another process listens on fails with port_unavailable.
void ListenSocketOptions(int sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

// Whether `req` has a body httplib would read up to the end of the connection: a POST, PUT or
// PATCH with neither a Content-Length nor chunked framing (httplib reads a DELETE without
// Content-Length as bodiless). The client that waits for its answer meanwhile waited the read
// timeout (10 s) for 400 request_malformed before 2026-12-05.
bool HasUnframedBody(const httplib::Request& req) {
  if (req.method != "POST" && req.method != "PUT" && req.method != "PATCH") return false;
  if (req.has_header("Content-Length")) return false;
  return AsciiLower(req.get_header_value("Transfer-Encoding")) != "chunked";
}

// The connections whose framing was refused (411, or 400/413 before the body was read). httplib
// gives a handler no way to close its connection, so the refused request's body bytes that
// follow would be read as requests of their own: behind a proxy that reuses its connections to
// this server, requests smuggled inside a body (QA 2026-12-05). Every later request on such a
// connection (named by the peer's address and port, unique while it is open) is refused unread,
// until it has been quiet for longer than httplib keeps an idle connection (read timeout 10 s,
// keep-alive 5 s). Thread-safe; the map is empty but for refused connections.
class RefusedConnections {
 public:
  void Mark(const httplib::Request& req) {
    const std::lock_guard<std::mutex> lock(mu_);
    Prune();
    seen_[Key(req)] = Clock::now();
    any_.store(true);
  }
  // Whether `req` came on a refused connection; each such request keeps it refused.
  bool Has(const httplib::Request& req) {
    if (!any_.load()) return false;
    const std::lock_guard<std::mutex> lock(mu_);
    Prune();
    auto it = seen_.find(Key(req));
    if (it == seen_.end()) return false;
    it->second = Clock::now();
    return true;
  }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kQuiet{30};
  static std::pair<std::string, int> Key(const httplib::Request& req) {
    return {req.remote_addr, req.remote_port};
  }
  void Prune() {
    const Clock::time_point now = Clock::now();
    std::erase_if(seen_, [&](const auto& e) { return now - e.second > kQuiet; });
    any_.store(!seen_.empty());
  }
  std::mutex mu_;
  std::map<std::pair<std::string, int>, Clock::time_point> seen_;
  std::atomic<bool> any_{false};
};

// Whether `req` declares a body httplib would not read: it reads one only for POST, PUT and
// PATCH, and for a DELETE with a Content-Length. Any other request's body bytes (a GET with
// Content-Length 10, or chunked) would be read as the next request on the connection, so
// such a request is refused (400) and its connection with it (QA 2026-12-05).
bool HasUnreadBody(const httplib::Request& req) {
  if (req.method == "POST" || req.method == "PUT" || req.method == "PATCH") return false;
  if (req.method == "DELETE" && req.has_header("Content-Length")) return false;
  if (req.has_header("Transfer-Encoding")) return true;
  const std::string length = req.get_header_value("Content-Length");
  return !length.empty() && length.find_first_not_of('0') != std::string::npos;
}

// A request's framing refused before its body is read.
struct FramingError {
  int status;
  std::string code;
  std::string message;
};

// The byte count of a Content-Length value that is a plain decimal number (RFC 9110 §8.6:
// 1*DIGIT), saturated at UINT64_MAX; nullopt for anything else (a sign, a space inside, a
// list, an empty value).
std::optional<uint64_t> DecimalLength(std::string_view v) {
  if (v.empty() || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  uint64_t n = 0;
  for (char c : v) {
    if (__builtin_mul_overflow(n, uint64_t{10}, &n) ||
        __builtin_add_overflow(n, static_cast<uint64_t>(c - '0'), &n)) {
      return UINT64_MAX;
    }
  }
  return n;
}

// The refusal of `req`'s Content-Length headers, if any (RFC 9112 §6.3). They must each be a
// plain decimal number, all the same number, at most kRequestBodyBytesMax. httplib reads the
// first header with strtoull, so before 2026-12-05 "abc" framed no body (the route answered
// field_missing), a second header with another length was ignored, and "-1" or
// 18446744073709551615 declared a body over the limit that httplib waited the 10 s read
// timeout for before answering 413. Now: 400 request_malformed, or 413 body_too_large, at once.
std::optional<FramingError> ContentLengthError(const httplib::Request& req) {
  const size_t count = req.get_header_value_count("Content-Length");
  std::optional<uint64_t> length;
  std::string shown;  // the header value as it was sent, at most 40 bytes of it
  for (size_t i = 0; i < count; ++i) {
    const std::string v = req.get_header_value("Content-Length", i);
    const std::optional<uint64_t> n = DecimalLength(v);
    const std::string previous = shown;
    shown = "'" + std::string(TruncateUtf8(v, 40)) + "'";
    if (!n) {
      return FramingError{400, "request_malformed",
                          "Content-Length " + shown + " is not a decimal number of bytes"};
    }
    if (length && *length != *n) {
      return FramingError{400, "request_malformed",
                          "Content-Length headers disagree: " + previous + " and " + shown};
    }
    length = n;
  }
  if (length && *length > kRequestBodyBytesMax) {
    return FramingError{413, "body_too_large",
                        "request body over " + std::to_string(kRequestBodyBytesMax) +
                            " bytes (Content-Length " + shown + ")"};
  }
  return std::nullopt;
}

void Write(const HttpResponse& r, httplib::Response& res) {
  res.status = r.status;
  for (const auto& [k, v] : r.headers) res.set_header(k, v);
  if (!r.body.empty()) res.set_content(r.body, r.content_type);
}

// The listening socket's queue of connections not yet accepted. Debian's cpp-httplib is a
// compiled library whose sockets listen with a queue of 5 (CPPHTTPLIB_LISTEN_BACKLOG): when
// more clients connect at once (200 dashboards reconnecting after their keep-alive limit),
// the kernel drops the extra handshakes and each such client retries a second later
// (TcpExtListenOverflows), which showed as p99 latencies of 0.4-1.2 s in bench/http. After
// binding, the socket listens again with this queue (the kernel caps it at
// net.core.somaxconn).
constexpr int kListenBacklog = 1024;

// Calls listen() again, with kListenBacklog, on this process's listening sockets bound to
// `port`: the library does not expose its socket. Returns how many it widened.
int WidenListenBacklog(int port) {
  int widened = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    int listening = 0;
    socklen_t len = sizeof(listening);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || listening == 0) {
      continue;
    }
    sockaddr_storage addr{};
    socklen_t addr_len = sizeof(addr);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) continue;
    int bound = -1;
    if (addr.ss_family == AF_INET) {
      bound = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      bound = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
    }
    if (bound == port && ::listen(fd, kListenBacklog) == 0) ++widened;
  }
  return widened;
}

// The admission gate's capacity: `requested`, or for 0 twice the cores (at least 4), so a
// request that waits on the disk or on a lock does not idle a core.
int MaxActive(int requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return std::max(4, 2 * static_cast<int>(cores));
}

// The server writes the database, SQLite's -wal and -shm files beside it and the access
// log's segments (storage/sqlite/access_log_db.h: `<db>-access`, `-000002`, ...), which are
// created in the database's directory. On a file or directory this process may not write
// (its permissions, a read-only file system) the server used to start, answer /v1/health
// and then refuse every write with 503 store_io and Retry-After: a permanent condition
// presented as one to retry. Errors: failed_precondition "store_read_only".
Status CheckWritable(const std::string& db) {
  if (db == ":memory:" || !std::filesystem::exists(db)) return Status::Ok();  // Open's errors
  std::string why;
  const auto writable = [&why](const std::string& path, int mode) {
    if (faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) == 0) return true;
    why = std::strerror(errno);
    return false;
  };
  const std::string fix =
      "; the server writes it: give this user write permission, or mount the file system "
      "read-write";
  if (!writable(db, W_OK)) {
    return FailedPrecondition("store_read_only",
                              "database '" + db + "' is not writable (" + why + ")" + fix);
  }
  for (const std::string& side : {db + "-wal", db + "-shm", AccessLogDb::PathFor(db)}) {
    if (std::filesystem::exists(side) && !writable(side, W_OK)) {
      return FailedPrecondition("store_read_only", "'" + side + "', beside database '" + db +
                                                       "', is not writable (" + why + ")" + fix);
    }
  }
  std::string dir = std::filesystem::path(db).parent_path().string();
  if (dir.empty()) dir = ".";
  if (!writable(dir, W_OK | X_OK)) {
    return FailedPrecondition(
        "store_read_only",
        "the directory '" + dir + "' of database '" + db + "' is not writable (" + why +
            "): SQLite creates '" + db + "-wal' and '" + db +
            "-shm' there and the access log its segments; give this user write permission on "
            "the directory, or mount the file system read-write");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(const ServerOptions& options, const Clock& clock) {
  RETURN_IF_ERROR(auth::InitCrypto());
  std::unique_ptr<Server> s(new Server());
  s->options_ = options;
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (tls && (options.tls_cert.empty() || options.tls_key.empty())) {
    return InvalidArgument("tls_config_invalid", "give both --tls-cert and --tls-key");
  }
  if (options.max_active < 0) {
    return InvalidArgument("max_active_invalid", "--max-active: 0 (automatic) or more");
  }
  RETURN_IF_ERROR(CheckWritable(options.db));
  s->state_ = std::make_unique<ServerState>(options.db, clock, options.auth, tls);
  s->state_->gate = std::make_unique<AdmissionGate>(MaxActive(options.max_active));
  { ASSIGN_OR_RETURN(StorePool::Lease probe, s->state_->pool.Acquire()); }
  ASSIGN_OR_RETURN(s->state_->checkpointer,
                   WalCheckpointer::Start(options.db, kCheckpointInterval));
  ASSIGN_OR_RETURN(s->state_->access_log, AccessLogWriter::Open(options.db));
  if (tls) {
    auto ssl =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!ssl->is_valid()) {
      return InvalidArgument("tls_config_invalid", "cannot load the TLS certificate '" +
                                                       options.tls_cert + "' or key '" +
                                                       options.tls_key + "'");
    }
    s->http_ = std::move(ssl);
  } else {
    s->http_ = std::make_unique<httplib::Server>();
  }
  s->Install();
  return s;
}

Server::~Server() = default;

void Server::Install() {
  httplib::Server& h = *http_;
  const int threads = options_.threads;
  h.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  h.set_payload_max_length(kRequestBodyBytesMax);
  // A worker serves one connection at a time; 100 requests per connection keep clients on
  // their connection while still letting queued connections in (bench/http/run.sh).
  h.set_keep_alive_max_count(100);
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
  // the client's delayed ACK add about 40 ms to every response.
  h.set_tcp_nodelay(true);
  h.set_socket_options(ListenSocketOptions);
  h.set_read_timeout(10, 0);
  h.set_write_timeout(10, 0);
  ServerState* state = state_.get();
  // httplib reads the body only for a matched handler, so one catch-all per method hands
  // every /v1 request to our routing table (router.h), which does the real matching.
  const httplib::Server::Handler api = [state](const httplib::Request& req,
                                               httplib::Response& res) {
    const std::string id = RequestIdOf(req);
    const HttpResponse out = Dispatch(*state, Translate(req, id));
    Write(out, res);
    CommonHeaders(res, id);
    if (out.status >= 500) LogServerError(id, req, out.status, out.log_detail);
  };
  // Before any body is read: a body without a length is refused at once with 411 (RFC 9110
  // §15.5.12), asking the client to close the connection (httplib keeps its side open until
  // the client closes or the keep-alive timeout; bytes sent meanwhile are read as requests, so
  // the connection is marked refused: RefusedConnections). So is a body whose Content-Length
  // is not one plain decimal number (400) or is over the limit (413): ContentLengthError.
  auto refused = std::make_shared<RefusedConnections>();
  h.set_pre_routing_handler([refused](const httplib::Request& req, httplib::Response& res) {
    if (refused->Has(req)) {
      res.status = 400;
      res.set_header("Connection", "close");
      SetError(res, "connection_refused",
               "an earlier request on this connection was refused before its body was read; "
               "open a new connection");
      CommonHeaders(res, RequestIdOf(req));
      return httplib::Server::HandlerResponse::Handled;
    }
    std::optional<FramingError> error = ContentLengthError(req);
    if (!error && HasUnframedBody(req)) {
      error = FramingError{411, "length_required",
                           "a " + std::string(TruncateUtf8(req.method, 16)) +
                               " needs a Content-Length header (0 for no body) or chunked "
                               "Transfer-Encoding"};
    }
    if (!error && HasUnreadBody(req)) {
      error = FramingError{400, "request_malformed",
                           "a " + std::string(TruncateUtf8(req.method, 16)) +
                               " carries no body here (Content-Length 0 or none, no "
                               "Transfer-Encoding)"};
    }
    if (!error) return httplib::Server::HandlerResponse::Unhandled;
    refused->Mark(req);
    res.status = error->status;
    res.set_header("Connection", "close");
    SetError(res, error->code, error->message);
    CommonHeaders(res, RequestIdOf(req));
    return httplib::Server::HandlerResponse::Handled;
  });
  const std::string pattern = "/v1/.*";
  h.Get(pattern, api);
  h.Post(pattern, api);
  h.Put(pattern, api);
  h.Patch(pattern, api);
  h.Delete(pattern, api);
  h.Options(pattern, api);
  // Errors raised by the transport (413 body too large, 404 for unknown static paths, 400)
  // get the same JSON error body as the API's. httplib calls this handler outside its own try
  // block, so an exception here would end the process: none may leave it (the path it echoes
  // is cut at a character boundary and dumped with invalid UTF-8 replaced).
  h.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string id =
        res.has_header("X-Request-Id") ? res.get_header_value("X-Request-Id") : RequestIdOf(req);
    try {
      std::string code = "http_error";
      std::string message = "the request could not be served";
      if (res.status == 413) {
        code = "body_too_large";
        message = "request body over " + std::to_string(kRequestBodyBytesMax) + " bytes";
      } else if (res.status == 404) {
        code = "route_not_found";
        message = "no route " + std::string(TruncateUtf8(req.path, 200));
      } else if (res.status == 400) {
        code = "request_malformed";
        message = "the request is not valid HTTP";
      }
      SetError(res, code, message);
      CommonHeaders(res, id);
    } catch (const std::exception& e) {
      res.status = 500;
      res.body.clear();
      SetError(res, "internal", "internal error");
      CommonHeaders(res, id);
      LogServerError(id, req, 500, std::string("error handler: ") + e.what());
    }
  });
  // An exception that escapes a handler (Dispatch catches those of the routes; this is the
  // backstop) answers 500 and is logged with the request id.
  h.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        const std::string id = RequestIdOf(req);
        std::string detail = "exception of an unknown type";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          detail = std::string("exception: ") + e.what();
        } catch (...) {
        }
        res.status = 500;
        SetError(res, "internal", "internal error");
        CommonHeaders(res, id);
        LogServerError(id, req, 500, detail);
      });
  if (!options_.web_root.empty()) {
    h.set_mount_point("/", options_.web_root);
    h.set_file_request_handler([](const httplib::Request& req, httplib::Response& res) {
      CommonHeaders(res, RequestIdOf(req));
      res.set_header("Cache-Control", "no-cache");
    });
  }
}

Result<int> Server::Bind() {
  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
    if (port <= 0) {
      return Unavailable("port_unavailable", "cannot bind a port on " + options_.host);
    }
  } else if (!http_->bind_to_port(options_.host, options_.port)) {
    return Unavailable("port_unavailable", "cannot listen on " + options_.host + ":" +
                                               std::to_string(options_.port) +
                                               " (in use, or not allowed)");
  }
  if (WidenListenBacklog(port) == 0) {
    std::cerr << "opencse serve: warning: could not widen the listen queue of port " << port
              << "; bursts of new connections may wait a second\n";
  }
  return port;
}

void Server::Run() {
  {
    std::lock_guard<std::mutex> lock(run_mu_);
    if (stop_requested_) return;
    run_started_ = true;
  }
  http_->listen_after_bind();
  run_returned_ = true;
}

void Server::Stop() {
  {
    std::lock_guard<std::mutex> lock(run_mu_);
    stop_requested_ = true;
    if (!run_started_) return;  // Run() will return at once
  }
  // Run() has begun: wait until httplib's accept loop runs, since a stop() before that is lost.
  while (!http_->is_running() && !run_returned_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  http_->stop();
}

}  // namespace cse::http
