// Features as of a date: values on a hand-built history, and no leakage — adding records
// dated after the as-of date changes nothing.
#include "ai/features.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/simulate.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/fixture.h"

namespace cse::ai {
namespace {

bool SameFeatures(const FeatureVector& a, const FeatureVector& b) {
  for (size_t i = 0; i < kFeatureCount; ++i) {
    if (std::isnan(a[i]) != std::isnan(b[i])) return false;
    if (!std::isnan(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}

TEST(FeaturesTest, NamesAreUniqueSnakeCase) {
  std::set<std::string_view> seen;
  for (std::string_view n : FeatureNames()) {
    EXPECT_TRUE(seen.insert(n).second) << n;
    for (char c : n) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << n;
  }
  EXPECT_EQ(seen.size(), kFeatureCount);
}

TEST(FeaturesTest, HandBuiltHistoryGivesTheExpectedValues) {
  testing::World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 40000, Date::Ymd(2025, 1, 1));  // $400 monthly
  // Paid January and February in full on the 10th, nothing in March or April.
  ASSERT_TRUE(w.Pay("p1", c, 40000, Date::Ymd(2025, 1, 10)).ok());
  ASSERT_TRUE(w.Pay("p2", c, 40000, Date::Ymd(2025, 2, 10), PaymentSource::kWithholding).ok());
  auto ref = LoadReference(w.store());
  ASSERT_TRUE(ref.ok());
  auto h = LoadObligorHistory(w.store(), obligor);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  const FeatureRow row = ExtractFeatures(*h, *ref, Date::Ymd(2025, 4, 30));
  const FeatureVector& v = row.values;
  EXPECT_FLOAT_EQ(At(v, Feature::kMonthlySupport), 400.0f);
  EXPECT_FLOAT_EQ(At(v, Feature::kArrearsTotal), 400.0f);  // March; April is current
  EXPECT_FLOAT_EQ(At(v, Feature::kArrearsMonths), 1.0f);
  EXPECT_FLOAT_EQ(At(v, Feature::kDelinquentNow), 1.0f);
  EXPECT_FLOAT_EQ(At(v, Feature::kConsecutiveMissedMonths), 2.0f);  // April and March
  EXPECT_FLOAT_EQ(At(v, Feature::kMissedMonths12m), 2.0f);
  EXPECT_FLOAT_EQ(At(v, Feature::kPaidRatio3m), 400.0f / 1200.0f);
  EXPECT_FLOAT_EQ(At(v, Feature::kPaidRatio1m), 0.0f);
  EXPECT_FLOAT_EQ(At(v, Feature::kDaysSinceLastPayment), 79.0f);  // Feb 10 -> Apr 30
  EXPECT_FLOAT_EQ(At(v, Feature::kAvgPaymentDelayDays), 9.0f);
  EXPECT_FLOAT_EQ(At(v, Feature::kWithholdingShare6m), 0.5f);
  EXPECT_FLOAT_EQ(At(v, Feature::kArrearsAgeDays), 60.0f);  // due Mar 1
  EXPECT_FLOAT_EQ(At(v, Feature::kEmployedNow), 0.0f);
  EXPECT_TRUE(std::isnan(At(v, Feature::kDaysSinceNewHire)));
  EXPECT_TRUE(std::isnan(At(v, Feature::kCountyEconomicIndex)));  // no economy loaded
  EXPECT_FLOAT_EQ(At(v, Feature::kOpenCases), 1.0f);

  // The observed outcome of March 31: April's $400 fell due, nothing was paid.
  const Outcome o = ObservedOutcome(*h, Date::Ymd(2025, 3, 31));
  EXPECT_EQ(o.due_next, Money::FromCents(40000));
  EXPECT_EQ(o.paid_next, Money());
  EXPECT_TRUE(o.delinquent);
  const Outcome jan = ObservedOutcome(*h, Date::Ymd(2025, 1, 31));
  EXPECT_EQ(jan.paid_next, Money::FromCents(40000));
  EXPECT_FALSE(jan.delinquent);
}

// The label counts held money the ledger applies as future support in the window as paid
// (ledger/policy.h FuturesRule): a month an earlier overpayment covered is not a new
// delinquency under `all`, and is one under `none`, where the money stays held.
TEST(FeaturesTest, TheLabelCountsFutureSupportAppliedInTheWindow) {
  testing::World w;
  ASSERT_TRUE(w.service().SetConfig("distribution.futures", "all").ok());
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 40000, Date::Ymd(2025, 1, 1));  // $400 monthly
  // January 10: $1,000 pays January and holds $600; nothing after.
  ASSERT_TRUE(w.Pay("p1", c, 100000, Date::Ymd(2025, 1, 10), PaymentSource::kWithholding).ok());
  auto ref = LoadReference(w.store());
  ASSERT_TRUE(ref.ok());
  ASSERT_EQ(ref->policy.futures, FuturesRule::kAll);
  auto h = LoadObligorHistory(w.store(), obligor);
  ASSERT_TRUE(h.ok()) << h.status().ToString();

  // February: the held $600 pays February's $400 on Feb 1.
  const FeatureRow jan = ExtractFeatures(*h, *ref, Date::Ymd(2025, 1, 31));
  const Outcome feb = ObservedOutcome(*h, Date::Ymd(2025, 1, 31), ref->policy, &jan.balance);
  EXPECT_EQ(feb.due_next, Money::FromCents(40000));
  EXPECT_EQ(feb.paid_next, Money::FromCents(40000));
  EXPECT_FALSE(feb.delinquent);
  // The same without the caller's balance (a second ledger run) agrees.
  EXPECT_EQ(ObservedOutcome(*h, Date::Ymd(2025, 1, 31), ref->policy).paid_next,
            Money::FromCents(40000));
  // The features count the obligor's own payments (cash received), not the held money
  // applied (ai::PaymentRecord; a documented limitation): February reads as unpaid there,
  // while the ledger shows it paid and nothing owed.
  const FeatureRow feb_end = ExtractFeatures(*h, *ref, Date::Ymd(2025, 2, 28));
  EXPECT_FLOAT_EQ(At(feb_end.values, Feature::kPaidRatio1m), 0.0f);
  EXPECT_FLOAT_EQ(At(feb_end.values, Feature::kArrearsTotal), 0.0f);
  EXPECT_FLOAT_EQ(At(feb_end.values, Feature::kDaysSinceLastPayment), 49.0f);  // Jan 10
  // What the payment features miss, prepaid_months says: $600 held on Jan 31 is 1.5 months of
  // $400; $200 is left after February; nothing after March. (Before it, a prepaid obligor
  // read "paid 0%" with nothing else to tell it from one who stopped paying.)
  EXPECT_FLOAT_EQ(At(jan.values, Feature::kPrepaidMonths), 1.5f);
  EXPECT_FLOAT_EQ(At(feb_end.values, Feature::kPrepaidMonths), 0.5f);
  // March: the last $200 held pays half of March; $200 unpaid is not a month's support.
  const Outcome mar = ObservedOutcome(*h, Date::Ymd(2025, 2, 28), ref->policy);
  EXPECT_EQ(mar.paid_next, Money::FromCents(20000));
  EXPECT_FALSE(mar.delinquent);
  // April: nothing held is left: a new delinquency.
  const FeatureRow march = ExtractFeatures(*h, *ref, Date::Ymd(2025, 3, 31));
  EXPECT_TRUE(march.balance.held_total.is_zero());
  EXPECT_FLOAT_EQ(At(march.values, Feature::kPrepaidMonths), 0.0f);
  const Outcome apr = ObservedOutcome(*h, Date::Ymd(2025, 3, 31), ref->policy, &march.balance);
  EXPECT_EQ(apr.paid_next, Money());
  EXPECT_TRUE(apr.delinquent);
  // Under `none` the money stays held, and February is counted unpaid.
  DistributionPolicy none = ref->policy;
  none.futures = FuturesRule::kNone;
  const Outcome held = ObservedOutcome(*h, Date::Ymd(2025, 1, 31), none);
  EXPECT_EQ(held.paid_next, Money());
  EXPECT_TRUE(held.delinquent);
}

// The withholding feature (and its key factor "an income withholding order is with the
// current employer") follows the IWO's dated rejection or end: an `iwo_rejected` event takes
// that IWO out from its date on, and a score as of an earlier day still sees it (no
// leakage). Enforcement looks the IWO up in the IWO table and said "none" while the model said
// "in place".
TEST(FeaturesTest, ARejectedOrEndedIwoIsNoLongerActiveFromItsDate) {
  testing::World w;
  const PersonId obligor = w.Person("Ira", "Woe");
  const CaseId c = w.SimpleCase(obligor, 40000, Date::Ymd(2025, 1, 1));
  Employer acme;
  acme.fein = "123456789";
  acme.name = "Acme";
  auto employer = w.store().UpsertEmployer(acme);
  ASSERT_TRUE(employer.ok());
  Employment job;
  job.person = obligor;
  job.employer = *employer;
  job.start_date = Date::Ymd(2025, 1, 15);
  ASSERT_TRUE(w.store().InsertEmployment(job).ok());
  auto event = [&](Date d, std::string_view kind, const std::string& detail) {
    CaseEvent e;
    e.person = obligor;
    e.case_id = c;
    e.date = d;
    e.kind = std::string(kind);
    e.detail = detail;
    ASSERT_TRUE(w.store().InsertCaseEvent(e).ok());
  };
  event(Date::Ymd(2025, 2, 1), "iwo_issued", "employer_fein=123456789 iwo=7 due=2025-02-15");
  event(Date::Ymd(2025, 3, 15), kIwoRejectedEvent, "employer_fein=123456789 iwo=7 reason=TE");
  auto ref = LoadReference(w.store());
  ASSERT_TRUE(ref.ok());
  auto h = LoadObligorHistory(w.store(), obligor);
  ASSERT_TRUE(h.ok());
  auto iwo_on = [&](Date d) {
    return At(ExtractFeatures(*h, *ref, d).values, Feature::kIwoActive);
  };
  EXPECT_EQ(iwo_on(Date::Ymd(2025, 2, 28)), 1.0f);
  EXPECT_EQ(iwo_on(Date::Ymd(2025, 3, 14)), 1.0f) << "the rejection is not known yet";
  EXPECT_EQ(iwo_on(Date::Ymd(2025, 3, 15)), 0.0f);
  EXPECT_EQ(iwo_on(Date::Ymd(2025, 4, 30)), 0.0f);
  // A second IWO to the same employer stands until it ends; a rejection of another employer's
  // IWO changes nothing.
  event(Date::Ymd(2025, 4, 1), "iwo_issued", "employer_fein=123456789 iwo=9 due=2025-04-15");
  event(Date::Ymd(2025, 4, 20), kIwoRejectedEvent, "employer_fein=999999999 iwo=9 reason=TE");
  event(Date::Ymd(2025, 5, 10), kIwoEndedEvent, "employer_fein=123456789 iwo=9");
  h = LoadObligorHistory(w.store(), obligor);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(iwo_on(Date::Ymd(2025, 3, 31)), 0.0f);
  EXPECT_EQ(iwo_on(Date::Ymd(2025, 4, 30)), 1.0f);
  EXPECT_EQ(iwo_on(Date::Ymd(2025, 5, 10)), 0.0f);
}

// The row carries the exact facts the key factors' text states: whether any payment is on
// record, the monthly support and tax offsets in cents. The feature values are unchanged
// (days since the first order when nothing was paid).
TEST(FeaturesTest, TheRowSaysWhetherAnyPaymentIsOnRecord) {
  testing::World w;
  const PersonId never = w.Person("Nev", "Er");
  const CaseId c1 = w.SimpleCase(never, 40001, Date::Ymd(2025, 1, 1));
  (void)c1;
  const PersonId payer = w.Person("Pay", "Er");
  const CaseId c2 = w.SimpleCase(payer, 40000, Date::Ymd(2025, 1, 1));
  ASSERT_TRUE(w.Pay("p1", c2, 40000, Date::Ymd(2025, 3, 10), PaymentSource::kTaxOffset).ok());
  auto ref = LoadReference(w.store());
  ASSERT_TRUE(ref.ok());
  const Date as_of = Date::Ymd(2025, 4, 30);
  const FeatureRow none = ExtractFeatures(*LoadObligorHistory(w.store(), never), *ref, as_of);
  EXPECT_FALSE(none.last_payment.has_value());
  EXPECT_FLOAT_EQ(At(none.values, Feature::kDaysSinceLastPayment), 119.0f);  // since Jan 1
  EXPECT_EQ(none.monthly_support, Money::FromCents(40001));
  const FeatureRow paid = ExtractFeatures(*LoadObligorHistory(w.store(), payer), *ref, as_of);
  ASSERT_TRUE(paid.last_payment.has_value());
  EXPECT_EQ(*paid.last_payment, Date::Ymd(2025, 3, 10));
  EXPECT_EQ(paid.tax_offset_12m, Money::FromCents(40000));
}

TEST(FeaturesTest, UnknownPersonAndPersonWithoutCaseAreClearErrors) {
  testing::World w;
  const PersonId lonely = w.Person("Ann", "Lee");
  EXPECT_EQ(LoadObligorHistory(w.store(), PersonId{999}).status().reason(), "person_not_found");
  EXPECT_EQ(LoadObligorHistory(w.store(), lonely).status().reason(), "obligor_has_no_case");
}

// Leakage: the features of a simulated obligor as of a date equal those computed from a copy
// of the history with every record dated after that date removed.
TEST(FeaturesTest, NoLeakageFromRecordsAfterTheAsOfDate) {
  auto store = SqliteStore::Open(":memory:", SqliteStore::OpenMode::kCreate);
  ASSERT_TRUE(store.ok());
  sim::SimOptions o;
  o.cases = 150;
  o.months = 24;
  o.seed = 5;
  o.as_of = Date::Ymd(2025, 6, 30);
  ASSERT_TRUE(sim::Simulate(**store, o, Date::Ymd(2026, 1, 1), {}).ok());
  auto ref = LoadReference(**store);
  ASSERT_TRUE(ref.ok());
  const Date as_of = Date::Ymd(2024, 9, 30);
  int compared = 0;
  for (int64_t id = 1; compared < 60 && id < 2000; ++id) {
    auto h = LoadObligorHistory(**store, PersonId{id});
    if (!h.ok()) continue;
    ObligorHistory cut = *h;
    std::erase_if(cut.collections, [&](const Collection& c) { return c.date > as_of; });
    for (Collection& c : cut.collections) {
      if (c.reversed_date && *c.reversed_date > as_of) c.reversed_date.reset();
    }
    std::erase_if(cut.jobs, [&](const Employment& j) { return j.start_date > as_of; });
    for (Employment& j : cut.jobs) {
      if (j.end_date && *j.end_date > as_of) j.end_date.reset();
    }
    std::erase_if(cut.events, [&](const CaseEvent& e) { return e.date > as_of; });
    for (CaseBook& b : cut.books) {
      std::erase_if(b.orders, [&](const Order& x) { return x.effective_date > as_of; });
      for (Order& x : b.orders) {
        if (x.end_date && *x.end_date > as_of) x.end_date.reset();
      }
    }
    const FeatureRow full = ExtractFeatures(*h, *ref, as_of);
    const FeatureRow past = ExtractFeatures(cut, *ref, as_of);
    EXPECT_TRUE(SameFeatures(full.values, past.values)) << "obligor " << id;
    ++compared;
  }
  EXPECT_EQ(compared, 60);
}

}  // namespace
}  // namespace cse::ai
