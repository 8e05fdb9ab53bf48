// The IWO form as a PDF (iwo/iwo_pdf.h).
#include "iwo/iwo_pdf.h"

#include <algorithm>

#include "core/text.h"
#include "domain/validate.h"
#include "iwo/withholding.h"
#include "pdf/pdf_writer.h"

namespace cse::iwo {
namespace {

using pdf::FontWeight;
using pdf::PdfWriter;

std::string Box(bool checked) { return checked ? "[X]" : "[ ]"; }

std::string FullName(const Person& p) {
  std::string s = p.last_name + ", " + p.first_name;
  if (!p.middle_name.empty()) s += " " + p.middle_name.substr(0, 1);
  return s;
}

std::string AddressText(const Address& a) {
  std::string s = a.line1;
  if (!a.line2.empty()) s += ", " + a.line2;
  if (!a.city.empty()) s += ", " + a.city;
  if (!a.state.empty()) s += " " + a.state;
  if (!a.zip.empty()) s += " " + a.zip;
  return s;
}

std::string Dollars(Money m) { return "$" + m.ToString(); }

// Lines top to bottom, a new page when the page is full.
class FormWriter {
 public:
  explicit FormWriter(PdfWriter& out) : out_(out) { NewPage(); }
  void Heading(const std::string& text) {
    Space(18);
    out_.Text(kLeft, y_, 11, FontWeight::kBold, text);
    out_.Line(kLeft, y_ - 3, PdfWriter::kPageWidth - kLeft, y_ - 3);
    y_ -= 6;
  }
  void Field(const std::string& ref, const std::string& label, const std::string& value) {
    Space(14);
    out_.Text(kLeft, y_, 9, FontWeight::kBold, ref);
    out_.Text(kLeft + 34, y_, 9, FontWeight::kRegular, label);
    out_.Text(kLeft + 250, y_, 10, FontWeight::kRegular, value);
  }
  void Note(const std::string& text) {
    Space(13);
    out_.Text(kLeft, y_, 8, FontWeight::kRegular, text);
  }

 private:
  static constexpr float kLeft = 48;
  void NewPage() {
    out_.AddPage();
    y_ = PdfWriter::kPageHeight - 48;
  }
  void Space(float dy) {
    if (y_ - dy < 48) NewPage();
    y_ -= dy;
  }
  PdfWriter& out_;
  float y_ = 0;
};

void WriteKind(FormWriter& w, const IwoDocument& d) {
  w.Heading("INCOME WITHHOLDING FOR SUPPORT (OMB 0970-0154)   " + d.iwo_id);
  w.Field("1a", "Income Withholding Order/Notice for Support", Box(d.kind == IwoKind::kOriginal));
  w.Field("1b", "Amended IWO", Box(d.kind == IwoKind::kAmended));
  w.Field("1c", "One-Time Order/Notice for Lump Sum Payment", Box(d.kind == IwoKind::kLumpSum));
  w.Field("1d", "Termination of IWO", Box(d.kind == IwoKind::kTermination));
  w.Field("1e", "Date", d.document_date.ToString());
  w.Field("1f", "Sender", "[X] " + d.sender_type);
  w.Field("1g", "State/Tribe/Territory", d.issuing_state);
  w.Field("", "City/County/Dist./Tribe", d.jurisdiction);
  w.Field("", "Case Identifier", d.case_id);
  w.Field("", "Order Identifier", d.order_id);
  w.Field("", "Remittance Identifier", d.remittance_id);
}

void WriteParties(FormWriter& w, const IwoDocument& d) {
  w.Heading("Employer/Income Withholder and Employee/Obligor");
  w.Field("2a", "Employer/Income Withholder's Name", d.employer_name);
  w.Field("2b", "Employer/Income Withholder's Address", d.employer_address);
  w.Field("2c", "Employer/Income Withholder's FEIN", d.employer_fein);
  w.Field("3a", "Employee/Obligor's Name (Last, First, MI)", d.obligor_name);
  w.Field("3b", "Employee/Obligor's Social Security Number", d.obligor_ssn);
  w.Field("3c", "Custodial Party/Obligee's Name", d.obligee_name);
  for (size_t i = 0; i < d.children.size(); ++i) {
    const char letter = static_cast<char>('d' + 2 * i);
    w.Field("3" + std::string(1, letter), "Child's Name", d.children[i].first);
    w.Field("3" + std::string(1, static_cast<char>(letter + 1)), "Child's Birth Date",
            d.children[i].second ? d.children[i].second->ToString() : "");
  }
  w.Field("4", "Order based on the support order from", d.issuing_state);
}

void WriteAmounts(FormWriter& w, const IwoDocument& d) {
  w.Heading("ORDER INFORMATION: withhold the following amounts");
  if (d.kind == IwoKind::kTermination) {
    w.Note(d.terminates.empty()
               ? "This IWO terminates the earlier IWO for this employee and case: stop "
                 "withholding."
               : "This IWO terminates " + d.terminates +
                     " for this employee and case: stop withholding.");
    return;
  }
  if (d.kind == IwoKind::kLumpSum) {
    w.Note("One-time lump sum: fields 5a-13d do not apply. Do not stop any existing IWO.");
    w.Field("14", "Lump Sum Payment: withhold", Dollars(d.lump_sum));
    return;
  }
  w.Field("5a", "Current child support, per month", Dollars(d.current_support_monthly));
  w.Field("6a", "Past-due child support, per month", Dollars(d.past_due_monthly));
  w.Field("6c", "Arrears greater than 12 weeks?", d.arrears_over_12_weeks ? "Yes" : "No");
  w.Field("7a", "Current cash medical support, per month", Dollars(Money()));
  w.Field("8a", "Past-due cash medical support, per month", Dollars(Money()));
  w.Field("9a", "Current spousal support, per month", Dollars(Money()));
  w.Field("10a", "Past-due spousal support, per month", Dollars(Money()));
  w.Field("11a", "Other, per month", Dollars(Money()));
  w.Field("12a", "Total amount to withhold, per month", Dollars(d.total_monthly));
  w.Heading("AMOUNTS TO WITHHOLD per pay period when the pay cycle differs");
  w.Field("13a", "per weekly pay period", Dollars(d.per_weekly));
  w.Field("13b", "per semimonthly pay period (twice a month)", Dollars(d.per_semimonthly));
  w.Field("13c", "per biweekly pay period (every two weeks)", Dollars(d.per_biweekly));
  w.Field("13d", "per monthly pay period", Dollars(d.per_monthly));
  w.Field("14", "Lump Sum Payment", "n/a");
  w.Note(
      "Field letters 13a-13d follow the form's section order (FACTS 1.2: inferred, not "
      "confirmed).");
}

void WriteLimits(FormWriter& w) {
  w.Heading("Withholding limits");
  w.Note(
      "Do not withhold more than the lesser of the CCPA limit (15 U.S.C. 1673(b)) or the "
      "limit of the state or tribe");
  w.Note(
      "of the employee's principal place of employment: 50% of disposable income if the "
      "obligor supports a second family,");
  w.Note(
      "60% if not; 55% / 65% when arrears are greater than 12 weeks. Remit to the State "
      "Disbursement Unit within 7 business days of the pay date.");
}

// Whether the record may be printed as `kind` (FACTS §1.2: an IWO in force is an order to
// withhold, a termination tells the employer to stop): answers the IWO a termination ends.
Result<std::string> CheckKind(Store& store, const IwoRecord& r, IwoKind kind) {
  const std::string id = FormatDisplayId("IWO", r.id);
  if (r.kind == "termination") {  // a termination notice (iwo/iwo_terminate.h): no amounts
    ASSIGN_OR_RETURN(std::optional<int64_t> ends, store.FindIwoTerminated(r.id));
    const std::string ended = ends ? FormatDisplayId("IWO", *ends) : "";
    if (kind != IwoKind::kTermination) {
      return FailedPrecondition(
          "iwo_kind_mismatch",
          id + " is the termination notice" + (ended.empty() ? "" : " of " + ended) +
              ": it prints only as --kind termination, never as an order to withhold");
    }
    return ended;
  }
  if (kind == IwoKind::kTermination) {
    std::optional<int64_t> notice;
    if (r.status == "ended") {
      ASSIGN_OR_RETURN(notice, store.FindIwoTerminationNotice(r.id));
    }
    if (!notice) {
      return FailedPrecondition(
          "iwo_kind_mismatch",
          id + (r.status == "ended"
                    ? " ended before it was sent to the employer: there is no termination to "
                      "print"
                : r.status == "rejected"
                    ? " was rejected by the employer, who never withheld: there is nothing to "
                      "stop"
                    : " (" + r.status +
                          ") is in force: a termination form would tell the employer to stop "
                          "withholding; end it first with `opencse iwo terminate`, then print "
                          "its termination notice"));
    }
    return id;
  }
  if (r.status == "ended") {
    ASSIGN_OR_RETURN(std::optional<Store::IwoEnd> end, store.GetIwoEnd(r.id));
    ASSIGN_OR_RETURN(std::optional<int64_t> notice, store.FindIwoTerminationNotice(r.id));
    return FailedPrecondition(
        "iwo_ended",
        id + " ended" + (end ? " on " + end->end_date.ToString() + " (" + end->reason + ")" : "") +
            ": it is no longer an order to withhold and is not printed as " +
            std::string(Name(kind)) +
            (notice ? "; its termination notice is " + FormatDisplayId("IWO", *notice) : ""));
  }
  return std::string();
}

}  // namespace

std::string_view Name(IwoKind kind) {
  switch (kind) {
    case IwoKind::kOriginal:
      return "original";
    case IwoKind::kAmended:
      return "amended";
    case IwoKind::kLumpSum:
      return "lump_sum";
    case IwoKind::kTermination:
      return "termination";
  }
  return "original";
}

Result<IwoKind> ParseIwoKind(std::string_view text) {
  for (IwoKind k :
       {IwoKind::kOriginal, IwoKind::kAmended, IwoKind::kLumpSum, IwoKind::kTermination}) {
    if (Name(k) == text) return k;
  }
  return InvalidArgument("iwo_kind_invalid", "kind '" + std::string(text) +
                                                 "': expected original|amended|lump_sum|"
                                                 "termination");
}

Result<IwoDocument> BuildIwoDocument(Store& store, int64_t iwo_id, IwoKind kind, Money lump_sum,
                                     Date document_date, const std::string& issuing_state,
                                     const IwoSettings& settings) {
  if (IsBlank(issuing_state)) {
    return InvalidArgument("issuing_state_invalid",
                           "--issuing-state: the issuing State/Tribe/Territory's name is required");
  }
  if (Status s = ValidateText("--issuing-state", issuing_state, {.max_chars = 100}); !s.ok()) {
    return InvalidArgument("issuing_state_invalid", s.message());
  }
  ASSIGN_OR_RETURN(std::vector<IwoRecord> rows, store.ListIwos("", iwo_id - 1, 1));
  if (rows.empty() || rows.front().id != iwo_id) {
    return NotFound("iwo_not_found", "no IWO " + FormatDisplayId("IWO", iwo_id));
  }
  const IwoRecord& r = rows.front();
  ASSIGN_OR_RETURN(std::string terminates, CheckKind(store, r, kind));
  if (kind == IwoKind::kLumpSum && !lump_sum.is_positive()) {
    return InvalidArgument("lump_sum_missing", "a lump-sum IWO needs --lump-sum AMOUNT > 0");
  }
  IwoDocument d;
  d.iwo_id = FormatDisplayId("IWO", r.id);
  d.kind = kind;
  d.document_date = document_date;
  d.issuing_state = issuing_state;
  ASSIGN_OR_RETURN(Case c, store.GetCase(r.case_id));
  d.jurisdiction = c.county;
  d.case_id = CaseDisplayId(c.id);
  ASSIGN_OR_RETURN(std::vector<Order> orders, store.ListOrdersByCase(c.id));
  if (!orders.empty()) d.order_id = FormatDisplayId("ORD", orders.back().id.value);
  d.remittance_id = d.case_id;
  ASSIGN_OR_RETURN(std::vector<Employer> employers, store.ListEmployers());
  for (const Employer& e : employers) {
    if (e.id == r.employer) {
      d.employer_name = e.name;
      d.employer_address = AddressText(e.address);
      d.employer_fein = e.fein;
    }
  }
  ASSIGN_OR_RETURN(Person obligor, store.GetPerson(r.obligor));
  d.obligor_name = FullName(obligor);
  d.obligor_ssn = obligor.ssn;
  ASSIGN_OR_RETURN(Person obligee, store.GetPerson(c.obligee));
  d.obligee_name = FullName(obligee);
  for (size_t i = 0; i < c.children.size() && i < 6; ++i) {
    ASSIGN_OR_RETURN(Person child, store.GetPerson(c.children[i]));
    d.children.emplace_back(FullName(child), child.date_of_birth);
  }
  d.current_support_monthly = r.current_monthly;
  d.past_due_monthly = r.arrears_monthly;
  d.arrears_over_12_weeks = r.arrears_over_12_weeks;
  d.total_monthly = r.current_monthly + r.arrears_monthly;
  d.per_weekly = PerPayPeriod(d.total_monthly, PayCycle::kWeekly, settings.conversion);
  d.per_semimonthly = PerPayPeriod(d.total_monthly, PayCycle::kSemimonthly, settings.conversion);
  d.per_biweekly = PerPayPeriod(d.total_monthly, PayCycle::kBiweekly, settings.conversion);
  d.per_monthly = PerPayPeriod(d.total_monthly, PayCycle::kMonthly, settings.conversion);
  d.lump_sum = kind == IwoKind::kLumpSum ? lump_sum : Money();
  d.terminates = std::move(terminates);
  return d;
}

Status WriteIwoPdf(const IwoDocument& doc, const std::string& path) {
  PdfWriter out;
  out.SetTitle("Income Withholding for Support " + doc.iwo_id);
  FormWriter w(out);
  WriteKind(w, doc);
  WriteParties(w, doc);
  WriteAmounts(w, doc);
  WriteLimits(w);
  return out.Save(path);
}

}  // namespace cse::iwo
