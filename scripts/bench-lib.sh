# Sourced by the benchmark scripts: wrk installed, and one POST load run reported the same
# way everywhere.

command -v wrk >/dev/null || { apt-get update -q >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
# vegeta, for fixed-rate (open model) loads, from the Go module proxy.
VEGETA="$(go env GOPATH)/bin/vegeta"
[[ -x "$VEGETA" ]] || go install github.com/tsenart/vegeta/v12@v12.13.0
DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-32}"
WRK_POST_LUA="$(mktemp --suffix=.lua)"
# `TOKEN`, when set, goes on every request as `Authorization: Bearer` (the router needs one).
cat > "$WRK_POST_LUA" <<'LUA'
wrk.method = os.getenv("METHOD") or "POST"
if wrk.method == "POST" then wrk.headers["Content-Type"] = "application/json" end
if os.getenv("TOKEN") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN") end
local many = os.getenv("BODIES")
if many and many ~= "" then
  -- Many requests, one body per line, sent in turn (so concurrent requests differ).
  local bodies = {}
  for line in io.lines(many) do bodies[#bodies + 1] = line end
  local turn = 0
  request = function()
    turn = turn % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[turn])
  end
else
  wrk.body = os.getenv("BODY")
end
local paths = os.getenv("PATHS")
if paths and paths ~= "" then
  -- GET requests for many paths (with their query strings), one per line, in turn.
  local list = {}
  for line in io.lines(paths) do list[#list + 1] = line end
  local turn = 0
  request = function()
    turn = turn % #list + 1
    return wrk.format(nil, list[turn])
  end
end
LUA

# wrk_post NAME URL BODY [wrk prefix...]: checks that the query succeeds, runs wrk with
# $CONNECTIONS connections for $DURATION (prefixed by e.g. `taskset -c 1`), prints
# throughput, p50, p99 and non-2xx answers, and leaves the requests/s in WRK_RPS, the
# requests sent in WRK_REQUESTS and the p99 in milliseconds in WRK_P99_MS. BODY `@FILE`
# sends the bodies of FILE (one per line) in turn.
wrk_post() {
  local name=$1 url=$2 body=$3; shift 3
  local bodies=""
  if [[ "$body" == @* ]]; then bodies="${body#@}"; body="$(head -n1 "$bodies")"; fi
  local check; check="$(curl -fsS "$url" -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "$body")"
  if [[ "$check" == *'"errors"'* || "$check" != *'"data"'* ]]; then
    echo "[bench] $name: the query fails: $check" >&2; exit 1
  fi
  METHOD=POST BODY="$body" BODIES="$bodies" PATHS="" wrk_run "$name" "$url" "$@"
}

# wrk_get NAME URL [wrk prefix...]: as wrk_post, for GET requests (the FHIR interface);
# the URL must answer 200 first. With PATHS naming a file of paths (one per line, on URL's
# server), those are requested in turn instead.
wrk_get() {
  local name=$1 url=$2; shift 2
  local check="$url"
  if [[ -n "${PATHS:-}" ]]; then check="${url%%://*}://$(cut -d/ -f3 <<<"$url")$(head -n1 "$PATHS")"; fi
  curl -fsS -o /dev/null "$check" ${TOKEN:+-H "authorization: Bearer $TOKEN"} || {
    echo "[bench] $name: $check fails" >&2; exit 1
  }
  METHOD=GET BODY="" BODIES="" wrk_run "$name" "$url" "$@"
}

wrk_run() {
  local name=$1 url=$2; shift 2
  local out; out="$("$@" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WRK_POST_LUA" "$url")"
  WRK_RPS="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  WRK_REQUESTS="$(awk '/requests in/ {print $1}' <<<"$out")"
  WRK_P99_MS="$(awk '$1 == "99%" { v = $2; f = 1
      if (v ~ /us$/) f = 0.001; else if (v ~ /ms$/) f = 1; else if (v ~ /s$/) f = 1000
      sub(/[a-z]+$/, "", v); print v * f }' <<<"$out")"
  printf '[bench] %-34s %10s req/s   p50 %-8s p99 %-8s %s\n' "$name" "$WRK_RPS" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
    "$(awk '/Non-2xx/ {print "non-2xx: " $NF}' <<<"$out")"
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
# after a wrk_post) prints each set's CPU time per request since the mark.
cpu_mark() {
  CPU_MARKS=()
  local set
  for set in "$@"; do CPU_MARKS+=("$(cpu_ticks ${set#*=})"); done
}
cpu_report() {
  local line="[bench]   CPU per request:" set used i=0
  for set in "$@"; do
    used=$(($(cpu_ticks ${set#*=}) - CPU_MARKS[i]))
    line+="$(printf ' %s %.2f ms' "${set%%=*}" "$(echo "$used * 1000 / $(getconf CLK_TCK) / $WRK_REQUESTS" | bc -l)")"
    i=$((i + 1))
  done
  echo "$line"
}
