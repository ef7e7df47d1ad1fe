#!/usr/bin/env bash
# Load-tests one subgraph (vegeta, scripts/bench-lib.sh) and prints throughput, latency percentiles and peak RSS.
#
#   scripts/bench-patients.sh            # patients subgraph, 32 connections, 30 s per scenario
#   DURATION=10s scripts/bench-patients.sh
#
# Scenarios, all on the same server process (release build, pinned to CPU 0; the load driver pinned to
# CPU 1; MariaDB and Kafka unpinned beside them):
#   ceiling      `{ __typename }`: answered from memory by the same stack (axum + async-graphql)
#   patient      `patient(id)`: one indexed row by primary key
#   search       `patients(search:, first: 20)`: a LIKE search over 10,000 patients
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

source scripts/bench-lib.sh
PORT="${BENCH_PORT:-18080}"
SEED="${SEED:-10000}"
DB=bench_patients
URL="http://127.0.0.1:$PORT/graphql"

scripts/infra.sh up
cargo build --release --locked -p patients

mariadb -h127.0.0.1 -upms -ppms -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"
PATIENTS_DATABASE_URL="mysql://pms:pms@127.0.0.1:3306/$DB" PATIENTS_TOPIC="bench-patient-events" \
  PORT="$PORT" RUST_LOG=warn taskset -c 0 "$CARGO_TARGET_DIR/release/patients" >/tmp/pms-bench-patients.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done

# Seed through SQL in one statement (the API is not what is measured here), as the service's
# schema defines it: ids are UUIDv7-shaped random values, names and emails distinct.
echo "[bench] seeding $SEED patients"
mariadb -h127.0.0.1 -upms -ppms "$DB" -e "
  INSERT INTO patients (id, name, email, phone, registration_date)
  SELECT UNHEX(REPLACE(UUID(), '-', '')), CONCAT('Patient ', seq), CONCAT('patient', seq, '@example.com'),
         CONCAT('+1 555 ', LPAD(seq, 7, '0')), CURRENT_DATE
  FROM seq_1_to_$SEED;"
id="$(curl -fsS "$URL" -H 'content-type: application/json' -d '{"query":"{ patients(first: 1, search: \"Patient 4242\") { nodes { id } } }"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')"

echo "[bench] $CONNECTIONS connections, $DURATION each; server on CPU 0, the load driver on CPU 1"
VEGETA_PREFIX=(taskset -c 1)
load_post ceiling "$URL" '{"query":"{ __typename }"}'
load_post patient "$URL" "{\"query\":\"{ patient(id: \\\"$id\\\") { id name email phone registrationDate } }\"}"
load_post search "$URL" '{"query":"{ patients(search: \"Patient 42\", first: 20) { edges { node { id name email } } } }"}'
echo "[bench] peak RSS of the server: $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)"
rm -rf "$BENCH_RESULTS"
