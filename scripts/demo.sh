#!/usr/bin/env bash
# `make demo`: creates the demo caseload with the simulator (5,000 synthetic IV-D cases with
# 24 months of history to 2025-06-30; invented names, SSNs in the never-issued 900-999 area),
# prints its calibration against national statistics, trains and evaluates the delinquency
# risk model, scores every obligor, prints a few ledgers, verifies the audit trail, runs the
# enforcement workflow (state rules, next best action, the nightly batch, a queue), then runs
# the hand-built command-line walk-through (scripts/walkthrough.sh).
# Deterministic: the same seed and date give the same database, byte for byte, except the
# staff users added at the end (generated passwords, random argon2id salts).
set -euo pipefail
BIN=${1:-build/opencse}
DIR=demo
DB=$DIR/demo.db
TODAY=2025-06-30
CASES=${DEMO_CASES:-5000}
mkdir -p "$DIR"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-access"* "$DIR/audit-anchor.json"
cse() { "$BIN" --db "$DB" --today "$TODAY" --user demo "$@"; }

echo "== Simulating $CASES cases (seed 7, 24 months to $TODAY) into $DB"
cse simulate --cases "$CASES" --months 24 --seed 7 --as-of "$TODAY" --report

echo
echo "== Delinquency risk model: train on the history, evaluate against baselines, fairness, drift"
cse model train --as-of "$TODAY"
cse model evaluate --drift-as-of "$TODAY"
echo
echo "== Risk scores (30-day horizon) with their key factors"
cse score --all --as-of "$TODAY"
cse score --case CASE-000001 --as-of "$TODAY"
cse score --case CASE-000042 --as-of "$TODAY"

echo
echo "== A never-assistance case and the obligor's balance across all cases"
cse ledger --case CASE-000001
echo
echo "== Audit trail, and an anchor of it to keep outside the database (docs/CLI.md audit anchor)"
cse audit verify
cse audit anchor --out "$DIR/audit-anchor.json"

echo
echo "== Staff users of the web app and API, one per role (passwords generated, shown once)"
OFFICE=$("$BIN" --db "$DB" --json ledger --case CASE-000001 --as-of "$TODAY" |
  sed -n 's/.*"county":"\([^"]*\)".*/\1/p' | head -1)
for role in caseworker supervisor attorney investigator accounting_technician admin; do
  case $role in caseworker|supervisor) office=(--office "$OFFICE") ;; *) office=() ;; esac
  cse user add --username "demo_$role" --role "$role" "${office[@]}"
done
echo "== Enforcement (docs/ENFORCEMENT.md): state rules, staff, next best action, the nightly batch"
# One staff identity: the users added above are the ones who approve on the CLI and in the web
# app; demo_admin loads the state rules, the nightly batch gives demo_caseworker the queue.
cse() { "$BIN" --db "$DB" --today "$TODAY" --user demo_admin "$@"; }
cse enforce config --load "$(dirname "$0")/../config/state.toml" >/dev/null
cse enforce learn --as-of "$TODAY" --from 2023-07-01 --evaluate-from 2024-12-31
# A little contact history (opencse contact log): the outreach channel is chosen from it.
for p in 1 3 5 7 9; do
  cse contact log --person "PRS-$(printf %06d "$p")" --channel email --outcome reached --date 2025-06-02 >/dev/null
  cse contact log --person "PRS-$(printf %06d "$p")" --channel sms --outcome no_answer --date 2025-06-09 >/dev/null
done
cse contact log --person PRS-000001 --channel phone --outcome opted_out --date 2025-06-10 >/dev/null
cse contact list --person PRS-000001
cse batch nightly --as-of "$TODAY"
cse queue --worker demo_caseworker --limit 3
cse recommend --case CASE-000042
cse enforce report | head -5

echo
echo "== Command-line walk-through on hand-built cases"
bash "$(dirname "$0")/walkthrough.sh" "$BIN"
echo
echo "Demo caseload: $DB (as of $TODAY). Try:"
echo "  $BIN --db $DB --today $TODAY ledger --case CASE-000042"
echo "  $BIN --db $DB simulate --report"
echo "  $BIN --db $DB serve --port 8080 --web web   # then http://127.0.0.1:8080/ (users above)"
echo "  $BIN --db $DB --today $TODAY queue --worker demo_caseworker"
echo "  $BIN --db $DB --today $TODAY action approve ACT-000001 --by demo_supervisor --reason \"...\""

# The web app on localhost, as the README promises: make demo ends by serving it until Ctrl-C.
# DEMO_SERVE=0 skips this (scripts and CI); DEMO_PORT picks another port.
if [ "${DEMO_SERVE:-1}" = 1 ]; then
  echo
  echo "== Serving the web app on http://127.0.0.1:${DEMO_PORT:-8080}/ (sign in as a demo user above; Ctrl-C stops it)"
  exec "$BIN" --db "$DB" --today "$TODAY" serve --port "${DEMO_PORT:-8080}" --web "$(dirname "$0")/../web"
fi
