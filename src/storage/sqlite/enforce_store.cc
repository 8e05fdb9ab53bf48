// The SQLite adapter's enforcement tables (migrations 200-202): actions, staff users, tasks,
// batch runs and the nightly batch's per-obligor state.
#include "storage/sqlite/stmt.h"

namespace cse {
namespace {

using enforce::Action;
using Stmt = SqliteStore::Stmt;

// The columns after `id` and `key`, in the order BindAction writes and ReadAction reads them.
#define CSE_ACTION_COLUMNS                                                                        \
  "case_id, obligor_id, remedy, original_remedy, state, source, rank, as_of, "                    \
  "amount_at_stake_cents, model_version, features_hash, confidence, risk_score, "                 \
  "expected_effect, rationale, created_at, created_by, decided_at, decided_by, decision_reason, " \
  "notice_date, contest_deadline, issued_date, closed_date, legal_deadline, last_note, "          \
  "contest_filed, review_deadline, contest_outcome"

// Binds the 29 columns of CSE_ACTION_COLUMNS from parameter `first` on.
void BindAction(Stmt& s, int first, const Action& a) {
  const int i = first;
  s.Bind(i, a.case_id.value);
  s.Bind(i + 1, a.obligor.value);
  s.Bind(i + 2, enforce::Name(a.remedy));
  if (a.original_remedy) {
    s.Bind(i + 3, enforce::Name(*a.original_remedy));
  } else {
    s.Bind(i + 3, std::optional<Date>());  // NULL
  }
  s.Bind(i + 4, enforce::Name(a.state));
  s.Bind(i + 5, a.source);
  s.Bind(i + 6, int64_t{a.rank});
  s.Bind(i + 7, a.as_of);
  s.Bind(i + 8, a.amount_at_stake.cents());
  s.Bind(i + 9, a.model_version);
  s.Bind(i + 10, a.features_hash);
  s.BindDouble(i + 11, a.confidence);
  s.Bind(i + 12, int64_t{a.risk_score});
  s.BindDouble(i + 13, a.expected_effect);
  s.Bind(i + 14, a.rationale);
  s.Bind(i + 15, a.created_at);
  s.Bind(i + 16, a.created_by);
  s.Bind(i + 17, a.decided_at);
  s.Bind(i + 18, a.decided_by);
  s.Bind(i + 19, a.decision_reason);
  s.Bind(i + 20, a.notice_date);
  s.Bind(i + 21, a.contest_deadline);
  s.Bind(i + 22, a.issued_date);
  s.Bind(i + 23, a.closed_date);
  s.Bind(i + 24, a.legal_deadline);
  s.Bind(i + 25, a.last_note);
  s.Bind(i + 26, a.contest_filed);
  s.Bind(i + 27, a.review_deadline);
  s.Bind(i + 28, a.contest_outcome);
}

Result<enforce::Remedy> StoredRemedy(const std::string& text) {
  auto r = enforce::ParseRemedy(text);
  if (!r.ok()) return DataLoss("action_remedy_corrupt", r.status().message());
  return r;
}

// Reads `id, key, CSE_ACTION_COLUMNS`.
Result<Action> ReadAction(Stmt& s) {
  Action a;
  a.id = s.Int(0);
  a.key = s.Text(1);
  a.case_id = CaseId{s.Int(2)};
  a.obligor = PersonId{s.Int(3)};
  ASSIGN_OR_RETURN(a.remedy, StoredRemedy(s.Text(4)));
  if (!s.IsNull(5)) {
    ASSIGN_OR_RETURN(enforce::Remedy original, StoredRemedy(s.Text(5)));
    a.original_remedy = original;
  }
  ASSIGN_OR_RETURN(a.state, enforce::ParseActionState(s.Text(6)));
  a.source = s.Text(7);
  a.rank = static_cast<int>(s.Int(8));
  ASSIGN_OR_RETURN(a.as_of, s.DateAt(9));
  a.amount_at_stake = Money::FromCents(s.Int(10));
  a.model_version = s.Text(11);
  a.features_hash = s.Text(12);
  a.confidence = s.Double(13);
  a.risk_score = static_cast<int>(s.Int(14));
  a.expected_effect = s.Double(15);
  a.rationale = s.Text(16);
  a.created_at = s.Text(17);
  a.created_by = s.Text(18);
  a.decided_at = s.Text(19);
  a.decided_by = s.Text(20);
  a.decision_reason = s.Text(21);
  ASSIGN_OR_RETURN(a.notice_date, s.OptDateAt(22));
  ASSIGN_OR_RETURN(a.contest_deadline, s.OptDateAt(23));
  ASSIGN_OR_RETURN(a.issued_date, s.OptDateAt(24));
  ASSIGN_OR_RETURN(a.closed_date, s.OptDateAt(25));
  ASSIGN_OR_RETURN(a.legal_deadline, s.OptDateAt(26));
  a.last_note = s.Text(27);
  ASSIGN_OR_RETURN(a.contest_filed, s.OptDateAt(28));
  ASSIGN_OR_RETURN(a.review_deadline, s.OptDateAt(29));
  a.contest_outcome = s.Text(30);
  return a;
}

Result<enforce::StaffUser> ReadStaff(Stmt& s) {
  enforce::StaffUser u;
  u.user_id = s.Text(0);
  auto role = enforce::ParseRole(s.Text(1));
  if (!role.ok()) return DataLoss("staff_role_corrupt", role.status().message());
  u.role = *role;
  u.active = s.Int(2) != 0;
  return u;
}

#define CSE_TASK_COLUMNS                                                                         \
  "kind, case_id, obligor_id, worker, created, follow_up, flagged, open, priority, risk_score, " \
  "amount_at_stake_cents, deadline, title, message, channel, recommended, key_factors, "         \
  "action_id, closed_date, closed_reason"

// Binds the 20 columns of CSE_TASK_COLUMNS from parameter `i` on.
void BindTask(Stmt& s, int i, const enforce::Task& t) {
  s.Bind(i, t.kind);
  if (t.case_id.valid()) {
    s.Bind(i + 1, t.case_id.value);
  } else {
    s.Bind(i + 1, std::optional<Date>());  // NULL
  }
  s.Bind(i + 2, t.obligor.value);
  s.Bind(i + 3, t.worker);
  s.Bind(i + 4, t.created);
  s.Bind(i + 5, t.follow_up);
  s.Bind(i + 6, int64_t{t.flagged ? 1 : 0});
  s.Bind(i + 7, int64_t{t.open ? 1 : 0});
  s.BindDouble(i + 8, t.priority);
  s.Bind(i + 9, int64_t{t.risk_score});
  s.Bind(i + 10, t.amount_at_stake.cents());
  s.Bind(i + 11, t.deadline);
  s.Bind(i + 12, t.title);
  s.Bind(i + 13, t.message);
  s.Bind(i + 14, t.channel);
  s.Bind(i + 15, t.recommended);
  s.Bind(i + 16, t.key_factors);
  s.Bind(i + 17, t.action_id);
  s.Bind(i + 18, t.closed_date);
  s.Bind(i + 19, t.closed_reason);
}

// Reads `id, key, CSE_TASK_COLUMNS`.
Result<enforce::Task> ReadTask(Stmt& s) {
  enforce::Task t;
  t.id = s.Int(0);
  t.key = s.Text(1);
  t.kind = s.Text(2);
  t.case_id = CaseId{s.IsNull(3) ? 0 : s.Int(3)};
  t.obligor = PersonId{s.Int(4)};
  t.worker = s.Text(5);
  ASSIGN_OR_RETURN(t.created, s.DateAt(6));
  ASSIGN_OR_RETURN(t.follow_up, s.OptDateAt(7));
  t.flagged = s.Int(8) != 0;
  t.open = s.Int(9) != 0;
  t.priority = s.Double(10);
  t.risk_score = static_cast<int>(s.Int(11));
  t.amount_at_stake = Money::FromCents(s.Int(12));
  ASSIGN_OR_RETURN(t.deadline, s.OptDateAt(13));
  t.title = s.Text(14);
  t.message = s.Text(15);
  t.channel = s.Text(16);
  t.recommended = s.Text(17);
  t.key_factors = s.Text(18);
  t.action_id = s.Int(19);
  ASSIGN_OR_RETURN(t.closed_date, s.OptDateAt(20));
  t.closed_reason = s.Text(21);
  return t;
}

Result<enforce::ObligorState> ReadState(Stmt& row) {
  enforce::ObligorState st;
  st.obligor = PersonId{row.Int(0)};
  ASSIGN_OR_RETURN(st.as_of, row.DateAt(1));
  st.delinquent = row.Int(2) != 0;
  ASSIGN_OR_RETURN(st.delinquent_since, row.OptDateAt(3));
  st.risk_score = static_cast<int>(row.Int(4));
  return st;
}

Result<enforce::BatchRun> ReadRun(Stmt& s) {
  enforce::BatchRun r;
  r.job = s.Text(0);
  ASSIGN_OR_RETURN(r.as_of, s.DateAt(1));
  r.status = s.Text(2);
  r.cursor = s.Int(3);
  r.counts_json = s.Text(4);
  r.started_at = s.Text(5);
  r.finished_at = s.Text(6);
  return r;
}

}  // namespace

Result<int64_t> SqliteStore::InsertEnforceAction(const Action& a) {
  Stmt& s = Prepare("INSERT INTO enforce_action(key, " CSE_ACTION_COLUMNS
                    ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, a.key);
  BindAction(s, 2, a);
  RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<Action> SqliteStore::GetEnforceAction(int64_t id) {
  Stmt& s = Prepare("SELECT id, key, " CSE_ACTION_COLUMNS " FROM enforce_action WHERE id = ?");
  s.Bind(1, id);
  ASSIGN_OR_RETURN(std::vector<Action> rows, CollectRows<Action>(s, ReadAction));
  if (rows.empty()) {
    return NotFound("action_not_found", "no enforcement action " + std::to_string(id));
  }
  return rows.front();
}

Result<std::optional<Action>> SqliteStore::FindEnforceActionByKey(std::string_view key) {
  Stmt& s = Prepare("SELECT id, key, " CSE_ACTION_COLUMNS " FROM enforce_action WHERE key = ?");
  s.Bind(1, key);
  return FirstRow<Action>(s, ReadAction);
}

Status SqliteStore::UpdateEnforceAction(const Action& a) {
  Stmt& s = Prepare(
      "UPDATE enforce_action SET case_id = ?, obligor_id = ?, remedy = ?, original_remedy = ?, "
      "state = ?, source = ?, rank = ?, as_of = ?, amount_at_stake_cents = ?, model_version = ?, "
      "features_hash = ?, confidence = ?, risk_score = ?, expected_effect = ?, rationale = ?, "
      "created_at = ?, created_by = ?, decided_at = ?, decided_by = ?, decision_reason = ?, "
      "notice_date = ?, contest_deadline = ?, issued_date = ?, closed_date = ?, "
      "legal_deadline = ?, last_note = ?, contest_filed = ?, review_deadline = ?, "
      "contest_outcome = ? WHERE id = ?");
  BindAction(s, 1, a);
  s.Bind(30, a.id);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) == 0) {
    return NotFound("action_not_found", "no enforcement action " + std::to_string(a.id));
  }
  return Status::Ok();
}

Result<std::vector<Action>> SqliteStore::ListEnforceActionsByCase(CaseId id) {
  Stmt& s = Prepare("SELECT id, key, " CSE_ACTION_COLUMNS
                    " FROM enforce_action WHERE case_id = ? ORDER BY id");
  s.Bind(1, id.value);
  return CollectRows<Action>(s, ReadAction);
}

Result<std::vector<Action>> SqliteStore::ListEnforceActionsByObligor(PersonId id) {
  Stmt& s = Prepare("SELECT id, key, " CSE_ACTION_COLUMNS
                    " FROM enforce_action WHERE obligor_id = ? ORDER BY id");
  s.Bind(1, id.value);
  return CollectRows<Action>(s, ReadAction);
}

Status SqliteStore::ScanEnforceActions(const std::function<Status(const Action&)>& visit) {
  return ScanRows("SELECT id, key, " CSE_ACTION_COLUMNS " FROM enforce_action ORDER BY id",
                  [&](Stmt& s) -> Status {
                    ASSIGN_OR_RETURN(Action a, ReadAction(s));
                    return visit(a);
                  });
}

// One staff identity: the enforcement role checks read the web app's users (app_user, migration
// 100; the role names are the same), so a person approving on the CLI or in the web app is the
// same user. `active` is the negation of app_user.disabled. UpsertStaffUser (`opencse staff
// add`, kept for compatibility) creates an app user with no usable password ("!" is not an
// argon2id string, so sign-in always fails) and no office; `opencse user add` creates people
// who sign in. The enforcement-era staff_user table (migration 200) is no longer read.
Status SqliteStore::UpsertStaffUser(const enforce::StaffUser& u) {
  return Prepare(
             "INSERT INTO app_user(username, role, office, password_hash, disabled, created_at) "
             "VALUES (?,?,'','!',?,strftime('%Y-%m-%dT%H:%M:%SZ','now')) "
             "ON CONFLICT(username) DO UPDATE SET role = excluded.role, "
             "disabled = excluded.disabled")
      .Bind(1, u.user_id)
      .Bind(2, enforce::Name(u.role))
      .Bind(3, int64_t{u.active ? 0 : 1})
      .Run();
}

Result<std::optional<enforce::StaffUser>> SqliteStore::GetStaffUser(std::string_view user_id) {
  Stmt& s = Prepare("SELECT username, role, 1 - disabled FROM app_user WHERE username = ?");
  s.Bind(1, user_id);
  return FirstRow<enforce::StaffUser>(s, ReadStaff);
}

Result<std::vector<enforce::StaffUser>> SqliteStore::ListStaffUsers() {
  Stmt& s = Prepare("SELECT username, role, 1 - disabled FROM app_user ORDER BY username");
  return CollectRows<enforce::StaffUser>(s, ReadStaff);
}

Result<int64_t> SqliteStore::InsertEnforceTask(const enforce::Task& t) {
  Stmt& s = Prepare("INSERT INTO enforce_task(key, " CSE_TASK_COLUMNS
                    ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, t.key);
  BindTask(s, 2, t);
  RETURN_IF_ERROR(s.Run());
  return sqlite3_last_insert_rowid(db_);
}

Result<std::optional<enforce::Task>> SqliteStore::FindEnforceTaskByKey(std::string_view key) {
  Stmt& s = Prepare("SELECT id, key, " CSE_TASK_COLUMNS " FROM enforce_task WHERE key = ?");
  s.Bind(1, key);
  return FirstRow<enforce::Task>(s, ReadTask);
}

Status SqliteStore::UpdateEnforceTask(const enforce::Task& t) {
  Stmt& s = Prepare(
      "UPDATE enforce_task SET kind = ?, case_id = ?, obligor_id = ?, worker = ?, created = ?, "
      "follow_up = ?, flagged = ?, open = ?, priority = ?, risk_score = ?, "
      "amount_at_stake_cents = ?, deadline = ?, title = ?, message = ?, channel = ?, "
      "recommended = ?, key_factors = ?, action_id = ?, closed_date = ?, closed_reason = ? "
      "WHERE id = ?");
  BindTask(s, 1, t);
  s.Bind(21, t.id);
  RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) == 0) {
    return NotFound("task_not_found", "no task " + std::to_string(t.id));
  }
  return Status::Ok();
}

Result<std::vector<enforce::Task>> SqliteStore::ListOpenEnforceTasks(std::string_view worker) {
  Stmt& s = Prepare("SELECT id, key, " CSE_TASK_COLUMNS
                    " FROM enforce_task WHERE open = 1 AND (? = '' OR worker = ?) ORDER BY id");
  s.Bind(1, worker).Bind(2, worker);
  return CollectRows<enforce::Task>(s, ReadTask);
}

Result<std::vector<enforce::Task>> SqliteStore::ListEnforceTasksByObligor(PersonId id) {
  Stmt& s = Prepare("SELECT id, key, " CSE_TASK_COLUMNS
                    " FROM enforce_task WHERE obligor_id = ? ORDER BY id");
  s.Bind(1, id.value);
  return CollectRows<enforce::Task>(s, ReadTask);
}

Result<std::optional<enforce::BatchRun>> SqliteStore::GetBatchRun(std::string_view job,
                                                                  Date as_of) {
  Stmt& s = Prepare(
      "SELECT job, as_of, status, cursor, counts, started_at, finished_at FROM batch_run "
      "WHERE job = ? AND as_of = ?");
  s.Bind(1, job).Bind(2, as_of);
  return FirstRow<enforce::BatchRun>(s, ReadRun);
}

Result<std::optional<enforce::BatchRun>> SqliteStore::LastBatchRun(std::string_view job) {
  Stmt& s = Prepare(
      "SELECT job, as_of, status, cursor, counts, started_at, finished_at FROM batch_run "
      "WHERE job = ? ORDER BY as_of DESC LIMIT 1");
  s.Bind(1, job);
  return FirstRow<enforce::BatchRun>(s, ReadRun);
}

Status SqliteStore::PutBatchRun(const enforce::BatchRun& r) {
  return Prepare(
             "INSERT OR REPLACE INTO batch_run(job, as_of, status, cursor, counts, started_at, "
             "finished_at) VALUES (?,?,?,?,?,?,?)")
      .Bind(1, r.job)
      .Bind(2, r.as_of)
      .Bind(3, r.status)
      .Bind(4, r.cursor)
      .Bind(5, r.counts_json)
      .Bind(6, r.started_at)
      .Bind(7, r.finished_at)
      .Run();
}

Result<std::optional<enforce::ObligorState>> SqliteStore::GetObligorState(PersonId id) {
  Stmt& s = Prepare(
      "SELECT obligor_id, as_of, delinquent, delinquent_since, risk_score FROM "
      "enforce_obligor_state WHERE obligor_id = ?");
  s.Bind(1, id.value);
  return FirstRow<enforce::ObligorState>(s, ReadState);
}

Status SqliteStore::PutObligorState(const enforce::ObligorState& st) {
  return Prepare(
             "INSERT OR REPLACE INTO enforce_obligor_state(obligor_id, as_of, delinquent, "
             "delinquent_since, risk_score) VALUES (?,?,?,?,?)")
      .Bind(1, st.obligor.value)
      .Bind(2, st.as_of)
      .Bind(3, int64_t{st.delinquent ? 1 : 0})
      .Bind(4, st.delinquent_since)
      .Bind(5, int64_t{st.risk_score})
      .Run();
}

Result<enforce::EnforceRange> SqliteStore::LoadEnforceRange(PersonId first, PersonId last) {
  enforce::EnforceRange r;
  Stmt& states = Prepare(
      "SELECT obligor_id, as_of, delinquent, delinquent_since, risk_score FROM "
      "enforce_obligor_state WHERE obligor_id BETWEEN ? AND ? ORDER BY obligor_id");
  states.Bind(1, first.value).Bind(2, last.value);
  ASSIGN_OR_RETURN(r.states, CollectRows<enforce::ObligorState>(states, ReadState));
  Stmt& tasks = Prepare("SELECT id, key, " CSE_TASK_COLUMNS
                        " FROM enforce_task WHERE obligor_id BETWEEN ? AND ? "
                        "ORDER BY obligor_id, id");
  tasks.Bind(1, first.value).Bind(2, last.value);
  ASSIGN_OR_RETURN(r.tasks, CollectRows<enforce::Task>(tasks, ReadTask));
  Stmt& actions = Prepare("SELECT id, key, " CSE_ACTION_COLUMNS
                          " FROM enforce_action WHERE obligor_id BETWEEN ? AND ? "
                          "ORDER BY obligor_id, id");
  actions.Bind(1, first.value).Bind(2, last.value);
  ASSIGN_OR_RETURN(r.actions, CollectRows<Action>(actions, ReadAction));
  ASSIGN_OR_RETURN(r.contacts, LoadContactRange(first, last));
  return r;
}

#undef CSE_TASK_COLUMNS
#undef CSE_ACTION_COLUMNS

}  // namespace cse
