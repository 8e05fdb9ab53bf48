// File: sim/life.h
//
// One obligor's simulated life and everything it leaves on the record. PlanUnit is pure: it
// draws the obligor, the custodial parents and children, the cases and orders, and then steps
// month by month through a latent life — jobs and job losses (each new job is a new-hire
// report, usually followed by an income withholding order), unemployment, incarceration,
// moves, a payment propensity that drifts and reacts to enforcement — and turns it into
// payments: withholding on the employer's paydays, irregular direct payments, a yearly federal
// tax offset on certified arrears, rare lump sums, and bounced checks later reversed.
//
// The latent state and the 30-day outcome after every month end go to `truth` (ground truth,
// never read by production code). Parameters and their calibration targets are in
// docs/SIMULATION.md.
//
// Thread-safety: pure function of (world, unit number).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/world.h"
#include "storage/store.h"

namespace cse::sim {

struct PersonPlan {
  Person person;
  std::string role;  // obligor | obligee | child
  std::string group;
};

struct OrderPlan {
  Order order;                     // case_id unset
  bool replaces_previous = false;  // a modification of the case's previous current order
  bool replaced_later = false;     // a later order modifies it (its end_date is that change)
};

struct CasePlan {
  size_t obligee = 0;  // index into UnitPlan::persons
  std::vector<size_t> children;
  CaseType type = CaseType::kNeverAssistance;
  FamilyViolence family_violence = FamilyViolence::kNone;
  size_t county = 0;
  Date opened;
  std::optional<AssistanceEpisode> episode;  // case_id unset
  std::vector<OrderPlan> orders;             // in the order they are entered
};

struct JobPlan {
  size_t employer = 0;  // index into World::employers()
  Date start;
  std::optional<Date> end;
  Money gross_per_period;
  PayCycle cycle = PayCycle::kBiweekly;
};

struct PaymentPlan {
  size_t case_index = 0;
  std::string key;
  Money amount;
  Date date;
  PaymentSource source = PaymentSource::kDirect;
  std::optional<Date> reversed;  // bounced: reversed on this date (on or before the as-of date)
};

struct EventPlan {
  std::optional<size_t> case_index;
  Date date;
  std::string kind;
  std::string detail;
};

struct UnitPlan {
  int64_t unit = 0;
  std::vector<PersonPlan> persons;  // [0] is the obligor
  std::vector<CasePlan> cases;
  std::vector<JobPlan> jobs;
  std::vector<PaymentPlan> payments;  // dated on or before the as-of date, by date
  std::vector<EventPlan> events;      // dated on or before the as-of date
  std::vector<TruthMonth> truth;      // obligor id unset; one per history month end
};

// Plans obligor unit number `unit` (0-based) with `case_count` cases. `person_serial` is the
// first serial for the SSNs of this unit's persons (each unit uses at most 8).
UnitPlan PlanUnit(const World& world, int64_t unit, int case_count, int64_t person_serial);

// A synthetic SSN that can never be a real one: area 900-999 (never issued as SSNs), from a
// serial. REQUIRES: serial < 98,000,000.
std::string SyntheticSsn(int64_t serial);

}  // namespace cse::sim
