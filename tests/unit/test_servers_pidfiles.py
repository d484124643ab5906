"""`deploy/local/servers.sh` signals only the server process it started: its pid file holds
the pid and the process's start (clock ticks since boot), so a pid the machine has given
to another process since is not taken for the server (pids are reused within seconds on a
busy machine: `pid_max` is 32,768 by default)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.demo.processes import start_ticks
from tests.servers import SERVERS_SH, real_time

pytestmark = pytest.mark.unit


@pytest.fixture
def decoy() -> Iterator[subprocess.Popen[bytes]]:
    """A live process whose command line carries Mailpit's mark (`mailpit --listen`)."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import signal; signal.pause()", "mailpit --listen"]
    )
    yield process
    process.kill()
    process.wait()


def stop_mailpit(env: dict[str, str]) -> str:
    """`servers.sh stop mailpit`: what it says (on stderr)."""
    done = subprocess.run(
        ["bash", str(SERVERS_SH), "stop", "mailpit"],
        env=real_time(env),
        capture_output=True,
        text=True,
    )  # no `timeout`: its wait sleeps, which CI's shifted clock breaks (pytest-timeout bounds it)
    assert done.returncode == 0, done.stderr
    return done.stderr


def _state(tmp_path: Path, line: str) -> dict[str, str]:
    (tmp_path / "run").mkdir(exist_ok=True)
    (tmp_path / "run" / "mailpit.pid").write_text(line + "\n")
    return {**os.environ, "PARTNEROPS_STATE": str(tmp_path)}


def test_a_pid_file_naming_a_later_owner_of_the_pid_is_stale(tmp_path, decoy) -> None:
    ticks = start_ticks(decoy.pid)
    assert ticks is not None
    env = _state(tmp_path, f"{decoy.pid} {ticks + 1}")  # the pid's earlier owner
    assert "mailpit not running" in stop_mailpit(env)
    assert decoy.poll() is None, "a process servers.sh did not start was signalled"
    assert not (tmp_path / "run" / "mailpit.pid").exists()  # the stale file is gone

    env = _state(tmp_path, f"{decoy.pid} {ticks}")  # the server itself: stopped
    assert f"stopping mailpit (pid {decoy.pid})" in stop_mailpit(env)
    assert decoy.wait() == -15  # SIGTERM


def test_a_pid_file_written_before_starts_were_kept_still_names_its_server(tmp_path, decoy) -> None:
    env = _state(tmp_path, str(decoy.pid))  # the pid alone: the command line decides
    assert f"stopping mailpit (pid {decoy.pid})" in stop_mailpit(env)
    assert decoy.wait() == -15


def test_a_recorded_process_is_the_server_whatever_its_command_line_says(tmp_path) -> None:
    """Just after the spawn a server's command line is not yet its own (read while the
    child's `execve` is still setting it up, it is empty): a `status` or `env` run by
    another process then took the starting server for gone and removed its pid file. The
    recorded (pid, start) is the process itself: the mark is not asked."""
    other = subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])
    try:
        env = _state(tmp_path, f"{other.pid} {start_ticks(other.pid)}")
        assert f"stopping mailpit (pid {other.pid})" in stop_mailpit(env)
        assert other.wait() == -15
    finally:
        other.kill()
        other.wait()
