# Sourced by the benchmark scripts: one load driver (vegeta, fed target streams by
# scripts/bench/load.py) and one percentile computation (scripts/bench/stats.py) for all.

# vegeta, from the Go module proxy.
VEGETA="$(go env GOPATH)/bin/vegeta"
[[ -x "$VEGETA" ]] || go install github.com/tsenart/vegeta/v12@v12.13.0
DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-32}"
# Where each run's summary (NAME.json) and chart (NAME.svg) go; a script may set its own.
BENCH_RESULTS="${BENCH_RESULTS:-$(mktemp -d)}"
# Commands put before vegeta, e.g. (taskset -c 1) to pin the load driver to a CPU.
VEGETA_PREFIX=()

# load.py ... | attack NAME WORKERS RATE DURATION [stats.py options...]: one vegeta run
# (RATE 0: a closed loop of WORKERS clients; otherwise an open model at RATE/s with at most
# 4 x WORKERS in flight) over the targets read from stdin, summarised by stats.py into
# $BENCH_RESULTS/NAME.json and NAME.svg (a `/` in NAME becomes `-`), one line per request
# class printed.
attack() {
  local name=$1 workers=$2 rate=$3 duration=$4; shift 4
  local limit=$workers
  ((rate > 0)) && limit=$((4 * workers))
  "${VEGETA_PREFIX[@]}" "$VEGETA" attack -lazy -format=json -rate="$rate/1s" -workers="$workers" \
      -max-workers="$limit" -duration="$duration" -timeout=30s \
    | "$VEGETA" encode --to=json | python3 scripts/bench/stats.py results "${name//\//-}" "$BENCH_RESULTS" "$@"
}

# figure NAME PATH: a figure of $BENCH_RESULTS/NAME.json, e.g. `figure patient latency_ms.p99`.
figure() {
  python3 -c 'import functools, json, sys
print(functools.reduce(lambda value, key: value[key], sys.argv[2].split("."), json.load(open(sys.argv[1]))))' \
    "$BENCH_RESULTS/${1//\//-}.json" "$2"
}

# load_post NAME URL BODY: checks that the query succeeds, then $CONNECTIONS clients send it
# in a closed loop for $DURATION (BODY `@FILE`: the bodies of FILE, one per line, in turn, so
# that concurrent requests differ); `TOKEN`, when set, goes on every request as
# `Authorization: Bearer`. Leaves the requests/s in LOAD_RPS, the requests sent in
# LOAD_REQUESTS and the p99 in milliseconds in LOAD_P99_MS.
load_post() {
  local name=$1 url=$2 body=$3
  local first=$body
  if [[ "$body" == @* ]]; then first="$(head -n1 "${body#@}")"; fi
  local check; check="$(curl -fsS "$url" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "$first")"
  if [[ "$check" == *'"errors"'* || "$check" != *'"data"'* ]]; then
    echo "[bench] $name: the query fails: $check" >&2; exit 1
  fi
  python3 scripts/bench/load.py requests POST "$url" "${TOKEN:-}" "$body" | attack "$name" "$CONNECTIONS" 0 "$DURATION"
  load_figures "$name"
}

# load_get NAME URL: as load_post, for GET requests of URL (the FHIR interface), which must
# answer 200 first; URL `@FILE`: the URLs of FILE in turn.
load_get() {
  local name=$1 url=$2
  local first=$url
  if [[ "$url" == @* ]]; then first="$(head -n1 "${url#@}")"; fi
  curl -fsS -o /dev/null "$first" ${TOKEN:+-H "authorization: Bearer $TOKEN"} || {
    echo "[bench] $name: $first fails" >&2; exit 1
  }
  python3 scripts/bench/load.py requests GET "$url" "${TOKEN:-}" | attack "$name" "$CONNECTIONS" 0 "$DURATION"
  load_figures "$name"
}

load_figures() {
  LOAD_RPS="$(figure "$1" per_second)"
  LOAD_REQUESTS="$(figure "$1" requests)"
  LOAD_P99_MS="$(figure "$1" latency_ms.p99)"
  local errors; errors="$(figure "$1" errors)"
  if ((errors > 0)); then echo "[bench] $1: $errors requests failed" >&2; fi
}

# seed_pairs PATIENTS_DB DOCTORS_DB PATIENTS DOCTORS DIR: PATIENTS patients and DOCTORS
# doctors straight into the tables (the API is not what is measured), every doctor working
# around the clock, every day (bookings spread over all hours, and every one is still
# checked against the hours); their ids, in the same order each time, in DIR/all-patients.txt
# and DIR/all-doctors.txt.
seed_pairs() {
  local patients_db=$1 doctors_db=$2 patients=$3 doctors=$4 dir=$5
  local sql=(mariadb -N -h127.0.0.1 -upms -ppms)
  "${sql[@]}" "$patients_db" -e "
    INSERT INTO patients (id, name, email, phone, registration_date)
    SELECT UNHEX(REPLACE(UUID(), '-', '')), CONCAT('Patient ', seq), CONCAT('p', seq, '@example.com'),
           CONCAT('+1 555 ', LPAD(seq, 7, '0')), CURRENT_DATE
    FROM seq_1_to_$patients;"
  "${sql[@]}" "$doctors_db" -e "
    INSERT INTO doctors (id, name, specialization, phone_number, email, available, gender)
    SELECT UNHEX(REPLACE(UUID(), '-', '')), CONCAT('Dr. ', seq), 'CARDIOLOGY', '+1 555 0200',
           CONCAT('d', seq, '@clinic.org'), TRUE, 'FEMALE'
    FROM seq_1_to_$doctors;
    INSERT INTO weekly_hours (doctor_id, valid_from) SELECT id, '2000-01-01' FROM doctors;
    INSERT INTO weekly_intervals (doctor_id, valid_from, weekday, starts_minute, ends_minute)
    SELECT id, '2000-01-01', seq, 0, 1440 FROM doctors CROSS JOIN seq_1_to_7;"
  local source
  for source in "$patients_db:patients" "$doctors_db:doctors"; do
    "${sql[@]}" "${source%%:*}" -e "SELECT LOWER(CONCAT_WS('-', SUBSTR(HEX(id),1,8), SUBSTR(HEX(id),9,4),
      SUBSTR(HEX(id),13,4), SUBSTR(HEX(id),17,4), SUBSTR(HEX(id),21))) FROM ${source##*:} ORDER BY name" \
      >"$dir/all-${source##*:}.txt"
  done
}

# CPU time (user + system, in clock ticks) the processes PIDS have used so far.
cpu_ticks() {
  local total=0 pid fields
  for pid in "$@"; do
    read -r -a fields <"/proc/$pid/stat" || continue
    total=$((total + fields[13] + fields[14]))
  done
  echo "$total"
}

# cpu_mark NAME=PIDS...: notes each set's CPU time; cpu_report NAME=PIDS... (the same sets,
# after a load_post) prints each set's CPU time per request since the mark.
cpu_mark() {
  CPU_MARKS=()
  local set
  for set in "$@"; do CPU_MARKS+=("$(cpu_ticks ${set#*=})"); done
}
cpu_report() {
  local line="[bench]   CPU per request:" set used i=0
  for set in "$@"; do
    used=$(($(cpu_ticks ${set#*=}) - CPU_MARKS[i]))
    line+="$(printf ' %s %.2f ms' "${set%%=*}" "$(echo "$used * 1000 / $(getconf CLK_TCK) / $LOAD_REQUESTS" | bc -l)")"
    i=$((i + 1))
  done
  echo "$line"
}
