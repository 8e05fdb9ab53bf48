#include "sim/simulate.h"

#include <algorithm>
#include <future>

#include "core/clock.h"
#include "service/audit.h"
#include "service/bulk_poster.h"
#include "service/json.h"
#include "service/ledger_service.h"
#include "sim/life.h"
#include "sim/rng.h"

namespace cse::sim {
namespace {

constexpr uint64_t kShapeStream = 0x5A'0000'0000ULL;
constexpr int64_t kPersonsPerUnit = 10;  // SSN serials reserved per obligor unit
constexpr char kActor[] = "simulator";
constexpr int64_t kMicrosPerDay = 86'400LL * 1'000'000LL;
// Payments per PostBatch transaction (all-or-nothing; the store is in bulk-load mode).
constexpr size_t kPostingsPerBatch = 10'000;

Status Wrap(Status s, const std::string& what) {
  if (s.ok()) return s;
  return s.WithContext("simulate: " + what);
}

class Writer {
 public:
  Writer(Store& store, const World& world, const Clock& clock)
      : store_(store),
        world_(world),
        clock_(clock),
        service_(store, clock, kActor),
        poster_(store, clock, kActor) {}

  Status WriteWorld(SimCounts& counts) {
    RETURN_IF_ERROR(store_.Begin());
    Status s = WriteWorldInTransaction(counts);
    if (!s.ok()) {
      store_.Rollback();
      return s;
    }
    return store_.Commit();
  }

  Status WriteChunk(std::vector<UnitPlan>& plans, SimCounts& counts) {
    RETURN_IF_ERROR(store_.Begin());
    Status s = WriteChunkInTransaction(plans, counts);
    if (!s.ok()) {
      store_.Rollback();
      return s;
    }
    return store_.Commit();
  }

 private:
  Status WriteWorldInTransaction(SimCounts& counts) {
    for (const EmployerSpec& e : world_.employers()) {
      Employer employer;
      employer.fein = e.fein;
      employer.name = e.name;
      employer.address.state = std::string(kSimState);
      employer.address.county = std::string(Counties()[e.county].name);
      ASSIGN_OR_RETURN(EmployerId id, service_.AddEmployer(employer));
      employer_ids_.push_back(id);
      ++counts.employers;
    }
    const std::vector<CountyEconomy> rows = world_.EconomyRows();
    for (const CountyEconomy& r : rows) RETURN_IF_ERROR(store_.PutCountyEconomy(r));
    RETURN_IF_ERROR(AppendAudit(store_, clock_, kActor, "economy.load", "county_economy", "", "",
                                Json{{"rows", rows.size()}}.dump()));
    return store_.InsertSimRun(clock_.NowIso(), OptionsJson(world_.options()));
  }

  Status WriteChunkInTransaction(std::vector<UnitPlan>& plans, SimCounts& counts) {
    struct Pending {
      PaymentRequest request;
      std::optional<Date> reversed;
    };
    std::vector<Pending> payments;
    for (UnitPlan& plan : plans) {
      std::vector<PersonId> persons;
      for (const PersonPlan& p : plan.persons) {
        auto id = service_.AddPerson(p.person);
        if (!id.ok()) return Wrap(id.status(), "unit " + std::to_string(plan.unit) + " person");
        persons.push_back(*id);
        RETURN_IF_ERROR(store_.InsertTruthPerson({*id, p.role, p.group}));
        ++counts.persons;
      }
      const PersonId obligor = persons.front();
      std::vector<CaseId> cases;
      for (const CasePlan& c : plan.cases) {
        NewCase nc;
        nc.obligor = obligor;
        nc.obligee = persons[c.obligee];
        for (size_t child : c.children) nc.children.push_back(persons[child]);
        nc.type = c.type;
        nc.family_violence = c.family_violence;
        nc.county = std::string(Counties()[c.county].name);
        nc.opened = c.opened;
        nc.assistance = c.episode;
        auto id = service_.AddCase(nc);
        if (!id.ok()) return Wrap(id.status(), "unit " + std::to_string(plan.unit) + " case");
        cases.push_back(*id);
        ++counts.cases;
        std::optional<OrderId> last_support;
        for (const OrderPlan& op : c.orders) {
          Order o = op.order;
          o.case_id = *id;
          if (op.replaced_later) o.end_date.reset();  // the modification ends it
          std::optional<OrderId> replaces;
          if (op.replaces_previous) replaces = last_support;
          auto oid = service_.AddOrder(o, replaces);
          if (!oid.ok()) return Wrap(oid.status(), "unit " + std::to_string(plan.unit) + " order");
          if (o.type == ObligationType::kCurrentSupport) last_support = *oid;
          ++counts.orders;
        }
      }
      for (const JobPlan& j : plan.jobs) {
        Employment e;
        e.person = obligor;
        e.employer = employer_ids_[j.employer];
        e.start_date = j.start;
        e.end_date = j.end;
        e.pay_cycle = j.cycle;
        e.gross_per_period = j.gross_per_period;
        auto id = service_.AddEmployment(e);
        if (!id.ok()) return Wrap(id.status(), "unit " + std::to_string(plan.unit) + " job");
        ++counts.jobs;
      }
      std::vector<CaseEvent> events;
      for (const EventPlan& ev : plan.events) {
        CaseEvent e;
        e.person = obligor;
        if (ev.case_index) e.case_id = cases[*ev.case_index];
        e.date = ev.date;
        e.kind = ev.kind;
        e.detail = ev.detail;
        events.push_back(std::move(e));
      }
      auto event_ids = service_.AddCaseEvents(events);
      if (!event_ids.ok()) {
        return Wrap(event_ids.status(), "unit " + std::to_string(plan.unit) + " events");
      }
      counts.events += static_cast<int64_t>(event_ids->size());
      for (const PaymentPlan& p : plan.payments) {
        payments.push_back(
            {PaymentRequest{p.key, cases[p.case_index], p.amount, p.date, p.source}, p.reversed});
      }
      for (TruthMonth& t : plan.truth) {
        t.obligor = obligor;
        RETURN_IF_ERROR(store_.InsertTruthMonth(t));
        ++counts.truth_rows;
      }
      ++counts.obligors;
    }
    // Payments in date order: each obligor's arrive in order, so every one takes the
    // in-order posting path.
    std::stable_sort(payments.begin(), payments.end(), [](const Pending& a, const Pending& b) {
      return a.request.date < b.request.date;
    });
    std::vector<PaymentRequest> batch;
    for (size_t first = 0; first < payments.size(); first += kPostingsPerBatch) {
      const size_t last = std::min(payments.size(), first + kPostingsPerBatch);
      batch.clear();
      for (size_t i = first; i < last; ++i) batch.push_back(payments[i].request);
      ASSIGN_OR_RETURN(BatchResult r,
                       poster_.PostBatch(batch, BatchMode::kAllOrNothing, "simulator"));
      if (!r.committed) {
        for (size_t i = 0; i < r.outcomes.size(); ++i) {
          if (r.outcomes[i].kind == RowOutcome::Kind::kRejected) {
            return Internal("sim_payment_rejected",
                            "simulated payment " + batch[i].key +
                                " was rejected: " + r.outcomes[i].error.ToString());
          }
        }
        return Internal("sim_payment_rejected", "a simulated payment batch was not posted");
      }
      counts.payments += r.created;
    }
    for (const Pending& p : payments) {
      if (!p.reversed) continue;
      auto r = service_.ReversePayment(p.request.key, *p.reversed, "returned_nsf");
      if (!r.ok()) return Wrap(r.status(), "reversal of " + p.request.key);
      ++counts.reversals;
    }
    return Status::Ok();
  }

  Store& store_;
  const World& world_;
  const Clock& clock_;
  LedgerService service_;
  BulkPoster poster_;
  std::vector<EmployerId> employer_ids_;
};

}  // namespace

std::string OptionsJson(const SimOptions& o) {
  Json shocks = Json::array();
  for (const Shock& s : o.shocks) shocks.push_back(ShockText(s));
  return Json{{"cases", o.cases},
              {"months", o.months},
              {"seed", o.seed},
              {"as_of", o.as_of.ToString()},
              {"shocks", shocks}}
      .dump();
}

namespace {

Result<SimCounts> SimulateInBulkMode(Store& store, const SimOptions& options,
                                     const std::function<void(const SimCounts&)>& progress) {
  const World world(options);
  const FakeClock clock(int64_t{options.as_of.days()} * kMicrosPerDay + kMicrosPerDay / 2);
  Writer writer(store, world, clock);
  SimCounts counts;
  RETURN_IF_ERROR(writer.WriteWorld(counts));

  // Planning is pure (sim/life.h) and writing is serial, so the next chunk is planned on a
  // second thread while this one is written. The chunk boundaries and every draw of `shapes`
  // stay on this thread, in the same order as before, so the database is byte-identical.
  struct UnitSpec {
    int64_t unit = 0;
    int case_count = 1;
  };
  auto plan_chunk = [&world](std::vector<UnitSpec> specs) {
    std::vector<UnitPlan> plans;
    plans.reserve(specs.size());
    for (const UnitSpec& u : specs) {
      plans.push_back(PlanUnit(world, u.unit, u.case_count, u.unit * kPersonsPerUnit));
    }
    return plans;
  };
  std::future<std::vector<UnitPlan>> planned;  // the chunk waiting to be written
  auto write_planned = [&]() -> Status {
    if (!planned.valid()) return Status::Ok();
    std::vector<UnitPlan> chunk = planned.get();
    RETURN_IF_ERROR(writer.WriteChunk(chunk, counts));
    if (progress) progress(counts);
    return Status::Ok();
  };
  Rng shapes(options.seed, kShapeStream);
  int64_t remaining = options.cases;
  int64_t unit = 0;
  std::vector<UnitSpec> specs;
  while (remaining > 0) {
    // About 8% of obligors have a second case with another custodial parent.
    const int case_count = remaining >= 2 && shapes.Chance(0.08) ? 2 : 1;
    remaining -= case_count;
    specs.push_back(UnitSpec{unit, case_count});
    ++unit;
    if (static_cast<int64_t>(specs.size()) == kUnitsPerChunk || remaining == 0) {
      std::future<std::vector<UnitPlan>> next =
          std::async(std::launch::async, plan_chunk, std::move(specs));
      specs = {};
      Status written = write_planned();
      planned = std::move(next);
      if (!written.ok()) {
        planned.wait();
        return written;
      }
    }
  }
  RETURN_IF_ERROR(write_planned());
  return counts;
}

}  // namespace

Result<SimCounts> Simulate(Store& store, const SimOptions& options, Date today,
                           const std::function<void(const SimCounts&)>& progress) {
  RETURN_IF_ERROR(ValidateOptions(options, today));
  ASSIGN_OR_RETURN(std::vector<CaseId> existing, store.ListCaseIds(0, 1));
  if (!existing.empty()) {
    return FailedPrecondition("sim_db_not_empty",
                              "the database already holds cases; simulate into a new database");
  }
  {
    // A new database's defaults (distribution.futures=all), as `opencse init` records them,
    // before the first posting locks the distribution options.
    const FakeClock clock(int64_t{options.as_of.days()} * kMicrosPerDay + kMicrosPerDay / 2);
    LedgerService service(store, clock, "simulate");
    RETURN_IF_ERROR(service.RecordNewDatabaseDefaults().status());
  }
  RETURN_IF_ERROR(store.SetBulkLoad(true));
  Result<SimCounts> counts = SimulateInBulkMode(store, options, progress);
  Status durable = store.SetBulkLoad(false);
  if (counts.ok() && !durable.ok()) return durable;
  return counts;
}

}  // namespace cse::sim
