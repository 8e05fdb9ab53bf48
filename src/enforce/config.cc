#include "enforce/config.h"

#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <vector>

namespace cse::enforce {
namespace {

Money Dollars(int64_t d) { return Money::FromCents(d * 100); }

std::string Trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// The line up to a '#' that is not inside a quoted string.
std::string StripComment(const std::string& line) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == '#' && !quoted) return line.substr(0, i);
  }
  return line;
}

// A value as written: kind and text (strings unquoted).
struct Value {
  enum class Kind { kInt, kBool, kString } kind = Kind::kString;
  std::string text;
  int64_t number = 0;
  bool flag = false;
};

Status BadValue(const std::string& key, const Value& v, std::string_view expected) {
  return InvalidArgument("config_value_invalid", "key '" + key + "': value '" + v.text +
                                                     "' is not " + std::string(expected));
}

Result<Value> ParseValue(const std::string& key, const std::string& raw, int line) {
  Value v;
  v.text = raw;
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    v.kind = Value::Kind::kString;
    v.text = raw.substr(1, raw.size() - 2);
    if (v.text.find('"') != std::string::npos) {
      return InvalidArgument("config_syntax", "line " + std::to_string(line) + ", key '" + key +
                                                  "': a string may not contain a quote");
    }
    return v;
  }
  if (raw == "true" || raw == "false") {
    v.kind = Value::Kind::kBool;
    v.flag = raw == "true";
    return v;
  }
  int64_t n = 0;
  const char* end = raw.data() + raw.size();
  auto [p, ec] = std::from_chars(raw.data(), end, n);
  if (ec == std::errc() && p == end && !raw.empty()) {
    v.kind = Value::Kind::kInt;
    v.number = n;
    return v;
  }
  return InvalidArgument("config_syntax", "line " + std::to_string(line) + ", key '" + key +
                                              "': value '" + raw +
                                              "' is not an integer, true/false or a quoted string");
}

using Setter = std::function<Status(const std::string& key, const Value& v, EnforcementConfig&)>;

Setter IntIn(int lo, int hi, std::function<int&(EnforcementConfig&)> field) {
  return [=](const std::string& key, const Value& v, EnforcementConfig& c) -> Status {
    if (v.kind != Value::Kind::kInt || v.number < lo || v.number > hi) {
      return BadValue(key, v,
                      "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    field(c) = static_cast<int>(v.number);
    return Status::Ok();
  };
}

Setter Bool(std::function<bool&(EnforcementConfig&)> field) {
  return [=](const std::string& key, const Value& v, EnforcementConfig& c) -> Status {
    if (v.kind != Value::Kind::kBool) return BadValue(key, v, "true or false");
    field(c) = v.flag;
    return Status::Ok();
  };
}

Setter MoneyField(std::function<std::optional<Money>&(EnforcementConfig&)> field) {
  return [=](const std::string& key, const Value& v, EnforcementConfig& c) -> Status {
    if (v.kind != Value::Kind::kString) return BadValue(key, v, "a quoted amount like \"150.00\"");
    auto m = ParseMoney(v.text, SignPolicy::kNonNegative);
    if (!m.ok()) return BadValue(key, v, "an amount: " + m.status().message());
    field(c) = *m;
    return Status::Ok();
  };
}

std::map<std::string, Setter> Setters() {
  std::map<std::string, Setter> s;
  for (Remedy r : AllRemedies()) {
    const std::string p = "remedy." + std::string(Name(r)) + ".";
    s[p + "enabled"] = Bool([r](EnforcementConfig& c) -> bool& { return c.rule(r).enabled; });
    s[p + "ai_recommendations"] =
        Bool([r](EnforcementConfig& c) -> bool& { return c.rule(r).ai_recommendations; });
    s[p + "arrears_at_least"] = MoneyField(
        [r](EnforcementConfig& c) -> std::optional<Money>& { return c.rule(r).arrears_at_least; });
    s[p + "arrears_more_than"] = MoneyField(
        [r](EnforcementConfig& c) -> std::optional<Money>& { return c.rule(r).arrears_more_than; });
    s[p + "arrears_months_at_least"] = IntIn(
        0, 120, [r](EnforcementConfig& c) -> int& { return c.rule(r).arrears_months_at_least; });
    s[p + "days_since_payment_at_least"] = IntIn(0, 3650, [r](EnforcementConfig& c) -> int& {
      return c.rule(r).days_since_payment_at_least;
    });
    s[p + "notice_required"] =
        Bool([r](EnforcementConfig& c) -> bool& { return c.rule(r).notice_required; });
    s[p + "contest_days"] =
        IntIn(0, 365, [r](EnforcementConfig& c) -> int& { return c.rule(r).contest_days; });
    s[p + "service_of_process"] =
        Bool([r](EnforcementConfig& c) -> bool& { return c.rule(r).service_of_process; });
  }
  const std::string t = "remedy.tax_offset.";
  s[t + "assigned_at_least"] = MoneyField([](EnforcementConfig& c) -> std::optional<Money>& {
    return c.rule(Remedy::kTaxOffset).assigned_at_least;
  });
  s[t + "non_assigned_at_least"] = MoneyField([](EnforcementConfig& c) -> std::optional<Money>& {
    return c.rule(Remedy::kTaxOffset).non_assigned_at_least;
  });
  const auto w = [&](const char* key, int lo, int hi, int WorkflowConfig::*field) {
    s[std::string("workflow.") + key] =
        IntIn(lo, hi, [field](EnforcementConfig& c) -> int& { return c.workflow.*field; });
  };
  w("outreach_risk_above", 1, 99, &WorkflowConfig::outreach_risk_above);
  w("follow_up_days", 1, 90, &WorkflowConfig::follow_up_days);
  w("effect_window_days", 7, 365, &WorkflowConfig::effect_window_days);
  w("max_recommendations", 1, kRemedyCount, &WorkflowConfig::max_recommendations);
  w("enforcement_days", 1, 365, &WorkflowConfig::enforcement_days);
  w("service_of_process_days", 1, 365, &WorkflowConfig::service_of_process_days);
  w("admin_review_days", 1, 365, &WorkflowConfig::admin_review_days);
  w("alert_before_days", 0, 60, &WorkflowConfig::alert_before_days);
  w("order_review_months", 1, 120, &WorkflowConfig::order_review_months);
  w("dismissal_cooling_off_days", 0, kDismissalCoolingOffDaysMax,
    &WorkflowConfig::dismissal_cooling_off_days);
  return s;
}

std::string KnownSections() {
  std::string out = "[workflow]";
  for (Remedy r : AllRemedies()) out += ", [remedy." + std::string(Name(r)) + "]";
  return out;
}

}  // namespace

std::array<RemedyRule, kRemedyCount> EnforcementConfig::DefaultRules() {
  std::array<RemedyRule, kRemedyCount> a{};
  const auto at = [&](Remedy r) -> RemedyRule& { return a[static_cast<size_t>(r)]; };
  at(Remedy::kPaymentPlanOffer).arrears_at_least = Money::FromCents(1);
  // 45 CFR 303.72(a)(2),(3); FACTS §5 [SOURCED]. Contest window: the Pre-Offset Notice; 30
  // days is the passport forwarding delay after that notice (FACTS §5), used for all three.
  at(Remedy::kTaxOffset).assigned_at_least = Dollars(150);
  at(Remedy::kTaxOffset).non_assigned_at_least = Dollars(500);
  at(Remedy::kTaxOffset).notice_required = true;
  at(Remedy::kTaxOffset).contest_days = 30;
  at(Remedy::kAdminOffset).arrears_at_least = Dollars(25);  // FACTS §5 [SOURCED]
  at(Remedy::kAdminOffset).notice_required = true;
  at(Remedy::kAdminOffset).contest_days = 30;
  at(Remedy::kPassportDenial).arrears_more_than = Dollars(2'500);  // 42 USC 652(k) [SOURCED]
  at(Remedy::kPassportDenial).notice_required = true;
  at(Remedy::kPassportDenial).contest_days = 30;
  // 42 USC 666(a)(7): notice and a chance to contest; no federal threshold or period. The 7
  // days are Arkansas's (FACTS §5), a state example standing in until the state file says.
  at(Remedy::kCreditBureau).notice_required = true;
  at(Remedy::kCreditBureau).contest_days = 7;
  // Thresholds the federal rules leave to the states [NOT FOUND as federal numbers]: off until
  // the state file enables them with its own values.
  for (Remedy r : {Remedy::kBankLevy, Remedy::kPropertyLien, Remedy::kLicenseSuspension,
                   Remedy::kContemptReferral}) {
    at(r).enabled = false;
    at(r).notice_required = true;
  }
  at(Remedy::kContemptReferral).service_of_process = true;
  return a;
}

namespace {

// The federal floors a state file may raise but never lower (FACTS §5): the offset and
// passport thresholds, the Pre-Offset Notice with its 30 days before OCSE forwards, and
// notice before credit reporting (42 USC 666(a)(7): due process first). A state may still
// turn a remedy off (`enabled = false`).
Status CheckFederalFloors(const EnforcementConfig& c) {
  const auto below = [](const std::string& key, const std::string& value,
                        const std::string& floor) {
    return InvalidArgument("config_below_federal_minimum",
                           "key '" + key + "' = " + value + " is below the federal minimum " +
                               floor + " (FACTS §5); a state may raise it or turn the remedy off");
  };
  const auto money_floor = [&](Remedy r, const char* field, const std::optional<Money>& v,
                               int64_t dollars) -> Status {
    const std::string key = "remedy." + std::string(Name(r)) + "." + field;
    const Money floor = Money::FromCents(dollars * 100);
    if (!v) return below(key, "(unset)", floor.ToString());
    if (*v < floor) return below(key, v->ToString(), floor.ToString());
    return Status::Ok();
  };
  const RemedyRule& tax = c.rule(Remedy::kTaxOffset);
  if (tax.enabled) {
    RETURN_IF_ERROR(
        money_floor(Remedy::kTaxOffset, "assigned_at_least", tax.assigned_at_least, 150));
    RETURN_IF_ERROR(
        money_floor(Remedy::kTaxOffset, "non_assigned_at_least", tax.non_assigned_at_least, 500));
  }
  const RemedyRule& admin = c.rule(Remedy::kAdminOffset);
  if (admin.enabled) {
    RETURN_IF_ERROR(
        money_floor(Remedy::kAdminOffset, "arrears_at_least", admin.arrears_at_least, 25));
  }
  const RemedyRule& passport = c.rule(Remedy::kPassportDenial);
  if (passport.enabled) {
    RETURN_IF_ERROR(money_floor(Remedy::kPassportDenial, "arrears_more_than",
                                passport.arrears_more_than, 2'500));
  }
  for (Remedy r :
       {Remedy::kTaxOffset, Remedy::kAdminOffset, Remedy::kPassportDenial, Remedy::kCreditBureau}) {
    const RemedyRule& rule = c.rule(r);
    if (!rule.enabled) continue;
    const std::string prefix = "remedy." + std::string(Name(r)) + ".";
    if (!rule.notice_required) {
      return below(prefix + "notice_required", "false", "true (a notice before the remedy)");
    }
    const int days = r == Remedy::kCreditBureau ? 1 : 30;
    if (rule.contest_days < days) {
      return below(prefix + "contest_days", std::to_string(rule.contest_days),
                   std::to_string(days) + " days");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<EnforcementConfig> ParseEnforcementConfig(std::string_view text) {
  static const std::map<std::string, Setter> kSetters = Setters();
  EnforcementConfig config;
  std::string section;
  std::set<std::string> seen;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t nl = text.find('\n', pos);
    const std::string_view raw =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    std::string line = Trim(raw);
    line = Trim(StripComment(line));
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        return InvalidArgument("config_syntax",
                               "line " + std::to_string(line_no) + ": a section header is [name]");
      }
      section = Trim(line.substr(1, line.size() - 2));
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string::npos) {
      return InvalidArgument("config_syntax",
                             "line " + std::to_string(line_no) + ": expected key = value");
    }
    const std::string key = (section.empty() ? "" : section + ".") + Trim(line.substr(0, eq));
    auto it = kSetters.find(key);
    if (it == kSetters.end()) {
      return InvalidArgument("config_key_unknown", "line " + std::to_string(line_no) + ": key '" +
                                                       key + "' is not known; sections are " +
                                                       KnownSections() +
                                                       " (docs/ENFORCEMENT.md lists every key)");
    }
    if (!seen.insert(key).second) {
      return InvalidArgument("config_key_repeated", "line " + std::to_string(line_no) + ": key '" +
                                                        key + "' is set twice");
    }
    ASSIGN_OR_RETURN(Value v, ParseValue(key, Trim(line.substr(eq + 1)), line_no));
    RETURN_IF_ERROR(it->second(key, v, config));
  }
  RETURN_IF_ERROR(CheckFederalFloors(config));
  return config;
}

}  // namespace cse::enforce
