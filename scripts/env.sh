# Sourced by the scripts: shared defaults for local runs and CI.
# One cargo target directory outside the checkout, shared by every checkout and CI run on
# this machine (a cold build of the dependencies is the slowest step by far).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pms/target}"
# CI builds each revision once: incremental caches there only fill the disk (tens of GB).
if [[ -n "${CI:-}" ]]; then export CARGO_INCREMENTAL=0; fi
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export TEST_MYSQL_URL="${TEST_MYSQL_URL:-mysql://pms:pms@127.0.0.1:3306}"
export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-postgres://pms:pms@127.0.0.1:5432}"
export TEST_MONGO_URL="${TEST_MONGO_URL:-mongodb://127.0.0.1:27017}"

# Node.js 20.19 or later builds the router's browser apps (GraphiQL, the front desk) and
# composes the supergraph; Debian's `nodejs` package is used when none is installed (Debian
# 12's is older: install a newer one, e.g. from NodeSource, and the scripts take it).
need_node() {
  if ! command -v node >/dev/null; then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null
  fi
  node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
    process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)' || {
    echo "Node.js $(node --version) is too old: the front desk's build (Vite) needs 20.19 or later" >&2
    return 1
  }
}

# Installs the npm packages of the project in directory $1 from its committed lock file,
# unless they are installed already from that lock.
npm_ci_if_stale() {
  if [[ ! -d "$1/node_modules" ]] || [[ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]]; then
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
