"""Control characters in display names and subjects never break a partner's mail.

A black-box finding: a CR/LF in a contact's name (or onboarding's company name, the main
contact's display name) made every mail to that recipient raise in `email`
("address parts cannot contain CR or LF"), leaving the delivery `sending` forever.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.notifications.application import mailing
from services.notifications.domain.header_text import has_control, one_line
from services.notifications.mail.compose import mime
from shared.contracts import notifications as c
from shared.topics import NOTIFICATIONS_COMMANDS, ONBOARDING_EVENTS
from tests.unit.notifications.samples import NOTICE_DAY
from tests.unit.notifications.test_use_cases_partner_mail import MAIN, PARTNER, registered
from tests.unit.notifications.world import World, fact

pytestmark = pytest.mark.unit

INJECTED = "Eve\r\nBcc: evil@attacker.example"


def _content(**changes: object) -> dict[str, object]:
    content: dict[str, object] = {
        "from_address": "partner-operations@example.com",
        "from_name": "Partner\nOperations",
        "to_address": "eve@reseller.example",
        "to_name": INJECTED,
        "subject": "Maintenance\r\nBcc: evil@attacker.example",
        "text": "t",
        "html": "<p>t</p>",
        "headers": {"X-Note": "a\rb"},
        "attachments": [],
    }
    content.update(changes)
    return content


def test_one_line_removes_every_control_character():
    assert one_line(INJECTED) == "Eve Bcc: evil@attacker.example"
    assert one_line("a\x00b\x85c\u2028d\te") == "a b c d e"
    assert one_line(None) == ""
    assert has_control(INJECTED) and has_control("x\x7f") and not has_control("Ünïcode Näme")


def test_mime_makes_display_names_subject_and_headers_one_line():
    message = mime(_content(), message_id="<m@example.com>", date=NOTICE_DAY)
    raw = message.as_string()
    assert "\nBcc:" not in raw and message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Eve Bcc: evil@attacker.example"
    assert str(message["Subject"]) == "Maintenance Bcc: evil@attacker.example"
    assert str(message["X-Note"]) == "a b"


async def test_a_company_name_with_cr_lf_still_gets_its_welcome_mailed():
    world = World(NOTICE_DAY)
    data = {**registered(), "company_name": "Reseller\r\nBcc: evil@attacker.example"}
    await world.deliver(
        ONBOARDING_EVENTS.name, fact("onboarding.partner.registered", data, NOTICE_DAY, "e1")
    )
    changed = {
        "partner_id": PARTNER,
        "contact_emails": [MAIN],
        "helpdesk_email": None,
        "occurred_at": NOTICE_DAY.isoformat(),
    }
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact("onboarding.partner.contacts_changed", changed, NOTICE_DAY, "e2"),
    )
    [welcome] = world.sender.to(MAIN)
    assert welcome["Bcc"] is None
    assert welcome["To"].addresses[0].display_name == "Reseller Bcc: evil@attacker.example"
    assert world.of_type("notifications.mail.delivered")


async def test_enrolling_a_name_with_control_characters_is_refused():
    world = World(NOTICE_DAY)
    command = c.EnrolContact(
        request_id="r1",
        actor={"user_id": "u1", "partner_id": PARTNER},
        partner_id=PARTNER,
        contact=c.ContactIn(
            contact_id="eve",
            name=INJECTED,
            email="eve@reseller.example",
            categories=["maintenance_and_outages"],
        ),
    )
    await world.send(NOTIFICATIONS_COMMANDS.name, command, subject=PARTNER)
    [refused] = world.of_type("notifications.contacts.action_refused")
    assert [(r["code"], r["field"]) for r in refused.data["reasons"]] == [
        ("invalid_contact_name", "contact.name")
    ]
    assert world.of_type("notifications.contacts.changed") == []


async def test_a_delivery_whose_message_cannot_be_built_fails_for_good_with_a_reason(
    monkeypatch: pytest.MonkeyPatch,
):
    world = World(NOTICE_DAY)
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact("onboarding.partner.registered", registered(), NOTICE_DAY, "e1"),
    )
    # Content that is no message (an address with a line break), as an older version
    # could have stored it: the delivery fails once, with a reason, and never loops.
    original = mailing.content_of

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**original(*args, **kwargs), "to_address": "eve@reseller.example\r\nBcc: x@y"}

    monkeypatch.setattr(mailing, "content_of", broken)
    changed = {
        "partner_id": PARTNER,
        "contact_emails": [MAIN],
        "helpdesk_email": None,
        "occurred_at": NOTICE_DAY.isoformat(),
    }
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact("onboarding.partner.contacts_changed", changed, NOTICE_DAY, "e2"),
    )
    [failed] = world.of_type("notifications.mail.failed")
    assert failed.data["code"] == "unbuildable_message"
    assert "ValueError" in failed.data["reason"]
    assert world.sender.attempts == 0
    [doc] = world.stores["deliveries"].documents.values()
    assert not doc.timers  # no recover timer left to crash every 5 min
    await world.later(timedelta(hours=1))
    assert len(world.of_type("notifications.mail.failed")) == 1
    assert world.of_type("notifications.mail.deferred") == []
