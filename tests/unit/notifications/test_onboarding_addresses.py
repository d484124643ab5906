"""An invalid address in onboarding's `partner.contacts_changed` is never dropped silently.

Black-box finding: the event was taken, the address ignored, no log line, no dead letter,
and the partner's mail stayed held. Now: each unusable address is logged (partner and
field), the valid ones are kept, and an event without any usable address is rejected.
"""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from shared.errors import MessageRejected
from shared.topics import ONBOARDING_EVENTS
from tests.unit.notifications.samples import NOTICE_DAY
from tests.unit.notifications.test_use_cases_partner_mail import PARTNER, registered
from tests.unit.notifications.world import World, fact

pytestmark = pytest.mark.unit

GOOD = "ops@reseller-one.example.com"


def contacts_changed(*emails: str) -> dict[str, object]:
    return {
        "partner_id": PARTNER,
        "contact_emails": list(emails),
        "helpdesk_email": None,
        "occurred_at": NOTICE_DAY.isoformat(),
    }


async def registered_world() -> World:
    world = World(NOTICE_DAY)
    await world.deliver(
        ONBOARDING_EVENTS.name,
        fact("onboarding.partner.registered", registered(), NOTICE_DAY, "e1"),
    )
    return world


async def test_an_invalid_address_is_logged_and_the_valid_one_kept():
    world = await registered_world()
    event = fact(
        "onboarding.partner.contacts_changed",
        contacts_changed("not-an-address", GOOD),
        NOTICE_DAY,
        "e2",
    )
    with capture_logs() as logs:
        await world.deliver(ONBOARDING_EVENTS.name, event)
    [warning] = [entry for entry in logs if entry["log_level"] == "warning"]
    assert (warning["partner_id"], warning["field"]) == (PARTNER, "contact_emails[0]")
    [welcome] = world.sender.to(GOOD)  # the held welcome goes to the valid address
    assert welcome["To"].addresses[0].addr_spec == GOOD


async def test_an_event_without_any_usable_address_is_rejected_with_the_reasons():
    world = await registered_world()
    event = fact(
        "onboarding.partner.contacts_changed",
        contacts_changed("not-an-address", "also@@bad"),
        NOTICE_DAY,
        "e2",
    )
    with pytest.raises(MessageRejected) as caught:
        await world.deliver(ONBOARDING_EVENTS.name, event)
    assert caught.value.code == "no_usable_address"
    assert [(r["field"], r["code"]) for r in caught.value.reasons] == [
        ("contact_emails[0]", "invalid_email"),
        ("contact_emails[1]", "invalid_email"),
    ]
    assert world.sender.sent == []
