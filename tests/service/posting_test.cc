#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "core/limits.h"
#include "service/audit.h"
#include "service/json.h"
#include "service/replay.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse {
namespace {

using testing::World;

TEST(PostingTest, IdempotencyAnswersExistsOrADistinctCodePerField) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c1 = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  const CaseId c2 = w.SimpleCase(obligor, 20000, Date::Ymd(2024, 1, 1));
  auto first = w.Pay("k1", c1, 30000, Date::Ymd(2024, 3, 10));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->outcome, PostOutcome::kCreated);
  auto again = w.Pay("k1", c1, 30000, Date::Ymd(2024, 3, 10));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, PostOutcome::kExists);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->distribution, first->distribution);
  EXPECT_EQ(w.Pay("k1", c1, 30001, Date::Ymd(2024, 3, 10)).status().reason(),
            "exists_with_different_amount");
  EXPECT_EQ(w.Pay("k1", c1, 30000, Date::Ymd(2024, 3, 11)).status().reason(),
            "exists_with_different_date");
  EXPECT_EQ(w.Pay("k1", c2, 30000, Date::Ymd(2024, 3, 10)).status().reason(),
            "exists_with_different_case");
  EXPECT_EQ(
      w.Pay("k1", c1, 30000, Date::Ymd(2024, 3, 10), PaymentSource::kWithholding).status().reason(),
      "exists_with_different_source");
  EXPECT_EQ(*w.store().CountCollections(), 1);
}

TEST(PostingTest, EveryValidationRuleHasItsOwnCodeAndWritesNothing) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  const int64_t audit_before = *w.store().LastAudit() ? (*w.store().LastAudit())->seq : 0;
  EXPECT_EQ(w.Pay("", c, 100, Date::Ymd(2024, 3, 1)).status().reason(), "key_missing");
  EXPECT_EQ(w.Pay(std::string(200, 'k'), c, 100, Date::Ymd(2024, 3, 1)).status().reason(),
            "key_too_long");
  EXPECT_EQ(w.Pay("a b", c, 100, Date::Ymd(2024, 3, 1)).status().reason(), "key_invalid_char");
  EXPECT_EQ(w.Pay("k", c, 0, Date::Ymd(2024, 3, 1)).status().reason(), "amount_zero");
  EXPECT_EQ(w.Pay("k", c, 100, Date::Ymd(2026, 1, 2)).status().reason(), "date_in_future");
  EXPECT_EQ(w.Pay("k", CaseId{999}, 100, Date::Ymd(2024, 3, 1)).status().reason(),
            "case_not_found");
  EXPECT_EQ(*w.store().CountCollections(), 0);
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before);
}

TEST(PostingTest, OrderRulesAreEnforced) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  Order o;
  o.case_id = c;
  o.amount = Money::FromCents(100);
  o.effective_date = Date::Ymd(2024, 5, 1);
  o.end_date = Date::Ymd(2024, 4, 1);
  EXPECT_EQ(w.service().AddOrder(o, std::nullopt).status().reason(), "order_end_before_start");
  o.end_date.reset();
  o.case_id = CaseId{42};
  EXPECT_EQ(w.service().AddOrder(o, std::nullopt).status().reason(), "case_not_found");
  o.case_id = c;
  EXPECT_EQ(w.service().AddOrder(o, OrderId{77}).status().reason(), "order_not_found");
  o.effective_date = Date::Ymd(2023, 12, 1);
  EXPECT_EQ(w.service().AddOrder(o, OrderId{1}).status().reason(), "order_replaces_not_before");
}

// Each rule of a judgment's accrual period has its own code and message, and a refused order
// writes nothing (no order row, no audit row).
TEST(PostingTest, JudgmentAccrualPeriodRulesHaveTheirOwnCodesAndWriteNothing) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  const int64_t audit_before = (*w.store().LastAudit())->seq;
  Order good;
  good.case_id = c;
  good.type = ObligationType::kArrearsPayback;
  good.amount = Money::FromCents(5000);
  good.effective_date = Date::Ymd(2024, 3, 1);
  good.judgment = Money::FromCents(240000);
  good.judgment_accrued_from = Date::Ymd(2023, 1, 1);
  good.judgment_accrued_through = Date::Ymd(2023, 12, 31);
  struct Bad {
    std::function<void(Order&)> edit;
    std::string code;
    std::string message_part;
  };
  const std::vector<Bad> bad = {
      {[](Order& o) { o.judgment_accrued_through.reset(); }, "order_judgment_period_incomplete",
       "accrued_from 2023-01-01 has no accrued_through"},
      {[](Order& o) { o.judgment_accrued_from.reset(); }, "order_judgment_period_incomplete",
       "accrued_through 2023-12-31 has no accrued_from"},
      {[](Order& o) { o.judgment = Money(); }, "order_judgment_period_without_judgment",
       "needs a judgment amount greater than zero"},
      {[](Order& o) { o.judgment_accrued_from = Date::Ymd(2024, 1, 1); },
       "order_judgment_period_reversed", "accrued_from 2024-01-01 is after accrued_through"},
      {[](Order& o) { o.judgment_accrued_through = Date::Ymd(2024, 3, 2); },
       "order_judgment_period_after_effective",
       "accrued_through 2024-03-02 is after the order's effective date 2024-03-01"},
      {[](Order& o) { o.judgment_accrued_from = Date::Ymd(1983, 12, 31); },
       "order_judgment_period_too_long", "touches 481 months; at most 480"},
      {[](Order& o) {
         o.type = ObligationType::kCurrentSupport;
         o.judgment = Money();
       },
       "order_judgment_period_without_judgment", "needs a judgment amount"},
  };
  for (const Bad& b : bad) {
    Order o = good;
    b.edit(o);
    const Status s = w.service().AddOrder(o, std::nullopt).status();
    EXPECT_EQ(s.reason(), b.code) << s.ToString();
    EXPECT_NE(s.message().find(b.message_part), std::string::npos) << s.ToString();
  }
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before);
  EXPECT_EQ(w.store().ListOrdersByCase(c)->size(), 1u);
  // The boundaries are allowed: through on the effective date, 480 months.
  good.judgment_accrued_from = Date::Ymd(1984, 4, 1);
  good.judgment_accrued_through = good.effective_date;
  auto added = w.service().AddOrder(good, std::nullopt);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  const Order stored = *w.store().GetOrder(*added);
  EXPECT_EQ(stored.judgment_accrued_from, Date::Ymd(1984, 4, 1));
  EXPECT_EQ(stored.judgment_accrued_through, Date::Ymd(2024, 3, 1));
}

TEST(PostingTest, ModificationEndsTheOldOrderAndRedistributes) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("p1", c, 100000, Date::Ymd(2024, 2, 10)).ok());
  // Retroactive modification down to 300.00 from 2024-01-16: January becomes 500*15/31 +
  // 300*16/31, so less of p1 is needed and more is held.
  Order mod;
  mod.case_id = c;
  mod.amount = Money::FromCents(30000);
  mod.effective_date = Date::Ymd(2024, 1, 16);
  ASSERT_TRUE(w.service().AddOrder(mod, OrderId{1}).ok());
  auto ledger = w.service().GetCaseLedger(c, Date::Ymd(2024, 2, 29));
  ASSERT_TRUE(ledger.ok());
  const int64_t january = 24194 + 15484;  // 50000*15/31, 30000*16/31 rounded half up
  EXPECT_EQ(ledger->balance.accrued.cents(), january + 30000);
  EXPECT_EQ(ledger->obligor.held_total.cents(), 100000 - january - 30000);
}

TEST(PostingTest, ReversalRedistributesLaterPaymentsAndKeepsHistory) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("jan", c, 50000, Date::Ymd(2024, 1, 5)).ok());
  auto feb = w.Pay("feb", c, 80000, Date::Ymd(2024, 2, 5));
  ASSERT_TRUE(feb.ok());
  EXPECT_EQ(feb->distribution.held.cents(), 30000);  // January was paid: 300 held
  auto rev = w.service().ReversePayment("jan", Date::Ymd(2024, 2, 20), "NSF");
  ASSERT_TRUE(rev.ok()) << rev.status().ToString();
  EXPECT_EQ(rev->redistributed, 1);
  auto stored = w.store().FindCollectionByKey("feb");
  EXPECT_EQ(stored->value().distribution.held.cents(), 0);  // now pays January arrears
  EXPECT_EQ(stored->value().distribution.to_family.cents(), 80000);
  EXPECT_EQ(w.service().ReversePayment("jan", Date::Ymd(2024, 2, 21), "NSF").status().reason(),
            "already_reversed");
  EXPECT_EQ(w.service().ReversePayment("nope", Date::Ymd(2024, 2, 21), "NSF").status().reason(),
            "collection_not_found");
  EXPECT_EQ(w.service().ReversePayment("feb", Date::Ymd(2024, 2, 1), "NSF").status().reason(),
            "reversal_before_receipt");
  // As of a date before the reversal the January payment still counts.
  auto before = w.service().GetCaseLedger(c, Date::Ymd(2024, 2, 10));
  EXPECT_EQ(before->balance.arrears_total.cents(), 0);
  auto after = w.service().GetCaseLedger(c, Date::Ymd(2024, 2, 29));
  EXPECT_EQ(after->balance.arrears_total.cents(), 20000);
}

TEST(PostingTest, BackdatedPaymentRedistributesLaterOnes) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("mar", c, 150000, Date::Ymd(2024, 3, 5)).ok());
  auto jan = w.Pay("jan", c, 50000, Date::Ymd(2024, 1, 5));
  ASSERT_TRUE(jan.ok());
  EXPECT_EQ(jan->redistributed, 1);
  EXPECT_EQ(w.store().FindCollectionByKey("mar")->value().distribution.held.cents(), 50000);
}

TEST(PostingTest, CaseTypeFollowsAssistanceEpisodes) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const PersonId obligee = w.Person("Ana", "Roe");
  NewCase nc;
  nc.obligor = obligor;
  nc.obligee = obligee;
  nc.type = CaseType::kCurrentAssistance;
  EXPECT_EQ(w.service().AddCase(nc).status().reason(), "case_type_needs_assistance");
  nc.assistance =
      AssistanceEpisode{{}, Date::Ymd(2025, 1, 1), Date::Ymd(2025, 6, 30), Money::FromCents(30000)};
  EXPECT_EQ(w.service().AddCase(nc).status().reason(), "case_type_assistance_mismatch");
  nc.assistance->end_date.reset();
  auto id = w.service().AddCase(nc);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(w.store().GetCase(*id)->type, CaseType::kCurrentAssistance);
  ASSERT_TRUE(w.service().EndAssistance(*id, Date::Ymd(2025, 6, 30)).ok());
  EXPECT_EQ(w.store().GetCase(*id)->type, CaseType::kFormerAssistance);
  EXPECT_EQ(w.service().EndAssistance(*id, Date::Ymd(2025, 7, 30)).reason(), "assistance_not_open");
}

// QA 2026-12-05: `case add --county alder` beside the office "Alder" made a caseload of its own
// (caseloads and `?office=` compare names exactly); user add and assign-office refused it.
TEST(PostingTest, ACaseCountyIsSpelledAsTheOfficeInUse) {
  World w;
  NewCase nc;
  nc.obligor = w.Person("Sam", "Doe");
  nc.obligee = w.Person("Ana", "Roe");
  nc.county = "Alder";
  const auto first = w.service().AddCase(nc);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const int64_t audit_before = (*w.store().LastAudit())->seq;
  for (const char* other : {"alder", "ALDER"}) {
    nc.county = other;
    const auto refused = w.service().AddCase(nc);
    ASSERT_FALSE(refused.ok()) << other;
    EXPECT_EQ(refused.status().reason(), "office_case_mismatch");
    EXPECT_EQ(refused.status().message(),
              std::string("county '") + other +
                  "' differs only in letter case from 'Alder' in use; caseloads compare office "
                  "names exactly: give it as spelled");
  }
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before);  // nothing written
  EXPECT_EQ(w.store().ListCasesByObligor(nc.obligor)->size(), 1u);
  // As spelled, and a new office, and none: accepted.
  for (const char* ok : {"Alder", "Birch", ""}) {
    nc.county = ok;
    EXPECT_TRUE(w.service().AddCase(nc).ok()) << ok;
  }
  // An office in use only as a case's assignment counts too.
  ASSERT_TRUE(w.store().SetCaseOffice(*first, "North Side").ok());
  nc.county = "north side";
  EXPECT_EQ(w.service().AddCase(nc).status().reason(), "office_case_mismatch");
}

// A county with a space at either end, or an invisible character, was a new office no caseload
// held ("Birch " beside "Birch"; QA 2026-12-05): refused as a user's office is.
TEST(PostingTest, ACaseCountyIsAValidOfficeName) {
  World w;
  NewCase nc;
  nc.obligor = w.Person("Sam", "Doe");
  nc.obligee = w.Person("Ana", "Roe");
  const int64_t audit_before = (*w.store().LastAudit())->seq;
  for (const std::string& bad : {std::string("Birch "), std::string(" Birch"),
                                 std::string("Bi\u00a0rch"), std::string("Bi\u200brch")}) {
    nc.county = bad;
    const auto refused = w.service().AddCase(nc);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().reason(), "office_invalid") << bad;
    EXPECT_EQ(refused.status().message().rfind("county", 0), 0u) << refused.status().message();
  }
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before);  // nothing written
  EXPECT_TRUE(w.store().ListCasesByObligor(nc.obligor)->empty());
  nc.county = "Birch Hollow";
  EXPECT_TRUE(w.service().AddCase(nc).ok());
}

TEST(PostingTest, ConfigIsValidatedAndLockedOncePaymentsExist) {
  World w;
  EXPECT_EQ(w.service().SetConfig("distribution.nope", "x").reason(), "config_key_unknown");
  EXPECT_EQ(w.service().SetConfig("distribution.assignment_model", "x").reason(),
            "config_value_invalid");
  EXPECT_EQ(w.service().SetConfig("distribution.federal_share_bps", "10001").reason(),
            "config_value_invalid");
  ASSERT_TRUE(w.service().SetConfig("distribution.assignment_model", "prwora").ok());
  EXPECT_EQ(LoadPolicy(w.store())->assignment_model, AssignmentModel::kPrwora);
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("k", c, 100, Date::Ymd(2024, 1, 2)).ok());
  EXPECT_EQ(w.service().SetConfig("distribution.assignment_model", "dra").reason(),
            "config_locked_after_postings");
}

// distribution.futures: validated like the other options; unset means none (a database from
// before the setting keeps its distributions); RecordNewDatabaseDefaults records all once, with
// an audit row, only while no payment is on file and the key is unset.
TEST(PostingTest, FuturesRuleIsConfigAndNewDatabasesRecordAll) {
  World w;
  EXPECT_EQ(LoadPolicy(w.store())->futures, FuturesRule::kNone);
  EXPECT_EQ(w.service().SetConfig("distribution.futures", "sometimes").reason(),
            "config_value_invalid");
  ASSERT_TRUE(w.service().SetConfig("distribution.futures", "withholding").ok());
  EXPECT_EQ(LoadPolicy(w.store())->futures, FuturesRule::kWithholding);
  // Already set: nothing recorded.
  EXPECT_FALSE(*w.service().RecordNewDatabaseDefaults());
  EXPECT_EQ(LoadPolicy(w.store())->futures, FuturesRule::kWithholding);

  World fresh;
  ASSERT_TRUE(*fresh.service().RecordNewDatabaseDefaults());
  EXPECT_EQ(LoadPolicy(fresh.store())->futures, FuturesRule::kAll);
  int config_rows = 0;
  ASSERT_TRUE(fresh.store()
                  .ScanAudit([&](const AuditRow& row) {
                    if (row.action == "config.set" && row.entity_id == "distribution.futures") {
                      ++config_rows;
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(config_rows, 1);

  World staffed;  // an upgraded database with staff: only an active admin records the rule
  ASSERT_TRUE(staffed.store()
                  .UpsertStaffUser(enforce::StaffUser{"root", enforce::Role::kAdmin, true})
                  .ok());
  ASSERT_TRUE(staffed.store()
                  .UpsertStaffUser(enforce::StaffUser{"cal", enforce::Role::kCaseworker, true})
                  .ok());
  LedgerService caseworker(staffed.store(), staffed.clock(), "cal");
  EXPECT_FALSE(*caseworker.RecordNewDatabaseDefaults());
  EXPECT_EQ(LoadPolicy(staffed.store())->futures, FuturesRule::kNone);
  LedgerService admin(staffed.store(), staffed.clock(), "root");
  EXPECT_TRUE(*admin.RecordNewDatabaseDefaults());
  EXPECT_EQ(LoadPolicy(staffed.store())->futures, FuturesRule::kAll);

  World old;  // an older database: payments on file, key unset
  const CaseId c = old.SimpleCase(old.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(old.Pay("k", c, 100, Date::Ymd(2024, 1, 2)).ok());
  EXPECT_FALSE(*old.service().RecordNewDatabaseDefaults());
  EXPECT_EQ(LoadPolicy(old.store())->futures, FuturesRule::kNone);
}

// Audit rows on file (to show that a refused setting writes nothing).
int64_t AuditRows(World& w) {
  int64_t rows = 0;
  EXPECT_TRUE(w.store()
                  .ScanAudit([&](const AuditRow&) {
                    ++rows;
                    return Status::Ok();
                  })
                  .ok());
  return rows;
}

// Pass-through limits (42 USC 657(a)(6); the excepted portion, 100.00 a month or 200.00 with
// two or more children, is general knowledge of DRA 2005 §7301, NOT verified in FACTS.md): an
// amount from 0.00 to the excepted portion; each bad value has its code and writes nothing.
TEST(PostingTest, PassThroughSettingsAreMoneyUpToTheExceptedPortionAndBadValuesWriteNothing) {
  World w;
  const std::string one = "distribution.pass_through_one_child";
  const std::string two = "distribution.pass_through_two_or_more_children";
  const auto listed = [&](const std::string& key) {
    auto all = w.service().ListConfig();
    EXPECT_TRUE(all.ok());
    for (const auto& [k, v] : *all) {
      if (k == key) return v;
    }
    return std::string("(missing)");
  };
  EXPECT_EQ(listed(one), "0.00");  // the default: no pass-through
  EXPECT_EQ(listed(two), "0.00");
  const int64_t audit_rows = AuditRows(w);
  const int64_t generation = *w.store().LedgerGeneration();
  for (const auto& [key, value, reason] :
       {std::tuple{one, "fifty", "config_value_invalid"},
        std::tuple{one, "-5.00", "config_value_invalid"},
        std::tuple{one, "12.345", "config_value_invalid"},
        std::tuple{one, "", "config_value_invalid"},
        std::tuple{one, "100.01", "pass_through_above_excepted_portion"},
        std::tuple{two, "200.01", "pass_through_above_excepted_portion"},
        std::tuple{two, "1000000", "pass_through_above_excepted_portion"}}) {
    const Status s = w.service().SetConfig(key, value);
    EXPECT_EQ(s.reason(), reason) << key << " " << value;
    EXPECT_NE(s.message().find(key), std::string::npos) << s.message();
    EXPECT_FALSE(*w.store().GetSetting(key)) << key << " " << value;
  }
  const Status above = w.service().SetConfig(one, "100.01");
  EXPECT_NE(above.message().find("federal share of the excess"), std::string::npos)
      << above.message();
  EXPECT_EQ(AuditRows(w), audit_rows);
  EXPECT_EQ(*w.store().LedgerGeneration(), generation);
  // The limits themselves are accepted; the two-or-more limit may exceed the one-child one.
  ASSERT_TRUE(w.service().SetConfig(one, "100.00").ok());
  ASSERT_TRUE(w.service().SetConfig(one, "50").ok());
  ASSERT_TRUE(w.service().SetConfig(two, "150.00").ok());
  EXPECT_EQ(LoadPolicy(w.store())->pass_through_one_child, Money::FromCents(5000));
  EXPECT_EQ(LoadPolicy(w.store())->pass_through_two_or_more_children, Money::FromCents(15000));
  EXPECT_EQ(listed(one), "50.00");
  EXPECT_EQ(AuditRows(w), audit_rows + 3);
  // Like every distribution option, locked once a payment is on file.
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("k", c, 100, Date::Ymd(2024, 1, 2)).ok());
  EXPECT_EQ(w.service().SetConfig(one, "0.00").reason(), "config_locked_after_postings");
  EXPECT_EQ(*w.store().GetSetting(one), "50");
}

// Once an active admin exists, state options are an admin's to change and the risk tiers an
// admin's or a supervisor's; before, any --user (staff or not) could change them.
TEST(PostingTest, OnlyAnAdminChangesStateOptionsOnceStaffed) {
  World w;
  // Bootstrap: no admin yet, anyone may set up.
  ASSERT_TRUE(w.service().SetConfig("distribution.federal_share_bps", "5800").ok());
  for (const auto& [id, role] :
       {std::pair{"root", enforce::Role::kAdmin}, std::pair{"sue", enforce::Role::kSupervisor},
        std::pair{"cal", enforce::Role::kCaseworker}}) {
    ASSERT_TRUE(w.store().UpsertStaffUser(enforce::StaffUser{id, role, true}).ok());
  }
  LedgerService stranger(w.store(), w.clock(), "randomguy");
  LedgerService caseworker(w.store(), w.clock(), "cal");
  LedgerService supervisor(w.store(), w.clock(), "sue");
  LedgerService admin(w.store(), w.clock(), "root");
  EXPECT_EQ(stranger.SetConfig("risk.tier_high_above", "80").reason(), "user_unknown");
  EXPECT_EQ(caseworker.SetConfig("risk.tier_high_above", "80").reason(), "role_not_allowed");
  EXPECT_EQ(supervisor.SetConfig("distribution.federal_share_bps", "6000").reason(),
            "role_not_allowed");
  EXPECT_EQ(*w.store().GetSetting("distribution.federal_share_bps"), "5800");  // unchanged
  EXPECT_TRUE(supervisor.SetConfig("risk.tier_high_above", "80").ok());
  EXPECT_TRUE(admin.SetConfig("distribution.federal_share_bps", "6000").ok());
  EXPECT_EQ(*w.store().GetSetting("risk.tier_high_above"), "80");
  EXPECT_EQ(*w.store().GetSetting("distribution.federal_share_bps"), "6000");
}

TEST(AuditTest, ChainDetectsTamperingAndReplayMatches) {
  World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("k1", c, 70000, Date::Ymd(2024, 3, 1)).ok());
  ASSERT_TRUE(w.Pay("k2", c, 10000, Date::Ymd(2024, 4, 1)).ok());
  ASSERT_TRUE(w.service().ReversePayment("k1", Date::Ymd(2024, 4, 2), "NSF").ok());
  auto v = VerifyAuditChain(w.store());
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->intact);
  EXPECT_GE(v->rows, 7);
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0);
  EXPECT_EQ(cmp->collections, 2);

  // Updates and deletes are refused outright...
  EXPECT_FALSE(w.store().ExecForTesting("UPDATE audit SET actor = 'x' WHERE seq = 3").ok());
  EXPECT_FALSE(w.store().ExecForTesting("DELETE FROM audit WHERE seq = 3").ok());
  // ...and someone who drops the guard to rewrite history is caught by the chain.
  ASSERT_TRUE(w.store().ExecForTesting("DROP TRIGGER audit_no_update").ok());
  ASSERT_TRUE(w.store()
                  .ExecForTesting("UPDATE audit SET after = replace(after, '700.00', '70.00') "
                                  "WHERE action = 'payment.post'")
                  .ok());
  auto broken = VerifyAuditChain(w.store());
  ASSERT_TRUE(broken.ok());
  EXPECT_FALSE(broken->intact);
  EXPECT_NE(broken->problem.find("hash mismatch"), std::string::npos);
}

// Payments of an obligor the audit trail has no case for are caught both ways: rows written
// straight into the store for a case the trail never had, and trail rows whose case is
// missing from it.
TEST(AuditTest, ReplayNoticesCollectionsOfObligorsWithNoCaseInTheTrail) {
  World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("k1", c, 70000, Date::Ymd(2024, 3, 1)).ok());
  auto clean = CompareReplayWithStore(w.store());
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_EQ(clean->mismatches, 0);

  // A person, a case and a payment inserted around the service: no audit row for any of them.
  const CaseId ghost_case = w.StoreOnlyCase("Ghost");
  const PersonId obligor = w.store().GetCase(ghost_case)->obligor;
  StoredCollection row;
  row.collection = Collection{{},
                              "ghost-1",
                              ghost_case,
                              obligor,
                              Money::FromCents(5000),
                              Date::Ymd(2024, 3, 2),
                              PaymentSource::kDirect,
                              {},
                              {}};
  row.distribution.to_family = Money::FromCents(5000);
  row.posted_at = "2026-01-01T00:00:00.000000Z";
  row.posted_by = "someone";
  ASSERT_TRUE(w.store().InsertCollection(row).ok());
  auto around = CompareReplayWithStore(w.store());
  ASSERT_TRUE(around.ok()) << around.status().ToString();
  // The case, its two persons (no person.add row either) and the collection.
  const int64_t obligee = w.store().GetCase(ghost_case)->obligee.value;
  EXPECT_EQ(around->mismatches, 4);
  ASSERT_EQ(around->problems.size(), 4u);
  EXPECT_EQ(around->problems[0], "iv_d_case " + std::to_string(ghost_case.value) + " (" +
                                     CaseDisplayId(ghost_case) +
                                     "): in the store, not in the audit trail");
  EXPECT_EQ(around->problems[1], "person " + std::to_string(obligor.value) + " (" +
                                     PersonDisplayId(obligor) +
                                     "): in the store, not in the audit trail");
  EXPECT_EQ(around->problems[2], "person " + std::to_string(obligee) + " (" +
                                     PersonDisplayId(PersonId{obligee}) +
                                     "): in the store, not in the audit trail");
  EXPECT_NE(around->problems[3].find("1 stored collections belong to obligors with no case"),
            std::string::npos)
      << around->problems[3];

  // A trail row paying that obligor, whose case.add the trail lacks.
  Collection listed = row.collection;
  listed.id = CollectionId{9999};
  ASSERT_TRUE(w.store().Begin().ok());
  ASSERT_TRUE(AppendAudit(w.store(), w.clock(), "someone", "payment.post", "collection", "ghost-1",
                          "", ToJson(listed).dump())
                  .ok());
  ASSERT_TRUE(w.store().Commit().ok());
  auto listed_only = CompareReplayWithStore(w.store());
  ASSERT_TRUE(listed_only.ok()) << listed_only.status().ToString();
  EXPECT_EQ(listed_only->mismatches, 5);
  bool named = false;
  for (const std::string& p : listed_only->problems) {
    named = named || p.find("obligor " + std::to_string(obligor.value) +
                            ": 1 collections in the audit trail, but no case of theirs") !=
                         std::string::npos;
  }
  EXPECT_TRUE(named);
}

TEST(AuditTest, ReplayNoticesAStoredDistributionChangedBehindItsBack) {
  World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("k1", c, 70000, Date::Ymd(2024, 3, 1)).ok());
  ASSERT_TRUE(w.store()
                  .ExecForTesting("UPDATE collection SET to_family_cents = 1 WHERE "
                                  "idempotency_key = 'k1'")
                  .ok());
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->mismatches, 1);
}

// The audit replay reads the pass-through limits from the trail's config.set rows and
// reproduces every stored distribution with them, through posting, a backdated posting and a
// reversal; an edited limit in the store is a settings mismatch.
TEST(AuditTest, ReplayReproducesPassThroughDistributionsWithTheSettings) {
  World w(":memory:", Date::Ymd(2024, 6, 30));
  ASSERT_TRUE(w.service().SetConfig("distribution.pass_through_one_child", "50.00").ok());
  ASSERT_TRUE(
      w.service().SetConfig("distribution.pass_through_two_or_more_children", "120.00").ok());
  NewCase nc;
  nc.obligor = w.Person("Sam", "Doe");
  nc.obligee = w.Person("Pat", "Doe");
  nc.children = {w.Person("Kim", "Doe")};
  nc.type = CaseType::kCurrentAssistance;
  nc.opened = Date::Ymd(2024, 3, 1);
  nc.assistance = AssistanceEpisode{{}, Date::Ymd(2024, 3, 1), {}, Money::FromCents(100000)};
  const CaseId c = *w.service().AddCase(nc);
  Order o;
  o.case_id = c;
  o.amount = Money::FromCents(40000);
  o.effective_date = Date::Ymd(2024, 3, 1);
  ASSERT_TRUE(w.service().AddOrder(o, std::nullopt).ok());
  ASSERT_TRUE(w.Pay("p1", c, 15000, Date::Ymd(2024, 3, 5)).ok());
  ASSERT_TRUE(w.Pay("p2", c, 25000, Date::Ymd(2024, 3, 20)).ok());
  // Backdated: Mar 2 comes first and takes March's 50.00, so p1 passes nothing.
  ASSERT_TRUE(w.Pay("p0", c, 5000, Date::Ymd(2024, 3, 2)).ok());
  ASSERT_TRUE(w.Pay("p3", c, 40000, Date::Ymd(2024, 4, 5)).ok());
  ASSERT_TRUE(w.service().ReversePayment("p0", Date::Ymd(2024, 4, 10), "NSF").ok());
  const auto passed = [&](const std::string& key) {
    return PassedThrough((*w.store().FindCollectionByKey(key))->distribution);
  };
  EXPECT_EQ(passed("p1"), Money::FromCents(5000));  // March's limit again once p0 is reversed
  EXPECT_EQ(passed("p2"), Money());
  EXPECT_EQ(passed("p3"), Money::FromCents(5000));

  auto replay = ReplayAuditTrail(w.store());
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->policy.pass_through_one_child, Money::FromCents(5000));
  EXPECT_EQ(replay->policy.pass_through_two_or_more_children, Money::FromCents(12000));
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0) << (cmp->problems.empty() ? "" : cmp->problems.front());
  EXPECT_EQ(cmp->collections, 4);

  ASSERT_TRUE(w.store()
                  .ExecForTesting("UPDATE settings SET value = '0.00' WHERE key = "
                                  "'distribution.pass_through_one_child'")
                  .ok());
  auto edited = CompareReplayWithStore(w.store());
  ASSERT_TRUE(edited.ok());
  EXPECT_EQ(edited->mismatches, 1);
  ASSERT_FALSE(edited->problems.empty());
  EXPECT_NE(edited->problems.front().find("distribution.pass_through_one_child"), std::string::npos)
      << edited->problems.front();
}

// The ids of InputFlowsWorld's rows.
struct InputFlows {
  PersonId child;
  CaseId plain;     // never assistance until assistance is added, later ended in the future
  CaseId assisted;  // current assistance with family violence, then former
  OrderId first;    // ended by `modified`
  OrderId modified;
  OrderId payback;  // arrears payback with a judgment
};

// Every flow that changes the ledger's inputs, as the services write them: a child with a
// per-child term, a modification ending the old order, an arrears judgment, a case opened on
// assistance, assistance added to a case and ended (the case type refreshed on each day),
// payments and a reversal.
InputFlows BuildInputFlows(World& w) {
  InputFlows ids;
  const PersonId obligor = w.Person("Sam", "Doe");
  ids.child = w.Person("Kim", "Doe");
  NewCase plain;
  plain.obligor = obligor;
  plain.obligee = w.Person("Pat", "Doe");
  plain.children = {ids.child};
  plain.county = "Alder";
  plain.opened = Date::Ymd(2024, 1, 1);
  ids.plain = *w.service().AddCase(plain);
  Order o;
  o.case_id = ids.plain;
  o.amount = Money::FromCents(50000);
  o.effective_date = Date::Ymd(2024, 1, 1);
  o.child_terms = {ChildTerm{ids.child, Money::FromCents(50000), Date::Ymd(2034, 5, 1)}};
  ids.first = *w.service().AddOrder(o, std::nullopt);
  o.amount = o.child_terms[0].amount = Money::FromCents(60000);
  o.effective_date = Date::Ymd(2024, 7, 1);
  ids.modified = *w.service().AddOrder(o, ids.first);
  Order payback;
  payback.case_id = ids.plain;
  payback.type = ObligationType::kArrearsPayback;
  payback.amount = Money::FromCents(5000);
  payback.judgment = Money::FromCents(100000);
  payback.effective_date = Date::Ymd(2024, 3, 1);
  payback.judgment_accrued_from = Date::Ymd(2023, 7, 1);
  payback.judgment_accrued_through = Date::Ymd(2023, 12, 31);
  ids.payback = *w.service().AddOrder(payback, std::nullopt);

  NewCase assisted;
  assisted.obligor = obligor;
  assisted.obligee = w.Person("Lee", "Roe");
  assisted.type = CaseType::kCurrentAssistance;
  assisted.family_violence = FamilyViolence::kIndicated;
  assisted.county = "Birch";
  assisted.opened = Date::Ymd(2024, 2, 1);
  assisted.assistance = AssistanceEpisode{{}, Date::Ymd(2024, 2, 1), {}, Money::FromCents(30000)};
  ids.assisted = *w.service().AddCase(assisted);
  EXPECT_TRUE(w.service().EndAssistance(ids.assisted, Date::Ymd(2025, 6, 30)).ok());
  EXPECT_TRUE(w.service()
                  .AddAssistance({ids.plain, Date::Ymd(2025, 9, 1), {}, Money::FromCents(20000)})
                  .ok());
  // Ends after today (2026-01-01): the case stays current assistance in the store after the
  // clock passes the end, as it did on the day the end was recorded.
  EXPECT_TRUE(w.service().EndAssistance(ids.plain, Date::Ymd(2026, 2, 28)).ok());
  w.clock().SetMicros(testing::MidnightMicros(Date::Ymd(2026, 3, 15)));
  EXPECT_TRUE(w.service()
                  .AddAssistance({ids.assisted, Date::Ymd(2026, 4, 1), Date::Ymd(2026, 6, 30),
                                  Money::FromCents(10000)})
                  .ok());

  EXPECT_TRUE(w.Pay("p1", ids.plain, 70000, Date::Ymd(2024, 3, 5)).ok());
  EXPECT_TRUE(
      w.Pay("p2", ids.assisted, 40000, Date::Ymd(2024, 4, 5), PaymentSource::kWithholding).ok());
  EXPECT_TRUE(w.Pay("p3", ids.plain, 20000, Date::Ymd(2025, 10, 1)).ok());
  EXPECT_TRUE(w.service().ReversePayment("p2", Date::Ymd(2024, 4, 20), "NSF").ok());
  return ids;
}

TEST(AuditTest, ReplayFindsTheStoredInputsAsTheTrailSaysAfterEveryFlow) {
  World w;
  const InputFlows ids = BuildInputFlows(w);
  EXPECT_EQ(w.store().GetCase(ids.plain)->type, CaseType::kCurrentAssistance);
  EXPECT_EQ(w.store().GetCase(ids.assisted)->type, CaseType::kFormerAssistance);
  EXPECT_EQ(w.store().GetOrder(ids.first)->end_date, Date::Ymd(2024, 6, 30));
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0);
  EXPECT_TRUE(cmp->problems.empty()) << cmp->problems.front();
  EXPECT_EQ(cmp->collections, 3);
  // The judgment's accrual period comes back from its audit row; the others have none.
  auto replay = ReplayAuditTrail(w.store());
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  int with_period = 0;
  for (const CaseBook& book : replay->books_by_obligor.begin()->second) {
    for (const Order& o : book.orders) {
      if (o.id != ids.payback) {
        EXPECT_FALSE(o.judgment_accrued_from || o.judgment_accrued_through);
        continue;
      }
      ++with_period;
      EXPECT_EQ(o.judgment_accrued_from, Date::Ymd(2023, 7, 1));
      EXPECT_EQ(o.judgment_accrued_through, Date::Ymd(2023, 12, 31));
    }
  }
  EXPECT_EQ(with_period, 1);
}

// An input of the ledger edited around the service (it changes what is owed, but no stored
// distribution) is named by table, row and column, and counted.
TEST(AuditTest, ReplayNamesEveryStoredInputEditedAroundTheTrail) {
  struct Tamper {
    std::string sql;
    std::string named;
  };
  // Persons: the obligor 1, the child 2, the obligees 3 and 4. Orders 1 to 3 (BuildInputFlows).
  std::vector<Tamper> tampers = {
      {"UPDATE support_order SET amount_cents = 100 WHERE id = 1",
       "support_order 1 (CASE-000001): amount_cents is 100 in the store, 50000 in the audit "
       "trail"},
      {"UPDATE support_order SET end_date = NULL WHERE id = 1",
       "support_order 1 (CASE-000001): end_date is none in the store, 2024-06-30 in the audit "
       "trail"},
      {"UPDATE support_order SET end_date = '2024-12-31' WHERE id = 2",
       "support_order 2 (CASE-000001): end_date is 2024-12-31 in the store, none in the audit "
       "trail"},
      {"UPDATE support_order SET frequency = 'weekly' WHERE id = 2",
       "support_order 2 (CASE-000001): frequency is weekly in the store, monthly in the audit "
       "trail"},
      {"UPDATE support_order SET judgment_cents = 1 WHERE id = 3",
       "support_order 3 (CASE-000001): judgment_cents is 1 in the store, 100000 in the audit "
       "trail"},
      {"UPDATE support_order SET judgment_accrued_from = '2023-08-01' WHERE id = 3",
       "support_order 3 (CASE-000001): judgment_accrued_from is 2023-08-01 in the store, "
       "2023-07-01 in the audit trail"},
      {"UPDATE support_order SET judgment_accrued_from = NULL, judgment_accrued_through = NULL "
       "WHERE id = 3",
       "support_order 3 (CASE-000001): judgment_accrued_through is none in the store, "
       "2023-12-31 in the audit trail"},
      {"PRAGMA foreign_keys = OFF; DELETE FROM support_order WHERE id = 3",
       "support_order 3 (CASE-000001): in the audit trail, not in the store"},
      {"INSERT INTO support_order(case_id, obligation_type, amount_cents, frequency, "
       "effective_date, judgment_cents) VALUES (1, 'current_support', 5000, 'monthly', "
       "'2024-01-01', 0)",
       "support_order 4 (CASE-000001): in the store, not in the audit trail"},
      {"UPDATE order_child_term SET amount_cents = 1 WHERE order_id = 2",
       "order_child_term (support_order 2, child 2): amount_cents is 1 in the store, 60000 in "
       "the audit trail"},
      {"UPDATE collection SET amount_cents = 1 WHERE idempotency_key = 'p1'",
       "collection 1 (key 'p1'): amount_cents is 1 in the store, 70000 in the audit trail"},
      {"UPDATE collection SET received_date = '2024-01-01' WHERE idempotency_key = 'p3'",
       "collection 3 (key 'p3'): received_date is 2024-01-01 in the store, 2025-10-01 in the "
       "audit trail"},
      {"UPDATE collection SET case_id = 2 WHERE idempotency_key = 'p1'",
       "collection 1 (key 'p1'): case_id is 2 in the store, 1 in the audit trail"},
      {"UPDATE collection SET source = 'tax_offset' WHERE idempotency_key = 'p3'",
       "collection 3 (key 'p3'): source is tax_offset in the store, direct in the audit trail"},
      {"UPDATE collection SET idempotency_key = 'px' WHERE idempotency_key = 'p3'",
       "collection 3 (key 'px'): idempotency_key is 'px' in the store, 'p3' in the audit trail"},
      {"UPDATE collection SET reversed_date = NULL, reversal_reason = '' WHERE "
       "idempotency_key = 'p2'",
       "collection 2 (key 'p2'): reversed_date is none in the store, 2024-04-20 in the audit "
       "trail"},
      {"UPDATE collection SET reversal_reason = 'paid' WHERE idempotency_key = 'p2'",
       "collection 2 (key 'p2'): reversal_reason is 'paid' in the store, 'NSF' in the audit "
       "trail"},
      {"PRAGMA foreign_keys = OFF; DELETE FROM collection WHERE idempotency_key = 'p3'",
       "collection 3 (key 'p3'): in the audit trail, not in the store"},
      {"UPDATE assistance_episode SET monthly_grant_cents = 1 WHERE case_id = 2 AND "
       "start_date = '2024-02-01'",
       "assistance_episode (CASE-000002, start_date 2024-02-01): monthly_grant_cents is 1 in "
       "the store, 30000 in the audit trail"},
      {"UPDATE assistance_episode SET end_date = NULL WHERE case_id = 1",
       "assistance_episode (CASE-000001, start_date 2025-09-01): end_date is none in the store, "
       "2026-02-28 in the audit trail"},
      {"DELETE FROM assistance_episode WHERE case_id = 2 AND start_date = '2026-04-01'",
       "assistance_episode (CASE-000002, start_date 2026-04-01): in the audit trail, not in the "
       "store"},
      {"UPDATE iv_d_case SET family_violence = 0",
       "iv_d_case 2 (CASE-000002): family_violence is 0 in the store, 1 in the audit trail"},
      {"UPDATE iv_d_case SET case_type = 'never_assistance' WHERE id = 2",
       "iv_d_case 2 (CASE-000002): case_type is never_assistance in the store, "
       "former_assistance in the audit trail"},
      {"UPDATE iv_d_case SET status = 'closed' WHERE id = 1",
       "iv_d_case 1 (CASE-000001): status is closed in the store, open in the audit trail"},
      {"UPDATE iv_d_case SET obligee_id = 3 WHERE id = 2",
       "iv_d_case 2 (CASE-000002): obligee_id is 3 in the store, 4 in the audit trail"},
      {"PRAGMA foreign_keys = OFF; DELETE FROM case_child WHERE case_id = 1",
       "iv_d_case 1 (CASE-000001): children (case_child) is [] in the store, [2] in the audit "
       "trail"},
  };
  for (const Tamper& t : tampers) {
    SCOPED_TRACE(t.sql);
    World w;
    BuildInputFlows(w);
    ASSERT_TRUE(w.store().ExecForTesting(t.sql).ok());
    auto cmp = CompareReplayWithStore(w.store());
    ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
    EXPECT_GE(cmp->mismatches, 1);
    ASSERT_FALSE(cmp->problems.empty());
    EXPECT_NE(std::find(cmp->problems.begin(), cmp->problems.end(), t.named), cmp->problems.end())
        << "first problem: " << cmp->problems.front();
  }
}

// A party with every column set, a second party, an employer and an employment record, as
// the services write them (person.add, employer.upsert, employment.add).
void BuildParties(World& w) {
  Person p;
  p.first_name = "Marcus";
  p.middle_name = "J";
  p.last_name = "Ellison";
  p.ssn = "900451201";
  p.date_of_birth = Date::Ymd(1988, 4, 12);
  p.address = Address{"12 Oak St", "Apt 3", "Columbus", "OH", "43215", "Franklin"};
  ASSERT_EQ(w.service().AddPerson(p)->value, 1);
  ASSERT_EQ(w.Person("Dana", "Ellison").value, 2);
  Employer e;
  e.fein = "900112233";
  e.name = "Riverside Logistics";
  e.address = Address{"1 River Rd", "", "Columbus", "OH", "43215", ""};
  ASSERT_EQ(w.service().AddEmployer(e)->value, 1);
  Employment job;
  job.person = PersonId{1};
  job.employer = EmployerId{1};
  job.start_date = Date::Ymd(2024, 6, 1);
  job.gross_per_period = Money::FromCents(185000);
  ASSERT_EQ(*w.service().AddEmployment(job), 1);
}

// A person, employer or employment record edited around the trail is named by table, row and
// column (before 2026-12-05 `audit verify` compared none of them: an SSN or an address changed
// by SQL passed with 0 mismatches).
TEST(AuditTest, ReplayNamesPartiesAndEmploymentEditedAroundTheTrail) {
  {
    World w;
    BuildParties(w);
    auto clean = CompareReplayWithStore(w.store());
    ASSERT_TRUE(clean.ok()) << clean.status().ToString();
    EXPECT_EQ(clean->mismatches, 0);
    EXPECT_TRUE(clean->problems.empty()) << clean->problems.front();
  }
  struct Tamper {
    std::string sql;
    std::string named;
  };
  const std::vector<Tamper> tampers = {
      {"UPDATE person SET line1 = '9 Elm St' WHERE id = 1",
       "person 1 (PRS-000001): line1 is '9 Elm St' in the store, '12 Oak St' in the audit trail"},
      {"UPDATE person SET city = 'Dayton', zip = '45402' WHERE id = 1",
       "person 1 (PRS-000001): zip is '45402' in the store, '43215' in the audit trail"},
      {"UPDATE person SET county = 'Montgomery' WHERE id = 1",
       "person 1 (PRS-000001): county is 'Montgomery' in the store, 'Franklin' in the audit "
       "trail"},
      // The trail keeps only the SSN's last four digits, and the message shows no more.
      {"UPDATE person SET ssn = '900459999' WHERE id = 1",
       "person 1 (PRS-000001): ssn (last 4 digits) is '9999' in the store, '1201' in the audit "
       "trail"},
      {"UPDATE person SET ssn = '' WHERE id = 1",
       "person 1 (PRS-000001): ssn (last 4 digits) is '' in the store, '1201' in the audit "
       "trail"},
      {"UPDATE person SET dob = NULL WHERE id = 1",
       "person 1 (PRS-000001): dob is none in the store, 1988-04-12 in the audit trail"},
      {"UPDATE person SET dob = '1990-01-01' WHERE id = 2",
       "person 2 (PRS-000002): dob is 1990-01-01 in the store, none in the audit trail"},
      {"UPDATE person SET last_name = 'Moore' WHERE id = 2",
       "person 2 (PRS-000002): last_name is 'Moore' in the store, 'Ellison' in the audit trail"},
      {"UPDATE person SET middle_name = '' WHERE id = 1",
       "person 1 (PRS-000001): middle_name is '' in the store, 'J' in the audit trail"},
      {"INSERT INTO person(first_name, last_name) VALUES ('Ghost', 'Person')",
       "person 3 (PRS-000003): in the store, not in the audit trail"},
      {"DELETE FROM person WHERE id = 2",
       "person 2 (PRS-000002): in the audit trail, not in the store"},
      {"UPDATE employer SET name = 'Shell Co' WHERE id = 1",
       "employer 1 (EMP-000001): name is 'Shell Co' in the store, 'Riverside Logistics' in the "
       "audit trail"},
      {"UPDATE employer SET line1 = '2 Dock St' WHERE id = 1",
       "employer 1 (EMP-000001): line1 is '2 Dock St' in the store, '1 River Rd' in the audit "
       "trail"},
      {"UPDATE employer SET fein = '900999999' WHERE id = 1",
       "employer 1 (EMP-000001): fein is '900999999' in the store, '900112233' in the audit "
       "trail"},
      {"UPDATE employment SET gross_per_period_cents = 1 WHERE id = 1",
       "employment 1: gross_per_period_cents is 1 in the store, 185000 in the audit trail"},
      {"UPDATE employment SET person_id = 2 WHERE id = 1",
       "employment 1: person_id is 2 in the store, 1 in the audit trail"},
      {"UPDATE employment SET start_date = '2020-01-01', pay_cycle = 'weekly' WHERE id = 1",
       "employment 1: pay_cycle is weekly in the store, biweekly in the audit trail"},
      {"DELETE FROM employment WHERE id = 1", "employment 1: in the audit trail, not in the store"},
  };
  for (const Tamper& t : tampers) {
    SCOPED_TRACE(t.sql);
    World w;
    BuildParties(w);
    ASSERT_TRUE(w.store().ExecForTesting("PRAGMA foreign_keys = OFF; " + t.sql).ok());
    auto cmp = CompareReplayWithStore(w.store());
    ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
    EXPECT_GE(cmp->mismatches, 1);
    ASSERT_FALSE(cmp->problems.empty());
    EXPECT_NE(std::find(cmp->problems.begin(), cmp->problems.end(), t.named), cmp->problems.end())
        << "first problem: " << cmp->problems.front();
  }
}

// What the trail cannot vouch for is not compared: the keys a row lacks (written before the
// column existed), and an employer's name and address once a new-hire file (whose
// newhire.import row names no employer) may have renamed it; its FEIN still is.
TEST(AuditTest, ReplayComparesOnlyWhatThePartyRowsCarry) {
  World w;
  BuildParties(w);
  Person bare;
  bare.first_name = "Old";
  bare.last_name = "Row";
  bare.address.city = "Akron";
  const PersonId old_row = *w.store().InsertPerson(bare);
  ASSERT_TRUE(w.store().Begin().ok());
  ASSERT_TRUE(AppendAudit(w.store(), w.clock(), "tester", "person.add", "person",
                          PersonDisplayId(old_row), "", R"({"first_name":"Old"})")
                  .ok());
  ASSERT_TRUE(AppendAudit(w.store(), w.clock(), "tester", "newhire.import", "newhire_file", "f1",
                          "", R"({"records":1})")
                  .ok());
  ASSERT_TRUE(w.store().Commit().ok());
  ASSERT_TRUE(w.store().ExecForTesting("UPDATE employer SET name = 'Riverside LLC'").ok());
  auto cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 0);
  EXPECT_TRUE(cmp->problems.empty()) << cmp->problems.front();

  ASSERT_TRUE(w.store()
                  .ExecForTesting("UPDATE person SET first_name = 'New', last_name = 'Name' "
                                  "WHERE id = " +
                                  std::to_string(old_row.value))
                  .ok());
  ASSERT_TRUE(w.store().ExecForTesting("UPDATE employer SET fein = '900999999'").ok());
  cmp = CompareReplayWithStore(w.store());
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->mismatches, 2);
  EXPECT_EQ(cmp->problems,
            (std::vector<std::string>{
                "person 3 (PRS-000003): first_name is 'New' in the store, 'Old' in the audit "
                "trail",
                "employer 1 (EMP-000001): fein is '900999999' in the store, '900112233' in the "
                "audit trail"}));
}

// Runs `command` in a shell; its standard output, and its exit code in `code`.
std::string Shell(const std::string& command, int* code = nullptr) {
  FILE* p = popen(command.c_str(), "r");
  EXPECT_NE(p, nullptr) << command;
  if (p == nullptr) return "";
  std::string out;
  char buf[512];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  if (code != nullptr) {
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  } else {
    EXPECT_EQ(status, 0) << command << "\n" << out;
  }
  return out;
}

// Enforcement actions against their latest audit row: a recommendation, its approval and an
// office assignment, through the command line, leave nothing to report; an approval forged in
// the table is named, and `audit verify` fails.
TEST(AuditTest, ReplayComparesEachEnforcementActionWithItsLatestAuditRow) {
  const testing::ScratchDir dir("replay_actions");
  const std::string db = dir.path("opencse.db");
  const std::string cli =
      std::string(OPENCSE_BINARY) + " --db " + db + " --today 2026-01-01 --user tester ";
  Shell(cli + "init");
  Shell(cli + "party add --first Sam --last Doe");
  Shell(cli + "party add --first Pat --last Doe");
  Shell(cli +
        "case add --obligor PRS-000001 --obligee PRS-000002 --county Alder "
        "--opened 2024-01-01");
  Shell(cli + "order add --case CASE-000001 --amount 500.00 --effective 2024-01-01");
  Shell(cli + "recommend --case CASE-000001");
  Shell("printf 'correct horse battery\\n' | " + cli +
        "user add --username boss --role supervisor --password-stdin --office Alder");
  Shell(cli + "action approve ACT-000001 --by boss --reason arrears");
  Shell(cli + "assign-office --case CASE-000001 --office Birch");
  {
    auto store = SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    ASSERT_EQ((*store)->GetEnforceAction(1)->state, enforce::ActionState::kApproved);
    auto cmp = CompareReplayWithStore(**store);
    ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
    EXPECT_EQ(cmp->mismatches, 0);
    EXPECT_TRUE(cmp->problems.empty()) << cmp->problems.front();
    ASSERT_TRUE((*store)
                    ->ExecForTesting("UPDATE enforce_action SET state = 'approved', decided_by = "
                                     "'nobody' WHERE id = 2")
                    .ok());
    ASSERT_TRUE((*store)->ExecForTesting("DELETE FROM enforce_action WHERE id = 3").ok());
    cmp = CompareReplayWithStore(**store);
    ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
    EXPECT_EQ(cmp->mismatches, 3);
    EXPECT_EQ(cmp->problems,
              (std::vector<std::string>{
                  "enforce_action 2 (ACT-000002): state is \"approved\" in the store, "
                  "\"recommended\" in the audit trail",
                  "enforce_action 2 (ACT-000002): decided_by is \"nobody\" in the store, \"\" in "
                  "the audit trail",
                  "enforce_action 3 (ACT-000003): in the audit trail, not in the store"}));
  }
  int code = 0;
  const std::string out = Shell(cli + "audit verify", &code);
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(out.find("3 mismatches"), std::string::npos) << out;
}

// Case office assignments and staff users against their audit rows (case.assign_office;
// user.add, user.* and staff.upsert): a case moved into another office's caseload, or a user
// moved to another office or given another role, by SQL is named (before 2026-12-05 neither
// was compared).
TEST(AuditTest, ReplayNamesOfficeAssignmentsAndStaffUsersEditedAroundTheTrail) {
  const testing::ScratchDir dir("replay_offices");
  const std::string db = dir.path("opencse.db");
  const std::string cli =
      std::string(OPENCSE_BINARY) + " --db " + db + " --today 2026-01-01 --user tester ";
  Shell(cli + "init");
  Shell(cli + "party add --first Sam --last Doe");
  Shell(cli + "party add --first Pat --last Doe");
  for (int i = 0; i < 2; ++i) {
    Shell(cli +
          "case add --obligor PRS-000001 --obligee PRS-000002 --county Alder "
          "--opened 2024-01-01");
  }
  Shell(cli + "assign-office --case CASE-000001 --office Birch");
  Shell(cli + "assign-office --case CASE-000001 --office Cedar");
  Shell("printf 'correct horse battery\\n' | " + cli +
        "user add --username cw --role caseworker --password-stdin --office Alder");
  Shell(cli + "staff add boss --role supervisor");
  Shell(cli + "staff add cw --role investigator");
  struct Tamper {
    std::string sql;
    std::vector<std::string> named;
  };
  const std::vector<Tamper> tampers = {
      {"", {}},
      {"UPDATE case_assignment SET office = 'Alder' WHERE case_id = 1",
       {"case_assignment 1 (CASE-000001): office is 'Alder' in the store, 'Cedar' in the audit "
        "trail"}},
      {"INSERT INTO case_assignment(case_id, office) VALUES (2, 'Birch')",
       {"case_assignment 2 (CASE-000002): in the store, not in the audit trail"}},
      {"DELETE FROM case_assignment WHERE case_id = 1",
       {"case_assignment 1 (CASE-000001): in the audit trail, not in the store"}},
      {"UPDATE app_user SET office = 'Birch' WHERE username = 'cw'",
       {"app_user 'cw': office is 'Birch' in the store, 'Alder' in the audit trail"}},
      {"UPDATE app_user SET role = 'admin' WHERE username = 'boss'",
       {"app_user 'boss': role is admin in the store, supervisor in the audit trail"}},
      {"UPDATE app_user SET role = 'caseworker', disabled = 1 WHERE username = 'cw'",
       {"app_user 'cw': role is caseworker in the store, investigator in the audit trail",
        "app_user 'cw': disabled is 1 in the store, 0 in the audit trail"}},
      {"INSERT INTO app_user(username, role, office, password_hash, created_at) VALUES "
       "('mole', 'admin', '', '!', '2026-01-01')",
       {"app_user 'mole': in the store, not in the audit trail"}},
  };
  for (const Tamper& t : tampers) {
    SCOPED_TRACE(t.sql);
    const std::string copy = dir.path("tampered.db");
    Shell("rm -f " + copy + "*; cp " + db + " " + copy + "; if [ -f " + db + "-wal ]; then cp " +
          db + "-wal " + copy + "-wal; fi");
    auto store = SqliteStore::Open(copy, SqliteStore::OpenMode::kMustExist);
    ASSERT_TRUE(store.ok());
    if (!t.sql.empty()) {
      ASSERT_TRUE((*store)->ExecForTesting(t.sql).ok());
    }
    auto cmp = CompareReplayWithStore(**store);
    ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
    EXPECT_EQ(cmp->problems, t.named);
    EXPECT_EQ(cmp->mismatches, static_cast<int64_t>(t.named.size()));
  }
  ASSERT_TRUE(
      (*SqliteStore::Open(db, SqliteStore::OpenMode::kMustExist))
          ->ExecForTesting("INSERT INTO case_assignment(case_id, office) VALUES (2, 'Birch')")
          .ok());
  int code = 0;
  const std::string out = Shell(cli + "audit verify", &code);
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(out.find("1 mismatches"), std::string::npos) << out;
  EXPECT_NE(out.find("case_assignment 2 (CASE-000002): in the store, not in the audit trail"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace cse

namespace cse {
namespace {

TEST(LimitsTest, CasesPerObligorAndReferencesAreCheckedNotCrashed) {
  testing::World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  for (int64_t i = 0; i < limits::kCasesPerObligorMax; ++i) {
    w.SimpleCase(obligor, 1000, Date::Ymd(2024, 1, 1));
  }
  NewCase extra;
  extra.obligor = obligor;
  extra.obligee = w.Person("One", "More");
  EXPECT_EQ(w.service().AddCase(extra).status().reason(), "cases_per_obligor_exceeded");
  Employment e;
  e.person = obligor;
  e.employer = EmployerId{404};
  e.start_date = Date::Ymd(2024, 1, 1);
  EXPECT_EQ(w.service().AddEmployment(e).status().reason(), "employer_not_found");
}

TEST(LimitsTest, AnOrderCannotBeReplacedTwice) {
  testing::World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 50000, Date::Ymd(2024, 1, 1));
  Order mod;
  mod.case_id = c;
  mod.amount = Money::FromCents(40000);
  mod.effective_date = Date::Ymd(2024, 6, 1);
  ASSERT_TRUE(w.service().AddOrder(mod, OrderId{1}).ok());
  EXPECT_EQ(w.service().AddOrder(mod, OrderId{1}).status().reason(), "order_replaces_ended");
}

// A backdated second modification of the same order left the first modification running
// beside it (QA: 500 + 360 a month charged from 2024-03-16); it is refused, naming the latest
// order, and nothing changes.
TEST(LimitsTest, AModifiedOrderIsNotModifiedAgainBehindTheLatestOne) {
  testing::World w;
  const CaseId c = w.SimpleCase(w.Person("Sam", "Doe"), 30000, Date::Ymd(2024, 1, 1));
  Order mod;
  mod.case_id = c;
  mod.amount = Money::FromCents(36000);
  mod.effective_date = Date::Ymd(2024, 3, 16);
  ASSERT_TRUE(w.service().AddOrder(mod, OrderId{1}).ok());
  const int64_t audit_rows = (*w.store().LastAudit())->seq;
  Order again = mod;
  again.amount = Money::FromCents(50000);
  again.effective_date = Date::Ymd(2024, 2, 1);
  auto r = w.service().AddOrder(again, OrderId{1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "order_already_replaced");
  EXPECT_NE(r.status().message().find("give --replaces ORD-000002"), std::string::npos)
      << r.status().message();
  auto orders = w.store().ListOrdersByCase(c);
  ASSERT_EQ(orders->size(), 2u);
  EXPECT_EQ(orders->at(0).end_date, Date::Ymd(2024, 3, 15));
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_rows);
  // Modifying the latest order is the way; an order ended by --end (not modified) can still be
  // replaced earlier than its end.
  again.effective_date = Date::Ymd(2024, 5, 1);
  EXPECT_TRUE(w.service().AddOrder(again, OrderId{2}).ok());
  Order ended;
  ended.case_id = c;
  ended.type = ObligationType::kCashMedical;
  ended.amount = Money::FromCents(5000);
  ended.effective_date = Date::Ymd(2024, 1, 1);
  ended.end_date = Date::Ymd(2024, 12, 31);
  auto medical = w.service().AddOrder(ended, std::nullopt);
  ASSERT_TRUE(medical.ok());
  Order medical_mod = ended;
  medical_mod.end_date.reset();
  medical_mod.effective_date = Date::Ymd(2024, 7, 1);
  EXPECT_TRUE(w.service().AddOrder(medical_mod, *medical).ok());
}

// The stored type is recorded when an episode is added or ended; a ledger shows the type as of
// its own date, so an episode whose end date has passed reads as former assistance (QA: the
// ledger said current_assistance months after the end).
TEST(CaseTypeTest, TheLedgerShowsTheFamilyTypeAsOfItsDate) {
  testing::World w(":memory:", Date::Ymd(2024, 4, 15));
  NewCase nc;
  nc.obligor = w.Person("Sam", "Doe");
  nc.obligee = w.Person("Ana", "Roe");
  nc.type = CaseType::kCurrentAssistance;
  nc.opened = Date::Ymd(2024, 1, 1);
  AssistanceEpisode e;
  e.start_date = Date::Ymd(2024, 1, 1);
  e.monthly_grant = Money::FromCents(10000);
  nc.assistance = e;
  auto c = w.service().AddCase(nc);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(w.service().EndAssistance(*c, Date::Ymd(2024, 5, 31)).ok());
  EXPECT_EQ(w.store().GetCase(*c)->type, CaseType::kCurrentAssistance);  // as recorded today
  auto type_on = [&](Date d) { return w.service().GetCaseLedger(*c, d)->info.type; };
  EXPECT_EQ(type_on(Date::Ymd(2023, 12, 31)), CaseType::kNeverAssistance);
  EXPECT_EQ(type_on(Date::Ymd(2024, 5, 31)), CaseType::kCurrentAssistance);
  EXPECT_EQ(type_on(Date::Ymd(2024, 6, 1)), CaseType::kFormerAssistance);
  EXPECT_EQ(type_on(Date::Ymd(2025, 1, 1)), CaseType::kFormerAssistance);
}

TEST(LimitsTest, AChildGivenTwoTermsIsRefusedBeforeAnyWrite) {
  testing::World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 30000, Date::Ymd(2024, 1, 1));
  const PersonId child = w.Person("Kid", "Doe");  // checked before the case's children
  Order o;
  o.case_id = c;
  o.amount = Money::FromCents(1000);
  o.effective_date = Date::Ymd(2024, 1, 1);
  o.child_terms = {{child, Money::FromCents(500), std::nullopt},
                   {child, Money::FromCents(500), std::nullopt}};
  auto r = w.service().AddOrder(o, std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "order_duplicate_child") << r.status().ToString();
  EXPECT_EQ(w.store().ListOrdersByCase(c)->size(), 1u);
}

TEST(CaseEventTest, RecordsValidatesAndAudits) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const PersonId stranger = w.Person("Lee", "Poe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  CaseEvent e{0, obligor, c, Date::Ymd(2025, 3, 2), "iwo_issued", "employer_fein=991234567"};
  auto id = w.service().AddCaseEvent(e);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ((*w.store().LastAudit())->action, "event.add");
  auto events = w.store().ListCaseEventsByPerson(obligor);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().case_id, c);

  const int64_t audit_before = (*w.store().LastAudit())->seq;
  CaseEvent bad = e;
  bad.kind = "IWO Issued";
  EXPECT_EQ(w.service().AddCaseEvent(bad).status().reason(), "event_kind_invalid");
  bad = e;
  bad.date = Date::Ymd(2026, 1, 2);
  EXPECT_EQ(w.service().AddCaseEvent(bad).status().reason(), "date_in_future");
  bad = e;
  bad.person = stranger;
  EXPECT_EQ(w.service().AddCaseEvent(bad).status().reason(), "event_case_person_mismatch");
  bad = e;
  bad.person = PersonId{999};
  EXPECT_EQ(w.service().AddCaseEvent(bad).status().reason(), "person_not_found");
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before);  // refused events write nothing
  EXPECT_EQ(w.store().ListCaseEventsByPerson(obligor)->size(), 1u);
}

TEST(CaseEventTest, SeveralEventsCommitTogetherOrNotAtAll) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  std::vector<CaseEvent> events{
      {0, obligor, CaseId{}, Date::Ymd(2025, 1, 5), "new_hire", "employer_fein=991234567"},
      {0, obligor, c, Date::Ymd(2025, 1, 7), "iwo_issued", "employer_fein=991234567"}};
  const int64_t audit_before = (*w.store().LastAudit())->seq;
  auto ids = w.service().AddCaseEvents(events);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->size(), 2u);
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before + 1);  // one audit row for both
  EXPECT_EQ((*w.store().LastAudit())->action, "events.add");
  events.push_back({0, PersonId{999}, CaseId{}, Date::Ymd(2025, 1, 9), "moved", ""});
  EXPECT_EQ(w.service().AddCaseEvents(events).status().reason(), "person_not_found");
  events.back() = {0, obligor, CaseId{}, Date::Ymd(2025, 1, 9), "Bad Kind", ""};
  EXPECT_EQ(w.service().AddCaseEvents(events).status().reason(), "event_kind_invalid");
  EXPECT_EQ(w.store().ListCaseEventsByPerson(obligor)->size(), 2u);  // nothing more written
  EXPECT_TRUE(w.service().AddCaseEvents({})->empty());
}

}  // namespace
}  // namespace cse

namespace cse {
namespace {

using testing::World;

// Free text from people and files: each rule its own code, nothing written on a refusal.
TEST(TextInputTest, PersonFieldsAreUtf8PrintableCountedInCharactersAndNotBlank) {
  World w;
  w.Person("Sam", "Doe");
  const int64_t audit_before = (*w.store().LastAudit())->seq;
  auto add = [&](auto&& edit) -> std::string {
    Person p;
    p.first_name = "Ana";
    p.last_name = "Roe";
    edit(p);
    const Status s = w.service().AddPerson(p).status();
    return s.ok() ? "ok" : s.reason();
  };
  EXPECT_EQ(add([](Person& p) { p.last_name = "   "; }), "name_missing");
  EXPECT_EQ(add([](Person& p) { p.first_name = "\t\n"; }), "name_missing");
  EXPECT_EQ(add([](Person& p) { p.last_name = "Ro\xFF"; }), "text_invalid_utf8");
  EXPECT_EQ(add([](Person& p) { p.address.city = "Col\x1b[2Jumbus"; }), "text_invalid_char");
  EXPECT_EQ(add([](Person& p) { p.address.county = std::string(201, 'x'); }), "text_too_long");
  EXPECT_EQ(add([](Person& p) { p.address.state = "12"; }), "state_malformed");
  EXPECT_EQ(add([](Person& p) { p.address.state = "\xC3\xA9"; }), "state_malformed");
  EXPECT_EQ(add([](Person& p) { p.address.zip = std::string(5000, '1'); }), "zip_malformed");
  EXPECT_EQ(add([](Person& p) { p.address.zip = "4321"; }), "zip_malformed");
  EXPECT_EQ(add([](Person& p) { p.address.zip = "43215+1234"; }), "zip_malformed");
  EXPECT_EQ((*w.store().LastAudit())->seq, audit_before);
  // 150 two-byte characters are 150 characters, within the 200 allowed.
  std::string e_acute;
  for (int i = 0; i < 150; ++i) e_acute += "\xC3\xA9";
  EXPECT_EQ(add([&](Person& p) { p.first_name = e_acute; }), "ok");
  EXPECT_EQ(add([](Person& p) {
              p.address.state = "OH";
              p.address.zip = "43215-1234";
            }),
            "ok");
  std::string too_long;
  for (int i = 0; i < 201; ++i) too_long += "\xC3\xA9";
  Person p;
  p.first_name = too_long;
  p.last_name = "Roe";
  const Status s = w.service().AddPerson(p).status();
  EXPECT_EQ(s.reason(), "text_too_long");
  EXPECT_NE(s.message().find("has 201 characters"), std::string::npos) << s.message();
}

TEST(TextInputTest, ACaseCannotOpenInTheFutureOrCarryABadCounty) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const PersonId obligee = w.Person("Ana", "Roe");
  NewCase r;
  r.obligor = obligor;
  r.obligee = obligee;
  r.opened = w.clock().Today().AddDays(1);
  EXPECT_EQ(w.service().AddCase(r).status().reason(), "date_in_future");
  r.opened = w.clock().Today();
  r.county = std::string(5000, 'c');
  EXPECT_EQ(w.service().AddCase(r).status().reason(), "text_too_long");
  r.county = "Franklin\x1b";
  EXPECT_EQ(w.service().AddCase(r).status().reason(), "text_invalid_char");
  EXPECT_TRUE(w.store().ListCasesByObligor(obligor)->empty());
  r.county = "Franklin";
  EXPECT_TRUE(w.service().AddCase(r).ok());
}

TEST(TextInputTest, ReAddingAnEmployerKeepsTheAddressFieldsItLeavesOut) {
  World w;
  Employer e;
  e.fein = "991000001";
  e.name = "Granite Motors";
  e.address = Address{"1 Main St", "", "Columbus", "OH", "43215", ""};
  auto id = w.service().AddEmployer(e);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Employer renamed;
  renamed.fein = e.fein;
  renamed.name = "Granite Motors Inc";
  renamed.address.zip = "43216";
  auto again = w.service().AddEmployer(renamed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id);
  auto stored = w.store().GetEmployer(*id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->name, "Granite Motors Inc");
  EXPECT_EQ(stored->address.line1, "1 Main St");
  EXPECT_EQ(stored->address.city, "Columbus");
  EXPECT_EQ(stored->address.state, "OH");
  EXPECT_EQ(stored->address.zip, "43216");
  // The audit row has the employer before and after.
  auto last = w.store().LastAudit();
  ASSERT_TRUE(last.ok() && *last);
  EXPECT_NE((*last)->before.find("\"zip\":\"43215\""), std::string::npos) << (*last)->before;
  EXPECT_NE((*last)->after.find("\"zip\":\"43216\""), std::string::npos) << (*last)->after;

  renamed.name = "   ";
  EXPECT_EQ(w.service().AddEmployer(renamed).status().reason(), "name_missing");
  renamed.name = std::string(1000, 'n');
  EXPECT_EQ(w.service().AddEmployer(renamed).status().reason(), "text_too_long");
  renamed.name = "Granite";
  renamed.address.state = "99";
  EXPECT_EQ(w.service().AddEmployer(renamed).status().reason(), "state_malformed");
  EXPECT_EQ(w.store().GetEmployer(*id)->name, "Granite Motors Inc");
  EXPECT_EQ(w.store().GetEmployer(EmployerId{99}).status().reason(), "employer_not_found");
}

TEST(TextInputTest, AReversalNeedsAPrintableReason) {
  World w;
  const PersonId obligor = w.Person("Sam", "Doe");
  const CaseId c = w.SimpleCase(obligor, 50000, Date::Ymd(2024, 1, 1));
  ASSERT_TRUE(w.Pay("r1", c, 10000, Date::Ymd(2024, 3, 1)).ok());
  const Date day = Date::Ymd(2024, 3, 5);
  EXPECT_EQ(w.service().ReversePayment("r1", day, "   ").status().reason(), "reason_missing");
  EXPECT_EQ(w.service().ReversePayment("r1", day, "\n").status().reason(), "reason_missing");
  EXPECT_EQ(w.service().ReversePayment("r1", day, "NSF\x1b[31m").status().reason(),
            "text_invalid_char");
  EXPECT_EQ(w.service()
                .ReversePayment("r1", day,
                                "a\xFF"
                                "b")
                .status()
                .reason(),
            "text_invalid_utf8");
  EXPECT_EQ(w.service().ReversePayment("r1", day, std::string(100000, 'r')).status().reason(),
            "text_too_long");
  EXPECT_FALSE(w.store().FindCollectionByKey("r1").value()->collection.reversed_date);
  EXPECT_TRUE(w.service().ReversePayment("r1", day, "NSF").ok());
}

}  // namespace
}  // namespace cse
