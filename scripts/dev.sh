#!/usr/bin/env bash
# Sets up and runs the system locally: real servers (scripts/infra.sh up), the five
# subgraphs on their ports, the composed supergraph (scripts/compose.sh), the router on
# http://localhost:4004/graphql and the FHIR R4 interface on http://localhost:8090/fhir. Ctrl-C stops the services (the servers keep running;
# `scripts/infra.sh down` stops them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

# A development deployment: introspection (and GraphiQL's schema) on, in the router and in
# every subgraph. Deployments leave it off.
export GRAPHQL_INTROSPECTION="${GRAPHQL_INTROSPECTION:-true}"
# The front desk's sign-in page gets tokens of the development issuer from the router.
export PMS_DEV_SIGN_IN="${PMS_DEV_SIGN_IN:-true}"

# The local servers' development credentials (scripts/infra.sh creates this user). The
# binaries have no default database URL: a deployment names its own.
export PATIENTS_DATABASE_URL="${PATIENTS_DATABASE_URL:-mysql://pms:pms@127.0.0.1:3306/patients}"
export DOCTORS_DATABASE_URL="${DOCTORS_DATABASE_URL:-mysql://pms:pms@127.0.0.1:3306/doctors}"
export APPOINTMENTS_DATABASE_URL="${APPOINTMENTS_DATABASE_URL:-postgres://pms:pms@127.0.0.1:5432/appointments}"
export BILLING_DATABASE_URL="${BILLING_DATABASE_URL:-postgres://pms:pms@127.0.0.1:5432/billing}"

# The credential the router presents to the subgraphs (and appointments to patients and
# doctors); a new one each run. Without it a subgraph answers 401.
export SUBGRAPH_SECRET="${SUBGRAPH_SECRET:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"

# name:port of each service to run.
SERVICES=(patients:8080 doctors:8083 appointments:8084 billing:8081 analytics:8082)

scripts/infra.sh up
need_node
cargo build --locked $(printf -- '--bin %s ' "${SERVICES[@]%%:*}" router fhir pms-token)
scripts/compose.sh

# The router verifies tokens with the development issuer's key set (created on first use
# outside the repository; scripts/token.sh prints tokens of it).
export JWKS_FILE="${JWKS_FILE:-$("$CARGO_TARGET_DIR/debug/pms-token" --jwks)}"

pids=()
stop() {
  trap - INT TERM
  echo "[dev] stopping services"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  exit 0
}
trap stop INT TERM

# Runs a service, and again whenever it exits with a failure on its own (its watchdog gave
# up on a stuck Kafka client, say), as Compose's `restart: unless-stopped` does.
supervise() { # name port
  local name=$1 port=$2 child status
  trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM
  while :; do
    PORT="$port" "$CARGO_TARGET_DIR/debug/$name" &
    child=$!
    status=0
    wait "$child" || status=$?
    ((status == 0)) && return 0
    echo "[dev] $name exited with status $status; starting it again in 2 s"
    sleep 2
  done
}

for service in "${SERVICES[@]}"; do
  name="${service%%:*}" port="${service##*:}"
  supervise "$name" "$port" &
  pids+=($!)
done

for service in "${SERVICES[@]}"; do
  name="${service%%:*}" port="${service##*:}"
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.2
  done
  printf '[dev] %-12s http://localhost:%s/graphql   (answers the router only; /health, /ready)\n' "$name" "$port"
done

ROUTER_CONFIG_FILE_PATH="$ROOT/router/router.config.yaml" PORT=4004 "$CARGO_TARGET_DIR/debug/router" &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:4004/readiness" >/dev/null 2>&1 && break
  sleep 0.2
done
supervise fhir 8090 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:8090/health" >/dev/null 2>&1 && break
  sleep 0.2
done
echo "[dev] front desk   http://localhost:4004/              <- the web app (choose a role to sign in)"
echo "[dev] router       http://localhost:4004/graphql   <- the API, GraphiQL in a browser"
echo "[dev] every request needs a token; GraphiQL signed in as the administrator:"
echo "[dev]   http://localhost:4004/graphql#token=$("$CARGO_TARGET_DIR/debug/pms-token" administrator)"
echo "[dev] other roles: scripts/token.sh front-desk | doctor <id> | billing-clerk | patient <id>"
echo "[dev]   (in GraphiQL's Headers tab: {\"Authorization\": \"Bearer <token>\"})"
echo "[dev] FHIR R4      http://localhost:8090/fhir/metadata  (the same tokens: curl -H \"authorization: Bearer \$(scripts/token.sh front-desk)\" http://localhost:8090/fhir/Patient)"
echo "[dev] metrics      http://localhost:9090/metrics"
echo "[dev] Ctrl-C to stop"
wait "${pids[@]}"
