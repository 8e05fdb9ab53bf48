#!/usr/bin/env bash
# bench/http: load the case endpoints of `opencse serve` with wrk from a second process on
# loopback, against a simulated caseload (default 100,000 cases), and print requests/s and
# latency percentiles, with the machine's load average (the machine is shared).
# Usage: bench/http/run.sh [BIN] [CASES] [CONNECTIONS] [SECONDS] [THREADS]
# The database is built once under build/bench-http/ and reused while CASES is unchanged:
# simulate (24 months), train the risk model, load the state rules, add a caseworker and an
# admin, and run the nightly batch so the caseworker has a queue (100,000 cases: about 25
# minutes on a busy machine). ENDPOINTS (default all) picks a subset: a space-separated list
# of queue, cases, case, arrears.
set -euo pipefail
BIN=${1:-build/opencse}
CASES=${2:-100000}
CONNS=${3:-200}
SECS=${4:-20}
THREADS=${5:-256}
ENDPOINTS=${ENDPOINTS:-queue cases case arrears}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=build/bench-http
DB=$DIR/cases-$CASES.db
TODAY=2025-06-30
mkdir -p "$DIR"
cse() { "$BIN" --db "$DB" --today "$TODAY" --user bench "$@"; }
command -v wrk >/dev/null || { echo "bench/http: wrk is missing (make deps)" >&2; exit 1; }

if [ ! -f "$DB" ]; then
  echo "== simulating $CASES cases into $DB"
  rm -f "$DB.tmp" "$DB.tmp-wal" "$DB.tmp-shm" "$DB.tmp-access"*
  "$BIN" --db "$DB.tmp" --today "$TODAY" init >/dev/null
  "$BIN" --db "$DB.tmp" --today "$TODAY" simulate --cases "$CASES" --months 24 --seed 7 \
    --as-of "$TODAY" | tail -1
  tmp() { "$BIN" --db "$DB.tmp" --today "$TODAY" --user bench "$@"; }
  echo "== training the risk model, running the nightly batch"
  tmp model train --as-of "$TODAY" | tail -1
  OFFICE=$(tmp --json ledger --case CASE-000001 | sed -n 's/.*"county":"\([^"]*\)".*/\1/p' |
    head -1)
  echo "bench-password-123" |
    tmp user add --username bench_caseworker --role caseworker --office "$OFFICE" --password-stdin
  tmp enforce config --load "$HERE/../../config/state.toml" >/dev/null
  tmp enforce learn --as-of "$TODAY" --from 2023-07-01 --evaluate-from 2024-12-31 | tail -1
  tmp batch nightly --as-of "$TODAY" | tail -1
  for f in "$DB.tmp-access"*; do [ -e "$f" ] && mv "$f" "$DB${f#"$DB.tmp"}"; done
  mv "$DB.tmp" "$DB"
fi
TOKEN_NAME="bench-$(date +%s%N)"
TOKEN=$(cse --json token add --name "$TOKEN_NAME" --role supervisor --office \
  "$(cse --json ledger --case CASE-000001 | sed -n 's/.*"county":"\([^"]*\)".*/\1/p' | head -1)" |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
ADMIN=$(cse --json token add --name "$TOKEN_NAME-admin" --role admin |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')

PORT_FILE=$(mktemp)
"$BIN" --db "$DB" --today "$TODAY" serve --port 0 --threads "$THREADS" >"$PORT_FILE" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -f "$PORT_FILE"' EXIT
for _ in $(seq 50); do
  grep -q listening "$PORT_FILE" && break
  sleep 0.1
done
URL=$(sed -n 's/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p' "$PORT_FILE")
echo "== $URL, $THREADS server threads, wrk: $CONNS connections, 2 threads, ${SECS}s each"
# The access log grows by every run (about 200 MB, 3-4 million rows, per full run on 100,000
# cases) in segment files of access_log.segment_rows rows; the live segment's size is what
# changes the results (docs/API.md, Performance): print both.
if ls "$DB-access"* >/dev/null 2>&1; then
  LIVE=$(cse --json access-log files | sed 's/},{/}\n{/g' | grep '"sealed":false' |
    sed -n 's/.*"rows":\([0-9]*\).*/\1/p')
  echo "== access log: $(du -ch "$DB-access"* | tail -1 | cut -f1) in" \
    "$(cse --json access-log files | grep -o '"segment":' | wc -l) segment files," \
    "the live one ${LIVE:-0} rows"
fi
COOKIE=$(curl -s -i -H 'Content-Type: application/json' \
  -d '{"username":"bench_caseworker","password":"bench-password-123"}' "$URL/v1/session" |
  sed -n 's/^Set-Cookie: \(opencse_session=[0-9a-f]*\).*/\1/p')
[ -n "$COOKIE" ] || { echo "bench/http: bench_caseworker cannot sign in" >&2; exit 1; }

run() {
  local name=$1 auth=$2 path=$3 script=${4:-}
  local args=(-t2 -c"$CONNS" -d"${SECS}s" --latency -H "$auth")
  [ -n "$script" ] && args+=(-s "$script")
  # Warm-up, untimed: one request fills the server's caches (the queue's first load takes
  # about 0.5 s on a quiet machine, and every connection would wait for it), and a 2 s run
  # lets every connection settle, so the timed run measures the steady state. The first
  # request's time is printed on its own.
  local first
  first=$(curl -s -o /dev/null -w '%{time_total}' -H "$auth" "$URL$path")
  CASES=$CASES wrk "${args[@]/-d${SECS}s/-d2s}" "$URL$path" >/dev/null
  local out
  out=$(CASES=$CASES wrk "${args[@]}" "$URL$path")
  local rps p50 p99 errors
  rps=$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p')
  # Requests wrk gave up on (timeouts) are not in its latency percentiles: count them.
  local socket
  socket=$(echo "$out" | sed -n 's/.*Socket errors: *\(.*\)/\1/p')
  local load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  printf '%-44s %9s req/s  p50 %8s  p99 %8s  non-2xx %s  socket errors %s  first %ss  load %s\n' \
    "$name" "$rps" "$p50" "$p99" "${errors:-0}" "${socket:-none}" "$first" "$load"
}
for e in $ENDPOINTS; do
  case $e in
    queue) run "GET /v1/queue (caseworker session, 50 items)" "Cookie: $COOKIE" \
      "/v1/queue?limit=50" ;;
    cases) run "GET /v1/cases (caseload page of 50)" "Authorization: Bearer $TOKEN" \
      "/v1/cases?limit=50" ;;
    case) run "GET /v1/cases/{random case} (admin)" "Authorization: Bearer $ADMIN" "/v1/cases/1" \
      "$HERE/random_case.lua" ;;
    arrears) run "GET /v1/cases/{random}/arrears (admin)" "Authorization: Bearer $ADMIN" \
      "/v1/cases/1/arrears" "$HERE/random_case.lua" ;;
    *) echo "bench/http: unknown endpoint $e" >&2; exit 1 ;;
  esac
done
