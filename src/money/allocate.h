// File: money/allocate.h
//
// Splitting money exactly. Every split returns parts that add up to the amount to the cent;
// the cents that proportional rounding leaves over are placed by a named remainder policy.
#pragma once

#include <cstdint>
#include <vector>

#include "money/money.h"

namespace cse {

enum class RemainderPolicy {
  // Largest-remainder (Hamilton) method; ties go to the lowest index. Callers order the
  // weights oldest-first, so the policy reads "largest remainder, ties to the oldest".
  kLargestRemainderOldestFirst,
  // All leftover cents go to index 0 (the oldest).
  kAllToFirst,
};

// Prorates `amount` across `weights` (each >= 0) in proportion, never giving a part more than
// its weight when amount <= sum(weights). Parts sum exactly to `amount`.
// REQUIRES: amount >= 0; every weight >= 0; sum(weights) > 0 unless amount == 0.
std::vector<Money> Prorate(Money amount, const std::vector<Money>& weights,
                           RemainderPolicy policy = RemainderPolicy::kLargestRemainderOldestFirst);

// Applies `amount` to `dues` in order (oldest first), each up to its due. Returns the applied
// parts; the unapplied rest is amount - sum(parts).
std::vector<Money> ApplyInOrder(Money amount, const std::vector<Money>& dues);

// Splits `amount` into `share_bps`/10000 and the rest (e.g. federal vs state share), rounding
// the first part half up. Returns {first, rest}.
struct Split {
  Money first;
  Money rest;
};
Split SplitByBasisPoints(Money amount, int64_t share_bps);

}  // namespace cse
