#!/usr/bin/env bash
# Installs what the Python side needs from a fresh clone: uv (from PyPI) and the locked
# dependencies into .venv. Safe to run again; a second run downloads nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if ! command -v uv >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check uv >&2 \
        || python3 -m pip install --quiet --user --disable-pip-version-check uv >&2
    export PATH="$HOME/.local/bin:$PATH"
fi
uv sync --frozen --quiet >&2
