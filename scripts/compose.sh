#!/usr/bin/env bash
# Regenerates every schema/<name>.graphql from the code (each subgraph's `--print-schema`)
# and composes schema/supergraph.graphql from supergraph.yaml with
# @theguild/federation-composition (scripts/compose, pinned in its package-lock.json), with
# the public API it serves (schema/api.graphql), and the front desk's typed operations
# generated from that (scripts/front-desk.sh codegen).
#   scripts/compose.sh           write them
#   scripts/compose.sh --check   fail when a committed schema is stale or composition fails
#                                (scripts/front-desk.sh check checks the operations)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
need_node

check=""
[[ "${1:-}" == "--check" ]] && check=1
SUBGRAPHS=(patients doctors appointments billing analytics)

cargo build --locked -q $(printf -- '--bin %s ' "${SUBGRAPHS[@]}")
stale=0
for name in "${SUBGRAPHS[@]}"; do
  if [[ -n "$check" ]]; then
    if ! cmp -s <("$CARGO_TARGET_DIR/debug/$name" --print-schema) "schema/$name.graphql"; then
      echo "compose: schema/$name.graphql is stale: run scripts/compose.sh and commit it" >&2
      stale=1
    fi
  else
    "$CARGO_TARGET_DIR/debug/$name" --print-schema > "schema/$name.graphql"
  fi
done

npm_ci_if_stale scripts/compose
node scripts/compose/compose.mjs ${check:+--check} || stale=1
if [[ -z "$check" && "$stale" == 0 ]]; then scripts/front-desk.sh codegen; fi
exit "$stale"
