#include "enforce/contact.h"

#include "core/text.h"
#include "domain/validate.h"

#include "service/audit.h"
#include "service/json.h"

namespace cse::enforce {

Result<ContactAttempt> LogContactAttempt(Store& store, const Clock& clock, const std::string& actor,
                                         const ContactLogRequest& r,
                                         const ContactRecorderRule& may_record) {
  RETURN_IF_ERROR(ValidateContact(r.channel, r.outcome));
  const Date today = clock.Today();
  const Date date = r.date.value_or(today);
  if (date > today) {
    return InvalidArgument("date_in_future",
                           "--date " + date.ToString() + " is after today " + today.ToString());
  }
  if (const int64_t chars = CharacterCount(r.note); chars > static_cast<int64_t>(kContactNoteMax)) {
    return InvalidArgument("contact_note_too_long", "--note has " + std::to_string(chars) +
                                                        " characters; at most " +
                                                        std::to_string(kContactNoteMax));
  }
  RETURN_IF_ERROR(
      ValidateText("--note", r.note, {.max_chars = static_cast<int64_t>(kContactNoteMax)}));
  RETURN_IF_ERROR(store.GetPerson(r.person).status());
  ContactAttempt a;
  a.person = r.person;
  a.channel = r.channel;
  a.date = date;
  a.outcome = r.outcome;
  a.note = r.note;
  a.recorded_by = actor;
  a.recorded_at = clock.NowIso();
  RETURN_IF_ERROR(store.Begin());
  const Status s = [&]() -> Status {
    // The rule sees the same staff as the write (inside the transaction).
    if (may_record) RETURN_IF_ERROR(may_record(store, actor, r.person));
    ASSIGN_OR_RETURN(a.id, store.InsertContactAttempt(a));
    return AppendAudit(store, clock, actor, "contact.log", "person", PersonDisplayId(r.person), "",
                       Json{{"attempt_id", a.id},
                            {"channel", a.channel},
                            {"date", a.date.ToString()},
                            {"outcome", a.outcome},
                            {"note", a.note}}
                           .dump());
  }();
  if (!s.ok()) {
    store.Rollback();
    return s;
  }
  RETURN_IF_ERROR(store.Commit());
  return a;
}

Result<ContactSummary> SummarizeContacts(Store& store, PersonId person, Date as_of) {
  RETURN_IF_ERROR(store.GetPerson(person).status());
  ContactSummary out;
  out.person = person;
  ASSIGN_OR_RETURN(out.attempts, store.ListContactAttempts(person));
  // The history as of the day: an attempt after it had not happened yet.
  std::erase_if(out.attempts, [&](const ContactAttempt& a) { return a.date > as_of; });
  ASSIGN_OR_RETURN(std::vector<ChannelTally> population, store.TallyContactAttempts(as_of));
  out.choice = ChooseChannel(out.attempts, population, as_of);
  return out;
}

}  // namespace cse::enforce
