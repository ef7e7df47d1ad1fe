#!/usr/bin/env bash
# Validates compose/ without a Docker engine: the Compose file against the Compose schema
# (`docker compose config`, or Debian's docker-compose when the plugin is absent), and
# compose/router.config.yaml against router/router.config.yaml (the same settings, plus the
# subgraph URLs by service name).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if docker compose version >/dev/null 2>&1; then
  compose() { docker compose -f compose/compose.yaml "$@"; }
else
  command -v docker-compose >/dev/null || {
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >/dev/null
  }
  compose() { docker-compose -f compose/compose.yaml "$@"; }
fi
# The credentials have no defaults: without them Compose refuses, naming what is missing.
if refused="$(env -u PMS_DB_PASSWORD -u MYSQL_ROOT_PASSWORD bash -c "$(declare -f compose); compose config -q" 2>&1)"; then
  echo "compose/compose.yaml runs without PMS_DB_PASSWORD and MYSQL_ROOT_PASSWORD: it must refuse" >&2
  exit 1
fi
grep -q "PMS_DB_PASSWORD\|MYSQL_ROOT_PASSWORD" <<<"$refused" || {
  echo "Compose refused without the credentials but did not name them: $refused" >&2
  exit 1
}
PMS_DB_PASSWORD=check MYSQL_ROOT_PASSWORD=check PMS_KEYS_DIR=/tmp PMS_SUBGRAPH_SECRET=check compose config -q

settings() { grep -v '^\s*#' "$1" | grep -v '^\s*$' | sed '/^override_subgraph_urls:/,$d'; }
if ! diff <(settings router/router.config.yaml) <(settings compose/router.config.yaml); then
  echo "compose/router.config.yaml differs from router/router.config.yaml (above): keep them in step" >&2
  exit 1
fi
echo "compose: compose/compose.yaml is valid; its router configuration matches"
