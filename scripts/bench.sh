#!/usr/bin/env bash
# The whole system measured together, the way it runs: release builds of the five subgraphs
# and the router on their own ports (4004, 8080-8084), fresh databases and topics, every
# request through the router with a token, everything on this machine's cores beside the
# load driver (vegeta), MariaDB, PostgreSQL, Kafka and FerretDB. Writes bench/REPORT.md,
# bench/report.json and one chart per scenario in bench/charts/.
#
#   scripts/bench.sh                                   # every scenario, about 45 minutes
#   SCENARIOS="storm pipeline" DURATION=10s scripts/bench.sh
#   SOAK_MINUTES=2 scripts/bench.sh
#
# Scenarios (SCENARIOS, in this order):
#   storm     32 clients booking distinct free slots in a closed loop, beside 8 clients
#             fighting for the same slots (each slot sent by all 8), for DURATION; then the
#             databases are checked: no doctor or patient double-booked, one bill per booking;
#   pipeline  a steady PIPELINE_RATE (500) bookings/s for DURATION: lag from each booking's
#             commit to its bill and to the dashboard counting it;
#   reads     the read mix, 32 clients in a closed loop for DURATION: 60% a doctor's page of
#             20 appointments with patient, doctor and bill, 20% `patient(id)`, 20% the
#             dashboard, every request distinct;
#   soak      SOAK_MINUTES (15) of the read mix at SOAK_READS_PER_SECOND (200) and bookings
#             at SOAK_BOOKINGS_PER_SECOND (100), every process's RSS and CPU sampled every 10 s;
#   drills    faults during bookings (scripts/bench/drills.sh): Kafka stopped for 60 s,
#             billing killed mid-drain, PostgreSQL restarted, the doctors subgraph frozen,
#             the router restarted (with a subscriber connected); each checked for nothing
#             lost, nothing duplicated, no double booking.
# The router's rate limit is raised (every request comes from 127.0.0.1); its code still
# runs on every request. The services stop at the end; the databases stay for a look.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

SCENARIOS="${SCENARIOS:-storm pipeline reads soak drills}"
PIPELINE_RATE="${PIPELINE_RATE:-500}"
SOAK_MINUTES="${SOAK_MINUTES:-15}"
SOAK_READS_PER_SECOND="${SOAK_READS_PER_SECOND:-200}"
SOAK_BOOKINGS_PER_SECOND="${SOAK_BOOKINGS_PER_SECOND:-100}"
PAIRS=200          # doctor/patient pairs booking distinct slots
FIGHT_DOCTORS=10   # doctors whose slots 8 clients fight for, each client its own patient
RUN="$(mktemp -d)"
RESULTS="$RUN/results"
BENCH_RESULTS="$RESULTS"   # where scripts/bench-lib.sh's `attack` writes
source scripts/bench-lib.sh
LOGS="${BENCH_LOGS:-$RUN/logs}"   # BENCH_LOGS=DIR keeps the services' logs there
mkdir -p "$RESULTS" "$LOGS"
run_id="$(date +%s)"
R=http://127.0.0.1:4004/graphql
stats() { python3 scripts/bench/stats.py "$@"; }
load() { python3 scripts/bench/load.py "$@"; }

for port in 4004 8080 8081 8082 8083 8084; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/health"; then
    echo "[bench] port $port is taken (is scripts/dev.sh running?): the system is measured on its own ports" >&2
    exit 1
  fi
done

scripts/infra.sh up
cargo build --release --locked --bin patients --bin doctors --bin appointments --bin billing \
  --bin analytics --bin router --bin pms-token --example load
bin="$CARGO_TARGET_DIR/release"
# The router drill's subscriber (scripts/bench/subscribe.cjs) uses the front desk's graphql-ws.
if [[ " $SCENARIOS " == *" drills "* ]]; then
  need_node
  npm_ci_if_stale front-desk
fi

# --- the system ------------------------------------------------------------------------
export JWKS_FILE="$("$bin/pms-token" --jwks)"
TOKEN="$("$bin/pms-token" administrator)"
export SUBGRAPH_SECRET="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export RUST_LOG="${RUST_LOG:-warn}" RATE_LIMIT_PER_SECOND=1000000 RATE_LIMIT_BURST=1000000
export PATIENTS_TOPIC="bench-$run_id-patients" DOCTORS_TOPIC="bench-$run_id-doctors" \
  APPOINTMENTS_TOPIC="bench-$run_id-appointments" BILLING_TOPIC="bench-$run_id-billing" \
  AUDIT_TOPIC="bench-$run_id-audit" BILLING_CONSUMER_GROUP="bench-$run_id-billing" \
  ANALYTICS_CONSUMER_GROUP="bench-$run_id-analytics" ANALYTICS_DATABASE="bench_$run_id"
export PATIENTS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_s_patients \
  DOCTORS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_s_doctors \
  APPOINTMENTS_DATABASE_URL=postgres://pms:pms@127.0.0.1:5432/bench_s_appointments \
  BILLING_DATABASE_URL=postgres://pms:pms@127.0.0.1:5432/bench_s_billing
mysql_db() { mariadb -N -h127.0.0.1 -upms -ppms "$@"; }
pg() { PGPASSWORD=pms psql -qtA -h 127.0.0.1 -U pms "$@"; }
mysql_db -e "DROP DATABASE IF EXISTS bench_s_patients; CREATE DATABASE bench_s_patients;
  DROP DATABASE IF EXISTS bench_s_doctors; CREATE DATABASE bench_s_doctors"
for db in bench_s_appointments bench_s_billing; do
  pg -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" 2>/dev/null
done

declare -A PIDS
cleanup() {
  kill "${PIDS[@]}" $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  # A drill cut short leaves no server stopped or frozen.
  kill -CONT "${PIDS[@]}" 2>/dev/null || true
  scripts/infra.sh up >/dev/null 2>&1 || true
  "$bin/examples/load" drop "$TEST_MONGO_URL" "$ANALYTICS_DATABASE" >/dev/null 2>&1 || true
  rm -rf "$RUN"
}
trap cleanup EXIT
start() { # name port
  PORT="$2" "$bin/$1" >"$LOGS/$1.log" 2>&1 &
  PIDS[$1]=$!
}
ready() { # name url
  for _ in $(seq 1 300); do curl -fsS "$2" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "[bench] $1 is not ready: $(curl -sS "$2" 2>&1)" >&2; tail -n 20 "$LOGS/$1.log" >&2; exit 1
}
for service in patients:8080 doctors:8083 appointments:8084 billing:8081 analytics:8082; do
  start "${service%%:*}" "${service##*:}"
done
ROUTER_CONFIG_FILE_PATH="$ROOT/router/router.config.yaml" start router 4004
for service in patients:8080 doctors:8083 appointments:8084 billing:8081 analytics:8082; do
  ready "${service%%:*}" "http://127.0.0.1:${service##*:}/ready"
done
ready router http://127.0.0.1:4004/readiness

# --- seed ------------------------------------------------------------------------------
echo "[bench] seeding $PAIRS doctor/patient pairs, $FIGHT_DOCTORS doctors for 8 fighting clients"
seed_pairs bench_s_patients bench_s_doctors $((PAIRS + 8 * FIGHT_DOCTORS)) $((PAIRS + FIGHT_DOCTORS)) "$RUN"
head -n "$PAIRS" "$RUN/all-patients.txt" >"$RUN/patients.txt"
tail -n +"$((PAIRS + 1))" "$RUN/all-patients.txt" >"$RUN/fighters.txt"
head -n "$PAIRS" "$RUN/all-doctors.txt" >"$RUN/doctors.txt"
tail -n +"$((PAIRS + 1))" "$RUN/all-doctors.txt" >"$RUN/fight-doctors.txt"

day() { date -d "+$1 days" +%F; }
appointments_count() { pg -d bench_s_appointments -c "SELECT COUNT(*) FROM appointments $*"; }
bills_count() { pg -d bench_s_billing -c "SELECT COUNT(*) FROM bills"; }
# Waits (at most $1 s) until every appointment has its bill.
await_bills() {
  for _ in $(seq 1 $(($1 * 5))); do
    [[ "$(bills_count)" -ge "$(appointments_count)" ]] && return 0
    sleep 0.2
  done
  echo "[bench] bills still missing after $1 s: $(appointments_count) appointments, $(bills_count) bills" >&2
}

# appointmentsBooked on the dashboard from day $1 to day $2.
booked_on_dashboard() {
  curl -fsS "$R" -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \
    -d "{\"query\":\"{ dashboard(from: \\\"$1\\\", to: \\\"$2\\\") { appointmentsBooked } }\"}" \
    | sed -E 's/.*"appointmentsBooked":([0-9]+).*/\1/'
}
# await_counted SECONDS FROM TO EXPECTED: waits (at most SECONDS) until the dashboard counts
# at least EXPECTED appointments booked from day FROM to day TO; prints the last count.
await_counted() {
  local seconds=$1 from=$2 to=$3 expected=$4 counted=0
  for _ in $(seq 1 $((seconds * 5))); do
    counted=$(booked_on_dashboard "$from" "$to" || echo 0)
    [[ "$counted" -ge "$expected" ]] && break
    sleep 0.2
  done
  [[ "$counted" -ge "$expected" ]] \
    || echo "[bench] the dashboard counts $counted of $expected appointments after $seconds s" >&2
  echo "$counted"
}

# Every pair of active appointments of one doctor, or of one patient, that overlap.
double_bookings() {
  pg -d bench_s_appointments -c "
    SELECT (SELECT COUNT(*) FROM appointments a JOIN appointments b ON a.doctor_id = b.doctor_id AND a.id < b.id
              AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
            WHERE a.status IN ('SCHEDULED', 'CHECKED_IN') AND b.status IN ('SCHEDULED', 'CHECKED_IN'))
         + (SELECT COUNT(*) FROM appointments a JOIN appointments b ON a.patient_id = b.patient_id AND a.id < b.id
              AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
            WHERE a.status IN ('SCHEDULED', 'CHECKED_IN') AND b.status IN ('SCHEDULED', 'CHECKED_IN'))"
}
# The whole ledger as JSON members: appointments and bills, each appointment with exactly
# one bill, and no double booking.
ledger() {
  pg -d bench_s_appointments -c "SELECT id FROM appointments" | LC_ALL=C sort >"$RUN/appointment-ids.txt"
  pg -d bench_s_billing -c "SELECT appointment_id FROM bills" | LC_ALL=C sort >"$RUN/billed-ids.txt"
  echo "\"appointments\": $(wc -l <"$RUN/appointment-ids.txt"), \"bills\": $(wc -l <"$RUN/billed-ids.txt"),
 \"appointments_without_bill\": $(LC_ALL=C comm -23 "$RUN/appointment-ids.txt" <(uniq "$RUN/billed-ids.txt") | wc -l),
 \"bills_without_appointment\": $(LC_ALL=C comm -13 "$RUN/appointment-ids.txt" <(uniq "$RUN/billed-ids.txt") | wc -l),
 \"appointments_with_two_bills\": $(uniq -d "$RUN/billed-ids.txt" | wc -l),
 \"double_bookings\": $(double_bookings)"
}

# --- the scenarios ---------------------------------------------------------------------
storm() {
  echo "[bench] booking storm: 32 clients on distinct slots + 8 fighting for the same, $DURATION"
  load bookings "$R" "$TOKEN" "$RUN/patients.txt" "$RUN/doctors.txt" 1 \
    | attack storm-distinct 32 0 "$DURATION" &
  local distinct=$!
  load bookings "$R" "$TOKEN" "$RUN/fighters.txt" "$RUN/fight-doctors.txt" 1 --copies 8 \
    | attack storm-contested 8 0 "$DURATION" --expect CONFLICT
  wait "$distinct"
  await_bills 120
  local contested
  contested=$(pg -d bench_s_appointments -c "SELECT COUNT(*) FROM appointments WHERE doctor_id IN ($(sed "s/.*/'&'/" "$RUN/fight-doctors.txt" | paste -sd,))")
  echo "{$(ledger), \"contested_slots_won\": $contested}" >"$RESULTS/storm-check.json"
  echo "[bench] storm check: $(tr -d '\n' <"$RESULTS/storm-check.json")"
  # The next scenario starts once analytics has drained this one's backlog.
  await_counted 180 "$(day -1)" "$(day 364)" "$(appointments_count)" >/dev/null
}

pipeline() {
  echo "[bench] event pipeline: $PIPELINE_RATE bookings/s for $DURATION, lag to bill and to dashboard"
  local first=40 seconds=${DURATION%s}
  local from; from="$(day $first)"
  load poll "$R" "$TOKEN" "$from" "$(day $((first + 30)))" $((seconds + 30)) >"$RUN/polls.txt" &
  local poller=$!
  sleep 1
  load bookings "$R" "$TOKEN" "$RUN/patients.txt" "$RUN/doctors.txt" $first \
    | attack pipeline "$((PIPELINE_RATE / 20 + 8))" "$PIPELINE_RATE" "$DURATION"
  local booked; booked=$(appointments_count "WHERE local_date >= '$from'")
  for _ in $(seq 1 150); do
    [[ "$(tail -n1 "$RUN/polls.txt" | cut -d' ' -f2)" -ge "$booked" ]] && break
    sleep 0.2
  done
  await_bills 60
  sleep 1
  kill "$poller" 2>/dev/null || true
  pg -d bench_s_appointments -F' ' -c "SELECT id, EXTRACT(EPOCH FROM created_at) FROM appointments WHERE local_date >= '$from'" >"$RUN/commits.txt"
  pg -d bench_s_billing -F' ' -c "SELECT appointment_id, EXTRACT(EPOCH FROM created_at) FROM bills" >"$RUN/bills.txt"
  stats lag pipeline-lag "$RESULTS" "$RUN/commits.txt" "$RUN/bills.txt" "$RUN/polls.txt"
}

reads() {
  echo "[bench] read mix: 32 clients in a closed loop for $DURATION"
  load reads "$R" "$TOKEN" "$RUN/patients.txt" "$RUN/doctors.txt" 5 | attack reads 32 0 "$DURATION"
}

# Every 10 s: `<epoch> <process> <RSS kB> <CPU ticks>` for each service and server.
sample() {
  local -A watched=()
  local name
  for name in "${!PIDS[@]}"; do watched[$name]=${PIDS[$name]}; done
  watched[mariadb]=$(pgrep -x mariadbd | head -n1)
  watched[kafka]=$(pgrep -f kafka.Kafka | head -n1)
  watched[ferretdb]=$(pgrep -x ferretdb | head -n1)
  while :; do
    for name in "${!watched[@]}"; do
      local pid=${watched[$name]}
      [[ -r /proc/$pid/status ]] || continue
      echo "$(date +%s) $name $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") $(cpu_ticks "$pid")"
    done
    sleep 10
  done
}

soak() {
  echo "[bench] soak: $SOAK_MINUTES min of the read mix at $SOAK_READS_PER_SECOND/s and $SOAK_BOOKINGS_PER_SECOND bookings/s"
  sample >"$RUN/samples.txt" &
  local sampler=$!
  load reads "$R" "$TOKEN" "$RUN/patients.txt" "$RUN/doctors.txt" 5 \
    | attack soak-reads 16 "$SOAK_READS_PER_SECOND" "${SOAK_MINUTES}m" &
  local readers=$!
  load bookings "$R" "$TOKEN" "$RUN/patients.txt" "$RUN/doctors.txt" 80 \
    | attack soak-bookings 8 "$SOAK_BOOKINGS_PER_SECOND" "${SOAK_MINUTES}m"
  wait "$readers"
  sleep 10
  kill "$sampler"
  stats samples soak-processes "$RESULTS" "$RUN/samples.txt"
}

# CPU time (clock ticks) of each process group so far: `<name> <ticks>` lines. The servers
# count all their processes; `load driver` is every process this script ran and waited for
# (vegeta, scripts/bench/*.py, psql): the shell's `times` for its children. Run it in this
# shell (`cpu_now >FILE`), not in a subshell.
cpu_now() {
  local -A groups=([mariadb]="$(pgrep -d' ' -x mariadbd)" [postgresql]="$(pgrep -d' ' -u postgres -x postgres)"
                   [kafka]="$(pgrep -d' ' -f kafka.Kafka)" [ferretdb]="$(pgrep -d' ' -x ferretdb)")
  local name children
  for name in "${!PIDS[@]}"; do groups[$name]=${PIDS[$name]}; done
  for name in "${!groups[@]}"; do echo "$name $(cpu_ticks ${groups[$name]})"; done
  times >"$RUN/times"
  children=$(sed -n 2p "$RUN/times" | awk -v tck="$(getconf CLK_TCK)" '{
    total = 0
    for (i = 1; i <= 2; i++) { split($i, part, "m"); sub(/s$/, "", part[2]); total += part[1] * 60 + part[2] }
    printf "%d", total * tck }')
  echo "load-driver $children"
}
source scripts/bench/drills.sh
for scenario in $SCENARIOS; do
  cpu_now >"$RUN/cpu-before"
  started=$(date +%s.%N)
  "$scenario"
  cpu_now >"$RUN/cpu-after"
  # Each process group's share of one core over the scenario (200% is both cores).
  python3 - "$RUN/cpu-before" "$RUN/cpu-after" "$(echo "$(date +%s.%N) - $started" | bc)" "$(getconf CLK_TCK)" \
    >"$RESULTS/$scenario-cpu.json" <<'PY2'
import json, sys
before = dict(line.split() for line in open(sys.argv[1]))
after = dict(line.split() for line in open(sys.argv[2]))
seconds, tick = float(sys.argv[3]), int(sys.argv[4])
# A process restarted during the scenario (a drill) counts from its restart.
used = {name: int(after[name]) - int(before.get(name, 0)) for name in after}
shares = {name: round(100 * (ticks if ticks >= 0 else int(after[name])) / tick / seconds, 1) for name, ticks in used.items()}
print(json.dumps(dict(sorted(shares.items(), key=lambda item: -item[1]))))
PY2
  echo "[bench] $scenario: CPU (% of one core) $(tr -d '{}"' <"$RESULTS/$scenario-cpu.json")"
done

python3 scripts/bench/report.py "$RESULTS" "$ROOT/bench" "$SCENARIOS" \
  "duration=$DURATION" "pipeline_rate=$PIPELINE_RATE" "soak_minutes=$SOAK_MINUTES" \
  "soak_reads_per_second=$SOAK_READS_PER_SECOND" "soak_bookings_per_second=$SOAK_BOOKINGS_PER_SECOND"
echo "[bench] report: bench/REPORT.md"
