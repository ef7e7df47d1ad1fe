#!/usr/bin/env bash
# Load-tests createAppointment on the appointments subgraph, every request booking a distinct
# slot (100 doctor/patient pairs, each pair's bookings 30 minutes apart), after a 5 s warm-up:
#
# 1. saturation: wrk, 16 connections in a closed loop for DURATION: the most bookings/s this
#    machine gives, and p50/p99 at that ceiling;
# 2. fixed rate: vegeta at each of RATES bookings/s (an open model: requests are sent on
#    schedule whether or not earlier ones have answered, so a stall shows in the latencies
#    instead of slowing the load) with at most 16 requests in flight, for DURATION: p50/p99/max,
#    the share of booking time spent in the two reference checks (span timings), and the
#    lag from a booking to its event on the topic (p50/p99).
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
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$LOGS" "$WRK_POST_LUA"' EXIT
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
mariadb -h127.0.0.1 -upms -ppms bench_patients -e "
  INSERT INTO patients (id, name, email, phone, registration_date)
  SELECT UNHEX(REPLACE(UUID(), '-', '')), CONCAT('Patient ', seq), CONCAT('p', seq, '@example.com'), '+1 555 0100', CURRENT_DATE
  FROM seq_1_to_$PAIRS;"
mariadb -h127.0.0.1 -upms -ppms bench_doctors -e "
  INSERT INTO doctors (id, name, specialization, phone_number, email, available, gender)
  SELECT UNHEX(REPLACE(UUID(), '-', '')), CONCAT('Dr. ', seq), 'CARDIOLOGY', '+1 555 0200', CONCAT('d', seq, '@clinic.org'), TRUE, 'FEMALE'
  FROM seq_1_to_$PAIRS;
  -- Every doctor works around the clock, every day: the bookings spread over all hours, and
  -- every one is still checked against the hours.
  INSERT INTO weekly_hours (doctor_id, valid_from) SELECT id, '2000-01-01' FROM doctors;
  INSERT INTO weekly_intervals (doctor_id, valid_from, weekday, starts_minute, ends_minute)
  SELECT id, '2000-01-01', seq, 0, 1440 FROM doctors CROSS JOIN seq_1_to_7;"
uuids() { # database table
  mariadb -N -h127.0.0.1 -upms -ppms "$1" -e "SELECT LOWER(CONCAT_WS('-', SUBSTR(HEX(id),1,8), SUBSTR(HEX(id),9,4),
    SUBSTR(HEX(id),13,4), SUBSTR(HEX(id),17,4), SUBSTR(HEX(id),21))) FROM $2 ORDER BY id"
}
uuids bench_patients patients >"$LOGS/patients.txt"
uuids bench_doctors doctors >"$LOGS/doctors.txt"
lua_list() { sed 's/.*/"&",/' "$1" | tr -d '\n'; }

lua="$LOGS/book.lua"
cat > "$lua" <<LUA
local patients = { $(lua_list "$LOGS/patients.txt") }
local doctors = { $(lua_list "$LOGS/doctors.txt") }
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

echo "[bench] saturation: wrk, $CONNECTIONS connections in a closed loop for $DURATION"
out="$(RUN=1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$lua" http://127.0.0.1:18184/graphql)"
printf '[bench]   %s bookings/s   p50 %s   p99 %s   %s\n' \
  "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
  "$(awk '$1 == "99%" {print $2}' <<<"$out")" "$(grep 'failed bookings' <<<"$out")"

# Reports a fixed-rate run: vegeta's results (latency, status, body) and the span timings the
# service logged from byte $2 of its log on.
report() { # results log-offset
  python3 - "$1" "$LOGS/appointments.log" "$2" <<'PY'
import base64, json, re, sys
results, log, offset = sys.argv[1], sys.argv[2], int(sys.argv[3])
latencies, failed, sample = [], 0, None
for line in open(results, encoding="utf-8"):
    result = json.loads(line)
    latencies.append(result["latency"] / 1e6)
    body = base64.b64decode(result.get("body") or b"").decode("utf-8", "replace")
    if result["code"] != 200 or '"errors"' in body or result.get("error"):
        failed += 1
        sample = sample or (result.get("error") or body)
latencies.sort()
at = lambda q: latencies[round((len(latencies) - 1) * q)]
print(f"[bench]   {len(latencies)} bookings   p50 {at(0.5):.2f} ms   p99 {at(0.99):.2f} ms"
      f"   max {latencies[-1]:.2f} ms   failed bookings: {failed}")
if sample:
    print(f"[bench]   a failure: {sample[:300]}")
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
PY
}

seconds="${DURATION%s}"
run=2
for rate in $RATES; do
  # Targets for vegeta: one distinct slot per request, on days of this run's own.
  python3 - "$rate" "$seconds" "$run" "$LOGS/patients.txt" "$LOGS/doctors.txt" >"$LOGS/targets.json" <<'PY'
import base64, datetime, json, sys
rate, seconds, run = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
patients = open(sys.argv[4]).read().split()
doctors = open(sys.argv[5]).read().split()
day0 = datetime.date.today() + datetime.timedelta(days=1 + 60 * run)
query = "mutation($i: CreateAppointmentInput!) { createAppointment(input: $i) { id } }"
for n in range(rate * (seconds + 1)):
    pair, k = n % len(doctors), n // len(doctors)
    minutes = (k % 40) * 30
    booking = {"patientId": patients[pair], "doctorId": doctors[pair],
               "date": (day0 + datetime.timedelta(days=k // 40)).isoformat(),
               "time": f"{minutes // 60:02d}:{minutes % 60:02d}",
               "serviceType": "CONSULTATION", "durationMinutes": 30}
    body = json.dumps({"query": query, "variables": {"i": booking}}).encode()
    print(json.dumps({"method": "POST", "url": "http://127.0.0.1:18184/graphql",
                      "header": {"Content-Type": ["application/json"]},
                      "body": base64.b64encode(body).decode()}))
PY
  "$CARGO_TARGET_DIR/release/examples/event_lag" "$TOPIC" "$((seconds + 5))" >"$LOGS/lag.out" 2>&1 &
  lag=$!
  for _ in $(seq 1 100); do grep -q ready "$LOGS/lag.out" 2>/dev/null && break; sleep 0.1; done
  sleep 1
  offset="$(stat -c %s "$LOGS/appointments.log")"
  echo "[bench] fixed rate: vegeta, $rate bookings/s, at most $CONNECTIONS in flight, for $DURATION"
  "$VEGETA" attack -format=json -targets="$LOGS/targets.json" -rate="$rate/1s" -duration="$DURATION" \
    -workers="$CONNECTIONS" -max-workers="$CONNECTIONS" | "$VEGETA" encode --to=json >"$LOGS/results.json"
  report "$LOGS/results.json" "$offset"
  wait "$lag"
  echo "[bench]   commit to topic: $(tail -n 1 "$LOGS/lag.out")"
  run=$((run + 1))
done
rows="$(PGPASSWORD=pms psql -tA -h 127.0.0.1 -U pms -d bench_appointments -c 'SELECT COUNT(*) FROM appointments')"
echo "[bench] appointments stored (warm-up included): $rows"
