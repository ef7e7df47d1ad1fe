#!/usr/bin/env bash
# Measures the FHIR interface's cost over the GraphQL API it calls (release builds, on the
# two cores beside the load driver (vegeta), the router, three subgraphs, MariaDB, PostgreSQL and Kafka):
#   - `GET /fhir/Patient/{id}` against the router's `patient(id)` with the same fields;
#   - `GET /fhir/Appointment?patient=..&date=YYYY&_count=100` (one patient's year: 25
#     appointments) against the router's `appointments(patientId:, from:, to:, first: 100)`.
# Each request asks for one of 32 patients in turn, as many clients do (32 connections all
# asking for the same would be merged by the router in flight and measure that instead).
# Each pair runs alternately ROUNDS (3) times; the figure is the FHIR throughput over the
# GraphQL throughput and p99 against p99 (target: FHIR costs under 1.5x GraphQL).
#
#   scripts/bench-fhir.sh          # DURATION=20s CONNECTIONS=32 ROUNDS=3
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
DURATION="${DURATION:-20s}"
ROUNDS="${ROUNDS:-3}"

source scripts/bench-lib.sh
run="$(date +%s)"
LOGS="$(mktemp -d)"
scripts/infra.sh up
cargo build --release --locked --bin patients --bin doctors --bin appointments --bin router --bin fhir --bin pms-token
bin="$CARGO_TARGET_DIR/release"
export JWKS_FILE="$("$bin/pms-token" --jwks)"
# Measured as the front desk; seeded as the administrator (who registers doctors).
export TOKEN="$("$bin/pms-token" front-desk)"
ADMIN="$("$bin/pms-token" administrator)"
export AUDIT_TOPIC="bench-f-audit-$run"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$LOGS" "$BENCH_RESULTS"' EXIT

mariadb -h127.0.0.1 -upms -ppms -e "DROP DATABASE IF EXISTS bench_f_patients; CREATE DATABASE bench_f_patients; DROP DATABASE IF EXISTS bench_f_doctors; CREATE DATABASE bench_f_doctors"
PGPASSWORD=pms psql -q -h 127.0.0.1 -U pms -d postgres -c "DROP DATABASE IF EXISTS bench_f_appointments WITH (FORCE)" \
  -c "CREATE DATABASE bench_f_appointments" 2>/dev/null
PATIENTS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_f_patients PATIENTS_TOPIC="bench-f-patients-$run" \
  PORT=18380 RUST_LOG=warn "$bin/patients" >"$LOGS/patients.log" 2>&1 & pids+=($!); patients_pid=$!
DOCTORS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_f_doctors DOCTORS_TOPIC="bench-f-doctors-$run" \
  PORT=18383 RUST_LOG=warn "$bin/doctors" >"$LOGS/doctors.log" 2>&1 & pids+=($!)
APPOINTMENTS_DATABASE_URL=postgres://pms:pms@127.0.0.1:5432/bench_f_appointments APPOINTMENTS_TOPIC="bench-f-appointments-$run" \
  PATIENTS_URL=http://127.0.0.1:18380/graphql DOCTORS_URL=http://127.0.0.1:18383/graphql \
  PORT=18384 RUST_LOG=warn "$bin/appointments" >"$LOGS/appointments.log" 2>&1 & pids+=($!); appointments_pid=$!
for port in 18380 18383 18384; do
  for _ in $(seq 1 150); do curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.2; done
done

config="$LOGS/router.config.yaml"
sed -e "s|port: 4004|port: 14104|" -e "s|path: ../schema/supergraph.graphql|path: $ROOT/schema/supergraph.graphql|" \
    -e "s|port: 9090|port: 19190|" -e "s|level: info|level: warn|" router/router.config.yaml > "$config"
cat >> "$config" <<YAML
override_subgraph_urls:
  subgraphs:
    patients: { url: "http://127.0.0.1:18380/graphql" }
    doctors: { url: "http://127.0.0.1:18383/graphql" }
    appointments: { url: "http://127.0.0.1:18384/graphql" }
    billing: { url: "http://127.0.0.1:18381/graphql" }
    analytics: { url: "http://127.0.0.1:18382/graphql" }
YAML
export RATE_LIMIT_PER_SECOND=1000000 RATE_LIMIT_BURST=1000000
ROUTER_CONFIG_FILE_PATH="$config" "$bin/router" >"$LOGS/router.log" 2>&1 & pids+=($!); router_pid=$!
until curl -fsS http://127.0.0.1:14104/readiness >/dev/null 2>&1; do sleep 0.05; done
PORT=18390 FHIR_ROUTER_URL=http://127.0.0.1:14104/graphql RUST_LOG=warn "$bin/fhir" >"$LOGS/fhir.log" 2>&1 & pids+=($!); fhir_pid=$!
until curl -fsS http://127.0.0.1:18390/health >/dev/null 2>&1; do sleep 0.05; done

R=http://127.0.0.1:14104/graphql F=http://127.0.0.1:18390/fhir
gql() { curl -fsS "$R" -H 'content-type: application/json' -H "authorization: Bearer $ADMIN" -d "$1"; }
id_of() { sed -E 's/.*"id":"([^"]+)".*/\1/'; }
year="$(date -d '+1 year' +%Y)"
echo "[bench] seeding: 32 patients with 25 appointments each in $year, 20 doctors"
patients=() doctors=()
for n in $(seq 10 41); do
  patients+=("$(gql "{\"query\":\"mutation { createPatient(input: {name: \\\"Bench Patient $n\\\", email: \\\"bench$n@example.org\\\", phone: \\\"+1 555 00$n\\\", dateOfBirth: \\\"1980-01-31\\\", address: \\\"$n Main Street\\\"}) { id } }\"}" | id_of)")
done
ALL_WEEK="[$(for d in MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY; do
  printf '{weekday: %s, starts: \\"08:00\\", ends: \\"18:00\\"},' "$d"; done)]"
for n in $(seq 10 29); do
  doctors+=("$(gql "{\"query\":\"mutation { createDoctor(input: {name: \\\"Doctor $n\\\", email: \\\"d$n@clinic.org\\\", phoneNumber: \\\"+1 555 01$n\\\", specialization: CARDIOLOGY, gender: OTHER, weeklyHours: $ALL_WEEK}) { id } }\"}" | id_of)")
done
# Patient p's k-th appointment: doctor k mod 20, day 14k + p/20 of the year, at 08:00 plus
# 30 minutes times p mod 20; no doctor and no patient is booked twice at once.
for p in $(seq 0 31); do
  for k in $(seq 0 24); do
    day="$(date -d "$year-01-01 + $((14 * k + p / 20)) days" +%F)"
    time="$(printf '%02d:%02d' $((8 + (p % 20) / 2)) $((30 * (p % 2))))"
    gql "{\"query\":\"mutation { createAppointment(input: {patientId: \\\"${patients[$p]}\\\", doctorId: \\\"${doctors[$((k % 20))]}\\\", date: \\\"$day\\\", time: \\\"$time\\\", serviceType: CONSULTATION, durationMinutes: 30}) { id } }\"}" >/dev/null
  done
done

fields="id patientId doctorId date time serviceType durationMinutes startsAt endsAt status notes cancellationReason updatedAt"
one_each="$LOGS/patient.jsonl" year_each="$LOGS/year.jsonl"
fhir_one="$LOGS/patient.paths" fhir_year="$LOGS/year.paths"
# The GraphQL side sends the very operations the FHIR interface sends (fhir/src/resources).
for id in "${patients[@]}"; do
  echo "{\"query\":\"query(\$id: ID!) { patient(id: \$id) { id name archived email phone dateOfBirth address } }\",\"variables\":{\"id\":\"$id\"}}" >>"$one_each"
  echo "{\"query\":\"query(\$patient: ID, \$doctor: ID, \$status: AppointmentStatus, \$from: Date, \$to: Date, \$first: Int, \$after: String) { appointments(patientId: \$patient, doctorId: \$doctor, status: \$status, from: \$from, to: \$to, first: \$first, after: \$after) { totalCount pageInfo { hasNextPage endCursor } nodes { $fields } } }\",\"variables\":{\"patient\":\"$id\",\"doctor\":null,\"status\":null,\"from\":\"$year-01-01\",\"to\":\"$year-12-31\",\"first\":100,\"after\":null}}" >>"$year_each"
  echo "$F/Patient/$id" >>"$fhir_one"
  echo "$F/Appointment?patient=$id&date=$year&_count=100" >>"$fhir_year"
done
total="$(curl -fsS "$(head -n1 "$fhir_year")" -H "authorization: Bearer $TOKEN" | sed -E 's/.*"total":([0-9]+).*/\1/')"
[[ "$total" == 25 ]] || { echo "[bench] a year's search found $total appointments, not 25" >&2; exit 1; }

echo "[bench] $CONNECTIONS connections, $DURATION each, $ROUNDS rounds, everything on the same two cores"
declare -A rps p99
# measure KEY NAME KIND URL BODIES|URLS: one load run, its figures kept under KEY, with the CPU
# time each process spent per request.
measure() {
  local key=$1 name=$2 kind=$3 url=$4 body=$5
  local sets=(fhir=$fhir_pid router=$router_pid patients=$patients_pid appointments=$appointments_pid)
  cpu_mark "${sets[@]}"
  if [[ $kind == get ]]; then load_get "$name" "@$body"; else load_post "$name" "$url" "$body"; fi
  cpu_report "${sets[@]}"
  rps[$key]+=" $LOAD_RPS"; p99[$key]+=" $LOAD_P99_MS"
}
for round in $(seq 1 "$ROUNDS"); do
  measure gp "patient(id), GraphQL" post "$R" "@$one_each"
  measure fp "Patient/{id}, FHIR" get "" "$fhir_one"
  measure ga "a year's appointments, GraphQL" post "$R" "@$year_each"
  measure fa "Appointment?patient&date, FHIR" get "" "$fhir_year"
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for pair in "p:patient(id)" "a:a year's appointments"; do
  key="${pair%%:*}" name="${pair#*:}"
  printf "[bench] %s: GraphQL %s req/s p99 %s ms; FHIR %s req/s p99 %s ms; FHIR's cost %.2fx in throughput, %.2fx in p99 (medians of %s rounds)\n" \
    "$name" "$(median "${rps[g$key]}")" "$(median "${p99[g$key]}")" "$(median "${rps[f$key]}")" "$(median "${p99[f$key]}")" \
    "$(echo "$(median "${rps[g$key]}") / $(median "${rps[f$key]}")" | bc -l)" \
    "$(echo "$(median "${p99[f$key]}") / $(median "${p99[g$key]}")" | bc -l)" "$ROUNDS"
done
