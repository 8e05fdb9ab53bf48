// SDU batch files (formats/sdu.h, docs/SDU_BATCH.md).
#include "formats/sdu.h"

#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/ids.h"
#include "core/limits.h"
#include "core/text.h"
#include "domain/validate.h"

namespace cse::formats {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t end = line.find('|', start);
    if (end == std::string_view::npos) {
      out.push_back(Trim(line.substr(start)));
      return out;
    }
    out.push_back(Trim(line.substr(start, end - start)));
    start = end + 1;
  }
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

Status CheckBatchId(std::string_view v) {
  bool ok = !v.empty() && v.size() <= kSduBatchIdLengthMax;
  for (char c : v) ok = ok && IdChar(c);
  if (ok) return Status::Ok();
  return InvalidArgument("sdu_batch_id_invalid", "batch id '" + std::string(v) + "' must be 1 to " +
                                                     std::to_string(kSduBatchIdLengthMax) +
                                                     " of A-Z a-z 0-9 - _ .");
}

// A count: 1 to 9 digits. The echo is cut to 40 bytes.
Result<int64_t> Count(std::string_view v) {
  if (!AllDigits(v) || v.size() > 9) {
    const std::string_view shown = TruncateUtf8(v, 40);
    return InvalidArgument("sdu_count_malformed",
                           "count '" + std::string(shown) + (shown.size() < v.size() ? "..." : "") +
                               "' must be 1 to 9 digits" +
                               (AllDigits(v) ? " (a count above 999,999,999)" : ""));
  }
  int64_t n = 0;
  for (char c : v) n = n * 10 + (c - '0');
  return n;
}

class SduParser {
 public:
  SduParser() { out_.parse.fields.line_ref = "seq"; }

  SduParse Run(std::string_view text) {
    int64_t number = 0;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++number;
      OnLine(number, text.substr(start, end - start));
      start = end + 1;
    }
    Finish(number);
    return std::move(out_);
  }

 private:
  void Add(int64_t line, std::string field, std::string reason, std::string message) {
    RemittanceParse& p = out_.parse;
    ++p.problem_count;
    if (p.file.problems.size() < kProblemsMax) {
      p.file.problems.push_back(
          RemittanceProblem{line, std::move(field), std::move(reason), std::move(message)});
    }
  }
  void Add(int64_t line, std::string field, const Status& s) {
    Add(line, std::move(field), s.reason(), s.message());
  }

  void OnLine(int64_t number, std::string_view line) {
    if (Trim(line).empty()) return;
    if (static_cast<int64_t>(line.size()) > limits::kCsvLineBytesMax) {
      return Add(number, "record", "sdu_line_too_long",
                 "line is longer than " + std::to_string(limits::kCsvLineBytesMax) + " bytes");
    }
    const std::vector<std::string_view> f = Fields(line);
    if (trailer_line_ != 0) {
      return Add(number, "record", "sdu_after_trailer", "a record after the trailer (T)");
    }
    if (f[0] == "H") return OnHeader(number, f);
    if (header_line_ == 0) {
      header_line_ = -1;  // reported once
      Add(number, "record", "sdu_header_missing", "the first record must be the header (H)");
    }
    if (f[0] == "D") return OnDetail(number, f);
    if (f[0] == "T") return OnTrailer(number, f);
    Add(number, "record", "sdu_record_type_unknown",
        "record type '" + std::string(f[0]) + "' is not H, D or T");
  }

  bool FieldCount(int64_t number, const std::vector<std::string_view>& f, size_t want,
                  const char* what) {
    if (f.size() == want) return true;
    Add(number, "record", "sdu_field_count",
        std::string(what) + " record has " + std::to_string(f.size()) + " fields, expected " +
            std::to_string(want));
    return false;
  }

  void OnHeader(int64_t number, const std::vector<std::string_view>& f) {
    if (header_line_ != 0) {
      return Add(number, "record", "sdu_header_duplicate", "a second header (H)");
    }
    header_line_ = number;
    if (!FieldCount(number, f, 5, "header")) return;
    SduHeader& h = out_.header;
    bool ok = true;
    if (Status s = CheckBatchId(f[1]); !s.ok()) {
      ok = false;
      Add(number, "header.batch_id", s);
    }
    auto day = Date::Parse(f[2]);
    if (!day.ok()) {
      ok = false;
      Add(number, "header.deposit_date", day.status());
    }
    auto count = Count(f[3]);
    if (!count.ok()) {
      ok = false;
      Add(number, "header.count", count.status());
    }
    auto total = ParseMoney(f[4], SignPolicy::kNonNegative);
    if (!total.ok()) {
      ok = false;
      Add(number, "header.total", total.status());
    }
    if (!ok) return;
    h.batch_id = std::string(f[1]);
    h.deposit_date = *day;
    h.count = *count;
    h.total = *total;
    header_ok_ = true;
  }

  void OnDetail(int64_t number, const std::vector<std::string_view>& f) {
    ++details_;
    ++out_.parse.line_count;  // a payment line, well formed or not
    if (!FieldCount(number, f, 7, "detail")) {
      sum_unknown_ = true;
      return;
    }
    // The control total counts every detail's amount, also on a line refused for another
    // field: otherwise the header would be reported wrong as well. A line whose amount does
    // not parse (reported below) leaves the total unchecked.
    auto amount = ParseMoney(f[6]);
    if (amount.ok()) {
      sum_cents_ += amount->cents();
    } else {
      sum_unknown_ = true;
    }
    RemittanceLine line;
    line.line_number = number;
    const std::string_view seq = f[1];
    if (!AllDigits(seq) || seq.size() > kSduSeqLengthMax) {
      return Add(number, "seq", "sdu_seq_malformed",
                 "seq '" + std::string(seq) + "' must be 1 to 9 digits");
    }
    if (f[2].size() != 9 || !AllDigits(f[2])) {
      return Add(number, "employer_fein", "fein_malformed",
                 "employer_fein '" + std::string(f[2]) + "' must be exactly nine digits");
    }
    line.employer_fein = std::string(f[2]);
    auto pay = Date::Parse(f[3]);
    if (!pay.ok()) return Add(number, "pay_date", pay.status());
    line.pay_date = *pay;
    if (!f[4].empty()) {
      if (Status s = ValidateSsn(f[4]); !s.ok()) return Add(number, "ssn", s);
      line.ssn = std::string(f[4]);
    }
    if (!f[5].empty()) {
      auto id = ParseDisplayId("CASE", f[5]);
      if (!id.ok()) return Add(number, "case_id", id.status());
      line.case_id = CaseId{*id};
    }
    if (line.ssn.empty() && line.case_id.value == 0) {
      return Add(number, "ssn", "employee_id_missing",
                 "neither ssn nor case_id is given: one identifies the employee");
    }
    if (!amount.ok()) return Add(number, "amount", amount.status());
    line.amount = *amount;
    // By value: "007" and "7" are the same payment.
    line.line_ref = std::to_string(*Count(seq));
    if (!seqs_.insert(line.line_ref).second) {
      return Add(number, "seq", "sdu_seq_duplicate",
                 "seq " + std::string(seq) + " appears twice in this batch");
    }
    if (static_cast<int64_t>(out_.parse.file.lines.size()) >= kRemittanceLinesMax) {
      if (!too_many_) {
        Add(number, "record", "import_too_many_rows",
            "more than " + std::to_string(kRemittanceLinesMax) + " detail records: split it");
      }
      too_many_ = true;
      return;
    }
    out_.parse.file.lines.push_back(std::move(line));
  }

  void OnTrailer(int64_t number, const std::vector<std::string_view>& f) {
    trailer_line_ = number;
    if (!FieldCount(number, f, 3, "trailer")) return;
    trailer_batch_id_ = std::string(f[1]);
    auto count = Count(f[2]);
    if (!count.ok()) return Add(number, "trailer.count", count.status());
    trailer_count_ = *count;
  }

  // The control totals, then the keys (they need the batch id).
  void Finish(int64_t last_line) {
    if (header_line_ == 0) {
      return Add(0, "record", "sdu_header_missing", "the file is empty: no header (H)");
    }
    if (trailer_line_ == 0) {
      Add(last_line, "record", "sdu_trailer_missing",
          "the file ends without a trailer (T): truncated?");
    }
    if (!header_ok_) return;
    const SduHeader& h = out_.header;
    if (h.count != details_) {
      Add(header_line_, "header.count", "sdu_control_count_mismatch",
          "batch " + h.batch_id + " declares " + std::to_string(h.count) +
              " detail records, the file has " + std::to_string(details_));
    }
    if (!sum_unknown_ && h.total.cents() != sum_cents_) {
      Add(header_line_, "header.total", "sdu_control_total_mismatch",
          "batch " + h.batch_id + " declares a total of " + h.total.ToString() +
              ", the detail records add up to " + Money::FromCents(sum_cents_).ToString());
    }
    if (trailer_count_ && *trailer_count_ != details_) {
      Add(trailer_line_, "trailer.count", "sdu_control_count_mismatch",
          "the trailer counts " + std::to_string(*trailer_count_) +
              " detail records, the file has " + std::to_string(details_));
    }
    if (trailer_line_ != 0 && trailer_batch_id_ != h.batch_id) {
      Add(trailer_line_, "trailer.batch_id", "sdu_batch_id_mismatch",
          "trailer batch id '" + trailer_batch_id_ + "', the header says '" + h.batch_id + "'");
    }
    CheckPayDates();
    for (RemittanceLine& l : out_.parse.file.lines) l.key = SduKey(h.batch_id, l.line_ref);
  }

  // A payment is paid before the SDU deposits it: a detail whose pay date is after the
  // header's deposit date is refused (and left out of the lines, so that it is reported once).
  void CheckPayDates() {
    std::vector<RemittanceLine>& lines = out_.parse.file.lines;
    const Date deposit = out_.header.deposit_date;
    for (const RemittanceLine& l : lines) {
      if (!(deposit < l.pay_date)) continue;
      Add(l.line_number, "pay_date", "sdu_pay_date_after_deposit",
          "pay date " + l.pay_date.ToString() + " is after the batch's deposit date " +
              deposit.ToString());
    }
    std::erase_if(lines, [&](const RemittanceLine& l) { return deposit < l.pay_date; });
  }

  SduParse out_;
  int64_t header_line_ = 0;  // 0 = not seen, -1 = missing (reported)
  int64_t trailer_line_ = 0;
  bool header_ok_ = false;
  bool too_many_ = false;
  int64_t details_ = 0;
  int64_t sum_cents_ = 0;     // at most 1e6 lines of at most 1e10 cents: no overflow
  bool sum_unknown_ = false;  // a detail whose amount is unreadable: the total is not checked
  std::optional<int64_t> trailer_count_;
  std::string trailer_batch_id_;
  std::set<std::string> seqs_;
};

}  // namespace

std::string SduKey(std::string_view batch_id, std::string_view seq) {
  return "SDU-" + std::string(batch_id) + "-" + std::string(seq);
}

SduParse ParseSduBatch(std::string_view text) { return SduParser().Run(StripUtf8Bom(text)); }

}  // namespace cse::formats
