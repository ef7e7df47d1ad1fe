# Fault drills of scripts/bench.sh (sourced by it: uses its system, `load`, `attack`,
# `ledger`, `start`, `ready`). Each drill books DRILL_RATE (50) bookings/s for DRILL_SECONDS
# (90) on days of its own, beside `patient(id)` reads at 20/s, injects its fault 15 s in,
# and once everything has caught up checks that
#   - every acknowledged booking is stored (nothing lost), and nothing is stored that the
#     client was told failed (a row without an acknowledgement is allowed only for a request
#     whose answer never came: a cut connection);
#   - every appointment has exactly one bill, no doctor or patient is double-booked;
#   - the dashboard counts the drill's days' appointments exactly (nothing counted twice);
#   - no request failed other than as the drill allows (e.g. `UPSTREAM_UNAVAILABLE` while
#     the doctors subgraph is frozen), and the reads beside never failed.

DRILLS="${DRILLS:-kafka billing postgres doctors router}"   # which, in this order
DRILL_RATE="${DRILL_RATE:-50}"
DRILL_SECONDS="${DRILL_SECONDS:-90}"
drill_day=100

# run_drill NAME TITLE FAULT "BOOKING CODES ALLOWED" "READ CODES ALLOWED" [CHECK]: runs FAULT (a
# function) 15 s into the bookings, in this shell, and appends the drill's result to
# drills.jsonl; CHECK, a function run once the load is over, may set DRILL_EXTRA to a JSON
# object of more figures, its `true`/`false` members more checks.
run_drill() {
  local name=$1 title=$2 fault=$3 booking_codes=$4 read_codes=$5 check=${6:-}
  [[ " $DRILLS " == *" $name "* ]] || return 0
  local first=$drill_day from to code
  drill_day=$((drill_day + 10))
  from="$(day "$first")" to="$(day $((first + 9)))"
  local booking_expect=() read_expect=()
  for code in $booking_codes; do booking_expect+=(--expect "$code"); done
  for code in $read_codes; do read_expect+=(--expect "$code"); done
  echo "[bench] drill: $title"
  load bookings "$R" "$TOKEN" "$RUN/patients.txt" "$RUN/doctors.txt" "$first" \
    | attack "drill-$name" 16 "$DRILL_RATE" "${DRILL_SECONDS}s" "${booking_expect[@]}" --ids "$RUN/drill-$name-ids.txt" &
  local bookings=$!
  load patients "$R" "$TOKEN" "$RUN/patients.txt" \
    | attack "drill-$name-reads" 4 20 "${DRILL_SECONDS}s" "${read_expect[@]}" &
  local reads=$!
  sleep 15
  "$fault"
  wait "$bookings" "$reads"
  DRILL_EXTRA='{}'
  if [[ -n "$check" ]]; then "$check" "$name"; fi
  await_bills 180
  local stored counted
  stored=$(appointments_count "WHERE local_date BETWEEN '$from' AND '$to'")
  counted=$(await_counted 180 "$from" "$to" "$stored")
  pg -d bench_s_appointments -c "SELECT id FROM appointments WHERE local_date BETWEEN '$from' AND '$to'" \
    | LC_ALL=C sort >"$RUN/drill-rows.txt"
  cut -d' ' -f1 "$RUN/drill-$name-ids.txt" | LC_ALL=C sort >"$RUN/drill-acked.txt"
  python3 - "$name" "$RESULTS" "$RUN" "$stored" "$counted" "{$(ledger)}" "$DRILL_EXTRA" "$title" <<'PY' >>"$RESULTS/drills.jsonl"
import json, sys
name, results, run, stored, counted, ledger, extra, title = sys.argv[1:9]
bookings = json.load(open(f"{results}/drill-{name}.json"))
reads = json.load(open(f"{results}/drill-{name}-reads.json"))
rows = set(open(f"{run}/drill-rows.txt").read().split())
acked = set(open(f"{run}/drill-acked.txt").read().split())
ledger, extra = json.loads(ledger), json.loads(extra)
cut = sum(kinds.get("transport", 0) for kinds in (c["outcomes"] for c in bookings["classes"].values()))
result = {
    "name": title, "key": name,
    "acknowledged": len(acked), "stored": int(stored), "counted_on_dashboard": int(counted),
    "lost": len(acked - rows), "stored_unacknowledged": len(rows - acked), "answers_never_came": cut,
    "booking_outcomes": {k: v for c in bookings["classes"].values() for k, v in c["outcomes"].items()},
    "booking_errors": bookings["errors"], "failed_booking_latency_ms": bookings["failed_latency_ms"],
    "read_outcomes": {k: v for c in reads["classes"].values() for k, v in c["outcomes"].items()},
    "read_errors": reads["errors"], "read_p99_ms": reads["latency_ms"].get("p99"),
    **ledger, **extra,
}
checks = {
    "nothing lost": result["lost"] == 0,
    "nothing stored that failed": result["stored_unacknowledged"] <= cut,
    "one bill each": ledger["appointments_without_bill"] == 0 and ledger["appointments_with_two_bills"] == 0
                     and ledger["bills_without_appointment"] == 0,
    "no double booking": ledger["double_bookings"] == 0,
    "counted once": result["counted_on_dashboard"] == result["stored"],
    "no unexpected failure": result["booking_errors"] == 0 and result["read_errors"] == 0,
    **{key: value for key, value in extra.items() if isinstance(value, bool)},
}
result["checks"] = checks
result["passed"] = all(checks.values())
failed = [check for check, ok in checks.items() if not ok]
result["summary"] = (f"{result['acknowledged']} bookings acknowledged, {result['stored']} stored, {result['lost']} lost, "
                     f"{ledger['appointments_with_two_bills']} double-billed, {ledger['double_bookings']} double-booked, "
                     f"dashboard {result['counted_on_dashboard']}; outcomes {result['booking_outcomes']}; reads beside "
                     f"{result['read_outcomes']}"
                     + "".join(f"; {key.replace('_', ' ')} {value}" for key, value in extra.items()
                               if not isinstance(value, bool))
                     + (f"; FAILED: {', '.join(failed)}" if failed else ""))
print(json.dumps(result))
PY
  echo "[bench] drill $name: $(tail -n1 "$RESULTS/drills.jsonl" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(("passed" if r["passed"] else "FAILED") + ": " + r["summary"])')"
}

fault_kafka() {
  scripts/infra.sh kafka-stop
  sleep 60
  scripts/infra.sh kafka-start
}
fault_billing() {
  # Killed while consuming, then killed again while it drains the backlog it came back to.
  kill -KILL "${PIDS[billing]}"; wait "${PIDS[billing]}" 2>/dev/null || true
  sleep 10
  start billing 8081
  sleep 2
  kill -KILL "${PIDS[billing]}"; wait "${PIDS[billing]}" 2>/dev/null || true
  start billing 8081
  ready billing http://127.0.0.1:8081/ready
}
fault_postgres() {
  scripts/infra.sh postgres-restart
}
fault_doctors() {
  kill -STOP "${PIDS[doctors]}"
  sleep 30
  kill -CONT "${PIDS[doctors]}"
}
fault_router() {
  kill -TERM "${PIDS[router]}"; wait "${PIDS[router]}" 2>/dev/null || true
  ROUTER_CONFIG_FILE_PATH="$ROOT/router/router.config.yaml" start router 4004
  ready router http://127.0.0.1:4004/readiness
  ROUTER_BACK=$(date +%s.%N)
}

# Bookings refused while a peer does not answer are refused within the reference timeout
# (2 s) and a little.
failed_fast() {
  DRILL_EXTRA=$(python3 -c 'import json, sys
failed = json.load(open(sys.argv[1]))["failed_latency_ms"]
print(json.dumps({"slowest_refusal_ms": failed.get("max"), "refused within 3 s": failed.get("count", 0) > 0 and failed["max"] <= 3000}))' \
    "$RESULTS/drill-$1.json")
}

# Every booking acknowledged from 5 s after the router was back reached the subscriber.
subscription_resumed() {
  sleep 3
  DRILL_EXTRA=$(python3 -c 'import json, sys
back = float(sys.argv[1])
acked = {i: float(t) for i, t in (line.split() for line in open(sys.argv[2]))}
received = {line.split()[1] for line in open(sys.argv[3]) if len(line.split()) == 3}
after = {i for i, t in acked.items() if t >= back + 5}
missed = len(after - received)
print(json.dumps({"updates_expected_after_restart": len(after), "updates_missed": missed,
                  "subscription resumed": len(after) > 0 and missed == 0}))' \
    "$ROUTER_BACK" "$RUN/drill-$1-ids.txt" "$RUN/updates.txt")
}

drills() {
  : >"$RESULTS/drills.jsonl"
  run_drill kafka "Kafka stopped for 60 s" fault_kafka "" ""
  run_drill billing "billing killed (SIGKILL) mid-drain, twice" fault_billing "" ""
  run_drill postgres "PostgreSQL restarted" fault_postgres "UPSTREAM_UNAVAILABLE" ""
  run_drill doctors "doctors subgraph frozen (SIGSTOP) for 30 s" fault_doctors "UPSTREAM_UNAVAILABLE" "" failed_fast
  # A subscriber stays connected through the router's restart.
  local subscriber=""
  if [[ " $DRILLS " == *" router "* ]]; then
    node --experimental-websocket scripts/bench/subscribe.cjs ws://127.0.0.1:4004/graphql "$TOKEN" \
      >"$RUN/updates.txt" 2>"$LOGS/subscriber.log" &
    subscriber=$!
    for _ in $(seq 1 50); do
      grep -q connected "$LOGS/subscriber.log" && break
      sleep 0.2
    done
    grep -q connected "$LOGS/subscriber.log" \
      || echo "[bench] the subscriber did not connect: $(tail -n3 "$LOGS/subscriber.log")" >&2
  fi
  # While it starts, the router answers 503 `NO_SUPERGRAPH_AVAILABLE` (Retry-After) until its
  # supergraph is loaded; before it listens, connections are refused.
  run_drill router "router restarted" fault_router "transport NO_SUPERGRAPH_AVAILABLE" \
    "transport NO_SUPERGRAPH_AVAILABLE" subscription_resumed
  if [[ -n "$subscriber" ]]; then kill "$subscriber" 2>/dev/null || true; fi
  python3 - "$RESULTS" <<'PY'
import json, sys
drills = [json.loads(line) for line in open(f"{sys.argv[1]}/drills.jsonl")]
json.dump({"drills": drills}, open(f"{sys.argv[1]}/drills.json", "w"), indent=1)
PY
  rm "$RESULTS/drills.jsonl"
}
