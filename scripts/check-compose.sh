#!/usr/bin/env bash
# Validates compose/ without a Docker engine: the Compose file against the Compose schema
# (`docker compose config`, or Debian's docker-compose when the plugin is absent), and
# compose/router.config.yaml against router/router.config.yaml (the same settings, plus the
# subgraph URLs by service name).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if docker compose version >/dev/null 2>&1; then
  docker compose -f compose/compose.yaml config -q
else
  command -v docker-compose >/dev/null || {
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >/dev/null
  }
  docker-compose -f compose/compose.yaml config -q
fi

settings() { grep -v '^\s*#' "$1" | grep -v '^\s*$' | sed '/^override_subgraph_urls:/,$d'; }
if ! diff <(settings router/router.config.yaml) <(settings compose/router.config.yaml); then
  echo "compose/router.config.yaml differs from router/router.config.yaml (above): keep them in step" >&2
  exit 1
fi
echo "compose: compose/compose.yaml is valid; its router configuration matches"
