// The employer acknowledgment file parser (formats/eiwo.h ParseAckFile).
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <utility>

#include "core/text.h"
#include "formats/eiwo.h"

namespace cse::formats {
namespace {

bool IsActionCode(std::string_view c) {
  return c == "ORG" || c == "AMD" || c == "LUM" || c == "TRM";
}

// A field's value, "" when the record did not read it (the field is not in the layout, or it
// was malformed and reported).
std::string Get(const FieldValues& v, const std::string& name) {
  const auto it = v.find(name);
  return it == v.end() ? std::string() : it->second;
}

class AckParser {
 public:
  explicit AckParser(const EiwoLayouts& layouts) : l_(layouts) {}

  AckFile Run(std::string_view text) {
    size_t start = 0;
    int64_t number = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view line = text.substr(start, end - start);
      if (end == text.size() && line.empty()) break;
      ++number;
      OnLine(number, line);
      start = end + 1;
    }
    out_.lines = number;
    Finish();
    return std::move(out_);
  }

 private:
  enum class State { kStart, kFile, kBatch, kDone };

  void Add(int64_t record, std::string field, std::string reason, std::string message) {
    ++out_.problem_count;
    if (out_.problems.size() < kEiwoProblemsMax) {
      out_.problems.push_back(
          AckProblem{record, std::move(field), std::move(reason), std::move(message)});
    }
  }

  static bool Blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
  }

  void OnLine(int64_t n, std::string_view line) {
    if (Blank(line)) return;
    const RecordLayout* r = RecordOf(l_, line);
    if (r == nullptr) {
      return Add(n, "record", "eiwo_record_unknown",
                 "record type '" + std::string(line.substr(0, 3)) + "' is none of the layout's (" +
                     l_.file_header.record_id + ", " + l_.batch_header.record_id + ", " +
                     l_.detail.record_id + ", " + l_.batch_trailer.record_id + ", " +
                     l_.file_trailer.record_id + ")");
    }
    if (r == &l_.detail) {  // counted even when malformed: the trailers count records
      ++batch_details_;
      ++file_details_;
    }
    const std::optional<FieldValues> values =
        r == &l_.detail ? ReadDetail(n, *r, line) : ReadFramingRecord(n, *r, line);
    if (!values) return;
    if (state_ == State::kDone) {
      return Add(n, "record", "eiwo_record_after_trailer", "a record after the file trailer");
    }
    if (r == &l_.file_header) return OnFileHeader(n, *values);
    if (state_ == State::kStart) {
      return Add(n, "record", "eiwo_header_missing",
                 "the file must start with a file header (" + l_.file_header.record_id + ")");
    }
    if (r == &l_.batch_header) return OnBatchHeader(n, *values);
    if (r == &l_.detail) return OnDetail(n, *values);
    if (r == &l_.batch_trailer) return OnBatchTrailer(n, *values);
    OnFileTrailer(n, *values);
  }

  // An acknowledgment record: its first field problem refuses it.
  std::optional<FieldValues> ReadDetail(int64_t n, const RecordLayout& layout,
                                        std::string_view line) {
    FieldProblem fp;
    auto values = ReadRecord(layout, line, fp);
    if (values.ok()) return std::move(*values);
    Add(n, fp.field, fp.reason, fp.message);
    return std::nullopt;
  }

  // A header or trailer: every field problem is reported, and the record still frames the
  // file with the fields that did read (a header's malformed creation date is that one
  // problem, not a missing header before each record after it). A record longer than its
  // layout is reported and read up to the layout's length.
  std::optional<FieldValues> ReadFramingRecord(int64_t n, const RecordLayout& layout,
                                               std::string_view line) {
    RecordLayout readable = layout;
    while (true) {
      FieldProblem fp;
      auto values = ReadRecord(readable, line, fp);
      if (values.ok()) return std::move(*values);
      Add(n, fp.field, fp.reason, fp.message);
      if (fp.reason == "record_too_long") {
        line = line.substr(0, static_cast<size_t>(layout.record_length));
        continue;
      }
      std::vector<FieldSpec>& fields = readable.fields;
      const auto bad = std::find_if(fields.begin(), fields.end(),
                                    [&](const FieldSpec& f) { return f.name == fp.field; });
      if (bad == fields.end()) return std::nullopt;  // not a field's problem: unreadable
      fields.erase(bad);
    }
  }

  void OnFileHeader(int64_t n, const FieldValues& v) {
    if (state_ != State::kStart) {
      return Add(n, "record", "eiwo_header_repeated", "a second file header");
    }
    state_ = State::kFile;
    out_.file_control = Get(v, "control_number");
    file_fein_ = Get(v, "employer_fein");
    const auto created = v.find("creation_date");
    if (created != v.end() && !created->second.empty()) {
      out_.created = *Date::Parse(created->second);  // ReadRecord checked it
    }
  }

  void OnBatchHeader(int64_t n, const FieldValues& v) {
    if (state_ == State::kBatch) {
      Add(n, "record", "eiwo_trailer_missing",
          "batch " + batch_control_ + " has no trailer before the next batch header");
    }
    state_ = State::kBatch;
    batch_control_ = Get(v, "control_number");
    batch_fein_ = Get(v, "employer_fein");
    batch_details_ = 0;
    ++batches_;
  }

  void OnDetail(int64_t n, const FieldValues& v) {
    if (state_ != State::kBatch) {
      return Add(n, "record", "eiwo_batch_missing",
                 "an acknowledgment outside a batch (no " + l_.batch_header.record_id + ")");
    }
    if (static_cast<int64_t>(out_.records.size()) >= kEiwoAckRecordsMax) {
      return Add(n, "record", "eiwo_records_too_many",
                 "more than " + std::to_string(kEiwoAckRecordsMax) + " records: split the file");
    }
    AckRecord a;
    a.record_number = n;
    a.batch_control = batch_control_;
    a.action_code = v.at("action_code");
    a.iwo_control = v.at("iwo_control_number");
    a.case_id = v.at("case_id");
    a.employee_ssn = v.at("employee_ssn");
    if (!Fein(n, Get(v, "employer_fein"), a)) return;
    if (!IsActionCode(a.action_code)) {
      return Add(n, "action_code", "action_code_invalid",
                 "action code '" + a.action_code + "': expected ORG|AMD|LUM|TRM");
    }
    if (a.employee_ssn.size() != 9) {
      return Add(n, "employee_ssn", "ssn_malformed", "employee_ssn must be nine digits");
    }
    const std::string& d = v.at("disposition");
    if (d != l_.accept_code && d != l_.reject_code) {
      return Add(n, "disposition", "disposition_unknown",
                 "disposition '" + d + "': expected " + l_.accept_code + " (accepted) or " +
                     l_.reject_code + " (rejected)");
    }
    a.accepted = d == l_.accept_code;
    if (!a.accepted && !Reason(n, v, a)) return;
    const auto date = v.find("disposition_date");
    if (date != v.end() && !date->second.empty()) a.disposition_date = *Date::Parse(date->second);
    out_.records.push_back(std::move(a));
  }

  // The employer FEIN of a record: its own, else its batch header's, else the file header's
  // (the importer checks it against the IWO's employer). A record's own FEIN that is not its
  // batch header's is a problem (fein_mismatch).
  bool Fein(int64_t n, const std::string& own, AckRecord& a) {
    const std::string& header = !batch_fein_.empty() ? batch_fein_ : file_fein_;
    if (!own.empty() && !header.empty() && own != header) {
      Add(n, "employer_fein", "fein_mismatch",
          "FEIN " + own + " is not the FEIN " + header + " of its " +
              (!batch_fein_.empty() ? "batch" : "file") + " header");
      return false;
    }
    a.employer_fein = own.empty() ? header : own;
    return true;
  }

  bool Reason(int64_t n, const FieldValues& v, AckRecord& a) {
    const auto code = v.find("reason_code");
    if (code == v.end() || code->second.empty()) {
      Add(n, "reason_code", "reason_code_missing", "a rejection needs a reason code");
      return false;
    }
    const auto text = l_.reasons.find(code->second);
    if (text == l_.reasons.end()) {
      Add(n, "reason_code", "reason_code_unknown",
          "reason code '" + code->second + "' is not in the reason table");
      return false;
    }
    a.reason_code = code->second;
    a.reason = text->second;
    return true;
  }

  // A trailer's count; not checked when it did not read (reported).
  void CheckCount(int64_t n, const FieldValues& v, const std::string& field, int64_t expected) {
    if (!v.count(field)) return;
    const std::string& got = v.at(field);  // digits (ReadRecord checked), any length
    int64_t count = -1;
    const auto [end, ec] = std::from_chars(got.data(), got.data() + got.size(), count);
    if (ec != std::errc() || end != got.data() + got.size() || count != expected) {
      Add(n, field, "eiwo_count_mismatch",
          field + " " + got + " but the file holds " + std::to_string(expected));
    }
  }

  void OnBatchTrailer(int64_t n, const FieldValues& v) {
    if (state_ != State::kBatch) {
      return Add(n, "record", "eiwo_batch_missing", "a batch trailer outside a batch");
    }
    // A control number that did not read (here or in the header) was reported already.
    if (v.count("control_number") && !batch_control_.empty() &&
        v.at("control_number") != batch_control_) {
      Add(n, "control_number", "eiwo_control_mismatch",
          "batch trailer control number '" + v.at("control_number") + "' is not the batch's '" +
              batch_control_ + "'");
    }
    CheckCount(n, v, "detail_count", batch_details_);
    state_ = State::kFile;
  }

  void OnFileTrailer(int64_t n, const FieldValues& v) {
    if (state_ == State::kBatch) {
      Add(n, "record", "eiwo_trailer_missing", "batch " + batch_control_ + " has no trailer");
    }
    if (v.count("control_number") && !out_.file_control.empty() &&
        v.at("control_number") != out_.file_control) {
      Add(n, "control_number", "eiwo_control_mismatch",
          "file trailer control number '" + v.at("control_number") + "' is not the file's '" +
              out_.file_control + "'");
    }
    CheckCount(n, v, "batch_count", batches_);
    CheckCount(n, v, "detail_count", file_details_);
    state_ = State::kDone;
  }

  void Finish() {
    if (state_ == State::kStart) {
      Add(0, "file", "eiwo_header_missing", "no file header: the file is empty or not e-IWO");
    } else if (state_ != State::kDone) {
      Add(out_.lines, "file", "eiwo_trailer_missing", "the file ends without its file trailer");
    }
  }

  const EiwoLayouts& l_;
  AckFile out_;
  State state_ = State::kStart;
  std::string batch_control_;
  std::string file_fein_;   // the file header's employer FEIN, "" when not given
  std::string batch_fein_;  // the batch header's
  int64_t batch_details_ = 0;
  int64_t file_details_ = 0;
  int64_t batches_ = 0;
};

}  // namespace

AckFile ParseAckFile(std::string_view text, const EiwoLayouts& layouts) {
  text = StripUtf8Bom(text);
  return AckParser(layouts).Run(text);
}

}  // namespace cse::formats
