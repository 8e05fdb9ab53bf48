// File: enforce/contact.h
//
// The contact history: attempts to reach a person by sms, email or phone, recorded by staff
// (`opencse contact log`), and the outreach channel chosen from them (enforce/workflow.h
// ChooseChannel; docs/ENFORCEMENT.md "Contact channel"). The nightly batch reads the same
// history for every Proactive Outreach task.
//
// Thread-safety: the functions borrow `store`; one thread at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "enforce/records.h"
#include "enforce/workflow.h"
#include "storage/store.h"

namespace cse::enforce {

struct ContactLogRequest {
  PersonId person;
  std::string channel;       // sms | email | phone
  std::string outcome;       // reached | no_answer | bounced | opted_out
  std::optional<Date> date;  // Default: today
  std::string note;
};

// OK when `actor` may record an attempt to reach `person`; runs inside the attempt's
// transaction. The CLI passes auth::CheckContactRecorder (this library cannot link auth): an
// active user whose role holds notes.write, and for a caseworker or supervisor a person who is
// a party of a case in their caseload, once an active admin exists.
using ContactRecorderRule =
    std::function<Status(Store& store, const std::string& actor, PersonId person)>;

// Records one attempt and its audit row (`contact.log`) in one transaction. `may_record`, when
// set, runs in it before the write (its error writes nothing). Errors: invalid_argument
// "contact_channel_invalid", "contact_outcome_invalid", "date_in_future",
// "contact_note_too_long" (over kContactNoteMax characters); not_found "person_not_found"; the
// rule's (failed_precondition "user_unknown", "role_not_allowed", "person_not_in_caseload").
inline constexpr size_t kContactNoteMax = 500;
Result<ContactAttempt> LogContactAttempt(Store& store, const Clock& clock, const std::string& actor,
                                         const ContactLogRequest& r,
                                         const ContactRecorderRule& may_record = {});

// A person's history as of a day and the channel outreach would use then.
struct ContactSummary {
  PersonId person;
  std::vector<ContactAttempt> attempts;  // by date, up to and including as_of
  ChannelChoice choice;
};
// Errors: not_found "person_not_found"; the store's.
Result<ContactSummary> SummarizeContacts(Store& store, PersonId person, Date as_of);

}  // namespace cse::enforce
