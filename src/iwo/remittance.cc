// Employer remittances in: parse, resolve, post or hold (iwo/remittance.h).
#include "iwo/remittance.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "core/files.h"
#include "iwo/calendar.h"
#include "service/audit.h"
#include "service/bulk_poster.h"
#include "service/case_open_on.h"
#include "service/json.h"

namespace cse::iwo {
namespace {

using formats::RemittanceLine;
using formats::RemittanceProblem;

// Where a line goes: a case to post to, or (case 0) the reason it is held. `by_ssn` is the
// obligor a line without a case id was resolved to by its SSN (0 otherwise).
struct Target {
  CaseId case_id;
  std::string hold_reason;
  PersonId by_ssn;
};

Target Hold(std::string reason) { return Target{CaseId{}, std::move(reason), PersonId{}}; }

class Importer {
 public:
  Importer(Store& store, const Clock& clock, const std::string& actor, const std::string& label)
      : store_(store), clock_(clock), actor_(actor), label_(label) {
    report_.file = label;
  }

  // A file with malformed lines is refused, but its well-formed lines are still checked
  // against the store (and everything rolled back), so that the report lists every problem of
  // the file at once, not the next one only after the first is fixed.
  Result<RemittanceReport> Run(formats::RemittanceParse parsed) {
    report_.lines = parsed.line_count;
    report_.problem_count = parsed.problem_count;
    report_.problems = std::move(parsed.file.problems);
    names_ = std::move(parsed.fields);
    const size_t parse_problems = report_.problems.size();
    RETURN_IF_ERROR(store_.Begin());
    Status s = Apply(parsed.file.lines);
    if (!s.ok() || report_.problem_count > 0) {
      store_.Rollback();
      if (!s.ok()) return s;
      return Refused(parse_problems);
    }
    RETURN_IF_ERROR(store_.Commit());
    report_.committed = true;
    return std::move(report_);
  }

 private:
  // Resolves, holds and posts every line inside the open transaction.
  Status Apply(const std::vector<RemittanceLine>& lines) {
    std::vector<PaymentRequest> rows;
    std::vector<const RemittanceLine*> row_lines;
    for (const RemittanceLine& line : lines) {
      // A line of a file whose header did not parse has no key (formats/sdu.h): it cannot be
      // checked against the store, and the file is refused for its header anyway.
      if (line.key.empty()) continue;
      ASSIGN_OR_RETURN(bool done, AlreadyHeld(line));
      if (done) continue;
      ASSIGN_OR_RETURN(Target t, Resolve(line));
      if (t.case_id.value == 0) {
        RETURN_IF_ERROR(HoldLine(line, t.hold_reason));
        continue;
      }
      PaymentRequest request{line.key, t.case_id, line.amount, line.pay_date,
                             PaymentSource::kWithholding};
      ASSIGN_OR_RETURN(bool resent, AlreadyPosted(line, request, t.by_ssn));
      if (resent) continue;
      rows.push_back(std::move(request));
      row_lines.push_back(&line);
    }
    // Posted even after a problem (the file is then refused and rolled back): the ledger's
    // own rejections of the other lines are reported too.
    RETURN_IF_ERROR(Post(rows, row_lines));
    if (report_.held > 0 && report_.problem_count == 0) RETURN_IF_ERROR(AuditHeld());
    return Status::Ok();
  }

  // The field of `line` a rejection `reason` is about, as the file's format names it.
  const std::string& FieldOf(const std::string& reason, const RemittanceLine& line) const {
    const bool settled = line.pay_date_is_settlement_date;
    if (reason.rfind("date", 0) == 0 || reason == "exists_with_different_date") {
      return settled ? names_.settlement_date : names_.pay_date;
    }
    if (reason.rfind("amount", 0) == 0 || reason == "exists_with_different_amount") {
      return settled ? names_.settlement_amount : names_.amount;
    }
    if (reason.rfind("key", 0) == 0 || reason == "exists_with_different_source") {
      return names_.line_ref;
    }
    if (reason == "exists_with_different_obligor") return names_.ssn;
    return names_.case_id;
  }

  void AddProblem(const RemittanceLine& line, std::string field, std::string reason,
                  std::string message) {
    ++report_.problem_count;
    if (report_.problems.size() < formats::kProblemsMax) {
      report_.problems.push_back(RemittanceProblem{line.line_number, std::move(field),
                                                   std::move(reason), std::move(message)});
    }
  }

  void AddHeld(const RemittanceLine& line, const std::string& reason, bool already,
               std::string resolution = "") {
    if (report_.held_lines.size() < formats::kProblemsMax) {
      report_.held_lines.push_back(HeldLine{line.line_number, line.key, line.employer_fein,
                                            line.amount, reason, already, std::move(resolution)});
    }
  }

  // True when the line's key is already held; a held key resent with other fields is a problem.
  Result<bool> AlreadyHeld(const RemittanceLine& line) {
    ASSIGN_OR_RETURN(std::optional<UnidentifiedPayment> held,
                     store_.FindUnidentifiedPaymentByKey(line.key));
    if (!held) return false;
    if (held->amount != line.amount) {
      AddProblem(line, FieldOf("exists_with_different_amount", line),
                 "exists_with_different_amount",
                 "line " + line.key + " is already held with amount " + held->amount.ToString() +
                     ", not " + line.amount.ToString());
    } else if (!SameHeldDate(line, held->pay_date)) {
      AddProblem(line, FieldOf("exists_with_different_date", line), "exists_with_different_date",
                 "line " + line.key + " is already held with pay date " +
                     held->pay_date.ToString() + ", not " + HeldDate(line).ToString());
    } else {
      ++report_.already_held;
      std::string resolution;
      if (held->status != "held") {
        ASSIGN_OR_RETURN(std::optional<UnidentifiedResolution> done,
                         store_.GetUnidentifiedResolution(held->id));
        resolution = done ? done->resolution : held->status;
      }
      AddHeld(line, held->reason, true, std::move(resolution));
    }
    return true;
  }

  // True when the line's key was already posted (a resent file): compared field by field like
  // any resubmission, and never handed to the bulk poster, whose key conflict would drop and
  // rebuild the obligor's cached ledger on every resent line (a re-import of 10,000 lines of
  // one obligor took 325 s that way, 0.3 s this way).
  // A line resolved by SSN alone (`by_ssn`) named no case: the case it resolves to now may
  // differ from the one it was posted to (before 2026-12-05 it went to the obligor's lowest
  // case open on the day of the import, which may have closed since), so it is compared on its
  // obligor, amount and date, not on the case it would go to now. A line with a case id must
  // name the same case.
  Result<bool> AlreadyPosted(const RemittanceLine& line, const PaymentRequest& request,
                             PersonId by_ssn) {
    ASSIGN_OR_RETURN(std::optional<StoredCollection> posted, store_.FindCollectionByKey(line.key));
    if (!posted) return false;
    PaymentRequest compared = request;
    if (by_ssn.value != 0) {
      if (posted->collection.obligor != by_ssn) {
        AddProblem(line, FieldOf("exists_with_different_obligor", line),
                   "exists_with_different_obligor",
                   "line " + line.key + " was already posted for another obligor (" +
                       CaseDisplayId(posted->collection.case_id) + ")");
        return true;
      }
      compared.case_id = posted->collection.case_id;
    }
    if (Status s = CompareResubmission(posted->collection, compared); !s.ok()) {
      AddProblem(line, FieldOf(s.reason(), line), s.reason(), s.message());
    } else {
      ++report_.already_posted;
    }
    return true;
  }

  Result<Target> Resolve(const RemittanceLine& line) {
    if (line.case_id.value != 0) return ResolveCase(line);
    if (line.ssn.empty()) {  // an EFT entry naming only a case number not ours, or no one
      return Hold(line.case_ref.empty() ? "employee_id_missing" : "case_ref_unrecognized");
    }
    ASSIGN_OR_RETURN(std::optional<PersonId> person, store_.FindPersonIdBySsn(line.ssn));
    if (!person) return Hold("ssn_not_found");
    ASSIGN_OR_RETURN(std::vector<Case> cases, store_.ListCasesByObligor(*person));
    for (const Case& c : cases) {  // by id
      ASSIGN_OR_RETURN(bool open, OpenOnPayDate(c, line));
      if (open) return Target{c.id, "", *person};
    }
    return Hold("no_open_case");
  }

  // Whether `c` takes `line`'s collection: open on the date it is posted under, its pay date
  // (Apply's PaymentRequest), as the bulk poster decides (docs/ARCHITECTURE.md §5.6), not by
  // the case's status today. The closed days are read once per obligor per file.
  Result<bool> OpenOnPayDate(const Case& c, const RemittanceLine& line) {
    auto read = closed_days_.find(c.obligor.value);
    if (read == closed_days_.end()) {
      ASSIGN_OR_RETURN(ClosedDaysByCase days, LoadClosedDays(store_, c.obligor));
      read = closed_days_.emplace(c.obligor.value, std::move(days)).first;
    }
    const auto it = read->second.find(c.id.value);
    const std::span<const DateSpan> closed = it == read->second.end()
                                                 ? std::span<const DateSpan>()
                                                 : std::span<const DateSpan>(it->second);
    return !ClosedPeriodOn(c.status, closed, line.pay_date);
  }

  Result<Target> ResolveCase(const RemittanceLine& line) {
    Result<Case> c = store_.GetCase(line.case_id);
    if (!c.ok()) {
      if (c.status().reason() == "case_not_found") return Hold("case_not_found");
      return c.status();
    }
    ASSIGN_OR_RETURN(bool open, OpenOnPayDate(*c, line));
    if (!open) return Hold("case_closed");
    if (!line.ssn.empty()) {
      ASSIGN_OR_RETURN(Person p, store_.GetPerson(c->obligor));
      if (p.ssn != line.ssn) return Hold("ssn_case_mismatch");
    }
    return Target{c->id, "", PersonId{}};
  }

  // Holds a line that identifies no one, unless its key was already posted (then it is
  // "already posted", compared like any resubmission).
  Status HoldLine(const RemittanceLine& line, const std::string& reason) {
    ASSIGN_OR_RETURN(std::optional<StoredCollection> posted, store_.FindCollectionByKey(line.key));
    if (posted) {
      const Collection& c = posted->collection;
      if (c.amount != line.amount) {
        AddProblem(line, FieldOf("exists_with_different_amount", line),
                   "exists_with_different_amount",
                   "line " + line.key + " was already posted with amount " + c.amount.ToString() +
                       ", not " + line.amount.ToString());
      } else if (!SameHeldDate(line, c.date)) {
        AddProblem(line, FieldOf("exists_with_different_date", line), "exists_with_different_date",
                   "line " + line.key + " was already posted with pay date " + c.date.ToString() +
                       ", not " + HeldDate(line).ToString());
      } else {
        ++report_.already_posted;
      }
      return Status::Ok();
    }
    if (!PayDateAllowed(line)) return Status::Ok();
    UnidentifiedPayment row;
    row.key = line.key;
    row.employer_fein = line.employer_fein;
    row.pay_date = HeldDate(line);
    row.ssn = line.ssn;
    row.case_ref = line.case_id.value == 0 ? line.case_ref : CaseDisplayId(line.case_id);
    row.amount = line.amount;
    row.reason = reason;
    row.file = label_;
    row.line_number = line.line_number;
    row.received_date = clock_.Today();
    row.created_at = clock_.NowIso();
    row.created_by = actor_;
    ASSIGN_OR_RETURN(row.id, store_.InsertUnidentifiedPayment(row));
    ++report_.held;
    report_.held_amount += line.amount;
    AddHeld(line, reason, false);
    held_json_.push_back(Json{{"key", line.key},
                              {"amount", line.amount.ToString()},
                              {"reason", reason},
                              {"pay_date", row.pay_date.ToString()},
                              {"employer_fein", line.employer_fein},
                              // The SSN as person.add keeps it: its last four digits only.
                              {"ssn_last4", row.ssn.size() == 9 ? row.ssn.substr(5) : ""},
                              {"case_ref", row.case_ref},
                              {"received_date", row.received_date.ToString()}});
    return Status::Ok();
  }

  // The date a line is held under: its pay date, but a settlement date (an EFT credit with no
  // DED segment, dated its ACH effective entry date) that is no banking day is rolled forward
  // to the next banking day, when the money settles (before 2026-12-05 a credit dated a
  // holiday or weekend was held under it, and could be resolved before it settled).
  Date HeldDate(const RemittanceLine& line) const {
    Date d = line.pay_date;
    if (!line.pay_date_is_settlement_date) return d;
    while (!IsBankingDay(d)) d = d.AddDays(1);
    return d;
  }

  // A banking day (ACH settlement): a business day of the banking calendar, whose Friday
  // before a Saturday holiday is open (Observance::kBanking; QA 2026-12-05 saw Friday
  // 2026-07-03 held under Monday 07-06).
  bool IsBankingDay(Date d) const { return calendar_.IsBusinessDay(d); }

  // The day `n` banking days after `from`.
  Date AddBankingDays(Date from, int n) const {
    Date d = from;
    while (n > 0) {
      d = d.AddDays(1);
      if (IsBankingDay(d)) --n;
    }
    return d;
  }

  // Whether a stored held or posted `date` is the line's: HeldDate, or for a line held before
  // settlement dates were rolled forward, its date as given.
  bool SameHeldDate(const RemittanceLine& line, Date stored) const {
    return stored == HeldDate(line) || stored == line.pay_date;
  }

  // A held line's pay date follows the rule of a posted one, not after today, so that a file
  // with a future pay date is refused whether that line names someone or not (a held payment
  // dated ahead could not be resolved until that day anyway). A settlement date (an EFT credit
  // with no DED segment, dated its ACH effective entry date) may be up to
  // kSettlementBusinessDaysAheadMax banking days ahead: banks deliver credits before they
  // settle. False after recording the problem.
  bool PayDateAllowed(const RemittanceLine& line) {
    const Date today = clock_.Today();
    if (!line.pay_date_is_settlement_date) {
      if (line.pay_date <= today) return true;
      AddProblem(line, names_.pay_date, "date_in_future",
                 "pay date " + line.pay_date.ToString() + " is after today " + today.ToString());
      return false;
    }
    const Date latest = AddBankingDays(today, kSettlementBusinessDaysAheadMax);
    if (line.pay_date <= latest) return true;
    AddProblem(line, names_.settlement_date, "date_in_future",
               "effective entry date " + line.pay_date.ToString() + " is more than " +
                   std::to_string(kSettlementBusinessDaysAheadMax) + " banking days after today " +
                   today.ToString() + " (at most " + latest.ToString() + ")");
    return false;
  }

  Status Post(const std::vector<PaymentRequest>& rows,
              const std::vector<const RemittanceLine*>& row_lines) {
    if (rows.empty()) return Status::Ok();
    BulkPoster poster(store_, clock_, actor_);
    ASSIGN_OR_RETURN(BatchResult result, poster.PostBatch(rows, BatchMode::kAllOrNothing, label_));
    for (size_t i = 0; i < result.outcomes.size(); ++i) {
      const RowOutcome& o = result.outcomes[i];
      const RemittanceLine& line = *row_lines[i];
      if (o.kind == RowOutcome::Kind::kRejected) {
        AddProblem(line, FieldOf(o.error.reason(), line), o.error.reason(), o.error.message());
      } else if (o.kind == RowOutcome::Kind::kExists) {
        ++report_.already_posted;
      } else {
        ++report_.posted;
        report_.posted_amount += line.amount;
        report_.posted_requests.push_back(rows[i]);
      }
    }
    return Status::Ok();
  }

  Status AuditHeld() {
    Json after{{"file", label_}, {"held", held_json_}};
    return AppendAudit(store_, clock_, actor_, "remittance.hold", "remittance_file", label_, "",
                       after.dump());
  }

  // A refused file: nothing was written, so nothing was posted or held. The problems found
  // against the store follow the first `parse_problems` (the parser's): when there are both,
  // all are put in line order.
  RemittanceReport Refused(size_t parse_problems) {
    std::vector<RemittanceProblem>& problems = report_.problems;
    if (parse_problems > 0 && problems.size() > parse_problems) {
      std::stable_sort(problems.begin(), problems.end(),
                       [](const RemittanceProblem& a, const RemittanceProblem& b) {
                         return a.line_number < b.line_number;
                       });
    }
    report_.posted = report_.already_posted = report_.held = report_.already_held = 0;
    report_.posted_amount = report_.held_amount = Money();
    report_.held_lines.clear();
    report_.posted_requests.clear();
    return std::move(report_);
  }

  Store& store_;
  const Clock& clock_;
  const std::string& actor_;
  const std::string& label_;
  RemittanceReport report_;
  formats::RemittanceFieldNames names_;
  // The banking days of ACH settlement: federal holidays as the Federal Reserve observes them.
  BusinessCalendar calendar_{{}, Observance::kBanking};
  std::unordered_map<int64_t, ClosedDaysByCase> closed_days_;  // by obligor (OpenOnPayDate)
  Json held_json_ = Json::array();
};

}  // namespace

Result<RemittanceReport> ImportRemittance(Store& store, const Clock& clock,
                                          const std::string& actor, const std::string& label,
                                          std::string_view text) {
  return Importer(store, clock, actor, label).Run(formats::ParseRemittanceCsv(text));
}

Result<RemittanceReport> ImportParsedRemittance(Store& store, const Clock& clock,
                                                const std::string& actor, const std::string& label,
                                                formats::RemittanceParse parsed) {
  return Importer(store, clock, actor, label).Run(std::move(parsed));
}

Result<std::string> ReadPaymentFile(const std::string& path) {
  RETURN_IF_ERROR(CheckInputFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("file_not_found", "cannot open '" + path + "'");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > kRemittanceFileBytesMax) {
    return ResourceExhausted("file_too_large", "'" + path + "' is larger than " +
                                                   std::to_string(kRemittanceFileBytesMax) +
                                                   " bytes: split it");
  }
  in.seekg(0);
  std::string text(static_cast<size_t>(size > 0 ? size : 0), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

Result<RemittanceReport> ImportRemittanceFile(Store& store, const Clock& clock,
                                              const std::string& actor, const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadPaymentFile(path));
  return ImportRemittance(store, clock, actor, path, text);
}

namespace {

// True when the resolved payment `id` was resolved after `day` (so still held on it).
Result<bool> HeldOn(Store& store, int64_t id, Date day) {
  ASSIGN_OR_RETURN(std::optional<UnidentifiedResolution> done, store.GetUnidentifiedResolution(id));
  if (!done) return false;
  Result<Date> resolved = Date::Parse(std::string_view(done->resolved_at).substr(0, 10));
  if (!resolved.ok()) return resolved.status();
  return day < *resolved;
}

}  // namespace

Result<UnidentifiedReport> ListHeldPayments(Store& store, Date as_of) {
  UnidentifiedReport rep;
  rep.as_of = as_of;
  int64_t after = 0;
  while (true) {
    // Every row, resolved ones too: a payment resolved after `as_of` was still held on it, so
    // a month-end balance does not change when the payment is resolved later.
    ASSIGN_OR_RETURN(std::vector<UnidentifiedPayment> page,
                     store.ListUnidentifiedPayments("", after, 1000));
    if (page.empty()) break;
    after = page.back().id;
    for (UnidentifiedPayment& row : page) {
      if (as_of < row.received_date) continue;  // not yet received as of that day
      if (row.status != "held") {
        ASSIGN_OR_RETURN(bool held_then, HeldOn(store, row.id, as_of));
        if (!held_then) continue;
      }
      const int32_t days = DaysBetween(row.received_date, as_of);
      rep.total += row.amount;
      rep.oldest_days = std::max(rep.oldest_days, days);
      rep.rows.push_back(HeldPayment{std::move(row), days});
    }
  }
  return rep;
}

}  // namespace cse::iwo
