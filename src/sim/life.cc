#include "sim/life.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "ledger/accrual.h"
#include "sim/rng.h"

namespace cse::sim {
namespace {

constexpr std::string_view kFirstNames[] = {
    "Avery", "Blake",  "Casey", "Dana",   "Emery",  "Finley", "Gray",   "Harper",
    "Indra", "Jordan", "Kai",   "Logan",  "Morgan", "Noel",   "Oakley", "Parker",
    "Quinn", "Reese",  "Sage",  "Taylor", "Uri",    "Val",    "Wren",   "Xan",
    "Yael",  "Zion",   "Ari",   "Brook",  "Cruz",   "Devon",  "Eden",   "Frankie"};
constexpr std::string_view kLastNames[] = {
    "Abernath",  "Brightwell", "Calloway", "Dunmore",  "Eastlake", "Fairbank", "Glenross",
    "Hollins",   "Ingleby",    "Jessup",   "Kimbrell", "Lockhart", "Marlowe",  "Northcott",
    "Oakridge",  "Pendleton",  "Quimby",   "Ravenel",  "Stroud",   "Thackery", "Underhill",
    "Vantreese", "Whitlock",   "Yardley",  "Zellner",  "Ashgrove", "Birchall", "Coldwell"};
constexpr std::string_view kStreets[] = {"Mesquite", "Canal", "Orchard", "Quarry", "Saguaro",
                                         "Juniper",  "Mill",  "Ridge",   "Willow", "Copper"};
constexpr std::array<std::string_view, 3> kGroups{"group_a", "group_b", "group_c"};

// ---- parameters (docs/SIMULATION.md explains each and the target it serves) ----
struct TypeParams {
  double wage_median;  // annual gross wage of the obligor, dollars
  double employed_at_start;
  double propensity_mean;  // latent logit of paying directly in a month
  double arrears_chance;   // has arrears at the start of the window
  double arrears_median;   // dollars
  double find_job;         // monthly hazard of finding a job at 5% unemployment
};
// current / former / never assistance (CaseType order).
constexpr TypeParams kTypeParams[] = {
    {16'000, 0.40, -1.0, 0.80, 7'000, 0.07},
    {24'000, 0.56, -0.3, 0.82, 10'000, 0.10},
    {46'000, 0.70, 0.8, 0.55, 8'000, 0.14},
};
constexpr double kCaseTypeMix[] = {0.105, 0.428, 0.467};  // FACTS §6.3 FY2015 case shares
constexpr double kJobLoss = 0.020;                        // monthly, at 5% unemployment
constexpr double kJobChange = 0.012;                      // monthly job-to-job moves
constexpr double kIncarceration = 0.0015;
constexpr double kRelease = 0.07;
constexpr double kMove = 0.008;
constexpr double kIwoAfterNewHire = 0.85;
constexpr double kIwoAtWindowStart = 0.72;
constexpr double kEmployerRemits = 0.95;
constexpr double kBounce = 0.012;
constexpr double kLumpSum = 0.001;
constexpr double kGuideline[] = {0.0, 0.17, 0.25, 0.29};  // share of gross by children (1-3)
constexpr double kPaybackShare = 0.20;  // arrears payback as a share of current support
constexpr double kCcpaShare = 0.50;     // of disposable earnings (simplified)
constexpr double kDisposableShare = 0.78;

// A uniform index into a table of `n` entries.
size_t Index(Rng& rng, size_t n) {
  return static_cast<size_t>(rng.Int(0, static_cast<int64_t>(n) - 1));
}

double Logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

Money Dollars(double d) { return Money::FromCents(std::llround(std::max(0.0, d) * 100.0)); }
double AsDollars(Money m) { return static_cast<double>(m.cents()) / 100.0; }

// Paydays of an employer in [from, to].
std::vector<Date> Paydays(const EmployerSpec& e, Date from, Date to) {
  std::vector<Date> out;
  switch (e.cycle) {
    case PayCycle::kWeekly:
    case PayCycle::kBiweekly: {
      Date d = from;
      while (d.weekday() != 5) d = d.AddDays(1);  // Fridays
      for (; d <= to; d = d.AddDays(7)) {
        if (e.cycle == PayCycle::kBiweekly && ((d.days() / 7) % 2 + 2) % 2 != e.parity) continue;
        out.push_back(d);
      }
      break;
    }
    case PayCycle::kSemimonthly:
      for (Date m = from.MonthStart(); m <= to; m = m.AddMonths(1)) {
        for (Date d : {m.AddDays(14), m.MonthEnd()}) {
          if (d >= from && d <= to) out.push_back(d);
        }
      }
      break;
    case PayCycle::kMonthly:
      for (Date m = from.MonthStart(); m <= to; m = m.AddMonths(1)) {
        if (m.MonthEnd() >= from && m.MonthEnd() <= to) out.push_back(m.MonthEnd());
      }
      break;
  }
  return out;
}

Person MakePerson(Rng& rng, size_t county, const std::string& last_name, Date dob) {
  Person p;
  p.first_name = std::string(kFirstNames[Index(rng, std::size(kFirstNames))]);
  p.last_name = last_name;
  p.date_of_birth = dob;
  p.address.line1 = std::to_string(rng.Int(100, 9899)) + " " +
                    std::string(kStreets[Index(rng, std::size(kStreets))]) + " St";
  p.address.city = std::string(Counties()[county].name) + " City";
  p.address.state = std::string(kSimState);
  p.address.zip = "8" + std::to_string(5000 + county * 100 + static_cast<size_t>(rng.Int(0, 99)));
  p.address.county = std::string(Counties()[county].name);
  return p;
}

// One obligation the simulator tracks for its own accounting (and the ground truth).
struct Due {
  Date date;
  Money amount;
};
struct Paid {
  Date date;
  Money amount;
  std::optional<Date> reversed;
};

class Planner {
 public:
  Planner(const World& world, int64_t unit, int case_count, int64_t person_serial)
      : w_(world), rng_(world.options().seed, static_cast<uint64_t>(unit)), serial_(person_serial) {
    plan_.unit = unit;
    case_count_ = case_count;
  }

  UnitPlan Run() {
    DrawPeople();
    DrawCases();
    for (int32_t k = 0; k < w_.simulated_months(); ++k) {
      StepMonth(k);
      RecordLatent();
    }
    CloseJob(w_.MonthStart(w_.simulated_months()).AddDays(-1), /*ended=*/false);
    FinishTruth();
    std::stable_sort(plan_.payments.begin(), plan_.payments.end(),
                     [](const PaymentPlan& a, const PaymentPlan& b) { return a.date < b.date; });
    std::erase_if(plan_.events, [&](const EventPlan& e) { return e.date > w_.as_of(); });
    std::stable_sort(plan_.events.begin(), plan_.events.end(),
                     [](const EventPlan& a, const EventPlan& b) { return a.date < b.date; });
    return std::move(plan_);
  }

 private:
  // ---- the people and their cases ----
  void DrawPeople() {
    std::vector<double> weights;
    for (const County& c : Counties()) weights.push_back(c.weight);
    county_ = rng_.Pick(weights);
    type_ = static_cast<CaseType>(rng_.Pick({kCaseTypeMix[0], kCaseTypeMix[1], kCaseTypeMix[2]}));
    const TypeParams& tp = kTypeParams[static_cast<int>(type_)];
    // Synthetic demographic group: correlated with county (as real groups are), never a
    // model feature; used only to test fairness metrics.
    const double tilt = county_ >= 6 ? 0.25 : 0.0;
    group_ = std::string(kGroups[rng_.Pick({0.5 - tilt, 0.3 + tilt * 0.6, 0.2 + tilt * 0.4})]);
    const Date as_of = w_.as_of();
    const Date dob = as_of.AddDays(-static_cast<int32_t>(rng_.Int(21 * 365, 55 * 365)));
    const std::string last_name(kLastNames[Index(rng_, std::size(kLastNames))]);
    PersonPlan obligor{MakePerson(rng_, county_, last_name, dob), "obligor", group_};
    obligor.person.ssn = SyntheticSsn(serial_++);
    plan_.persons.push_back(std::move(obligor));
    wage_ = rng_.LogNormal(tp.wage_median * Counties()[county_].wage_factor, 0.5);
    base_propensity_ = rng_.Normal(tp.propensity_mean, 1.3);
    propensity_ = base_propensity_ + rng_.Normal(0.0, 0.4);
    const bool other_family = rng_.Chance(0.15);  // obligations to another family
    if (other_family) base_propensity_ -= 0.3;
    employed_ = rng_.Chance(tp.employed_at_start);
    incarcerated_ = !employed_ && rng_.Chance(0.06);
  }

  void DrawCases() {
    const Date first = w_.first_day();
    const TypeParams& tp = kTypeParams[static_cast<int>(type_)];
    for (int i = 0; i < case_count_; ++i) {
      CasePlan c;
      c.county = i == 0 ? county_ : rng_.Pick({0.6, 0.4}) == 0 ? county_ : (county_ + 1) % 12;
      c.type = i == 0 ? type_ : (rng_.Chance(0.8) ? type_ : CaseType::kNeverAssistance);
      c.family_violence = rng_.Chance(0.03) ? FamilyViolence::kIndicated : FamilyViolence::kNone;
      const bool new_case = rng_.Chance(0.12);
      const int32_t window_days = DaysBetween(first, w_.as_of());
      c.opened = new_case ? first.AddDays(static_cast<int32_t>(rng_.Int(0, window_days * 3 / 4)))
                          : first.AddDays(-static_cast<int32_t>(rng_.Int(200, 12 * 365)));
      // The custodial parent.
      const Date obligee_dob =
          w_.as_of().AddDays(-static_cast<int32_t>(rng_.Int(20 * 365, 50 * 365)));
      std::string obligee_last = std::string(kLastNames[Index(rng_, std::size(kLastNames))]);
      PersonPlan obligee{MakePerson(rng_, c.county, obligee_last, obligee_dob), "obligee",
                         std::string(kGroups[rng_.Pick({0.5, 0.3, 0.2})])};
      obligee.person.ssn = SyntheticSsn(serial_++);
      c.obligee = plan_.persons.size();
      plan_.persons.push_back(std::move(obligee));
      // Children, born before the case opened and under 18 at the as-of date.
      const int children = static_cast<int>(rng_.Pick({0.55, 0.30, 0.15})) + 1;
      for (int k = 0; k < children; ++k) {
        const Date latest = std::min(c.opened, w_.as_of().AddDays(-30));
        const Date earliest = w_.as_of().AddDays(-17 * 365);
        const int32_t span = std::max(0, DaysBetween(earliest, latest));
        const Date dob = earliest.AddDays(static_cast<int32_t>(rng_.Int(0, span)));
        PersonPlan child{MakePerson(rng_, c.county, obligee_last, dob), "child",
                         plan_.persons[c.obligee].group};
        c.children.push_back(plan_.persons.size());
        plan_.persons.push_back(std::move(child));
      }
      DrawAssistance(c);
      // The current support order in effect from the window start (or the case's opening).
      const Date effective = std::max(first, c.opened.MonthStart().AddMonths(1));
      OrderPlan support;
      support.order.type = ObligationType::kCurrentSupport;
      support.order.frequency = static_cast<Frequency>(rng_.Pick({0.05, 0.08, 0.07, 0.80}));
      support.order.effective_date = effective;
      const Money monthly = GuidelineMonthly(children, c.type);
      support.order.amount = PerPeriod(monthly, support.order.frequency);
      c.orders.push_back(support);
      monthly_support_.push_back(monthly);
      order_wage_.push_back(wage_);
      last_modified_.push_back(-12);
      // Arrears carried into the window: a judgment (an arrears payback order). For assistance
      // families it falls inside the assistance episode (assigned to the state up to URA).
      if (!new_case && rng_.Chance(tp.arrears_chance)) {
        const double amount = rng_.LogNormal(tp.arrears_median, 1.5);
        OrderPlan payback;
        payback.order.type = ObligationType::kArrearsPayback;
        payback.order.frequency = Frequency::kMonthly;
        payback.order.amount = Dollars(std::max(10.0, AsDollars(monthly) * kPaybackShare));
        payback.order.judgment = Dollars(std::min(amount, 400'000.0));
        // Established some time between the case's opening and the window (inside the
        // assistance episode for assistance families), so arrears ages spread as they do.
        Date lo = c.opened;
        Date hi = first.AddDays(-1);
        if (c.episode && c.episode->start_date < first) {
          lo = std::max(lo, c.episode->start_date);
          hi = std::min(hi, c.episode->end_date.value_or(hi));
        }
        const Date when =
            lo >= hi ? hi : lo.AddDays(static_cast<int32_t>(rng_.Int(0, DaysBetween(lo, hi))));
        payback.order.effective_date = when;
        c.orders.push_back(payback);
        dues_.push_back({when, payback.order.judgment});
      }
      plan_.cases.push_back(std::move(c));
    }
  }

  void DrawAssistance(CasePlan& c) {
    if (c.type == CaseType::kNeverAssistance) return;
    const Date first = w_.first_day();
    AssistanceEpisode e;
    e.monthly_grant = Dollars(static_cast<double>(rng_.Int(25, 55)) * 10.0);
    if (c.type == CaseType::kCurrentAssistance) {
      // Ongoing: started before the window (or at the case's opening when it opened later).
      e.start_date =
          c.opened < first ? first.AddDays(-static_cast<int32_t>(rng_.Int(90, 6 * 365))) : c.opened;
    } else {
      // Ended before the as-of date, mostly before the window.
      const Date end =
          rng_.Chance(0.2) && c.opened < first
              ? first.AddDays(static_cast<int32_t>(rng_.Int(0, DaysBetween(first, w_.as_of()) - 1)))
              : std::min(c.opened, first).AddDays(-static_cast<int32_t>(rng_.Int(1, 6 * 365)));
      e.start_date = end.AddDays(-static_cast<int32_t>(rng_.Int(180, 8 * 365)));
      e.end_date = end;
      if (c.opened > e.start_date) c.opened = e.start_date.AddDays(1);
    }
    c.episode = e;
  }

  Money GuidelineMonthly(int children, CaseType type) const {
    double gross_monthly = std::max(wage_, 15'000.0) / 12.0;
    double m = gross_monthly * kGuideline[std::min(children, 3)];
    if (type == CaseType::kCurrentAssistance) m *= 0.8;
    return Dollars(std::round(std::max(50.0, m)));
  }

  static Money PerPeriod(Money monthly, Frequency f) {
    const double m = AsDollars(monthly);
    switch (f) {
      case Frequency::kWeekly:
        return Dollars(std::round(m * 12.0 / 52.0 * 100.0) / 100.0);
      case Frequency::kBiweekly:
        return Dollars(std::round(m * 12.0 / 26.0 * 100.0) / 100.0);
      case Frequency::kSemimonthly:
        return Dollars(std::round(m / 2.0 * 100.0) / 100.0);
      case Frequency::kMonthly:
        return monthly;
    }
    return monthly;
  }

  // ---- jobs ----
  void StartJob(Date start, bool at_window_start) {
    const auto& in_county = w_.EmployersIn(county_);
    const size_t employer = in_county[Index(rng_, in_county.size())];
    JobPlan job;
    job.employer = employer;
    job.start = start;
    job.cycle = w_.employers()[employer].cycle;
    job.gross_per_period = Dollars(wage_ / PayPeriodsPerYear(job.cycle));
    current_job_ = plan_.jobs.size();
    plan_.jobs.push_back(job);
    const EmployerSpec& e = w_.employers()[employer];
    // The new-hire report reaches the agency 10-25 days after the hire (20-day federal
    // deadline, some late); an IWO follows within 2 business days of the match.
    const Date reported = start.AddDays(static_cast<int32_t>(rng_.Int(10, 25)));
    plan_.events.push_back({std::nullopt, reported, "new_hire", "employer_fein=" + e.fein});
    iwo_from_.reset();
    if (rng_.Chance(at_window_start ? kIwoAtWindowStart : kIwoAfterNewHire)) {
      const Date issued = at_window_start ? start : reported.AddDays(rng_.Chance(0.8) ? 1 : 2);
      plan_.events.push_back({0, issued, "iwo_issued", "employer_fein=" + e.fein});
      // Employers start withholding 1-3 weeks after receiving the order.
      iwo_from_ = at_window_start ? start : issued.AddDays(static_cast<int32_t>(rng_.Int(7, 21)));
    }
  }

  void CloseJob(Date end, bool ended) {
    if (!current_job_) return;
    JobPlan& job = plan_.jobs[*current_job_];
    if (ended) {
      job.end = end;
      if (end <= w_.as_of()) {
        plan_.events.push_back(
            {std::nullopt, end, "job_ended", "employer_fein=" + w_.employers()[job.employer].fein});
      }
    }
    if (job.end && *job.end > w_.as_of()) job.end.reset();  // not known yet on the as-of date
    if (job.start > w_.as_of())
      plan_.jobs.erase(plan_.jobs.begin() + static_cast<long>(*current_job_));
    current_job_.reset();
    iwo_from_.reset();
  }

  // ---- one month ----
  void StepMonth(int32_t k) {
    const Date ms = w_.MonthStart(k);
    const Date me = ms.MonthEnd();
    const double index = w_.EconomicIndex(county_, k);
    const double unemployment = w_.Unemployment(county_, k);
    const TypeParams& tp = kTypeParams[static_cast<int>(type_)];
    if (k == 0 && employed_) {
      // Tenure of a job held at the window start: the steady state of the monthly job-loss
      // and job-change hazards (exponential, mean about 31 months), so the population's
      // tenure does not age as a cohort.
      const double months = -std::log(1.0 - rng_.Uniform()) * 31.0;
      StartJob(
          w_.first_day().AddDays(-static_cast<int32_t>(std::min(6'000.0, 30.0 + months * 30.4))),
          true);
    }
    if (k == 0 && !employed_ && rng_.Chance(0.7)) {
      // Most people out of work at the window start had a job before: it is on record (the
      // new-hire report, usually a withholding order) and ended some months ago.
      const double out_months = -std::log(1.0 - rng_.Uniform()) * 8.0;
      const double tenure_months = -std::log(1.0 - rng_.Uniform()) * 20.0;
      const Date ended =
          w_.first_day().AddDays(-static_cast<int32_t>(std::min(3'000.0, 1.0 + out_months * 30.4)));
      StartJob(ended.AddDays(-static_cast<int32_t>(std::min(3'000.0, 30.0 + tenure_months * 30.4))),
               true);
      CloseJob(ended, true);
    }

    // Life events.
    const double pressure = unemployment / 0.05;
    if (incarcerated_) {
      if (rng_.Chance(kRelease)) {
        incarcerated_ = false;
        AddEvent(ms.AddDays(static_cast<int32_t>(rng_.Int(0, 27))), "released", "");
      }
    } else if (employed_) {
      if (rng_.Chance(kJobLoss * pressure)) {
        employed_ = false;
        CloseJob(ms.AddDays(static_cast<int32_t>(rng_.Int(0, 27))), true);
      } else if (rng_.Chance(kJobChange)) {
        const Date d = ms.AddDays(static_cast<int32_t>(rng_.Int(0, 27)));
        CloseJob(d, true);
        wage_ *= rng_.LogNormal(1.05, 0.15);
        StartJob(d.AddDays(1), false);
      } else if (rng_.Chance(kIncarceration)) {
        employed_ = false;
        incarcerated_ = true;
        const Date d = ms.AddDays(static_cast<int32_t>(rng_.Int(0, 27)));
        CloseJob(d, true);
        AddEvent(d, "incarcerated", "");
      }
    } else {
      const double find = tp.find_job * std::pow(1.0 / pressure, 0.7);
      if (rng_.Chance(find)) {
        employed_ = true;
        wage_ *= rng_.LogNormal(0.97, 0.2);
        StartJob(ms.AddDays(static_cast<int32_t>(rng_.Int(0, 27))), false);
      } else if (rng_.Chance(kIncarceration * 2)) {
        incarcerated_ = true;
        AddEvent(ms.AddDays(static_cast<int32_t>(rng_.Int(0, 27))), "incarcerated", "");
      }
    }
    if (rng_.Chance(kMove)) {
      const size_t to = rng_.Pick(std::vector<double>(Counties().size(), 1.0));
      if (to != county_) {
        AddEvent(ms.AddDays(static_cast<int32_t>(rng_.Int(0, 27))), "moved",
                 "county=" + std::string(Counties()[to].name));
        county_ = to;
      }
    }
    // The propensity drifts back to the person's baseline, with noise and the economy.
    propensity_ += 0.15 * (base_propensity_ - propensity_) + rng_.Normal(0.0, 0.25);

    // Support falling due this month, and order reviews.
    for (size_t c = 0; c < plan_.cases.size(); ++c) {
      for (const OrderPlan& o : plan_.cases[c].orders) {
        if (o.order.type == ObligationType::kArrearsPayback) continue;
        for (const Debt& d : AccrueOrder(o.order, ms, me)) {
          dues_.push_back({d.due_date, d.amount});
        }
      }
      MaybeModify(c, k);
    }
    // Payments are sized on the orders in effect this month: a case opened later in the
    // window has nothing due yet, and an obligor none of whose orders is in effect pays nothing.
    const Money monthly = MonthlyInEffect(ms);
    const Money arrears_start = ArrearsAt(ms.AddDays(-1));
    const Money payback =
        arrears_start.is_positive() ? Dollars(AsDollars(monthly) * kPaybackShare) : Money();

    // Income withholding on paydays.
    const bool withholding = employed_ && current_job_ && iwo_from_;
    if (withholding) {
      const JobPlan& job = plan_.jobs[*current_job_];
      const EmployerSpec& e = w_.employers()[job.employer];
      const int periods = PayPeriodsPerYear(job.cycle);
      const double target = (AsDollars(monthly) + AsDollars(payback)) * 12.0 / periods;
      const double cap = AsDollars(job.gross_per_period) * kDisposableShare * kCcpaShare;
      for (Date payday : Paydays(e, std::max(ms, *iwo_from_), me)) {
        if (!rng_.Chance(kEmployerRemits)) continue;
        const Date received = payday.AddDays(static_cast<int32_t>(rng_.Int(1, 5)));
        Pay(received, Dollars(std::min(target, cap)), PaymentSource::kWithholding);
      }
    }
    // Direct payments.
    double p = Logistic(propensity_ + 0.05 * (index - 100.0));
    double size = rng_.Uniform(0.5, 1.25);
    if (incarcerated_) {
      p *= 0.05;
    } else if (!employed_) {
      p *= 0.45;
      size *= 0.6;
    } else if (withholding) {
      p *= 0.06;  // extra payments on top of withholding
    }
    if (monthly.is_positive() && rng_.Chance(p)) {
      double amount = AsDollars(monthly) * size;
      if (arrears_start.is_positive() && rng_.Chance(0.25)) amount += AsDollars(payback) * 2;
      const Date d = ms.AddDays(static_cast<int32_t>(rng_.Int(0, DaysBetween(ms, me))));
      Pay(d, Dollars(std::max(amount, 20.0)), PaymentSource::kDirect);
    }
    // The federal tax refund offset: certified arrears at the end of last year, a refund.
    if (ms.month() == 2) {
      const Money certified = ArrearsAt(ms.AddDays(-32).MonthEnd());
      const bool assistance = type_ != CaseType::kNeverAssistance;
      const Money threshold = Money::FromCents(assistance ? 15'000 : 50'000);
      const double refund_chance = months_employed_last_year_ >= 6 ? 0.40 : 0.12;
      if (certified >= threshold && rng_.Chance(refund_chance)) {
        const double refund = rng_.LogNormal(1'700.0, 0.7);
        const Date d = ms.AddDays(static_cast<int32_t>(rng_.Int(10, 55)));
        Pay(d, Dollars(std::min(refund, AsDollars(certified))), PaymentSource::kTaxOffset);
      }
      months_employed_last_year_ = 0;
    }
    if (employed_) ++months_employed_last_year_;
    // Rare lump sums (settlements, inheritances), toward arrears.
    if (arrears_start.is_positive() && rng_.Chance(kLumpSum)) {
      const double amount = std::min(rng_.LogNormal(2'500.0, 0.8), AsDollars(arrears_start));
      Pay(ms.AddDays(static_cast<int32_t>(rng_.Int(0, 27))), Dollars(std::max(amount, 50.0)),
          PaymentSource::kOther);
    }
    Enforce(k, ms, monthly, arrears_start);
  }

  void MaybeModify(size_t c, int32_t k) {
    if (k - last_modified_[c] < 12 || !employed_) return;
    const double change = wage_ / order_wage_[c];
    if ((change < 0.7 || change > 1.4) && rng_.Chance(0.08)) {
      CasePlan& cp = plan_.cases[c];
      const Date effective = w_.MonthStart(k + 1);
      if (effective > w_.as_of()) return;
      size_t last = 0;
      for (size_t i = 0; i < cp.orders.size(); ++i) {
        if (cp.orders[i].order.type == ObligationType::kCurrentSupport) last = i;
      }
      if (effective <= cp.orders[last].order.effective_date.AddMonths(6)) return;
      cp.orders[last].order.end_date = effective.AddDays(-1);
      cp.orders[last].replaced_later = true;
      OrderPlan next = cp.orders[last];
      next.replaced_later = false;
      const int children = static_cast<int>(cp.children.size());
      const Money monthly = GuidelineMonthly(children, cp.type);
      next.order.amount = PerPeriod(monthly, next.order.frequency);
      next.order.effective_date = effective;
      next.order.end_date.reset();
      next.replaces_previous = true;
      cp.orders.push_back(next);
      monthly_support_[c] = monthly;
      order_wage_[c] = wage_;
      last_modified_[c] = k;
      AddEvent(effective, "order_modified", "case_order_review");
    }
  }

  // License suspension: the notice after months without payment on large arrears, and the
  // obligor's response (FACTS §5: the state's threshold and notice rules).
  void Enforce(int32_t k, Date ms, Money monthly, Money arrears) {
    if (notice_pending_ && ms >= *notice_pending_) {
      notice_pending_.reset();
      const size_t response = rng_.Pick({0.30, 0.20, 0.50});
      if (response == 0) {
        Pay(ms.AddDays(static_cast<int32_t>(rng_.Int(0, 20))),
            Dollars(AsDollars(monthly) * 1.5 + AsDollars(arrears) * 0.1), PaymentSource::kDirect);
        AddEvent(ms, "license_notice_resolved", "paid");
        propensity_ += 0.8;
      } else if (response == 1) {
        AddEvent(ms, "payment_plan", "after_license_notice");
        propensity_ += 1.5;
        base_propensity_ += 0.5;
      } else {
        AddEvent(ms, "license_suspended", "");
        propensity_ += 0.4;
      }
    }
    if (notice_pending_ || k - last_notice_ < 9 || monthly.is_zero()) return;
    const bool large = arrears >= Dollars(AsDollars(monthly) * 3.0);
    const bool silent = !last_payment_ || DaysBetween(*last_payment_, ms) > 90;
    if (large && silent && rng_.Chance(0.3)) {
      AddEvent(ms.AddDays(4), "license_notice", "arrears=" + arrears.ToString());
      notice_pending_ = w_.MonthStart(k + 1);
      last_notice_ = k;
    }
  }

  void Pay(Date d, Money amount, PaymentSource source) {
    if (!amount.is_positive() || d >= w_.MonthStart(w_.simulated_months())) return;
    // The payment names the obligor's first case whose order is in effect on its date (none:
    // no support is due yet, so there is nothing to pay).
    const std::optional<size_t> case_index = CaseInEffect(d);
    if (!case_index) return;
    PaymentPlan p;
    p.case_index = *case_index;
    p.amount = amount;
    p.date = d;
    p.source = source;
    if (source == PaymentSource::kDirect && rng_.Chance(kBounce)) {
      const Date r = d.AddDays(static_cast<int32_t>(rng_.Int(6, 14)));
      p.reversed = r;
    }
    paid_.push_back({d, amount, p.reversed});
    if (!p.reversed) last_payment_ = std::max(last_payment_.value_or(d), d);
    if (d > w_.as_of()) return;                                      // future: ground truth only
    if (p.reversed && *p.reversed > w_.as_of()) p.reversed.reset();  // bounces after as-of
    char key[48];
    std::snprintf(key, sizeof(key), "SIM-%08lld-%04zu", static_cast<long long>(plan_.unit),
                  plan_.payments.size() + 1);
    p.key = key;
    plan_.payments.push_back(std::move(p));
  }

  void AddEvent(Date d, std::string kind, std::string detail) {
    plan_.events.push_back({std::nullopt, d, std::move(kind), std::move(detail)});
  }

  // The monthly support of the cases whose first current support order is in effect on `d`
  // (a case opened in the window has its order from the month after it opened).
  Money MonthlyInEffect(Date d) const {
    Money m;
    for (size_t c = 0; c < plan_.cases.size(); ++c) {
      if (plan_.cases[c].orders.front().order.effective_date <= d) m += monthly_support_[c];
    }
    return m;
  }

  std::optional<size_t> CaseInEffect(Date d) const {
    for (size_t c = 0; c < plan_.cases.size(); ++c) {
      if (plan_.cases[c].orders.front().order.effective_date <= d) return c;
    }
    return std::nullopt;
  }

  // Unpaid support on `t` by the simulator's own accounting: everything due on or before t
  // less everything received on or before t and not reversed by then.
  Money ArrearsAt(Date t) const {
    Money due;
    for (const Due& d : dues_) {
      if (d.date <= t) due += d.amount;
    }
    Money paid;
    for (const Paid& p : paid_) {
      if (p.date <= t && !(p.reversed && *p.reversed <= t)) paid += p.amount;
    }
    return Max(due - paid, Money());
  }

  // One ground-truth row per history month end, from the latent state recorded at the end
  // of that month (RecordLatent) and the simulator's own accounting.
  void FinishTruth() {
    for (int32_t k = 0; k < w_.history_months(); ++k) {
      const Date t = w_.MonthStart(k).MonthEnd();
      if (t > w_.as_of()) break;
      const Latent& latent = latent_[static_cast<size_t>(k)];
      const Date horizon = LabelHorizon(t);
      TruthMonth r;
      r.month_end = t;
      r.employed = latent.employed;
      r.incarcerated = latent.incarcerated;
      r.propensity_bps = latent.propensity_bps;
      r.wage_monthly = latent.wage;
      r.monthly_support = latent.monthly;
      r.arrears = ArrearsAt(t);
      for (const Due& d : dues_) {
        if (d.date > t && d.date <= horizon) r.due_next += d.amount;
      }
      for (const Paid& p : paid_) {
        if (p.date > t && p.date <= horizon && !(p.reversed && *p.reversed <= horizon)) {
          r.paid_next += p.amount;
        }
      }
      // Delinquent in the next 30 days (the month after t, LabelHorizon): of the support that
      // falls due in it, the unpaid part reaches one month's support (the 45 CFR 303.6
      // threshold; all of it when less than a month falls due). Older arrears do not count,
      // or every obligor with old debt would be "delinquent" whatever they do next.
      r.delinquent_next_30 = NewDelinquency(r.due_next, r.paid_next, r.monthly_support);
      plan_.truth.push_back(r);
    }
  }

  // Records the latent state at the end of the month just stepped (Run calls it after each
  // StepMonth, so latent_[k] is month k's).
  void RecordLatent() {
    latent_.push_back({employed_, incarcerated_,
                       static_cast<int32_t>(std::lround(Logistic(propensity_) * 10'000)),
                       employed_ ? Dollars(wage_ / 12.0) : Money(),
                       MonthlyInEffect(w_.MonthStart(static_cast<int32_t>(latent_.size())))});
  }

  struct Latent {
    bool employed;
    bool incarcerated;
    int32_t propensity_bps;
    Money wage;
    Money monthly;
  };

  const World& w_;
  Rng rng_;
  int64_t serial_;
  int case_count_ = 1;
  UnitPlan plan_;
  size_t county_ = 0;
  CaseType type_ = CaseType::kNeverAssistance;
  std::string group_;
  double wage_ = 0;
  double base_propensity_ = 0;
  double propensity_ = 0;
  bool employed_ = false;
  bool incarcerated_ = false;
  std::optional<size_t> current_job_;
  std::optional<Date> iwo_from_;
  std::optional<Date> last_payment_;
  std::optional<Date> notice_pending_;
  int32_t last_notice_ = -100;
  int months_employed_last_year_ = 0;
  std::vector<Money> monthly_support_;  // per case
  std::vector<double> order_wage_;      // per case: the wage its order was set from
  std::vector<int32_t> last_modified_;  // per case: month of the last modification
  std::vector<Due> dues_;
  std::vector<Paid> paid_;
  std::vector<Latent> latent_;
};

}  // namespace

std::string SyntheticSsn(int64_t serial) {
  const int64_t area = 900 + serial / (99 * 9'999);
  const int64_t group = 1 + (serial / 9'999) % 99;
  const int64_t number = 1 + serial % 9'999;
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%03lld%02lld%04lld", static_cast<long long>(area),
                static_cast<long long>(group), static_cast<long long>(number));
  return buf;
}

UnitPlan PlanUnit(const World& world, int64_t unit, int case_count, int64_t person_serial) {
  Planner planner(world, unit, case_count, person_serial);
  return planner.Run();
}

}  // namespace cse::sim
