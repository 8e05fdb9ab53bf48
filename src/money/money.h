// File: money/money.h
//
// Money is an exact amount of US dollars held as int64 cents. There is no constructor from a
// floating-point number and no conversion to one: decimal text is parsed and formatted here
// only. Arithmetic is overflow-checked: the operators CSE_CHECK (an overflow with amounts
// bounded by limits::kAmountCentsMax is a programmer error); CheckedAdd/CheckedSub return an
// error instead for sums of untrusted size.
//
// Thread-safety: value type.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cse {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromCents(int64_t cents) { return Money(cents); }
  static constexpr Money Zero() { return Money(0); }

  constexpr int64_t cents() const { return cents_; }
  constexpr bool is_zero() const { return cents_ == 0; }
  constexpr bool is_negative() const { return cents_ < 0; }
  constexpr bool is_positive() const { return cents_ > 0; }

  // Exact decimal text: "-1234.05". Always two decimals, no grouping.
  std::string ToString() const;

  Money operator+(Money other) const;
  Money operator-(Money other) const;
  Money operator-() const;
  Money& operator+=(Money other);
  Money& operator-=(Money other);
  // Multiplies by an integer count (e.g. periods). CSE_CHECKs overflow.
  Money Times(int64_t factor) const;

  friend constexpr auto operator<=>(Money, Money) = default;
  friend constexpr bool operator==(Money, Money) = default;

 private:
  constexpr explicit Money(int64_t cents) : cents_(cents) {}
  int64_t cents_ = 0;
};

inline Money Min(Money a, Money b) { return a < b ? a : b; }
inline Money Max(Money a, Money b) { return a < b ? b : a; }

// Overflow-checked arithmetic for untrusted magnitudes. Error: out_of_range "amount_overflow".
Result<Money> CheckedAdd(Money a, Money b);
Result<Money> CheckedSub(Money a, Money b);

enum class SignPolicy {
  kPositiveOnly,   // "> 0": payments, order amounts
  kNonNegative,    // ">= 0"
  kAllowNegative,  // adjustments
};

// Parses exact decimal dollars: digits, optional '.' and one or two decimals ("12", "12.5",
// "12.50"); a leading '-' only under kAllowNegative. Rejects, each with its own reason:
//   amount_empty           "" or blanks
//   amount_malformed       anything but digits and one '.', e.g. "1e3", "1,000", "$5", "12."
//   amount_too_many_decimals "12.345"
//   amount_negative        "-5" when negatives are not allowed
//   amount_zero            "0.00" under kPositiveOnly
//   amount_too_large       above limits::kAmountCentsMax
Result<Money> ParseMoney(std::string_view text, SignPolicy sign = SignPolicy::kPositiveOnly);

// Money × numerator / denominator, rounded half away from zero, without overflow for any
// amount within limits (128-bit intermediate). REQUIRES: denominator > 0.
Money MulDivRound(Money amount, int64_t numerator, int64_t denominator);

}  // namespace cse
