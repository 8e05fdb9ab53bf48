#include "money/allocate.h"

#include <algorithm>
#include <numeric>

#include "core/int128.h"

namespace cse {

std::vector<Money> Prorate(Money amount, const std::vector<Money>& weights,
                           RemainderPolicy policy) {
  CSE_CHECK(!amount.is_negative(), "Prorate amount must be non-negative");
  std::vector<Money> parts(weights.size());
  if (amount.is_zero() || weights.empty()) return parts;
  Int128 total = 0;
  for (Money w : weights) {
    CSE_CHECK(!w.is_negative(), "Prorate weight must be non-negative");
    total += w.cents();
  }
  CSE_CHECK(total > 0, "Prorate needs a positive total weight");
  std::vector<int64_t> remainders(weights.size());
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const Int128 product = static_cast<Int128>(amount.cents()) * weights[i].cents();
    parts[i] = Money::FromCents(static_cast<int64_t>(product / total));
    remainders[i] = static_cast<int64_t>(product % total);
    given += parts[i].cents();
  }
  int64_t left = amount.cents() - given;
  CSE_CHECK(left >= 0 && static_cast<size_t>(left) <= weights.size(), "Prorate leftover cents");
  if (policy == RemainderPolicy::kAllToFirst) {
    parts[0] += Money::FromCents(left);
    return parts;
  }
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (size_t k = 0; left > 0; ++k, --left) parts[order[k]] += Money::FromCents(1);
  return parts;
}

std::vector<Money> ApplyInOrder(Money amount, const std::vector<Money>& dues) {
  std::vector<Money> parts(dues.size());
  Money left = amount;
  for (size_t i = 0; i < dues.size() && left.is_positive(); ++i) {
    parts[i] = Min(left, Max(dues[i], Money::Zero()));
    left -= parts[i];
  }
  return parts;
}

Split SplitByBasisPoints(Money amount, int64_t share_bps) {
  const Money first = MulDivRound(amount, share_bps, 10000);
  return Split{first, amount - first};
}

}  // namespace cse
