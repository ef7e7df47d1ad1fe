#!/usr/bin/env bash
# Load-tests createAppointment on the appointments subgraph, every request booking a distinct
# slot (100 doctor/patient pairs, each pair's bookings 30 minutes apart), after a 5 s warm-up:
#
# 1. saturation: 16 clients (CONNECTIONS) in a closed loop for DURATION: the most bookings/s
#    this machine gives, and p50/p99 at that ceiling;
# 2. fixed rate: each of RATES bookings/s (an open model: requests are sent on schedule
#    whether or not earlier ones have answered, so a stall shows in the latencies instead of
#    slowing the load) with at most 64 requests in flight, for DURATION: p50/p99/max, the
#    share of booking time spent in the two reference checks (span timings), and the lag
#    from a booking to its event on the topic (p50/p99).
# The load driver is vegeta fed by scripts/bench/load.py (scripts/bench-lib.sh); percentiles
# by scripts/bench/stats.py.
#
#   scripts/bench-appointments.sh                    # 30 s per run, RATES="500 1000"
#   DURATION=10s RATES=800 scripts/bench-appointments.sh
#   APPOINTMENTS_BIN=/tmp/appointments-953e3f4 scripts/bench-appointments.sh
#                                    # another build of appointments (an earlier commit's)
#
# Runs release builds of patients, doctors and appointments, unpinned: on two cores they share
# the machine with the load tool, MariaDB, PostgreSQL and Kafka.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

CONNECTIONS="${CONNECTIONS:-16}"
source scripts/bench-lib.sh
RATES="${RATES:-500 1000}"
PAIRS=100
TOPIC="bench-appointment-events-$(date +%s)"
LOGS="$(mktemp -d)"

scripts/infra.sh up
cargo build --release --locked -p patients -p doctors -p appointments --bins --examples

mariadb -h127.0.0.1 -upms -ppms -e "DROP DATABASE IF EXISTS bench_patients; CREATE DATABASE bench_patients;
  DROP DATABASE IF EXISTS bench_doctors; CREATE DATABASE bench_doctors;"
PGPASSWORD=pms psql -q -h 127.0.0.1 -U pms -d postgres -c "DROP DATABASE IF EXISTS bench_appointments WITH (FORCE)" -c "CREATE DATABASE bench_appointments"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$LOGS" "$BENCH_RESULTS"' EXIT
start() { # name port env...
  local name=$1 port=$2; shift 2
  local bin="$CARGO_TARGET_DIR/release/$name"
  if [[ $name == appointments ]]; then bin="${APPOINTMENTS_BIN:-$bin}"; fi
  env PORT="$port" RUST_LOG=warn "$@" "$bin" >"$LOGS/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "[bench] $name did not start:" >&2; cat "$LOGS/$name.log" >&2; exit 1
}
start patients 18180 PATIENTS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_patients PATIENTS_TOPIC=bench-patient-events
start doctors 18183 DOCTORS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_doctors DOCTORS_TOPIC=bench-doctor-events
start appointments 18184 APPOINTMENTS_DATABASE_URL=postgres://pms:pms@127.0.0.1:5432/bench_appointments \
  APPOINTMENTS_TOPIC="$TOPIC" PATIENTS_URL=http://127.0.0.1:18180/graphql DOCTORS_URL=http://127.0.0.1:18183/graphql \
  LOG_SPAN_TIMINGS=1 RUST_LOG=warn,appointments::references=info,appointments::service=info

echo "[bench] seeding $PAIRS patients and doctors"
seed_pairs bench_patients bench_doctors "$PAIRS" "$PAIRS" "$LOGS"
mv "$LOGS/all-patients.txt" "$LOGS/patients.txt"
mv "$LOGS/all-doctors.txt" "$LOGS/doctors.txt"
URL=http://127.0.0.1:18184/graphql
# Bookings of distinct slots from FIRST_DAY (days from today) on: scripts/bench/load.py.
bookings() { python3 scripts/bench/load.py bookings "$URL" "" "$LOGS/patients.txt" "$LOGS/doctors.txt" "$1"; }

echo "[bench] warming up for 5 s"
bookings 1 | attack warm-up "$CONNECTIONS" 0 5s >/dev/null
sleep 2

echo "[bench] saturation: $CONNECTIONS clients in a closed loop for $DURATION"
bookings 60 | attack saturation "$CONNECTIONS" 0 "$DURATION"

# The share of booking time the service spent in the two reference checks (span timings),
# from byte $1 of its log on.
check_share() {
  python3 - "$LOGS/appointments.log" "$1" <<'PY2'
import json, re, sys
log, offset = sys.argv[1], int(sys.argv[2])
units = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}
def ms(text):
    number, unit = re.fullmatch(r"([0-9.]+)\s*([a-zµ]+)", text).groups()
    return float(number) * units[unit]
totals = {}
with open(log, "rb") as handle:
    handle.seek(offset)
    for line in handle:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("message") != "close":
            continue
        name = record.get("span", {}).get("name")
        totals[name] = totals.get(name, 0.0) + ms(record["time.busy"]) + ms(record["time.idle"])
if totals.get("create"):
    print(f"[bench]   share of booking time in the two reference checks: {100 * totals.get('check', 0) / totals['create']:.0f}%")
PY2
}

seconds="${DURATION%s}"
first_day=120
for rate in $RATES; do
  "$CARGO_TARGET_DIR/release/examples/event_lag" "$TOPIC" "$((seconds + 5))" >"$LOGS/lag.txt" 2>"$LOGS/lag.log" &
  lag=$!
  for _ in $(seq 1 100); do grep -q ready "$LOGS/lag.log" 2>/dev/null && break; sleep 0.1; done
  sleep 1
  offset="$(stat -c %s "$LOGS/appointments.log")"
  echo "[bench] fixed rate: $rate bookings/s, at most $((4 * CONNECTIONS)) in flight, for $DURATION"
  bookings "$first_day" | attack "rate-$rate" "$CONNECTIONS" "$rate" "$DURATION"
  check_share "$offset"
  wait "$lag"
  python3 scripts/bench/stats.py values "commit-to-topic-$rate" "$BENCH_RESULTS" <"$LOGS/lag.txt"
  first_day=$((first_day + 60))
done
rows="$(PGPASSWORD=pms psql -tA -h 127.0.0.1 -U pms -d bench_appointments -c 'SELECT COUNT(*) FROM appointments')"
echo "[bench] appointments stored (warm-up included): $rows"
