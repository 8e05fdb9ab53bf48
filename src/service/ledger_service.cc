#include "service/ledger_service.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/limits.h"
#include "core/text.h"
#include "domain/validate.h"
#include "service/audit.h"
#include "service/case_open_on.h"
#include "service/json.h"
#include "service/office_spelling.h"
#include "service/staff_rule.h"
#include "storage/transaction.h"

namespace cse {
namespace {

constexpr const char* kAssignmentModelKey = "distribution.assignment_model";
constexpr const char* kTaxOffsetOrderKey = "distribution.tax_offset_order";
constexpr const char* kFederalShareKey = "distribution.federal_share_bps";
constexpr const char* kArrearsAgeKey = "ledger.arrears_age_flag_days";
constexpr const char* kFuturesKey = "distribution.futures";
constexpr const char* kPassThroughOneKey = "distribution.pass_through_one_child";
constexpr const char* kPassThroughTwoKey = "distribution.pass_through_two_or_more_children";
constexpr const char* kTierHighKey = kRiskTierHighAboveKey;
constexpr const char* kTierMediumKey = kRiskTierMediumAboveKey;

Result<int64_t> ParseBoundedInt(const std::string& key, const std::string& text, int64_t lo,
                                int64_t hi) {
  int64_t v = 0;
  bool ok = !text.empty() && text.size() <= 9;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    if (ok) v = v * 10 + (c - '0');
  }
  if (!ok || v < lo || v > hi) {
    return InvalidArgument("config_value_invalid", key + " '" + text + "' must be an integer in " +
                                                       std::to_string(lo) + "-" +
                                                       std::to_string(hi));
  }
  return v;
}

// The risk tier cut-offs in force: the settings, else the defaults (75 and 40).
Result<std::pair<int64_t, int64_t>> TierCutoffSettings(Store& store) {
  std::pair<int64_t, int64_t> out{kDefaultTierHighAbove, kDefaultTierMediumAbove};
  ASSIGN_OR_RETURN(auto high, store.GetSetting(kTierHighKey));
  if (high) {
    ASSIGN_OR_RETURN(out.first, ParseBoundedInt(kTierHighKey, *high, 1, 99));
  }
  ASSIGN_OR_RETURN(auto medium, store.GetSetting(kTierMediumKey));
  if (medium) {
    ASSIGN_OR_RETURN(out.second, ParseBoundedInt(kTierMediumKey, *medium, 0, 98));
  }
  return out;
}

// The order as its order.add audit row records it: ToJson(order) plus, when the judgment has
// an accrual period, "judgment_accrued_from" and "judgment_accrued_through" (YYYY-MM-DD),
// which the replay reads back (service/replay.cc). Rows of orders without a period keep the
// shape they always had.
Json OrderAuditJson(const Order& o) {
  Json j = ToJson(o);
  if (o.judgment_accrued_from) j["judgment_accrued_from"] = o.judgment_accrued_from->ToString();
  if (o.judgment_accrued_through) {
    j["judgment_accrued_through"] = o.judgment_accrued_through->ToString();
  }
  return j;
}

}  // namespace

Status BumpGeneration(Store& store) {
  ASSIGN_OR_RETURN(int64_t g, store.LedgerGeneration());
  return store.SetLedgerGeneration(g + 1);
}

Result<std::vector<CaseBook>> LoadBooks(Store& store, PersonId obligor) {
  ASSIGN_OR_RETURN(ObligorBooks all, store.LoadObligorBooks(obligor));
  std::vector<CaseBook> books;
  books.reserve(all.cases.size());
  std::unordered_map<int64_t, size_t> book_of;  // case id -> index in books
  for (Case& c : all.cases) {
    book_of.emplace(c.id.value, books.size());
    CaseBook b;
    b.info = std::move(c);
    books.push_back(std::move(b));
  }
  // Orders come by (case, id) and episodes by (case, start, id): each case's stay in order.
  for (Order& o : all.orders) books[book_of.at(o.case_id.value)].orders.push_back(std::move(o));
  for (AssistanceEpisode& e : all.episodes) {
    books[book_of.at(e.case_id.value)].episodes.push_back(e);
  }
  ForEachCaseClosed(all.closures, [&](int64_t case_id, std::vector<DateSpan> spans) {
    if (auto it = book_of.find(case_id); it != book_of.end()) {
      books[it->second].closed = std::move(spans);
    }
  });
  return books;
}

Result<std::vector<Case>> GetCasesListed(Store& store, std::span<const CaseId> ids) {
  std::vector<Case> out;
  for (size_t lo = 0; lo < ids.size(); lo += kCaseListChunk) {
    ASSIGN_OR_RETURN(std::vector<Case> found,
                     store.GetCases(ids.subspan(lo, std::min(kCaseListChunk, ids.size() - lo))));
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
  }
  return out;
}

ObligorRangeBooks::ObligorRangeBooks(ObligorRange& range) : range_(range) {
  // Orders and episodes come by case; cases and collections by obligor, so one cursor each
  // walks forward as the obligors do.
  for (Order& o : range_.orders) orders_[o.case_id.value].push_back(std::move(o));
  for (AssistanceEpisode& e : range_.episodes) episodes_[e.case_id.value].push_back(e);
  ForEachCaseClosed(range_.closures, [&](int64_t case_id, std::vector<DateSpan> spans) {
    closed_[case_id] = std::move(spans);
  });
}

std::vector<CaseBook> ObligorRangeBooks::Books(PersonId obligor) {
  std::vector<Case>& cases = range_.cases;
  std::vector<CaseBook> books;
  while (next_case_ < cases.size() && cases[next_case_].obligor.value < obligor.value) {
    ++next_case_;
  }
  for (; next_case_ < cases.size() && cases[next_case_].obligor == obligor; ++next_case_) {
    CaseBook b;
    b.info = std::move(cases[next_case_]);
    if (auto it = orders_.find(b.info.id.value); it != orders_.end()) {
      b.orders = std::move(it->second);
    }
    if (auto it = episodes_.find(b.info.id.value); it != episodes_.end()) {
      b.episodes = std::move(it->second);
    }
    if (auto it = closed_.find(b.info.id.value); it != closed_.end()) {
      b.closed = std::move(it->second);
    }
    books.push_back(std::move(b));
  }
  return books;
}

std::vector<Collection> ObligorRangeBooks::Collections(PersonId obligor) {
  std::vector<Collection>& all = range_.collections;
  std::vector<Collection> mine;
  while (next_collection_ < all.size() && all[next_collection_].obligor.value < obligor.value) {
    ++next_collection_;
  }
  for (; next_collection_ < all.size() && all[next_collection_].obligor == obligor;
       ++next_collection_) {
    mine.push_back(std::move(all[next_collection_]));
  }
  return mine;
}

Result<std::pair<int, int>> LoadRiskTierCutoffs(Store& store) {
  ASSIGN_OR_RETURN(auto t, TierCutoffSettings(store));
  return std::make_pair(static_cast<int>(t.first), static_cast<int>(t.second));
}

Result<DistributionPolicy> LoadPolicy(Store& store) {
  DistributionPolicy p;
  ASSIGN_OR_RETURN(auto set, store.GetSettings({kAssignmentModelKey, kTaxOffsetOrderKey,
                                                kFederalShareKey, kArrearsAgeKey, kFuturesKey,
                                                kPassThroughOneKey, kPassThroughTwoKey}));
  for (const auto& [key, value] : set) {
    if (key == kAssignmentModelKey) {
      ASSIGN_OR_RETURN(p.assignment_model, ParseAssignmentModel(value));
    } else if (key == kTaxOffsetOrderKey) {
      ASSIGN_OR_RETURN(p.tax_offset_order, ParseTaxOffsetOrder(value));
    } else if (key == kFederalShareKey) {
      ASSIGN_OR_RETURN(p.federal_share_bps, ParseBoundedInt(kFederalShareKey, value, 0, 10000));
    } else if (key == kArrearsAgeKey) {
      ASSIGN_OR_RETURN(int64_t days, ParseBoundedInt(kArrearsAgeKey, value, 1, 3650));
      p.arrears_age_flag_days = static_cast<int32_t>(days);
    } else if (key == kFuturesKey) {
      ASSIGN_OR_RETURN(p.futures, ParseFuturesRule(value));
    } else if (key == kPassThroughOneKey) {
      ASSIGN_OR_RETURN(p.pass_through_one_child,
                       ParsePassThroughLimit(key, value, kPassThroughExceptedOneChild));
    } else if (key == kPassThroughTwoKey) {
      ASSIGN_OR_RETURN(p.pass_through_two_or_more_children,
                       ParsePassThroughLimit(key, value, kPassThroughExceptedTwoOrMoreChildren));
    }
  }
  return p;
}

Result<int64_t> Redistribute(Store& store, PersonId obligor, const std::string& at,
                             const std::string& reason, std::optional<CollectionId> fresh) {
  ASSIGN_OR_RETURN(std::vector<StoredCollection> rows, store.ListCollectionsByObligor(obligor));
  if (rows.empty()) return int64_t{0};  // nothing was distributed: nothing can change
  ASSIGN_OR_RETURN(std::vector<CaseBook> books, LoadBooks(store, obligor));
  ASSIGN_OR_RETURN(DistributionPolicy policy, LoadPolicy(store));
  ObligorLedger ledger(std::move(books), policy);
  int64_t changed = 0;
  for (const StoredCollection& row : rows) {
    if (row.collection.reversed_date) continue;
    const Distribution d = ledger.Apply(row.collection);
    if (fresh && row.collection.id == *fresh) {
      RETURN_IF_ERROR(store.UpdateDistribution(row.collection.id, d));
      continue;
    }
    if (d == row.distribution) continue;
    RETURN_IF_ERROR(
        store.InsertDistributionHistory(row.collection.id, row.distribution, at, reason));
    RETURN_IF_ERROR(store.UpdateDistribution(row.collection.id, d));
    ++changed;
  }
  return changed;
}

Status CompareResubmission(const Collection& stored, const PaymentRequest& r) {
  const std::string key = "idempotency key '" + r.key + "' was already used ";
  if (stored.case_id != r.case_id) {
    return AlreadyExists(
        "exists_with_different_case",
        key + "for " + CaseDisplayId(stored.case_id) + ", not " + CaseDisplayId(r.case_id));
  }
  if (stored.amount != r.amount) {
    return AlreadyExists(
        "exists_with_different_amount",
        key + "for amount " + stored.amount.ToString() + ", not " + r.amount.ToString());
  }
  if (stored.date != r.date) {
    return AlreadyExists("exists_with_different_date",
                         key + "for date " + stored.date.ToString() + ", not " + r.date.ToString());
  }
  if (stored.source != r.source) {
    return AlreadyExists("exists_with_different_source",
                         key + "for source " + std::string(Name(stored.source)) + ", not " +
                             std::string(Name(r.source)));
  }
  return Status::Ok();
}

Status ValidatePaymentRequest(const PaymentRequest& r, Date today) {
  RETURN_IF_ERROR(ValidateIdempotencyKey(r.key));
  if (!r.amount.is_positive()) {
    return InvalidArgument("amount_zero",
                           "payment amount " + r.amount.ToString() + " must be greater than zero");
  }
  if (r.date > today) {
    return InvalidArgument("date_in_future", "payment date " + r.date.ToString() +
                                                 " is after today " + today.ToString());
  }
  return Status::Ok();
}

LedgerService::LedgerService(Store& store, const Clock& clock, std::string actor)
    : store_(store), clock_(clock), actor_(std::move(actor)) {}

template <typename F>
auto LedgerService::InTransaction(F&& body) -> decltype(body()) {
  return cse::InTransaction(store_, std::forward<F>(body));
}

Result<PersonId> LedgerService::AddPerson(Person person) {
  RETURN_IF_ERROR(ValidatePerson(person, clock_.Today()));
  return InTransaction([&]() -> Result<PersonId> {
    ASSIGN_OR_RETURN(person.id, store_.InsertPerson(person));
    Json after = ToJson(person);
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "person.add", "person",
                                PersonDisplayId(person.id), "", after.dump()));
    return person.id;
  });
}

namespace {

// The family type on `day` from the case's assistance episodes: current while an episode
// covers the day, former once one has ended, never before the first.
CaseType CaseTypeOn(const std::vector<AssistanceEpisode>& episodes, Date day) {
  CaseType type = CaseType::kNeverAssistance;
  for (const AssistanceEpisode& e : episodes) {
    if (e.start_date > day) continue;
    if (!e.end_date || *e.end_date >= day) return CaseType::kCurrentAssistance;
    type = CaseType::kFormerAssistance;
  }
  return type;
}

}  // namespace

Status LedgerService::RefreshCaseType(CaseId case_id) {
  ASSIGN_OR_RETURN(std::vector<AssistanceEpisode> episodes, store_.ListAssistanceByCase(case_id));
  return store_.UpdateCaseType(case_id, CaseTypeOn(episodes, clock_.Today()));
}

Result<CaseId> LedgerService::AddCase(const NewCase& r) {
  Case c;
  c.obligor = r.obligor;
  c.obligee = r.obligee;
  c.children = r.children;
  c.type = r.type;
  c.family_violence = r.family_violence;
  c.county = r.county;
  c.opened = r.opened.value_or(clock_.Today());
  RETURN_IF_ERROR(ValidateCaseParties(c));
  const Date today = clock_.Today();
  RETURN_IF_ERROR(ValidateText("county", c.county));
  if (c.opened > today) {
    return InvalidArgument("date_in_future", "case opened date " + c.opened.ToString() +
                                                 " is after today " + today.ToString());
  }
  if (r.type != CaseType::kNeverAssistance && !r.assistance) {
    return InvalidArgument("case_type_needs_assistance",
                           std::string(Name(r.type)) +
                               " needs the assistance episode: its start date and monthly grant" +
                               (r.type == CaseType::kFormerAssistance ? " and end date" : ""));
  }
  if (r.assistance) {
    RETURN_IF_ERROR(ValidateAssistance(*r.assistance));
    const bool open_now = r.assistance->start_date <= today &&
                          (!r.assistance->end_date || *r.assistance->end_date >= today);
    const bool ended = r.assistance->end_date && *r.assistance->end_date < today;
    if (r.type == CaseType::kNeverAssistance ||
        (r.type == CaseType::kCurrentAssistance && !open_now) ||
        (r.type == CaseType::kFormerAssistance && !ended)) {
      return InvalidArgument(
          "case_type_assistance_mismatch",
          std::string(Name(r.type)) + " does not match an assistance episode " +
              r.assistance->start_date.ToString() + " to " +
              (r.assistance->end_date ? r.assistance->end_date->ToString() : std::string("open")));
    }
  }
  return InTransaction([&]() -> Result<CaseId> {
    for (PersonId p : std::vector<PersonId>{c.obligor, c.obligee}) {
      RETURN_IF_ERROR(store_.GetPerson(p).status());
    }
    for (PersonId p : c.children) RETURN_IF_ERROR(store_.GetPerson(p).status());
    // The county is the case's office until it is assigned elsewhere: one spelling per office
    // (before 2026-12-05 "alder" beside "Alder" made a caseload of its own).
    // Nor a space at either end or an invisible character (a separate office no caseload
    // held; QA 2026-12-05), as for a user's office or an assignment.
    RETURN_IF_ERROR(ValidateOfficeName("county", c.county));
    RETURN_IF_ERROR(CheckOfficeSpelling(store_, "county", c.county));
    ASSIGN_OR_RETURN(std::vector<Case> existing, store_.ListCasesByObligor(c.obligor));
    if (static_cast<int64_t>(existing.size()) >= limits::kCasesPerObligorMax) {
      return ResourceExhausted("cases_per_obligor_exceeded",
                               PersonDisplayId(c.obligor) + " already has " +
                                   std::to_string(existing.size()) + " cases; at most " +
                                   std::to_string(limits::kCasesPerObligorMax));
    }
    ASSIGN_OR_RETURN(c.id, store_.InsertCase(c));
    Json after = ToJson(c);
    if (r.assistance) {
      AssistanceEpisode e = *r.assistance;
      e.case_id = c.id;
      RETURN_IF_ERROR(store_.InsertAssistance(e));
      after["assistance"] = ToJson(e);
    }
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "case.add", "case", CaseDisplayId(c.id), "",
                                after.dump()));
    RETURN_IF_ERROR(BumpGeneration(store_));
    return c.id;
  });
}

Result<OrderId> LedgerService::AddOrder(Order order, std::optional<OrderId> replaces) {
  RETURN_IF_ERROR(ValidateOrder(order));
  return InTransaction([&]() -> Result<OrderId> {
    ASSIGN_OR_RETURN(Case c, store_.GetCase(order.case_id));
    for (const ChildTerm& t : order.child_terms) {
      if (std::find(c.children.begin(), c.children.end(), t.child) == c.children.end()) {
        return InvalidArgument(
            "child_not_in_case",
            PersonDisplayId(t.child) + " is not a child in " + CaseDisplayId(c.id));
      }
    }
    Json after;
    if (replaces) {
      ASSIGN_OR_RETURN(Order old, store_.GetOrder(*replaces));
      if (old.case_id != order.case_id) {
        return InvalidArgument("order_replaces_other_case",
                               OrderDisplayId(old.id) + " belongs to " +
                                   CaseDisplayId(old.case_id) + ", not " +
                                   CaseDisplayId(order.case_id));
      }
      if (old.type != order.type) {
        return InvalidArgument("order_replaces_other_type",
                               OrderDisplayId(old.id) + " is " + std::string(Name(old.type)) +
                                   ", the new order is " + std::string(Name(order.type)));
      }
      if (old.effective_date >= order.effective_date) {
        return InvalidArgument("order_replaces_not_before",
                               "the new order must start after " + OrderDisplayId(old.id) +
                                   " started (" + old.effective_date.ToString() + ")");
      }
      const Date end = order.effective_date.AddDays(-1);
      if (old.end_date && *old.end_date <= end) {
        return FailedPrecondition(
            "order_replaces_ended",
            OrderDisplayId(old.id) + " already ends " + old.end_date->ToString());
      }
      // An order already modified (a same-type order on the case starts the day after it ends)
      // is not modified again: shortening it would leave the later modification running
      // beside the new order, and the obligor charged twice. The latest order is the one to
      // replace.
      if (old.end_date) {
        ASSIGN_OR_RETURN(std::vector<Order> siblings, store_.ListOrdersByCase(old.case_id));
        for (const Order& o : siblings) {
          if (o.id != old.id && o.type == old.type &&
              o.effective_date == old.end_date->AddDays(1)) {
            return FailedPrecondition("order_already_replaced",
                                      OrderDisplayId(old.id) + " was already replaced by " +
                                          OrderDisplayId(o.id) + " from " +
                                          o.effective_date.ToString() + "; give --replaces " +
                                          OrderDisplayId(o.id) + " (the latest order) instead");
          }
        }
      }
      RETURN_IF_ERROR(store_.SetOrderEnd(old.id, end));
      after["replaces"] = {{"order_id", old.id.value}, {"end_date", end.ToString()}};
    }
    ASSIGN_OR_RETURN(order.id, store_.InsertOrder(order));
    after["order"] = OrderAuditJson(order);
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "order.add", "order",
                                OrderDisplayId(order.id), "", after.dump()));
    RETURN_IF_ERROR(Redistribute(store_, c.obligor, clock_.NowIso(),
                                 "order " + OrderDisplayId(order.id) + " added", std::nullopt)
                        .status());
    RETURN_IF_ERROR(BumpGeneration(store_));
    return order.id;
  });
}

Status LedgerService::AddAssistance(const AssistanceEpisode& e) {
  RETURN_IF_ERROR(ValidateAssistance(e));
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(Case c, store_.GetCase(e.case_id));
    ASSIGN_OR_RETURN(std::vector<AssistanceEpisode> existing,
                     store_.ListAssistanceByCase(e.case_id));
    for (const AssistanceEpisode& x : existing) {
      const Date x_end = x.end_date.value_or(MaxDate());
      const Date e_end = e.end_date.value_or(MaxDate());
      if (e.start_date <= x_end && x.start_date <= e_end) {
        return InvalidArgument("assistance_overlaps",
                               "the episode overlaps the one starting " + x.start_date.ToString());
      }
    }
    RETURN_IF_ERROR(store_.InsertAssistance(e));
    RETURN_IF_ERROR(RefreshCaseType(e.case_id));
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "assistance.add", "case",
                                CaseDisplayId(e.case_id), "", ToJson(e).dump()));
    RETURN_IF_ERROR(
        Redistribute(store_, c.obligor, clock_.NowIso(), "assistance added", std::nullopt)
            .status());
    return BumpGeneration(store_);
  });
}

Status LedgerService::EndAssistance(CaseId case_id, Date end_date) {
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(Case c, store_.GetCase(case_id));
    ASSIGN_OR_RETURN(std::vector<AssistanceEpisode> existing, store_.ListAssistanceByCase(case_id));
    for (const AssistanceEpisode& x : existing) {
      if (!x.end_date && end_date < x.start_date) {
        return InvalidArgument("assistance_end_before_start",
                               "assistance cannot end " + end_date.ToString() +
                                   " before it started " + x.start_date.ToString());
      }
    }
    RETURN_IF_ERROR(store_.EndAssistance(case_id, end_date));
    RETURN_IF_ERROR(RefreshCaseType(case_id));
    Json after{{"case_id", case_id.value}, {"end_date", end_date.ToString()}};
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "assistance.end", "case",
                                CaseDisplayId(case_id), "", after.dump()));
    RETURN_IF_ERROR(
        Redistribute(store_, c.obligor, clock_.NowIso(), "assistance ended", std::nullopt)
            .status());
    return BumpGeneration(store_);
  });
}

namespace {

Json EmployerAuditJson(const Employer& e) {
  return Json{{"employer_id", e.id.value},
              {"fein", e.fein},
              {"name", e.name},
              {"address", Json{{"line1", e.address.line1},
                               {"line2", e.address.line2},
                               {"city", e.address.city},
                               {"state", e.address.state},
                               {"zip", e.address.zip}}}};
}

}  // namespace

Result<EmployerId> LedgerService::AddEmployer(const Employer& e) {
  bool fein_ok = e.fein.size() == 9;
  for (char ch : e.fein) fein_ok = fein_ok && ch >= '0' && ch <= '9';
  if (!fein_ok) {
    return InvalidArgument("fein_malformed", "FEIN '" + e.fein + "' must be nine digits");
  }
  if (IsBlank(e.name)) return InvalidArgument("name_missing", "employer name is required");
  RETURN_IF_ERROR(ValidateText("name", e.name));
  RETURN_IF_ERROR(ValidateAddress("address", e.address));
  return InTransaction([&]() -> Result<EmployerId> {
    // An update by FEIN changes what it is given: address fields left empty keep their value.
    Employer merged = e;
    ASSIGN_OR_RETURN(std::optional<EmployerId> found, store_.FindEmployerIdByFein(e.fein));
    std::string before;
    if (found) {
      ASSIGN_OR_RETURN(Employer old, store_.GetEmployer(*found));
      for (auto [field, kept] : {std::pair{&merged.address.line1, &old.address.line1},
                                 std::pair{&merged.address.line2, &old.address.line2},
                                 std::pair{&merged.address.city, &old.address.city},
                                 std::pair{&merged.address.state, &old.address.state},
                                 std::pair{&merged.address.zip, &old.address.zip}}) {
        if (field->empty()) *field = *kept;
      }
      before = EmployerAuditJson(old).dump();
    }
    ASSIGN_OR_RETURN(merged.id, store_.UpsertEmployer(merged));
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "employer.upsert", "employer",
                                std::to_string(merged.id.value), before,
                                EmployerAuditJson(merged).dump()));
    return merged.id;
  });
}

namespace {

Status CheckEventParties(Store& store, const CaseEvent& e) {
  RETURN_IF_ERROR(store.GetPerson(e.person).status());
  if (!e.case_id.valid()) return Status::Ok();
  ASSIGN_OR_RETURN(Case c, store.GetCase(e.case_id));
  if (c.obligor != e.person && c.obligee != e.person) {
    return InvalidArgument(
        "event_case_person_mismatch",
        PersonDisplayId(e.person) + " is not a parent in " + CaseDisplayId(e.case_id));
  }
  return Status::Ok();
}

Json EventJson(const CaseEvent& e, int64_t id) {
  return Json{{"event_id", id},
              {"person_id", e.person.value},
              {"case_id", e.case_id.valid() ? Json(e.case_id.value) : Json(nullptr)},
              {"date", e.date.ToString()},
              {"kind", e.kind},
              {"detail", e.detail}};
}

}  // namespace

Result<int64_t> LedgerService::AddCaseEvent(const CaseEvent& e) {
  RETURN_IF_ERROR(ValidateCaseEvent(e, clock_.Today()));
  return InTransaction([&]() -> Result<int64_t> {
    RETURN_IF_ERROR(CheckEventParties(store_, e));
    ASSIGN_OR_RETURN(int64_t id, store_.InsertCaseEvent(e));
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "event.add", "case_event",
                                std::to_string(id), "", EventJson(e, id).dump()));
    return id;
  });
}

Result<std::vector<int64_t>> LedgerService::AddCaseEvents(const std::vector<CaseEvent>& events) {
  for (const CaseEvent& e : events) RETURN_IF_ERROR(ValidateCaseEvent(e, clock_.Today()));
  if (events.empty()) return std::vector<int64_t>();
  return InTransaction([&]() -> Result<std::vector<int64_t>> {
    std::vector<int64_t> ids;
    Json after = Json::array();
    std::optional<std::pair<int64_t, int64_t>> checked;  // (person, case) already checked
    for (const CaseEvent& e : events) {
      const std::pair<int64_t, int64_t> parties{e.person.value, e.case_id.value};
      if (checked != parties) {
        RETURN_IF_ERROR(CheckEventParties(store_, e));
        checked = parties;
      }
      ASSIGN_OR_RETURN(int64_t id, store_.InsertCaseEvent(e));
      ids.push_back(id);
      after.push_back(EventJson(e, id));
    }
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "events.add", "case_event",
                                std::to_string(ids.front()) + "-" + std::to_string(ids.back()), "",
                                after.dump()));
    return ids;
  });
}

Result<int64_t> LedgerService::AddEmployment(const Employment& e) {
  if (e.end_date && *e.end_date < e.start_date) {
    return InvalidArgument("employment_end_before_start",
                           "employment ends " + e.end_date->ToString() + " before it starts " +
                               e.start_date.ToString());
  }
  return InTransaction([&]() -> Result<int64_t> {
    RETURN_IF_ERROR(store_.GetPerson(e.person).status());
    auto inserted = store_.InsertEmployment(e);
    if (!inserted.ok() && inserted.status().reason() == "reference_not_found") {
      return NotFound("employer_not_found",
                      "employer " + std::to_string(e.employer.value) + " does not exist");
    }
    ASSIGN_OR_RETURN(int64_t id, std::move(inserted));
    Json after{{"employment_id", id},
               {"person_id", e.person.value},
               {"employer_id", e.employer.value},
               {"start_date", e.start_date.ToString()},
               {"pay_cycle", Name(e.pay_cycle)},
               {"gross_per_period", e.gross_per_period.ToString()}};
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "employment.add", "person",
                                PersonDisplayId(e.person), "", after.dump()));
    return id;
  });
}

Result<PostResult> LedgerService::PostPayment(const PaymentRequest& r) {
  RETURN_IF_ERROR(ValidatePaymentRequest(r, clock_.Today()));
  RETURN_IF_ERROR(store_.Begin());
  auto result = [&]() -> Result<PostResult> {
    ASSIGN_OR_RETURN(std::optional<StoredCollection> existing, store_.FindCollectionByKey(r.key));
    if (existing) {
      RETURN_IF_ERROR(CompareResubmission(existing->collection, r));
      return PostResult{PostOutcome::kExists, existing->collection.id, existing->distribution, 0};
    }
    ASSIGN_OR_RETURN(Case c, store_.GetCase(r.case_id));
    // By the payment's day, not today's status: a case closed since takes a payment it was
    // open for (docs/ARCHITECTURE.md §5.6).
    RETURN_IF_ERROR(CheckCaseOpenOn(store_, c, r.date, "the payment date"));
    StoredCollection row;
    row.collection =
        Collection{{}, r.key, r.case_id, c.obligor, r.amount, r.date, r.source, {}, {}};
    row.posted_at = clock_.NowIso();
    row.posted_by = actor_;
    ASSIGN_OR_RETURN(row.collection.id, store_.InsertCollection(row));
    ASSIGN_OR_RETURN(int64_t changed,
                     Redistribute(store_, c.obligor, row.posted_at, "payment " + r.key + " posted",
                                  row.collection.id));
    ASSIGN_OR_RETURN(std::optional<StoredCollection> stored, store_.FindCollectionByKey(r.key));
    Json after = ToJson(row.collection);
    after["distribution"] = ToJson(stored->distribution);
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "payment.post", "collection",
                                std::to_string(row.collection.id.value), "", after.dump()));
    RETURN_IF_ERROR(BumpGeneration(store_));
    return PostResult{PostOutcome::kCreated, row.collection.id, stored->distribution, changed};
  }();
  if (!result.ok() || result->outcome == PostOutcome::kExists) {
    store_.Rollback();
    return result;
  }
  RETURN_IF_ERROR(store_.Commit());
  return result;
}

Result<ReverseResult> LedgerService::ReversePayment(const std::string& key, Date date,
                                                    const std::string& reason) {
  if (IsBlank(reason)) {
    return InvalidArgument("reason_missing", "a reversal needs a reason (e.g. NSF)");
  }
  RETURN_IF_ERROR(ValidateText("reason", reason));
  if (date > clock_.Today()) {
    return InvalidArgument("date_in_future", "reversal date " + date.ToString() +
                                                 " is after today " + clock_.Today().ToString());
  }
  return InTransaction([&]() -> Result<ReverseResult> {
    ASSIGN_OR_RETURN(std::optional<StoredCollection> found, store_.FindCollectionByKey(key));
    if (!found) {
      return NotFound("collection_not_found", "no payment has idempotency key '" + key + "'");
    }
    const Collection& c = found->collection;
    if (c.reversed_date) {
      return FailedPrecondition("already_reversed", "payment '" + key + "' was reversed on " +
                                                        c.reversed_date->ToString());
    }
    if (date < c.date) {
      return InvalidArgument("reversal_before_receipt", "reversal date " + date.ToString() +
                                                            " is before the payment was received " +
                                                            c.date.ToString());
    }
    const std::string at = clock_.NowIso();
    RETURN_IF_ERROR(store_.MarkReversed(c.id, date, reason));
    RETURN_IF_ERROR(
        store_.InsertDistributionHistory(c.id, found->distribution, at, "reversed: " + reason));
    Distribution empty;
    empty.collection_id = c.id;
    RETURN_IF_ERROR(store_.UpdateDistribution(c.id, empty));
    ASSIGN_OR_RETURN(int64_t changed, Redistribute(store_, c.obligor, at,
                                                   "payment " + key + " reversed", std::nullopt));
    Json after{{"key", key},
               {"collection_id", c.id.value},
               {"reversed_date", date.ToString()},
               {"reason", reason}};
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "payment.reverse", "collection",
                                std::to_string(c.id.value), ToJson(found->distribution).dump(),
                                after.dump()));
    RETURN_IF_ERROR(BumpGeneration(store_));
    return ReverseResult{c.id, found->distribution, changed};
  });
}

Result<ObligorBalance> LedgerService::GetObligorBalance(PersonId obligor, Date as_of) {
  ASSIGN_OR_RETURN(std::vector<CaseBook> books, LoadBooks(store_, obligor));
  if (books.empty()) {
    return NotFound("obligor_not_found", PersonDisplayId(obligor) + " is not an obligor");
  }
  ASSIGN_OR_RETURN(DistributionPolicy policy, LoadPolicy(store_));
  ASSIGN_OR_RETURN(std::vector<Collection> collections, store_.ListLedgerInputsByObligor(obligor));
  return RunLedger(books, std::move(collections), policy, as_of).balance;
}

Result<CaseBalance> LedgerService::GetCaseBalance(const Case& c, Date as_of) {
  ASSIGN_OR_RETURN(ObligorBalance obligor, GetObligorBalance(c.obligor, as_of));
  for (CaseBalance& cb : obligor.cases) {
    if (cb.case_id == c.id) return std::move(cb);
  }
  CaseBalance none;  // a case the run did not see (no orders yet) owes nothing
  none.case_id = c.id;
  none.as_of = as_of;
  return none;
}

namespace {

// `d`'s lines for `case_id`, with their totals.
Distribution CaseLines(const Distribution& d, CaseId case_id) {
  Distribution out;
  out.collection_id = d.collection_id;
  for (const DistributionLine& l : d.lines) {
    if (l.case_id == case_id) AddDistributionLine(out, l);
  }
  return out;
}

}  // namespace

Result<CaseLedger> LedgerService::GetCaseLedger(CaseId case_id, Date as_of, PaymentFields fields) {
  CaseLedger out;
  ASSIGN_OR_RETURN(out.info, store_.GetCase(case_id));
  ASSIGN_OR_RETURN(std::vector<CaseBook> books, LoadBooks(store_, out.info.obligor));
  ASSIGN_OR_RETURN(DistributionPolicy policy, LoadPolicy(store_));
  std::vector<Collection> collections;
  if (fields == PaymentFields::kLedgerInputs) {
    ASSIGN_OR_RETURN(collections, store_.ListLedgerInputsByObligor(out.info.obligor));
  } else {
    ASSIGN_OR_RETURN(std::vector<StoredCollection> rows,
                     store_.ListCollectionsByObligor(out.info.obligor));
    collections.reserve(rows.size());
    for (StoredCollection& row : rows) collections.push_back(std::move(row.collection));
  }
  LedgerRun run = RunLedger(books, collections, policy, as_of);
  for (const CaseBook& b : books) {
    if (b.info.id == case_id) {
      out.orders = b.orders;
      out.episodes = b.episodes;
      for (DateSpan span : b.closed) {
        if (span.from > as_of) continue;
        if (span.through >= as_of) span.through = MaxDate();
        out.closed_periods.push_back(span);
      }
    }
  }
  // The family type as of the ledger's date: the stored one is what RefreshCaseType recorded
  // when an episode was last added or ended, which goes stale once an episode's end date
  // passes (ARCHITECTURE §10).
  if (!out.episodes.empty()) out.info.type = CaseTypeOn(out.episodes, as_of);
  ASSIGN_OR_RETURN(out.closure, store_.GetCaseClosure(case_id));
  for (const CaseBalance& cb : run.balance.cases) {
    if (cb.case_id == case_id) out.balance = cb;
  }
  for (const Collection& c : collections) {
    if (c.date > as_of) continue;
    CaseLedger::Entry entry{c, !CollectionActiveOn(c, as_of), {}};
    entry.distribution.collection_id = c.id;
    auto it = run.distributions.find(c.id.value);
    if (it != run.distributions.end()) entry.distribution = CaseLines(it->second, case_id);
    if (c.case_id == case_id || !entry.distribution.lines.empty()) {
      out.collections.push_back(std::move(entry));
    }
  }
  std::unordered_map<int64_t, const Collection*> by_id;  // the collections futures came from
  if (!run.balance.futures_applied.empty()) {
    for (const Collection& c : collections) by_id.emplace(c.id.value, &c);
  }
  for (const FuturesApplication& fa : run.balance.futures_applied) {
    CaseLedger::FuturesEntry entry{{}, fa.date, CaseLines(fa.distribution, case_id)};
    if (entry.distribution.lines.empty()) continue;
    if (auto it = by_id.find(fa.from.value); it != by_id.end()) entry.collection = *it->second;
    out.futures.push_back(std::move(entry));
  }
  out.obligor = std::move(run.balance);
  return out;
}

Status LedgerService::SetConfig(const std::string& key, const std::string& value) {
  // State options are the state's law and policy (an admin's); the risk tiers label every
  // score and fill the queues (an admin's or a supervisor's, as the AI switches).
  const std::string what = "change '" + key + "'";
  if (key == kTierHighKey || key == kTierMediumKey) {
    RETURN_IF_ERROR(RequireAdminOnceStaffed(
        store_, actor_, {enforce::Role::kAdmin, enforce::Role::kSupervisor}, what));
  } else {
    RETURN_IF_ERROR(RequireAdminOnceStaffed(store_, actor_, {enforce::Role::kAdmin}, what));
  }
  if (key == kAssignmentModelKey) {
    RETURN_IF_ERROR(ParseAssignmentModel(value).status());
  } else if (key == kTaxOffsetOrderKey) {
    RETURN_IF_ERROR(ParseTaxOffsetOrder(value).status());
  } else if (key == kFuturesKey) {
    RETURN_IF_ERROR(ParseFuturesRule(value).status());
  } else if (key == kPassThroughOneKey) {
    RETURN_IF_ERROR(ParsePassThroughLimit(key, value, kPassThroughExceptedOneChild).status());
  } else if (key == kPassThroughTwoKey) {
    RETURN_IF_ERROR(
        ParsePassThroughLimit(key, value, kPassThroughExceptedTwoOrMoreChildren).status());
  } else if (key == kFederalShareKey) {
    RETURN_IF_ERROR(ParseBoundedInt(key, value, 0, 10000).status());
  } else if (key == kArrearsAgeKey) {
    RETURN_IF_ERROR(ParseBoundedInt(key, value, 1, 3650).status());
  } else if (key == kAccessLogSegmentRowsKey) {
    // Sizes the access log's next segments (storage/sqlite/access_log_db.h), read when a
    // process first opens the log: never a ledger, so no lock and no generation bump.
    RETURN_IF_ERROR(
        ParseBoundedInt(key, value, kAccessLogSegmentRowsMin, kAccessLogSegmentRowsMax).status());
    return InTransaction([&]() -> Status {
      ASSIGN_OR_RETURN(std::optional<std::string> before, store_.GetSetting(key));
      RETURN_IF_ERROR(store_.SetSetting(key, value));
      Json b = before ? Json{{key, *before}} : Json::object();
      Json a{{key, value}};
      return AppendAudit(store_, clock_, actor_, "config.set", "settings", key, b.dump(), a.dump());
    });
  } else if (key == kTierHighKey || key == kTierMediumKey) {
    // Scores are 1-100: HIGH is score > high_above, MEDIUM score > medium_above.
    const bool high = key == kTierHighKey;
    ASSIGN_OR_RETURN(int64_t v, ParseBoundedInt(key, value, high ? 1 : 0, high ? 99 : 98));
    ASSIGN_OR_RETURN(auto now, TierCutoffSettings(store_));
    const int64_t new_high = high ? v : now.first;
    const int64_t new_medium = high ? now.second : v;
    if (new_medium >= new_high) {
      return InvalidArgument("config_value_invalid", std::string(kTierMediumKey) + " (" +
                                                         std::to_string(new_medium) +
                                                         ") must be below " + kTierHighKey + " (" +
                                                         std::to_string(new_high) + ")");
    }
    // Tier cut-offs change how new scores are labelled, never a ledger: no lock, no
    // generation bump.
    return InTransaction([&]() -> Status {
      ASSIGN_OR_RETURN(std::optional<std::string> before, store_.GetSetting(key));
      RETURN_IF_ERROR(store_.SetSetting(key, value));
      Json b = before ? Json{{key, *before}} : Json::object();
      Json a{{key, value}};
      return AppendAudit(store_, clock_, actor_, "config.set", "settings", key, b.dump(), a.dump());
    });
  } else {
    return InvalidArgument("config_key_unknown",
                           "unknown setting '" + key + "'; known: " + kAssignmentModelKey + ", " +
                               kTaxOffsetOrderKey + ", " + kFuturesKey + ", " + kFederalShareKey +
                               ", " + kPassThroughOneKey + ", " + kPassThroughTwoKey + ", " +
                               kArrearsAgeKey + ", " + kTierHighKey + ", " + kTierMediumKey + ", " +
                               kAccessLogSegmentRowsKey);
  }
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(int64_t postings, store_.CountCollections());
    if (postings > 0 && key != kArrearsAgeKey) {
      return FailedPrecondition(
          "config_locked_after_postings",
          "distribution options cannot change once payments are posted (" +
              std::to_string(postings) +
              " on file): past distributions would silently change. Effective-dated policy "
              "changes are not supported yet");
    }
    ASSIGN_OR_RETURN(std::optional<std::string> before, store_.GetSetting(key));
    RETURN_IF_ERROR(store_.SetSetting(key, value));
    Json b = before ? Json{{key, *before}} : Json::object();
    Json a{{key, value}};
    RETURN_IF_ERROR(
        AppendAudit(store_, clock_, actor_, "config.set", "settings", key, b.dump(), a.dump()));
    return BumpGeneration(store_);
  });
}

Result<bool> LedgerService::RecordNewDatabaseDefaults() {
  return InTransaction([&]() -> Result<bool> {
    ASSIGN_OR_RETURN(std::optional<std::string> futures, store_.GetSetting(kFuturesKey));
    if (futures) return false;
    ASSIGN_OR_RETURN(int64_t postings, store_.CountCollections());
    if (postings > 0) return false;
    // A staffed database is not new (one upgraded from before the setting existed): its
    // state options are an admin's to change, as with `config set`.
    if (!RequireAdminOnceStaffed(store_, actor_, {enforce::Role::kAdmin}, "set").ok()) {
      return false;
    }
    const std::string value(Name(FuturesRule::kAll));
    RETURN_IF_ERROR(store_.SetSetting(kFuturesKey, value));
    RETURN_IF_ERROR(AppendAudit(store_, clock_, actor_, "config.set", "settings", kFuturesKey,
                                Json::object().dump(), Json{{kFuturesKey, value}}.dump()));
    RETURN_IF_ERROR(BumpGeneration(store_));
    return true;
  });
}

Result<std::vector<std::pair<std::string, std::string>>> LedgerService::ListConfig() {
  ASSIGN_OR_RETURN(DistributionPolicy p, LoadPolicy(store_));
  ASSIGN_OR_RETURN(auto tiers, TierCutoffSettings(store_));
  ASSIGN_OR_RETURN(std::optional<std::string> segment_rows,
                   store_.GetSetting(kAccessLogSegmentRowsKey));
  return std::vector<std::pair<std::string, std::string>>{
      {kAssignmentModelKey, std::string(Name(p.assignment_model))},
      {kTaxOffsetOrderKey, std::string(Name(p.tax_offset_order))},
      {kFuturesKey, std::string(Name(p.futures))},
      {kFederalShareKey, std::to_string(p.federal_share_bps)},
      {kPassThroughOneKey, p.pass_through_one_child.ToString()},
      {kPassThroughTwoKey, p.pass_through_two_or_more_children.ToString()},
      {kArrearsAgeKey, std::to_string(p.arrears_age_flag_days)},
      {kTierHighKey, std::to_string(tiers.first)},
      {kTierMediumKey, std::to_string(tiers.second)},
      {kAccessLogSegmentRowsKey,
       segment_rows.value_or(std::to_string(kAccessLogSegmentRowsDefault))}};
}

}  // namespace cse
