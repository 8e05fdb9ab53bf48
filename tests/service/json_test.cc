#include "service/json.h"

#include <gtest/gtest.h>

namespace cse {
namespace {

Collection Sample(int64_t id, std::string key) {
  Collection c;
  c.id = CollectionId{id};
  c.idempotency_key = std::move(key);
  c.case_id = CaseId{id * 3};
  c.obligor = PersonId{id * 7};
  c.amount = Money::FromCents(123'456 + id);
  c.date = Date::Ymd(2025, 2, 28).AddDays(static_cast<int32_t>(id));
  c.source = id % 2 == 0 ? PaymentSource::kWithholding : PaymentSource::kTaxOffset;
  return c;
}

// The bulk poster's hand-written audit JSON must be exactly what the general serializer
// writes, or audit replay and hash verification of older rows would diverge.
TEST(JsonTest, CollectionsJsonArrayMatchesTheGeneralSerializer) {
  std::vector<Collection> rows{Sample(1, "WH-0001"), Sample(2, R"(back\slash)"),
                               Sample(3, "tab\there"), Sample(4, "caf\xc3\xa9")};
  rows[2].reversed_date = Date::Ymd(2025, 4, 1);
  rows[2].reversal_reason = "NSF \"returned\"\n";
  rows[3].amount = Money::FromCents(5);
  Json expected = Json::array();
  for (const Collection& c : rows) expected.push_back(ToJson(c));
  EXPECT_EQ(CollectionsJsonArray(rows), expected.dump());
  EXPECT_EQ(CollectionsJsonArray({}), "[]");

  // And it parses back to the same collections.
  const Json parsed = Json::parse(CollectionsJsonArray(rows));
  ASSERT_EQ(parsed.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    auto c = CollectionFromJson(parsed[i]);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->idempotency_key, rows[i].idempotency_key);
    EXPECT_EQ(c->amount, rows[i].amount);
    EXPECT_EQ(c->date, rows[i].date);
    EXPECT_EQ(c->reversed_date, rows[i].reversed_date);
  }
}

TEST(JsonTest, QuoteEscapesAndReplacesInvalidUtf8) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c\n"), R"("a\"b\\c\n")");
  EXPECT_EQ(JsonQuote("bad\xff"), "\"bad\xef\xbf\xbd\"");
}

// The caseload list's hand-written case JSON must be the general serializer's bytes.
TEST(JsonTest, AppendCaseJsonMatchesTheGeneralSerializer) {
  Case a;
  a.id = CaseId{42};
  a.obligor = PersonId{7};
  a.obligee = PersonId{8};
  a.children = {PersonId{9}, PersonId{11}};
  a.type = CaseType::kCurrentAssistance;
  a.status = CaseStatus::kOpen;
  a.family_violence = FamilyViolence::kIndicated;
  a.opened = Date::Ymd(2024, 2, 29);
  a.county = "Alder";
  Case b = a;
  b.id = CaseId{1234567};
  b.children.clear();
  b.family_violence = FamilyViolence::kNone;
  b.county = "Saint \"Q\" caf\xc3\xa9";
  for (const Case& c : {a, b}) {
    std::string plain;
    AppendCaseJson(plain, c);
    EXPECT_EQ(plain, ToJson(c).dump());
    const std::string office = "north \\ east";
    std::string with_office = "[";
    AppendCaseJson(with_office, c, &office);
    with_office += ']';
    Json j = ToJson(c);
    j["office"] = office;
    EXPECT_EQ(with_office, "[" + j.dump() + "]");
    EXPECT_EQ(Json::parse(with_office)[0]["office"], office);
  }
}

}  // namespace
}  // namespace cse
