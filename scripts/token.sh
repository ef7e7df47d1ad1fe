#!/usr/bin/env bash
# Prints a signed token of the development issuer, for GraphiQL's Headers tab
# ({"Authorization": "Bearer <token>"}) or curl (-H "authorization: Bearer <token>"):
#
#   scripts/token.sh front-desk | billing-clerk | administrator
#   scripts/token.sh doctor <doctor-id> | patient <patient-id>
#   scripts/token.sh front-desk --hours 1     # valid for 1 hour (default 12)
#   scripts/token.sh --jwks                   # the key set's path (the router's JWKS_FILE)
#
# The key pair is created on first use in ~/.config/pms/dev-issuer (PMS_DEV_ISSUER_DIR),
# outside the repository. A router with PMS_ENVIRONMENT=production refuses this issuer.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh
cargo build -q --locked -p identity --bin pms-token
exec "$CARGO_TARGET_DIR/debug/pms-token" "$@"
