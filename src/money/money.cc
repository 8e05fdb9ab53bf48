#include "money/money.h"

#include <cstdio>

#include "core/int128.h"
#include "core/limits.h"

namespace cse {

std::string Money::ToString() const {
  const bool negative = cents_ < 0;
  // Work in unsigned to format INT64_MIN safely.
  const uint64_t magnitude =
      negative ? static_cast<uint64_t>(-(cents_ + 1)) + 1 : static_cast<uint64_t>(cents_);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%llu.%02llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 100),
                static_cast<unsigned long long>(magnitude % 100));
  return buf;
}

Money Money::operator+(Money other) const {
  int64_t out = 0;
  CSE_CHECK(!__builtin_add_overflow(cents_, other.cents_, &out), "Money addition overflow");
  return Money(out);
}

Money Money::operator-(Money other) const {
  int64_t out = 0;
  CSE_CHECK(!__builtin_sub_overflow(cents_, other.cents_, &out), "Money subtraction overflow");
  return Money(out);
}

Money Money::operator-() const { return Money(0) - *this; }

Money& Money::operator+=(Money other) { return *this = *this + other; }
Money& Money::operator-=(Money other) { return *this = *this - other; }

Money Money::Times(int64_t factor) const {
  int64_t out = 0;
  CSE_CHECK(!__builtin_mul_overflow(cents_, factor, &out), "Money multiplication overflow");
  return Money(out);
}

Result<Money> CheckedAdd(Money a, Money b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a.cents(), b.cents(), &out)) {
    return OutOfRange("amount_overflow", a.ToString() + " + " + b.ToString() + " overflows");
  }
  return Money::FromCents(out);
}

Result<Money> CheckedSub(Money a, Money b) {
  int64_t out = 0;
  if (__builtin_sub_overflow(a.cents(), b.cents(), &out)) {
    return OutOfRange("amount_overflow", a.ToString() + " - " + b.ToString() + " overflows");
  }
  return Money::FromCents(out);
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<Money> ParseMoney(std::string_view raw, SignPolicy sign) {
  const std::string quoted = "'" + std::string(raw) + "'";
  std::string_view text = Trim(raw);
  if (text.empty()) return InvalidArgument("amount_empty", "an amount is required, e.g. 123.45");
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto digits_only = [](std::string_view s) {
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (whole.empty() || !digits_only(whole) || !digits_only(frac) ||
      (dot != std::string_view::npos && frac.empty())) {
    return InvalidArgument("amount_malformed",
                           quoted +
                               " is not a decimal amount; expected digits with up to two "
                               "decimals, e.g. 123.45");
  }
  if (frac.size() > 2) {
    return InvalidArgument("amount_too_many_decimals",
                           quoted + " has more than two decimals; amounts are exact to the cent");
  }
  if (whole.size() > 12) {
    return InvalidArgument("amount_too_large",
                           quoted + " exceeds the largest accepted amount " +
                               Money::FromCents(limits::kAmountCentsMax).ToString());
  }
  int64_t cents = 0;
  for (char c : whole) cents = cents * 10 + (c - '0');
  cents *= 100;
  if (frac.size() >= 1) cents += (frac[0] - '0') * 10;
  if (frac.size() == 2) cents += frac[1] - '0';
  if (cents > limits::kAmountCentsMax) {
    return InvalidArgument("amount_too_large",
                           quoted + " exceeds the largest accepted amount " +
                               Money::FromCents(limits::kAmountCentsMax).ToString());
  }
  if (negative && cents != 0 && sign != SignPolicy::kAllowNegative) {
    return InvalidArgument("amount_negative", quoted +
                                                  " is negative; a positive amount is "
                                                  "required");
  }
  if (cents == 0 && sign == SignPolicy::kPositiveOnly) {
    return InvalidArgument("amount_zero", quoted + " is zero; a positive amount is required");
  }
  return Money::FromCents(negative ? -cents : cents);
}

Money MulDivRound(Money amount, int64_t numerator, int64_t denominator) {
  CSE_CHECK(denominator > 0, "MulDivRound denominator must be positive");
  const Int128 product = static_cast<Int128>(amount.cents()) * numerator;
  const Int128 half = denominator / 2;
  const Int128 q =
      product >= 0 ? (product + half) / denominator : -((-product + half) / denominator);
  CSE_CHECK(q <= INT64_MAX && q >= INT64_MIN, "MulDivRound result overflow");
  return Money::FromCents(static_cast<int64_t>(q));
}

}  // namespace cse
