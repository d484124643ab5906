"""Customer groups (§1.4) through their use cases: clone, numbers, CLID, portal, admins."""

from __future__ import annotations

import pytest

from services.onboarding.adapters.admin_group_documents import (
    GROUP_ID_CLAIMS,
    GROUPS,
    INVENTORIES,
    USER_ID_CLAIMS,
)
from services.onboarding.application.groups import groups as admin_groups
from services.onboarding.application.groups import inventory as admin_inventory
from services.onboarding.domain.secrets import SecretHash, verify_secret
from shared.contracts import onboarding as c
from shared.kafka import MessageRejected
from tests.unit.onboarding.partner_setup import live_partner, registered_partner
from tests.unit.onboarding.test_admin_fakes import Harness, actor

pytestmark = pytest.mark.unit

PARTNER = "P-500100"
OTHER = "P-500999"
STAFF = actor("builder@partner.example.com", partner_id=PARTNER)
OTHER_STAFF = actor("builder@other.example.com", partner_id=OTHER)
PROVISIONING = actor("prov@vendor.example.com", "provisioning")
NUMBERS = ["+442079460500", "+442079460501", "+442079460502"]
REFUSED = "onboarding.group.action_refused"


def codes(envelope) -> set[str]:
    return {r["code"] for r in envelope.data["reasons"]}


class Groups:
    def __init__(self, h: Harness) -> None:
        self.h = h
        self.n = 0
        self.live: set[str] = set()

    def rid(self) -> str:
        self.n += 1
        return f"g-{self.n}"

    async def clone_group(self, partner: str = PARTNER, clone: str = "CLONE-1") -> None:
        """The partner (made live first: only such a partner builds groups) gets a clone."""
        if partner not in self.live:
            await live_partner(self.h, partner)
            self.live.add(partner)
        command = c.RegisterCloneGroup(
            request_id=self.rid(), actor=PROVISIONING, partner_id=partner, clone_group_id=clone
        )
        await self.h.send(admin_groups.register_clone_group, command)

    async def create(self, group_id: str = "northwind", partner: str = PARTNER, **changes):
        values = {
            "request_id": self.rid(),
            "actor": STAFF if partner == PARTNER else OTHER_STAFF,
            "partner_id": partner,
            "group_id": group_id,
            "group_name": "Northwind Example Ltd",
            "clone_group_id": "CLONE-1",
            "default_domain": "voice.example.com",
        }
        values.update(changes)
        command = c.CreateCustomerGroup(**values)
        return await self.h.send(admin_groups.create, command), command

    async def numbers(self, partner: str = PARTNER, numbers: list[str] = NUMBERS) -> None:
        command = c.AddNumbersToInventory(
            request_id=self.rid(), actor=PROVISIONING, partner_id=partner, numbers=numbers
        )
        await self.h.send(admin_inventory.add_numbers, command)

    async def assign(self, numbers: list[str], group_id: str = "northwind", by=STAFF) -> None:
        command = c.AssignNumbersToGroup(
            request_id=self.rid(), actor=by, group_id=group_id, numbers=numbers
        )
        await self.h.send(admin_groups.assign_numbers, command)

    async def admin(self, user_id: str, group_id: str = "northwind", **changes) -> None:
        values = {
            "request_id": self.rid(),
            "actor": STAFF,
            "group_id": group_id,
            "user_id": user_id,
            "first_name": "Ada",
            "last_name": "Example",
            "password": "correct horse battery staple",
        }
        values.update(changes)
        await self.h.send(admin_groups.add_admin_user, c.AddGroupAdminUser(**values))


async def ready_world() -> tuple[Harness, Groups]:
    h = Harness()
    g = Groups(h)
    await g.clone_group()
    await g.create()
    await g.numbers()
    return h, g


async def test_a_group_is_cloned_from_the_partners_clone_group_on_an_allowed_domain():
    h, _ = await ready_world()
    created = h.one("onboarding.group.created")
    assert created.data["clone_group_id"] == "CLONE-1"
    assert created.subject == "northwind"
    assert created.data["partner_id"] == PARTNER


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"clone_group_id": "CLONE-OF-SOMEONE"}, "clone_group_not_of_partner"),
        ({"default_domain": "evil.example.org"}, "domain_not_allowed"),
    ],
)
async def test_a_group_is_not_created_from_a_foreign_clone_or_on_another_domain(changes, code):
    h = Harness()
    g = Groups(h)
    await g.clone_group()
    await g.create(**changes)
    assert codes(h.one(REFUSED)) == {code}
    assert not h.aggregates(GROUPS)
    assert not h.docs(GROUP_ID_CLAIMS)  # the claim was given up again


async def test_a_group_id_is_unique_across_the_platform_and_a_redelivery_changes_nothing():
    h, g = await ready_world()
    envelope, command = await g.create(group_id="atlas")
    await h.send(admin_groups.create, command, envelope)
    await g.clone_group(partner=OTHER)
    await g.create(group_id="atlas", partner=OTHER)
    assert codes(h.one(REFUSED)) == {"group_id_taken"}
    assert len(h.of_type("onboarding.group.created")) == 2  # northwind, atlas
    assert h.state(GROUPS, "atlas")["group"]["partner_id"] == PARTNER


async def test_a_partner_acts_only_on_its_own_groups():
    h, g = await ready_world()
    await g.assign(NUMBERS[:1], by=OTHER_STAFF)
    assert codes(h.one(REFUSED)) == {"not_the_partner"}


async def test_numbers_come_only_from_the_partners_own_inventory_and_sit_in_one_group():
    h, g = await ready_world()
    await g.numbers(partner=OTHER, numbers=["+442079460599"])
    await g.assign(["+442079460599"])
    assert codes(h.last(REFUSED)) == {"number_not_in_inventory"}
    await g.assign(NUMBERS[:2])
    await g.create(group_id="second")
    await g.assign(NUMBERS[1:], group_id="second")
    assert codes(h.last(REFUSED)) == {"number_already_assigned"}
    assert h.state(GROUPS, "northwind")["group"]["numbers"] == NUMBERS[:2]
    assert h.state(GROUPS, "second")["group"]["numbers"] == []


async def test_the_group_is_ready_for_users_once_numbers_clid_portal_and_an_admin_are_done():
    h, g = await ready_world()
    await g.assign(NUMBERS[:2])
    await h.send(
        admin_groups.set_clid,
        c.SetBusinessProfileNumber(
            request_id="clid", actor=STAFF, group_id="northwind", clid=NUMBERS[0]
        ),
    )
    await h.send(
        admin_groups.enable_voice_portal,
        c.EnableVoicePortal(request_id="vp", actor=STAFF, group_id="northwind", extension="9000"),
    )
    assert h.of_type("onboarding.group.ready_for_users") == []
    await g.admin("ada.example@voice.example.com")
    ready = h.one("onboarding.group.ready_for_users")
    assert ready.data["partner_id"] == PARTNER


async def test_the_clid_must_be_one_of_the_groups_numbers():
    h, g = await ready_world()
    await g.assign(NUMBERS[:1])
    await h.send(
        admin_groups.set_clid,
        c.SetBusinessProfileNumber(
            request_id="clid", actor=STAFF, group_id="northwind", clid=NUMBERS[2]
        ),
    )
    assert codes(h.one(REFUSED)) == {"clid_not_in_group"}


async def test_admin_user_ids_are_unique_platform_wide_and_case_sensitive():
    h, g = await ready_world()
    await g.create(group_id="second")
    await g.admin("ada.example@voice.example.com")
    await g.admin("ada.example@VOICE.example.com", group_id="second")
    assert codes(h.one(REFUSED)) == {"user_id_taken"}
    await g.admin("Ada.Example@voice.example.com", group_id="second")
    added = h.of_type("onboarding.group.admin_user_added")
    assert [e.data["user_id"] for e in added] == [
        "ada.example@voice.example.com",
        "Ada.Example@voice.example.com",
    ]
    assert set(h.docs(USER_ID_CLAIMS)) == {e.data["user_id"] for e in added}


async def test_a_refused_admin_user_leaves_its_user_id_free():
    h, g = await ready_world()
    await g.admin("ada@elsewhere.example.com")
    assert codes(h.one(REFUSED)) == {"user_domain_mismatch"}
    assert not h.docs(USER_ID_CLAIMS)


async def test_a_password_is_kept_only_as_a_hash_and_never_in_an_event():
    h, g = await ready_world()
    await g.admin("ada.example@voice.example.com")
    await g.admin("bo.example@voice.example.com", password=None, generate_password=True)
    admins = h.state(GROUPS, "northwind")["group"]["admin_users"]
    typed = SecretHash.decode(admins[0]["password_hash"])
    assert verify_secret("correct horse battery staple", typed)
    assert all(a["password_hash"].startswith("scrypt$") for a in admins)
    published = " ".join(e.model_dump_json() for e in h.published)
    assert "correct horse" not in published and "scrypt$" not in published


async def test_an_admin_user_needs_a_typed_or_a_generated_password_not_both():
    h, g = await ready_world()
    await g.admin("ada.example@voice.example.com", generate_password=True)
    await g.admin("bo.example@voice.example.com", password=None)
    refusals = h.of_type(REFUSED)
    assert [codes(r) for r in refusals] == [{"password_or_generate"}] * 2


async def test_released_numbers_go_back_to_the_free_inventory():
    h, g = await ready_world()
    await g.assign(NUMBERS[:2])
    await h.send(
        admin_groups.release_numbers,
        c.ReleaseNumbersFromGroup(
            request_id="rel", actor=STAFF, group_id="northwind", numbers=NUMBERS[:1]
        ),
    )
    assert h.state(GROUPS, "northwind")["group"]["numbers"] == NUMBERS[1:2]
    inventory = h.state(INVENTORIES, PARTNER)["inventory"]["numbers"]
    assert [e["group_id"] for e in inventory] == [None, "northwind", None]


async def test_a_command_naming_an_unknown_group_is_rejected():
    h, _ = await ready_world()
    command = c.AssignNumbersToGroup(
        request_id="x", actor=STAFF, group_id="nowhere", numbers=NUMBERS
    )
    with pytest.raises(MessageRejected):
        await h.send(admin_groups.assign_numbers, command)


@pytest.mark.parametrize("registered", [True, False], ids=["not live yet", "unknown partner"])
async def test_only_a_partner_that_can_create_customers_creates_groups(registered):
    h = Harness()
    g = Groups(h)
    g.live.add(PARTNER)  # pretend, so that the clone group is registered without going live
    if registered:
        await registered_partner(h, PARTNER)  # registered, platform access not live
    await g.clone_group()
    await g.create()
    refused = h.one(REFUSED)
    assert codes(refused) == {"platform_access_not_live"}
    assert "onboarding.group.created" not in h.types()
    assert not h.aggregates(GROUPS) and not h.docs(GROUP_ID_CLAIMS)  # the ID is free again


async def test_a_group_is_created_once_the_partners_platform_access_went_live():
    h = Harness()
    g = Groups(h)
    g.live.add(PARTNER)
    await registered_partner(h, PARTNER)
    await g.clone_group()
    await g.create()
    assert codes(h.one(REFUSED)) == {"platform_access_not_live"}
    await live_partner(h, PARTNER)  # (its registration again is refused: already there)
    await g.create(request_id="again")
    assert h.one("onboarding.group.created").subject == "northwind"
