// File: bench/synthetic_data.h
//
// The synthetic data set bench/predict and bench/treeshap train and time on: a fixed
// SplitMix64 stream, features uniform in [-2, 2) with some missing, and a nonlinear label.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "bench_util.h"
#include "testing/split_mix.h"

namespace cse::bench {

struct Data {
  std::vector<float> x;  // rows x features, row-major; NaN = missing
  std::vector<float> labels;
};

inline double Value(const float* row, size_t features, size_t j) {
  return j < features && !std::isnan(row[j]) ? row[j] : 0.0;
}

// Features 0-5 miss 10% of values and the last one 30%; the label is a nonlinear rule plus
// noise.
inline Data MakeData(size_t rows, size_t features, uint64_t seed) {
  Data d;
  d.x.resize(rows * features);
  d.labels.resize(rows);
  testing::SplitMix rng(seed);  // the same data on every machine
  for (size_t r = 0; r < rows; ++r) {
    float* row = d.x.data() + r * features;
    for (size_t j = 0; j < features; ++j) {
      const double missing = j < 6 ? 0.10 : (j + 1 == features ? 0.30 : 0.0);
      const double u = rng.Uniform();
      row[j] = rng.Uniform() < missing ? std::numeric_limits<float>::quiet_NaN()
                                       : static_cast<float>(4.0 * u - 2.0);
    }
    const double score = 1.5 * Value(row, features, 0) + std::sin(3.0 * Value(row, features, 1)) +
                         Value(row, features, 2) * Value(row, features, 3) -
                         std::fabs(Value(row, features, 4)) + 0.8 * (rng.Uniform() - 0.5);
    d.labels[r] = score > 0.2 ? 1.0f : 0.0f;
  }
  return d;
}

}  // namespace cse::bench
