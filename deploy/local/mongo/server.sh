# shellcheck shell=bash
# The MongoDB-wire server of deploy/local/servers.sh (sourced by it; uses its
# helpers and settings). Two implementations, one port, chosen by
# PARTNEROPS_MONGO_SERVER:
#
#   mongo-java-server (default)  de.bwaldvogel:mongo-java-server 1.47.0 with its
#       H2 (MVStore) backend, one data file, started through Launcher.java
#       (beside this file), compiled here with the machine's JDK against the
#       jars pom.xml fetches from Maven Central. Passes the store contract test
#       (tests/integration/test_mongo_server_contract.py).
#   ferretdb  FerretDB 1.24 with its SQLite backend, built from the Go module
#       proxy. Loses concurrent conditional updates: see the README.
#
# `start` refuses to start one while the other runs on the port; `stop` and
# `reset` act on both; `status` succeeds only when the selected one runs.

readonly MJS_VERSION=1.47.0
readonly MJS_HOME=$CACHE_DIR/mongo-java-server-$MJS_VERSION
readonly MJS_LIBS=$MJS_HOME/libs
readonly MJS_SOURCE=$SCRIPT_DIR/mongo/Launcher.java
readonly MJS_DATA=$STATE_DIR/mongo-java-server-data
# The launcher's file format: 2 orders string keys of unique indexes by their strings
# (Launcher.IndexKeyType), which a file of format 1 (partnerops.mv.db) does not; 3 stores
# documents as BSON (Launcher.DocumentType). A new format gets a new file; an older file
# is left where it is, unread.
readonly MJS_FORMAT=3
readonly MJS_FILE=$MJS_DATA/partnerops-$MJS_FORMAT.mv.db
readonly MJS_LOG=$LOG_DIR/mongo-java-server.log
readonly MJS_PID=$RUN_DIR/mongo-java-server.pid
readonly MJS_MARK=partnerops.server=mongo-java-server # on the JVM's command line
# The log keeps warnings and errors (each failed command with its stack trace), but
# not the warning every createIndexes of a non-unique index logs ("adding secondary
# index ... is not yet implemented. ignoring"): README, "The local servers".

readonly FERRETDB_VERSION=1.24.0
readonly FERRETDB_MODULE=github.com/FerretDB/FerretDB
readonly FERRETDB_HOME=$CACHE_DIR/ferretdb-$FERRETDB_VERSION
readonly FERRETDB_BIN=$FERRETDB_HOME/ferretdb
readonly FERRETDB_DATA=$STATE_DIR/ferretdb-data
readonly FERRETDB_STATE=$STATE_DIR/ferretdb-state
readonly FERRETDB_LOG=$LOG_DIR/ferretdb.log
readonly FERRETDB_PID=$RUN_DIR/ferretdb.pid
readonly FERRETDB_MARK="ferretdb --handler"

# ------------------------------------------------------- mongo-java-server

# The compiled launcher lives in a directory named after its source's hash, so
# an edited Launcher.java is recompiled and an unchanged one never is.
mjs_classes() {
    local sum
    sum=$(sha256sum -- "$MJS_SOURCE" | cut -c1-16) || die "cannot read $MJS_SOURCE"
    printf '%s\n' "$MJS_HOME/launcher-$sum"
}

javac_cmd() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]]; then
        printf '%s\n' "$JAVA_HOME/bin/javac"
    elif command -v javac >/dev/null 2>&1; then
        command -v javac
    else
        die "javac not found: a JDK 17 is needed to compile $MJS_SOURCE (or set JAVA_HOME)"
    fi
}

mjs_fetch_locked() {
    local classes
    classes=$(mjs_classes)
    if [[ -f "$MJS_HOME/.complete" && -f "$classes/Launcher.class" ]]; then
        return 0
    fi
    if [[ ! -f "$MJS_HOME/.complete" ]]; then
        command -v mvn >/dev/null 2>&1 \
            || die "mvn not found: it is needed once to fetch mongo-java-server $MJS_VERSION"
        say "fetching mongo-java-server $MJS_VERSION (H2 backend) from Maven Central into $MJS_LIBS"
        local tmp=$MJS_HOME/libs.tmp mvnlog=$MJS_HOME/fetch.log
        rm -rf -- "$tmp" "$MJS_LIBS"
        mkdir -p -- "$tmp"
        if ! mvn -B -Dstyle.color=never --no-transfer-progress \
            -f "$SCRIPT_DIR/mongo/pom.xml" \
            -Dmaven.repo.local="$CACHE_DIR/maven-repository" \
            dependency:copy-dependencies \
            -DoutputDirectory="$tmp" -DincludeScope=runtime </dev/null >"$mvnlog" 2>&1; then
            log_tail "$mvnlog"
            die "Maven could not fetch mongo-java-server (log: $mvnlog)"
        fi
        [[ -f "$tmp/mongo-java-server-h2-backend-$MJS_VERSION.jar" ]] \
            || die "Maven ran but mongo-java-server-h2-backend-$MJS_VERSION.jar is missing"
        mv -- "$tmp" "$MJS_LIBS"
        printf '%s\n' "$MJS_VERSION" >"$MJS_HOME/.complete"
    fi
    say "compiling $MJS_SOURCE"
    local javac
    javac=$(javac_cmd)
    rm -rf -- "$classes.tmp"
    mkdir -p -- "$classes.tmp"
    "$javac" -nowarn -d "$classes.tmp" -cp "$MJS_LIBS/*" "$MJS_SOURCE" </dev/null >&2 \
        || die "javac failed on $MJS_SOURCE"
    rm -rf -- "$classes"
    mv -- "$classes.tmp" "$classes"
}

mjs_fetch() {
    [[ -f "$MJS_HOME/.complete" && -f "$(mjs_classes)/Launcher.class" ]] && return 0
    mkdir -p -- "$MJS_HOME"
    with_lock "$CACHE_DIR/.mongo-java-server.lock" mjs_fetch_locked
}

mjs_start() {
    mjs_fetch
    local java pid classes
    java=$(java_cmd)
    classes=$(mjs_classes)
    mkdir -p -- "$RUN_DIR" "$LOG_DIR" "$MJS_DATA"
    local t0=$SECONDS
    # shellcheck disable=SC2086 # MONGO_HEAP_OPTS is a list of JVM flags
    spawn "$MJS_PID" "$MJS_LOG" "$java" $MONGO_HEAP_OPTS \
        -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
        -D"$MJS_MARK" \
        -Dorg.slf4j.simpleLogger.showDateTime=true \
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSXXX" \
        -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.backend.AbstractMongoDatabase=error \
        -cp "$classes:$MJS_LIBS/*" Launcher "$HOST" "$MONGO_PORT" "$MJS_FILE"
    pid=$(pidfile_pid "$MJS_PID")
    say "mongo-java-server starting (pid $pid), waiting up to ${START_TIMEOUT}s for $HOST:$MONGO_PORT"
    wait_ready mongo-java-server "$pid" "$MJS_PID" mongo_probe "$MJS_LOG" \
        || die "mongo-java-server did not start (log: $MJS_LOG)"
    say "mongo-java-server ready on $HOST:$MONGO_PORT (pid $pid, $((SECONDS - t0))s)"
}

# --------------------------------------------------------------- FerretDB

ferretdb_build_locked() {
    if [[ -x "$FERRETDB_BIN" ]]; then
        return 0
    fi
    local buildlog=$FERRETDB_HOME/build.log work
    go_module_source "$FERRETDB_MODULE" "$FERRETDB_VERSION" "$FERRETDB_HOME" "$buildlog"
    work=$FERRETDB_HOME/build
    # Without it the binary panics at start (FerretDB issue #2982).
    printf 'v%s\n' "$FERRETDB_VERSION" >"$work/build/version/version.txt"
    say "building FerretDB $FERRETDB_VERSION (takes a minute or two, done once)"
    local t0=$SECONDS
    if ! (cd "$work" && CGO_ENABLED=0 go build -trimpath -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb \
        </dev/null >>"$buildlog" 2>&1); then
        log_tail "$buildlog"
        die "go build of FerretDB failed (log: $buildlog, build dir kept: $work)"
    fi
    mv -f -- "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
    say "FerretDB built in $((SECONDS - t0))s: $FERRETDB_BIN"
    go_build_cleanup "$FERRETDB_HOME"
}

ferretdb_build() {
    [[ -x "$FERRETDB_BIN" ]] && return 0
    mkdir -p -- "$FERRETDB_HOME"
    with_lock "$CACHE_DIR/.ferretdb.lock" ferretdb_build_locked
}

ferretdb_start() {
    ferretdb_build
    local pid
    mkdir -p -- "$RUN_DIR" "$LOG_DIR" "$FERRETDB_DATA" "$FERRETDB_STATE"
    local t0=$SECONDS
    spawn "$FERRETDB_PID" "$FERRETDB_LOG" "$FERRETDB_BIN" \
        --handler=sqlite \
        --sqlite-url="file:$FERRETDB_DATA/" \
        --listen-addr="$HOST:$MONGO_PORT" \
        --state-dir="$FERRETDB_STATE" \
        --debug-addr=- \
        --telemetry=disable \
        --log-level="$FERRETDB_LOG_LEVEL"
    pid=$(pidfile_pid "$FERRETDB_PID")
    say "ferretdb starting (pid $pid), waiting up to ${START_TIMEOUT}s for $HOST:$MONGO_PORT"
    wait_ready ferretdb "$pid" "$FERRETDB_PID" mongo_probe "$FERRETDB_LOG" \
        || die "ferretdb did not start (log: $FERRETDB_LOG)"
    say "ferretdb ready on $HOST:$MONGO_PORT (pid $pid, $((SECONDS - t0))s)"
}

# ------------------------------------------------------ either of the two

# Readiness: an OP_MSG {ping: 1, $db: "admin"} answered with ok: 1.0.
mongo_probe() {
    # (No separate port_open here: FerretDB logs a warning for every
    # connection closed without a request.)
    local hex
    # shellcheck disable=SC2016 # expanded by the inner bash
    hex=$(timeout 5 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        # header: len=51 id=1 responseTo=0 opCode=2013 (OP_MSG) | flags=0
        # | section kind 0 | BSON {ping: int32 1, $db: "admin"} (30 bytes)
        printf "\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02\x24db\x00\x06\x00\x00\x00admin\x00\x00" >&3
        dd bs=65536 count=1 <&3 2>/dev/null
    ' "$HOST" "$MONGO_PORT" 2>/dev/null | hex_of_stdin) || return 1
    # opCode 2013 at offset 12, and the element ok: double 1.0
    [[ "${hex:24:8}" == "dd070000" && "$hex" == *016f6b00000000000000f03f* ]]
}

# The pid of server kind $1 (mongo-java-server|ferretdb) when it runs.
mongo_pid_of() {
    case $1 in
        mongo-java-server) live_pid "$MJS_PID" "$MJS_MARK" ;;
        ferretdb) live_pid "$FERRETDB_PID" "$FERRETDB_MARK" ;;
    esac
}

mongo_pidfile_of() {
    case $1 in
        mongo-java-server) printf '%s\n' "$MJS_PID" ;;
        ferretdb) printf '%s\n' "$FERRETDB_PID" ;;
    esac
}

mongo_log_of() {
    case $1 in
        mongo-java-server) printf '%s\n' "$MJS_LOG" ;;
        ferretdb) printf '%s\n' "$FERRETDB_LOG" ;;
    esac
}

mongo_other() {
    case $MONGO_SERVER in
        mongo-java-server) echo ferretdb ;;
        ferretdb) echo mongo-java-server ;;
    esac
}

mongo_fetch() {
    case $MONGO_SERVER in
        mongo-java-server) mjs_fetch ;;
        ferretdb) ferretdb_build ;;
    esac
}

mongo_start() {
    local pid other
    other=$(mongo_other)
    pid=$(mongo_pid_of "$other")
    if [[ -n "$pid" ]]; then
        die "$other (pid $pid) runs on $HOST:$MONGO_PORT but PARTNEROPS_MONGO_SERVER" \
            "selects $MONGO_SERVER: stop it first (servers.sh stop mongo)"
    fi
    pid=$(mongo_pid_of "$MONGO_SERVER")
    if [[ -n "$pid" ]]; then
        if mongo_probe; then
            say "$MONGO_SERVER already running (pid $pid) on $HOST:$MONGO_PORT"
            return 0
        fi
        say "$MONGO_SERVER process $pid exists but does not answer yet; waiting"
        wait_ready "$MONGO_SERVER" "$pid" "$(mongo_pidfile_of "$MONGO_SERVER")" mongo_probe \
            "$(mongo_log_of "$MONGO_SERVER")" || die "$MONGO_SERVER did not become ready"
        say "$MONGO_SERVER ready on $HOST:$MONGO_PORT (pid $pid)"
        return 0
    fi
    if port_open "$MONGO_PORT"; then
        die "port $MONGO_PORT is already in use by a process this script did not start" \
            "(set PARTNEROPS_MONGO_PORT)"
    fi
    "$(mongo_fn_prefix "$MONGO_SERVER")_start"
}

mongo_fn_prefix() {
    case $1 in
        mongo-java-server) echo mjs ;;
        ferretdb) echo ferretdb ;;
    esac
}

mongo_stop() {
    local kind pid stopped=0
    for kind in mongo-java-server ferretdb; do
        pid=$(mongo_pid_of "$kind")
        [[ -n "$pid" ]] || continue
        say "stopping $kind (pid $pid)"
        terminate "$kind" "$pid" "$(mongo_pidfile_of "$kind")"
        say "$kind stopped"
        stopped=1
    done
    ((stopped)) || say "mongo not running"
}

mongo_status() {
    local pid other
    pid=$(mongo_pid_of "$MONGO_SERVER")
    if [[ -n "$pid" ]] && mongo_probe; then
        echo "mongo: running ($MONGO_SERVER pid $pid, $HOST:$MONGO_PORT)"
        return 0
    elif [[ -n "$pid" ]]; then
        echo "mongo: stopped ($MONGO_SERVER pid $pid alive but $HOST:$MONGO_PORT does not answer)"
        return 3
    fi
    other=$(mongo_other)
    pid=$(mongo_pid_of "$other")
    if [[ -n "$pid" ]]; then
        echo "mongo: stopped ($other pid $pid runs on $HOST:$MONGO_PORT, but" \
            "PARTNEROPS_MONGO_SERVER selects $MONGO_SERVER)"
    else
        echo "mongo: stopped"
    fi
    return 3
}

mongo_logs() { # the log of the one that runs, else of the selected one
    local kind
    for kind in "$(mongo_other)" "$MONGO_SERVER"; do
        if [[ -n "$(mongo_pid_of "$kind")" || $kind == "$MONGO_SERVER" ]]; then
            print_log "$(mongo_log_of "$kind")"
            return 0
        fi
    done
}

mongo_reset() {
    say "wiping the Mongo-wire data ($MJS_DATA, $FERRETDB_DATA, $FERRETDB_STATE)"
    rm -rf -- "$MJS_DATA" "$FERRETDB_DATA" "$FERRETDB_STATE"
}
