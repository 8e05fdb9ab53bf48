// Employer remittance CSV parser (docs/REMITTANCE_CSV.md).
#include "formats/remittance.h"

#include <array>
#include <set>
#include <utility>

#include "core/limits.h"
#include "domain/validate.h"

namespace cse::formats {
namespace {

constexpr std::array<std::string_view, 6> kColumns{"line_ref", "employer_fein", "pay_date",
                                                   "ssn",      "case_id",       "amount"};
enum Column { kLineRef, kFein, kPayDate, kSsn, kCaseId, kAmount };

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool Blank(std::string_view line) { return Trim(line).empty(); }

// Splits one line on commas; a field may be quoted ("" is one quote inside quotes).
// Errors: csv_quote_unbalanced.
Result<std::vector<std::string>> Split(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') {
        out.back() += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  if (quoted) return InvalidArgument("csv_quote_unbalanced", "a quoted field is not closed");
  for (std::string& f : out) f = std::string(Trim(f));
  return out;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool RefChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// The column order of the header, or an error naming what is wrong with it.
Result<std::array<size_t, 6>> ParseHeader(std::string_view line) {
  const std::string expected =
      "expected the columns " + std::string(kRemittanceColumns) + " (any order, each once)";
  ASSIGN_OR_RETURN(std::vector<std::string> names, Split(line));
  if (!names.empty() && names[0].rfind("\xEF\xBB\xBF", 0) == 0) names[0].erase(0, 3);
  std::array<size_t, 6> at{};
  std::array<bool, 6> seen{};
  if (names.size() != kColumns.size()) {
    return InvalidArgument("csv_header_invalid", "header '" + std::string(line) + "': " + expected);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    size_t c = 0;
    while (c < kColumns.size() && kColumns[c] != names[i]) ++c;
    if (c == kColumns.size() || seen[c]) {
      return InvalidArgument("csv_header_invalid", "header column '" + names[i] + "': " + expected);
    }
    seen[c] = true;
    at[c] = i;
  }
  return at;
}

RemittanceProblem Problem(int64_t line, std::string field, const Status& s) {
  return RemittanceProblem{line, std::move(field), s.reason(), s.message()};
}

// One field's check; `field` names the column in the problem.
class LineParser {
 public:
  LineParser(int64_t line_number, const std::vector<std::string>& fields,
             const std::array<size_t, 6>& at)
      : fields_(fields), at_(at) {
    line_.line_number = line_number;
  }

  // The parsed line, or the first problem found in it.
  Result<RemittanceLine> Parse(RemittanceProblem& problem) {
    if (!Ref() || !Fein() || !PayDate() || !Ssn() || !CaseRef() || !Amount() || !Either()) {
      problem = problem_;
      return InvalidArgument(problem_.reason, problem_.message);
    }
    line_.key = RemittanceKey(line_.employer_fein, line_.line_ref);
    return line_;
  }

 private:
  const std::string& F(Column c) const { return fields_[at_[c]]; }
  bool Fail(Column c, const Status& s) {
    problem_ = Problem(line_.line_number, std::string(kColumns[c]), s);
    return false;
  }
  bool Ref() {
    const std::string& v = F(kLineRef);
    if (v.empty()) return Fail(kLineRef, InvalidArgument("line_ref_missing", "line_ref is empty"));
    if (v.size() > kLineRefLengthMax) {
      return Fail(kLineRef, InvalidArgument("line_ref_too_long",
                                            "line_ref '" + v + "' is longer than " +
                                                std::to_string(kLineRefLengthMax) + " characters"));
    }
    for (char c : v) {
      if (!RefChar(c)) {
        return Fail(kLineRef, InvalidArgument("line_ref_invalid_char",
                                              "line_ref '" + v + "': only A-Z a-z 0-9 - _ ."));
      }
    }
    line_.line_ref = v;
    return true;
  }
  bool Fein() {
    const std::string& v = F(kFein);
    if (v.size() != 9 || !AllDigits(v)) {
      return Fail(kFein, InvalidArgument("fein_malformed",
                                         "employer_fein '" + v + "' must be exactly nine digits"));
    }
    line_.employer_fein = v;
    return true;
  }
  bool PayDate() {
    auto d = Date::Parse(F(kPayDate));
    if (!d.ok()) return Fail(kPayDate, d.status());
    line_.pay_date = *d;
    return true;
  }
  bool Ssn() {
    const std::string& v = F(kSsn);
    if (v.empty()) return true;
    if (Status s = ValidateSsn(v); !s.ok()) return Fail(kSsn, s);
    line_.ssn = v;
    return true;
  }
  bool CaseRef() {
    const std::string& v = F(kCaseId);
    if (v.empty()) return true;
    auto id = ParseDisplayId("CASE", v);
    if (!id.ok()) return Fail(kCaseId, id.status());
    line_.case_id = CaseId{*id};
    return true;
  }
  bool Amount() {
    auto m = ParseMoney(F(kAmount));
    if (!m.ok()) return Fail(kAmount, m.status());
    line_.amount = *m;
    return true;
  }
  bool Either() {
    if (!line_.ssn.empty() || line_.case_id.value != 0) return true;
    return Fail(kSsn, InvalidArgument("employee_id_missing",
                                      "neither ssn nor case_id is given: one identifies the "
                                      "employee"));
  }

  const std::vector<std::string>& fields_;
  const std::array<size_t, 6>& at_;
  RemittanceLine line_;
  RemittanceProblem problem_;
};

class FileParser {
 public:
  RemittanceParse Run(std::string_view text) {
    int64_t number = 0;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++number;
      const std::string_view line = text.substr(start, end - start);
      if (end == text.size() && line.empty()) break;  // after the last newline
      OnLine(number, line);
      start = end + 1;
    }
    if (!header_seen_) {
      Add(RemittanceProblem{
          0, "header", "csv_header_invalid",
          "the file is empty: expected the header " + std::string(kRemittanceColumns)});
    }
    return std::move(out_);
  }

 private:
  void Add(RemittanceProblem p) {
    ++out_.problem_count;
    if (out_.file.problems.size() < kProblemsMax) out_.file.problems.push_back(std::move(p));
  }
  void OnLine(int64_t number, std::string_view line) {
    if (Blank(line)) return;
    if (static_cast<int64_t>(line.size()) > limits::kCsvLineBytesMax) {
      Add(RemittanceProblem{
          number, "line", "csv_line_too_long",
          "line is longer than " + std::to_string(limits::kCsvLineBytesMax) + " bytes"});
      return;
    }
    if (!header_seen_) return OnHeader(number, line);
    ++out_.line_count;
    if (static_cast<int64_t>(out_.file.lines.size()) + out_.problem_count >= kRemittanceLinesMax) {
      if (!too_many_) {
        Add(RemittanceProblem{
            number, "line", "import_too_many_rows",
            "more than " + std::to_string(kRemittanceLinesMax) + " lines: split the file"});
      }
      too_many_ = true;
      return;
    }
    OnData(number, line);
  }
  void OnHeader(int64_t number, std::string_view line) {
    header_seen_ = true;
    auto at = ParseHeader(line);
    if (!at.ok()) {
      Add(Problem(number, "header", at.status()));
      header_ok_ = false;
      return;
    }
    at_ = *at;
  }
  void OnData(int64_t number, std::string_view line) {
    if (!header_ok_) return;
    auto fields = Split(line);
    if (!fields.ok()) return Add(Problem(number, "line", fields.status()));
    if (fields->size() != kColumns.size()) {
      return Add(RemittanceProblem{number, "line", "csv_field_count",
                                   "expected 6 fields, found " + std::to_string(fields->size())});
    }
    RemittanceProblem problem;
    auto parsed = LineParser(number, *fields, at_).Parse(problem);
    if (!parsed.ok()) return Add(std::move(problem));
    if (!keys_.insert(parsed->key).second) {
      return Add(RemittanceProblem{number, "line_ref", "line_ref_duplicate",
                                   "line_ref '" + parsed->line_ref +
                                       "' appears twice in this file for employer " +
                                       parsed->employer_fein});
    }
    out_.file.lines.push_back(std::move(*parsed));
  }

  RemittanceParse out_;
  bool header_seen_ = false;
  bool header_ok_ = true;
  bool too_many_ = false;
  std::array<size_t, 6> at_{};
  std::set<std::string> keys_;
};

}  // namespace

std::string RemittanceKey(std::string_view fein, std::string_view line_ref) {
  return "REM-" + std::string(fein) + "-" + std::string(line_ref);
}

RemittanceParse ParseRemittanceCsv(std::string_view text) { return FileParser().Run(text); }

}  // namespace cse::formats
