// File: tests/http/server_stop_test.cc
//
// http::Server::Stop ends Run() whenever it comes: before Run() is called, while Run() is
// starting (httplib ignores a stop() that comes before its accept loop runs, which once left
// a test's server serving for ever), and while it serves. And the server's pooled connections
// keep SQLite's automatic checkpoint as a backstop behind its checkpointer thread.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
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

}  // namespace
}  // namespace cse::http
