// Federal tax offset certification: thresholds and separate assigned / non-assigned amounts.
#include "iwo/offset.h"

#include <gtest/gtest.h>

#include "service/case_closure.h"
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

  // Closes `id` (notice 2024-03-01, closed 2024-05-01) through the closure service.
  void Close(CaseId id) {
    CaseClosureService svc(world_.store(), world_.clock(), "tester",
                           [](Store&, const std::string&, CaseId) { return Status::Ok(); });
    ASSERT_TRUE(svc.RecordNotice({id, "locate_failed", Date::Ymd(2024, 3, 1), ""}).ok());
    auto closed = svc.Close(id, Date::Ymd(2024, 5, 1));
    ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  }
  void Reopen(CaseId id) {  // dated today, 2024-06-30
    CaseClosureService svc(world_.store(), world_.clock(), "tester",
                           [](Store&, const std::string&, CaseId) { return Status::Ok(); });
    ASSERT_TRUE(svc.Reopen(id, "obligor found").ok());
  }
  std::vector<PersonId> Certified(Date as_of) {
    auto list = BuildOffsetCertification(world_.store(), as_of);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<PersonId> out;
    if (list.ok()) {
      for (const OffsetCandidate& c : list->certified) out.push_back(c.obligor);
      closed_cases_ = list->closed_cases;
      below_threshold_ = list->below_threshold;
    }
    return out;
  }

  testing::World world_;
  int64_t closed_cases_ = -1;
  int64_t below_threshold_ = -1;
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

// A closed case takes no enforcement action: the offset leaves out the arrears of a case closed
// on the certification date, and only those (QA: a closed case was certified, and its arrears
// pushed another case over $500).
TEST_F(OffsetTest, ArrearsOfACaseClosedOnTheDateAreLeftOut) {
  const Date jan = Date::Ymd(2024, 1, 1);
  const Date minor = Date::Ymd(2015, 5, 1);
  // G: one case, $200 a month: $600 past due on 2024-04-30, $1,000 on 2024-06-30.
  const PersonId g = Obligor("Gale", "678912345");
  const CaseId g_case = CaseWith(g, minor, 20'000, jan);
  // H: two cases of $60 a month, $300 past due each on 2024-06-30; one is closed.
  const PersonId h = Obligor("Hunt", "789123456");
  CaseWith(h, minor, 6'000, jan);
  const CaseId h_closed = CaseWith(h, minor, 6'000, jan);
  EXPECT_EQ(Certified(Date::Ymd(2024, 6, 30)), (std::vector<PersonId>{g, h}));
  EXPECT_EQ(closed_cases_, 0);

  Close(g_case);
  Close(h_closed);
  EXPECT_EQ(Certified(Date::Ymd(2024, 6, 30)), std::vector<PersonId>{});
  EXPECT_EQ(closed_cases_, 2);
  EXPECT_EQ(below_threshold_, 1);  // H's open case, $300; G has no open case with arrears
  // Before the closing day both were open.
  EXPECT_EQ(Certified(Date::Ymd(2024, 4, 30)), (std::vector<PersonId>{g}));  // H: 2 × $180
  EXPECT_EQ(closed_cases_, 0);

  // Reopened today: open on 2024-06-30, still closed on 2024-06-01.
  Reopen(g_case);
  EXPECT_EQ(Certified(Date::Ymd(2024, 6, 30)), (std::vector<PersonId>{g}));
  EXPECT_EQ(closed_cases_, 1);
  EXPECT_EQ(Certified(Date::Ymd(2024, 6, 1)), std::vector<PersonId>{});
  EXPECT_EQ(closed_cases_, 2);
}

}  // namespace
}  // namespace cse::iwo
