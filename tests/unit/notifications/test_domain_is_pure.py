"""The notifications domain imports no I/O library (domain.md §3 rules stay pure)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

FORBIDDEN = ("pymongo", "faststream", "aiokafka", "aiosmtplib", "jinja2", "icalendar")


def test_importing_the_whole_domain_loads_no_database_broker_or_mail_library():
    # A fresh interpreter: the test session has long imported all of these.
    script = (
        "import importlib, pkgutil, sys\n"
        "import services.notifications.domain as d\n"
        "for m in pkgutil.iter_modules(d.__path__):\n"
        "    importlib.import_module(f'services.notifications.domain.{m.name}')\n"
        f"print(sorted({{n.split('.')[0] for n in sys.modules}} & set({FORBIDDEN!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
