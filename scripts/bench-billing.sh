#!/usr/bin/env bash
# Measures billing's consumer:
#   drain: 100,000 appointment-created events waiting in a topic, then billing started;
#          time until every bill exists (bills/s);
#   lag:   a steady 500 events/s for 20 s; lag from each event's time to its bill (p50/p99,
#          by scripts/bench/stats.py).
#
#   scripts/bench-billing.sh              # COUNT=100000 RATE=500 SECONDS=20
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

COUNT="${COUNT:-100000}"
RATE="${RATE:-500}"
STEADY_SECONDS="${SECONDS_STEADY:-20}"
run="$(date +%s)"
LOGS="$(mktemp -d)"
DB_URL="postgres://pms:pms@127.0.0.1:5432/bench_billing"

scripts/infra.sh up
cargo build --release --locked -p billing --bins --examples
replay="$CARGO_TARGET_DIR/release/examples/replay"

pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$LOGS"' EXIT
start_billing() { # topic
  PGPASSWORD=pms psql -q -h 127.0.0.1 -U pms -d postgres -c "DROP DATABASE IF EXISTS bench_billing WITH (FORCE)" -c "CREATE DATABASE bench_billing" 2>/dev/null
  BILLING_DATABASE_URL="$DB_URL" APPOINTMENTS_TOPIC="$1" BILLING_TOPIC="bench-billing-events-$run" \
    BILLING_CONSUMER_GROUP="bench-billing-$1" PORT=18181 RUST_LOG=warn \
    "$CARGO_TARGET_DIR/release/billing" >"$LOGS/billing.log" 2>&1 &
  pid=$!
}
bills() { PGPASSWORD=pms psql -tA -h 127.0.0.1 -U pms -d bench_billing -c "SELECT COUNT(*) FROM bills" 2>/dev/null || echo 0; }

topic="bench-drain-$run"
echo "[bench] producing $COUNT events"
"$replay" burst "$topic" "$COUNT"
start_billing "$topic"
started=$(date +%s.%N)
until [[ "$(bills)" -ge "$COUNT" ]]; do
  sleep 0.2
  kill -0 "$pid" 2>/dev/null || { cat "$LOGS/billing.log" >&2; exit 1; }
done
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
printf '[bench] drain: %s bills in %.1f s = %.0f bills/s (including start-up)\n' "$COUNT" "$elapsed" "$(echo "$COUNT / $elapsed" | bc -l)"
kill "$pid"; wait "$pid" 2>/dev/null || true

topic="bench-steady-$run"
start_billing "$topic"
for _ in $(seq 1 100); do curl -fsS http://127.0.0.1:18181/ready >/dev/null 2>&1 && break; sleep 0.2; done
echo "[bench] steady: $RATE events/s for $STEADY_SECONDS s"
"$replay" steady "$topic" "$RATE" "$STEADY_SECONDS" "$DB_URL" \
  | python3 scripts/bench/stats.py values event-to-bill "$LOGS"
