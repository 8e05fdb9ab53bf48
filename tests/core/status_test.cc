#include "core/status.h"

#include <gtest/gtest.h>

#include "core/result.h"

namespace cse {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd", std::to_string(x) + " is odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int half, Half(x));
  return Half(half);
}

Status CheckEven(int x) {
  RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, OkAndErrorCarryCodeReasonAndMessage) {
  EXPECT_TRUE(Status::Ok().ok());
  const Status s = NotFound("case_not_found", "CASE-000009 does not exist");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.reason(), "case_not_found");
  EXPECT_EQ(s.ToString(), "case_not_found: CASE-000009 does not exist");
  EXPECT_EQ(s.WithContext("row 3").message(), "row 3: CASE-000009 does not exist");
  EXPECT_EQ(StatusCodeName(StatusCode::kAborted), "aborted");
}

TEST(StatusTest, MacrosPropagateErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().reason(), "odd");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(3).reason(), "odd");
}

TEST(StatusDeathTest, ValueOfErrorAborts) {
  EXPECT_DEATH({ (void)Half(3).value(); }, "value\\(\\) on an error Result");
}

}  // namespace
}  // namespace cse
