#!/usr/bin/env bash
# The main job: start the whole system on this machine and play a realistic scenario
# end to end through Kafka, printing what happened.
#
#   bash deploy/local/demo.sh [--keep-running]
#
# Installs the Python dependencies, starts (or reuses) Kafka, the Mongo-wire server and
# the Mailpit mail catcher (web UI: http://127.0.0.1:38025),
# starts every service as its own process in demonstration mode (a shared clock that the
# scenario moves forward, so 48-hour and 22-working-day deadlines pass in seconds), plays
# the scenario and stops the services. Servers it started are stopped too unless
# PARTNEROPS_KEEP_SERVERS=1. With --keep-running (or PARTNEROPS_KEEP_RUNNING=1) the services
# and the servers are left running, and the summary says how to stop them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash deploy/local/bootstrap.sh
export PATH="$HOME/.local/bin:$PATH"

started=()
for arg in "$@"; do [[ "$arg" == --keep-running ]] && export PARTNEROPS_KEEP_RUNNING=1; done
if [[ "${PARTNEROPS_KEEP_RUNNING:-0}" == 1 ]]; then export PARTNEROPS_KEEP_SERVERS=1; fi
cleanup() {
    if [[ "${PARTNEROPS_KEEP_SERVERS:-0}" != 1 && ${#started[@]} -gt 0 ]]; then
        for server in "${started[@]}"; do bash deploy/local/servers.sh stop "$server" || true; done
        echo "stopped the servers this run started: ${started[*]}"
    fi
}
trap cleanup EXIT
for server in kafka mongo mailpit; do
    if ! bash deploy/local/servers.sh status "$server" >/dev/null 2>&1; then
        bash deploy/local/servers.sh start "$server"
        started+=("$server")
    fi
done
eval "$(bash deploy/local/servers.sh env)"
# The servers this script started and stops at its end: the summary names Mailpit's web UI
# only when Mailpit stays up.
if [[ "${PARTNEROPS_KEEP_SERVERS:-0}" != 1 ]]; then
    export PARTNEROPS_DEMO_STOPS_SERVERS="${started[*]:-}"
fi
uv run python -m deploy.demo "$@"
