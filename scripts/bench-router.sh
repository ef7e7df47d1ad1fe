#!/usr/bin/env bash
# Measures the router against the subgraphs it fronts (release builds, unpinned on the two
# cores beside wrk, MariaDB, PostgreSQL and Kafka):
#   - `patient(id)`: directly on the patients subgraph, then through the router;
#   - a page of 20 appointments with patient, doctor and bill (four subgraphs) through the
#     router, and the appointments-only page directly on the subgraph for reference;
#   - the router's time from start to ready, and its peak RSS.
#
#   scripts/bench-router.sh          # DURATION=30s CONNECTIONS=32
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

source scripts/bench-lib.sh
run="$(date +%s)"
LOGS="$(mktemp -d)"
scripts/infra.sh up
cargo build --release --locked --bin patients --bin doctors --bin appointments --bin billing --bin router
bin="$CARGO_TARGET_DIR/release"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$LOGS" "$WRK_POST_LUA"' EXIT
mariadb -h127.0.0.1 -upms -ppms -e "DROP DATABASE IF EXISTS bench_r_patients; CREATE DATABASE bench_r_patients; DROP DATABASE IF EXISTS bench_r_doctors; CREATE DATABASE bench_r_doctors"
for db in bench_r_appointments bench_r_billing; do
  PGPASSWORD=pms psql -q -h 127.0.0.1 -U pms -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" 2>/dev/null
done
PATIENTS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_r_patients PATIENTS_TOPIC="bench-r-patients-$run" \
  PORT=18280 RUST_LOG=warn "$bin/patients" >"$LOGS/patients.log" 2>&1 & pids+=($!)
DOCTORS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_r_doctors DOCTORS_TOPIC="bench-r-doctors-$run" \
  PORT=18283 RUST_LOG=warn "$bin/doctors" >"$LOGS/doctors.log" 2>&1 & pids+=($!)
APPOINTMENTS_DATABASE_URL=postgres://pms:pms@127.0.0.1:5432/bench_r_appointments APPOINTMENTS_TOPIC="bench-r-appointments-$run" \
  PATIENTS_URL=http://127.0.0.1:18280/graphql DOCTORS_URL=http://127.0.0.1:18283/graphql \
  PORT=18284 RUST_LOG=warn "$bin/appointments" >"$LOGS/appointments.log" 2>&1 & pids+=($!)
BILLING_DATABASE_URL=postgres://pms:pms@127.0.0.1:5432/bench_r_billing BILLING_TOPIC="bench-r-billing-$run" \
  APPOINTMENTS_TOPIC="bench-r-appointments-$run" BILLING_CONSUMER_GROUP="bench-r-$run" \
  PORT=18281 RUST_LOG=warn "$bin/billing" >"$LOGS/billing.log" 2>&1 & pids+=($!)
for port in 18280 18283 18284 18281; do
  for _ in $(seq 1 150); do curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.2; done
done

# The committed router configuration, on port 14004 with these subgraphs.
config="$LOGS/router.config.yaml"
sed -e "s|port: 4004|port: 14004|" -e "s|path: ../schema/supergraph.graphql|path: $ROOT/schema/supergraph.graphql|" \
    -e "s|port: 9090|port: 19090|" -e "s|level: info|level: warn|" router/router.config.yaml > "$config"
cat >> "$config" <<YAML
override_subgraph_urls:
  subgraphs:
    patients: { url: "http://127.0.0.1:18280/graphql" }
    doctors: { url: "http://127.0.0.1:18283/graphql" }
    appointments: { url: "http://127.0.0.1:18284/graphql" }
    billing: { url: "http://127.0.0.1:18281/graphql" }
    analytics: { url: "http://127.0.0.1:18282/graphql" }
YAML
started=$(date +%s.%N)
ROUTER_CONFIG_FILE_PATH="$config" "$bin/router" >"$LOGS/router.log" 2>&1 & router=$!; pids+=($router)
until curl -fsS http://127.0.0.1:14004/readiness >/dev/null 2>&1; do sleep 0.005; done
ready_ms=$(echo "($(date +%s.%N) - $started) * 1000" | bc)

gql() { curl -fsS "$1" -H 'content-type: application/json' -d "$2"; }
R=http://127.0.0.1:14004/graphql
echo "[bench] seeding: 1 patient, 20 doctors, 20 appointments with bills"
patient="$(gql $R '{"query":"mutation { createPatient(input: {name: \"Bench Patient\", email: \"bench@example.org\", phone: \"+1 555 0000\"}) { id } }"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')"
day="$(date -d '+7 days' +%F)"
for n in $(seq 10 29); do
  doctor="$(gql $R "{\"query\":\"mutation { createDoctor(input: {name: \\\"Doctor $n\\\", email: \\\"d$n@clinic.org\\\", phoneNumber: \\\"+1 555 01$n\\\", specialization: CARDIOLOGY, gender: OTHER}) { id } }\"}" | sed -E 's/.*"id":"([^"]+)".*/\1/')"
  gql $R "{\"query\":\"mutation { createAppointment(input: {patientId: \\\"$patient\\\", doctorId: \\\"$doctor\\\", date: \\\"$day\\\", time: \\\"$((n - 2)):00\\\", serviceType: CONSULTATION, durationMinutes: 30}) { id } }\"}" >/dev/null
done
page='{"query":"{ appointments(first: 20) { edges { node { id date time patient { name } doctor { name specialization } bill { amount currency status } } } } }"}'
for _ in $(seq 1 100); do
  [[ "$(gql $R "$page" | grep -o '"status":"UNPAID"' | wc -l)" -ge 20 ]] && break; sleep 0.2
done

echo "[bench] $CONNECTIONS connections, $DURATION each, everything on the same two cores"
one="{\"query\":\"{ patient(id: \\\"$patient\\\") { id name email phone registrationDate } }\"}"
wrk_post "patient(id) direct" http://127.0.0.1:18280/graphql "$one"; direct=$WRK_RPS
wrk_post "patient(id) through the router" "$R" "$one"; routed=$WRK_RPS
wrk_post "appointments page direct (ids only)" http://127.0.0.1:18284/graphql \
  '{"query":"{ appointments(first: 20) { edges { node { id date time patientId doctorId } } } }"}'
wrk_post "appointments page, 4 subgraphs" "$R" "$page"
printf '[bench] through the router / direct, patient(id): %.2f\n' "$(echo "$routed / $direct" | bc -l)"
echo "[bench] router ready ${ready_ms%.*} ms after start; peak RSS $(awk '/VmHWM/ {print $2, $3}' /proc/$router/status)"
