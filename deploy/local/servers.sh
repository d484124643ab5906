#!/usr/bin/env bash
# Fetch, start and stop the real servers partnerops needs, on this machine,
# without Docker:
#
#   * kafka    Apache Kafka 3.9.1, KRaft combined mode (broker + controller,
#              node 1), from the Maven Central jars (deploy/local/kafka/pom.xml);
#   * mongo    the MongoDB-wire server: mongo-java-server 1.47.0 with its H2
#              backend (Maven Central jars + deploy/local/mongo/Launcher.java),
#              or FerretDB 1.24.0 (SQLite) built from the Go module proxy when
#              PARTNEROPS_MONGO_SERVER=ferretdb (deploy/local/mongo/server.sh);
#   * mailpit  Mailpit 1.33.1, the mail catcher (SMTP, web UI, HTTP API), built
#              from the Go module proxy (deploy/local/mailpit/server.sh).
#
# Usage: deploy/local/servers.sh COMMAND [kafka|mongo|mailpit|all]   (default: all)
#
#   start    fetch/build what is missing, start, wait until the server answers
#   stop     SIGTERM, wait, then SIGKILL; harmless when not running
#   restart  stop then start
#   status   "NAME: running|stopped ..." per server, with the ports it actually
#            listens on; exit 0 if all requested servers are running, 3 otherwise
#   env      print the PARTNEROPS_* exports pointing the services at them:
#            eval "$(deploy/local/servers.sh env)"
#
# `start` records the ports each server was started on in the state directory
# (run/NAME.ports); while that server runs, `status`, `env` and a second `start`
# use the recorded ports, whatever PARTNEROPS_*_PORT say in the calling shell.
#   logs     print the tail of the server logs (PARTNEROPS_LOG_LINES, 100)
#   fetch    only download/build the artifacts into the cache
#   reset    stop, then wipe the data directories
#
# Environment (all optional):
#   PARTNEROPS_CACHE          downloaded/built artifacts (~/.cache/partnerops)
#   PARTNEROPS_STATE          data dirs, pid files, logs (<repo>/.local)
#   PARTNEROPS_KAFKA_PORT             39092
#   PARTNEROPS_KAFKA_CONTROLLER_PORT  39093
#   PARTNEROPS_MONGO_PORT             37017
#   PARTNEROPS_MONGO_SERVER           mongo-java-server (default) or ferretdb
#   PARTNEROPS_SMTP_PORT              31025 (Mailpit's SMTP)
#   PARTNEROPS_MAILPIT_HTTP_PORT      38025 (Mailpit's web UI and HTTP API)
#   PARTNEROPS_MAILPIT_MAX_MESSAGES   5000 (older mails are dropped beyond it)
#   PARTNEROPS_RESET=1        wipe the data directories before `start`
#   PARTNEROPS_START_TIMEOUT  seconds to wait for a server to answer (90)
#   PARTNEROPS_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (30)
#   PARTNEROPS_KAFKA_HEAP_OPTS        "-Xms256m -Xmx768m"
#   PARTNEROPS_MONGO_HEAP_OPTS        "-Xms64m -Xmx1g" (mongo-java-server)
#   PARTNEROPS_FERRETDB_LOG_LEVEL     warn
#   PARTNEROPS_KEEP_BUILD_CACHE=1     keep the Go module/build caches (and npm's)
#                                     after a Go build (otherwise removed)
#   JAVA_HOME                 Java 17; else `java` (and `javac`) on PATH
#
# Everything binds to 127.0.0.1 only. Needs bash, coreutils, java; on a cold
# cache also mvn (Kafka and mongo-java-server jars), javac (the launcher), go >=
# 1.26 with node and npm (Mailpit 1.33.1 asks for Go 1.26; ~1.5 min) and, for
# FerretDB only, go >= 1.22 (~1-2 min).

set -euo pipefail

readonly KAFKA_VERSION=3.9.1

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SCRIPT_DIR REPO_ROOT

if [[ -z "${HOME:-}" ]]; then
    HOME=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6 || true)
    HOME=${HOME:-/tmp}
    export HOME
fi

abspath() { # make a (possibly relative, possibly missing) dir absolute
    mkdir -p -- "$1" && (cd -- "$1" && pwd)
}

CACHE_DIR=$(abspath "${PARTNEROPS_CACHE:-$HOME/.cache/partnerops}")
STATE_DIR=$(abspath "${PARTNEROPS_STATE:-$REPO_ROOT/.local}")
KAFKA_PORT=${PARTNEROPS_KAFKA_PORT:-39092}
KAFKA_CONTROLLER_PORT=${PARTNEROPS_KAFKA_CONTROLLER_PORT:-39093}
MONGO_PORT=${PARTNEROPS_MONGO_PORT:-37017}
MONGO_SERVER=${PARTNEROPS_MONGO_SERVER:-mongo-java-server}
SMTP_PORT=${PARTNEROPS_SMTP_PORT:-31025}
MAILPIT_HTTP_PORT=${PARTNEROPS_MAILPIT_HTTP_PORT:-38025}
MAILPIT_MAX_MESSAGES=${PARTNEROPS_MAILPIT_MAX_MESSAGES:-5000}
START_TIMEOUT=${PARTNEROPS_START_TIMEOUT:-90}
STOP_TIMEOUT=${PARTNEROPS_STOP_TIMEOUT:-30}
KAFKA_HEAP_OPTS=${PARTNEROPS_KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}
MONGO_HEAP_OPTS=${PARTNEROPS_MONGO_HEAP_OPTS:--Xms64m -Xmx1g}
FERRETDB_LOG_LEVEL=${PARTNEROPS_FERRETDB_LOG_LEVEL:-warn}
LOG_LINES=${PARTNEROPS_LOG_LINES:-100}
# The ports stay writable: a running server's recorded ones replace them (recorded_ports).
readonly CACHE_DIR STATE_DIR MONGO_SERVER MAILPIT_MAX_MESSAGES START_TIMEOUT STOP_TIMEOUT \
    KAFKA_HEAP_OPTS MONGO_HEAP_OPTS FERRETDB_LOG_LEVEL LOG_LINES

readonly HOST=127.0.0.1
readonly LOG_DIR=$STATE_DIR/logs
readonly RUN_DIR=$STATE_DIR/run

# Kafka layout
readonly KAFKA_HOME=$CACHE_DIR/kafka-$KAFKA_VERSION
readonly KAFKA_LIBS=$KAFKA_HOME/libs
readonly KAFKA_CONF_DIR=$STATE_DIR/kafka
readonly KAFKA_DATA=$STATE_DIR/kafka-data
readonly KAFKA_LOG=$LOG_DIR/kafka.log
readonly KAFKA_OUT=$LOG_DIR/kafka.stdout.log # JVM's own stdout/stderr
readonly KAFKA_PID=$RUN_DIR/kafka.pid

# ---------------------------------------------------------------- helpers

say() { printf '[servers] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

validate_port() {
    if ! [[ "$2" =~ ^[0-9]+$ ]] || (($2 < 1 || $2 > 65535)); then
        die "$1 must be a TCP port number, got '$2'"
    fi
}
validate_port PARTNEROPS_KAFKA_PORT "$KAFKA_PORT"
validate_port PARTNEROPS_KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
validate_port PARTNEROPS_MONGO_PORT "$MONGO_PORT"
validate_port PARTNEROPS_SMTP_PORT "$SMTP_PORT"
validate_port PARTNEROPS_MAILPIT_HTTP_PORT "$MAILPIT_HTTP_PORT"
[[ "$SMTP_PORT" != "$MAILPIT_HTTP_PORT" ]] \
    || die "PARTNEROPS_SMTP_PORT and PARTNEROPS_MAILPIT_HTTP_PORT must differ"
[[ "$MAILPIT_MAX_MESSAGES" =~ ^[0-9]+$ ]] || die "PARTNEROPS_MAILPIT_MAX_MESSAGES must be a number"
case "$MONGO_SERVER" in
    mongo-java-server | ferretdb) ;;
    *) die "PARTNEROPS_MONGO_SERVER must be mongo-java-server or ferretdb, got '$MONGO_SERVER'" ;;
esac
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] \
    || die "PARTNEROPS_KAFKA_PORT and PARTNEROPS_KAFKA_CONTROLLER_PORT must differ"
[[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "PARTNEROPS_START_TIMEOUT must be seconds"
[[ "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] || die "PARTNEROPS_STOP_TIMEOUT must be seconds"

java_cmd() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        printf '%s\n' "$JAVA_HOME/bin/java"
    elif command -v java >/dev/null 2>&1; then
        command -v java
    else
        die "java not found (install a JDK/JRE 17, or set JAVA_HOME)"
    fi
}

# Run "$@" with an exclusive lock on file $1 (serialises concurrent fetches).
with_lock() {
    local lock=$1
    shift
    if command -v flock >/dev/null 2>&1; then
        (
            flock -w 900 9 || die "timed out waiting for lock $lock"
            "$@"
        ) 9>"$lock"
    else
        "$@"
    fi
}

port_open() { # port -> 0 if something accepts TCP connections on it
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" >/dev/null 2>&1
}

# When process $1 started, in clock ticks since boot (/proc/$1/stat, field 22);
# empty when there is no such process. A pid is reused once its process is gone
# (pid_max is 32768 by default); the pair (pid, start) names one process for good.
start_ticks() {
    sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20
}

# Whether process $1 runs: it exists and is not a zombie (a process that has
# exited stays a zombie until its parent reaps it; the servers are reparented
# to PID 1, which may reap only every few seconds) — and, when $2 is given, it
# is the process that started at $2 (start_ticks), not a later owner of the pid.
alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || true
    [[ "$state" != Z ]] || return 1
    [[ -z "${2:-}" || "$(start_ticks "$1")" == "$2" ]]
}

# A pid file holds "pid start" (start_ticks; a file written by an earlier version
# holds the pid alone): the pid, and the start it was recorded with.
pidfile_pid() { local line; line=$(<"$1") && printf '%s\n' "${line%% *}"; }
pidfile_start() {
    local line
    line=$(<"$1") || return 0
    [[ "$line" == *" "* ]] && printf '%s\n' "${line#* }"
    return 0
}

# pid from pid file $1 when that process is alive and is the one recorded: the
# same start when the file holds one (then the command line is not asked: just
# after the spawn it is not yet the server's — read while the child's execve is
# still setting it up, it is empty), else a command line containing $2. Empty
# otherwise, and a stale pid file is removed (unless it changed meanwhile: a
# start may have just written it).
live_pid() {
    local pidfile=$1 pattern=$2 pid start line
    [[ -f "$pidfile" ]] || return 0
    line=$(<"$pidfile") || true
    pid=${line%% *} start=
    [[ "$line" == *" "* ]] && start=${line#* }
    if [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" "$start" \
        && { [[ -n "$start" ]] \
            || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern"; }; then
        printf '%s\n' "$pid"
    elif [[ "$(cat -- "$pidfile" 2>/dev/null)" == "$line" ]]; then
        rm -f -- "$pidfile"
    fi
}

log_tail() { # file...
    local f
    for f in "$@"; do
        [[ -s "$f" ]] || continue
        say "---- last 60 lines of $f ----"
        tail -n 60 -- "$f" >&2 || true
        say "---- end of $f ----"
    done
}

rotate_if_big() { # keep plain stdout logs bounded (10 MiB, one old copy)
    local f=$1
    if [[ -f "$f" ]] && (($(stat -c %s -- "$f") > 10485760)); then
        mv -f -- "$f" "$f.1"
    fi
}

# Start "$@" detached (own session, no terminal, stdin from /dev/null,
# output to $2), write its pid to $1.
spawn() {
    local pidfile=$1 out=$2
    shift 2
    rotate_if_big "$out"
    printf '\n===== %s starting: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$out"
    if command -v setsid >/dev/null 2>&1; then
        nohup setsid "$@" </dev/null >>"$out" 2>&1 9>&- &
    else
        nohup "$@" </dev/null >>"$out" 2>&1 9>&- &
    fi
    printf '%s %s\n' "$!" "$(start_ticks "$!")" >"$pidfile"
}

# Wait until probe function $4 succeeds for server $1 (pid $2, pid file $3).
# On failure print the logs ($5...), stop the process and return 1.
wait_ready() {
    local name=$1 pid=$2 pidfile=$3 probe=$4 start
    shift 4
    local deadline=$((SECONDS + START_TIMEOUT))
    start=$(pidfile_start "$pidfile")
    while :; do
        if ! alive "$pid" "$start"; then
            rm -f -- "$pidfile"
            say "$name (pid $pid) exited during startup"
            log_tail "$@"
            return 1
        fi
        if "$probe"; then
            return 0
        fi
        if ((SECONDS >= deadline)); then
            say "$name (pid $pid) did not answer within ${START_TIMEOUT}s; stopping it"
            log_tail "$@"
            terminate "$name" "$pid" "$pidfile"
            return 1
        fi
        sleep 0.5
    done
}

# Every signal goes to the process the caller found, never to a later owner of
# its pid (its start is taken first and checked before each signal).
terminate() { # name pid pidfile
    local name=$1 pid=$2 pidfile=$3 deadline start
    start=$(start_ticks "$pid")
    if [[ -n "$start" ]] && alive "$pid" "$start"; then
        kill -TERM "$pid" 2>/dev/null || true
    fi
    deadline=$((SECONDS + STOP_TIMEOUT))
    while [[ -n "$start" ]] && alive "$pid" "$start"; do
        if ((SECONDS >= deadline)); then
            say "$name (pid $pid) still running after ${STOP_TIMEOUT}s; sending SIGKILL"
            { alive "$pid" "$start" && kill -KILL "$pid" 2>/dev/null; } || true
            sleep 0.5
            break
        fi
        sleep 0.2
    done
    rm -f -- "$pidfile"
}

hex_of_stdin() { od -An -v -tx1 | tr -d ' \n'; }

print_log() { # file: its last LOG_LINES lines, with a header
    if [[ -f "$1" ]]; then
        echo "==> $1 <=="
        tail -n "$LOG_LINES" -- "$1"
    else
        echo "==> $1 (no log yet) <=="
    fi
}

# Download Go module $1 at version $2 from the Go module proxy into a Go path
# private to $3 (so builds under different locks never share one), and copy its
# source to $3/build (writable). Go settings are exported for the `go build`
# that follows: call it inside `with_lock` (a subshell). Log to $4.
go_module_source() {
    local module=$1 version=$2 home=$3 buildlog=$4 dir
    command -v go >/dev/null 2>&1 \
        || die "go not found: it is needed once to build $module v$version (see its go.mod)"
    export GOPATH=$home/go/path
    export GOMODCACHE=$home/go/path/pkg/mod
    export GOCACHE=$home/go/build-cache
    export GOFLAGS=-buildvcs=false
    mkdir -p -- "$home"
    : >"$buildlog"
    say "downloading $module@v$version from the Go module proxy"
    dir=$(cd "$home" && go mod download -json "$module@v$version" \
        </dev/null 2>>"$buildlog" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p') || true
    if [[ -z "$dir" || ! -f "$dir/go.mod" ]]; then
        log_tail "$buildlog"
        die "go mod download of $module@v$version failed"
    fi
    rm -rf -- "$home/build"
    cp -R -- "$dir" "$home/build"
    chmod -R u+w -- "$home/build"
}

go_build_cleanup() { # home: drop the build copy and (unless kept) ~1 GB of Go caches
    rm -rf -- "$1/build"
    if [[ "${PARTNEROPS_KEEP_BUILD_CACHE:-0}" != 1 ]]; then
        chmod -R u+w -- "$1/go" 2>/dev/null || true
        rm -rf -- "$1/go"
    fi
}

# ------------------------------------------------------------------ Kafka

kafka_fetch_locked() {
    if [[ -f "$KAFKA_HOME/.complete" ]]; then
        return 0
    fi
    command -v mvn >/dev/null 2>&1 \
        || die "mvn not found: it is needed once to fetch the Kafka $KAFKA_VERSION jars"
    say "fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
    local tmp=$KAFKA_HOME/libs.tmp
    rm -rf -- "$tmp" "$KAFKA_LIBS"
    mkdir -p -- "$tmp"
    local mvnlog=$KAFKA_HOME/fetch.log
    if ! mvn -B -Dstyle.color=never --no-transfer-progress \
        -f "$SCRIPT_DIR/kafka/pom.xml" \
        -Dmaven.repo.local="$CACHE_DIR/maven-repository" \
        dependency:copy-dependencies \
        -DoutputDirectory="$tmp" -DincludeScope=runtime </dev/null >"$mvnlog" 2>&1; then
        log_tail "$mvnlog"
        die "Maven could not fetch the Kafka jars (log: $mvnlog)"
    fi
    [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] \
        || die "Maven ran but kafka_2.13-$KAFKA_VERSION.jar is missing from $tmp"
    mv -- "$tmp" "$KAFKA_LIBS"
    printf '%s\n' "$KAFKA_VERSION" >"$KAFKA_HOME/.complete"
    say "Kafka jars ready ($(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars)"
}

kafka_fetch() {
    [[ -f "$KAFKA_HOME/.complete" ]] && return 0
    mkdir -p -- "$KAFKA_HOME"
    with_lock "$CACHE_DIR/.kafka.lock" kafka_fetch_locked
}

kafka_write_config() {
    mkdir -p -- "$KAFKA_CONF_DIR" "$KAFKA_DATA" "$LOG_DIR"
    cat >"$KAFKA_CONF_DIR/server.properties" <<EOF
# Generated by deploy/local/servers.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=6
group.initial.rebalance.delay.ms=0
num.network.threads=3
num.io.threads=4
log.retention.hours=168
EOF
    # Broker log: one size-bounded file at INFO, noisy loggers at WARN.
    cat >"$KAFKA_CONF_DIR/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$KAFKA_LOG
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.network.RequestChannel\$=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.storage.internals.log.LogCleaner=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.org.apache.kafka.clients.NetworkClient=WARN
EOF
    # Command-line tools (StorageTool): warnings to stderr only.
    cat >"$KAFKA_CONF_DIR/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

kafka_format() {
    local java=$1
    if [[ -f "$KAFKA_DATA/meta.properties" ]]; then
        return 0
    fi
    local idfile=$KAFKA_CONF_DIR/cluster.id cid
    if [[ ! -s "$idfile" ]]; then
        cid=$("$java" -Dlog4j.configuration="file:$KAFKA_CONF_DIR/tools-log4j.properties" \
            -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid </dev/null | tail -n 1)
        [[ "$cid" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "StorageTool random-uuid gave '$cid'"
        printf '%s\n' "$cid" >"$idfile"
    fi
    cid=$(<"$idfile")
    say "formatting Kafka storage in $KAFKA_DATA (cluster id $cid)"
    # Static quorum (controller.quorum.voters): no --standalone here.
    "$java" -Dlog4j.configuration="file:$KAFKA_CONF_DIR/tools-log4j.properties" \
        -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format \
        -t "$cid" -c "$KAFKA_CONF_DIR/server.properties" </dev/null >&2 \
        || die "kafka-storage format failed"
}

# Send one request (printf format string $1, length prefix included) to the
# Kafka PLAINTEXT listener; print the response's first read as hex.
kafka_request() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 5 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "$2" >&3
        dd bs=65536 count=1 <&3 2>/dev/null
    ' "$HOST" "$KAFKA_PORT" "$1" 2>/dev/null | hex_of_stdin
}

# Readiness, in raw Kafka protocol over bash's /dev/tcp (no JVM start-up per
# attempt, no client library), with request versions Kafka 1.0 to 4.x serve:
#  1. Metadata v4 lists at least one broker;
#  2. FindCoordinator v1 for a consumer group answers without error, i.e.
#     __consumer_offsets exists and is loaded (on a fresh cluster this request
#     creates it), so consumer groups work as soon as `start` returns.
kafka_probe() {
    port_open "$KAFKA_PORT" || return 1
    local hex
    # size=31 | api_key=3 (Metadata) | api_version=4 | correlation_id=7
    # | client_id="partnerops-probe" | topics=[] | allow_auto_topic_creation=0
    hex=$(kafka_request '\x00\x00\x00\x1f\x00\x03\x00\x04\x00\x00\x00\x07\x00\x10partnerops-probe\x00\x00\x00\x00\x00') \
        || return 1
    # size(4) | correlation_id(4)=7 | throttle_time_ms(4) | brokers count(4) > 0
    [[ ${#hex} -ge 32 && "${hex:8:8}" == "00000007" && "${hex:24:8}" != "00000000" ]] \
        || return 1
    # size=45 | api_key=10 (FindCoordinator) | api_version=1 | correlation_id=8
    # | client_id="partnerops-probe" | key="partnerops-probe" | key_type=0 (group)
    hex=$(kafka_request '\x00\x00\x00\x2d\x00\x0a\x00\x01\x00\x00\x00\x08\x00\x10partnerops-probe\x00\x10partnerops-probe\x00') \
        || return 1
    # size(4) | correlation_id(4)=8 | throttle_time_ms(4) | error_code(2)=0
    [[ ${#hex} -ge 28 && "${hex:8:8}" == "00000008" && "${hex:24:4}" == "0000" ]]
}

kafka_start() {
    local pid
    pid=$(live_pid "$KAFKA_PID" kafka.Kafka)
    if [[ -n "$pid" ]]; then
        if kafka_probe; then
            say "kafka already running (pid $pid) on $HOST:$KAFKA_PORT"
            return 0
        fi
        say "kafka process $pid exists but does not answer yet; waiting"
        wait_ready kafka "$pid" "$KAFKA_PID" kafka_probe "$KAFKA_LOG" "$KAFKA_OUT" \
            || die "kafka did not become ready"
        say "kafka ready on $HOST:$KAFKA_PORT (pid $pid)"
        return 0
    fi
    local p
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
        if port_open "$p"; then
            die "port $p is already in use by a process this script did not start" \
                "(set PARTNEROPS_KAFKA_PORT / PARTNEROPS_KAFKA_CONTROLLER_PORT)"
        fi
    done
    kafka_fetch
    local java
    java=$(java_cmd)
    mkdir -p -- "$RUN_DIR" "$LOG_DIR"
    kafka_write_config
    kafka_format "$java"
    local t0=$SECONDS
    # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of JVM flags
    spawn "$KAFKA_PID" "$KAFKA_OUT" "$java" $KAFKA_HEAP_OPTS \
        -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
        -Djava.awt.headless=true \
        -Dkafka.logs.dir="$LOG_DIR" \
        -Dlog4j.configuration="file:$KAFKA_CONF_DIR/log4j.properties" \
        -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF_DIR/server.properties"
    pid=$(pidfile_pid "$KAFKA_PID")
    say "kafka starting (pid $pid), waiting up to ${START_TIMEOUT}s for $HOST:$KAFKA_PORT"
    wait_ready kafka "$pid" "$KAFKA_PID" kafka_probe "$KAFKA_LOG" "$KAFKA_OUT" \
        || die "kafka did not start (logs: $KAFKA_LOG, $KAFKA_OUT)"
    say "kafka ready on $HOST:$KAFKA_PORT (pid $pid, $((SECONDS - t0))s)"
}

kafka_stop() {
    local pid
    pid=$(live_pid "$KAFKA_PID" kafka.Kafka)
    if [[ -z "$pid" ]]; then
        say "kafka not running"
        return 0
    fi
    say "stopping kafka (pid $pid)"
    terminate kafka "$pid" "$KAFKA_PID"
    say "kafka stopped"
}

kafka_status() {
    local pid
    pid=$(live_pid "$KAFKA_PID" kafka.Kafka)
    if [[ -n "$pid" ]] && kafka_probe; then
        echo "kafka: running (pid $pid, $HOST:$KAFKA_PORT, controller $HOST:$KAFKA_CONTROLLER_PORT)"
        return 0
    elif [[ -n "$pid" ]]; then
        echo "kafka: stopped (pid $pid alive but $HOST:$KAFKA_PORT does not answer)"
    else
        echo "kafka: stopped"
    fi
    return 3
}

kafka_reset() {
    say "wiping Kafka data ($KAFKA_DATA)"
    rm -rf -- "$KAFKA_DATA" "$KAFKA_CONF_DIR/cluster.id"
}

kafka_logs() { print_log "$KAFKA_LOG"; }

# ------------------------------------------- the Mongo-wire server, Mailpit

# shellcheck source=deploy/local/mongo/server.sh
source "$SCRIPT_DIR/mongo/server.sh"
# shellcheck source=deploy/local/mailpit/server.sh
source "$SCRIPT_DIR/mailpit/server.sh"

# ------------------------------------------------------------------- main

# The port variables of server $1.
port_vars() {
    case $1 in
        kafka) echo KAFKA_PORT KAFKA_CONTROLLER_PORT ;;
        mongo) echo MONGO_PORT ;;
        mailpit) echo SMTP_PORT MAILPIT_HTTP_PORT ;;
    esac
}

# The pid of server $1 when it runs (empty otherwise).
server_pid() {
    case $1 in
        kafka) live_pid "$KAFKA_PID" kafka.Kafka ;;
        mongo) mongo_pid_of "$MONGO_SERVER" ;;
        mailpit) live_pid "$MAILPIT_PID" "$MAILPIT_MARK" ;;
    esac
}

ports_file() { printf '%s/%s.ports\n' "$RUN_DIR" "$1"; }

# After a start: record the ports server $1 runs on (NAME=port lines).
record_ports() {
    local var
    [[ -n "$(server_pid "$1")" ]] || return 0
    mkdir -p -- "$RUN_DIR"
    for var in $(port_vars "$1"); do printf '%s=%s\n' "$var" "${!var}"; done \
        >"$(ports_file "$1")"
}

# While server $1 runs, take the ports it was started on from its record.
recorded_ports() {
    local file line name value
    file=$(ports_file "$1")
    [[ -f "$file" && -n "$(server_pid "$1")" ]] || return 0
    while IFS= read -r line; do
        name=${line%%=*} value=${line#*=}
        [[ " $(port_vars "$1") " == *" $name "* && "$value" =~ ^[0-9]+$ ]] || continue
        ((value >= 1 && value <= 65535)) || continue
        printf -v "$name" '%s' "$value"
    done <"$file"
}

# Run ${server}_${action} holding the server's lock, so that concurrent
# start/stop calls for the same server do not race each other.
locked() { # server action
    mkdir -p -- "$RUN_DIR"
    with_lock "$RUN_DIR/$1.lock" "$1_$2"
}

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
}

main() {
    local cmd=${1:-} target=${2:-all}
    [[ $# -le 2 ]] || { usage; exit 2; }
    local -a servers
    case "$target" in
        all) servers=(kafka mongo mailpit) ;;
        kafka) servers=(kafka) ;;
        mongo | mongodb) servers=(mongo) ;;
        mailpit | smtp) servers=(mailpit) ;;
        *) say "unknown server '$target' (kafka, mongo, mailpit or all)"; exit 2 ;;
    esac
    local s rc=0
    case "$cmd" in
        start)
            if [[ "${PARTNEROPS_RESET:-0}" == 1 ]]; then
                for s in "${servers[@]}"; do locked "$s" stop; locked "$s" reset; done
            fi
            # Fetch/build everything first so a cold cache costs one wait.
            for s in "${servers[@]}"; do "${s}_fetch"; done
            for s in "${servers[@]}"; do
                recorded_ports "$s"
                locked "$s" start
                record_ports "$s"
            done
            ;;
        stop)
            for s in "${servers[@]}"; do locked "$s" stop; rm -f -- "$(ports_file "$s")"; done
            ;;
        restart)
            for s in "${servers[@]}"; do locked "$s" stop; rm -f -- "$(ports_file "$s")"; done
            for s in "${servers[@]}"; do locked "$s" start; record_ports "$s"; done
            ;;
        status)
            for s in "${servers[@]}"; do recorded_ports "$s"; "${s}_status" || rc=3; done
            return "$rc"
            ;;
        env)
            for s in kafka mongo mailpit; do recorded_ports "$s"; done
            echo "export PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS=$HOST:$KAFKA_PORT"
            echo "export PARTNEROPS_MONGO__URL=mongodb://$HOST:$MONGO_PORT"
            echo "export PARTNEROPS_SMTP__HOST=$HOST"
            echo "export PARTNEROPS_SMTP__PORT=$SMTP_PORT"
            echo "export PARTNEROPS_MAILPIT__URL=http://$HOST:$MAILPIT_HTTP_PORT"
            ;;
        logs)
            for s in "${servers[@]}"; do "${s}_logs"; done
            ;;
        fetch)
            for s in "${servers[@]}"; do "${s}_fetch"; done
            say "artifacts ready in $CACHE_DIR"
            ;;
        reset)
            for s in "${servers[@]}"; do locked "$s" stop; locked "$s" reset; done
            ;;
        -h | --help | help)
            usage
            ;;
        *)
            usage
            exit 2
            ;;
    esac
}

main "$@"
