# shellcheck shell=bash
# The mail catcher of deploy/local/servers.sh (sourced by it; uses its helpers
# and settings): Mailpit 1.33.1, built once from the Go module proxy.
#
# The Go module holds the SMTP server, the HTTP API and the page shell, but not
# the web UI's script and style bundle (server/ui/dist, built by esbuild from
# server/ui-src, which the module does hold). Upstream's package-lock.json names
# releases the npm registry here does not serve (sass-embedded 1.108.1, rapidoc
# 12.1.0), so package.json and package-lock.json beside this file pin served
# releases of the same packages (sass instead of sass-embedded, rapidoc 9.3.8
# for the API documentation page); `npm ci` installs them, upstream's own
# esbuild.config.mjs builds the bundle, and `go build` embeds it.

readonly MAILPIT_VERSION=1.33.1
readonly MAILPIT_MODULE=github.com/axllent/mailpit
readonly MAILPIT_HOME=$CACHE_DIR/mailpit-$MAILPIT_VERSION
readonly MAILPIT_BIN=$MAILPIT_HOME/mailpit
readonly MAILPIT_DATA=$STATE_DIR/mailpit-data
readonly MAILPIT_LOG=$LOG_DIR/mailpit.log
readonly MAILPIT_PID=$RUN_DIR/mailpit.pid
readonly MAILPIT_MARK="mailpit --listen"

mailpit_build_locked() {
    if [[ -x "$MAILPIT_BIN" ]]; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        die "node and npm not found: they are needed once to build Mailpit's web UI"
    fi
    local buildlog=$MAILPIT_HOME/build.log work
    go_module_source "$MAILPIT_MODULE" "$MAILPIT_VERSION" "$MAILPIT_HOME" "$buildlog"
    work=$MAILPIT_HOME/build
    local t0=$SECONDS
    say "building Mailpit's web UI with npm and esbuild (done once)"
    cp -f -- "$SCRIPT_DIR/mailpit/package.json" "$SCRIPT_DIR/mailpit/package-lock.json" "$work/"
    if ! (cd "$work" \
        && npm_config_cache="$MAILPIT_HOME/npm-cache" npm ci --legacy-peer-deps --no-audit --no-fund \
            --loglevel=error </dev/null >>"$buildlog" 2>&1 \
        && MINIFY=true node esbuild.config.mjs </dev/null >>"$buildlog" 2>&1); then
        log_tail "$buildlog"
        die "building Mailpit's web UI failed (log: $buildlog, build dir kept: $work)"
    fi
    [[ -f "$work/server/ui/dist/app.js" ]] || die "esbuild ran but server/ui/dist/app.js is missing"
    say "building Mailpit $MAILPIT_VERSION (takes about a minute, done once)"
    if ! (cd "$work" && CGO_ENABLED=0 go build -trimpath \
        -ldflags "-s -w -X $MAILPIT_MODULE/config.Version=v$MAILPIT_VERSION" \
        -o "$MAILPIT_BIN.tmp" . </dev/null >>"$buildlog" 2>&1); then
        log_tail "$buildlog"
        die "go build of Mailpit failed (log: $buildlog, build dir kept: $work)"
    fi
    mv -f -- "$MAILPIT_BIN.tmp" "$MAILPIT_BIN"
    say "Mailpit built in $((SECONDS - t0))s: $MAILPIT_BIN"
    go_build_cleanup "$MAILPIT_HOME"
    if [[ "${PARTNEROPS_KEEP_BUILD_CACHE:-0}" != 1 ]]; then
        rm -rf -- "$MAILPIT_HOME/npm-cache"
    fi
}

mailpit_fetch() {
    [[ -x "$MAILPIT_BIN" ]] && return 0
    mkdir -p -- "$MAILPIT_HOME"
    with_lock "$CACHE_DIR/.mailpit.lock" mailpit_build_locked
}

# One HTTP/1.0 GET of path $1 on the HTTP port; prints the status line.
mailpit_http_status() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 5 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "GET %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n" "$2" "$0" "$1" >&3
        head -n 1 <&3
    ' "$HOST" "$MAILPIT_HTTP_PORT" "$1" 2>/dev/null
}

# One SMTP greeting and QUIT; prints the greeting.
smtp_greeting() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 5 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        head -n 1 <&3
        printf "QUIT\r\n" >&3
    ' "$HOST" "$SMTP_PORT" 2>/dev/null
}

# Readiness: the API's /readyz answers 200 and the SMTP port greets with 220.
mailpit_probe() {
    [[ "$(mailpit_http_status /readyz)" == HTTP/1.?" 200"* ]] || return 1
    [[ "$(smtp_greeting)" == 220* ]]
}

mailpit_start() {
    local pid
    pid=$(live_pid "$MAILPIT_PID" "$MAILPIT_MARK")
    if [[ -n "$pid" ]]; then
        if mailpit_probe; then
            say "mailpit already running (pid $pid): SMTP $HOST:$SMTP_PORT, HTTP $HOST:$MAILPIT_HTTP_PORT"
            return 0
        fi
        say "mailpit process $pid exists but does not answer yet; waiting"
        wait_ready mailpit "$pid" "$MAILPIT_PID" mailpit_probe "$MAILPIT_LOG" \
            || die "mailpit did not become ready"
        return 0
    fi
    local p
    for p in "$SMTP_PORT" "$MAILPIT_HTTP_PORT"; do
        if port_open "$p"; then
            die "port $p is already in use by a process this script did not start" \
                "(set PARTNEROPS_SMTP_PORT / PARTNEROPS_MAILPIT_HTTP_PORT)"
        fi
    done
    mailpit_fetch
    mkdir -p -- "$RUN_DIR" "$LOG_DIR" "$MAILPIT_DATA"
    local t0=$SECONDS
    # Any SMTP credentials are accepted (the services may be configured with
    # some); POP3 stays off (it needs --pop3-auth-file). Chaos mode lets a test
    # make the SMTP server answer with errors through the API (off until asked).
    spawn "$MAILPIT_PID" "$MAILPIT_LOG" "$MAILPIT_BIN" \
        --listen "$HOST:$MAILPIT_HTTP_PORT" \
        --smtp "$HOST:$SMTP_PORT" \
        --database "$MAILPIT_DATA/mailpit.db" \
        --max "$MAILPIT_MAX_MESSAGES" \
        --smtp-auth-accept-any \
        --smtp-auth-allow-insecure \
        --smtp-disable-rdns \
        --enable-chaos \
        --disable-version-check
    pid=$(pidfile_pid "$MAILPIT_PID")
    say "mailpit starting (pid $pid), waiting up to ${START_TIMEOUT}s"
    wait_ready mailpit "$pid" "$MAILPIT_PID" mailpit_probe "$MAILPIT_LOG" \
        || die "mailpit did not start (log: $MAILPIT_LOG)"
    say "mailpit ready: SMTP $HOST:$SMTP_PORT, web UI and API http://$HOST:$MAILPIT_HTTP_PORT/" \
        "(pid $pid, $((SECONDS - t0))s)"
}

mailpit_stop() {
    local pid
    pid=$(live_pid "$MAILPIT_PID" "$MAILPIT_MARK")
    if [[ -z "$pid" ]]; then
        say "mailpit not running"
        return 0
    fi
    say "stopping mailpit (pid $pid)"
    terminate mailpit "$pid" "$MAILPIT_PID"
    say "mailpit stopped"
}

mailpit_status() {
    local pid
    pid=$(live_pid "$MAILPIT_PID" "$MAILPIT_MARK")
    if [[ -n "$pid" ]] && mailpit_probe; then
        echo "mailpit: running (pid $pid, SMTP $HOST:$SMTP_PORT, HTTP $HOST:$MAILPIT_HTTP_PORT)"
        return 0
    elif [[ -n "$pid" ]]; then
        echo "mailpit: stopped (pid $pid alive but does not answer)"
    else
        echo "mailpit: stopped"
    fi
    return 3
}

mailpit_logs() { print_log "$MAILPIT_LOG"; }

mailpit_reset() {
    say "wiping Mailpit data ($MAILPIT_DATA)"
    rm -rf -- "$MAILPIT_DATA"
}
