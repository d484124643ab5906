"""Issue 13 in notifications: a maintenance announcement sent again under a new
CloudEvents id (same sender, same request id) mails nobody again and is answered
`notifications.command.already_handled`; notifications' own consumers leave the answer
alone."""

from __future__ import annotations

import pytest

from shared.topics import NOTIFICATIONS_COMMANDS
from tests.unit.notifications.test_use_cases_maintenance import (
    ADMIN,
    announce,
    templates,
    world_with_customer,
)
from tests.unit.notifications.test_use_cases_partner_mail import MAIN

pytestmark = pytest.mark.unit

ANSWER = "notifications.command.already_handled"


async def test_a_resent_announcement_mails_nobody_again_and_is_answered():
    world = await world_with_customer()
    first = await world.send(NOTIFICATIONS_COMMANDS.name, announce(), subject="mnt-0001")
    [announced] = world.of_type("notifications.maintenance.announced")
    mails = (len(world.sender.to(MAIN)), len(world.sender.to(ADMIN)))

    again = await world.send(NOTIFICATIONS_COMMANDS.name, announce(), subject="mnt-0001")

    [answer] = world.of_type(ANSWER)
    assert answer.causationid == again.id and answer.subject == "mnt-0001"
    assert answer.data["original_command_id"] == first.id
    assert answer.data["outcome"] == "applied" and answer.data["entity"] == "maintenance"
    assert {"id": announced.id, "type": announced.type} in answer.data["events"]
    assert len(world.of_type("notifications.maintenance.announced")) == 1
    assert (len(world.sender.to(MAIN)), len(world.sender.to(ADMIN))) == mails
    assert templates(world, ADMIN) == ["maintenance_notice"]
