#!/usr/bin/env bash
# Removes this workspace's own build outputs that no build has written for KEEP_MINUTES
# (default 360) from the shared cargo target directory. Cargo hashes a path package's
# location into its artifacts' names, so every checkout at another path (each CI clone)
# builds its own copies of the workspace crates, and nothing ever removes them.
# Dependencies (crates.io, the slow part of a cold build) are left alone; a pruned crate of
# a live checkout is only rebuilt at its next build.
#   scripts/prune-target.sh
#   KEEP_MINUTES=0 scripts/prune-target.sh    # what scripts/test.sh runs under CI
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
KEEP_MINUTES="${KEEP_MINUTES:-360}"

# The workspace's crates and the names of their test, example and build-script targets.
names=()
for member in router subgraphs/*/; do
  names+=("$(basename "$member")")
  for target in "$member"/tests/* "$member"/examples/*.rs; do
    [[ -e "$target" ]] && names+=("$(basename "$target" .rs)")
  done
done

before="$(df -Pk "$CARGO_TARGET_DIR" 2>/dev/null | awk 'NR == 2 {print $4}')"
for profile in debug release; do
  for dir in deps examples build .fingerprint; do
    path="$CARGO_TARGET_DIR/$profile/$dir"
    [[ -d "$path" ]] || continue
    patterns=()
    for name in "${names[@]}"; do
      patterns+=(-name "$name-*" -o -name "lib$name-*" -o)
    done
    unset 'patterns[${#patterns[@]}-1]'
    find "$path" -mindepth 1 -maxdepth 1 \( "${patterns[@]}" \) -mmin +"$KEEP_MINUTES" \
      -exec rm -rf {} +
  done
done
after="$(df -Pk "$CARGO_TARGET_DIR" 2>/dev/null | awk 'NR == 2 {print $4}')"
echo "[prune] freed $(((after - before) / 1024)) MB of stale workspace build outputs"
