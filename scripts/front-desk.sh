#!/usr/bin/env bash
# The front desk web app (front-desk/): its npm packages, typed operations and checks.
#   scripts/front-desk.sh codegen           regenerates front-desk/src/gql/ from schema/api.graphql
#   scripts/front-desk.sh codegen --check   fails when the committed one is stale
#   scripts/front-desk.sh check             codegen --check, the TypeScript type check and the
#                                           unit tests (Vitest)
#   scripts/front-desk.sh dev               Vite's dev server on http://localhost:5173 (hot
#                                           reload), the API from the router on 4004
#   scripts/front-desk.sh screenshots       runs the browser tests (the servers must be up:
#                                           scripts/infra.sh up) and writes the README's
#                                           screenshots, docs/front-desk/*.png
# The router embeds the production build itself (router/build.rs); nothing here is needed
# for that. Packages are pinned by front-desk/package-lock.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
need_node

npm_ci_if_stale front-desk
cd front-desk
case "${1:-}" in
  codegen)
    if [[ "${2:-}" == "--check" ]]; then
      out="$(npx graphql-codegen --config codegen.ts --check 2>&1)" || {
        echo "$out" >&2
        echo "front-desk: src/gql/ is stale: run scripts/front-desk.sh codegen (or scripts/compose.sh) and commit it" >&2
        exit 1
      }
      echo "front-desk: src/gql/ is up to date"
    else
      npx graphql-codegen --config codegen.ts --silent
    fi
    ;;
  check)
    "$ROOT/scripts/front-desk.sh" codegen --check
    npx tsc --noEmit
    echo "front-desk: type check passed"
    npx vitest run --reporter=dot
    ;;
  screenshots)
    shots="$(mktemp -d)"
    (cd "$ROOT" && SCREENSHOTS="$shots" cargo test --locked -p router --test e2e front_desk)
    mkdir -p "$ROOT/docs/front-desk"
    for screen in day-board book appointment dashboard; do
      cp "$shots/$screen.png" "$ROOT/docs/front-desk/$screen.png"
    done
    rm -rf "$shots"
    echo "front-desk: wrote docs/front-desk/*.png"
    ;;
  dev) exec npx vite ;;
  *)
    echo "usage: scripts/front-desk.sh codegen [--check] | check | dev | screenshots" >&2
    exit 2
    ;;
esac
