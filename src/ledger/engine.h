// File: ledger/engine.h
//
// The ledger engine: for one obligor, accrues every order of every case, distributes each
// collection under 42 USC 657 (FACTS §4) and reports balances and arrears by bucket as of any
// date. It is pure: the same book and collections give the same result to the cent, which
// is what makes reversals, backdated postings and audit replay exact.
//
// Distribution of one collection dated D (docs/ARCHITECTURE.md "Distribution"):
//  1. Current support (debts due in D's month; not for tax offsets): prorated across the
//     obligor's cases by each case's current support due (largest remainder, ties to the
//     oldest case); within a case child support before cash medical. Assigned while the case
//     receives assistance on D (retained up to URA), otherwise paid to the family.
//  2. Arrears (debts due before D's month, and judgments): prorated across cases by each
//     case's arrears; within a case by bucket, oldest debt first:
//       receiving assistance on D:  temporarily, permanently, conditionally assigned, then
//                                   unassigned, never assigned (Ariz. R6-7-704 order);
//       not receiving assistance:   never assigned, unassigned, conditionally assigned,
//                                   permanently assigned (657(a)(2)(B): family first).
//     Federal tax offsets pay arrears only: first the assigned arrears (permanently,
//     temporarily and conditionally assigned) across all cases, retained up to URA with any
//     excess to the family, then the family's never-assigned and unassigned arrears; the
//     other way round under the family-first election.
//  3. Whatever is left is held (overpayment / future support) with the collection. Under the
//     state's futures rule (ledger/policy.h FuturesRule) held money that is future support is
//     applied at the start of each later month as if received that day (steps 1 and 2, never
//     as a tax offset), oldest held money first, before anything else dated in that month.
// A case closed on D (CaseBook::closed; 45 CFR 303.11) takes no part in steps 1 and 2: it
// accrues nothing while closed and the money goes to the obligor's open cases, or is held.
// Money applied to an assigned debt is retained by the government up to the case's URA and
// split into the federal share (FMAP) and the state share; any excess goes to the family. The
// split rounds cumulatively per case: the federal total equals round(total retained x FMAP).
// Permanently assigned arrears above URA are reported, and paid, as unassigned.
// Pass-through (optional; ledger/policy.h, 42 USC 657(a)(6)): of the current support that a case
// on assistance would retain (the part within its URA balance), up to the month's limit goes to
// the family instead, on lines marked pass_through. It is not retained: it does not reduce the
// URA balance and no federal or state share is taken from it. The limit is per case and per
// calendar month of the support paid (PassThroughChildren picks the one-child or the
// two-or-more-children limit).
//
// A debt's bucket follows when its support accrued: its due date, or, for a judgment with an
// accrual period, each month's slice of the period (ledger/accrual.h), counted as accrued
// during assistance when any of its days falls in an episode (FACTS §4.2). The slices stay
// due on the judgment's effective date; balances list them, and a collection's lines show
// them, as one debt per bucket.
//
// Delinquency (CaseBalance::delinquent; FACTS §8, 45 CFR 303.6(b): unpaid support equal to one
// month's support). A case is delinquent when its overdue support is positive and at least its
// monthly support. Overdue = arrears_total + the unpaid part of each debt of the current month
// (due in as_of's month on or before as_of, not a judgment) whose next period has begun by
// as_of, under the order's own period layout (ledger/accrual.h): the day after the debt's
// period_end is on or before as_of (weekly: due D, from D+7; biweekly: from D+14; semimonthly:
// the 1st-15th from the 16th, the 16th-last day never within its month; monthly: never within
// its month, so monthly support counts only once it is arrears, as before 2026-12-05). A debt
// of an order that has ended counts the same way, from its period's end. Current support whose
// next period has not begun does not count: a monthly payer paid by withholding later in the
// month is not delinquent between the 1st and payday.
//
// Thread-safety: an ObligorLedger is not thread-safe; distinct objects are independent.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/status.h"
#include "domain/types.h"
#include "ledger/accrual.h"
#include "ledger/policy.h"

namespace cse {

enum class Bucket {
  kNeverAssigned,
  kUnassigned,
  kTemporarilyAssigned,
  kConditionallyAssigned,
  kPermanentlyAssigned,
};
inline constexpr int kBucketCount = 5;
std::string_view Name(Bucket b);

enum class AppliedAs { kCurrent, kArrears, kHeld };
enum class Payee { kFamily, kState, kFederal, kHeld };
std::string_view Name(AppliedAs v);
std::string_view Name(Payee v);

// One slice of a collection: which debt it paid and who receives it.
struct DistributionLine {
  CaseId case_id;
  AppliedAs applied_as = AppliedAs::kCurrent;
  ObligationType type = ObligationType::kCurrentSupport;
  Date due_date;                           // of the debt paid; the collection date for held money
  Bucket bucket = Bucket::kNeverAssigned;  // for current support: assigned or never assigned
  Payee payee = Payee::kFamily;
  Money amount;
  // Family money passed through under 42 USC 657(a)(6) (payee kFamily, current support of a
  // case on assistance): assigned support the state chose not to retain, reported apart from
  // the family's own money on federal forms. False on every other line.
  bool pass_through = false;
  friend bool operator==(const DistributionLine&, const DistributionLine&) = default;
};

struct Distribution {
  CollectionId collection_id;
  std::vector<DistributionLine> lines;
  Money to_family;
  Money to_state;
  Money to_federal;
  Money held;
  friend bool operator==(const Distribution&, const Distribution&) = default;
};

// Appends `line` to `out` and adds it to its payee's total; a zero line is left out.
void AddDistributionLine(Distribution& out, const DistributionLine& line);

// The part of `d.to_family` passed through (its lines marked pass_through).
Money PassedThrough(const Distribution& d);

// Held money applied as future support: the part of collection `from`'s held money that
// paid support on `date`, the first day of a month after the collection's.
struct FuturesApplication {
  CollectionId from;
  Date date;
  Distribution distribution;  // collection_id == from; never a held line
  friend bool operator==(const FuturesApplication&, const FuturesApplication&) = default;
};

// The unreimbursed assistance (URA) a case has been granted: the cap on what the federal and
// state governments may retain (FACTS §4.1, 42 USC 657(a)(3); docs/ARCHITECTURE.md §5.3).
//
// Rule: each calendar month touched by an assistance episode, up to and including the month of
// the date in question, adds one grant, once per case, however many episodes touch it (an
// episode that starts or ends mid-month still counts the month in full). When episodes with
// different grants touch the same month (a mid-month grant change), that month counts the
// SMALLEST of their grants, because it is the only choice that never exceeds what the family
// was paid for the month: whether the agency paid the old grant, the new one, or a proration
// of the two, it paid at least the smaller one. (The larger grant overstates a mid-month
// increase paid from the next month; the grant in effect at month end overstates the same
// increase.) The month's grant is taken over every episode touching the month, including one
// that starts later in the month than the date in question, so the URA granted never falls as
// the date moves forward and what was retained on an earlier date never exceeds it.
//
// Thread-safety: value type; const methods may be called concurrently.
class UraSchedule {
 public:
  UraSchedule() = default;
  // Episodes ending before they start are ignored (validation rejects them).
  explicit UraSchedule(const std::vector<AssistanceEpisode>& episodes);

  // URA granted through `d`: the grants of the months before d's month, plus d's month when an
  // episode touching it has started on or before `d`.
  Money GrantedThrough(Date d) const;

 private:
  // Consecutive calendar months [first_month, last_month] (Date::MonthIndex) with one grant.
  struct Span {
    int first_month = 0;
    int last_month = 0;
    Money grant;
  };
  std::vector<Span> spans_;  // disjoint, ascending
  std::vector<AssistanceEpisode> episodes_;
};

// Everything the engine needs about one case.
struct CaseBook {
  Case info;
  std::vector<Order> orders;
  std::vector<AssistanceEpisode> episodes;
  // The days the case is closed (ClosedSpans), ascending and disjoint: nothing accrues on them
  // (ledger/accrual.h) and no collection is distributed to the case (docs/ARCHITECTURE.md §5.6).
  std::vector<DateSpan> closed;
};

// Case events that open and end a closed period (service/case_closure.cc).
inline constexpr std::string_view kCaseClosedEvent = "case_closed";
inline constexpr std::string_view kCaseReopenedEvent = "case_reopened";

// The days a case is closed, from its events in (date, id) order: each case_closed day through
// the day before the case_reopened that follows it, or open-ended (MaxDate) while it stays
// closed. Other kinds are ignored, as is a reopening without a closing before it; a case
// reopened on the day it closed has no closed day.
std::vector<DateSpan> ClosedSpans(std::span<const CaseEvent> events);

// Whether `d` lies in one of `book.closed`.
bool ClosedOn(const CaseBook& book, Date d);
// Whether the case is open on `d`: by its closed days, or by its status when it has none (a
// case closed with no case_closed event, which no command writes, reads closed).
bool OpenOn(const CaseBook& book, Date d);

// The closed period that holds `d`, for a case with `status` and closed days `closed`
// (ClosedSpans, ascending and disjoint): the span of `closed` holding d; for a closed case
// with no closed days (OpenOn), {MinDate(), MaxDate()}; nothing when the case is open on d.
std::optional<DateSpan> ClosedPeriodOn(CaseStatus status, std::span<const DateSpan> closed, Date d);

// Whether case `id` takes a payment dated `d`, or is scored as of `d` (docs/ARCHITECTURE.md
// §5.6): decided by the day, not by today's status. OK when ClosedPeriodOn finds no period;
// otherwise failed_precondition "case_closed" naming the period and `d` (`what` names the
// date, e.g. "the payment date"): "CASE-000042 was closed from 2026-03-16 to 2026-06-29: the
// payment date 2026-04-10 falls in that period", "CASE-000042 is closed since 2026-03-16: the
// payment date 2026-04-10 is on or after its closing day", or for a case closed with no closed
// days "CASE-000042 is closed".
Status CheckOpenOn(CaseId id, CaseStatus status, std::span<const DateSpan> closed, Date d,
                   std::string_view what);

// How many of the case's children (Case::children) count for the pass-through limit of the
// calendar month starting `month_start`: every child on the case except one whose child terms
// (on the case's orders) all ended before that day (emancipated, or on an order that ended or
// was replaced: a term ends no later than its order's end_date). A child with no term counts.
// Fewer than two means the one-child limit (a case with no child listed included).
int PassThroughChildren(const CaseBook& book, Date month_start);

// One debt as of a snapshot date.
struct DebtView {
  Debt debt;
  Money paid;     // by collections applied so far
  Bucket bucket;  // classification as of the snapshot date (arrears only)
  bool arrears = false;
};

struct CaseBalance {
  CaseId case_id;
  Date as_of;
  Money accrued;      // debts due on or before as_of
  Money paid;         // applied to those debts
  Money current_due;  // debts due in as_of's month up to as_of
  Money current_unpaid;
  Money prepaid;        // applied to debts due after as_of
  Money arrears_total;  // unpaid debts due before as_of's month, and judgments
  // arrears_total plus what is unpaid on current_due's debts whose next period has begun by
  // as_of (see "Delinquency" above): support still owed when the following period fell due.
  Money overdue;
  Money arrears_by_bucket[kBucketCount];
  Money arrears_over_age_flag;  // unpaid on debts due more than arrears_age_flag_days ago
  std::optional<Date> arrears_oldest_due;
  Money monthly_support;  // monthly equivalent of orders in effect on as_of
  // overdue > 0 and overdue >= monthly_support: unpaid support equal to one month's support
  // (45 CFR 303.6), measured against the most monthly support in effect on a day of as_of's
  // month up to as_of (DelinquencyThreshold). False while the case is closed.
  bool delinquent = false;
  Money ura_granted;
  Money ura_retained;
  Money ura_balance;
  Money collected;  // collections (net of reversals) credited to this case's debts
  Money to_family;  // passed_through included
  Money to_state;
  Money to_federal;
  Money passed_through;  // of to_family, passed through (42 USC 657(a)(6)); 0 without the option
  // Closed on as_of (CaseBook::closed): its monthly support is zero, it is not delinquent, and
  // the obligor's arrears and delinquency leave it out.
  bool closed = false;
  // Due on or before as_of's month end, oldest first; the slices of a judgment with an accrual
  // period (ledger/accrual.h) joined while consecutive months share a bucket.
  std::vector<DebtView> debts;
};

struct ObligorBalance {
  PersonId obligor;
  Date as_of;
  std::vector<CaseBalance> cases;
  Money collections_total;  // every applied collection
  Money held_total;         // still held as of as_of (after any future support applied)
  // Held money applied as future support on or before as_of, in the order applied.
  std::vector<FuturesApplication> futures_applied;
  // Of the cases open on as_of (a closed case's frozen arrears are not enforced).
  Money arrears_total;
  Money overdue;  // CaseBalance::overdue of the same cases
  Money arrears_by_bucket[kBucketCount];
  bool delinquent = false;  // any open case is delinquent
};

class ObligorLedger {
 public:
  // REQUIRES: every case has the same obligor; at most limits::kCasesPerObligorMax cases.
  ObligorLedger(std::vector<CaseBook> cases, DistributionPolicy policy);

  // Distributes `c`. REQUIRES: collections are applied in (date, id) order and `c` is not
  // reversed as of its own date.
  Distribution Apply(const Collection& c);

  // Balances as of `as_of`, after applying held future support through as_of's month.
  // REQUIRES: every applied collection is dated on or before as_of; nothing is applied after.
  ObligorBalance Snapshot(Date as_of);

  const DistributionPolicy& policy() const { return policy_; }
  std::optional<Date> last_applied_date() const { return last_applied_; }

 private:
  struct DebtState {
    Debt debt;
    Money paid;
  };
  struct CaseState {
    CaseBook book;
    std::vector<DebtState> debts;  // sorted by (due_date, type, order)
    size_t settled = 0;            // debts[0, settled) are fully paid; loops start here
    UraSchedule ura;               // from book.episodes
    Money ura_retained;
    Money collected;
    Money to_family;
    Money to_state;
    Money to_federal;
    Money passed_through;
    std::map<int, Money> passed_by_month;  // Date::MonthIndex of the support paid -> passed
  };
  // A date with its month bounds, computed once per Apply / Snapshot instead of per debt.
  struct Day {
    explicit Day(Date d) : date(d), month_start(d.MonthStart()), month_end(d.MonthEnd()) {}
    Date date;
    Date month_start;
    Date month_end;
  };

  // Money held as future support, not yet applied.
  struct HeldFund {
    CollectionId from;
    Money amount;
  };

  void AccrueThrough(Date through);
  bool FuturesEligible(PaymentSource source) const;
  void ApplyFuturesThrough(Date through);
  Money DistributeCurrent(Money amount, const Day& day, Distribution& out);
  bool OnAssistance(const CaseState& cs, Date d) const;
  Money UraGranted(const CaseState& cs, Date d) const;
  Bucket Classify(const CaseState& cs, const Debt& debt, Date d) const;
  static bool IsArrears(const Debt& debt, const Day& day);
  // Whether a current-month debt is overdue on `as_of`: its next period (the day after its
  // period_end) has begun by then (see "Delinquency" above).
  static bool NextPeriodBegun(const Debt& debt, Date as_of);
  static void Settle(CaseState& cs);
  Money ArrearsCapacity(const CaseState& cs, Bucket b, const Day& day) const;
  Money ApplyCurrent(CaseState& cs, Money amount, const Day& day, Distribution& out);
  Money ApplyBucket(CaseState& cs, Bucket b, Money amount, const Day& day, bool offset,
                    Distribution& out);
  Money PassThrough(CaseState& cs, const Debt& debt, Money retainable);
  void Pay(CaseState& cs, DebtState& ds, AppliedAs as, Bucket b, bool assigned, Money amount,
           Date d, Distribution& out);
  void Emit(const Debt& debt, const DistributionLine& line, Distribution& out);
  Money DistributeArrears(Money amount, const Day& day, bool offset, Distribution& out);
  Money ProrateOverCases(Money amount, const std::vector<Bucket>& (*order)(bool), const Day& day,
                         bool offset, Distribution& out);

  std::vector<CaseState> cases_;
  DistributionPolicy policy_;
  Date accrued_through_;
  bool accrued_any_ = false;
  std::optional<Date> last_applied_;
  Money collections_total_;
  Money held_total_;
  std::vector<HeldFund> futures_pool_;  // oldest first; futures_pool_[0, futures_first_) spent
  size_t futures_first_ = 0;
  Date futures_next_;  // the next month start to apply the pool at (when it is not empty)
  std::vector<FuturesApplication> futures_applied_;
  // During Apply: the line of `out` holding each (judgment order, applied as, bucket, payee)
  // its slices were paid under (Emit).
  using SliceLineKey = std::tuple<int64_t, int, int, int>;
  std::map<SliceLineKey, size_t> slice_lines_;
};

// Convenience: distributes `collections` (any order; reversed-as-of excluded) from scratch and
// returns each active collection's distribution plus the snapshot as of `as_of`.
struct LedgerRun {
  std::map<int64_t, Distribution> distributions;  // by collection id
  ObligorBalance balance;
};
LedgerRun RunLedger(const std::vector<CaseBook>& cases, std::vector<Collection> collections,
                    const DistributionPolicy& policy, Date as_of);

// True when the collection counts on `as_of`: received on or before it and not reversed by it.
bool CollectionActiveOn(const Collection& c, Date as_of);

}  // namespace cse
