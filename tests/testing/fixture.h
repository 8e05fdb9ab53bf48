// File: tests/testing/fixture.h
//
// A small world for service tests: an in-memory (or file) SQLite store, a fake clock and a
// LedgerService, with helpers that create parties, cases and orders and fail the test on
// any error.
#pragma once

#include <algorithm>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "service/ledger_service.h"
#include "storage/sqlite/sqlite_store.h"

namespace cse::testing {

inline int64_t MidnightMicros(Date d) { return int64_t{d.days()} * 86400LL * 1000000LL; }

class World {
 public:
  explicit World(const std::string& path = ":memory:", Date today = Date::Ymd(2026, 1, 1))
      : clock_(MidnightMicros(today)) {
    auto store = SqliteStore::Open(path, SqliteStore::OpenMode::kCreate);
    CSE_CHECK(store.ok(), "cannot open test store");
    store_ = std::move(store).value();
    service_ = std::make_unique<LedgerService>(*store_, clock_, "tester");
  }

  SqliteStore& store() { return *store_; }
  LedgerService& service() { return *service_; }
  FakeClock& clock() { return clock_; }

  PersonId Person(const std::string& first, const std::string& last) {
    cse::Person p;
    p.first_name = first;
    p.last_name = last;
    auto id = service_->AddPerson(p);
    CSE_CHECK(id.ok(), "AddPerson failed");
    return *id;
  }

  // A never-assistance case, its obligor and obligee (named `first` "Obligor"), inserted
  // straight into the store: no audit row, no order. For what only a writer going around the
  // service (or a caller's own transaction) can produce.
  CaseId StoreOnlyCase(const std::string& first) {
    cse::Person p;
    p.first_name = first;
    p.last_name = "Obligor";
    Case c;
    c.obligor = *store_->InsertPerson(p);
    c.obligee = *store_->InsertPerson(p);
    c.type = CaseType::kNeverAssistance;
    c.opened = Date::Ymd(2024, 1, 1);
    auto id = store_->InsertCase(c);
    CSE_CHECK(id.ok(), "InsertCase failed");
    return *id;
  }

  // A never-assistance case with a fresh obligee and one monthly current support order.
  CaseId SimpleCase(PersonId obligor, int64_t monthly_cents, Date start) {
    NewCase c;
    c.obligor = obligor;
    c.obligee = Person("Obligee", std::to_string(++counter_));
    c.opened = std::min(start, clock_.Today());
    auto id = service_->AddCase(c);
    CSE_CHECK(id.ok(), "AddCase failed");
    Order o;
    o.case_id = *id;
    o.amount = Money::FromCents(monthly_cents);
    o.effective_date = start;
    auto order = service_->AddOrder(o, std::nullopt);
    CSE_CHECK(order.ok(), "AddOrder failed");
    return *id;
  }

  Result<PostResult> Pay(const std::string& key, CaseId c, int64_t cents, Date date,
                         PaymentSource source = PaymentSource::kDirect) {
    return service_->PostPayment(PaymentRequest{key, c, Money::FromCents(cents), date, source});
  }

 private:
  FakeClock clock_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<LedgerService> service_;
  int counter_ = 0;
};

}  // namespace cse::testing
