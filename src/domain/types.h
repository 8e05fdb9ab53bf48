// File: domain/types.h
//
// The child support domain as plain values (no I/O): persons and their roles in IV-D cases,
// support orders with per-child terms, assistance episodes that drive assignment and URA,
// employers and employment, and collections (payments) with their reversal. Field meanings
// are in docs/glossary.md. Validation of untrusted input lives in domain/validate.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/ids.h"
#include "money/money.h"

namespace cse {

struct Address {
  std::string line1;
  std::string line2;
  std::string city;
  std::string state;   // USPS two-letter code
  std::string zip;     // 5 digits or ZIP+4 "12345-6789"
  std::string county;  // county name or FIPS, free text
};

// A person known to the agency. Roles are per case (the same person can be the obligor in one
// case and the obligee in another), so Person carries none.
struct Person {
  PersonId id;
  std::string ssn;  // nine digits, no dashes; empty when unknown
  std::string first_name;
  std::string middle_name;
  std::string last_name;
  std::optional<Date> date_of_birth;
  Address address;
};

enum class CaseRole { kObligor, kObligee, kChild };
enum class CaseType { kCurrentAssistance, kFormerAssistance, kNeverAssistance };
enum class CaseStatus { kOpen, kClosed };
enum class FamilyViolence { kNone, kIndicated };

// A IV-D case: one obligor (noncustodial parent), one obligee (custodial party), the children.
struct Case {
  CaseId id;
  PersonId obligor;
  PersonId obligee;
  std::vector<PersonId> children;
  // The family type as recorded today. Distribution uses the assistance episodes (below) as of
  // each collection's date, so history stays right after a family leaves assistance.
  CaseType type = CaseType::kNeverAssistance;
  CaseStatus status = CaseStatus::kOpen;
  FamilyViolence family_violence = FamilyViolence::kNone;
  Date opened;
  std::string county;
};

enum class ObligationType {
  kCurrentSupport,  // current child support
  kCashMedical,     // current cash medical support
  kArrearsPayback,  // scheduled payment toward arrears; its judgment (if any) is a one-time debt
};
enum class Frequency { kWeekly, kBiweekly, kSemimonthly, kMonthly };

// One child's share of an order; a child's term ends at emancipation (end_date inclusive).
struct ChildTerm {
  PersonId child;
  Money amount;
  std::optional<Date> end_date;
};

// A support order (one obligation of one type). A modification ends the old order (end_date)
// and starts a new one; accrual prorates the partial periods on both sides.
struct Order {
  OrderId id;
  CaseId case_id;
  ObligationType type = ObligationType::kCurrentSupport;
  Money amount;  // per period; when child_terms are given it equals their sum at the start
  Frequency frequency = Frequency::kMonthly;
  Date effective_date;
  std::optional<Date> end_date;  // inclusive
  std::vector<ChildTerm> child_terms;
  // kArrearsPayback only: arrears established by judgment, owed from effective_date.
  Money judgment;
  // Optional, both or neither, only with a judgment: the period in which the judged support
  // accrued (inclusive, ending on or before effective_date). It sets the judgment's arrears
  // buckets month by month (docs/ARCHITECTURE.md §5.2, FACTS §4.2); the judgment is still
  // owed from effective_date. Neither: the judgment is classified by effective_date.
  std::optional<Date> judgment_accrued_from;
  std::optional<Date> judgment_accrued_through;
};

// Periods in which the family received TANF (title IV-A) assistance. Each month touched by an
// episode adds `monthly_grant` to unreimbursed assistance (URA), once per case however many
// episodes touch it (ledger/engine.h, UraSchedule).
struct AssistanceEpisode {
  CaseId case_id;
  Date start_date;
  std::optional<Date> end_date;  // inclusive; open while assistance continues
  Money monthly_grant;
};

struct Employer {
  EmployerId id;
  std::string fein;  // nine digits
  std::string name;
  Address address;
};

enum class PayCycle { kWeekly, kBiweekly, kSemimonthly, kMonthly };
// Pay periods in a year: 52, 26, 24, 12.
int PayPeriodsPerYear(PayCycle cycle);

struct Employment {
  int64_t id = 0;
  PersonId person;
  EmployerId employer;
  Date start_date;
  std::optional<Date> end_date;
  PayCycle pay_cycle = PayCycle::kBiweekly;
  Money gross_per_period;
};

enum class PaymentSource { kWithholding, kDirect, kTaxOffset, kOther };

// A collection (payment) as received. It names one case; distribution spans all the obligor's
// cases, open or closed, since a closed case can still carry arrears (45 CFR 303.100(a)(5) for
// withholding; the same rule for every source here).
struct Collection {
  CollectionId id;
  std::string idempotency_key;
  CaseId case_id;
  PersonId obligor;
  Money amount;
  Date date;  // date received
  PaymentSource source = PaymentSource::kDirect;
  std::optional<Date> reversed_date;  // returned / NSF
  std::string reversal_reason;
};

// A dated, observable event in a person's case history that is not a ledger input: a
// new-hire report, a withholding order sent or ended, an enforcement notice and its outcome,
// a move. Kinds are stable lower-case codes listed in docs/glossary.md ("Case events").
struct CaseEvent {
  int64_t id = 0;
  PersonId person;
  CaseId case_id;  // 0 when the event concerns the person in all their cases
  Date date;
  std::string kind;
  std::string detail;  // short text, "key=value" pairs separated by spaces
};

// Economic conditions of a county in a month (simulated, or loaded from labor statistics).
struct CountyEconomy {
  std::string county;
  Date month;                       // first day of the month
  int32_t economic_index = 10'000;  // hundredths: 10,000 = 100.00, the long-run baseline
  int32_t unemployment_bps = 0;     // unemployment rate in basis points (550 = 5.50%)
};

// Stable lower-case names used in the CLI, JSON, CSV and the database.
std::string_view Name(CaseRole v);
std::string_view Name(CaseType v);
std::string_view Name(CaseStatus v);
std::string_view Name(ObligationType v);
std::string_view Name(Frequency v);
std::string_view Name(PaymentSource v);
std::string_view Name(PayCycle v);
// Parsers for the same names; errors name the field and list the accepted values.
Result<CaseRole> ParseCaseRole(std::string_view text);
Result<CaseType> ParseCaseType(std::string_view text);
Result<CaseStatus> ParseCaseStatus(std::string_view text);
Result<ObligationType> ParseObligationType(std::string_view text);
Result<Frequency> ParseFrequency(std::string_view text);
Result<PaymentSource> ParsePaymentSource(std::string_view text);
Result<PayCycle> ParsePayCycle(std::string_view text);

// Display ids.
inline std::string CaseDisplayId(CaseId id) { return FormatDisplayId("CASE", id.value); }
inline std::string PersonDisplayId(PersonId id) { return FormatDisplayId("PRS", id.value); }
inline std::string OrderDisplayId(OrderId id) { return FormatDisplayId("ORD", id.value); }

}  // namespace cse
