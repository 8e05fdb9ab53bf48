#include "ai/features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/check.h"
#include "ledger/accrual.h"
#include "service/ledger_service.h"

namespace cse::ai {
namespace {

static_assert(static_cast<size_t>(Feature::kPrepaidMonths) + 1 == kFeatureCount);

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

float Dollars(Money m) { return static_cast<float>(static_cast<double>(m.cents()) / 100.0); }
float Ratio(Money part, Money whole) {
  if (!whole.is_positive()) return kMissing;
  return static_cast<float>(static_cast<double>(part.cents()) / static_cast<double>(whole.cents()));
}

// The records as they stood on `as_of`.
std::vector<CaseBook> BooksAsOf(const std::vector<CaseBook>& books, Date as_of) {
  std::vector<CaseBook> out;
  for (const CaseBook& b : books) {
    if (b.info.opened > as_of) continue;
    CaseBook c;
    c.info = b.info;
    for (Order o : b.orders) {
      if (o.effective_date > as_of) continue;
      if (o.end_date && *o.end_date > as_of) o.end_date.reset();
      c.orders.push_back(std::move(o));
    }
    for (AssistanceEpisode e : b.episodes) {
      if (e.start_date > as_of) continue;
      if (e.end_date && *e.end_date > as_of) e.end_date.reset();
      c.episodes.push_back(e);
    }
    // A closing after as_of is not known yet; a reopening after it is not either.
    for (DateSpan s : b.closed) {
      if (s.from > as_of) continue;
      if (s.through >= as_of) s.through = MaxDate();
      c.closed.push_back(s);
    }
    out.push_back(std::move(c));
  }
  return out;
}

// The collections received by `as_of`, as known then (a later reversal not yet made). The
// copies leave out the idempotency key and reversal reason, which nothing here reads.
std::vector<Collection> CollectionsAsOf(const std::vector<Collection>& all, Date as_of) {
  std::vector<Collection> out;
  out.reserve(all.size());
  for (const Collection& c : all) {
    if (c.date > as_of) continue;
    Collection& k = out.emplace_back();
    k.id = c.id;
    k.case_id = c.case_id;
    k.obligor = c.obligor;
    k.amount = c.amount;
    k.date = c.date;
    k.source = c.source;
    if (c.reversed_date && *c.reversed_date <= as_of) k.reversed_date = c.reversed_date;
  }
  return out;
}

// Support (not arrears payback) falling due in [from, to] under `books`.
Money SupportDue(const std::vector<CaseBook>& books, Date from, Date to) {
  Money due;
  for (const CaseBook& b : books) {
    for (const Order& o : b.orders) {
      if (o.type == ObligationType::kArrearsPayback) continue;
      for (const Debt& d : AccrueOrder(o, from, to, b.closed)) due += d.amount;
    }
  }
  return due;
}

Money MonthlySupport(const std::vector<CaseBook>& books, Date on) {
  Money m;
  for (const CaseBook& b : books) {
    if (ClosedOn(b, on)) continue;
    for (const Order& o : b.orders) {
      if (o.type != ObligationType::kArrearsPayback) m += MonthlyEquivalent(o, on);
    }
  }
  return m;
}

int32_t MonthsBetween(Date a, Date b) { return b.MonthIndex() - a.MonthIndex(); }

// One calendar month of the payment record, most recent first.
struct MonthRecord {
  Money due;
  Money paid;
  std::optional<Date> first_due;
  std::optional<Date> first_payment;
};

// Paid counts the collections received in the month: the obligor's own payments. Held money
// the ledger applied as future support (ARCHITECTURE.md §5.5) is not counted here, although
// the label counts it (ObservedOutcome): crediting it made the paid trend drift between the
// training months and a calm current month on the simulated caseload (PSI 0.31-0.33,
// MonitoringTest), whose pools of held money grow over time. docs/MODEL_CARD.md, limitations.
std::vector<MonthRecord> PaymentRecord(const std::vector<CaseBook>& books,
                                       const std::vector<Collection>& collections, Date as_of,
                                       int months) {
  // The last full month is as_of's month when as_of is its last day, else the month before.
  const Date last_full =
      as_of == as_of.MonthEnd() ? as_of.MonthStart() : as_of.MonthStart().AddMonths(-1);
  std::vector<MonthRecord> out(static_cast<size_t>(months));
  for (int i = 0; i < months; ++i) {
    const Date ms = last_full.AddMonths(-i);
    const Date me = ms.MonthEnd();
    MonthRecord& r = out[static_cast<size_t>(i)];
    for (const CaseBook& b : books) {
      for (const Order& o : b.orders) {
        if (o.type == ObligationType::kArrearsPayback) continue;
        for (const Debt& d : AccrueOrder(o, ms, me, b.closed)) {
          r.due += d.amount;
          if (!r.first_due || d.due_date < *r.first_due) r.first_due = d.due_date;
        }
      }
    }
    for (const Collection& c : collections) {
      if (c.date < ms || c.date > me || c.reversed_date) continue;
      r.paid += c.amount;
      if (!r.first_payment || c.date < *r.first_payment) r.first_payment = c.date;
    }
  }
  return out;
}

void PaymentFeatures(const std::vector<MonthRecord>& months, FeatureVector& v) {
  auto ratio = [&](size_t k) {
    Money due;
    Money paid;
    for (size_t i = 0; i < k && i < months.size(); ++i) {
      due += months[i].due;
      paid += months[i].paid;
    }
    return Ratio(paid, due);
  };
  At(v, Feature::kPaidRatio1m) = ratio(1);
  At(v, Feature::kPaidRatio3m) = ratio(3);
  At(v, Feature::kPaidRatio6m) = ratio(6);
  At(v, Feature::kPaidRatio12m) = ratio(12);
  const float r3 = At(v, Feature::kPaidRatio3m);
  const float r12 = At(v, Feature::kPaidRatio12m);
  At(v, Feature::kPaidTrend) = std::isnan(r3) || std::isnan(r12) ? kMissing : r3 - r12;
  auto missed = [](const MonthRecord& m) {
    return m.due.is_positive() && m.paid.cents() * 2 < m.due.cents();
  };
  int consecutive = 0;
  for (const MonthRecord& m : months) {
    if (!missed(m)) break;
    ++consecutive;
  }
  int missed12 = 0;
  for (size_t i = 0; i < 12 && i < months.size(); ++i) missed12 += missed(months[i]) ? 1 : 0;
  At(v, Feature::kConsecutiveMissedMonths) = static_cast<float>(consecutive);
  At(v, Feature::kMissedMonths12m) = static_cast<float>(missed12);
  auto delay = [&](size_t from, size_t to) {
    double sum = 0;
    int n = 0;
    for (size_t i = from; i < to && i < months.size(); ++i) {
      const MonthRecord& m = months[i];
      if (!m.first_due || !m.first_payment) continue;
      sum += std::max(0, DaysBetween(*m.first_due, *m.first_payment));
      ++n;
    }
    return n == 0 ? kMissing : static_cast<float>(sum / n);
  };
  At(v, Feature::kAvgPaymentDelayDays) = delay(0, 6);
  const float recent = delay(0, 3);
  const float earlier = delay(3, 6);
  At(v, Feature::kPaymentDelayTrend) =
      std::isnan(recent) || std::isnan(earlier) ? kMissing : recent - earlier;
}

void CollectionFeatures(const std::vector<Collection>& all, const std::vector<Collection>& active,
                        Date as_of, Date first_order, FeatureRow& row) {
  FeatureVector& v = row.values;
  std::optional<Date> last;
  Money six_total;
  Money six_withholding;
  Money offsets;
  for (const Collection& c : active) {
    if (c.reversed_date) continue;
    if (!last || c.date > *last) last = c.date;
    if (c.date > as_of.AddDays(-183)) {
      six_total += c.amount;
      if (c.source == PaymentSource::kWithholding) six_withholding += c.amount;
    }
    if (c.date > as_of.AddDays(-365) && c.source == PaymentSource::kTaxOffset) offsets += c.amount;
  }
  row.last_payment = last;
  row.tax_offset_12m = offsets;
  // Without a payment on record, the days since the first order took effect (the text says
  // so: ai/reasons.cc).
  const Date since = last ? *last : first_order;
  At(v, Feature::kDaysSinceLastPayment) =
      static_cast<float>(std::clamp(DaysBetween(since, as_of), 0, 3650));
  At(v, Feature::kWithholdingShare6m) = Ratio(six_withholding, six_total);
  At(v, Feature::kTaxOffset12m) = Dollars(offsets);
  int reversals = 0;
  for (const Collection& c : all) {
    if (c.reversed_date && *c.reversed_date <= as_of && *c.reversed_date > as_of.AddDays(-365)) {
      ++reversals;
    }
  }
  At(v, Feature::kReversals12m) = static_cast<float>(reversals);
}

}  // namespace

const Employment* CurrentJob(const ObligorHistory& h, Date as_of) {
  const Employment* current = nullptr;
  for (const Employment& j : h.jobs) {
    if (j.start_date > as_of || (j.end_date && *j.end_date < as_of)) continue;
    if (!current || j.start_date > current->start_date) current = &j;
  }
  return current;
}

namespace {

void EmploymentFeatures(const ObligorHistory& h, const Reference& ref, Date as_of,
                        Money monthly_support, FeatureVector& v) {
  const Employment* current = CurrentJob(h, as_of);
  std::optional<Date> last_end;
  int starts = 0;
  for (const Employment& j : h.jobs) {
    if (j.start_date > as_of) continue;
    if (j.start_date > as_of.AddDays(-365)) ++starts;
    const bool open = !j.end_date || *j.end_date >= as_of;
    if (!open && (!last_end || *j.end_date > *last_end)) last_end = *j.end_date;
  }
  At(v, Feature::kEmployedNow) = current ? 1.0f : 0.0f;
  At(v, Feature::kMonthsAtEmployer) =
      current ? static_cast<float>(MonthsBetween(current->start_date, as_of)) : 0.0f;
  At(v, Feature::kJobChanges12m) = static_cast<float>(starts);
  At(v, Feature::kUnemployedMonths) =
      current ? 0.0f : (last_end ? static_cast<float>(MonthsBetween(*last_end, as_of)) : kMissing);
  if (current) {
    const Money income =
        MulDivRound(current->gross_per_period, PayPeriodsPerYear(current->pay_cycle), 12);
    At(v, Feature::kOrderToIncome) = Ratio(monthly_support, income);
  } else {
    At(v, Feature::kOrderToIncome) = kMissing;
  }
  std::optional<Date> new_hire;
  const std::string fein = current ? [&] {
    auto it = ref.fein_by_employer.find(current->employer.value);
    return it == ref.fein_by_employer.end() ? std::string() : it->second;
  }()
                                   : std::string();
  // The withholding orders to the current employer still standing on the date: an
  // `iwo_issued` event adds one (keyed by its IWO id; the simulator's carry none), a later
  // `iwo_rejected` (employer acknowledgment) or `iwo_ended` event dated by then removes it (one
  // without an id removes them all). Events are in (date, id) order, so what is known on
  // `as_of` decides: a rejection dated after it is not seen.
  std::set<std::string> standing;
  for (const CaseEvent& e : h.events) {
    if (e.date > as_of) continue;
    if (e.kind == "new_hire" && (!new_hire || e.date > *new_hire)) new_hire = e.date;
    if (!current || fein.empty() || DetailValue(e.detail, "employer_fein") != fein) continue;
    if (e.kind == "iwo_issued" && e.date >= current->start_date.AddDays(-30)) {
      standing.insert(DetailValue(e.detail, "iwo"));
    } else if (e.kind == kIwoRejectedEvent || e.kind == kIwoEndedEvent) {
      const std::string id = DetailValue(e.detail, "iwo");
      if (id.empty()) {
        standing.clear();
      } else {
        standing.erase(id);
      }
    }
  }
  const bool iwo = !standing.empty();
  At(v, Feature::kDaysSinceNewHire) =
      new_hire ? static_cast<float>(std::min(730, DaysBetween(*new_hire, as_of))) : kMissing;
  At(v, Feature::kIwoActive) = iwo ? 1.0f : 0.0f;
}

void EventFeatures(const ObligorHistory& h, Date as_of, FeatureVector& v) {
  int notices = 0;
  int plans = 0;
  int suspensions = 0;
  int moves = 0;
  bool incarcerated = false;
  for (const CaseEvent& e : h.events) {  // by date
    if (e.date > as_of) break;
    const bool in24 = e.date > as_of.AddDays(-730);
    if (e.kind == "license_notice" && in24) ++notices;
    if (e.kind == "payment_plan" && in24) ++plans;
    if (e.kind == "license_suspended" && in24) ++suspensions;
    if (e.kind == "moved" && e.date > as_of.AddDays(-365)) ++moves;
    if (e.kind == "incarcerated") incarcerated = true;
    if (e.kind == "released") incarcerated = false;
  }
  At(v, Feature::kLicenseNotices24m) = static_cast<float>(notices);
  At(v, Feature::kPaymentPlans24m) = static_cast<float>(plans);
  At(v, Feature::kLicenseSuspensions24m) = static_cast<float>(suspensions);
  At(v, Feature::kMoves12m) = static_cast<float>(moves);
  At(v, Feature::kIncarcerated) = incarcerated ? 1.0f : 0.0f;
}

std::string CountyAsOf(const ObligorHistory& h, Date as_of) {
  std::string county = h.books.empty() ? std::string() : h.books.front().info.county;
  for (const CaseEvent& e : h.events) {
    if (e.date > as_of) break;
    if (e.kind == "moved") {
      const std::string to = DetailValue(e.detail, "county");
      if (!to.empty()) county = to;
    }
  }
  return county;
}

void CaseFeatures(const std::vector<CaseBook>& books, Date as_of, FeatureVector& v) {
  int open = 0;
  bool on = false;
  bool former = false;
  std::optional<Date> opened;
  for (const CaseBook& b : books) {
    if (OpenOn(b, as_of)) ++open;
    if (!opened || b.info.opened < *opened) opened = b.info.opened;
    for (const AssistanceEpisode& e : b.episodes) {
      if (!e.end_date) on = true;
      if (e.end_date && *e.end_date < as_of) former = true;
    }
  }
  At(v, Feature::kOpenCases) = static_cast<float>(open);
  At(v, Feature::kOnAssistance) = on ? 1.0f : 0.0f;
  At(v, Feature::kFormerAssistance) = former ? 1.0f : 0.0f;
  At(v, Feature::kCaseAgeMonths) =
      opened ? static_cast<float>(std::min(240, MonthsBetween(*opened, as_of))) : kMissing;
}

Date FirstOrderDate(const std::vector<CaseBook>& books, Date fallback) {
  Date first = fallback;
  for (const CaseBook& b : books) {
    for (const Order& o : b.orders) first = std::min(first, o.effective_date);
  }
  return first;
}

}  // namespace

const std::array<std::string_view, kFeatureCount>& FeatureNames() {
  static const std::array<std::string_view, kFeatureCount> kNames{"monthly_support",
                                                                  "arrears_total",
                                                                  "arrears_months",
                                                                  "arrears_age_days",
                                                                  "arrears_assigned_share",
                                                                  "delinquent_now",
                                                                  "paid_ratio_1m",
                                                                  "paid_ratio_3m",
                                                                  "paid_ratio_6m",
                                                                  "paid_ratio_12m",
                                                                  "paid_trend",
                                                                  "consecutive_missed_months",
                                                                  "missed_months_12m",
                                                                  "days_since_last_payment",
                                                                  "avg_payment_delay_days",
                                                                  "payment_delay_trend",
                                                                  "withholding_share_6m",
                                                                  "tax_offset_12m",
                                                                  "reversals_12m",
                                                                  "employed_now",
                                                                  "months_at_employer",
                                                                  "job_changes_12m",
                                                                  "days_since_new_hire",
                                                                  "unemployed_months",
                                                                  "order_to_income",
                                                                  "iwo_active",
                                                                  "license_notices_24m",
                                                                  "payment_plans_24m",
                                                                  "license_suspensions_24m",
                                                                  "incarcerated",
                                                                  "moves_12m",
                                                                  "open_cases",
                                                                  "on_assistance",
                                                                  "former_assistance",
                                                                  "case_age_months",
                                                                  "county_economic_index",
                                                                  "county_unemployment_pct",
                                                                  "prepaid_months"};
  return kNames;
}

Result<Reference> LoadReference(Store& store) {
  Reference ref;
  ASSIGN_OR_RETURN(std::vector<CountyEconomy> rows, store.ListCountyEconomy());
  for (CountyEconomy& r : rows) {
    const std::pair<std::string, int32_t> key{r.county, r.month.MonthIndex()};
    ref.economy.emplace(key, std::move(r));
  }
  ASSIGN_OR_RETURN(std::vector<Employer> employers, store.ListEmployers());
  for (const Employer& e : employers) ref.fein_by_employer[e.id.value] = e.fein;
  ASSIGN_OR_RETURN(ref.policy, LoadPolicy(store));
  return ref;
}

Result<ObligorHistory> LoadObligorHistory(Store& store, PersonId obligor) {
  RETURN_IF_ERROR(store.GetPerson(obligor).status());
  ObligorHistory h;
  h.obligor = obligor;
  ASSIGN_OR_RETURN(h.books, LoadBooks(store, obligor));
  if (h.books.empty()) {
    return FailedPrecondition("obligor_has_no_case",
                              PersonDisplayId(obligor) + " is not the obligor of any case");
  }
  ASSIGN_OR_RETURN(std::vector<StoredCollection> rows, store.ListCollectionsByObligor(obligor));
  for (StoredCollection& r : rows) h.collections.push_back(std::move(r.collection));
  ASSIGN_OR_RETURN(h.jobs, store.ListEmploymentByPerson(obligor));
  ASSIGN_OR_RETURN(h.events, store.ListCaseEventsByPerson(obligor));
  return h;
}

Status ForEachObligorHistory(Store& store, const std::vector<PersonId>& obligors, size_t chunk,
                             const std::function<Status(ObligorHistory&&)>& visit) {
  return ForEachObligorHistory(store, obligors, 0, obligors.size(), chunk, visit);
}

namespace {

enum class HistoryRead { kRange, kListed };

Status ForEachHistory(Store& store, const std::vector<PersonId>& obligors, size_t begin, size_t end,
                      size_t chunk, HistoryRead read,
                      const std::function<Status(ObligorHistory&&)>& visit) {
  CSE_CHECK(chunk > 0, "chunk must be positive");
  end = std::min(end, obligors.size());
  for (size_t lo = begin; lo < end; lo += chunk) {
    const size_t hi = std::min(end, lo + chunk);  // exclusive
    ASSIGN_OR_RETURN(
        ObligorRange r,
        read == HistoryRead::kRange
            ? store.LoadObligorRange(obligors[lo], obligors[hi - 1])
            : store.LoadObligorsListed(std::span<const PersonId>(obligors).subspan(lo, hi - lo)));
    // Books and collections from the range; jobs and events are sorted by person too, so one
    // cursor each walks forward as the obligors do.
    ObligorRangeBooks walk(r);
    size_t ji = 0, ei = 0;
    for (size_t i = lo; i < hi; ++i) {
      const int64_t id = obligors[i].value;
      CSE_CHECK(i == lo || obligors[i - 1].value < id, "obligors must be ascending");
      ObligorHistory h;
      h.obligor = obligors[i];
      h.books = walk.Books(h.obligor);
      if (h.books.empty()) {
        return FailedPrecondition("obligor_has_no_case",
                                  PersonDisplayId(h.obligor) + " is not the obligor of any case");
      }
      h.collections = walk.Collections(h.obligor);
      while (ji < r.jobs.size() && r.jobs[ji].person.value < id) ++ji;
      for (; ji < r.jobs.size() && r.jobs[ji].person.value == id; ++ji) {
        h.jobs.push_back(r.jobs[ji]);
      }
      while (ei < r.events.size() && r.events[ei].person.value < id) ++ei;
      for (; ei < r.events.size() && r.events[ei].person.value == id; ++ei) {
        h.events.push_back(std::move(r.events[ei]));
      }
      RETURN_IF_ERROR(visit(std::move(h)));
    }
  }
  return Status::Ok();
}

}  // namespace

Status ForEachObligorHistory(Store& store, const std::vector<PersonId>& obligors, size_t begin,
                             size_t end, size_t chunk,
                             const std::function<Status(ObligorHistory&&)>& visit) {
  return ForEachHistory(store, obligors, begin, end, chunk, HistoryRead::kRange, visit);
}

Status ForEachListedObligorHistory(Store& store, const std::vector<PersonId>& obligors,
                                   size_t chunk,
                                   const std::function<Status(ObligorHistory&&)>& visit) {
  return ForEachHistory(store, obligors, 0, obligors.size(), chunk, HistoryRead::kListed, visit);
}

bool HasSupportOrderOn(const ObligorHistory& h, Date as_of) {
  return MonthlySupport(BooksAsOf(h.books, as_of), as_of).is_positive();
}

bool ActiveOn(const ObligorHistory& h, const Reference& ref, Date as_of) {
  const std::vector<CaseBook> books = BooksAsOf(h.books, as_of);
  if (books.empty()) return false;
  if (MonthlySupport(books, as_of).is_positive()) return true;  // HasSupportOrderOn
  const LedgerRun run = RunLedger(books, CollectionsAsOf(h.collections, as_of), ref.policy, as_of);
  return run.balance.arrears_total.is_positive();
}

FeatureRow ExtractFeatures(const ObligorHistory& h, const Reference& ref, Date as_of) {
  FeatureRow row;
  row.values.fill(kMissing);
  FeatureVector& v = row.values;
  const std::vector<CaseBook> books = BooksAsOf(h.books, as_of);
  const std::vector<Collection> collections = CollectionsAsOf(h.collections, as_of);
  row.balance = RunLedger(books, collections, ref.policy, as_of).balance;
  const ObligorBalance& b = row.balance;
  const Money monthly = MonthlySupport(books, as_of);
  At(v, Feature::kMonthlySupport) = Dollars(monthly);
  At(v, Feature::kArrearsTotal) = Dollars(b.arrears_total);
  At(v, Feature::kArrearsMonths) = Ratio(b.arrears_total, monthly);
  std::optional<Date> oldest;
  for (const CaseBalance& c : b.cases) {
    if (c.arrears_oldest_due && (!oldest || *c.arrears_oldest_due < *oldest)) {
      oldest = c.arrears_oldest_due;
    }
  }
  At(v, Feature::kArrearsAgeDays) =
      oldest ? static_cast<float>(std::min(3'650, DaysBetween(*oldest, as_of))) : 0.0f;
  const Money assigned = b.arrears_by_bucket[static_cast<int>(Bucket::kPermanentlyAssigned)] +
                         b.arrears_by_bucket[static_cast<int>(Bucket::kTemporarilyAssigned)];
  At(v, Feature::kArrearsAssignedShare) =
      b.arrears_total.is_positive() ? Ratio(assigned, b.arrears_total) : 0.0f;
  At(v, Feature::kDelinquentNow) = b.delinquent ? 1.0f : 0.0f;
  Money credit = b.held_total;
  for (const CaseBalance& c : b.cases) credit += c.prepaid;
  if (!credit.is_positive()) {
    At(v, Feature::kPrepaidMonths) = 0.0f;
  } else if (monthly.is_positive()) {
    At(v, Feature::kPrepaidMonths) = std::min(24.0f, Ratio(credit, monthly));
  }  // else missing: money held with no support due
  PaymentFeatures(PaymentRecord(books, collections, as_of, 12), v);
  CollectionFeatures(h.collections, collections, as_of, FirstOrderDate(books, as_of), row);
  row.monthly_support = monthly;
  EmploymentFeatures(h, ref, as_of, monthly, v);
  EventFeatures(h, as_of, v);
  CaseFeatures(books, as_of, v);
  auto it = ref.economy.find({CountyAsOf(h, as_of), as_of.MonthIndex()});
  if (it != ref.economy.end()) {
    // Rounded (to the point; unemployment to the half point): county values are shared by
    // thousands of obligors, and noise in the second decimal is not a signal.
    At(v, Feature::kCountyEconomicIndex) =
        std::round(static_cast<float>(it->second.economic_index) / 100.0f);
    At(v, Feature::kCountyUnemployment) =
        std::round(static_cast<float>(it->second.unemployment_bps) / 50.0f) / 2.0f;
  }
  return row;
}

bool IsActive(const FeatureRow& row) {
  return At(row.values, Feature::kMonthlySupport) > 0.0f || row.balance.arrears_total.is_positive();
}

Outcome ObservedOutcome(const ObligorHistory& h, Date t, const DistributionPolicy& policy,
                        const ObligorBalance* at_t) {
  const Date horizon = LabelHorizon(t);
  const std::vector<CaseBook> books = BooksAsOf(h.books, horizon);
  const std::vector<Collection> collections = CollectionsAsOf(h.collections, horizon);
  Outcome out;
  out.due_next = SupportDue(books, t.AddDays(1), horizon);
  for (const Collection& c : collections) {
    if (c.date > t && !c.reversed_date) out.paid_next += c.amount;
  }
  const bool held_on_t = at_t == nullptr || at_t->held_total.is_positive();
  if (policy.futures != FuturesRule::kNone && held_on_t && !collections.empty()) {
    std::unordered_set<int64_t> received_by_t;  // counted above when received in the window
    for (const Collection& c : collections) {
      if (c.date <= t) received_by_t.insert(c.id.value);
    }
    for (const FuturesApplication& f :
         RunLedger(books, collections, policy, horizon).balance.futures_applied) {
      if (f.date <= t || !received_by_t.contains(f.from.value)) continue;
      out.paid_next +=
          f.distribution.to_family + f.distribution.to_state + f.distribution.to_federal;
    }
  }
  out.delinquent =
      NewDelinquency(out.due_next, out.paid_next, MonthlySupport(BooksAsOf(h.books, t), t));
  return out;
}

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

}  // namespace cse::ai
