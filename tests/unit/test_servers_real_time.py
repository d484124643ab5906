"""The servers a test starts itself keep real time under CI's shifted clock."""

from __future__ import annotations

import pytest

from tests.servers import real_time

pytestmark = pytest.mark.unit


def test_libfaketime_is_taken_out_and_everything_else_kept() -> None:
    env = {
        "FAKETIME": "+365d",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "FAKETIME_SHARED": "/faketime_sem_1 /faketime_shm_1",
        "LD_PRELOAD": "/usr/$LIB/faketime/libfaketime.so.1 /opt/other.so",
        "PARTNEROPS_MONGO_PORT": "43961",
    }
    assert real_time(env) == {"LD_PRELOAD": "/opt/other.so", "PARTNEROPS_MONGO_PORT": "43961"}


def test_a_preload_of_only_libfaketime_goes_entirely() -> None:
    env = {"LD_PRELOAD": "/usr/$LIB/faketime/libfaketime.so.1", "PATH": "/usr/bin"}
    assert real_time(env) == {"PATH": "/usr/bin"}
    assert real_time({"PATH": "/usr/bin"}) == {"PATH": "/usr/bin"}
