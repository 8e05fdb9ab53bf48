// NACHA CCD+/CTX files with X12 DED addenda (formats/ded.h, docs/DED.md).
#include "formats/ded.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/ids.h"
#include "core/text.h"
#include "domain/validate.h"

namespace cse::formats {
namespace {

// A field of an ACH record: 1-based start position and length, as in the NACHA charts.
struct Field {
  const char* name;
  size_t start;
  size_t length;
};

// The positions read (NACHA Operating Rules, Appendix Three record formats).
constexpr Field kBatchCompanyId{"batch_header.company_id", 41, 10};
constexpr Field kBatchSecCode{"batch_header.sec_code", 51, 3};
constexpr Field kBatchEffective{"batch_header.effective_date", 70, 6};
constexpr Field kBatchNumber{"batch_header.batch_number", 88, 7};
constexpr Field kEntryCode{"entry.transaction_code", 2, 2};
constexpr Field kEntryRouting{"entry.rdfi_routing", 4, 8};
constexpr Field kEntryAmount{"entry.amount", 30, 10};
constexpr Field kEntryAddenda{"entry.addenda_indicator", 79, 1};
constexpr Field kEntryTrace{"entry.trace_number", 80, 15};
constexpr Field kAddendaType{"addenda.type_code", 2, 2};
constexpr Field kAddendaInfo{"addenda.payment_info", 4, 80};
constexpr Field kAddendaSeq{"addenda.sequence", 84, 4};
constexpr Field kAddendaEntrySeq{"addenda.entry_sequence", 88, 7};
constexpr Field kBatchCount{"batch_control.entry_addenda_count", 5, 6};
constexpr Field kBatchHash{"batch_control.entry_hash", 11, 10};
constexpr Field kBatchCredit{"batch_control.total_credit", 33, 12};
constexpr Field kBatchCtlNumber{"batch_control.batch_number", 88, 7};
constexpr Field kFileBatches{"file_control.batch_count", 2, 6};
constexpr Field kFileCount{"file_control.entry_addenda_count", 14, 8};
constexpr Field kFileCredit{"file_control.total_credit", 44, 12};

constexpr int64_t kHashModulus = 10'000'000'000;  // entry hash: the last ten digits

std::string_view At(std::string_view record, const Field& f) {
  return record.substr(f.start - 1, f.length);
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Digits as a number; REQUIRES: AllDigits(s) and at most 18 digits.
int64_t Number(std::string_view s) {
  int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view Trim(std::string_view s) {
  s = TrimRight(s);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    if (end == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

// An entry detail record being read, with its addenda text joined.
struct Entry {
  int64_t line_number = 0;
  std::string trace;
  int64_t amount_cents = 0;
  bool expects_addenda = false;
  bool prenote = false;
  int addenda = 0;
  std::string info;  // the addenda's payment-related information, joined
  // (offset in `info`, line) of each addenda, to name the record a segment starts in.
  std::vector<std::pair<size_t, int64_t>> starts;
};

struct Batch {
  int64_t line_number = 0;
  std::string fein;
  std::string effective;  // YYYYMMDD
  std::string number;
  int64_t count = 0;  // entries + addenda
  int64_t hash = 0;
  int64_t credit_cents = 0;
  bool credit_unknown = false;  // an entry was refused before counting: the total is not checked
  bool header_ok = true;        // false: the header was reported; its entries make no lines
};

class DedParser {
 public:
  explicit DedParser(const DedOptions& options) : options_(options) {
    out_.fields = RemittanceFieldNames{.line_ref = kEntryTrace.name,
                                       .pay_date = "DED03",
                                       .ssn = "DED05",
                                       .case_id = "DED02",
                                       .amount = "DED04",
                                       .settlement_date = kBatchEffective.name,
                                       .settlement_amount = kEntryAmount.name};
  }

  RemittanceParse Run(std::string_view text) {
    int64_t number = 0;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++number;
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      OnLine(number, line);  // trailing spaces are part of a 94-character record (or stripped)
      start = end + 1;
    }
    Finish(number);
    return std::move(out_);
  }

 private:
  void Add(int64_t line, std::string field, std::string reason, std::string message) {
    ++out_.problem_count;
    if (out_.file.problems.size() < kProblemsMax) {
      out_.file.problems.push_back(
          RemittanceProblem{line, std::move(field), std::move(reason), std::move(message)});
    }
  }
  void Add(int64_t line, std::string field, const Status& s) {
    Add(line, std::move(field), s.reason(), s.message());
  }

  static bool Padding(std::string_view line) {
    for (char c : line) {
      if (c != '9') return false;
    }
    return true;
  }

  void OnLine(int64_t number, std::string_view line) {
    if (line.empty() || (line.size() == kAchRecordLength && Padding(line))) return;
    if (line.size() > kAchRecordLength) {
      ++unreadable_;
      if (line.size() % kAchRecordLength == 0) {
        return Add(number, "record", "ach_record_length",
                   "line is " + std::to_string(line.size()) +
                       " characters: " + std::to_string(line.size() / kAchRecordLength) +
                       " records of " + std::to_string(kAchRecordLength) +
                       " characters with no line breaks between them; put each record on a "
                       "line of its own");
      }
      return Add(number, "record", "ach_record_length",
                 "record is " + std::to_string(line.size()) + " characters, expected " +
                     std::to_string(kAchRecordLength));
    }
    // A short record is one whose trailing blanks were stripped (banks and editors do): it is
    // padded back with spaces; a field the stripping cut short is reported by its own check.
    std::string padded;
    if (line.size() < kAchRecordLength) {
      padded.assign(line);
      padded.resize(kAchRecordLength, ' ');
      line = padded;
    }
    if (file_closed_) {
      return Add(number, "record", "ach_after_file_control",
                 "record after the file control record (type 9)");
    }
    if (!file_header_ && line[0] != '1') {
      file_header_ = true;  // reported once
      Add(number, "record", "ach_file_header_missing",
          "the file must start with a file header record (type 1)");
    }
    switch (line[0]) {
      case '1':
        return OnFileHeader(number);
      case '5':
        return OnBatchHeader(number, line);
      case '6':
        return OnEntry(number, line);
      case '7':
        return OnAddenda(number, line);
      case '8':
        return OnBatchControl(number, line);
      case '9':
        return OnFileControl(number, line);
      default:
        return Add(number, "record", "ach_record_type_unknown",
                   std::string("record type '") + line[0] + "' is not 1, 5, 6, 7, 8 or 9");
    }
  }

  void OnFileHeader(int64_t number) {
    if (file_header_seen_) {
      return Add(number, "record", "ach_file_header_duplicate", "a second file header");
    }
    file_header_seen_ = file_header_ = true;
  }

  // A YYMMDD date; nullopt (and a problem) when it is not one.
  std::optional<Date> Yymmdd(int64_t number, const std::string& field, std::string_view v) {
    if (v.size() != 6 || !AllDigits(v)) {
      Add(number, field, "date_malformed", field + " '" + std::string(v) + "' must be YYMMDD");
      return std::nullopt;
    }
    auto d = Date::FromYmd(options_.century + static_cast<int>(Number(v.substr(0, 2))),
                           static_cast<int>(Number(v.substr(2, 2))),
                           static_cast<int>(Number(v.substr(4, 2))));
    if (!d.ok()) {
      Add(number, field, d.status());
      return std::nullopt;
    }
    return *d;
  }

  void OnBatchHeader(int64_t number, std::string_view line) {
    if (batch_) {
      Add(number, "record", "ach_batch_control_missing",
          "batch header before the previous batch's control record (type 8)");
      CloseEntry();
      batch_.reset();
    }
    ++batches_;
    Batch b;
    b.line_number = number;
    const std::string_view company = Trim(At(line, kBatchCompanyId));
    const std::string_view fein =
        company.size() >= 9 ? company.substr(company.size() - 9) : company;
    if (!AllDigits(fein) || fein.size() != 9) {
      b.header_ok = false;
      Add(number, kBatchCompanyId.name, "fein_malformed",
          "company identification '" + std::string(company) +
              "' must end with the employer's nine-digit FEIN");
    }
    b.fein = std::string(fein);
    const std::string_view sec = At(line, kBatchSecCode);
    if (sec != "CCD" && sec != "CTX") {
      b.header_ok = false;
      Add(number, kBatchSecCode.name, "ach_sec_code_unsupported",
          "SEC code '" + std::string(sec) + "': only CCD (CCD+) and CTX carry DED addenda");
    }
    if (auto d = Yymmdd(number, kBatchEffective.name, At(line, kBatchEffective))) {
      b.effective = d->ToString();
      b.effective.erase(7, 1).erase(4, 1);  // YYYY-MM-DD → YYYYMMDD
    } else {
      b.header_ok = false;
    }
    b.number = std::string(At(line, kBatchNumber));
    batch_ = std::move(b);
  }

  bool InBatch(int64_t number, const char* what) {
    if (batch_) return true;
    Add(number, "record", "ach_outside_batch", std::string(what) + " outside a batch");
    return false;
  }

  void OnEntry(int64_t number, std::string_view line) {
    if (!InBatch(number, "entry detail record")) return;
    CloseEntry();
    ++batch_->count;
    const std::string_view routing = At(line, kEntryRouting);
    if (AllDigits(routing)) batch_->hash = (batch_->hash + Number(routing)) % kHashModulus;
    const std::string_view code = At(line, kEntryCode);
    const std::string_view amount = At(line, kEntryAmount);
    const std::string_view trace = At(line, kEntryTrace);
    bool ok = true;
    if (!AllDigits(amount)) {
      ok = false;
      Add(number, kEntryAmount.name, "amount_malformed",
          "entry amount '" + std::string(amount) + "' must be ten digits (cents)");
    }
    if (!AllDigits(trace)) {
      ok = false;
      Add(number, kEntryTrace.name, "ach_trace_malformed",
          "trace number '" + std::string(trace) + "' must be fifteen digits");
    }
    const char indicator = At(line, kEntryAddenda)[0];
    if (indicator != '0' && indicator != '1') {
      ok = false;
      Add(number, kEntryAddenda.name, "ach_addenda_indicator", "addenda indicator must be 0 or 1");
    }
    const bool credit = code == "22" || code == "32";
    const bool prenote = code == "23" || code == "24" || code == "33" || code == "34";
    if (!credit && !prenote) {
      ok = false;
      Add(number, kEntryCode.name, "ach_transaction_code",
          "transaction code '" + std::string(code) +
              "': a payment is a credit (22, 32), or a prenote/zero-dollar entry (23, 24, 33, 34)");
    }
    skip_addenda_ = !ok;
    if (!ok) ++out_.line_count;  // a refused entry is one line (its addenda are not read)
    // An entry refused before its amount counts leaves the credit total unknown: the sender
    // may or may not have counted it, and a correct control record must not be reported as a
    // mismatch beside the entry's own problem.
    batch_->credit_unknown = batch_->credit_unknown || !ok;
    if (!ok) return;
    Entry e;
    e.line_number = number;
    e.trace = std::string(trace);
    e.amount_cents = Number(amount);
    e.expects_addenda = indicator == '1';
    e.prenote = prenote;
    skip_addenda_ = true;  // until the entry is accepted below
    if (prenote && e.amount_cents != 0) {
      batch_->credit_unknown = true;
      ++out_.line_count;
      return Add(number, kEntryAmount.name, "ach_prenote_amount",
                 "a prenote or zero-dollar entry must have amount 0");
    }
    if (credit && e.amount_cents == 0) {
      ++out_.line_count;
      return Add(number, kEntryAmount.name, "amount_zero", "a credit entry of 0.00");
    }
    if (!prenote) batch_->credit_cents += e.amount_cents;
    if (!traces_.insert(batch_->fein + batch_->effective + e.trace).second) {
      ++out_.line_count;
      return Add(number, kEntryTrace.name, "ach_trace_duplicate",
                 "trace number " + e.trace + " appears twice for this employer and date");
    }
    skip_addenda_ = false;
    entry_ = std::move(e);
  }

  void OnAddenda(int64_t number, std::string_view line) {
    if (!InBatch(number, "addenda record")) return;
    ++batch_->count;
    if (!entry_ && skip_addenda_) return;  // the entry was already reported
    if (!entry_ || !entry_->expects_addenda) {
      return Add(number, "record", "ach_addenda_unexpected",
                 "addenda record without an entry whose addenda indicator is 1");
    }
    if (At(line, kAddendaType) != "05") {
      return Add(number, kAddendaType.name, "ach_addenda_type",
                 "addenda type '" + std::string(At(line, kAddendaType)) + "', expected 05");
    }
    const std::string_view seq = At(line, kAddendaSeq);
    if (!AllDigits(seq) || Number(seq) != entry_->addenda + 1) {
      return Add(number, kAddendaSeq.name, "ach_addenda_sequence",
                 "addenda sequence '" + std::string(seq) + "', expected " +
                     std::to_string(entry_->addenda + 1));
    }
    if (At(line, kAddendaEntrySeq) != std::string_view(entry_->trace).substr(8)) {
      return Add(number, kAddendaEntrySeq.name, "ach_addenda_entry_sequence",
                 "entry detail sequence '" + std::string(At(line, kAddendaEntrySeq)) +
                     "' is not the last seven digits of trace " + entry_->trace);
    }
    ++entry_->addenda;
    entry_->starts.emplace_back(entry_->info.size(), number);
    entry_->info += TrimRight(At(line, kAddendaInfo));
  }

  int64_t LineAt(const Entry& e, size_t offset) const {
    int64_t line = e.line_number;
    for (const auto& [at, l] : e.starts) {
      if (at <= offset) line = l;
    }
    return line;
  }

  // How many DED segments the entry's addenda carry.
  int64_t DedSegments(const Entry& e) const {
    int64_t n = 0;
    for (std::string_view seg : SplitOn(e.info, options_.segment_terminator)) {
      if (Trim(seg).substr(0, 4) == std::string("DED") + options_.element_separator) ++n;
    }
    return n;
  }

  // The entry's DED segments → lines; checks the amounts add up to the entry.
  void CloseEntry() {
    if (!entry_) return;
    Entry e = std::move(*entry_);
    entry_.reset();
    // A credit is as many lines as it has DED segments, or one without any (RemittanceParse::
    // line_count); a prenote is no payment.
    if (!e.prenote) out_.line_count += std::max<int64_t>(1, DedSegments(e));
    if (e.expects_addenda && e.addenda == 0) {
      return Add(e.line_number, kEntryAddenda.name, "ach_addenda_missing",
                 "addenda indicator is 1 but no addenda record follows");
    }
    if (e.prenote || !batch_->header_ok) return;
    std::vector<RemittanceLine> lines;
    int64_t sum = 0;
    bool ok = true;
    size_t offset = 0;
    for (std::string_view seg : SplitOn(e.info, options_.segment_terminator)) {
      const size_t seg_at = offset;
      offset += seg.size() + 1;
      const std::string_view t = Trim(seg);
      if (t.substr(0, 4) != std::string("DED") + options_.element_separator) continue;
      RemittanceLine line;
      line.line_number = LineAt(e, seg_at);
      if (!ParseDed(t, line)) {
        ok = false;
        continue;
      }
      sum += line.amount.cents();
      const int ordinal = static_cast<int>(lines.size()) + 1;
      line.line_ref = batch_->effective + "-" + e.trace + "-" + std::to_string(ordinal);
      line.employer_fein = batch_->fein;
      line.key = DedKey(batch_->fein, batch_->effective, e.trace, ordinal);
      lines.push_back(std::move(line));
    }
    if (!ok) return;
    if (lines.empty()) return AddUnaddressed(e);
    if (sum != e.amount_cents) {
      return Add(e.line_number, "DED04", "ded_amount_mismatch",
                 "the DED amounts add up to " + Money::FromCents(sum).ToString() +
                     ", the entry amount is " + Money::FromCents(e.amount_cents).ToString());
    }
    for (RemittanceLine& l : lines) Push(std::move(l));
  }

  void Push(RemittanceLine line) {
    if (static_cast<int64_t>(out_.file.lines.size()) >= kRemittanceLinesMax) {
      if (!too_many_) {
        Add(line.line_number, "record", "import_too_many_rows",
            "more than " + std::to_string(kRemittanceLinesMax) + " payment lines: split the file");
      }
      too_many_ = true;
      return;
    }
    out_.file.lines.push_back(std::move(line));
  }

  // A credit without a DED segment is money received with no one named: a line with no
  // employee identifier, held as unidentified (never dropped), dated the effective date (the
  // settlement date, which may be a banking day or two ahead: iwo/remittance.h).
  void AddUnaddressed(const Entry& e) {
    RemittanceLine line;
    line.line_number = e.line_number;
    line.employer_fein = batch_->fein;
    line.line_ref = batch_->effective + "-" + e.trace + "-1";
    line.key = DedKey(batch_->fein, batch_->effective, e.trace, 1);
    auto d = Date::Parse(batch_->effective.substr(0, 4) + "-" + batch_->effective.substr(4, 2) +
                         "-" + batch_->effective.substr(6, 2));
    if (!d.ok()) return;
    line.pay_date = *d;
    line.pay_date_is_settlement_date = true;
    line.amount = Money::FromCents(e.amount_cents);
    Push(std::move(line));
  }

  // One DED segment into `line`; false (with a problem) when an element is wrong.
  bool ParseDed(std::string_view seg, RemittanceLine& line) {
    const std::vector<std::string_view> el = SplitOn(seg, options_.element_separator);
    const int64_t n = line.line_number;
    auto element = [&](size_t i) { return i < el.size() ? Trim(el[i]) : std::string_view(); };
    if (element(1) != options_.deduction_type) {
      Add(n, "DED01", "ded_type_unsupported",
          "deduction type '" + std::string(element(1)) + "', expected " + options_.deduction_type);
      return false;
    }
    const std::string_view case_ref = element(2);
    if (case_ref.empty() || case_ref.size() > kDedCaseLengthMax) {
      Add(n, "DED02", "ded_case_invalid",
          "case identifier '" + std::string(case_ref) + "' must be 1 to 30 characters");
      return false;
    }
    // Only "CASE-..." is ours: a bare number is a state's own case number, not our id.
    const bool ours = case_ref.size() > 5 &&
                      (case_ref.substr(0, 5) == "CASE-" || case_ref.substr(0, 5) == "case-");
    if (auto id = ParseDisplayId("CASE", case_ref); ours && id.ok()) {
      line.case_id = CaseId{*id};
    } else {
      line.case_ref = std::string(case_ref);
    }
    const std::optional<Date> pay = Yymmdd(n, "DED03", element(3));
    if (!pay) return false;
    line.pay_date = *pay;
    auto amount = Amount(element(4));
    if (!amount.ok()) {
      Add(n, "DED04", amount.status());
      return false;
    }
    line.amount = *amount;
    if (const std::string_view ssn = element(5); !ssn.empty()) {
      if (Status s = ValidateSsn(ssn); !s.ok()) {
        Add(n, "DED05", s);
        return false;
      }
      line.ssn = std::string(ssn);
    }
    if (const std::string_view med = element(6); !med.empty() && med != "Y" && med != "N") {
      Add(n, "DED06", "ded_medical_indicator",
          "medical support indicator '" + std::string(med) + "' must be Y or N");
      return false;
    }
    return true;
  }

  Result<Money> Amount(std::string_view v) const {
    if (options_.amount_format == DedAmountFormat::kDecimal) return ParseMoney(v);
    if (v.empty() || v.size() > 10 || !AllDigits(v)) {
      return InvalidArgument("amount_malformed", "amount '" + std::string(v) +
                                                     "' must be 1 to 10 digits of implied cents");
    }
    return ParseMoney(Money::FromCents(Number(v)).ToString());
  }

  void OnBatchControl(int64_t number, std::string_view line) {
    if (!InBatch(number, "batch control record")) return;
    CloseEntry();
    Batch b = std::move(*batch_);
    batch_.reset();
    Check(number, kBatchCount, At(line, kBatchCount), b.count);
    Check(number, kBatchHash, At(line, kBatchHash), b.hash);
    if (!b.credit_unknown) Check(number, kBatchCredit, At(line, kBatchCredit), b.credit_cents);
    if (At(line, kBatchCtlNumber) != b.number) {
      Add(number, kBatchCtlNumber.name, "ach_batch_number_mismatch",
          "batch number '" + std::string(At(line, kBatchCtlNumber)) + "', the header says '" +
              b.number + "'");
    }
    file_count_ += b.count;
    file_credit_cents_ += b.credit_cents;
    file_credit_unknown_ = file_credit_unknown_ || b.credit_unknown;
  }

  // A control total: `text` must be digits equal to `actual`.
  void Check(int64_t number, const Field& f, std::string_view text, int64_t actual) {
    if (AllDigits(text) && Number(text) == actual) return;
    Add(number, f.name, "ach_control_total_mismatch",
        std::string(f.name) + " is '" + std::string(text) + "', the records read give " +
            std::to_string(actual));
  }

  void OnFileControl(int64_t number, std::string_view line) {
    if (batch_) {
      Add(number, "record", "ach_batch_control_missing",
          "file control before the open batch's control record (type 8)");
      CloseEntry();
      batch_.reset();
    }
    file_closed_ = true;
    Check(number, kFileBatches, At(line, kFileBatches), batches_);
    Check(number, kFileCount, At(line, kFileCount), file_count_);
    if (!file_credit_unknown_)
      Check(number, kFileCredit, At(line, kFileCredit), file_credit_cents_);
  }

  void Finish(int64_t last_line) {
    if (!file_header_) {
      if (unreadable_ > 0) return;  // its lines were reported as ach_record_length
      return Add(0, "record", "ach_file_header_missing", "the file is empty: no ACH records");
    }
    if (batch_) {
      CloseEntry();
      Add(last_line, "record", "ach_batch_control_missing",
          "the file ends inside a batch: no batch control record (type 8)");
    }
    if (!file_closed_) {
      Add(last_line, "record", "ach_file_control_missing",
          "the file ends without a file control record (type 9): truncated?");
    }
  }

  const DedOptions& options_;
  RemittanceParse out_;
  bool file_header_ = false;       // a first record was seen (or its absence reported)
  bool file_header_seen_ = false;  // a type 1 record was seen
  bool file_closed_ = false;
  bool skip_addenda_ = false;  // the last entry was refused: its addenda are not re-reported
  bool too_many_ = false;
  int64_t unreadable_ = 0;  // lines longer than a record
  std::optional<Batch> batch_;
  std::optional<Entry> entry_;
  int64_t batches_ = 0;
  int64_t file_count_ = 0;
  int64_t file_credit_cents_ = 0;
  bool file_credit_unknown_ = false;
  std::set<std::string> traces_;
};

}  // namespace

std::string DedKey(std::string_view fein, std::string_view effective_yyyymmdd,
                   std::string_view trace, int ordinal) {
  return "DED-" + std::string(fein) + "-" + std::string(effective_yyyymmdd) + "-" +
         std::string(trace) + "-" + std::to_string(ordinal);
}

RemittanceParse ParseDedFile(std::string_view text, const DedOptions& options) {
  text = StripUtf8Bom(text);
  return DedParser(options).Run(text);
}

}  // namespace cse::formats
