#include "domain/validate.h"

#include <set>
#include <string>

#include "core/limits.h"
#include "core/text.h"

namespace cse {
Status ValidateText(std::string_view field, std::string_view value, const TextRule& rule) {
  const std::string name(field);
  if (rule.required && IsBlank(value)) {
    return InvalidArgument(std::string(rule.missing_code), name + " is required");
  }
  if (const size_t bad = FirstInvalidUtf8(value); bad != value.size()) {
    return InvalidArgument("text_invalid_utf8",
                           name + " is not valid UTF-8 (byte " + std::to_string(bad + 1) + ")");
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return InvalidArgument("text_invalid_char", name + " contains a control character");
    }
  }
  // C1 (NEL), line separators and bidirectional controls forge or reorder a line where the
  // text is shown, as a line break would (QA: a decision reason with U+0085 was stored).
  if (const CodePointAtOffset bad = FirstLineForgingControl(value); bad.offset != value.size()) {
    return InvalidArgument("text_invalid_char", name + " contains the control character " +
                                                    CodePointName(bad.cp) + " at byte " +
                                                    std::to_string(bad.offset + 1));
  }
  if (const int64_t chars = CharacterCount(value); chars > rule.max_chars) {
    return InvalidArgument("text_too_long", name + " has " + std::to_string(chars) +
                                                " characters; at most " +
                                                std::to_string(rule.max_chars));
  }
  return Status::Ok();
}

Status ValidateStateCode(std::string_view field, std::string_view value) {
  if (value.empty()) return Status::Ok();
  const auto letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (value.size() != 2 || !letter(value[0]) || !letter(value[1])) {
    return InvalidArgument("state_malformed", std::string(field) + " '" +
                                                  std::string(TruncateUtf8(value, 20)) +
                                                  "' must be a two-letter USPS code (OH)");
  }
  return Status::Ok();
}

Status ValidateZip(std::string_view field, std::string_view value) {
  if (value.empty()) return Status::Ok();
  bool ok = value.size() == 5 || (value.size() == 10 && value[5] == '-');
  for (size_t i = 0; ok && i < value.size(); ++i) {
    ok = i == 5 ? value[i] == '-' : value[i] >= '0' && value[i] <= '9';
  }
  if (!ok) {
    return InvalidArgument("zip_malformed", std::string(field) + " '" +
                                                std::string(TruncateUtf8(value, 20)) +
                                                "' must be five digits or ZIP+4 (12345-6789)");
  }
  return Status::Ok();
}

Status ValidateAddress(std::string_view prefix, const Address& a) {
  const std::string p = std::string(prefix) + ".";
  RETURN_IF_ERROR(ValidateText(p + "line1", a.line1));
  RETURN_IF_ERROR(ValidateText(p + "line2", a.line2));
  RETURN_IF_ERROR(ValidateText(p + "city", a.city));
  RETURN_IF_ERROR(ValidateText(p + "county", a.county));
  RETURN_IF_ERROR(ValidateStateCode(p + "state", a.state));
  return ValidateZip(p + "zip", a.zip);
}

Status ValidateSsn(std::string_view ssn) {
  if (ssn.size() != 9) {
    return InvalidArgument("ssn_malformed",
                           "SSN '" + std::string(ssn) + "' must be exactly nine digits");
  }
  for (char c : ssn) {
    if (c < '0' || c > '9') {
      return InvalidArgument("ssn_malformed",
                             "SSN '" + std::string(ssn) + "' must be exactly nine digits");
    }
  }
  const std::string_view area = ssn.substr(0, 3);
  if (area == "000" || area == "666" || ssn.substr(3, 2) == "00" || ssn.substr(5, 4) == "0000") {
    return InvalidArgument("ssn_invalid", "SSN '" + std::string(ssn) +
                                              "' has an area, group or serial that is never "
                                              "issued (000/666 area, 00 group, 0000 serial)");
  }
  return Status::Ok();
}

Status ValidatePerson(const Person& p, Date today) {
  RETURN_IF_ERROR(ValidateText("first_name", p.first_name, {.required = true}));
  RETURN_IF_ERROR(ValidateText("last_name", p.last_name, {.required = true}));
  RETURN_IF_ERROR(ValidateText("middle_name", p.middle_name));
  RETURN_IF_ERROR(ValidateAddress("address", p.address));
  if (!p.ssn.empty()) RETURN_IF_ERROR(ValidateSsn(p.ssn));
  if (p.date_of_birth && *p.date_of_birth > today) {
    return InvalidArgument("dob_in_future", "date of birth " + p.date_of_birth->ToString() +
                                                " is after today " + today.ToString());
  }
  return Status::Ok();
}

Status ValidateCaseParties(const Case& c) {
  if (c.obligor == c.obligee) {
    return InvalidArgument("case_same_party",
                           "the obligor and the obligee must be different "
                           "persons");
  }
  std::set<int64_t> seen;
  for (PersonId child : c.children) {
    if (child == c.obligor || child == c.obligee) {
      return InvalidArgument("case_child_is_parent",
                             PersonDisplayId(child) + " cannot be a child and a party");
    }
    if (!seen.insert(child.value).second) {
      return InvalidArgument("case_duplicate_child",
                             PersonDisplayId(child) + " is listed twice as a child");
    }
  }
  return Status::Ok();
}

namespace {

// The accrual period of a judgment (Order::judgment_accrued_from/through).
Status ValidateJudgmentPeriod(const Order& o) {
  const auto& from = o.judgment_accrued_from;
  const auto& through = o.judgment_accrued_through;
  if (!from && !through) return Status::Ok();
  if (!from || !through) {
    return InvalidArgument(
        "order_judgment_period_incomplete",
        std::string("judgment accrual period: ") +
            (from ? "accrued_from " + from->ToString() + " has no accrued_through"
                  : "accrued_through " + through->ToString() + " has no accrued_from") +
            "; give both dates or neither");
  }
  if (!o.judgment.is_positive()) {
    return InvalidArgument("order_judgment_period_without_judgment",
                           "a judgment accrual period (" + from->ToString() + " to " +
                               through->ToString() + ") needs a judgment amount greater than zero");
  }
  if (*from > *through) {
    return InvalidArgument("order_judgment_period_reversed",
                           "judgment accrued_from " + from->ToString() +
                               " is after accrued_through " + through->ToString());
  }
  if (*through > o.effective_date) {
    return InvalidArgument("order_judgment_period_after_effective",
                           "judgment accrued_through " + through->ToString() +
                               " is after the order's effective date " +
                               o.effective_date.ToString() +
                               "; a judgment covers support that accrued before it");
  }
  const int months = through->MonthIndex() - from->MonthIndex() + 1;
  if (months > kJudgmentAccrualMonthsMax) {
    return InvalidArgument("order_judgment_period_too_long",
                           "judgment accrual period " + from->ToString() + " to " +
                               through->ToString() + " touches " + std::to_string(months) +
                               " months; at most " + std::to_string(kJudgmentAccrualMonthsMax));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateOrder(const Order& o) {
  if (o.type != ObligationType::kArrearsPayback && !o.judgment.is_zero()) {
    return InvalidArgument("order_judgment_invalid",
                           "a judgment amount is only allowed on an arrears_payback order");
  }
  if (o.judgment.is_negative()) {
    return InvalidArgument("order_judgment_invalid",
                           "judgment " + o.judgment.ToString() + " must not be negative");
  }
  RETURN_IF_ERROR(ValidateJudgmentPeriod(o));
  if (!o.amount.is_positive()) {
    return InvalidArgument("order_amount_invalid",
                           "order amount " + o.amount.ToString() + " must be greater than zero");
  }
  if (o.end_date && *o.end_date < o.effective_date) {
    return InvalidArgument("order_end_before_start", "order ends " + o.end_date->ToString() +
                                                         " before it starts " +
                                                         o.effective_date.ToString());
  }
  if (!o.child_terms.empty()) {
    Money sum;
    for (size_t i = 0; i < o.child_terms.size(); ++i) {
      const ChildTerm& t = o.child_terms[i];
      for (size_t j = 0; j < i; ++j) {
        if (o.child_terms[j].child == t.child) {
          return InvalidArgument(
              "order_duplicate_child",
              PersonDisplayId(t.child) + " has more than one child term; give each child once");
        }
      }
      if (!t.amount.is_positive()) {
        return InvalidArgument(
            "order_child_term_invalid",
            "child term for " + PersonDisplayId(t.child) + " must be greater than zero");
      }
      if (t.end_date && *t.end_date < o.effective_date) {
        return InvalidArgument("order_child_term_invalid",
                               "child term for " + PersonDisplayId(t.child) + " ends " +
                                   t.end_date->ToString() + " before the order starts");
      }
      sum += t.amount;
    }
    if (sum != o.amount) {
      return InvalidArgument("order_child_terms_mismatch",
                             "child terms add up to " + sum.ToString() +
                                 " but the order amount is " + o.amount.ToString());
    }
  }
  return Status::Ok();
}

Status ValidateAssistance(const AssistanceEpisode& e) {
  if (!e.monthly_grant.is_positive()) {
    return InvalidArgument(
        "assistance_grant_invalid",
        "monthly grant " + e.monthly_grant.ToString() + " must be greater than zero");
  }
  if (e.end_date && *e.end_date < e.start_date) {
    return InvalidArgument("assistance_end_before_start",
                           "assistance ends " + e.end_date->ToString() + " before it starts " +
                               e.start_date.ToString());
  }
  return Status::Ok();
}

Status ValidateCaseEvent(const CaseEvent& e, Date today) {
  bool kind_ok = !e.kind.empty() && e.kind.size() <= 40;
  for (char c : e.kind) kind_ok = kind_ok && ((c >= 'a' && c <= 'z') || c == '_');
  if (!kind_ok) {
    return InvalidArgument("event_kind_invalid",
                           "event kind '" + e.kind + "' must be 1-40 lower-case letters or '_'");
  }
  RETURN_IF_ERROR(ValidateText("detail", e.detail));
  if (e.date > today) {
    return InvalidArgument("date_in_future", "event date " + e.date.ToString() +
                                                 " is after today " + today.ToString());
  }
  return Status::Ok();
}

Status ValidateNotAfterToday(std::string_view what, Date date, Date today, std::string_view why) {
  if (date <= today) return Status::Ok();
  return InvalidArgument("date_in_future", std::string(what) + ": " + date.ToString() +
                                               " is after today (" + today.ToString() + "); " +
                                               std::string(why));
}

Status ValidateLedgerAsOf(std::string_view what, Date as_of, Date today) {
  return ValidateNotAfterToday(what, as_of, today,
                               "a ledger shows support due up to a day that has begun, and "
                               "support due later is not yet owed");
}

Status ValidateIdempotencyKey(std::string_view key) {
  if (key.empty()) return InvalidArgument("key_missing", "an idempotency key is required");
  if (static_cast<int64_t>(key.size()) > limits::kIdempotencyKeyLengthMax) {
    return InvalidArgument("key_too_long", "idempotency key has " + std::to_string(key.size()) +
                                               " characters; at most " +
                                               std::to_string(limits::kIdempotencyKeyLengthMax));
  }
  for (char c : key) {
    if (c <= ' ' || c > '~' || c == ',' || c == '"') {
      return InvalidArgument("key_invalid_char",
                             "idempotency key '" + std::string(key) +
                                 "' may hold printable ASCII only, without spaces, commas or "
                                 "quotes");
    }
  }
  return Status::Ok();
}

}  // namespace cse
