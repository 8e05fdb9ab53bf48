#include "ledger/codec.h"

#include <array>
#include <charconv>

namespace cse {
namespace {

constexpr std::array<std::string_view, 3> kApplied{"c", "a", "h"};
constexpr std::array<std::string_view, 3> kTypes{"cs", "cm", "ap"};
constexpr std::array<std::string_view, 5> kBuckets{"na", "un", "ta", "ca", "pa"};
constexpr std::array<std::string_view, 4> kPayees{"f", "s", "g", "h"};
constexpr std::string_view kPassThrough = "pt";  // the optional eighth field

template <size_t N>
int IndexOf(const std::array<std::string_view, N>& table, std::string_view v) {
  for (size_t i = 0; i < N; ++i) {
    if (table[i] == v) return static_cast<int>(i);
  }
  return -1;
}

bool ParseInt(std::string_view s, int64_t& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::string EncodeLines(const std::vector<DistributionLine>& lines) {
  std::string out;
  out.reserve(lines.size() * 40);
  for (const DistributionLine& l : lines) {
    if (!out.empty()) out += ';';
    out += std::to_string(l.case_id.value);
    out += ':';
    out += kApplied[static_cast<size_t>(l.applied_as)];
    out += ':';
    out += kTypes[static_cast<size_t>(l.type)];
    out += ':';
    out += l.due_date.ToString();
    out += ':';
    out += kBuckets[static_cast<size_t>(l.bucket)];
    out += ':';
    out += kPayees[static_cast<size_t>(l.payee)];
    out += ':';
    out += std::to_string(l.amount.cents());
    if (l.pass_through) {
      out += ':';
      out += kPassThrough;
    }
  }
  return out;
}

Result<std::vector<DistributionLine>> DecodeLines(std::string_view text) {
  std::vector<DistributionLine> lines;
  while (!text.empty()) {
    const size_t end = text.find(';');
    const std::string_view item = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    std::array<std::string_view, 8> f;
    std::string_view rest = item;
    size_t n = 0;
    for (; n < 8 && !rest.empty(); ++n) {
      const size_t colon = rest.find(':');
      f[n] = rest.substr(0, colon);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
    int64_t case_id = 0;
    int64_t cents = 0;
    // Only family money is passed through.
    const bool fields_ok = n == 7 || (n == 8 && f[7] == kPassThrough && f[5] == kPayees[0]);
    auto due = fields_ok ? Date::Parse(f[3]) : Result<Date>(InvalidArgument("x", "x"));
    const int a = IndexOf(kApplied, f[1]);
    const int t = IndexOf(kTypes, f[2]);
    const int b = IndexOf(kBuckets, f[4]);
    const int p = IndexOf(kPayees, f[5]);
    if (!fields_ok || !rest.empty() || !ParseInt(f[0], case_id) || !ParseInt(f[6], cents) ||
        !due.ok() || a < 0 || t < 0 || b < 0 || p < 0) {
      return DataLoss("distribution_lines_corrupt",
                      "stored distribution line '" + std::string(item) + "' is malformed");
    }
    lines.push_back(DistributionLine{CaseId{case_id}, static_cast<AppliedAs>(a),
                                     static_cast<ObligationType>(t), *due, static_cast<Bucket>(b),
                                     static_cast<Payee>(p), Money::FromCents(cents), n == 8});
  }
  return lines;
}

}  // namespace cse
