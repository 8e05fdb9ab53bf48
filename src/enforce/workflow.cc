#include "enforce/workflow.h"

#include <algorithm>
#include <array>

namespace cse::enforce {
namespace {

std::string DetailValue(const std::string& detail, std::string_view key) {
  const std::string prefix = std::string(key) + "=";
  size_t at = 0;
  while (at < detail.size()) {
    const size_t end = std::min(detail.find(' ', at), detail.size());
    const std::string_view item(detail.data() + at, end - at);
    if (item.substr(0, prefix.size()) == prefix) return std::string(item.substr(prefix.size()));
    at = end + 1;
  }
  return "";
}

}  // namespace

ChannelChoice ChooseChannel(const std::vector<CaseEvent>& events, Date as_of) {
  constexpr std::array<const char*, 3> kChannels{"sms", "phone", "email"};
  std::array<int, 3> tried{};
  std::array<int, 3> reached{};
  for (const CaseEvent& e : events) {
    if (e.kind != "contact" || e.date > as_of) continue;
    const std::string channel = DetailValue(e.detail, "channel");
    for (size_t i = 0; i < kChannels.size(); ++i) {
      if (channel != kChannels[i]) continue;
      ++tried[i];
      if (DetailValue(e.detail, "outcome") == "reached") ++reached[i];
    }
  }
  int best = -1;
  double best_rate = -1;
  for (size_t i = 0; i < kChannels.size(); ++i) {
    if (tried[i] == 0) continue;
    const double rate = static_cast<double>(reached[i]) / tried[i];
    if (rate > best_rate) {
      best_rate = rate;
      best = static_cast<int>(i);
    }
  }
  if (best < 0) return {"sms", "no contact history: default sms"};
  const size_t b = static_cast<size_t>(best);
  return {kChannels[b], "reached " + std::to_string(reached[b]) + " of " +
                            std::to_string(tried[b]) + " " + kChannels[b] + " attempts"};
}

std::string OutreachMessage(const OutreachFacts& f) {
  std::string text = "Hello " + (f.first_name.empty() ? std::string("there") : f.first_name) +
                     ", this is your child support office. Your support of " +
                     f.monthly_support.ToString() + " a month is coming due";
  if (f.arrears.is_positive()) text += ", and " + f.arrears.ToString() + " is past due";
  text +=
      ". If your work or income has changed, contact us now about a payment plan or a review "
      "of your order: we can help before a payment is missed.";
  if (f.channel == "phone") text = "Call script: " + text;
  return text;
}

double Priority(int risk_score, Money at_stake, std::optional<Date> deadline, Date today) {
  const int days = deadline ? std::max(1, DaysBetween(today, *deadline)) : 30;
  const double dollars = static_cast<double>(at_stake.cents()) / 100.0;
  return (risk_score / 100.0) * dollars * (30.0 / days);
}

void SortQueue(std::vector<Task>& tasks) {
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.created != b.created) return a.created < b.created;
    return a.id < b.id;
  });
}

}  // namespace cse::enforce
