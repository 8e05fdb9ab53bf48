// The SQLite adapter's contact history (migration 203): attempts to reach a person by sms,
// email or phone and their outcomes, from which the outreach channel is chosen.
#include "storage/sqlite/stmt.h"

namespace cse {
namespace {

using enforce::ContactAttempt;
using Stmt = SqliteStore::Stmt;

#define CSE_CONTACT_COLUMNS "person_id, channel, date, outcome, note, recorded_by, recorded_at"

Result<ContactAttempt> ReadAttempt(Stmt& s) {
  ContactAttempt a;
  a.id = s.Int(0);
  a.person = PersonId{s.Int(1)};
  a.channel = s.Text(2);
  ASSIGN_OR_RETURN(a.date, s.DateAt(3));
  a.outcome = s.Text(4);
  a.note = s.Text(5);
  a.recorded_by = s.Text(6);
  a.recorded_at = s.Text(7);
  return a;
}

}  // namespace

Result<int64_t> SqliteStore::InsertContactAttempt(const ContactAttempt& a) {
  Stmt& s = Prepare("INSERT INTO contact_attempt(" CSE_CONTACT_COLUMNS ") VALUES (?,?,?,?,?,?,?)");
  s.Bind(1, a.person.value)
      .Bind(2, a.channel)
      .Bind(3, a.date)
      .Bind(4, a.outcome)
      .Bind(5, a.note)
      .Bind(6, a.recorded_by)
      .Bind(7, a.recorded_at);
  RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::vector<ContactAttempt>> SqliteStore::ListContactAttempts(PersonId person) {
  Stmt& s = Prepare("SELECT id, " CSE_CONTACT_COLUMNS
                    " FROM contact_attempt WHERE person_id = ? ORDER BY date, id");
  s.Bind(1, person.value);
  return CollectRows<ContactAttempt>(s, ReadAttempt);
}

Result<std::vector<ContactAttempt>> SqliteStore::LoadContactRange(PersonId first, PersonId last) {
  Stmt& s = Prepare("SELECT id, " CSE_CONTACT_COLUMNS
                    " FROM contact_attempt WHERE person_id BETWEEN ? AND ? "
                    "ORDER BY person_id, date, id");
  s.Bind(1, first.value).Bind(2, last.value);
  return CollectRows<ContactAttempt>(s, ReadAttempt);
}

Result<std::vector<enforce::ChannelTally>> SqliteStore::TallyContactAttempts(Date through) {
  Stmt& s = Prepare(
      "SELECT channel, COUNT(*), SUM(outcome = 'reached') FROM contact_attempt "
      "WHERE date <= ? GROUP BY channel ORDER BY channel");
  s.Bind(1, through);
  return CollectRows<enforce::ChannelTally>(s, [](Stmt& row) -> Result<enforce::ChannelTally> {
    return enforce::ChannelTally{row.Text(0), row.Int(1), row.Int(2)};
  });
}

#undef CSE_CONTACT_COLUMNS

}  // namespace cse
