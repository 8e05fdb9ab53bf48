#include "service/import.h"

#include <array>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "core/files.h"
#include "core/limits.h"
#include "core/text.h"
#include "service/json.h"

namespace cse {

Result<std::vector<std::string>> SplitCsvLine(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  if (quoted) return InvalidArgument("csv_quote_unbalanced", "a quoted field is not closed");
  for (std::string& f : fields) {
    while (!f.empty() && (f.back() == ' ' || f.back() == '\r')) f.pop_back();
    size_t start = 0;
    while (start < f.size() && f[start] == ' ') ++start;
    f.erase(0, start);
  }
  return fields;
}

namespace {

constexpr std::array<const char*, 5> kColumns{"key", "case_id", "amount", "date", "source"};

std::string FieldForReason(const std::string& reason) {
  if (reason.rfind("amount", 0) == 0) return "amount";
  if (reason.rfind("date", 0) == 0) return "date";
  if (reason.rfind("source", 0) == 0 || reason == "exists_with_different_source") return "source";
  if (reason.rfind("case", 0) == 0 || reason == "id_malformed" ||
      reason == "exists_with_different_case") {
    return "case_id";
  }
  if (reason == "exists_with_different_amount") return "amount";
  if (reason == "exists_with_different_date") return "date";
  return "key";
}

struct ParsedRow {
  int64_t line = 0;
  PaymentRequest request;
};

// Parses one data line into a request, or a rejection naming the field.
std::optional<ImportRejection> ParseRow(const std::vector<std::string>& fields,
                                        const std::array<size_t, 5>& index, int64_t line,
                                        PaymentRequest& out) {
  auto reject = [&](const std::string& field, const Status& s) {
    return ImportRejection{line, out.key, field, s.reason(), s.message()};
  };
  out.key = fields[index[0]];
  auto case_id = ParseDisplayId("CASE", fields[index[1]]);
  if (!case_id.ok()) return reject("case_id", case_id.status());
  out.case_id = CaseId{*case_id};
  auto amount = ParseMoney(fields[index[2]]);
  if (!amount.ok()) return reject("amount", amount.status());
  out.amount = *amount;
  auto date = Date::Parse(fields[index[3]]);
  if (!date.ok()) return reject("date", date.status());
  out.date = *date;
  auto source = ParsePaymentSource(fields[index[4]]);
  if (!source.ok()) return reject("source", source.status());
  out.source = *source;
  return std::nullopt;
}

Result<std::array<size_t, 5>> ParseHeader(const std::string& line) {
  auto split = SplitCsvLine(line);
  const std::string expected = "expected the header key,case_id,amount,date,source";
  if (!split.ok()) {
    return InvalidArgument("csv_header_invalid",
                           "header (line 1) '" + std::string(TruncateUtf8(line, 120)) +
                               "': " + split.status().message() + "; " + expected);
  }
  std::vector<std::string>& names = *split;
  std::array<size_t, 5> index{};
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < names.size(); ++i) seen[names[i]] = i;
  if (names.size() != kColumns.size() || seen.size() != names.size()) {
    return InvalidArgument("csv_header_invalid",
                           "header '" + std::string(TruncateUtf8(line, 120)) + "': " + expected);
  }
  for (size_t c = 0; c < kColumns.size(); ++c) {
    auto it = seen.find(kColumns[c]);
    if (it == seen.end()) {
      return InvalidArgument("csv_header_invalid",
                             "header '" + std::string(TruncateUtf8(line, 120)) +
                                 "' lacks column '" + kColumns[c] + "': " + expected);
    }
    index[c] = it->second;
  }
  return index;
}

// Reads the next line (without its '\n') into `line`, keeping at most `keep` of its bytes so
// that one enormous line costs no more memory than that. Returns the line's whole length in
// bytes, or nullopt when the input has ended.
std::optional<size_t> ReadLineBounded(std::istream& in, std::string& line, size_t keep) {
  line.clear();
  std::streambuf* buffer = in.rdbuf();
  size_t length = 0;
  bool read_any = false;
  for (;;) {
    const int c = buffer->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      if (!read_any) return std::nullopt;
      return length;
    }
    read_any = true;
    if (c == '\n') return length;
    if (length < keep) line.push_back(static_cast<char>(c));
    ++length;
  }
}

// `error`, which stopped an import part way, with what was committed before it.
Status StoppedImport(const Status& error, const ImportReport& report) {
  std::string what;
  if (report.mode != ImportMode::kCommitValid) {
    what = "nothing was written";
  } else if (report.batches_committed == 0) {
    what = "no batch was committed before it; nothing was written";
  } else {
    what = std::to_string(report.created + report.exists) + " rows (" +
           std::to_string(report.created) + " posted, " + std::to_string(report.exists) +
           " already posted) in " + std::to_string(report.batches_committed) +
           " batch(es) were committed before it and stay posted; running the same file again "
           "posts the rest exactly once (the committed rows answer 'already posted')";
  }
  return Status(error.code(), error.reason(), error.message() + " [import stopped: " + what + "]");
}

// The import itself, filling `report` (its file and mode set) as batches commit.
Status ImportInto(Store& store, const Clock& clock, const std::string& actor,
                  const std::string& path, int64_t batch_rows, BulkPoster::StoreOpener open_reader,
                  ImportReport& report) {
  RETURN_IF_ERROR(CheckInputFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("file_not_found", "cannot open payments file '" + path + "'");
  std::string line;
  int64_t line_no = 0;
  std::array<size_t, 5> index{};
  bool have_header = false;
  // A line longer than the limit is kept only up to one byte past it: it is refused whole.
  constexpr auto kLineMax = static_cast<size_t>(limits::kCsvLineBytesMax);
  std::optional<size_t> length;
  while (!have_header && (length = ReadLineBounded(in, line, kLineMax + 3))) {
    ++line_no;
    if (*length <= kLineMax + 3 && line.find_first_not_of(" \r") == std::string::npos) continue;
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) {  // UTF-8 byte-order mark
      line.erase(0, 3);
      *length -= 3;
    }
    if (*length > kLineMax) {
      return InvalidArgument("csv_header_invalid",
                             "the first line of '" + path + "' has " + std::to_string(*length) +
                                 " bytes, not a header; expected key,case_id,amount,date,source");
    }
    ASSIGN_OR_RETURN(index, ParseHeader(line));
    have_header = true;
  }
  if (!have_header) {
    return InvalidArgument(
        "csv_header_invalid",
        "'" + path + "' is empty; expected the header key,case_id,amount,date,source");
  }
  const ImportMode mode = report.mode;
  BulkPoster poster(store, clock, actor);
  WritePacer pacer;  // other writers get the lock between two batches
  if (open_reader) poster.UseReader(std::move(open_reader));
  std::vector<ParsedRow> batch;
  std::vector<PaymentRequest> requests;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    requests.clear();
    for (const ParsedRow& r : batch) requests.push_back(r.request);
    pacer.BeforeBegin();
    Result<BatchResult> posted = poster.PostBatch(requests, mode, path);
    pacer.Committed();
    if (!posted.ok()) return StoppedImport(posted.status(), report);
    const BatchResult& result = *posted;
    for (size_t i = 0; i < batch.size(); ++i) {
      const RowOutcome& o = result.outcomes[i];
      if (o.kind == RowOutcome::Kind::kRejected) {
        report.rejections.push_back(ImportRejection{batch[i].line, batch[i].request.key,
                                                    FieldForReason(o.error.reason()),
                                                    o.error.reason(), o.error.message()});
      }
    }
    report.rejected += result.rejected;
    if (result.committed && mode != BatchMode::kDryRun) {
      for (size_t i = 0; i < batch.size(); ++i) {
        if (result.outcomes[i].kind == RowOutcome::Kind::kCreated) {
          report.posted.push_back(batch[i].request);
        }
      }
    }
    if (result.committed || mode == BatchMode::kDryRun) {
      report.created += result.created;
      report.exists += result.exists;
    }
    if (result.committed && mode != BatchMode::kDryRun) ++report.batches_committed;
    if (!result.committed) report.committed = false;
    batch.clear();
    return Status::Ok();
  };
  while ((length = ReadLineBounded(in, line, kLineMax + 1))) {
    ++line_no;
    if (*length <= kLineMax && line.find_first_not_of(" \r") == std::string::npos) continue;
    ++report.rows;
    if (report.rows > limits::kImportRowsMax) {
      return StoppedImport(ResourceExhausted("import_too_many_rows",
                                             "'" + path + "' has more than " +
                                                 std::to_string(limits::kImportRowsMax) +
                                                 " rows; split the file (rows before line " +
                                                 std::to_string(line_no) + " may be posted)"),
                           report);
    }
    PaymentRequest request;
    std::optional<ImportRejection> rejection;
    if (*length > kLineMax) {
      rejection = ImportRejection{line_no, "", "line", "csv_line_too_long",
                                  "line has " + std::to_string(*length) + " bytes; at most " +
                                      std::to_string(limits::kCsvLineBytesMax)};
    } else if (auto fields = SplitCsvLine(line); !fields.ok()) {
      rejection =
          ImportRejection{line_no, "", "line", fields.status().reason(), fields.status().message()};
    } else if (fields->size() != kColumns.size()) {
      rejection = ImportRejection{line_no, "", "line", "csv_field_count",
                                  "expected 5 fields, found " + std::to_string(fields->size())};
    } else {
      rejection = ParseRow(*fields, index, line_no, request);
    }
    if (rejection) {
      ++report.rejected;
      report.rejections.push_back(*rejection);
      continue;
    }
    batch.push_back(ParsedRow{line_no, request});
    if (mode == ImportMode::kCommitValid && static_cast<int64_t>(batch.size()) >= batch_rows) {
      RETURN_IF_ERROR(flush());
    }
  }
  if (mode == ImportMode::kAllOrNothing && report.rejected > 0) {
    // Parse errors already doom the file: check the rest for a complete report, write nothing.
    if (!batch.empty()) {
      requests.clear();
      for (const ParsedRow& r : batch) requests.push_back(r.request);
      ASSIGN_OR_RETURN(BatchResult result, poster.PostBatch(requests, BatchMode::kDryRun, path));
      for (size_t i = 0; i < batch.size(); ++i) {
        const RowOutcome& o = result.outcomes[i];
        if (o.kind != RowOutcome::Kind::kRejected) continue;
        ++report.rejected;
        report.rejections.push_back(ImportRejection{batch[i].line, batch[i].request.key,
                                                    FieldForReason(o.error.reason()),
                                                    o.error.reason(), o.error.message()});
      }
      batch.clear();
    }
    report.committed = false;
    return Status::Ok();
  }
  RETURN_IF_ERROR(flush());
  return Status::Ok();
}

}  // namespace

void WritePacer::BeforeBegin() {
  const Steady::time_point now = Steady::now();
  begin_ = now;
  if (!last_commit_) return;
  const Steady::time_point until = *last_commit_ + pause_;
  if (now >= until) {  // the work since the last commit left other writers their gap
    held_ = Steady::duration{0};
    return;
  }
  if (held_ < hold_) return;
  std::this_thread::sleep_until(until);
  slept_seconds_ += std::chrono::duration<double>(until - now).count();
  held_ = Steady::duration{0};
  begin_ = Steady::now();
}

void WritePacer::Committed() {
  last_commit_ = Steady::now();
  held_ += *last_commit_ - begin_;
}

Result<ImportReport> ImportPaymentsCsv(Store& store, const Clock& clock, const std::string& actor,
                                       const std::string& path, ImportMode mode, int64_t batch_rows,
                                       BulkPoster::StoreOpener open_reader, ImportReport* so_far) {
  ImportReport report;
  report.file = path;
  report.mode = mode;
  const Status s =
      ImportInto(store, clock, actor, path, batch_rows, std::move(open_reader), report);
  if (so_far) *so_far = report;
  if (!s.ok()) return s;
  return report;
}

}  // namespace cse
