#!/usr/bin/env bash
# Provisions and runs the real servers the project needs, natively on Debian, as root:
#   MariaDB (3306) and PostgreSQL (5432) from Debian packages,
#   Apache Kafka 4.x in KRaft single-node mode (9092) from Maven Central jars on the JDK,
#   FerretDB 1.24 (27017, MongoDB wire protocol, SQLite storage) built from the Go module proxy.
#
# Usage: scripts/infra.sh up | down | status | clean-test-topics | kafka-stop | kafka-start
#                         | kafka-freeze | kafka-thaw | postgres-freeze | postgres-thaw
#                         | postgres-restart
#
# Idempotent: a server already answering at its address is reused, an installed piece is not
# installed again. State (binaries, data, logs, pids) lives under $PMS_HOME
# (default /var/lib/pms-dev). Every server listens on 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PMS_HOME="${PMS_HOME:-/var/lib/pms-dev}"
MYSQL_PORT="${PMS_MYSQL_PORT:-3306}"
PG_PORT="${PMS_PG_PORT:-5432}"
KAFKA_PORT="${PMS_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${PMS_KAFKA_CONTROLLER_PORT:-9093}"
MONGO_PORT="${PMS_MONGO_PORT:-27017}"
DB_USER=pms
DB_PASSWORD=pms
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port name seconds logfile
  local deadline=$((SECONDS + $3))
  until port_open "$1"; do
    if ((SECONDS > deadline)); then
      [[ -f "$4" ]] && tail -n 30 "$4" >&2
      die "$2 did not open port $1 within $3 s (log: $4)"
    fi
    sleep 0.3
  done
}

apt_updated=""
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  ((${#missing[@]})) || return 0
  [[ $EUID -eq 0 ]] || die "installing ${missing[*]} needs root"
  if [[ -z "$apt_updated" ]]; then apt-get update -q >/dev/null; apt_updated=1; fi
  log "installing ${missing[*]}"
  # Debian's maintainer scripts try to start the services; we run our own instances instead.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

start_bg() { # name logfile command...
  local name=$1 logfile=$2; shift 2
  mkdir -p "$PMS_HOME/run" "$PMS_HOME/log"
  setsid "$@" >>"$logfile" 2>&1 < /dev/null &
  echo $! > "$PMS_HOME/run/$name.pid"
}

# --- MariaDB ---------------------------------------------------------------
mariadb_up() {
  if port_open "$MYSQL_PORT"; then log "MariaDB: reusing the server on port $MYSQL_PORT"; return; fi
  apt_install mariadb-server mariadb-client
  local data="$PMS_HOME/mariadb" logfile="$PMS_HOME/log/mariadb.log"
  mkdir -p "$PMS_HOME/log" "$PMS_HOME/run"
  if [[ ! -d "$data/mysql" ]]; then
    log "MariaDB: initialising $data"
    mkdir -p "$data"
    mariadb-install-db --user=root --datadir="$data" --auth-root-authentication-method=socket >/dev/null
  fi
  start_bg mariadb "$logfile" mariadbd --user=root --datadir="$data" \
    --bind-address=127.0.0.1 --port="$MYSQL_PORT" --socket="$PMS_HOME/run/mariadb.sock" \
    --pid-file="$PMS_HOME/run/mariadbd.pid" --max-connections=1000 \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --skip-name-resolve
  wait_port "$MYSQL_PORT" MariaDB 60 "$logfile"
  mariadb --socket="$PMS_HOME/run/mariadb.sock" -uroot <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS patients;
CREATE DATABASE IF NOT EXISTS doctors;
FLUSH PRIVILEGES;
SQL
  log "MariaDB: up on 127.0.0.1:$MYSQL_PORT (user $DB_USER)"
}

# --- PostgreSQL ------------------------------------------------------------
postgres_up() {
  if port_open "$PG_PORT"; then log "PostgreSQL: reusing the server on port $PG_PORT"; return; fi
  if [[ -z "$PG_BIN" ]]; then
    apt_install postgresql postgresql-contrib
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  local data="$PMS_HOME/postgres" logfile="$PMS_HOME/log/postgres.log"
  mkdir -p "$PMS_HOME/log" "$PMS_HOME/run"
  # PostgreSQL refuses to run as root: it runs as the `postgres` system user.
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$data" --shell /usr/sbin/nologin postgres
  if [[ ! -f "$data/PG_VERSION" ]]; then
    log "PostgreSQL: initialising $data"
    mkdir -p "$data"; chown postgres: "$data"; chmod 700 "$data"
    local pwfile; pwfile="$(mktemp)"; echo "$DB_PASSWORD" > "$pwfile"; chmod 644 "$pwfile"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$data" -U "$DB_USER" --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
    rm -f "$pwfile"
  fi
  touch "$logfile"; chown postgres: "$logfile"
  chown postgres: "$PMS_HOME/run"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -l "$logfile" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PMS_HOME/run -c max_connections=500 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
  wait_port "$PG_PORT" PostgreSQL 60 "$logfile"
  for db in appointments billing; do
    runuser -u postgres -- "$PG_BIN/psql" -h "$PMS_HOME/run" -p "$PG_PORT" -U "$DB_USER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
      || runuser -u postgres -- "$PG_BIN/createdb" -h "$PMS_HOME/run" -p "$PG_PORT" -U "$DB_USER" "$db"
  done
  log "PostgreSQL: up on 127.0.0.1:$PG_PORT (user $DB_USER)"
}

# --- Kafka -----------------------------------------------------------------
kafka_up() {
  if port_open "$KAFKA_PORT"; then log "Kafka: reusing the broker on port $KAFKA_PORT"; return; fi
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  local home="$PMS_HOME/kafka" logfile="$PMS_HOME/log/kafka.log"
  local stamp; stamp="$(sha256sum "$ROOT/scripts/kafka/pom.xml" | cut -c1-16)"
  if [[ ! -f "$home/libs/.$stamp" ]]; then
    log "Kafka: resolving broker jars from Maven Central"
    rm -rf "$home/libs"; mkdir -p "$home/libs"
    mvn -q -B -Dstyle.color=never -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$home/libs" >/dev/null
    touch "$home/libs/.$stamp"
  fi
  mkdir -p "$home/data" "$PMS_HOME/log"
  cat > "$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$home/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
  cat > "$home/log4j2.properties" <<'PROPS'
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.coordinator.name = org.apache.kafka.coordinator.group
logger.coordinator.level = INFO
PROPS
  local java_opts=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$home/log4j2.properties" -cp "$home/libs/*")
  if [[ ! -f "$home/data/meta.properties" ]]; then
    log "Kafka: formatting KRaft storage"
    local cluster_id; cluster_id="$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java "${java_opts[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$home/server.properties" >/dev/null
  fi
  start_bg kafka "$logfile" java "${java_opts[@]}" kafka.Kafka "$home/server.properties"
  wait_port "$KAFKA_PORT" Kafka 120 "$logfile"
  log "Kafka: up on 127.0.0.1:$KAFKA_PORT"
}

# --- FerretDB --------------------------------------------------------------
ferretdb_up() {
  if port_open "$MONGO_PORT"; then log "FerretDB: reusing the server on port $MONGO_PORT"; return; fi
  command -v go >/dev/null || apt_install golang-go
  local bin="$PMS_HOME/bin/ferretdb" logfile="$PMS_HOME/log/ferretdb.log"
  local stamp; stamp="$(cat "$ROOT/scripts/ferretdb/go.sum" "$ROOT/scripts/ferretdb/main.go" | sha256sum | cut -c1-16)"
  if [[ ! -x "$bin" || ! -f "$PMS_HOME/bin/.ferretdb-$stamp" ]]; then
    log "FerretDB: building from the Go module proxy"
    mkdir -p "$PMS_HOME/bin"
    (cd "$ROOT/scripts/ferretdb" && go build -o "$bin" .)
    rm -f "$PMS_HOME"/bin/.ferretdb-*; touch "$PMS_HOME/bin/.ferretdb-$stamp"
  fi
  start_bg ferretdb "$logfile" "$bin" --listen-addr "127.0.0.1:$MONGO_PORT" --data-dir "$PMS_HOME/ferretdb"
  wait_port "$MONGO_PORT" FerretDB 60 "$logfile"
  log "FerretDB: up on 127.0.0.1:$MONGO_PORT"
}

stop_pid() { # name
  local pidfile="$PMS_HOME/run/$1.pid"
  [[ -f "$pidfile" ]] || return 0
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
  log "$1: stopped"
}

case "${1:-up}" in
  up)
    mariadb_up
    postgres_up
    kafka_up
    ferretdb_up
    log "all servers up (state in $PMS_HOME)"
    ;;
  down)
    stop_pid ferretdb
    stop_pid kafka
    if [[ -f "$PMS_HOME/postgres/postmaster.pid" && -n "$PG_BIN" ]]; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PMS_HOME/postgres" -m fast stop >/dev/null && log "PostgreSQL: stopped"
    fi
    stop_pid mariadb
    ;;
  kafka-stop)
    # For the outage test (router/tests/e2e/outage.rs): the broker only, the rest stays up.
    stop_pid kafka
    ;;
  kafka-start)
    kafka_up
    ;;
  kafka-freeze | kafka-thaw)
    # For the stall drill (router/tests/e2e/stall.rs): the broker's JVM stopped with SIGSTOP
    # (connections stay open, nothing answers, as on a starved machine), then resumed.
    pidfile="$PMS_HOME/run/kafka.pid"
    [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null || die "Kafka was not started by this script"
    if [[ $1 == kafka-freeze ]]; then kill -STOP "$(cat "$pidfile")"; log "Kafka: frozen"
    else kill -CONT "$(cat "$pidfile")"; log "Kafka: resumed"; fi
    ;;
  postgres-freeze | postgres-thaw)
    # For the stall drill: every PostgreSQL process (server and connections) stopped, then resumed.
    if [[ $1 == postgres-freeze ]]; then pkill -STOP -u postgres -x postgres; log "PostgreSQL: frozen"
    else pkill -CONT -u postgres -x postgres; log "PostgreSQL: resumed"; fi
    ;;
  postgres-restart)
    # For the whole-system drills (scripts/bench.sh): a fast shutdown (connections cut,
    # transactions in flight rolled back) and a start with the same options.
    [[ -f "$PMS_HOME/postgres/postmaster.pid" && -n "$PG_BIN" ]] || die "PostgreSQL was not started by this script"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PMS_HOME/postgres" -l "$PMS_HOME/log/postgres.log" -m fast -w -t 60 restart >/dev/null
    wait_port "$PG_PORT" PostgreSQL 60 "$PMS_HOME/log/postgres.log"
    log "PostgreSQL: restarted"
    ;;
  clean-test-topics)
    # Tests make a topic each (`*-test-<uuid>`, their DLQs too); drop them between runs so
    # the broker's state, and its start-up after an unclean stop, stay small.
    port_open "$KAFKA_PORT" || die "Kafka is not running"
    if java -cp "$PMS_HOME/kafka/libs/*" -Dlog4j2.configurationFile="$PMS_HOME/kafka/log4j2.properties" \
      org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
      --delete --topic '.*-test-.*' --if-exists >/dev/null 2>&1; then
      log "Kafka: test topics deleted"
    else
      log "Kafka: could not delete test topics (left in place)"
    fi
    ;;
  status)
    for s in "MariaDB:$MYSQL_PORT" "PostgreSQL:$PG_PORT" "Kafka:$KAFKA_PORT" "FerretDB:$MONGO_PORT"; do
      if port_open "${s#*:}"; then echo "${s%%:*} up (${s#*:})"; else echo "${s%%:*} down (${s#*:})"; fi
    done
    ;;
  *) die "usage: $0 up | down | status | clean-test-topics | kafka-stop | kafka-start | kafka-freeze | kafka-thaw | postgres-freeze | postgres-thaw | postgres-restart" ;;
esac
