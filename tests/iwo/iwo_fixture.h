// File: tests/iwo/iwo_fixture.h
//
// The setup the IWO tests share (iwo_terminate_test.cc, iwo_end_test.cc, eiwo_test.cc,
// iwo_pdf_test.cc): the employer, staff users, obligors and IWOs they start from, the employer
// acknowledgment file they import, and reads of what a use case wrote. Rows go straight into
// the store (no audit row) unless a helper says otherwise; every helper fails the test on a
// store error.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "formats/eiwo.h"
#include "iwo/iwo_terminate.h"
#include "iwo/newhire.h"
#include "service/json.h"
#include "testing/fixture.h"

namespace cse::testing {

// An employer with a full address (1 MAIN ST, SPRINGFIELD IL 62701): the e-IWO detail record and
// the PDF need address line 1.
inline Employer SpringfieldEmployer(const std::string& fein, const std::string& name) {
  Employer e;
  e.fein = fein;
  e.name = name;
  e.address.line1 = "1 MAIN ST";
  e.address.city = "SPRINGFIELD";
  e.address.state = "IL";
  e.address.zip = "62701";
  return e;
}

// ACME WIDGETS, FEIN 111111111, the employer most IWO tests withhold at.
inline Employer Acme() { return SpringfieldEmployer("111111111", "ACME WIDGETS"); }

// A staff user, straight into the store. `role` is an auth/roles.h name; `office` "" statewide.
inline void AddStaffUser(Store& store, const std::string& name, const std::string& role,
                         const std::string& office, bool disabled = false) {
  UserRecord u;
  u.username = name;
  u.role = role;
  u.office = office;
  u.disabled = disabled;
  u.created_at = "2024-07-01T00:00:00Z";
  ASSERT_TRUE(store.InsertUser(u).ok()) << name;
}

// Sam Doe with this SSN (not yet added).
inline Person SamDoe(const std::string& ssn) {
  Person p;
  p.first_name = "Sam";
  p.last_name = "Doe";
  p.ssn = ssn;
  return p;
}

// A pending IWO entered by hand (not yet inserted): 500.00 current support and 100.00 arrears
// a month, created by "tester" on 2024-06-28.
inline IwoRecord ManualIwo(CaseId c, PersonId obligor, EmployerId employer, Date entry, Date due) {
  IwoRecord r;
  r.case_id = c;
  r.obligor = obligor;
  r.employer = employer;
  r.source = "manual";
  r.entry_date = entry;
  r.due_date = due;
  r.current_monthly = Money::FromCents(50'000);
  r.arrears_monthly = Money::FromCents(10'000);
  r.created_at = "2024-06-28T00:00:00Z";
  r.created_by = "tester";
  return r;
}

// IWOs for case `c` with each employer its obligor works for on `entry`, as `action issue`
// makes them (iwo/newhire.h IssueIwosForCase, with their iwo_issued events), committed. The
// first one's id (0 after a test failure).
inline int64_t IssueIwo(World& world, const std::string& actor, CaseId c, Date entry) {
  EXPECT_TRUE(world.store().Begin().ok());
  auto made = iwo::IssueIwosForCase(world.store(), world.clock(), actor, c, entry);
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_TRUE(world.store().Commit().ok());
  return made.ok() && !made->empty() ? made->front().iwo_id : 0;
}

// IWO `id` as stored.
inline IwoRecord GetIwo(Store& store, int64_t id) {
  auto rows = store.ListIwos("", id - 1, 1);
  EXPECT_TRUE(rows.ok() && !rows->empty() && rows->front().id == id) << "no IWO " << id;
  return rows.ok() && !rows->empty() ? rows->front() : IwoRecord{};
}

// `iwo terminate`'s request: IWO `id` ends on `date` for `reason`, with `note`.
inline iwo::TerminateRequest EndRequest(int64_t id, Date date, iwo::IwoEndReason reason,
                                        const std::string& note = "") {
  iwo::TerminateRequest q;
  q.iwo_id = id;
  q.end_date = date;
  q.reason = reason;
  q.note = note;
  return q;
}

// The audit rows with this action.
inline int64_t CountAudit(Store& store, const std::string& action) {
  int64_t n = 0;
  EXPECT_TRUE(store
                  .ScanAudit([&](const AuditRow& r) {
                    n += r.action == action ? 1 : 0;
                    return Status::Ok();
                  })
                  .ok());
  return n;
}

// The `after` JSON of every audit row with this action, oldest first.
inline std::vector<Json> AuditAfters(Store& store, const std::string& action) {
  std::vector<Json> out;
  EXPECT_TRUE(store
                  .ScanAudit([&](const AuditRow& r) {
                    if (r.action == action) out.push_back(Json::parse(r.after));
                    return Status::Ok();
                  })
                  .ok());
  return out;
}

// The `after` JSON of the last audit row with this action (null when none).
inline Json LastAuditAfter(Store& store, const std::string& action) {
  std::vector<Json> all = AuditAfters(store, action);
  return all.empty() ? Json() : all.back();
}

// The person's case events of this kind, by (date, id).
inline std::vector<CaseEvent> EventsOfKind(Store& store, PersonId person, const std::string& kind) {
  std::vector<CaseEvent> out;
  auto all = store.ListCaseEventsByPerson(person);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  if (!all.ok()) return out;
  for (const CaseEvent& e : *all) {
    if (e.kind == kind) out.push_back(e);
  }
  return out;
}

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// An employer's acknowledgment file in layout `ack`: the file header (`file_control`, created
// `creation_date`), one batch (`batch_control`) of `details` ACK records, and both trailers
// with their counts.
inline std::string AckFileText(const formats::EiwoLayouts& ack,
                               const std::vector<formats::FieldValues>& details,
                               const std::string& file_control, const std::string& batch_control,
                               const std::string& creation_date) {
  const auto line = [](const Result<std::string>& r) {
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return (r.ok() ? *r : std::string()) + "\n";
  };
  std::string out = line(formats::FormatRecord(
      ack.file_header, {{"control_number", file_control}, {"creation_date", creation_date}}));
  out += line(formats::FormatRecord(ack.batch_header, {{"control_number", batch_control}}));
  for (const formats::FieldValues& d : details) out += line(formats::FormatRecord(ack.detail, d));
  const std::string n = std::to_string(details.size());
  out += line(formats::FormatRecord(ack.batch_trailer,
                                    {{"control_number", batch_control}, {"detail_count", n}}));
  out += line(formats::FormatRecord(
      ack.file_trailer,
      {{"control_number", file_control}, {"batch_count", "1"}, {"detail_count", n}}));
  return out;
}

}  // namespace cse::testing
