#!/usr/bin/env bash
# The FHIR R4 validator the tests check every emitted resource with, offline: HAPI FHIR's
# instance validator and the official R4 definitions (fhir/validator/pom.xml), resolved from
# Maven Central once into $PMS_HOME/fhir-validator and run on the JDK.
#
#   scripts/fhir-validator.sh FILE...       prints each error and warning; exit 1 on any error
#   scripts/fhir-validator.sh serve PORT    an HTTP validator for tests (POST /validate),
#                                           until its stdin closes
#   scripts/fhir-validator.sh provision     only resolve the jars
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PMS_HOME="${PMS_HOME:-/var/lib/pms-dev}"
home="$PMS_HOME/fhir-validator"

install_missing() {
  local missing=()
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  if ((${#missing[@]})); then
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_missing
stamp="$(sha256sum "$ROOT/fhir/validator/pom.xml" | cut -c1-16)"
if [[ ! -f "$home/libs/.$stamp" ]]; then
  echo "[fhir-validator] resolving HAPI FHIR's validator from Maven Central" >&2
  rm -rf "$home/libs"; mkdir -p "$home/libs"
  mvn -q -B -Dstyle.color=never -f "$ROOT/fhir/validator/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$home/libs" >/dev/null
  touch "$home/libs/.$stamp"
fi
[[ "${1:-}" == provision ]] && exit 0
exec java -Xmx1g -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
  -cp "$home/libs/*" "$ROOT/fhir/validator/Validator.java" "$@"
