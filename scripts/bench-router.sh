#!/usr/bin/env bash
# Measures the router against the subgraphs it fronts (release builds, unpinned on the two
# cores beside the load driver, MariaDB, PostgreSQL and Kafka):
#   - `patient(id)`: directly on the patients subgraph, then through the router;
#   - a page of 20 appointments with patient, doctor and bill (four subgraphs) through the
#     router, and the appointments-only page directly on the subgraph for reference;
#   - the router's time from start to ready, and its peak RSS;
#   - the free-slot search through the router: 20 doctors of one specialization with a
#     working week, 60% of the next 31 days booked, distinct searches over 31 days for a
#     page of 20 (with the CPU time each process spends per search), and with `totalCount`
#     (every slot computed); one doctor alone;
#   - the limits' cost: `patient(id)` through the router with the committed limits and
#     through a second router without them (no `limits`, `traffic_shaping`, limits or rate
#     limit plugins), alternately, ROUNDS (3) times each;
#   - the cost of identity and audit: `patient(id)` and the page through the router with
#     tokens verified (router and subgraphs), scopes, record-level rules and every read on
#     the audit trail, and through a third router, in front of subgraphs that verify no token
#     and record no read (`PMS_AUDIT_READS=off`), alternately, ROUNDS times each, once with
#     every client asking the same (merged by the router in flight) and once with each
#     asking for its own patient or doctor's page; the audit records written per second, and
#     how long the relays take to publish them after; for each client its own patient, the
#     CPU time per request of the router, patients, MariaDB and Kafka in both systems;
#   - an attack mix: `patient(id)` in a closed loop while a second vegeta sends abusive operations (nesting,
#     repeated fields, fragments that multiply, aliases, directives, oversize bodies) at a
#     ninth of that rate, so a tenth of all requests are abusive; the normal requests' p99
#     beside the attack against without it.
# The rate limit is raised for the measuring client (every request comes from 127.0.0.1);
# its code still runs on every request.
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
cargo build --release --locked --bin patients --bin doctors --bin appointments --bin billing --bin router --bin pms-token
bin="$CARGO_TARGET_DIR/release"
# Tokens of the development issuer, as an administrator (see scripts/token.sh).
export JWKS_FILE="$("$bin/pms-token" --jwks)"
export TOKEN="$("$bin/pms-token" administrator)"
export AUDIT_TOPIC="bench-r-audit-$run"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$LOGS" "$BENCH_RESULTS"' EXIT
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
export RATE_LIMIT_PER_SECOND=1000000 RATE_LIMIT_BURST=1000000
started=$(date +%s.%N)
ROUTER_CONFIG_FILE_PATH="$config" "$bin/router" >"$LOGS/router.log" 2>&1 & router=$!; pids+=($router)
until curl -fsS http://127.0.0.1:14004/readiness >/dev/null 2>&1; do sleep 0.005; done
ready_ms=$(echo "($(date +%s.%N) - $started) * 1000" | bc)

gql() { curl -fsS "$1" -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d "$2"; }
R=http://127.0.0.1:14004/graphql
echo "[bench] seeding: 64 patients, 32 doctors, 660 appointments with bills"
id_of() { sed -E 's/.*"id":"([^"]+)".*/\1/'; }
patients=() doctors=()
for n in $(seq 10 73); do
  patients+=("$(gql $R "{\"query\":\"mutation { createPatient(input: {name: \\\"Bench Patient $n\\\", email: \\\"bench$n@example.org\\\", phone: \\\"+1 555 00$n\\\"}) { id } }\"}" | id_of)")
done
patient="${patients[0]}"
book() { # book PATIENT DOCTOR DATE TIME
  gql $R "{\"query\":\"mutation { createAppointment(input: {patientId: \\\"$1\\\", doctorId: \\\"$2\\\", date: \\\"$3\\\", time: \\\"$4\\\", serviceType: CONSULTATION, durationMinutes: 30}) { id } }\"}" >/dev/null
}
day="$(date -d '+7 days' +%F)"
# Doctors work every day, 08:00-18:00, so the seeded bookings on any weekday are in hours.
ALL_WEEK="[$(for d in MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY; do
  printf '{weekday: %s, starts: \\\"08:00\\\", ends: \\\"18:00\\\"},' "$d"; done)]"
for n in $(seq 10 41); do
  doctors+=("$(gql $R "{\"query\":\"mutation { createDoctor(input: {name: \\\"Doctor $n\\\", email: \\\"d$n@clinic.org\\\", phoneNumber: \\\"+1 555 01$n\\\", specialization: CARDIOLOGY, gender: OTHER, weeklyHours: $ALL_WEEK}) { id } }\"}" | id_of)")
done
# The first 20 doctors see the first patient on $day (the page every client asks for).
for n in $(seq 0 19); do book "$patient" "${doctors[$n]}" "$day" "$(printf '%02d:%02d' $((8 + n / 2)) $((30 * (n % 2))))"; done
# The next day, each doctor sees 20 patients (a different page per doctor), and no patient
# has two appointments at once.
next_day="$(date -d '+8 days' +%F)"
for d in $(seq 0 31); do
  for k in $(seq 0 19); do
    book "${patients[$(( (d + 32 * (k % 2)) % 64 ))]}" "${doctors[$d]}" "$next_day" \
      "$(printf '%02d:%02d' $((8 + k / 2)) $((30 * (k % 2))))"
  done
done
page='{"query":"{ appointments(first: 20) { edges { node { id date time patient { name } doctor { name specialization } bill { amount currency status } } } } }"}'
# Distinct requests, as many clients send: a patient each, a doctor's page each.
one_each="$LOGS/patients.jsonl" page_each="$LOGS/pages.jsonl"
for id in "${patients[@]}"; do
  echo "{\"query\":\"{ patient(id: \\\"$id\\\") { id name email phone registrationDate } }\"}"
done > "$one_each"
for id in "${doctors[@]}"; do
  echo "{\"query\":\"{ appointments(doctorId: \\\"$id\\\", from: \\\"$next_day\\\", first: 20) { edges { node { id date time patient { name } doctor { name specialization } bill { amount currency status } } } } }\"}"
done > "$page_each"
for _ in $(seq 1 300); do
  [[ "$(PGPASSWORD=pms psql -qtA -h 127.0.0.1 -U pms -d bench_r_billing -c "SELECT COUNT(*) FROM bills")" -ge 660 ]] && break; sleep 0.2
done

echo "[bench] $CONNECTIONS connections, $DURATION each, everything on the same two cores"
one="{\"query\":\"{ patient(id: \\\"$patient\\\") { id name email phone registrationDate } }\"}"
load_post "patient(id) direct" http://127.0.0.1:18280/graphql "$one"; direct=$LOAD_RPS
load_post "patient(id) through the router" "$R" "$one"; routed=$LOAD_RPS
load_post "appointments page direct (ids only)" http://127.0.0.1:18284/graphql \
  '{"query":"{ appointments(first: 20) { edges { node { id date time patientId doctorId } } } }"}'
load_post "appointments page, 4 subgraphs" "$R" "$page"
printf '[bench] through the router / direct, patient(id): %.2f\n' "$(echo "$routed / $direct" | bc -l)"
echo "[bench] router ready ${ready_ms%.*} ms after start; peak RSS $(awk '/VmHWM/ {print $2, $3}' /proc/$router/status)"

echo "[bench] free-slot search: 20 neurologists, Monday to Friday 09:00-12:00 and 13:00-17:00, 60% of the next 31 days booked"
neuro=()
HOURS="[$(for d in MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY; do
  printf '{weekday: %s, starts: \\\"09:00\\\", ends: \\\"12:00\\\"},{weekday: %s, starts: \\\"13:00\\\", ends: \\\"17:00\\\"},' "$d" "$d"; done)]"
for n in $(seq 50 69); do
  neuro+=("$(gql $R "{\"query\":\"mutation { createDoctor(input: {name: \\\"Neurologist $n\\\", email: \\\"n$n@clinic.org\\\", phoneNumber: \\\"+1 555 02$n\\\", specialization: NEUROLOGY, gender: OTHER, weeklyHours: $HOURS}) { id } }\"}" | id_of)")
done
# Three half-hour slots in five booked, spread over doctors and days (straight into the
# table: the search reads only the bookings).
PGPASSWORD=pms psql -q -h 127.0.0.1 -U pms -d bench_r_appointments -c "
  INSERT INTO appointments (id, patient_id, doctor_id, doctor_specialization, service_type,
                            local_date, local_time, duration_minutes, starts_at, ends_at, status)
  SELECT gen_random_uuid(), gen_random_uuid(), d.id, 'NEUROLOGY', 'CONSULTATION', day::date, t.at,
         30, (day::date + t.at) AT TIME ZONE 'UTC', (day::date + t.at + interval '30 minutes') AT TIME ZONE 'UTC', 'SCHEDULED'
  FROM unnest('{$(IFS=,; echo "${neuro[*]}")}'::uuid[]) WITH ORDINALITY AS d(id, n),
       generate_series(current_date + 1, current_date + 31, interval '1 day') AS day,
       unnest(ARRAY(SELECT time '09:00' + s * interval '30 minutes' FROM generate_series(0, 5) s
                    UNION ALL SELECT time '13:00' + s * interval '30 minutes' FROM generate_series(0, 7) s))
         WITH ORDINALITY AS t(at, k)
  WHERE extract(isodow FROM day) < 6 AND (d.n + t.k + extract(doy FROM day)::int) % 5 < 3" \
  -c "ANALYZE appointments"  # as autovacuum would soon after such a load
# Distinct searches (the router would merge identical ones in flight): 32 windows of 31
# days starting 1 to 16 days ahead, for 30 or 45 minutes.
searches="$LOGS/searches.jsonl" one_doctor="$LOGS/one-doctor.jsonl"
for start in $(seq 1 16); do
  from="$(date -d "+$start days" +%F)" to="$(date -d "+$((start + 30)) days" +%F)"
  for minutes in 30 45; do
    echo "{\"query\":\"{ freeSlots(specialization: NEUROLOGY, from: \\\"$from\\\", to: \\\"$to\\\", durationMinutes: $minutes, first: 20) { nodes { doctorId date time } } }\"}"
  done
done > "$searches"
sed 's/{ nodes {/{ totalCount nodes {/' "$searches" > "$LOGS/counted.jsonl"
for id in "${neuro[@]}"; do
  echo "{\"query\":\"{ freeSlots(doctorId: \\\"$id\\\", from: \\\"$(date -d '+1 day' +%F)\\\", to: \\\"$(date -d '+31 days' +%F)\\\", durationMinutes: 30, first: 20) { nodes { date time } } }\"}"
done > "$one_doctor"
# Where a search's CPU goes: each process's user + system time over the run, per search.
searching=("router=$router" "appointments=${pids[2]}" "doctors=${pids[1]}"
           "PostgreSQL=$(pgrep -d' ' -u postgres -x postgres)" "MariaDB=$(pgrep -d' ' -x mariadbd)")
cpu_mark "${searching[@]}"
load_post "free slots, 20 neurologists, a page" "$R" "@$searches"
slots_p99=$LOAD_P99_MS
cpu_report "${searching[@]}"

load_post "the same with totalCount (all 31 days)" "$R" "@$LOGS/counted.jsonl"
load_post "free slots, one doctor, a page" "$R" "@$one_doctor"
echo "[bench] free-slot search p99, 20 neurologists, a page of 20: ${slots_p99} ms (target: under 50 ms)"

echo "[bench] the limits' cost"
# The same configuration without any limit, on port 14005.
unlimited="$LOGS/router.unlimited.yaml"
python3 - "$config" "$unlimited" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for block in ("limits", "traffic_shaping"):
    text = re.sub(rf"^{block}:\n(?:[ #].*\n|\n)*", "", text, flags=re.M)
text = re.sub(r"^(  (limits|rate_limit):\n    enabled:) true", r"\1 false", text, flags=re.M)
text = text.replace("port: 14004", "port: 14005").replace("port: 19090", "port: 19091")
open(sys.argv[2], "w").write(text)
PY
ROUTER_CONFIG_FILE_PATH="$unlimited" "$bin/router" >"$LOGS/router-unlimited.log" 2>&1 & pids+=($!)
until curl -fsS http://127.0.0.1:14005/readiness >/dev/null 2>&1; do sleep 0.05; done
off=0 on=0
for round in $(seq 1 "${ROUNDS:-3}"); do
  load_post "patient(id), no limits ($round)" http://127.0.0.1:14005/graphql "$one"; off=$(echo "$off + $LOAD_RPS" | bc -l)
  load_post "patient(id), limits ($round)" "$R" "$one"; on=$(echo "$on + $LOAD_RPS" | bc -l)
done
printf '[bench] limits on / off, patient(id) throughput: %.3f\n' "$(echo "$on / $off" | bc -l)"

echo "[bench] the cost of identity and audit: tokens, scopes, record-level rules, the audit trail"
# The system with none of it: a second set of subgraphs on the same databases, verifying no
# token (no JWKS_FILE) and recording no read (PMS_AUDIT_READS=off), behind a router on port
# 14006 with no `jwt` (so no scopes either) and no `authorization` header passed on. Each
# set idles while the other is measured.
(
  unset JWKS_FILE
  export PMS_AUDIT_READS=off RUST_LOG=error
  PATIENTS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_r_patients PATIENTS_TOPIC="bench-r-patients-$run" \
    PORT=18380 exec "$bin/patients" >"$LOGS/patients-open.log" 2>&1
) & pids+=($!); patients_open=$!
(
  unset JWKS_FILE
  export PMS_AUDIT_READS=off RUST_LOG=error
  DOCTORS_DATABASE_URL=mysql://pms:pms@127.0.0.1:3306/bench_r_doctors DOCTORS_TOPIC="bench-r-doctors-$run" \
    PORT=18383 exec "$bin/doctors" >"$LOGS/doctors-open.log" 2>&1
) & pids+=($!)
(
  unset JWKS_FILE
  export PMS_AUDIT_READS=off RUST_LOG=error
  APPOINTMENTS_DATABASE_URL=postgres://pms:pms@127.0.0.1:5432/bench_r_appointments APPOINTMENTS_TOPIC="bench-r-appointments-$run" \
    PATIENTS_URL=http://127.0.0.1:18380/graphql DOCTORS_URL=http://127.0.0.1:18383/graphql \
    PORT=18384 exec "$bin/appointments" >"$LOGS/appointments-open.log" 2>&1
) & pids+=($!)
(
  unset JWKS_FILE
  export PMS_AUDIT_READS=off RUST_LOG=error
  BILLING_DATABASE_URL=postgres://pms:pms@127.0.0.1:5432/bench_r_billing BILLING_TOPIC="bench-r-billing-$run" \
    APPOINTMENTS_TOPIC="bench-r-appointments-$run" BILLING_CONSUMER_GROUP="bench-r-$run" \
    PORT=18381 exec "$bin/billing" >"$LOGS/billing-open.log" 2>&1
) & pids+=($!)
for port in 18380 18383 18384 18381; do
  for _ in $(seq 1 150); do curl -fsS "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.2; done
done
open_config="$LOGS/router.open.yaml"
python3 - "$config" "$open_config" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"^jwt:\n  enabled: true", "jwt:\n  enabled: false", text, flags=re.M)
text = re.sub(r"^(authorization:\n  directives:\n)", r"\1    enabled: false\n", text, flags=re.M)
text = text.replace("            - authorization\n", "", 1)
text = text.replace("port: 14004", "port: 14006").replace("port: 19090", "port: 19092")
for port in ("80", "83", "84", "81"):
    text = text.replace(f"127.0.0.1:182{port}/", f"127.0.0.1:183{port}/")
open(sys.argv[2], "w").write(text)
PY
ROUTER_CONFIG_FILE_PATH="$open_config" "$bin/router" >"$LOGS/router-open.log" 2>&1 & pids+=($!); router_open=$!
until curl -fsS http://127.0.0.1:14006/readiness >/dev/null 2>&1; do sleep 0.05; done
# Audit records written, all services together (the records in the audit topic's outbox
# rows: a row carries the records of every read one write kept).
audit_rows() {
  local mysql postgres
  mysql=$(mariadb -h127.0.0.1 -upms -ppms -N -e "SELECT COALESCE(SUM(JSON_LENGTH(payload, '$.data.records')), 0) FROM bench_r_patients.outbox WHERE topic = '$AUDIT_TOPIC'")
  postgres=0
  for db in bench_r_appointments bench_r_billing; do
    postgres=$((postgres + $(PGPASSWORD=pms psql -qtA -h 127.0.0.1 -U pms -d "$db" -c "SELECT COALESCE(SUM(json_array_length(payload::json -> 'data' -> 'records')), 0) FROM outbox WHERE topic = '$AUDIT_TOPIC'")))
  done
  echo $((mysql + postgres))
}
pending_audit() {
  local total
  total=$(mariadb -h127.0.0.1 -upms -ppms -N -e "SELECT COUNT(*) FROM bench_r_patients.outbox WHERE published_at IS NULL")
  for db in bench_r_appointments bench_r_billing; do
    total=$((total + $(PGPASSWORD=pms psql -qtA -h 127.0.0.1 -U pms -d "$db" -c "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")))
  done
  echo "$total"
}
seconds="${DURATION%s}"
# Every client asking for the same patient or page (the router merges identical requests in
# flight, so fewer reach the subgraphs), and each asking for its own (each reaches them).
one_each="@$one_each" page_each="@$page_each"
declare -A label=([one]="patient(id), the same" [page]="the page, the same"
                  [one_each]="patient(id), 64 patients" [page_each]="the page, 32 doctors'")
# For `patient(id)` of 64 patients, where the CPU goes in each system (the patients
# subgraph includes its outbox relay; Kafka is the broker's JVM).
shared=("MariaDB=$(pgrep -d' ' -x mariadbd)" "Kafka=$(pgrep -d' ' -f kafka.Kafka)")
open_set=("router=$router_open" "patients=$patients_open" "${shared[@]}")
deployed_set=("router=$router" "patients=${pids[0]}" "${shared[@]}")
for query in one page one_each page_each; do
  off=0 on=0 written=0
  for round in $(seq 1 "${ROUNDS:-3}"); do
    cpu_mark "${open_set[@]}"
    load_post "${label[$query]}, neither ($round)" http://127.0.0.1:14006/graphql "${!query}"; off=$(echo "$off + $LOAD_RPS" | bc -l)
    if [[ $query == one_each ]]; then cpu_report "${open_set[@]}"; fi
    before=$(audit_rows)
    cpu_mark "${deployed_set[@]}"
    load_post "${label[$query]}, identity+audit ($round)" "$R" "${!query}"; on=$(echo "$on + $LOAD_RPS" | bc -l)
    if [[ $query == one_each ]]; then cpu_report "${deployed_set[@]}"; fi
    written=$((written + $(audit_rows) - before))
  done
  printf '[bench] identity and audit on / off, %s throughput: %.3f; audit records written %.0f/s\n' \
    "${label[$query]}" "$(echo "$on / $off" | bc -l)" "$(echo "$written / ($seconds * ${ROUNDS:-3})" | bc -l)"
done
drain_started=$(date +%s.%N)
for _ in $(seq 1 600); do [[ "$(pending_audit)" -eq 0 ]] && break; sleep 0.1; done
printf '[bench] audit records left in the outboxes after the runs: %s, published %.1f s after the last run\n' \
  "$(pending_audit)" "$(echo "$(date +%s.%N) - $drain_started" | bc -l)"

echo "[bench] attack mix: a tenth of the requests abusive"
load_post "patient(id), no attack" "$R" "$one"; calm_p99=$LOAD_P99_MS; calm_rps=$LOAD_RPS
attack_rate=$(printf '%.0f' "$(echo "$calm_rps / 9" | bc -l)")
targets="$LOGS/attacks.txt"
python3 - "$R" "$LOGS" "$targets" "$TOKEN" <<'PY'
import json, sys
url, logs, targets, token = sys.argv[1:5]
fragments = "{ ...F0 }" + "".join(
    f" fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(30)
) + " fragment F30 on Query { __typename }"
attacks = {
    "nesting": "{ " + "patient(id: \"x\") { appointments { nodes { " * 20 + "id" + " }" * 61,
    "repeated": "{ " + "__typename " * 5000 + "}",
    "fragments": fragments,
    "aliases": "{ " + " ".join(f"a{n}: __typename" for n in range(31)) + " }",
    "directives": "{ __typename " + "@include(if: true) " * 31 + "}",
    "oversize": "{ __typename }" + " " * (200 << 10),
}
with open(targets, "w") as out:
    for name, query in attacks.items():
        path = f"{logs}/attack-{name}.json"
        json.dump({"query": query}, open(path, "w"))
        out.write(f"POST {url}\nContent-Type: application/json\nAuthorization: Bearer {token}\n@{path}\n\n")
PY
"$VEGETA" attack -rate="$attack_rate/s" -duration="$DURATION" -targets="$targets" -max-workers=64 \
  > "$LOGS/attack.bin" & attacker=$!
load_post "patient(id), beside the attack" "$R" "$one"; attacked_p99=$LOAD_P99_MS
wait "$attacker"
"$VEGETA" report -type=text "$LOGS/attack.bin" | sed -n '1,/Status Codes/p' | sed 's/^/[bench]   attack: /'
printf '[bench] attack at %s/s beside %s/s normal: normal p99 %.2f ms vs %.2f ms alone (x%.2f); router peak RSS %s\n' \
  "$attack_rate" "$calm_rps" "$attacked_p99" "$calm_p99" "$(echo "$attacked_p99 / $calm_p99" | bc -l)" \
  "$(awk '/VmHWM/ {print $2, $3}' /proc/$router/status)"
