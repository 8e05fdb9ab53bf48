// File: tests/http/admission_test.cc
//
// AdmissionGate: at most `capacity` holders at once, the rest let in strictly in arrival
// order; and every API request of a real server passes through the server's gate. The
// access-log writer's receipts, which requests await after leaving the gate.

#include "http/admission.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "http/api_server.h"

namespace cse::http {
namespace {

using std::chrono::milliseconds;

// Spins (with short sleeps) until `pred` holds or 10 s pass.
template <typename Pred>
bool WaitFor(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

TEST(AdmissionGateTest, HoldsAtMostItsCapacityAndLetsTheNextInWhenOneLeaves) {
  AdmissionGate gate(2);
  std::optional<AdmissionGate::Ticket> a(gate.Enter());
  std::optional<AdmissionGate::Ticket> b(gate.Enter());
  EXPECT_EQ(gate.active(), 2);
  std::atomic<bool> third_in{false};
  std::thread third([&] {
    AdmissionGate::Ticket t = gate.Enter();
    third_in = true;
  });
  ASSERT_TRUE(WaitFor([&] { return gate.waiting() == 1; }));
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(third_in.load());  // both places are taken
  a.reset();
  third.join();
  EXPECT_TRUE(third_in.load());
  EXPECT_EQ(gate.waiting(), 0);
  EXPECT_EQ(gate.active(), 1);  // b still holds its place; the third has left
  b.reset();
  EXPECT_EQ(gate.active(), 0);
}

TEST(AdmissionGateTest, WaitersAreLetInInTheOrderTheyArrived) {
  AdmissionGate gate(1);
  std::optional<AdmissionGate::Ticket> holder(gate.Enter());
  constexpr int kWaiters = 12;
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([&, i] {
      AdmissionGate::Ticket t = gate.Enter();
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(i);
    });
    // The next thread starts only once this one is queued, so arrival order is i.
    ASSERT_TRUE(WaitFor([&] { return gate.waiting() == i + 1; }));
  }
  // A newcomer arriving after the queue formed must not overtake it, even at a hand-over.
  holder.reset();
  for (auto& t : threads) t.join();
  std::vector<int> expected;
  for (int i = 0; i < kWaiters; ++i) expected.push_back(i);
  EXPECT_EQ(order, expected);
  EXPECT_EQ(gate.active(), 0);
  EXPECT_EQ(gate.waiting(), 0);
}

TEST(AdmissionGateTest, ManyThreadsNeverExceedTheCapacity) {
  AdmissionGate gate(3);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 200; ++k) {
        AdmissionGate::Ticket t = gate.Enter();
        const int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        --inside;
        ++done;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 16 * 200);
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
  EXPECT_EQ(gate.active(), 0);
}

TEST(AdmissionGateTest, EveryApiRequestIsHandledInsideTheServersGate) {
  testing::ApiServer server("gate");
  std::atomic<int> active_seen{-1};
  server.server().state().on_dispatch_for_testing = [&](const HttpRequest&) {
    active_seen = server.server().gate().active();
  };
  auto c = server.Client();
  auto r = c.Get("/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(active_seen.load(), 1);  // this request held a place while it was handled
  EXPECT_GE(server.server().gate().capacity(), 4);  // the default: 2 per core, at least 4
  EXPECT_EQ(server.server().gate().active(), 0);    // and gave it back
}

TEST(AdmissionGateTest, ANegativeCapacityIsRefusedWhenTheServerIsCreated) {
  ServerOptions o;
  o.db = "unused";
  o.max_active = -1;
  FakeClock clock(0);
  EXPECT_EQ(Server::Create(o, clock).status().reason(), "max_active_invalid");
}

AccessLogRow LogRow(int64_t person, const std::string& request_id) {
  return AccessLogRow{0,         "2024-06-30T12:00:00Z",    "cw",      PersonId{person},
                      CaseId{1}, "GET /v1/cases/{case_id}", request_id};
}

TEST(AccessLogWriterTest, AReceiptReportsItsBatchsCommit) {
  testing::ApiServer server("alw");
  auto writer = AccessLogWriter::Open(server.db());
  ASSERT_TRUE(writer.ok());
  AccessLogWriter& w = **writer;
  EXPECT_TRUE(w.Await(w.Submit({})).ok());  // nothing to log: nothing to wait for
  const AccessLogWriter::Receipt good = w.Submit({LogRow(1, "good")});
  EXPECT_TRUE(w.Await(good).ok());
  EXPECT_TRUE(w.Await(good).ok());  // awaiting again answers the same
  // A row the database refuses (no person id) fails its batch, and the request with it.
  const AccessLogWriter::Receipt bad = w.Submit({LogRow(0, "bad")});
  EXPECT_FALSE(w.Await(bad).ok());
  auto store = server.OpenStore();
  auto rows = store->ListAccessLog(PersonId{}, 0, 10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1U);
  EXPECT_EQ((*rows)[0].request_id, "good");
}

TEST(AccessLogWriterTest, ConcurrentRequestsShareCommitsAndEveryRowIsKept) {
  testing::ApiServer server("alw_many");
  auto writer = AccessLogWriter::Open(server.db());
  ASSERT_TRUE(writer.ok());
  AccessLogWriter& w = **writer;
  constexpr int kThreads = 8;
  constexpr int kWrites = 40;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        if (!w.Await(w.Submit({LogRow(1, id), LogRow(2, id)})).ok()) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  auto store = server.OpenStore();
  auto rows = store->ListAccessLog(PersonId{}, 0, 1000);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), static_cast<size_t>(2 * kThreads * kWrites));
  EXPECT_LT(w.batches(), kThreads * kWrites);  // group commit: fewer commits than requests
}

}  // namespace
}  // namespace cse::http
