// File: tests/http/server_stop_test.cc
//
// http::Server::Stop ends Run() whenever it comes: before Run() is called, while Run() is
// starting (httplib ignores a stop() that comes before its accept loop runs, which once left
// a test's server serving for ever), and while it serves. And the server's pooled connections
// keep SQLite's automatic checkpoint as a backstop behind its checkpointer thread. A database
// the server cannot write is refused at Create, and a read-only store's refusal at run time is
// a 500, not a 503 to retry.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>

#include "core/clock.h"
#include "http/router.h"
#include "http/server.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/scratch_dir.h"

namespace cse::http {
namespace {

// A server on a free loopback port over a new database in `dir`.
std::unique_ptr<Server> NewServer(const testing::ScratchDir& dir, const Clock& clock) {
  const std::string db = dir.path("stop.db");
  EXPECT_TRUE(SqliteStore::Open(db, SqliteStore::OpenMode::kCreate).ok());
  ServerOptions o;
  o.db = db;
  o.port = 0;
  o.threads = 1;
  auto server = Server::Create(o, clock);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  if (!server.ok()) return nullptr;
  EXPECT_TRUE((*server)->Bind().ok());
  return std::move(server).value();
}

// Runs `server` on a thread, calls Stop() after `delay` (unless `stop` is false), and expects
// Run() to return within 10 s. A Run() that never returns cannot be joined, so the process
// then ends with a failure.
void ExpectStopEndsRun(Server& server, std::chrono::microseconds delay, bool stop = true) {
  std::atomic<bool> returned{false};
  std::thread runner([&] {
    server.Run();
    returned = true;
  });
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  if (stop) server.Stop();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!returned && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!returned) {
    ADD_FAILURE() << "Run() did not return within 10 s of Stop()";
    std::fprintf(stderr, "server_stop_test: Run() still serving after Stop(); giving up\n");
    std::_Exit(1);
  }
  runner.join();
}

TEST(ServerStopTest, StopBeforeRunMakesRunReturnAtOnce) {
  testing::ScratchDir dir("server_stop");
  FakeClock clock(0);
  std::unique_ptr<Server> server = NewServer(dir, clock);
  ASSERT_NE(server, nullptr);
  server->Stop();
  ExpectStopEndsRun(*server, std::chrono::microseconds(0), /*stop=*/false);
}

TEST(ServerStopTest, StopRightAfterRunStartsAlwaysEndsIt) {
  testing::ScratchDir dir("server_stop");
  FakeClock clock(0);
  // Stops at once and after short delays, so that some land before httplib's accept loop
  // runs and some after.
  for (int i = 0; i < 60; ++i) {
    std::unique_ptr<Server> server = NewServer(dir, clock);
    ASSERT_NE(server, nullptr);
    ExpectStopEndsRun(*server, std::chrono::microseconds(i % 3 == 0 ? 0 : 50 * (i % 7)));
  }
}

TEST(ServerStopTest, StopWhileServingEndsRun) {
  testing::ScratchDir dir("server_stop");
  FakeClock clock(0);
  std::unique_ptr<Server> server = NewServer(dir, clock);
  ASSERT_NE(server, nullptr);
  ExpectStopEndsRun(*server, std::chrono::milliseconds(200));
}

// Without the backstop (it was 0) the write-ahead log grew without bound under sustained load:
// passive checkpoints never finished between two commits, so SQLite never started it over.
TEST(ServerStopTest, PooledConnectionsKeepTheAutomaticCheckpointAsABackstop) {
  testing::ScratchDir dir("server_stop");
  FakeClock clock(0);
  std::unique_ptr<Server> server = NewServer(dir, clock);
  ASSERT_NE(server, nullptr);
  auto lease = server->state().pool.Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  auto pages = (*lease)->PragmaForTesting("wal_autocheckpoint");
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(*pages, SqliteStore::kCheckpointBytes / SqliteStore::kPageSizeBytes);
  EXPECT_GT(*pages, 0);
}

// Server::Create in a child process as another user (nobody, when the test runs as root,
// which may write any file) or as this one; exits 3 when it answers store_read_only, after
// printing the error.
[[noreturn]] void CreateAsAnotherUser(const std::string& db) {
  if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) std::_Exit(99);
  FakeClock clock(0);
  ServerOptions o;
  o.db = db;
  o.port = 0;
  o.threads = 1;
  auto server = Server::Create(o, clock);
  std::fprintf(stderr, "%s\n", server.ok() ? "created" : server.status().ToString().c_str());
  std::_Exit(server.ok() ? 0 : server.status().reason() == "store_read_only" ? 3 : 1);
}

// `serve` on a database it cannot write (the file, or its directory where SQLite creates the
// -wal and -shm files) refuses to start with store_read_only, naming the path. Before, it
// started, answered /v1/health and refused every write with 503 store_io and Retry-After.
TEST(ServerCreateTest, ADatabaseItCannotWriteIsRefusedNamingThePath) {
  // "fast": the child is a fork of this process, so it does not re-run the test body (and make
  // a scratch directory of its own that nobody would remove).
  GTEST_FLAG_SET(death_test_style, "fast");
  const testing::ScratchDir dir("readonly");
  const std::string db = dir.path("ro.db");
  ASSERT_TRUE(SqliteStore::Open(db, SqliteStore::OpenMode::kCreate).ok());
  const bool root = geteuid() == 0;
  const std::string folder = dir.dir().string();
  ASSERT_EQ(chmod(folder.c_str(), 0755), 0);
  // The file: root's, not nobody's; or read-only.
  if (!root) {
    ASSERT_EQ(chmod(db.c_str(), 0444), 0);
  }
  EXPECT_EXIT(CreateAsAnotherUser(db), ::testing::ExitedWithCode(3),
              "store_read_only: database '.*ro\\.db' is not writable");
  // The file writable, its directory not.
  if (root) {
    ASSERT_EQ(chown(db.c_str(), 65534, 65534), 0);
  } else {
    ASSERT_EQ(chmod(db.c_str(), 0644), 0);
    ASSERT_EQ(chmod(folder.c_str(), 0555), 0);
  }
  EXPECT_EXIT(CreateAsAnotherUser(db), ::testing::ExitedWithCode(3),
              "store_read_only: the directory '.*' of database '.*ro\\.db' is not writable.*-wal");
  ASSERT_EQ(chmod(folder.c_str(), 0755), 0);
  // Both writable: created.
  if (root) {
    ASSERT_EQ(chown(folder.c_str(), 65534, 65534), 0);
  }
  EXPECT_EXIT(CreateAsAnotherUser(db), ::testing::ExitedWithCode(0), "created");
}

// A read-only store's refusal (SQLITE_READONLY, which the store reports as store_io) is a 500
// without Retry-After: retrying cannot help. Other store_io errors stay 503 with Retry-After.
TEST(ServerCreateTest, AReadOnlyStoreIsA500WithoutRetryAfter) {
  const Status read_only =
      Unavailable("store_io", "sqlite error 8: attempt to write a readonly database");
  EXPECT_EQ(HttpStatusOf(read_only), 500);
  EXPECT_EQ(HttpStatusOf(FailedPrecondition("store_read_only", "database 'x' is not writable")),
            500);
  const HttpResponse refused = ErrorResponse(read_only);
  EXPECT_EQ(refused.status, 500);
  for (const auto& [name, value] : refused.headers) EXPECT_NE(name, "Retry-After");
  const HttpResponse busy = ErrorResponse(Unavailable("store_io", "disk I/O error"));
  EXPECT_EQ(busy.status, 503);
  bool retry_after = false;
  for (const auto& [name, value] : busy.headers) retry_after = retry_after || name == "Retry-After";
  EXPECT_TRUE(retry_after);
}

}  // namespace
}  // namespace cse::http
