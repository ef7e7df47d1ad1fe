#!/usr/bin/env bash
# Measures analytics:
#   ingest:    about 100,000 mixed events of a clinic's year (bookings, outcomes, bills,
#              payments, registrations) waiting in the topics, then analytics started; time
#              until every event is stored and counted (events/s, start-up included);
#   dashboard: `dashboard` over that whole year, 32 connections for 30 s (p50/p99), with
#              the server on CPU 0 and the load driver on CPU 1.
#
#   scripts/bench-analytics.sh          # COUNT=100000 DURATION=30s CONNECTIONS=32
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

COUNT="${COUNT:-100000}"
source scripts/bench-lib.sh
PORT="${BENCH_PORT:-18182}"
MONGO_URL="${TEST_MONGO_URL:-mongodb://127.0.0.1:27017}"
run="$(date +%s)"
DB="bench_analytics_$run"
URL="http://127.0.0.1:$PORT/graphql"

scripts/infra.sh up
cargo build --release --locked -p analytics --bins --examples
load="$CARGO_TARGET_DIR/release/examples/load"

prefix="bench-analytics-$run"
echo "[bench] producing about $COUNT events"
produced="$("$load" burst "$prefix" "$COUNT")"

ANALYTICS_MONGO_URL="$MONGO_URL" ANALYTICS_DATABASE="$DB" ANALYTICS_CONSUMER_GROUP="$prefix" \
  PATIENTS_TOPIC="$prefix-patients" DOCTORS_TOPIC="$prefix-doctors" \
  APPOINTMENTS_TOPIC="$prefix-appointments" BILLING_TOPIC="$prefix-billing" \
  PORT="$PORT" RUST_LOG="${RUST_LOG:-warn}" taskset -c 0 "$CARGO_TARGET_DIR/release/analytics" >/tmp/pms-bench-analytics.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; "$load" drop "$MONGO_URL" "$DB" || true' EXIT
started=$(date +%s.%N)
"$load" wait "$prefix" "$prefix"
until curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; do sleep 0.1; done
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
printf '[bench] ingest: %s events in %.1f s = %.0f events/s (including start-up)\n' \
  "$produced" "$elapsed" "$(echo "$produced / $elapsed" | bc -l)"

body='{"query":"{ dashboard(from: \"2025-01-01\", to: \"2025-12-31\") { patientsRegistered appointmentsBooked appointmentsCompleted appointmentsCancelled noShows noShowRate revenueBilled revenuePaid revenueOutstanding } }"}'
sleep 2
echo "[bench] dashboard over 2025: $(curl -fsS "$URL" -H 'content-type: application/json' -d "$body")"
VEGETA_PREFIX=(taskset -c 1)
load_post "dashboard over 2025" "$URL" "$body"
echo "[bench] peak RSS of the server: $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)"
rm -rf "$BENCH_RESULTS"
