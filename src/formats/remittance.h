// File: formats/remittance.h
//
// Employer remittance files (docs/REMITTANCE_CSV.md): one CSV line per employee per pay date,
// the money an employer withheld and sends to the State Disbursement Unit. This header only
// parses; posting and holding unidentified lines is iwo/remittance.h. Pure: no storage.
//
// A file is parsed whole before anything is posted: every malformed line is reported with its
// line number, the field at fault and a stable reason code, and a file with any malformed line
// posts nothing (the caller refuses it).
//
// Thread-safety: free functions over values; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/ids.h"
#include "core/result.h"
#include "money/money.h"

namespace cse::formats {

// The header names, exactly these six, in any order.
inline constexpr std::string_view kRemittanceColumns =
    "line_ref,employer_fein,pay_date,ssn,case_id,amount";
// A limit on lines per file (a larger remittance is split by the employer).
inline constexpr int64_t kRemittanceLinesMax = 1'000'000;
// The longest `line_ref` accepted: keeps the idempotency key short.
inline constexpr size_t kLineRefLengthMax = 40;

struct RemittanceLine {
  int64_t line_number = 0;    // physical line in the file; the header is normally line 1
  std::string line_ref;       // the employer's reference for the line, unique per FEIN
  std::string employer_fein;  // nine digits
  Date pay_date;
  std::string ssn;  // nine digits, or empty when the case id is given
  CaseId case_id;   // 0 when not given
  // The case identifier as reported when it is not one of ours (DED02 of an EFT addendum,
  // formats/ded.h): kept on a held row; the line is resolved by its SSN. Empty in the CSV.
  std::string case_ref;
  Money amount;  // > 0
  // The idempotency key of the posting: "REM-" + FEIN + "-" + line_ref. Resending the same
  // line (same FEIN and reference) never posts twice.
  std::string key;
  // True when `pay_date` is no reported pay date but the ACH effective entry date of an EFT
  // credit that carried no DED segment (formats/ded.h): the day the bank settles the money,
  // which a file may name a few banking days ahead (iwo/remittance.h,
  // kSettlementBusinessDaysAheadMax). Every other pay date may not be after today.
  bool pay_date_is_settlement_date = false;
};

struct RemittanceProblem {
  int64_t line_number = 0;
  std::string field;   // a column name, or "line" / "header"
  std::string reason;  // stable code, e.g. "amount_too_many_decimals"
  std::string message;
};

struct RemittanceFile {
  std::vector<RemittanceLine> lines;
  std::vector<RemittanceProblem> problems;  // empty when the file is well formed
};

// What the file's own format calls the fields a problem found against the store is about (a
// key resent with another amount, a pay date after today...): the CSV's columns by default;
// DED elements for an EFT file, so that its report names DED04 rather than "amount".
struct RemittanceFieldNames {
  std::string line_ref = "line_ref";  // the part of the line that makes its key
  std::string pay_date = "pay_date";
  std::string ssn = "ssn";
  std::string case_id = "case_id";
  std::string amount = "amount";
  // Of a line whose pay date is a settlement date (RemittanceLine::pay_date_is_settlement_date).
  std::string settlement_date = "pay_date";
  std::string settlement_amount = "amount";
};

// Parses a whole file held in memory. Never fails: malformed input gives `problems` (at most
// kProblemsMax are kept; `problem_count` counts all). A file with no header is one problem on
// field "header".
struct RemittanceParse {
  RemittanceFile file;
  int64_t problem_count = 0;
  // The payment lines the file has, well formed or refused (the report's `lines`): the CSV's
  // data lines, an SDU batch's detail records, an EFT file's DED segments and credits without
  // one (formats/sdu.h, formats/ded.h). A problem of a header, trailer or control record is no
  // line (before 2026-12-05 every problem counted as one).
  int64_t line_count = 0;
  RemittanceFieldNames fields;
};
inline constexpr size_t kProblemsMax = 1000;
RemittanceParse ParseRemittanceCsv(std::string_view text);

// The idempotency key of a line (see RemittanceLine::key).
std::string RemittanceKey(std::string_view fein, std::string_view line_ref);

}  // namespace cse::formats
