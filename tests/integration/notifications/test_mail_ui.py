"""The Mailpit web UI shows a mail the service delivered (opened in headless Chromium)."""

from __future__ import annotations

import asyncio
import os
import shutil
import urllib.parse

import pytest

from tests.integration.notifications.support import Mailpit, address, notifications
from tests.integration.notifications.test_partner_mail import partner

pytestmark = pytest.mark.integration


async def rendered_page(url: str) -> str:
    """The page's DOM after its scripts ran, from Debian's `chromium` in headless mode."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.fail("needs Debian's chromium: apt-get install chromium", pytrace=False)
    # The browser is a tool beside the servers: like them it keeps real time when CI runs the
    # tests with the process clock shifted (libfaketime is inherited through LD_PRELOAD).
    env = {
        k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")
    }
    process = await asyncio.create_subprocess_exec(
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=15000",
        "--dump-dom",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=env,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    return out.decode()


async def test_the_mail_catcher_s_web_ui_lists_a_mail_the_service_delivered(
    bus, mongo_url, mongo_db, mail_catcher
):
    main = address("greta")
    mailpit = Mailpit(mail_catcher)
    async with notifications(bus, mongo_url, mongo_db.name, mail_catcher):
        await partner(bus, main, "nl")
        [welcome] = await mailpit.wait_for(main)

    query = urllib.parse.quote(f"to:{main}")
    page = await rendered_page(f"{mail_catcher.url}/search?q={query}")
    assert main in page
    assert welcome["Subject"] in page  # the Dutch welcome, listed in the UI
