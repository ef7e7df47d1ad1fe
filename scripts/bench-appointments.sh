#!/usr/bin/env bash
# Load-tests createAppointment on the appointments subgraph with wrk and reports:
#   bookings/s, p50/p99 latency, the share of booking time spent in the reference checks,
#   and the lag from a booking to its event on the topic (p50/p99), after a 5 s warm-up
#   (JIT of the broker, connection pools, topic metadata).
#
#   scripts/bench-appointments.sh            # 16 connections, 30 s
#   DURATION=10s scripts/bench-appointments.sh
#
# Runs release builds of patients, doctors and appointments (unpinned: on two cores they
# share the machine with wrk, MariaDB, PostgreSQL and Kafka). Every request books a distinct
# slot: 100 doctor/patient pairs, each pair's bookings 30 minutes apart.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-16}"
PAIRS=100
TOPIC="bench-appointment-events-$(date +%s)"
LOGS="$(mktemp -d)"

command -v wrk >/dev/null || { apt-get update -q >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
scripts/infra.sh up
cargo build --release --locked -p patients -p doctors -p appointments --bins --examples

mariadb -h127.0.0.1 -upms -ppms -e "DROP DATABASE IF EXISTS bench_patients; CREATE DATABASE bench_patients;
  DROP DATABASE IF EXISTS bench_doctors; CREATE DATABASE bench_doctors;"
PGPASSWORD=pms psql -q -h 127.0.0.1 -U pms -d postgres -c "DROP DATABASE IF EXISTS bench_appointments WITH (FORCE)" -c "CREATE DATABASE bench_appointments"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$LOGS"' EXIT
start() { # name port env...
  local name=$1 port=$2; shift 2
  env PORT="$port" RUST_LOG=warn "$@" "$CARGO_TARGET_DIR/release/$name" >"$LOGS/$name.log" 2>&1 &
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
mariadb -h127.0.0.1 -upms -ppms bench_patients -e "
  INSERT INTO patients (id, name, email, phone, registration_date)
  SELECT UNHEX(REPLACE(UUID(), '-', '')), CONCAT('Patient ', seq), CONCAT('p', seq, '@example.com'), '+1 555 0100', CURRENT_DATE
  FROM seq_1_to_$PAIRS;"
mariadb -h127.0.0.1 -upms -ppms bench_doctors -e "
  INSERT INTO doctors (id, name, specialization, phone_number, email, available, gender)
  SELECT UNHEX(REPLACE(UUID(), '-', '')), CONCAT('Dr. ', seq), 'CARDIOLOGY', '+1 555 0200', CONCAT('d', seq, '@clinic.org'), TRUE, 'FEMALE'
  FROM seq_1_to_$PAIRS;"
uuids() { # database table
  mariadb -N -h127.0.0.1 -upms -ppms "$1" -e "SELECT LOWER(CONCAT_WS('-', SUBSTR(HEX(id),1,8), SUBSTR(HEX(id),9,4),
    SUBSTR(HEX(id),13,4), SUBSTR(HEX(id),17,4), SUBSTR(HEX(id),21))) FROM $2 ORDER BY id" | sed 's/.*/"&",/' | tr -d '\n'
}

lua="$LOGS/book.lua"
cat > "$lua" <<LUA
local patients = { $(uuids bench_patients patients) }
local doctors = { $(uuids bench_doctors doctors) }
local n = 0
local failures = 0
-- Each run books its own days, so a measured run never meets the warm-up's slots.
local day0 = os.time() + 86400 * (1 + 60 * tonumber(os.getenv("RUN") or "0"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local pair = n % #doctors + 1
  local k = math.floor(n / #doctors)
  n = n + 1
  local date = os.date("!%Y-%m-%d", day0 + math.floor(k / 40) * 86400)
  local minutes = (k % 40) * 30
  local time = string.format("%02d:%02d", math.floor(minutes / 60), minutes % 60)
  local body = string.format('{"query":"mutation(\$i: CreateAppointmentInput!) { createAppointment(input: \$i) { id } }","variables":{"i":{"patientId":"%s","doctorId":"%s","date":"%s","time":"%s","serviceType":"CONSULTATION","durationMinutes":30}}}', patients[pair], doctors[pair], date, time)
  return wrk.format(nil, nil, nil, body)
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"') then
    failures = failures + 1
    if failures <= 3 then io.stderr:write(body .. "\n") end
  end
end
done = function(summary, latency, requests)
  io.write(string.format("failed bookings: %d\n", failures))
end
LUA

echo "[bench] warming up for 5 s"
RUN=0 wrk -t1 -c"$CONNECTIONS" -d5s -s "$lua" http://127.0.0.1:18184/graphql >/dev/null
sleep 2

seconds="${DURATION%s}"
"$CARGO_TARGET_DIR/release/examples/event_lag" "$TOPIC" "$((seconds + 5))" >"$LOGS/lag.out" 2>&1 &
lag=$!
for _ in $(seq 1 100); do grep -q ready "$LOGS/lag.out" 2>/dev/null && break; sleep 0.1; done
sleep 1

echo "[bench] createAppointment: $CONNECTIONS connections for $DURATION"
out="$(RUN=1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$lua" http://127.0.0.1:18184/graphql)"
printf 'bookings   %s/s   p50 %s   p99 %s   %s\n' \
  "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
  "$(awk '$1 == "99%" {print $2}' <<<"$out")" "$(grep 'failed bookings' <<<"$out")"
wait "$lag"
echo "[bench] commit to topic: $(tail -n 1 "$LOGS/lag.out")"
rows="$(PGPASSWORD=pms psql -tA -h 127.0.0.1 -U pms -d bench_appointments -c 'SELECT COUNT(*) FROM appointments')"
echo "[bench] appointments stored (warm-up included): $rows"

python3 - "$LOGS/appointments.log" <<'PY'
import json, re, sys
units = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}
def ms(text):
    number, unit = re.fullmatch(r"([0-9.]+)\s*([a-zµ]+)", text).groups()
    return float(number) * units[unit]
totals = {}
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        record = json.loads(line)
    except ValueError:
        continue
    if record.get("message") != "close":
        continue
    name = record.get("span", {}).get("name")
    totals[name] = totals.get(name, 0.0) + ms(record["time.busy"]) + ms(record["time.idle"])
if totals.get("create"):
    print(f"[bench] share of booking time in the reference checks: {100 * totals.get('check', 0) / totals['create']:.0f}%")
PY
