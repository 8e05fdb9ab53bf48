#include "money/allocate.h"

#include <gtest/gtest.h>

#include <random>

namespace cse {
namespace {

std::vector<Money> M(std::initializer_list<int64_t> cents) {
  std::vector<Money> out;
  for (int64_t c : cents) out.push_back(Money::FromCents(c));
  return out;
}

TEST(ProrateTest, SplitsExactlyWithLargestRemainderTiesToOldest) {
  EXPECT_EQ(Prorate(Money::FromCents(100), M({1, 1, 1})), M({34, 33, 33}));
  EXPECT_EQ(Prorate(Money::FromCents(100), M({1, 1, 1}), RemainderPolicy::kAllToFirst),
            M({34, 33, 33}));
  EXPECT_EQ(Prorate(Money::FromCents(10), M({3, 3, 4})), M({3, 3, 4}));
  EXPECT_EQ(Prorate(Money::FromCents(0), M({3, 3})), M({0, 0}));
  // 35000 current: prorate 300.00 by 100/200 shares
  EXPECT_EQ(Prorate(Money::FromCents(30000), M({10000, 20000})), M({10000, 20000}));
  EXPECT_EQ(Prorate(Money::FromCents(20000), M({10000, 20000})), M({6667, 13333}));
}

TEST(ProrateTest, RandomSplitsAddUpAndNeverExceedWeights) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20000; ++trial) {
    const size_t n = 1 + rng() % 6;
    std::vector<Money> w;
    int64_t total = 0;
    for (size_t i = 0; i < n; ++i) {
      w.push_back(Money::FromCents(static_cast<int64_t>(rng() % 100000)));
      total += w.back().cents();
    }
    if (total == 0) continue;
    const int64_t amount = static_cast<int64_t>(rng() % static_cast<uint64_t>(total + 1));
    const auto parts = Prorate(Money::FromCents(amount), w);
    int64_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
      ASSERT_GE(parts[i].cents(), 0);
      ASSERT_LE(parts[i], w[i]);
      sum += parts[i].cents();
    }
    ASSERT_EQ(sum, amount);
  }
}

TEST(ApplyInOrderTest, PaysOldestFirst) {
  EXPECT_EQ(ApplyInOrder(Money::FromCents(150), M({100, 100, 100})), M({100, 50, 0}));
  EXPECT_EQ(ApplyInOrder(Money::FromCents(500), M({100, 100})), M({100, 100}));
}

TEST(SplitTest, BasisPointSplitAddsUp) {
  const Split s = SplitByBasisPoints(Money::FromCents(12345), 5000);
  EXPECT_EQ(s.first.cents(), 6173);
  EXPECT_EQ(s.rest.cents(), 6172);
  const Split f = SplitByBasisPoints(Money::FromCents(10000), 6443);
  EXPECT_EQ(f.first.cents() + f.rest.cents(), 10000);
  EXPECT_EQ(f.first.cents(), 6443);
}

}  // namespace
}  // namespace cse
