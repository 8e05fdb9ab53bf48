#include "iwo/withholding.h"

#include <charconv>
#include <string>

#include "core/check.h"
#include "money/allocate.h"

namespace cse::iwo {

const ConversionRule::Factor& ConversionRule::For(PayCycle cycle) const {
  switch (cycle) {
    case PayCycle::kWeekly:
      return weekly;
    case PayCycle::kBiweekly:
      return biweekly;
    case PayCycle::kSemimonthly:
      return semimonthly;
    case PayCycle::kMonthly:
      return monthly;
  }
  return monthly;
}

Money PerPayPeriod(Money monthly, PayCycle cycle, const ConversionRule& rule) {
  const ConversionRule::Factor& f = rule.For(cycle);
  return MulDivRound(monthly, f.numerator, f.denominator);
}

namespace {

constexpr int64_t kFactorTermMax = 1000;

bool ParseTerm(std::string_view text, int64_t& out) {
  if (text.empty() || text.size() > 4) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 1 && out <= kFactorTermMax;
}

}  // namespace

Result<ConversionRule::Factor> ParseFactor(std::string_view text) {
  const size_t slash = text.find('/');
  ConversionRule::Factor f;
  if (slash == std::string_view::npos || !ParseTerm(text.substr(0, slash), f.numerator) ||
      !ParseTerm(text.substr(slash + 1), f.denominator)) {
    return InvalidArgument("conversion_factor_invalid",
                           "conversion factor '" + std::string(text) +
                               "' must be NUMERATOR/DENOMINATOR, each 1 to 1000 (e.g. 12/52)");
  }
  return f;
}

int32_t FederalLimitBps(SecondFamily second_family, ArrearsOver12Weeks arrears_over_12_weeks) {
  const int32_t base = second_family == SecondFamily::kYes ? 5000 : 6000;
  return arrears_over_12_weeks == ArrearsOver12Weeks::kYes ? base + 500 : base;
}

Money WithholdingLimit(Money disposable, SecondFamily second_family,
                       ArrearsOver12Weeks arrears_over_12_weeks, const LimitOptions& options) {
  CSE_CHECK(!disposable.is_negative(), "disposable earnings must be non-negative");
  CSE_CHECK(options.state_cap_bps >= 0 && options.state_cap_bps <= 10'000, "state cap bps");
  const int64_t bps = std::min<int64_t>(FederalLimitBps(second_family, arrears_over_12_weeks),
                                        options.state_cap_bps);
  // Rounded down: cents × bps fits in int64 for every amount within limits (1e10 × 1e4).
  return Money::FromCents(disposable.cents() * bps / 10'000);
}

std::string_view Name(AllocationMethod method) {
  return method == AllocationMethod::kEqual ? "equal" : "prorate";
}

Result<AllocationMethod> ParseAllocationMethod(std::string_view text) {
  if (text == "prorate") return AllocationMethod::kProrate;
  if (text == "equal") return AllocationMethod::kEqual;
  return InvalidArgument("allocation_method_invalid",
                         "allocation method '" + std::string(text) + "': expected prorate|equal");
}

namespace {

// Equal shares of `amount` over `asks`, each capped at its ask; see the header for the
// remainder policy. REQUIRES: amount <= sum(asks).
std::vector<Money> EqualShares(Money amount, const std::vector<Money>& asks) {
  std::vector<Money> parts(asks.size());
  int64_t left = amount.cents();
  while (left > 0) {
    std::vector<size_t> open;
    for (size_t i = 0; i < asks.size(); ++i) {
      if (parts[i] < asks[i]) open.push_back(i);
    }
    CSE_CHECK(!open.empty(), "equal shares: more money than asked");
    const int64_t share = left / static_cast<int64_t>(open.size());
    if (share == 0) {
      // Fewer cents than open orders: one cent each to the orders listed first.
      for (size_t k = 0; k < open.size() && left > 0; ++k, --left) {
        parts[open[k]] += Money::FromCents(1);
      }
      break;
    }
    for (size_t i : open) {
      const Money give = Min(Money::FromCents(share), asks[i] - parts[i]);
      parts[i] += give;
      left -= give.cents();
    }
  }
  return parts;
}

std::vector<Money> Column(const std::vector<OrderDemand>& demands, Money OrderDemand::*field) {
  std::vector<Money> out;
  out.reserve(demands.size());
  for (const OrderDemand& d : demands) out.push_back(d.*field);
  return out;
}

Money Sum(const std::vector<Money>& v) {
  Money total;
  for (Money m : v) total += m;
  return total;
}

}  // namespace

std::vector<OrderShare> AllocateAmong(Money available, const std::vector<OrderDemand>& demands,
                                      AllocationMethod method, std::optional<Money> current_max) {
  CSE_CHECK(!available.is_negative(), "available must be non-negative");
  std::vector<OrderShare> shares(demands.size());
  const std::vector<Money> current = Column(demands, &OrderDemand::current);
  const Money current_total = Sum(current);
  Money to_current = Min(available, current_total);
  if (current_max) to_current = Min(to_current, *current_max);
  // Prorate needs a positive total only when there is something to split.
  const std::vector<Money> current_parts = Prorate(to_current, current);
  for (size_t i = 0; i < demands.size(); ++i) shares[i].current = current_parts[i];
  const Money rest = available - to_current;
  if (!rest.is_positive()) return shares;
  const std::vector<Money> arrears = Column(demands, &OrderDemand::arrears);
  const Money to_arrears = Min(rest, Sum(arrears));
  if (!to_arrears.is_positive()) return shares;
  const std::vector<Money> arrears_parts = method == AllocationMethod::kEqual
                                               ? EqualShares(to_arrears, arrears)
                                               : Prorate(to_arrears, arrears);
  for (size_t i = 0; i < demands.size(); ++i) shares[i].arrears = arrears_parts[i];
  return shares;
}

Result<Allocation> Allocate(const AllocationRequest& request) {
  if (request.orders.empty()) {
    return InvalidArgument("orders_missing", "give at least one order (current:arrears)");
  }
  if (request.orders.size() > kOrdersPerEmployeeMax) {
    return InvalidArgument("orders_too_many",
                           std::to_string(request.orders.size()) + " orders; at most " +
                               std::to_string(kOrdersPerEmployeeMax) + " per employee");
  }
  if (request.disposable.is_negative()) {
    return InvalidArgument("disposable_negative", "disposable earnings must not be negative");
  }
  if (request.limits.state_cap_bps < 0 || request.limits.state_cap_bps > 10'000) {
    return InvalidArgument(
        "state_cap_invalid",
        "state cap " + std::to_string(request.limits.state_cap_bps) + " bps: expected 0 to 10000");
  }
  Money current_asked;
  Money arrears_asked;
  for (size_t i = 0; i < request.orders.size(); ++i) {
    const OrderDemand& d = request.orders[i];
    if (d.current.is_negative() || d.arrears.is_negative() || (d.current + d.arrears).is_zero()) {
      return InvalidArgument("order_amount_zero",
                             "order " + std::to_string(i + 1) +
                                 " asks for nothing: current and arrears must not both be zero");
    }
    ASSIGN_OR_RETURN(current_asked, CheckedAdd(current_asked, d.current));
    ASSIGN_OR_RETURN(arrears_asked, CheckedAdd(arrears_asked, d.arrears));
  }
  ASSIGN_OR_RETURN(Money demanded, CheckedAdd(current_asked, arrears_asked));
  Allocation out;
  out.limit = WithholdingLimit(request.disposable, request.second_family,
                               request.arrears_over_12_weeks, request.limits);
  // The extra five points are for arrears only (15 USC 1673(b)(2)): current support is held
  // to the base percentage. Without arrears over 12 weeks both limits are the same.
  out.current_limit = WithholdingLimit(request.disposable, request.second_family,
                                       ArrearsOver12Weeks::kNo, request.limits);
  const Money to_current = Min(current_asked, out.current_limit);
  out.total = Min(out.limit, Min(demanded, to_current + arrears_asked));
  out.orders = AllocateAmong(out.total, request.orders, request.method, out.current_limit);
  return out;
}

}  // namespace cse::iwo
