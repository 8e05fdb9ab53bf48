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

// The bulk poster's hand-written posting rows must be exactly what the general serializer
// writes of the same arrays, and parse back to the same collections.
TEST(JsonTest, PostingRowsJsonMatchesTheGeneralSerializerAndParsesBack) {
  std::vector<Collection> rows{Sample(1, "WH-0001"), Sample(2, R"(back\slash)"),
                               Sample(3, "tab\there"), Sample(4, "caf\xc3\xa9"),
                               Sample(5, "quote\"d")};
  rows[3].amount = Money::FromCents(5);
  Json expected = Json::array();
  for (const Collection& c : rows) {
    expected.push_back(
        Json::array({c.id.value, c.idempotency_key, c.case_id.value, c.obligor.value,
                     c.amount.ToString(), c.date.ToString(), std::string(Name(c.source))}));
  }
  auto written = PostingRowsJson(rows);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(*written, expected.dump());
  EXPECT_EQ(PostingRowsJson({}).value(), "[]");
  EXPECT_EQ(PostingColumns().dump(),
            R"(["collection_id","key","case_id","obligor_id","amount","date","source"])");
  // About a third of the bytes of the ToJson objects the rows replaced.
  Json objects = Json::array();
  for (const Collection& c : rows) objects.push_back(ToJson(c));
  EXPECT_LT(written->size() * 2, objects.dump().size());

  const Json parsed = Json::parse(*written);
  ASSERT_EQ(parsed.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    auto c = PostingFromJsonRow(parsed[i]);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->id, rows[i].id);
    EXPECT_EQ(c->idempotency_key, rows[i].idempotency_key);
    EXPECT_EQ(c->case_id, rows[i].case_id);
    EXPECT_EQ(c->obligor, rows[i].obligor);
    EXPECT_EQ(c->amount, rows[i].amount);
    EXPECT_EQ(c->date, rows[i].date);
    EXPECT_EQ(c->source, rows[i].source);
    EXPECT_FALSE(c->reversed_date.has_value());
  }
}

// A reversed collection cannot be listed as a posting row: nothing in the row would say so.
TEST(JsonTest, PostingRowsJsonRefusesAReversedCollection) {
  std::vector<Collection> rows{Sample(1, "a"), Sample(2, "b")};
  rows[1].reversed_date = Date::Ymd(2025, 4, 1);
  EXPECT_EQ(PostingRowsJson(rows).status().reason(), "posting_reversed");
  rows[1].reversed_date.reset();
  rows[1].reversal_reason = "NSF";
  EXPECT_EQ(PostingRowsJson(rows).status().reason(), "posting_reversed");
}

TEST(JsonTest, PostingFromJsonRowNamesWhatIsWrong) {
  const auto reason = [](const char* text) {
    return PostingFromJsonRow(Json::parse(text)).status().reason();
  };
  EXPECT_EQ(reason(R"([1,"k",2,3,"10.00","2024-01-01","direct"])"), "");
  EXPECT_EQ(reason(R"({"collection_id":1})"), "audit_json_invalid");
  EXPECT_EQ(reason(R"([1,"k",2,3,"10.00","2024-01-01"])"), "audit_json_invalid");
  EXPECT_EQ(reason(R"([1,"k",2,3,"10.00","2024-01-01","direct",null])"), "audit_json_invalid");
  EXPECT_EQ(reason(R"(["1","k",2,3,"10.00","2024-01-01","direct"])"), "audit_json_invalid");
  EXPECT_EQ(reason(R"([1,"k",2,3,1000,"2024-01-01","direct"])"), "audit_json_invalid");
  // Values of the right type keep their own parser's reason, as in CollectionFromJson (replay
  // reports them as audit_json_invalid with that reason in the message).
  EXPECT_EQ(reason(R"([1,"k",2,3,"10.001","2024-01-01","direct"])"), "amount_too_many_decimals");
  EXPECT_EQ(reason(R"([1,"k",2,3,"10.00","2024-02-30","direct"])"), "date_malformed");
  EXPECT_EQ(reason(R"([1,"k",2,3,"10.00","2024-01-01","cash"])"), "source_invalid");
  const auto bad = PostingFromJsonRow(Json::parse(R"([1,"k",2,3,1000,"2024-01-01","direct"])"));
  EXPECT_NE(bad.status().message().find("amount"), std::string::npos) << bad.status().ToString();
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
