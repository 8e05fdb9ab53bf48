// File: enforce/nightly.h
//
// The nightly batch (`opencse batch nightly --as-of DATE`, docs/ENFORCEMENT.md "Nightly
// batch") and the payment event. For every obligor, in id order and in chunks (one
// transaction each):
//   1. accrue: the ledger as of the date (arrears, buckets, delinquency);
//   2. detect new delinquencies: delinquent now and not at the obligor's last run
//      (enforce_obligor_state keeps the date delinquency began: the legal deadline counts
//      from it);
//   3. score every active obligor with the active model and record the score with its key
//      factors (as many as `opencse score` gives);
//   4. write tasks: risk above workflow.outreach_risk_above -> a "Proactive Outreach" task
//      (personalized message, channel from the contact history, follow-up date after
//      workflow.follow_up_days); delinquent -> ranked recommendations awaiting approval and a
//      review task per case. Open outreach tasks are closed when a payment satisfied them and
//      flagged when their follow-up date passed without one; one whose channel the person has
//      since opted out of (or that bounced) gets the channel the history now favors (count
//      "outreach_rechanneled"). A remedy a person dismissed recently is not recommended again
//      (eligibility.h HeldBackByDismissal);
//   5. keep the obligor's open review tasks and deadline alerts true to its actions
//      (workflow.h RefreshTask): closed when nothing they are about awaits a decision,
//      re-pointed to the case's undecided recommendations (counts "review_tasks_closed",
//      "review_tasks_repointed", "alerts_closed"); and every open task's amount at stake and
//      risk score true to the obligor's figures as of the date (workflow.h RefreshStake:
//      arrears, monthly support, the run's score), each changed task written once in the
//      chunk's transaction (count "tasks_refreshed").
//   Before step 3, for every obligor (active or not): its open outreach tasks on a closed
//   case are closed and its open actions on one withdrawn ("withdrawn_ineligible").
//   Every task goes to a caseworker whose office holds the case, or to nobody when the office
//   has no active caseworker (workflow.h TaskAssignment, read once per run); first, the
//   obligor's open tasks whose worker's caseload does not hold their case are moved so
//   (count "tasks_reassigned").
// After the last chunk: deadline alerts for open actions whose legal deadline is within
// workflow.alert_before_days or passed, for notices whose contest window is over and for
// contests whose review is due (keys workflow.h CaseAlertKey, ActionAlertKey), staking the
// obligor's figures as this run found them (RefreshStake). An open alert
// stands for its situation; one whose situation recurs after its alert was closed is raised
// again (RaisedAgainKey, count "alerts_raised_again"); a "near" alert is closed once the
// "passed" one stands for the same deadline.
//
// Nothing substantive is executed: recommendations wait for a person (action_service.h).
// Idempotent: a date already done answers its stored counts and writes nothing; every task
// and action has a unique key. Resumable: each chunk commits with the last obligor done
// (batch_run.cursor); a run for the same date picks up after it. A date before the last
// run's, or a new date while an earlier run is unfinished, is refused.
//
// A delinquent obligor with an open recommendation nobody has decided yet (state
// recommended) that eligibility no longer supports on the date (e.g. "paid_recently" after a
// payment whose payment event never ran: an import stopped before its enforcement pass) has
// its moot actions withdrawn as a payment event would (EnforcementService::WithdrawMoot;
// count "withdrawn_ineligible").
//
// Thread-safety: one run per store. Two runs started together (two processes) are not
// interleaved: each transaction first checks that the stored run is still the one this run
// last read or wrote; the run that finds another's commit stops with aborted
// "batch_running", having written nothing more.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "ai/risk_model.h"
#include "enforce/action_service.h"
#include "service/import.h"  // WritePacer

namespace cse::enforce {

struct NightlyOptions {
  Date as_of;
  const ai::RiskScorer* scorer = nullptr;  // nullptr: no scores, no outreach (rules only)
  int64_t obligors_per_chunk = 2'000;      // Default: 2,000 per transaction
  // Reader threads that read and prepare chunks ahead of the writer (records, features,
  // scores, key factors), each on its own connection from `open_reader` (the same database
  // file). 0 or no `open_reader` (e.g. an in-memory store): the writer reads too.
  int reader_threads = 2;  // Default: 2 (the machine's cores)
  std::function<Result<std::unique_ptr<Store>>()> open_reader;
  // Stop after this many chunks, leaving the run unfinished (tests and time-boxed runs);
  // 0: no limit.
  int64_t max_chunks = 0;
  std::function<void(const std::string&)> progress;
};

struct NightlyReport {
  Date as_of;
  bool already_done = false;  // the date was done before: nothing written
  bool resumed = false;       // picked up an unfinished run
  bool finished = false;
  std::map<std::string, int64_t> counts;  // obligors, active, scored, high_risk, ...
  std::map<std::string, double> seconds;  // per stage
};

// Errors: failed_precondition "batch_date_before_last_run", "batch_previous_unfinished";
// invalid_argument "date_in_future"; aborted "batch_running" (another run wrote since this
// one started: run again once it is done); the store's and the services'.
Result<NightlyReport> RunNightly(Store& store, const Clock& clock, const std::string& actor,
                                 const NightlyOptions& options);

// The effects of a payment on the workflow, run after it is posted: re-scores the obligor
// (when a model is given), closes the open outreach tasks the payments since they were
// created satisfy (reaching the amount the task asked for), withdraws recommendations the
// payment makes moot (closing or re-pointing the review tasks and alerts about them), and
// sets every open task's amount at stake and risk score from the obligor's figures as of the
// event (workflow.h RefreshStake; a person's score override in force counts), writing only
// the tasks that changed. One audit row "enforce.payment_event" with the counts. A payment that
// makes the obligor current sets its delinquency state not delinquent and keeps the day the
// delinquency began (`delinquent_since`, which no reader counts while the state is not
// delinquent and the next nightly run clears), so that a reversal puts it back
// (OnPaymentReversed).
struct PaymentEffects {
  std::optional<ai::RiskScore> risk;
  int64_t tasks_closed = 0;
  int64_t tasks_refreshed = 0;  // open tasks whose amount at stake or risk score changed
  std::vector<Action> withdrawn;
  // A reversal only (OnPaymentReversed): outreach tasks reopened, the start of the delinquency
  // whose state it set again, and the recommendations it recorded.
  int64_t tasks_reopened = 0;
  std::optional<Date> delinquency_restored;
  std::vector<Action> recommended;
};
Result<PaymentEffects> OnPaymentPosted(Store& store, const Clock& clock, const std::string& actor,
                                       const ai::RiskScorer* scorer, CaseId case_id, Date date);

// The `enforcement` object of a payment event, as `opencse post-payment`, `reverse-payment` and
// POST /v1/payments answer it: {"risk_score_100" (null without a scorer), "outreach_tasks_closed",
// "tasks_refreshed", "withdrawn" (ACT ids), "outreach_tasks_reopened", "delinquency_restored"
// (the start date, else null), "recommended" (ACT ids; these three a reversal's only: 0, null
// and [] for a payment), "model_unusable" ("code: message" of an active model that could not be
// used, else null)}.
Json PaymentEffectsJson(const PaymentEffects& e, const Status& unusable);

// The effects of a payment reversal (returned / NSF) on the workflow, run after it is
// committed, in one transaction: what the reversed payment's own event did is undone where the
// history after the reversal no longer supports it, and the obligor's figures move back:
//   - the obligor is re-scored (when a model is given);
//   - the outreach task the payment had satisfied is reopened: one closed "payment received"
//     with the payment received between its creation and its closing, on an open case, that
//     the payments since its creation no longer satisfy (PaidSince as of the event); at most
//     one, and none while another outreach task is open. A task closed for another reason or by
//     a person stays closed (`tasks_reopened`);
//   - the delinquency state is set again when the state says not delinquent, the ledger after
//     the reversal is delinquent and with the payment it would not be: from the start the
//     payment's event kept (no nightly run since: the same delinquency, its legal deadline and
//     any dismissal's hold unchanged), else as of the event, by the nightly run's rule
//     (`delinquency_restored`);
//   - when a payment event withdrew (reason "payment posted") on or after the payment's date a
//     recommendation whose remedy is eligible again, the obligor delinquent, fresh
//     recommendations are recorded by the nightly run's step for the obligor (keys
//     "reversal:<date>:<case>:<remedy>", a review task per case; nothing a recent dismissal
//     holds back, none while some await a decision): a withdrawn action stays withdrawn, so a
//     person's decision on it is never undone (`recommended`); the review tasks and alerts
//     then follow the obligor's actions;
//   - every open task's amount at stake and risk score are set from the figures as of the later
//     of `date` (the reversal's) and today (RefreshStake; a person's score override in force
//     counts), writing only the tasks that changed (`tasks_refreshed`).
// `tasks_closed` and `withdrawn` stay empty. One audit row "enforce.reversal_event" with the
// counts, the reversed key, each reopened task with what it was closed with, and the reason
// "payment reversed: <key>". Before 2026-12-05 a reversal left the tasks staked on the reversed
// payment, and (until the next nightly run) what its event closed or withdrew. `key` is the
// reversed collection's idempotency key; the event is about its case's obligor. Errors:
// not_found "collection_not_found", "case_not_found"; the store's.
Result<PaymentEffects> OnPaymentReversed(Store& store, const Clock& clock, const std::string& actor,
                                         const ai::RiskScorer* scorer, const std::string& key,
                                         Date date);

// The same after a bulk import committed: once per obligor the `posted` payments (case,
// date) belong to, as of the obligor's latest payment date (or today, when later), the
// reference data read once. The obligors' histories are read, their features extracted and
// their scores computed kPaymentEventsPerCommit at a time, outside any transaction; then
// their events are written, each in a savepoint of its own, in transactions that commit
// once they have held the write lock for `pacing.commit_after` (or at the end of the
// group). Once the lock has been held that long, at least `pacing.pause` passes before the
// next transaction (WritePacer, service/import.h), so that other writers (the server,
// another command) get it: their busy handler retries every 100 ms, and back-to-back
// transactions left them gaps of a few milliseconds, which they missed until their 5 s
// timeout refused them (store_busy).
// A store error stops the pass, rolls back the obligors of its transaction and is returned
// (the payments stay posted; the next nightly run catches up).
inline constexpr int64_t kPaymentEventsPerCommit = 256;  // read and scored together, at most
                                                         // this many per transaction
struct PaymentEventPacing {
  std::chrono::milliseconds commit_after = kWriterHold;  // Default: 150 ms holding the lock
  std::chrono::milliseconds pause = kWriterPause;        // Default: 110 ms for other writers
};
struct BulkPaymentEffects {
  int64_t obligors = 0;
  int64_t rescored = 0;
  int64_t tasks_closed = 0;
  int64_t tasks_refreshed = 0;
  int64_t withdrawn = 0;
  int64_t transactions = 0;   // committed
  double paused_seconds = 0;  // slept between transactions (work between them counts first)
};
Result<BulkPaymentEffects> OnPaymentsPosted(Store& store, const Clock& clock,
                                            const std::string& actor, const ai::RiskScorer* scorer,
                                            const std::vector<std::pair<CaseId, Date>>& posted,
                                            const PaymentEventPacing& pacing = {});

// ---- The queue (docs/ENFORCEMENT.md "Queue"): the one selection and order of `opencse queue`
// and GET /v1/queue.

// Whose tasks a queue holds.
struct QueueScope {
  std::string worker;  // the open tasks assigned to this staff user
  // The caseload: "" for a role not limited to an office (every case); otherwise only the
  // tasks of the office's cases (Store::CaseOffice), so a task whose case moved to another
  // office leaves the queue at once, before the nightly run reassigns it.
  std::string office;
  // Also the office's tasks no caseworker holds (worker "": the office has no active
  // caseworker): a supervisor's queue (docs/ENFORCEMENT.md "Nightly batch").
  bool unassigned = false;
};

struct QueueItem {
  Task task;  // its priority set for the day (QueuePriority)
  // False for a review task or deadline alert the nightly run would close on its actions as
  // they stand (TaskPending): kept in the order (a page cursor may name it), not listed.
  bool listed = true;
};

// The open tasks of `scope` on `today`, most urgent first (SortQueue, workflow.h). Reads the
// worker's open tasks (and every open task when `unassigned`), the office's case ids once, and
// the actions of each case of a review task or alert once. No worker (""): only the
// unassigned tasks, if asked for. Errors: the store's.
Result<std::vector<QueueItem>> LoadTaskQueue(Store& store, const QueueScope& scope, Date today);

}  // namespace cse::enforce
