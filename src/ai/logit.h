// File: ai/logit.h
//
// The logistic link shared by the calibrators and the logistic scorecard.
//
// Thread-safety: pure functions.
#pragma once

#include <cmath>

namespace cse::ai {

// 1 / (1 + exp(-margin)).
inline double Sigmoid(double margin) { return 1.0 / (1.0 + std::exp(-margin)); }

// log(1 + exp(m)) without overflow.
inline double SoftPlus(double m) {
  return m > 0.0 ? m + std::log1p(std::exp(-m)) : std::log1p(std::exp(m));
}

}  // namespace cse::ai
