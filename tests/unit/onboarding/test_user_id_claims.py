"""An admin user ID is unique across the platform under any interleaving (§1.4)."""

from __future__ import annotations

import pytest

from services.onboarding.adapters.admin_group_documents import GROUPS, USER_ID_CLAIMS
from services.onboarding.application.groups import groups as admin_groups
from services.onboarding.domain.groups.groups import user_id_key
from shared.contracts import onboarding as c
from tests.unit.onboarding.test_admin_fakes import Harness
from tests.unit.onboarding.test_admin_groups import PARTNER, REFUSED, STAFF, Groups, codes

pytestmark = pytest.mark.unit

USER = "ada.example@voice.example.com"


def add(group_id: str, request_id: str) -> c.AddGroupAdminUser:
    return c.AddGroupAdminUser(
        request_id=request_id,
        actor=STAFF,
        group_id=group_id,
        user_id=USER,
        first_name="Ada",
        last_name="Example",
        password="correct horse battery staple",
    )


async def two_groups() -> tuple[Harness, Groups]:
    h = Harness()
    g = Groups(h)
    await g.clone_group()
    await g.create("northwind")
    await g.create("southwind")
    return h, g


async def claimed(h: Harness, owner: str) -> None:
    """`owner` holds the claim on USER's ID (taken through the claims port)."""

    async def never_in_use(holder: str, key: str) -> bool:
        return False

    assert await h.deps.claims.user_ids.claim(user_id_key(USER), owner, PARTNER, never_in_use)


def users(h: Harness, group_id: str) -> list[str]:
    return [u["user_id"] for u in h.state(GROUPS, group_id)["group"]["admin_users"]]


@pytest.mark.parametrize(
    ("command_id", "owner"), [("cmd-a", "northwind#cmd-a"), ("cmd#a", "northwind#cmd%23a")]
)
async def test_a_claim_whose_command_has_not_stored_the_user_yet_is_not_taken_over(
    command_id, owner
):
    h, _ = await two_groups()
    # Northwind's command has claimed the ID but not yet stored the user in its group.
    first = add("northwind", "a")
    in_flight = h.envelope(first).model_copy(update={"id": command_id})
    await claimed(h, owner)
    await h.send(admin_groups.add_admin_user, add("southwind", "b"))
    assert codes(h.last(REFUSED)) == {"user_id_taken"}
    await h.send(admin_groups.add_admin_user, first, in_flight)  # the command goes on
    assert users(h, "northwind") == [USER]
    assert users(h, "southwind") == []


@pytest.mark.parametrize("stale_owner", ["northwind#cmd-done", "northwind", "gone#cmd-x"])
async def test_a_claim_whose_command_is_done_without_the_user_is_taken_over(stale_owner):
    h, _ = await two_groups()
    done = c.SetBusinessProfileNumber(
        request_id="x", actor=STAFF, group_id="northwind", clid="+442079460999"
    )
    handled = h.envelope(done).model_copy(update={"id": "cmd-done"})
    await h.send(admin_groups.set_clid, done, handled)  # refused, but handled by northwind
    await claimed(h, stale_owner)
    await h.send(admin_groups.add_admin_user, add("southwind", "b"))
    assert users(h, "southwind") == [USER]
    owner = h.docs(USER_ID_CLAIMS)[user_id_key(USER)]["owner"]
    assert owner.startswith("southwind#")


async def test_removing_the_user_frees_the_id_for_another_group():
    h, _ = await two_groups()
    await h.send(admin_groups.add_admin_user, add("northwind", "a"))
    await h.send(
        admin_groups.remove_admin_user,
        c.RemoveGroupAdminUser(request_id="r", actor=STAFF, group_id="northwind", user_id=USER),
    )
    assert user_id_key(USER) not in h.docs(USER_ID_CLAIMS)
    await h.send(admin_groups.add_admin_user, add("southwind", "b"))
    assert users(h, "southwind") == [USER]
