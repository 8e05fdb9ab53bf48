#include "storage/sqlite/migrations.h"

#include <algorithm>

namespace cse::sqlite {

namespace {

std::vector<Migration> AllMigrations() {
  std::vector<Migration> all{
      {1, R"sql(
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE ledger_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO ledger_generation VALUES (1, 0);
CREATE TABLE person (
  id INTEGER PRIMARY KEY,
  ssn TEXT NOT NULL DEFAULT '',
  first_name TEXT NOT NULL,
  middle_name TEXT NOT NULL DEFAULT '',
  last_name TEXT NOT NULL,
  dob TEXT,
  line1 TEXT NOT NULL DEFAULT '',
  line2 TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT '',
  zip TEXT NOT NULL DEFAULT '',
  county TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX person_ssn ON person(ssn) WHERE ssn <> '';
CREATE TABLE iv_d_case (
  id INTEGER PRIMARY KEY,
  obligor_id INTEGER NOT NULL REFERENCES person(id),
  obligee_id INTEGER NOT NULL REFERENCES person(id),
  case_type TEXT NOT NULL,
  status TEXT NOT NULL,
  family_violence INTEGER NOT NULL,
  opened TEXT NOT NULL,
  county TEXT NOT NULL DEFAULT ''
);
CREATE INDEX iv_d_case_obligor ON iv_d_case(obligor_id);
CREATE TABLE case_child (
  case_id INTEGER NOT NULL REFERENCES iv_d_case(id),
  child_id INTEGER NOT NULL REFERENCES person(id),
  PRIMARY KEY (case_id, child_id)
);
CREATE TABLE support_order (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES iv_d_case(id),
  obligation_type TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  frequency TEXT NOT NULL,
  effective_date TEXT NOT NULL,
  end_date TEXT,
  judgment_cents INTEGER NOT NULL DEFAULT 0,
  CHECK (end_date IS NULL OR end_date >= effective_date)
);
CREATE INDEX support_order_case ON support_order(case_id);
CREATE TABLE order_child_term (
  order_id INTEGER NOT NULL REFERENCES support_order(id),
  child_id INTEGER NOT NULL REFERENCES person(id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  end_date TEXT,
  PRIMARY KEY (order_id, child_id)
);
CREATE TABLE assistance_episode (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES iv_d_case(id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  monthly_grant_cents INTEGER NOT NULL CHECK (monthly_grant_cents > 0)
);
CREATE INDEX assistance_episode_case ON assistance_episode(case_id);
CREATE TABLE employer (
  id INTEGER PRIMARY KEY,
  fein TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  line1 TEXT NOT NULL DEFAULT '',
  line2 TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT '',
  zip TEXT NOT NULL DEFAULT ''
);
CREATE TABLE employment (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES person(id),
  employer_id INTEGER NOT NULL REFERENCES employer(id),
  start_date TEXT NOT NULL,
  end_date TEXT,
  pay_cycle TEXT NOT NULL,
  gross_per_period_cents INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX employment_person ON employment(person_id);
CREATE TABLE collection (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  case_id INTEGER NOT NULL REFERENCES iv_d_case(id),
  obligor_id INTEGER NOT NULL REFERENCES person(id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  received_date TEXT NOT NULL,
  source TEXT NOT NULL,
  posted_at TEXT NOT NULL,
  posted_by TEXT NOT NULL,
  reversed_date TEXT,
  reversal_reason TEXT NOT NULL DEFAULT '',
  to_family_cents INTEGER NOT NULL,
  to_state_cents INTEGER NOT NULL,
  to_federal_cents INTEGER NOT NULL,
  held_cents INTEGER NOT NULL,
  lines TEXT NOT NULL
);
CREATE INDEX collection_obligor ON collection(obligor_id);
CREATE TABLE distribution_history (
  id INTEGER PRIMARY KEY,
  collection_id INTEGER NOT NULL REFERENCES collection(id),
  superseded_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  to_family_cents INTEGER NOT NULL,
  to_state_cents INTEGER NOT NULL,
  to_federal_cents INTEGER NOT NULL,
  held_cents INTEGER NOT NULL,
  lines TEXT NOT NULL
);
CREATE INDEX distribution_history_collection ON distribution_history(collection_id);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER distribution_history_no_update BEFORE UPDATE ON distribution_history
  BEGIN SELECT RAISE(ABORT, 'distribution history is append-only'); END;
CREATE TRIGGER distribution_history_no_delete BEFORE DELETE ON distribution_history
  BEGIN SELECT RAISE(ABORT, 'distribution history is append-only'); END;
)sql"},
      {2, R"sql(
CREATE TABLE case_event (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES person(id),
  case_id INTEGER REFERENCES iv_d_case(id),
  event_date TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_event_person ON case_event(person_id);
CREATE TABLE county_economy (
  county TEXT NOT NULL,
  month TEXT NOT NULL,
  economic_index INTEGER NOT NULL,
  unemployment_bps INTEGER NOT NULL CHECK (unemployment_bps BETWEEN 0 AND 10000),
  PRIMARY KEY (county, month)
) WITHOUT ROWID;
CREATE TABLE sim_run (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  params TEXT NOT NULL
);
CREATE TABLE sim_truth_month (
  obligor_id INTEGER NOT NULL,
  month_end TEXT NOT NULL,
  employed INTEGER NOT NULL,
  incarcerated INTEGER NOT NULL,
  propensity_bps INTEGER NOT NULL,
  wage_monthly_cents INTEGER NOT NULL,
  monthly_support_cents INTEGER NOT NULL,
  arrears_cents INTEGER NOT NULL,
  due_next_cents INTEGER NOT NULL,
  paid_next_cents INTEGER NOT NULL,
  delinquent_next_30 INTEGER NOT NULL,
  PRIMARY KEY (obligor_id, month_end)
) WITHOUT ROWID;
CREATE TABLE sim_truth_person (
  person_id INTEGER PRIMARY KEY,
  role TEXT NOT NULL,
  demographic_group TEXT NOT NULL
);
)sql"},
      {3, R"sql(
CREATE TABLE risk_model (
  version TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  data_as_of TEXT NOT NULL,
  train_from TEXT NOT NULL,
  train_to TEXT NOT NULL,
  calibration_from TEXT NOT NULL,
  calibration_to TEXT NOT NULL,
  test_from TEXT NOT NULL,
  test_to TEXT NOT NULL,
  data_hash TEXT NOT NULL,
  params TEXT NOT NULL,
  metrics TEXT NOT NULL,
  features TEXT NOT NULL,
  booster TEXT NOT NULL,
  calibrator TEXT NOT NULL,
  tiers TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
) WITHOUT ROWID;
CREATE UNIQUE INDEX risk_model_one_active ON risk_model(active) WHERE active = 1;
CREATE TABLE risk_score (
  id INTEGER PRIMARY KEY,
  obligor_id INTEGER NOT NULL REFERENCES person(id),
  case_id INTEGER REFERENCES iv_d_case(id),
  as_of TEXT NOT NULL,
  model_version TEXT NOT NULL REFERENCES risk_model(version),
  features_hash TEXT NOT NULL,
  probability REAL NOT NULL CHECK (probability >= 0 AND probability <= 1),
  score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 100),
  tier TEXT NOT NULL,
  confidence REAL NOT NULL,
  features TEXT NOT NULL,
  key_factors TEXT NOT NULL,
  scored_at TEXT NOT NULL
);
CREATE INDEX risk_score_obligor ON risk_score(obligor_id, as_of);
)sql"},
      // The obligor index of `collection` covers the columns the batch reads take
      // (LoadObligorRange: scoring, training, drift, the nightly batch), so reading a range
      // of obligors' payments walks the index alone instead of looking up every row in the
      // table (docs/ARCHITECTURE.md, storage). It replaces the narrower index, which answered
      // the same lookups.
      {4, R"sql(
CREATE INDEX collection_obligor_history ON collection(obligor_id, id, case_id, amount_cents,
  received_date, source, reversed_date);
DROP INDEX collection_obligor;
)sql"},
      // The audit rows of one action (Store::ScanAuditByAction: the score overrides in the
      // supervisor's review report) without reading the whole trail (1.1 GB for 100,000
      // simulated cases).
      {5, R"sql(
CREATE INDEX audit_action ON audit(action, seq);
)sql"},
      // A person's cases as obligee or child (the family-violence rule follows the person:
      // PartiesOfFamilyViolenceCases; the obligor already had iv_d_case_obligor).
      {6, R"sql(
CREATE INDEX iv_d_case_obligee ON iv_d_case(obligee_id);
CREATE INDEX case_child_child ON case_child(child_id);
)sql"},
      // A judgment's accrual period (Order::judgment_accrued_from/through; ValidateOrder's
      // rules, kept by the CHECK too): both NULL on every existing row, which keeps the
      // judgment classified by its effective date as before (docs/ARCHITECTURE.md §5.2).
      {7, R"sql(
ALTER TABLE support_order ADD COLUMN judgment_accrued_from TEXT;
ALTER TABLE support_order ADD COLUMN judgment_accrued_through TEXT
  CHECK ((judgment_accrued_from IS NULL) = (judgment_accrued_through IS NULL) AND
         (judgment_accrued_through IS NULL OR
          (judgment_accrued_from <= judgment_accrued_through AND
           judgment_accrued_through <= effective_date AND judgment_cents > 0)));
)sql"},
      // Case closure, 45 CFR 303.11 (service/case_closure.h): a case's pending notice of
      // intent to close (closed_date NULL) or its closure. The CHECKs keep the reason a code,
      // the note short, and a closure at least 60 calendar days after its notice.
      {8, R"sql(
CREATE TABLE case_closure (
  case_id INTEGER PRIMARY KEY REFERENCES iv_d_case(id),
  notice_date TEXT NOT NULL
    CHECK (notice_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  reason TEXT NOT NULL
    CHECK (length(reason) BETWEEN 1 AND 40 AND reason NOT GLOB '*[^a-z0-9_]*'),
  note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  closed_date TEXT
    CHECK (closed_date IS NULL OR
           (closed_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]' AND
            closed_date >= date(notice_date, '+60 days')))
);
)sql"},
      // ---- 300-399: employer and federal interfaces (src/iwo, src/formats) ----
      {300, R"sql(
CREATE TABLE iwo (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES iv_d_case(id),
  obligor_id INTEGER NOT NULL REFERENCES person(id),
  employer_id INTEGER NOT NULL REFERENCES employer(id),
  employment_id INTEGER REFERENCES employment(id),
  -- CHECKs on value lists are spelled with OR: SQLite builds an ephemeral table for an IN list
  -- of more than two constants on every row inserted.
  kind TEXT NOT NULL CHECK (kind = 'original' OR kind = 'amended' OR kind = 'lump_sum' OR
                            kind = 'termination'),
  status TEXT NOT NULL CHECK (status = 'pending' OR status = 'sent' OR status = 'acknowledged'
                              OR status = 'rejected' OR status = 'ended'),
  source TEXT NOT NULL,
  entry_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  sent_date TEXT,
  current_monthly_cents INTEGER NOT NULL CHECK (current_monthly_cents >= 0),
  arrears_monthly_cents INTEGER NOT NULL CHECK (arrears_monthly_cents >= 0),
  arrears_over_12_weeks INTEGER NOT NULL CHECK (arrears_over_12_weeks IN (0, 1)),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  CHECK (due_date >= entry_date)
);
-- "Active" = pending, sent or acknowledged (two inequalities, not an IN list: see above).
CREATE UNIQUE INDEX iwo_one_active ON iwo(case_id, employer_id)
  WHERE status <> 'rejected' AND status <> 'ended';
CREATE INDEX iwo_status_due ON iwo(status, due_date);
CREATE TABLE newhire_review (
  id INTEGER PRIMARY KEY,
  file TEXT NOT NULL,
  record_number INTEGER NOT NULL,
  candidate_id INTEGER NOT NULL REFERENCES person(id),
  reported_ssn TEXT NOT NULL,
  reported_name TEXT NOT NULL,
  reported_dob TEXT,
  employer_id INTEGER NOT NULL REFERENCES employer(id),
  hire_date TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'open' OR status = 'confirmed' OR status = 'dismissed'),
  created_at TEXT NOT NULL
);
CREATE INDEX newhire_review_status ON newhire_review(status, id);
CREATE UNIQUE INDEX newhire_review_once ON newhire_review(candidate_id, employer_id, hire_date);
CREATE INDEX person_name_dob
  ON person(last_name COLLATE NOCASE, first_name COLLATE NOCASE, dob);
)sql"},
      // ---- 310-399: employer remittances and e-IWO (src/iwo, src/formats; issue 7) ----
      {310, R"sql(
CREATE TABLE unidentified_payment (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  employer_fein TEXT NOT NULL,
  pay_date TEXT NOT NULL,
  ssn TEXT NOT NULL,
  case_ref TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  reason TEXT NOT NULL,
  file TEXT NOT NULL,
  line_number INTEGER NOT NULL,
  received_date TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'held'),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX unidentified_payment_status ON unidentified_payment(status, id);
-- Money is never dropped: a held line cannot be deleted (resolution will change its status).
CREATE TRIGGER unidentified_payment_no_delete BEFORE DELETE ON unidentified_payment
BEGIN SELECT RAISE(ABORT, 'unidentified_payment rows are never deleted'); END;
)sql"},
      // ---- 320-329: e-IWO files out and employer acknowledgments in (src/iwo, src/formats;
      // issue 7, docs/EIWO.md) ----
      // The iwo table is rebuilt (SQLite cannot change a CHECK in place): status `acknowledged`
      // becomes `accepted` (an employer's acknowledgment can also reject), and the columns of the
      // e-IWO exchange are added. Nothing references iwo(id) before this migration.
      {320, R"sql(
CREATE TABLE iwo_320 (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES iv_d_case(id),
  obligor_id INTEGER NOT NULL REFERENCES person(id),
  employer_id INTEGER NOT NULL REFERENCES employer(id),
  employment_id INTEGER REFERENCES employment(id),
  kind TEXT NOT NULL CHECK (kind = 'original' OR kind = 'amended' OR kind = 'lump_sum' OR
                            kind = 'termination'),
  status TEXT NOT NULL CHECK (status = 'pending' OR status = 'sent' OR status = 'accepted'
                              OR status = 'rejected' OR status = 'ended'),
  source TEXT NOT NULL,
  entry_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  sent_date TEXT,
  current_monthly_cents INTEGER NOT NULL CHECK (current_monthly_cents >= 0),
  arrears_monthly_cents INTEGER NOT NULL CHECK (arrears_monthly_cents >= 0),
  arrears_over_12_weeks INTEGER NOT NULL CHECK (arrears_over_12_weeks IN (0, 1)),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  -- e-IWO: the batch and file control numbers the IWO was sent under (set with sent_date).
  control_number TEXT,
  file_control_number TEXT,
  -- The employer's acknowledgment: its date, and for a rejection the reason code and text.
  ack_date TEXT,
  ack_reason_code TEXT NOT NULL DEFAULT '',
  ack_reason TEXT NOT NULL DEFAULT '',
  CHECK (due_date >= entry_date),
  CHECK ((status = 'pending') = (sent_date IS NULL) OR status = 'ended'),
  CHECK (control_number IS NULL OR sent_date IS NOT NULL)
);
INSERT INTO iwo_320 (id, case_id, obligor_id, employer_id, employment_id, kind, status, source,
                     entry_date, due_date, sent_date, current_monthly_cents,
                     arrears_monthly_cents, arrears_over_12_weeks, created_at, created_by)
  SELECT id, case_id, obligor_id, employer_id, employment_id, kind,
         CASE status WHEN 'acknowledged' THEN 'accepted' ELSE status END, source, entry_date,
         due_date, CASE WHEN status <> 'pending' AND sent_date IS NULL THEN entry_date
                        WHEN status = 'pending' THEN NULL ELSE sent_date END,
         current_monthly_cents, arrears_monthly_cents, arrears_over_12_weeks, created_at,
         created_by
  FROM iwo;
DROP TABLE iwo;
ALTER TABLE iwo_320 RENAME TO iwo;
CREATE UNIQUE INDEX iwo_one_active ON iwo(case_id, employer_id)
  WHERE status <> 'rejected' AND status <> 'ended';
CREATE INDEX iwo_status_due ON iwo(status, due_date);
CREATE INDEX iwo_control ON iwo(control_number) WHERE control_number IS NOT NULL;
-- The control number sequence: one row, only ever moving forward.
CREATE TABLE eiwo_sequence (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  next_value INTEGER NOT NULL CHECK (next_value >= 1)
);
INSERT INTO eiwo_sequence VALUES (1, 1);
CREATE TRIGGER eiwo_sequence_forward BEFORE UPDATE ON eiwo_sequence
  WHEN NEW.next_value <= OLD.next_value
BEGIN SELECT RAISE(ABORT, 'the e-IWO control number sequence never moves back'); END;
CREATE TRIGGER eiwo_sequence_no_delete BEFORE DELETE ON eiwo_sequence
BEGIN SELECT RAISE(ABORT, 'the e-IWO control number sequence is never deleted'); END;
-- Every control number ever handed out (FACTS 1.3: never reused): reserved before the file is
-- written, then used (the file was written and its IWOs marked sent) or void (the export
-- failed or was abandoned; the number stays burned).
CREATE TABLE eiwo_control_number (
  control_number TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind = 'file' OR kind = 'batch'),
  file_control_number TEXT NOT NULL,
  employer_fein TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'reserved' OR status = 'used' OR status = 'void'),
  details INTEGER NOT NULL DEFAULT 0,
  path TEXT NOT NULL DEFAULT '',
  reserved_at TEXT NOT NULL,
  closed_at TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX eiwo_control_status ON eiwo_control_number(status, seq);
CREATE TRIGGER eiwo_control_no_delete BEFORE DELETE ON eiwo_control_number
BEGIN SELECT RAISE(ABORT, 'e-IWO control numbers are never deleted'); END;
CREATE TRIGGER eiwo_control_final BEFORE UPDATE ON eiwo_control_number
  WHEN OLD.status <> 'reserved' OR NEW.control_number <> OLD.control_number
    OR NEW.seq <> OLD.seq
BEGIN SELECT RAISE(ABORT, 'a used or void e-IWO control number never changes'); END;
)sql"},
      // ---- 330-339: payments in (src/iwo; issue 7): held payments can be resolved ----
      // unidentified_payment is rebuilt: a CHECK cannot be altered in SQLite, and status may
      // now be 'resolved'. A resolved row is final (trigger); rows are still never deleted.
      {330, R"sql(
CREATE TABLE unidentified_payment_v330 (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  employer_fein TEXT NOT NULL,
  pay_date TEXT NOT NULL,
  ssn TEXT NOT NULL,
  case_ref TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  reason TEXT NOT NULL,
  file TEXT NOT NULL,
  line_number INTEGER NOT NULL,
  received_date TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'held' OR status = 'resolved'),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  resolution TEXT NOT NULL DEFAULT '' CHECK (resolution = '' OR resolution = 'posted' OR
                                             resolution = 'refunded'),
  resolved_case_id INTEGER REFERENCES iv_d_case(id),
  collection_key TEXT NOT NULL DEFAULT '',
  resolved_at TEXT NOT NULL DEFAULT '',
  resolved_by TEXT NOT NULL DEFAULT '',
  resolution_reason TEXT NOT NULL DEFAULT '',
  CHECK ((status = 'held') = (resolution = '')),
  CHECK (status = 'held' OR (resolved_at <> '' AND resolved_by <> '' AND
                             resolution_reason <> '')),
  CHECK (resolution <> 'posted' OR (resolved_case_id IS NOT NULL AND collection_key <> ''))
);
INSERT INTO unidentified_payment_v330(id, idempotency_key, employer_fein, pay_date, ssn,
  case_ref, amount_cents, reason, file, line_number, received_date, status, created_at,
  created_by)
SELECT id, idempotency_key, employer_fein, pay_date, ssn, case_ref, amount_cents, reason, file,
  line_number, received_date, status, created_at, created_by FROM unidentified_payment;
DROP TRIGGER unidentified_payment_no_delete;
DROP TABLE unidentified_payment;
ALTER TABLE unidentified_payment_v330 RENAME TO unidentified_payment;
CREATE INDEX unidentified_payment_status ON unidentified_payment(status, id);
CREATE TRIGGER unidentified_payment_no_delete BEFORE DELETE ON unidentified_payment
BEGIN SELECT RAISE(ABORT, 'unidentified_payment rows are never deleted'); END;
CREATE TRIGGER unidentified_payment_resolved_final BEFORE UPDATE ON unidentified_payment
WHEN OLD.status <> 'held'
BEGIN SELECT RAISE(ABORT, 'a resolved unidentified payment is final'); END;
)sql"},
      // New-hire reviews are decided (confirmed or dismissed) with who, when and why; final.
      {331, R"sql(
ALTER TABLE newhire_review ADD COLUMN decided_at TEXT NOT NULL DEFAULT '';
ALTER TABLE newhire_review ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE newhire_review ADD COLUMN decision_reason TEXT NOT NULL DEFAULT '';
CREATE TRIGGER newhire_review_decided_final BEFORE UPDATE ON newhire_review
WHEN OLD.status <> 'open'
BEGIN SELECT RAISE(ABORT, 'a decided new-hire review is final'); END;
)sql"},
      // ---- 340-349: ending an IWO (src/iwo/iwo_terminate.h; docs/ARCHITECTURE.md §12) ----
      // An ended IWO carries its end date, reason and note; a termination notice (kind
      // 'termination') names the IWO it ends. The one-active index is recreated so that a
      // termination notice, pending or sent, is not an active withholding order (a rehire by the
      // same employer gets a new IWO). Value lists are ORs, not IN lists (migration 300).
      {340, R"sql(
ALTER TABLE iwo ADD COLUMN end_date TEXT CHECK ((status = 'ended') = (end_date IS NOT NULL));
ALTER TABLE iwo ADD COLUMN end_reason TEXT NOT NULL DEFAULT '' CHECK (
  end_reason = '' OR end_reason = 'employment_ended' OR end_reason = 'order_ended' OR
  end_reason = 'case_closed' OR end_reason = 'obligor_request_court' OR end_reason = 'other');
ALTER TABLE iwo ADD COLUMN end_note TEXT NOT NULL DEFAULT '';
ALTER TABLE iwo ADD COLUMN terminates_iwo_id INTEGER REFERENCES iwo(id)
  CHECK ((kind = 'termination') = (terminates_iwo_id IS NOT NULL));
DROP INDEX iwo_one_active;
CREATE UNIQUE INDEX iwo_one_active ON iwo(case_id, employer_id)
  WHERE status <> 'rejected' AND status <> 'ended' AND kind <> 'termination';
CREATE UNIQUE INDEX iwo_one_termination ON iwo(terminates_iwo_id)
  WHERE terminates_iwo_id IS NOT NULL;
)sql"},
      // ---- 350-359: new-hire re-runs (src/iwo/newhire.h): every IWO of a case with an
      // employer, whatever its status, for Store::HasIwoForHire (iwo_one_active holds only the
      // active ones) ----
      {350, R"sql(
CREATE INDEX iwo_case_employer ON iwo(case_id, employer_id);
)sql"},
      // ---- http/auth (versions 100-199): staff users, sessions, API tokens, the access log of
      // person reads, and the case office assignment that scopes a caseworker's caseload.
      {100, R"sql(
CREATE TABLE app_user (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('caseworker', 'supervisor', 'attorney', 'investigator',
                                     'accounting_technician', 'admin')),
  office TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
  locked_until_us INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at TEXT NOT NULL
);
CREATE TABLE app_session (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  csrf_token TEXT NOT NULL,
  created_us INTEGER NOT NULL,
  expires_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX app_session_expiry ON app_session(expires_us);
CREATE TABLE api_token (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('caseworker', 'supervisor', 'attorney', 'investigator',
                                     'accounting_technician', 'admin')),
  office TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE TABLE access_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  person_id INTEGER NOT NULL REFERENCES person(id),
  case_id INTEGER REFERENCES iv_d_case(id),
  route TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX access_log_person ON access_log(person_id, id);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TABLE case_assignment (
  case_id INTEGER PRIMARY KEY REFERENCES iv_d_case(id),
  office TEXT NOT NULL
);
)sql"},
      // ---- Enforcement (src/enforce/, versions 200-299) ----
      {200, R"sql(
CREATE TABLE enforce_action (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  case_id INTEGER NOT NULL REFERENCES iv_d_case(id),
  obligor_id INTEGER NOT NULL REFERENCES person(id),
  remedy TEXT NOT NULL,
  original_remedy TEXT,
  state TEXT NOT NULL,
  source TEXT NOT NULL,
  rank INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  amount_at_stake_cents INTEGER NOT NULL,
  model_version TEXT NOT NULL,
  features_hash TEXT NOT NULL,
  confidence REAL NOT NULL,
  risk_score INTEGER NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
  expected_effect REAL NOT NULL,
  rationale TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  decided_at TEXT NOT NULL DEFAULT '',
  decided_by TEXT NOT NULL DEFAULT '',
  decision_reason TEXT NOT NULL DEFAULT '',
  notice_date TEXT,
  contest_deadline TEXT,
  issued_date TEXT,
  closed_date TEXT,
  legal_deadline TEXT,
  last_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enforce_action_case ON enforce_action(case_id);
CREATE INDEX enforce_action_obligor ON enforce_action(obligor_id);
CREATE TABLE staff_user (
  user_id TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) WITHOUT ROWID;
)sql"},
      {201, R"sql(
CREATE TABLE enforce_task (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  case_id INTEGER REFERENCES iv_d_case(id),
  obligor_id INTEGER NOT NULL REFERENCES person(id),
  worker TEXT NOT NULL,
  created TEXT NOT NULL,
  follow_up TEXT,
  flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
  open INTEGER NOT NULL CHECK (open IN (0, 1)),
  priority REAL NOT NULL,
  risk_score INTEGER NOT NULL,
  amount_at_stake_cents INTEGER NOT NULL,
  deadline TEXT,
  title TEXT NOT NULL,
  message TEXT NOT NULL,
  channel TEXT NOT NULL,
  recommended TEXT NOT NULL,
  key_factors TEXT NOT NULL,
  action_id INTEGER NOT NULL,
  closed_date TEXT,
  closed_reason TEXT NOT NULL
);
CREATE INDEX enforce_task_open ON enforce_task(open, worker);
CREATE INDEX enforce_task_obligor ON enforce_task(obligor_id);
CREATE TABLE batch_run (
  job TEXT NOT NULL,
  as_of TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done')),
  cursor INTEGER NOT NULL,
  counts TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  PRIMARY KEY (job, as_of)
) WITHOUT ROWID;
CREATE TABLE enforce_obligor_state (
  obligor_id INTEGER PRIMARY KEY REFERENCES person(id),
  as_of TEXT NOT NULL,
  delinquent INTEGER NOT NULL CHECK (delinquent IN (0, 1)),
  delinquent_since TEXT,
  risk_score INTEGER NOT NULL
);
)sql"},
      {202, R"sql(
ALTER TABLE enforce_action ADD COLUMN contest_filed TEXT;
ALTER TABLE enforce_action ADD COLUMN review_deadline TEXT;
ALTER TABLE enforce_action ADD COLUMN contest_outcome TEXT NOT NULL DEFAULT '';
)sql"},
      // ---- Enforcement: contact history for the outreach channel (versions 203-219) ----
      {203, R"sql(
CREATE TABLE contact_attempt (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES person(id),
  channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'phone')),
  date TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'bounced', 'opted_out')),
  note TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX contact_attempt_person ON contact_attempt(person_id, date);
)sql"},
      // ---- http/auth (versions 101-119): case notes, written by staff on the case page and
      // with `opencse case note add`; append-only (a correction is a new note).
      {101, R"sql(
CREATE TABLE case_note (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES iv_d_case(id),
  author TEXT NOT NULL,
  at TEXT NOT NULL,
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000)
);
CREATE INDEX case_note_case ON case_note(case_id, id);
CREATE TRIGGER case_note_no_update BEFORE UPDATE ON case_note
BEGIN SELECT RAISE(ABORT, 'case_note is append-only'); END;
CREATE TRIGGER case_note_no_delete BEFORE DELETE ON case_note
BEGIN SELECT RAISE(ABORT, 'case_note is append-only'); END;
)sql"},
      // An office's caseload (ListCasesInOffice, ListCaseIdsInOffice: the caseload list and
      // the dashboard queue) is read through these two instead of a scan of every case.
      {102, R"sql(
CREATE INDEX iv_d_case_county ON iv_d_case(county, id);
CREATE INDEX case_assignment_office ON case_assignment(office, case_id);
)sql"},
      // The access log moves to a file of its own (storage/sqlite/access_log_db.h);
      // SqliteStore::MoveAccessLogOut copies the old table's rows there before this drops it.
      {103, R"sql(
DROP TABLE IF EXISTS access_log;
)sql"},
  };
  // Subsystems own version ranges (docs/ARCHITECTURE.md §storage) so that work on several
  // of them can proceed at once; the runner applies them in ascending order.
  std::sort(all.begin(), all.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return all;
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = AllMigrations();
  return kMigrations;
}

}  // namespace cse::sqlite
