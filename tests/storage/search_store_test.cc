// The case search of the SQLite adapter (Store::SearchCasesByName, search_store.cc): a party's
// name in any role finds the case, ignoring letter case, within an office's caseload (the
// assignment overrides the county), paged by case id, with the parties that matched.
#include <gtest/gtest.h>

#include "auth/auth_service.h"
#include "testing/fixture.h"

namespace cse {
namespace {

class SearchStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sam_ = w_.Person("Sam", "Doe");
    ana_ = w_.Person("Ana", "Roe");
    kid_ = w_.Person("Kit", "Doe");
    lee_ = w_.Person("Lee", "Poe");
    zoe_ = w_.Person("Zoe", "DOE");
    case1_ = AddCase(sam_, ana_, {kid_}, "north");  // Doe as obligor and as child
    case2_ = AddCase(lee_, zoe_, {}, "north");      // DOE as obligee
    case3_ = AddCase(lee_, ana_, {}, "south");      // no Doe
  }
  CaseId AddCase(PersonId obligor, PersonId obligee, std::vector<PersonId> children,
                 const std::string& county) {
    NewCase c;
    c.obligor = obligor;
    c.obligee = obligee;
    c.children = std::move(children);
    c.county = county;
    c.opened = Date::Ymd(2024, 1, 1);
    auto id = w_.service().AddCase(c);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return *id;
  }
  std::vector<CaseSearchHit> Search(std::vector<PersonNameQuery> names, std::string office = "",
                                    int64_t after = 0, int64_t limit = 50) {
    auto r = w_.store().SearchCasesByName(names, office, after, limit);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<CaseSearchHit>{};
  }
  testing::World w_;
  PersonId sam_, ana_, kid_, lee_, zoe_;
  CaseId case1_, case2_, case3_;
};

TEST_F(SearchStoreTest, ALastNameFindsEveryRoleIgnoringCase) {
  const auto hits = Search({{"doe", ""}});
  ASSERT_EQ(hits.size(), 2U);
  EXPECT_EQ(hits[0].found.info.id, case1_);
  EXPECT_EQ(hits[0].found.office, "north");
  EXPECT_EQ(hits[0].found.info.children, std::vector<PersonId>{kid_});
  ASSERT_EQ(hits[0].matched.size(), 2U);  // obligor first, then the child
  EXPECT_EQ(hits[0].matched[0].case_role, "obligor");
  EXPECT_EQ(hits[0].matched[0].person, sam_);
  EXPECT_EQ(hits[0].matched[0].first_name, "Sam");
  EXPECT_EQ(hits[0].matched[1].case_role, "child");
  EXPECT_EQ(hits[0].matched[1].person, kid_);
  EXPECT_EQ(hits[1].found.info.id, case2_);
  ASSERT_EQ(hits[1].matched.size(), 1U);
  EXPECT_EQ(hits[1].matched[0].case_role, "obligee");
  EXPECT_EQ(hits[1].matched[0].last_name, "DOE");  // as stored
}

TEST_F(SearchStoreTest, AFirstNameNarrowsAndSeveralNamesAddUp) {
  auto hits = Search({{"Doe", "SAM"}});
  ASSERT_EQ(hits.size(), 1U);
  EXPECT_EQ(hits[0].found.info.id, case1_);
  ASSERT_EQ(hits[0].matched.size(), 1U);
  EXPECT_EQ(hits[0].matched[0].person, sam_);
  hits = Search({{"Doe", "Zoe"}, {"Poe", "Lee"}});
  ASSERT_EQ(hits.size(), 2U);  // Lee Poe's two cases, Zoe Doe's one (the same as one of them)
  EXPECT_EQ(hits[0].found.info.id, case2_);
  ASSERT_EQ(hits[0].matched.size(), 2U);
  EXPECT_EQ(hits[0].matched[0].person, lee_);
  EXPECT_EQ(hits[0].matched[1].person, zoe_);
  EXPECT_EQ(hits[1].found.info.id, case3_);
  EXPECT_TRUE(Search({{"Doe", "Nobody"}}).empty());
  EXPECT_TRUE(Search({{"Do", ""}}).empty());  // whole names only
  EXPECT_TRUE(Search({}).empty());
}

TEST_F(SearchStoreTest, TheOfficeIsTheAssignmentElseTheCounty) {
  EXPECT_EQ(Search({{"Poe", ""}}, "north").size(), 1U);
  EXPECT_EQ(Search({{"Poe", ""}}, "south").size(), 1U);
  ASSERT_TRUE(auth::AssignCaseOffice(w_.store(), w_.clock(), "sup", case3_, "north").ok());
  const auto north = Search({{"Poe", ""}}, "north");
  ASSERT_EQ(north.size(), 2U);
  EXPECT_EQ(north[1].found.office, "north");
  EXPECT_TRUE(Search({{"Poe", ""}}, "south").empty());
  EXPECT_TRUE(Search({{"Doe", ""}}, "east").empty());
}

TEST_F(SearchStoreTest, PagesAfterACaseIdWithALimit) {
  const auto first = Search({{"Poe", ""}, {"Doe", ""}}, "", 0, 2);
  ASSERT_EQ(first.size(), 2U);
  EXPECT_EQ(first[1].found.info.id, case2_);
  const auto rest = Search({{"Poe", ""}, {"Doe", ""}}, "", case2_.value, 2);
  ASSERT_EQ(rest.size(), 1U);
  EXPECT_EQ(rest[0].found.info.id, case3_);
  ASSERT_EQ(rest[0].matched.size(), 1U);
  EXPECT_EQ(rest[0].matched[0].person, lee_);
}

TEST_F(SearchStoreTest, SqlInTheNameIsOnlyText) {
  EXPECT_TRUE(Search({{"Doe' OR '1'='1", ""}}).empty());
  EXPECT_TRUE(Search({{"%", "%"}}).empty());
  EXPECT_EQ(Search({{"Doe", ""}}).size(), 2U);
}

}  // namespace
}  // namespace cse
