#!/usr/bin/env bash
# Sets up everything the tests need and runs them all:
#   real servers (scripts/infra.sh up), formatting and lint checks, the committed schemas
#   (every schema/<name>.graphql and the composed supergraph, scripts/compose.sh --check),
#   the front desk's typed operations and type check (scripts/front-desk.sh check),
#   HAPI FHIR's validator for the FHIR interface's tests (scripts/fhir-validator.sh), the
#   benchmarks' statistics (scripts/bench/test_stats.py),
#   then every test of the workspace against those servers, and last, alone, the Kafka
#   outage test (router/tests/e2e/outage.rs), which stops the broker for a minute.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

started=$SECONDS
# The router's GraphiQL and front desk checks drive Debian's Chromium (through
# playwright-core); their bundles are built with Node.js and npm.
if ! command -v chromium >/dev/null; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
fi
need_node
# Each CI clone builds the workspace crates anew into the shared target directory: drop
# every earlier checkout's copies first (a relink for a live one).
if [[ -n "${CI:-}" ]]; then KEEP_MINUTES=0 scripts/prune-target.sh; fi
scripts/infra.sh up
scripts/infra.sh clean-test-topics
# The FHIR interface's tests validate every answer with HAPI FHIR's validator (Java).
scripts/fhir-validator.sh provision
echo "[test] servers ready after $((SECONDS - started)) s"

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
scripts/compose.sh --check
scripts/front-desk.sh check
scripts/check-compose.sh
# The benchmarks' percentile and lag computations (scripts/bench/stats.py).
python3 -m unittest discover -s scripts/bench -p 'test_*.py'
# The front desk's browser tests save a screenshot of each screen here (kept after the run).
export SCREENSHOTS="${SCREENSHOTS:-${XDG_CACHE_HOME:-$HOME/.cache}/pms/front-desk-screenshots}"
cargo test --workspace --locked --no-fail-fast
# The drills stop or freeze the shared Kafka broker, and run the deployed binaries: alone,
# last, one at a time.
cargo build --workspace --bins --locked
# A drill that hangs (a wait without a deadline somewhere) fails the run within 40 minutes
# rather than holding CI to its limit; `timeout` signals its whole process group, so the
# services the drill started go too, and the servers a drill froze are thawed.
timeout --kill-after=30s 40m cargo test -p router --test e2e --locked -- --ignored --test-threads=1 || {
  status=$?
  if ((status == 124 || status == 137)); then
    echo "[test] the drills did not finish within 40 minutes" >&2
    scripts/infra.sh kafka-thaw || true
    scripts/infra.sh postgres-thaw || true
  fi
  exit "$status"
}
echo "[test] done in $((SECONDS - started)) s"
