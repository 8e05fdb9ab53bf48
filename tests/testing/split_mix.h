// File: tests/testing/split_mix.h
//
// SplitMix64: a fixed, portable generator for test data, so every run and every machine sees
// the same rows.
#pragma once

#include <cstdint>

namespace cse::testing {

class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [low, high).
  double Uniform(double low = 0.0, double high = 1.0) {
    return low + (high - low) * static_cast<double>(Next() >> 11) * 0x1.0p-53;
  }
  float Between(double low, double high) { return static_cast<float>(Uniform(low, high)); }

 private:
  uint64_t state_;
};

}  // namespace cse::testing
