// The IWO as a PDF: generated with libharu, read back with pdftotext (poppler-utils), checking
// the amounts, the case id, the employer and the obligor's identifiers. Synthetic data only.
#include "iwo/iwo_pdf.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "iwo/iwo_fixture.h"
#include "iwo/iwo_terminate.h"
#include "testing/fixture.h"
#include "testing/scratch_dir.h"

namespace cse::iwo {
namespace {

// The text of a PDF, as pdftotext extracts it.
std::string PdfText(const std::string& path) {
  const std::string cmd = "pdftotext -layout '" + path + "' - 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  CSE_CHECK(p != nullptr, "popen");
  std::string text;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << "pdftotext failed: " << text;
  return text;
}

class IwoPdfTest : public ::testing::Test {
 protected:
  IwoPdfTest() : world_(":memory:", Date::Ymd(2024, 7, 1)) {}

  void SetUp() override {
    Person p = testing::SamDoe("123456789");
    p.middle_name = "Quincy";
    obligor_ = *world_.service().AddPerson(p);
    case_ = world_.SimpleCase(obligor_, 50'000, Date::Ymd(2024, 1, 1));
    employer_ = *world_.store().UpsertEmployer(testing::Acme());
    IwoRecord r = testing::ManualIwo(case_, obligor_, employer_, Date::Ymd(2024, 6, 28),
                                     Date::Ymd(2024, 7, 2));
    r.arrears_over_12_weeks = true;
    iwo_id_ = *world_.store().InsertIwo(r);
    path_ = dir_.path("iwo.pdf");
  }

  std::string Render(IwoKind kind, Money lump = Money()) {
    auto doc = BuildIwoDocument(world_.store(), iwo_id_, kind, lump, Date::Ymd(2024, 7, 1),
                                "STATE OF EXAMPLE", IwoSettings{});
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    if (!doc.ok()) return "";
    Status s = WriteIwoPdf(*doc, path_);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) return "";
    return PdfText(path_);
  }

  Result<IwoDocument> Build(IwoKind kind, Money lump = Money(), int64_t id = 0) {
    return BuildIwoDocument(world_.store(), id == 0 ? iwo_id_ : id, kind, lump,
                            Date::Ymd(2024, 7, 1), "STATE OF EXAMPLE", IwoSettings{});
  }

  // Ends the IWO (sent to the employer first when `sent`); answers its termination notice's id
  // (0 when none: an IWO never sent is simply ended).
  int64_t Terminate(bool sent) {
    if (sent) {
      EXPECT_TRUE(world_.store().MarkIwoSent(iwo_id_, Date::Ymd(2024, 7, 1), "C1", "F1").ok());
    }
    auto r = TerminateIwo(
        world_.store(), world_.clock(), "tester",
        testing::EndRequest(iwo_id_, Date::Ymd(2024, 7, 1), IwoEndReason::kObligorRequestCourt));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && r->notice ? r->notice->id : 0;
  }

  testing::World world_;
  PersonId obligor_;
  CaseId case_;
  EmployerId employer_;
  int64_t iwo_id_ = 0;
  testing::ScratchDir dir_{"iwo_pdf"};
  std::string path_;
};

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// The line of `text` holding `what` (pdftotext -layout keeps a form row on one line).
std::string LineWith(const std::string& text, const std::string& what) {
  const size_t at = text.find(what);
  if (at == std::string::npos) return "";
  const size_t begin = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  return text.substr(begin, text.find('\n', at) - begin);
}

TEST_F(IwoPdfTest, OriginalCarriesAmountsAndIdentifiers) {
  const std::string t = Render(IwoKind::kOriginal);
  EXPECT_TRUE(Has(t, "INCOME WITHHOLDING FOR SUPPORT")) << t;
  EXPECT_TRUE(Has(t, "IWO-000001")) << t;
  EXPECT_TRUE(Has(t, "CASE-000001")) << t;
  EXPECT_TRUE(Has(t, "ACME WIDGETS")) << t;
  EXPECT_TRUE(Has(t, "111111111")) << t;
  EXPECT_TRUE(Has(t, "DOE, SAM Q") || Has(t, "Doe, Sam Q")) << t;
  EXPECT_TRUE(Has(t, "123456789")) << t;
  EXPECT_TRUE(Has(t, "STATE OF EXAMPLE")) << t;
  EXPECT_TRUE(Has(t, "$500.00")) << t;  // 5a
  EXPECT_TRUE(Has(t, "$100.00")) << t;  // 6a
  EXPECT_TRUE(Has(t, "$600.00")) << t;  // 12a and 13d
  EXPECT_TRUE(Has(t, "$138.46")) << t;  // 13a: 600 x 12 / 52
  EXPECT_TRUE(Has(t, "$300.00")) << t;  // 13b: 600 / 2
  EXPECT_TRUE(Has(t, "$276.92")) << t;  // 13c: 600 x 12 / 26
  EXPECT_TRUE(Has(t, "Yes")) << t;      // 6c
  EXPECT_TRUE(Has(t, "2024-07-01")) << t;
  // 1a is checked, the other kinds are not.
  EXPECT_TRUE(Has(t, "Income Withholding Order/Notice for Support")) << t;
  EXPECT_TRUE(Has(LineWith(t, "Order/Notice for Support"), "[X]")) << t;
  EXPECT_FALSE(Has(LineWith(t, "Amended IWO"), "[X]")) << t;
  EXPECT_FALSE(Has(LineWith(t, "Termination of IWO"), "[X]")) << t;
}

TEST_F(IwoPdfTest, LumpSumAndTerminationVariants) {
  std::string t = Render(IwoKind::kLumpSum, Money::FromCents(123'456));
  EXPECT_TRUE(Has(LineWith(t, "One-Time Order"), "[X]")) << t;
  EXPECT_TRUE(Has(t, "$1234.56")) << t;
  EXPECT_FALSE(Has(t, "$138.46")) << t;  // 5-13 left blank
  EXPECT_TRUE(Has(t, "CASE-000001")) << t;
  t = Render(IwoKind::kAmended);
  EXPECT_TRUE(Has(LineWith(t, "Amended IWO"), "[X]")) << t;
  EXPECT_TRUE(Has(t, "$600.00")) << t;
  // The termination variant is for an IWO that ended after it was sent (below).
  Terminate(/*sent=*/true);
  t = Render(IwoKind::kTermination);
  EXPECT_TRUE(Has(LineWith(t, "Termination of IWO"), "[X]")) << t;
  EXPECT_TRUE(Has(t, "terminates IWO-000001")) << t;
  EXPECT_TRUE(Has(t, "stop withholding")) << t;
  EXPECT_FALSE(Has(t, "$500.00")) << t;
  EXPECT_TRUE(Has(t, "123456789")) << t;
}

// FACTS §1.2: an IWO in force orders withholding, a termination stops it. An ended IWO printed
// as a $500 original order in force, a termination notice as a $0 original, and an IWO in force
// as a stop order (QA): each is refused with its code.
TEST_F(IwoPdfTest, TheKindMustMatchWhatTheIwoIs) {
  EXPECT_EQ(Build(IwoKind::kTermination).status().reason(), "iwo_kind_mismatch");  // in force
  const int64_t notice = Terminate(/*sent=*/true);
  for (IwoKind k : {IwoKind::kOriginal, IwoKind::kAmended, IwoKind::kLumpSum}) {
    auto doc = Build(k, Money::FromCents(100));
    EXPECT_EQ(doc.status().reason(), "iwo_ended") << Name(k);
    EXPECT_NE(doc.status().message().find("IWO-000002"), std::string::npos)  // the notice
        << doc.status().message();
    EXPECT_EQ(Build(k, Money::FromCents(100), notice).status().reason(), "iwo_kind_mismatch")
        << Name(k);
  }
  auto doc = Build(IwoKind::kTermination, Money(), notice);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->terminates, "IWO-000001");
  doc = Build(IwoKind::kTermination);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->terminates, "IWO-000001");
}

TEST_F(IwoPdfTest, AnIwoEndedBeforeItWasSentHasNoTerminationToPrint) {
  EXPECT_EQ(Terminate(/*sent=*/false), 0);
  EXPECT_EQ(Build(IwoKind::kOriginal).status().reason(), "iwo_ended");
  auto doc = Build(IwoKind::kTermination);
  EXPECT_EQ(doc.status().reason(), "iwo_kind_mismatch");
  EXPECT_NE(doc.status().message().find("before it was sent"), std::string::npos)
      << doc.status().message();
}

TEST_F(IwoPdfTest, Errors) {
  EXPECT_EQ(BuildIwoDocument(world_.store(), 99, IwoKind::kOriginal, Money(), Date::Ymd(2024, 7, 1),
                             "S", IwoSettings{})
                .status()
                .reason(),
            "iwo_not_found");
  EXPECT_EQ(BuildIwoDocument(world_.store(), iwo_id_, IwoKind::kLumpSum, Money(),
                             Date::Ymd(2024, 7, 1), "S", IwoSettings{})
                .status()
                .reason(),
            "lump_sum_missing");
  // Fields 1g and 4 need the issuing state's name: a blank one printed an empty field.
  for (const std::string& state :
       std::vector<std::string>{"", "   ", "Ohio\x1b", "Oh\xff", std::string(101, 'O')}) {
    EXPECT_EQ(BuildIwoDocument(world_.store(), iwo_id_, IwoKind::kOriginal, Money(),
                               Date::Ymd(2024, 7, 1), state, IwoSettings{})
                  .status()
                  .reason(),
              "issuing_state_invalid")
        << state.size();
  }
  auto doc = BuildIwoDocument(world_.store(), iwo_id_, IwoKind::kOriginal, Money(),
                              Date::Ymd(2024, 7, 1), "S", IwoSettings{});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(WriteIwoPdf(*doc, "/nonexistent/dir/x.pdf").reason(), "file_write_failed");
}

}  // namespace
}  // namespace cse::iwo
