#!/usr/bin/env bash
# The test command: installs dependencies, makes sure real servers are there, runs every
# test (unit, integration, e2e, fuzz) and stops the servers it started itself.
#
#   bash deploy/local/test.sh [pytest args...]
#
# Servers come from PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS / PARTNEROPS_MONGO__URL /
# PARTNEROPS_MAILPIT__URL (with PARTNEROPS_SMTP__HOST and __PORT) when set; else
# testcontainers when a Docker engine answers; else deploy/local/servers.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash deploy/local/bootstrap.sh
export PATH="$HOME/.local/bin:$PATH"

started=()
cleanup() {
    for server in "${started[@]}"; do bash deploy/local/servers.sh stop "$server" || true; done
}
trap cleanup EXIT

docker_engine() { timeout 5 docker info >/dev/null 2>&1; }
if ! docker_engine; then
    for server in kafka mongo mailpit; do
        case $server in
            kafka) var=PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS ;;
            mongo) var=PARTNEROPS_MONGO__URL ;;
            mailpit) var=PARTNEROPS_MAILPIT__URL ;;
        esac
        [[ -n "${!var:-}" ]] && continue
        if ! bash deploy/local/servers.sh status "$server" >/dev/null 2>&1; then
            bash deploy/local/servers.sh start "$server"
            started+=("$server")
        fi
    done
    # Point only the servers that were not given at the local ones.
    while read -r line; do
        assignment=${line#export }
        var=${assignment%%=*}
        # shellcheck disable=SC2163 # exports the NAME=value it holds
        [[ -n "${!var:-}" ]] || export "$assignment"
    done < <(bash deploy/local/servers.sh env)
fi

# The Mailpit web-UI test opens the page in headless Chromium: Debian's `chromium` package.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
    install_chromium() { as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
    install_chromium || { as_root apt-get update -q >/dev/null && install_chromium; }
fi

# The tests run in PARTNEROPS_TEST_WORKERS parallel worker processes (pytest-xdist, 3 by
# default: most of a test's time is spent waiting on the servers, so more workers than
# cores help); the e2e tests stay together on one worker, every other file on one worker
# (tests/conftest.py). PARTNEROPS_TEST_WORKERS=0 runs them all in this process.
uv run pytest -n "${PARTNEROPS_TEST_WORKERS:-3}" -m "unit or integration or e2e or fuzz or faults" "$@"
