#!/usr/bin/env bash
# bench/http: load the case endpoints of `opencse serve` with wrk from a second process on
# loopback, against a simulated caseload (default 100,000 cases), and print requests/s and
# latency percentiles. Usage: bench/http/run.sh [BIN] [CASES] [CONNECTIONS] [SECONDS] [THREADS]
# The database is built once under build/bench-http/ and reused while CASES is unchanged.
set -euo pipefail
BIN=${1:-build/opencse}
CASES=${2:-100000}
CONNS=${3:-200}
SECS=${4:-20}
THREADS=${5:-64}
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=build/bench-http
DB=$DIR/cases-$CASES.db
TODAY=2025-06-30
mkdir -p "$DIR"
cse() { "$BIN" --db "$DB" --today "$TODAY" --user bench "$@"; }
command -v wrk >/dev/null || { echo "bench/http: wrk is missing (make deps)" >&2; exit 1; }

if [ ! -f "$DB" ]; then
  echo "== simulating $CASES cases into $DB"
  rm -f "$DB.tmp" "$DB.tmp-wal" "$DB.tmp-shm"
  "$BIN" --db "$DB.tmp" --today "$TODAY" init >/dev/null
  "$BIN" --db "$DB.tmp" --today "$TODAY" simulate --cases "$CASES" --months 24 --seed 7 \
    --as-of "$TODAY" | tail -1
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

run() {
  local name=$1 token=$2 path=$3 script=${4:-}
  local args=(-t2 -c"$CONNS" -d"${SECS}s" --latency -H "Authorization: Bearer $token")
  [ -n "$script" ] && args+=(-s "$script")
  local out
  out=$(CASES=$CASES wrk "${args[@]}" "$URL$path")
  local rps p50 p99 errors
  rps=$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p')
  printf '%-44s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$name" "$rps" "$p50" "$p99" \
    "${errors:-0}"
}
run "GET /v1/cases (caseload page of 50)" "$TOKEN" "/v1/cases?limit=50"
run "GET /v1/cases/{random case} (admin)" "$ADMIN" "/v1/cases/1" "$HERE/random_case.lua"
run "GET /v1/cases/{random case}/arrears (admin)" "$ADMIN" "/v1/cases/1/arrears" \
  "$HERE/random_case.lua"
