// File: http/server.h
//
// The HTTP server: cpp-httplib (server.cc is the only file that includes httplib.h) with
// OpenSSL for TLS, in front of the routing table (router.h). Every /v1 request gets a request
// id (the client's X-Request-Id when it is 1-64 of [A-Za-z0-9._-], else a fresh one) echoed
// in the response; bodies over kRequestBodyBytesMax are refused with 413 before they are
// read in full, and a POST, PUT or PATCH with neither Content-Length nor chunked
// Transfer-Encoding with 411 length_required before any is read; other paths are served from
// the web root when one is given.
//
// Shutdown: Stop() closes the listening socket; Run() then returns once the requests already
// in flight have been answered (the worker pool drains before it is joined).
//
// Thread-safety: Stop() may be called from any thread (a signal watcher); the rest from one.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "http/router.h"

namespace httplib {
class Server;
}

namespace cse::http {

struct ServerOptions {
  std::string db;                  // must exist (opencse init)
  std::string host = "127.0.0.1";  // Default: loopback only
  int port = 8080;                 // Default: 8080; 0 picks a free port
  std::string tls_cert;            // PEM; with tls_key, serve HTTPS
  std::string tls_key;
  std::string web_root;  // static files of the web app; empty: none
  // Default: 256 worker threads. A worker serves one keep-alive connection at a time, so there
  // must be one per open connection; the admission gate bounds how many work at once.
  int threads = 256;
  // Requests handled at once (AdmissionGate); the others wait in arrival order. 0 (the
  // default): twice the number of cores, at least 4.
  int max_active = 0;
  auth::AuthOptions auth;
};

class Server {
 public:
  // Checks the database can be written (the file, its -wal, -shm and access log files, and
  // its directory, where SQLite and the access log create files), that it opens (running
  // pending migrations) and the TLS files load. Errors: failed_precondition
  // "store_read_only" (the message names the path); SqliteStore::Open's; invalid_argument
  // "tls_config_invalid".
  static Result<std::unique_ptr<Server>> Create(const ServerOptions& options, const Clock& clock);
  ~Server();

  // Binds the port. Errors: unavailable "port_unavailable".
  Result<int> Bind();
  // Serves until Stop(); returns after in-flight requests finish. Returns at once when Stop()
  // came first.
  void Run();
  // Ends Run(), whether it is serving, about to, or never called. (httplib's own stop() does
  // nothing when called before its accept loop is running, which left a Run() that had just
  // started serving for ever.)
  void Stop();
  ServerState& state() { return *state_; }
  AdmissionGate& gate() { return *state_->gate; }

 private:
  Server() = default;
  void Install();

  ServerOptions options_;
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<httplib::Server> http_;
  std::mutex run_mu_;
  bool run_started_ = false;     // guarded by run_mu_
  bool stop_requested_ = false;  // guarded by run_mu_
  std::atomic<bool> run_returned_{false};
};

}  // namespace cse::http
