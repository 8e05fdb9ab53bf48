// Federal tax offset certification: thresholds and separate assigned / non-assigned amounts.
#include "iwo/offset.h"

#include <gtest/gtest.h>

#include "testing/fixture.h"

namespace cse::iwo {
namespace {

class OffsetTest : public ::testing::Test {
 protected:
  OffsetTest() : world_(":memory:", Date::Ymd(2024, 6, 30)) {}

  PersonId Obligor(const std::string& last, const std::string& ssn) {
    Person p;
    p.first_name = "Pat";
    p.last_name = last;
    p.ssn = ssn;
    return *world_.service().AddPerson(p);
  }
  PersonId Child(std::optional<Date> dob) {
    Person p;
    p.first_name = "Kid";
    p.last_name = "Child";
    p.date_of_birth = dob;
    return *world_.service().AddPerson(p);
  }
  // A case with one child and a monthly order from `start`, never paid.
  CaseId CaseWith(PersonId obligor, std::optional<Date> child_dob, int64_t monthly_cents,
                  Date start, CaseType type = CaseType::kNeverAssistance) {
    NewCase c;
    c.obligor = obligor;
    c.obligee = Obligor("Obligee", "");
    c.children = {Child(child_dob)};
    c.opened = start;
    c.type = type;
    if (type == CaseType::kCurrentAssistance) {
      c.assistance = AssistanceEpisode{CaseId{}, start, std::nullopt, Money::FromCents(100'000)};
    }
    auto id = world_.service().AddCase(c);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    Order o;
    o.case_id = *id;
    o.amount = Money::FromCents(monthly_cents);
    o.effective_date = start;
    EXPECT_TRUE(world_.service().AddOrder(o, std::nullopt).ok());
    return *id;
  }

  testing::World world_;
};

TEST_F(OffsetTest, ThresholdsAndSeparateAmounts) {
  const Date jan = Date::Ymd(2024, 1, 1);
  const Date minor = Date::Ymd(2015, 5, 1);
  // As of 2024-06-30 the June debt is current support, not past-due: five months count.
  // A: $100 × 5 months non-assigned = $500, the threshold: certified non-assigned.
  const PersonId a = Obligor("Able", "123456789");
  CaseWith(a, minor, 10'000, jan);
  // B: $80 × 5 = $400 non-assigned: below.
  const PersonId b = Obligor("Baker", "234567891");
  CaseWith(b, minor, 8'000, jan);
  // C: on assistance, $30 × 5 = $150 permanently assigned, the threshold: assigned only.
  const PersonId c = Obligor("Cole", "345678912");
  CaseWith(c, minor, 3'000, jan, CaseType::kCurrentAssistance);
  // D: $500 owed for a child who is now an adult: not a qualified child.
  const PersonId d = Obligor("Dale", "456789123");
  CaseWith(d, Date::Ymd(2000, 1, 1), 10'000, jan);
  // E: qualifies but has no SSN on file.
  const PersonId e = Obligor("Eve", "");
  CaseWith(e, minor, 10'000, jan);
  // F: the child's birth date is unknown: counted, flagged.
  const PersonId f = Obligor("Fox", "567891234");
  CaseWith(f, std::nullopt, 10'000, jan);

  auto list = BuildOffsetCertification(world_.store(), Date::Ymd(2024, 6, 30));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->obligors, 6);
  EXPECT_EQ(list->no_ssn, 1);
  EXPECT_EQ(list->below_threshold, 2);  // B, D
  ASSERT_EQ(list->certified.size(), 3u);
  const OffsetCandidate& ca = list->certified[0];
  EXPECT_EQ(ca.obligor, a);
  EXPECT_EQ(ca.non_assigned, Money::FromCents(50'000));
  EXPECT_EQ(ca.assigned, Money());
  EXPECT_TRUE(ca.certify_non_assigned);
  EXPECT_FALSE(ca.certify_assigned);
  EXPECT_FALSE(ca.child_age_unverified);
  const OffsetCandidate& cc = list->certified[1];
  EXPECT_EQ(cc.obligor, c);
  EXPECT_EQ(cc.assigned, Money::FromCents(15'000));
  EXPECT_EQ(cc.non_assigned, Money());
  EXPECT_TRUE(cc.certify_assigned);
  EXPECT_FALSE(cc.certify_non_assigned);
  const OffsetCandidate& cf = list->certified[2];
  EXPECT_EQ(cf.obligor, f);
  EXPECT_TRUE(cf.child_age_unverified);
  EXPECT_EQ(cf.ssn, "567891234");
  (void)b;
  (void)d;
  (void)e;
}

}  // namespace
}  // namespace cse::iwo
