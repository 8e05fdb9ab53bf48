// Seeded simulation of payment streams, backdated postings and reversals, checked against a
// simple reference model and against invariants: every cent posted is distributed or held,
// no bucket is negative, history does not matter (reversing a payment leaves the same
// distributions as never posting it), and replaying the audit trail reproduces every
// distribution.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "service/replay.h"
#include "testing/fixture.h"

namespace cse {
namespace {

using testing::World;

struct Payment {
  std::string key;
  int64_t cents;
  Date date;
  PaymentSource source;
  bool reversed = false;
};

// The reference: one never-assistance case, a monthly order due on the 1st; each payment pays
// its own month first, then older months oldest first; the rest is held.
struct Reference {
  int64_t arrears = 0;
  int64_t current_unpaid = 0;
  int64_t held = 0;
  int64_t paid = 0;
};

// With `futures` (distribution.futures=all), what a payment leaves over is a pool that, at the
// start of each later month, pays that month and then older months oldest first.
Reference RunReference(int64_t monthly, Date start, std::vector<Payment> payments, Date as_of,
                       bool futures) {
  std::erase_if(payments, [](const Payment& p) { return p.reversed; });
  std::sort(payments.begin(), payments.end(),
            [](const Payment& a, const Payment& b) { return a.date < b.date; });
  std::map<int, int64_t> unpaid;  // month index -> unpaid
  for (Date m = start; m <= as_of.MonthEnd(); m = m.AddMonths(1)) unpaid[m.MonthIndex()] = monthly;
  Reference r;
  int64_t pool = 0;
  // Pays month `cur`, then the months before it oldest first, out of `x`.
  auto pay_from = [&](int64_t& x, int cur) {
    auto pay = [&](int m) {
      const int64_t part = std::min(x, unpaid[m]);
      unpaid[m] -= part;
      x -= part;
    };
    pay(cur);
    for (auto& [m, u] : unpaid) {
      if (m < cur && x > 0) pay(m);
    }
  };
  size_t next = 0;
  for (Date m = start; m <= as_of; m = m.AddMonths(1)) {
    if (futures && pool > 0) pay_from(pool, m.MonthIndex());
    for (; next < payments.size() && payments[next].date <= m.MonthEnd(); ++next) {
      int64_t x = payments[next].cents;
      pay_from(x, payments[next].date.MonthIndex());
      (futures ? pool : r.held) += x;
    }
  }
  r.held += pool;
  for (auto& [m, u] : unpaid) {
    if (m < as_of.MonthIndex()) r.arrears += u;
    if (m == as_of.MonthIndex()) r.current_unpaid += u;
    if (m <= as_of.MonthIndex()) r.paid += monthly - u;
  }
  return r;
}

class PropertyTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(PropertyTest, MatchesTheReferenceModelWithBackdatingAndReversals) {
  std::mt19937_64 rng(GetParam());
  World w(":memory:", Date::Ymd(2026, 1, 1));
  const int64_t monthly = 10000 + static_cast<int64_t>(rng() % 90000);
  const Date start = Date::Ymd(2024, 1, 1);
  const bool futures = GetParam() % 2 == 0;
  if (futures) {
    ASSERT_TRUE(w.service().SetConfig("distribution.futures", "all").ok());
  }
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), monthly, start);
  std::vector<Payment> payments;
  std::set<int32_t> used_days;
  const int n = 5 + static_cast<int>(rng() % 25);
  for (int i = 0; i < n; ++i) {
    int32_t day = 0;
    do {
      day = static_cast<int32_t>(rng() % 700);
    } while (!used_days.insert(day).second);
    payments.push_back({"p" + std::to_string(i),
                        1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(3 * monthly)),
                        start.AddDays(day), PaymentSource::kDirect});
  }
  for (Payment& p : payments) {  // posted in random order: many are backdated
    ASSERT_TRUE(w.Pay(p.key, c, p.cents, p.date).ok());
  }
  for (Payment& p : payments) {
    if (rng() % 4 == 0) {
      ASSERT_TRUE(w.service().ReversePayment(p.key, Date::Ymd(2025, 12, 1), "NSF").ok());
      p.reversed = true;
    }
  }
  for (Date as_of : {Date::Ymd(2024, 6, 15), Date::Ymd(2025, 12, 31)}) {
    std::vector<Payment> known = payments;
    for (Payment& p : known) {
      p.reversed = p.date > as_of || (p.reversed && as_of >= Date::Ymd(2025, 12, 1));
    }
    const Reference ref = RunReference(monthly, start, known, as_of, futures);
    auto ledger = w.service().GetCaseLedger(c, as_of);
    ASSERT_TRUE(ledger.ok());
    EXPECT_EQ(ledger->balance.arrears_total.cents(), ref.arrears) << as_of.ToString();
    EXPECT_EQ(ledger->balance.current_unpaid.cents(), ref.current_unpaid) << as_of.ToString();
    EXPECT_EQ(ledger->balance.paid.cents(), ref.paid) << as_of.ToString();
    EXPECT_EQ(ledger->obligor.held_total.cents(), ref.held) << as_of.ToString();
    // Read with only the ledger inputs (the arrears and history endpoints): the same
    // balances and the same distribution of every payment; no keys.
    auto light = w.service().GetCaseLedger(c, as_of, LedgerService::PaymentFields::kLedgerInputs);
    ASSERT_TRUE(light.ok());
    EXPECT_EQ(light->balance.arrears_total, ledger->balance.arrears_total);
    EXPECT_EQ(light->balance.current_unpaid, ledger->balance.current_unpaid);
    EXPECT_EQ(light->balance.paid, ledger->balance.paid);
    EXPECT_EQ(light->balance.debts.size(), ledger->balance.debts.size());
    EXPECT_EQ(light->obligor.held_total, ledger->obligor.held_total);
    auto balance = w.service().GetCaseBalance(*w.store().GetCase(c), as_of);
    ASSERT_TRUE(balance.ok());
    EXPECT_EQ(balance->arrears_total, ledger->balance.arrears_total);
    EXPECT_EQ(balance->arrears_over_age_flag, ledger->balance.arrears_over_age_flag);
    EXPECT_EQ(balance->arrears_oldest_due, ledger->balance.arrears_oldest_due);
    EXPECT_EQ(balance->current_unpaid, ledger->balance.current_unpaid);
    EXPECT_EQ(balance->monthly_support, ledger->balance.monthly_support);
    EXPECT_EQ(balance->delinquent, ledger->balance.delinquent);
    for (size_t k = 0; k < kBucketCount; ++k) {
      EXPECT_EQ(balance->arrears_by_bucket[k], ledger->balance.arrears_by_bucket[k]);
    }
    ASSERT_EQ(light->collections.size(), ledger->collections.size());
    for (size_t i = 0; i < light->collections.size(); ++i) {
      const auto& a = light->collections[i];
      const auto& b = ledger->collections[i];
      EXPECT_EQ(a.collection.id, b.collection.id);
      EXPECT_EQ(a.collection.amount, b.collection.amount);
      EXPECT_EQ(a.collection.date, b.collection.date);
      EXPECT_EQ(a.collection.reversed_date, b.collection.reversed_date);
      EXPECT_EQ(a.reversed_as_of, b.reversed_as_of);
      EXPECT_EQ(a.distribution, b.distribution);
      EXPECT_EQ(a.collection.idempotency_key, "");
      EXPECT_FALSE(b.collection.idempotency_key.empty());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, PropertyTest, ::testing::Range(uint64_t{1}, uint64_t{41}));

struct Setup {
  int cases = 1;
  std::vector<Order> orders;
  std::vector<AssistanceEpisode> episodes;  // case ids 1..cases
  std::vector<int64_t> grants;
};

class InvariantTest : public ::testing::TestWithParam<uint64_t> {};

// Builds the same random obligor in a world: cases with assistance history and orders of every
// frequency. Returns the case ids.
std::vector<CaseId> BuildObligor(World& w, uint64_t seed) {
  std::mt19937_64 rng(seed);
  if (seed % 2 == 0) {
    EXPECT_TRUE(w.service().SetConfig("distribution.assignment_model", "prwora").ok());
  }
  if (seed % 4 != 0) {
    EXPECT_TRUE(
        w.service().SetConfig("distribution.futures", seed % 4 == 1 ? "all" : "withholding").ok());
  }
  if (seed % 3 == 0) {
    EXPECT_TRUE(w.service().SetConfig("distribution.tax_offset_order", "family_first").ok());
  }
  const PersonId obligor = w.Person("Obligor", "X");
  std::vector<CaseId> cases;
  const int n = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < n; ++i) {
    NewCase nc;
    nc.obligor = obligor;
    nc.obligee = w.Person("Obligee", std::to_string(i));
    const int kind = static_cast<int>(rng() % 3);
    const Money grant = Money::FromCents(20000 + static_cast<int64_t>(rng() % 30000));
    if (kind == 1) {
      nc.type = CaseType::kFormerAssistance;
      nc.assistance = AssistanceEpisode{{}, Date::Ymd(2023, 6, 1), Date::Ymd(2024, 5, 31), grant};
    } else if (kind == 2) {
      nc.type = CaseType::kCurrentAssistance;
      nc.assistance = AssistanceEpisode{{}, Date::Ymd(2024, 3, 1), std::nullopt, grant};
    }
    auto id = w.service().AddCase(nc);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    cases.push_back(*id);
    Order o;
    o.case_id = *id;
    o.frequency = static_cast<Frequency>(rng() % 4);
    o.amount = Money::FromCents(5000 + static_cast<int64_t>(rng() % 60000));
    o.effective_date = Date::Ymd(2023, 1, 1).AddDays(static_cast<int32_t>(rng() % 200));
    EXPECT_TRUE(w.service().AddOrder(o, std::nullopt).ok());
    if (rng() % 2 == 0) {
      Order med = o;
      med.type = ObligationType::kCashMedical;
      med.amount = Money::FromCents(1000 + static_cast<int64_t>(rng() % 5000));
      med.frequency = Frequency::kMonthly;
      EXPECT_TRUE(w.service().AddOrder(med, std::nullopt).ok());
    }
  }
  return cases;
}

TEST_P(InvariantTest, CentsAreConservedBucketsNonNegativeHistoryIrrelevantReplayExact) {
  const uint64_t seed = GetParam();
  World a(":memory:", Date::Ymd(2026, 1, 1));
  World b(":memory:", Date::Ymd(2026, 1, 1));
  const std::vector<CaseId> cases = BuildObligor(a, seed);
  BuildObligor(b, seed);
  std::mt19937_64 rng(seed * 7919);
  std::vector<Payment> payments;
  std::vector<CaseId> payment_case;
  std::set<int32_t> used;
  const int n = 10 + static_cast<int>(rng() % 30);
  for (int i = 0; i < n; ++i) {
    int32_t day = 0;
    do {
      day = static_cast<int32_t>(rng() % 900);
    } while (!used.insert(day).second);
    const PaymentSource source = rng() % 6 == 0 ? PaymentSource::kTaxOffset
                                 : rng() % 2    ? PaymentSource::kWithholding
                                                : PaymentSource::kDirect;
    payments.push_back({"q" + std::to_string(i), 1 + static_cast<int64_t>(rng() % 150000),
                        Date::Ymd(2023, 3, 1).AddDays(day), source});
    payment_case.push_back(cases[rng() % cases.size()]);
  }
  for (size_t i = 0; i < payments.size(); ++i) {
    const Payment& p = payments[i];
    ASSERT_TRUE(a.Pay(p.key, payment_case[i], p.cents, p.date, p.source).ok());
  }
  for (Payment& p : payments) {
    if (rng() % 5 == 0) {
      ASSERT_TRUE(a.service().ReversePayment(p.key, Date::Ymd(2025, 12, 15), "NSF").ok());
      p.reversed = true;
    }
  }
  // World b gets only the surviving payments, in date order, never reversed.
  std::vector<size_t> order(payments.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return payments[x].date < payments[y].date; });
  for (size_t i : order) {
    const Payment& p = payments[i];
    if (!p.reversed) {
      ASSERT_TRUE(b.Pay(p.key, payment_case[i], p.cents, p.date, p.source).ok());
    }
  }
  int64_t active_total = 0;
  for (const Payment& p : payments) {
    auto row_a = a.store().FindCollectionByKey(p.key);
    ASSERT_TRUE(row_a.ok() && row_a->has_value());
    const Distribution& d = (*row_a)->distribution;
    if (p.reversed) {
      EXPECT_TRUE(d.lines.empty());
      continue;
    }
    active_total += p.cents;
    EXPECT_EQ((d.to_family + d.to_state + d.to_federal + d.held).cents(), p.cents) << p.key;
    for (const DistributionLine& l : d.lines) EXPECT_TRUE(l.amount.is_positive());
    auto row_b = b.store().FindCollectionByKey(p.key);
    ASSERT_TRUE(row_b.ok() && row_b->has_value());
    EXPECT_EQ((*row_b)->distribution.lines, d.lines) << "history changed " << p.key;
  }
  const PersonId obligor = a.store().GetCase(cases[0])->obligor;
  for (Date as_of : {Date::Ymd(2024, 1, 31), Date::Ymd(2024, 9, 30), Date::Ymd(2025, 12, 31)}) {
    auto bal = a.service().GetObligorBalance(obligor, as_of);
    ASSERT_TRUE(bal.ok());
    Money buckets;
    for (int k = 0; k < kBucketCount; ++k) {
      EXPECT_FALSE(bal->arrears_by_bucket[k].is_negative()) << k;
      buckets += bal->arrears_by_bucket[k];
    }
    EXPECT_EQ(buckets, bal->arrears_total);
    Money credited;
    for (const CaseBalance& cb : bal->cases) {
      EXPECT_LE(cb.ura_retained, cb.ura_granted);
      EXPECT_EQ(cb.to_family + cb.to_state + cb.to_federal, cb.collected);
      for (int k = 0; k < kBucketCount; ++k) EXPECT_FALSE(cb.arrears_by_bucket[k].is_negative());
      credited += cb.collected;
    }
    EXPECT_EQ(credited + bal->held_total, bal->collections_total);
  }
  auto final_balance = a.service().GetObligorBalance(obligor, Date::Ymd(2025, 12, 31));
  EXPECT_EQ(final_balance->collections_total.cents(), active_total);
  auto cmp = CompareReplayWithStore(a.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, InvariantTest, ::testing::Range(uint64_t{1}, uint64_t{31}));

}  // namespace
}  // namespace cse
