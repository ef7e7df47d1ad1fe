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
