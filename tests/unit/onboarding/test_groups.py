"""Customer groups: cloning, the four steps to "ready for users" (§1.4)."""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, datetime

import pytest

from services.onboarding.domain.errors import Duplicate, Forbidden, Reason, ValidationFailed
from services.onboarding.domain.groups.events import (
    BusinessProfileNumberCleared,
    GroupAdminUserAdded,
    GroupCreated,
    GroupNotReady,
    GroupNumbersAdded,
    GroupNumbersRemoved,
    GroupReadyForUsers,
    VoicePortalNumberRemoved,
)
from services.onboarding.domain.groups.groups import (
    CustomerGroup,
    NumberRemovalReason,
    PlatformAccessNotLive,
    user_id_key,
)
from services.onboarding.domain.groups.inventory import PartnerNumberInventory
from services.onboarding.domain.secrets import (
    ScryptParams,
    generate_password,
    hash_secret,
    verify_secret,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PARTNER = "P-200100"
DOMAINS = ("voice.example.com", "hosted.example.net")
N1, N2, N3 = "+442079460101", "+442079460102", "+442079460103"
FAST = ScryptParams(n=2**4)
PASSWORD = "Typed-Pa55word!"


def new_group(**overrides: object) -> CustomerGroup:
    args: dict = {
        "group_id": "Acme Widgets",
        "group_name": "Acme Widgets",
        "partner_id": PARTNER,
        "clone_group_id": "CLONE-P-200100",
        "partner_clone_group_ids": {"CLONE-P-200100"},
        "default_domain": "voice.example.com",
        "allowed_domains": DOMAINS,
        "now": NOW,
        "partner_can_create_customers": True,
    }
    args.update(overrides)
    group, _ = CustomerGroup.clone(**args)
    return group


def inventory_for(group: CustomerGroup, *numbers: str) -> PartnerNumberInventory:
    inventory = PartnerNumberInventory(group.partner_id)
    inventory.add_ported_numbers("PORT-7", numbers or (N1, N2, N3), now=NOW)
    inventory.assign(numbers or (N1, N2, N3), group.group_id, now=NOW)
    return inventory


def add_admin(group: CustomerGroup, user_id: str = "Anna.Smith@voice.example.com") -> list:
    return group.add_admin_user(
        user_id,
        first_name="Anna",
        last_name="Smith",
        password_hash=hash_secret(PASSWORD, params=FAST),
        now=NOW,
    )


def ready_group() -> tuple[CustomerGroup, PartnerNumberInventory]:
    group = new_group()
    inventory = inventory_for(group)
    group.add_numbers([N1, N2, N3], inventory=inventory, now=NOW)
    group.set_business_profile_number(N1, now=NOW)
    group.enable_voice_portal(number=N2, external_dial_in=True, now=NOW)
    add_admin(group)
    assert group.ready
    return group, inventory


def names(events: list) -> list[str]:
    return [e.name for e in events]


class TestCloningAGroup:
    def test_only_a_partner_whose_platform_access_is_live_creates_groups(self):
        with pytest.raises(PlatformAccessNotLive) as refused:
            new_group(partner_can_create_customers=False)
        assert refused.value.code == "platform_access_not_live"
        assert refused.value.details == {"partner_id": PARTNER}

    def test_a_group_is_cloned_from_the_partners_clone_group_on_an_allowed_domain(self):
        group, events = CustomerGroup.clone(
            group_id="Acme Widgets",
            group_name="Acme Widgets",
            partner_id=PARTNER,
            clone_group_id="CLONE-P-200100",
            partner_clone_group_ids=["CLONE-P-200100"],
            default_domain="Voice.Example.com",
            allowed_domains=DOMAINS,
            now=NOW,
            partner_can_create_customers=True,
        )
        assert events == [
            GroupCreated(
                "Acme Widgets",
                "Acme Widgets",
                PARTNER,
                "CLONE-P-200100",
                "voice.example.com",
                occurred_at=NOW,
            )
        ]
        assert not group.ready

    def test_the_clone_group_is_required(self):
        with pytest.raises(ValidationFailed) as refused:
            new_group(clone_group_id="")
        assert refused.value.reasons == (
            Reason("missing", "clone_group_id is required", "clone_group_id"),
        )

    def test_a_clone_group_of_another_partner_is_refused(self):
        with pytest.raises(Forbidden) as refused:
            new_group(clone_group_id="CLONE-P-999")
        assert refused.value.code == "clone_group_not_of_partner"

    def test_a_domain_outside_the_allowed_list_is_refused(self):
        with pytest.raises(ValidationFailed) as refused:
            new_group(default_domain="elsewhere.example.org")
        assert refused.value.code == "domain_not_allowed"

    def test_the_group_name_need_not_be_unique_but_the_id_is_the_key(self):
        first = new_group(group_id="ACME-1", group_name="Acme")
        second = new_group(group_id="ACME-2", group_name="Acme")
        assert first.group_name == second.group_name and first.group_id != second.group_id


class TestNumbers:
    def test_the_group_takes_numbers_its_partners_inventory_assigned_to_it(self):
        group = new_group()
        events = group.add_numbers([N1, N2], inventory=inventory_for(group, N1, N2), now=NOW)
        assert events == [GroupNumbersAdded(group.group_id, PARTNER, (N1, N2), occurred_at=NOW)]

    def test_numbers_not_assigned_to_the_group_are_refused(self):
        group = new_group()
        inventory = PartnerNumberInventory(PARTNER)
        inventory.add_new_range([N1, N2], now=NOW)
        inventory.assign([N2], "SOME-OTHER-GROUP", now=NOW)
        for number in (N1, N2):
            with pytest.raises(Forbidden) as refused:
                group.add_numbers([number], inventory=inventory, now=NOW)
            assert refused.value.code == "numbers_not_assigned_to_group"

    def test_another_partners_inventory_is_refused(self):
        group = new_group()
        stranger = PartnerNumberInventory("P-OTHER")
        stranger.add_new_range([N1], now=NOW)
        stranger.assign([N1], group.group_id, now=NOW)
        with pytest.raises(Forbidden):
            group.add_numbers([N1], inventory=stranger, now=NOW)


class TestBusinessProfileNumber:
    def test_the_clid_must_be_one_of_the_groups_numbers(self):
        group = new_group()
        group.add_numbers([N1], inventory=inventory_for(group, N1), now=NOW)
        with pytest.raises(ValidationFailed) as refused:
            group.set_business_profile_number(N2, now=NOW)
        assert refused.value.code == "clid_not_in_group"
        group.set_business_profile_number(N1, now=NOW)
        assert group.clid == N1

    def test_the_clid_is_required_for_ready(self):
        group = new_group()
        group.add_numbers([N1], inventory=inventory_for(group, N1), now=NOW)
        group.enable_voice_portal(extension="8000", now=NOW)
        add_admin(group)
        assert [r.code for r in group.missing_for_ready()] == ["clid_missing"]
        assert not group.ready


class TestVoicePortal:
    def test_an_extension_is_enough_without_external_dial_in(self):
        group = new_group()
        group.enable_voice_portal(extension="8000", now=NOW)
        assert group.voice_portal is not None and group.voice_portal.extension == "8000"

    def test_external_dial_in_needs_a_number_not_just_an_extension(self):
        group = new_group()
        with pytest.raises(ValidationFailed) as refused:
            group.enable_voice_portal(extension="8000", external_dial_in=True, now=NOW)
        assert refused.value.code == "voice_portal_needs_number_for_external_access"
        assert group.voice_portal is None

    def test_the_number_must_be_one_of_the_groups(self):
        group = new_group()
        with pytest.raises(ValidationFailed) as refused:
            group.enable_voice_portal(number=N3, external_dial_in=True, now=NOW)
        assert refused.value.reason_codes == ("voice_portal_number_not_in_group",)

    @pytest.mark.parametrize(
        ("kwargs", "codes"),
        [
            ({}, ("voice_portal_needs_number_or_extension",)),
            ({"extension": "80a0"}, ("invalid_extension",)),
        ],
    )
    def test_a_number_or_a_digits_extension_is_needed(self, kwargs, codes):
        with pytest.raises(ValidationFailed) as refused:
            new_group().enable_voice_portal(now=NOW, **kwargs)
        assert refused.value.reason_codes == codes


class TestAdminUsers:
    def test_user_ids_are_case_sensitive(self):
        assert user_id_key("Anna.Smith@voice.example.com") != user_id_key(
            "anna.smith@voice.example.com"
        )
        group = new_group()
        add_admin(group, "Anna.Smith@voice.example.com")
        add_admin(group, "anna.smith@voice.example.com")  # a different user
        assert set(group.admin_users) == {
            "Anna.Smith@voice.example.com",
            "anna.smith@voice.example.com",
        }

    def test_the_domain_part_of_the_key_ignores_case(self):
        assert user_id_key("Anna.Smith@VOICE.example.com") == "Anna.Smith@voice.example.com"

    def test_the_same_user_id_twice_is_refused(self):
        group = new_group()
        add_admin(group)
        with pytest.raises(Duplicate) as refused:
            add_admin(group, "Anna.Smith@Voice.Example.com")
        assert refused.value.code == "user_id_taken"

    def test_the_user_id_must_be_in_the_groups_default_domain(self):
        with pytest.raises(ValidationFailed) as refused:
            add_admin(new_group(), "anna.smith@hosted.example.net")
        assert refused.value.code == "user_domain_mismatch"

    @pytest.mark.parametrize(
        "bad", ["anna.smith", "@voice.example.com", "anna smith@voice.example.com"]
    )
    def test_a_malformed_user_id_is_refused(self, bad):
        with pytest.raises(ValidationFailed) as refused:
            add_admin(new_group(), bad)
        assert refused.value.reason_codes == ("invalid_user_id",)

    def test_a_generated_password_reaches_the_group_only_as_a_hash_and_never_an_event(self):
        group = new_group()
        password = generate_password()
        events = group.add_admin_user(
            "bob.jones@voice.example.com",
            first_name="Bob",
            last_name="Jones",
            password_hash=hash_secret(password, params=FAST),
            now=NOW,
        )
        assert events == [
            GroupAdminUserAdded(
                group.group_id,
                PARTNER,
                "bob.jones@voice.example.com",
                "Bob",
                "Jones",
                occurred_at=NOW,
            )
        ]
        stored = group.admin_users["bob.jones@voice.example.com"].password_hash
        assert verify_secret(password, stored)
        for event in events:
            assert all(password not in str(value) for value in astuple(event))
        assert password not in repr(group)


class TestReadyForUsers:
    def test_it_is_ready_exactly_when_the_fourth_step_completes_and_only_once(self):
        group = new_group()
        inventory = inventory_for(group)
        steps = [
            lambda: group.add_numbers([N1, N2], inventory=inventory, now=NOW),
            lambda: group.set_business_profile_number(N1, now=NOW),
            lambda: add_admin(group),
            lambda: group.enable_voice_portal(extension="8000", now=NOW),
        ]
        emitted = [names(step()) for step in steps]
        assert [GroupReadyForUsers.name in e for e in emitted] == [False, False, False, True]
        assert group.ready
        # later changes while ready do not announce it again
        more = group.add_numbers([N3], inventory=inventory, now=NOW)
        more += group.enable_voice_portal(number=N3, external_dial_in=True, now=NOW)
        more += add_admin(group, "second.admin@voice.example.com")
        assert GroupReadyForUsers.name not in names(more)

    def test_the_order_of_the_steps_does_not_matter(self):
        group = new_group()
        inventory = inventory_for(group)
        assert add_admin(group)[-1].name != GroupReadyForUsers.name
        group.enable_voice_portal(extension="8000", now=NOW)
        group.add_numbers([N1], inventory=inventory, now=NOW)
        events = group.set_business_profile_number(N1, now=NOW)
        assert names(events)[-1] == "onboarding.group.ready_for_users"

    def test_removing_the_last_number_makes_it_not_ready_again(self):
        group = new_group()
        group.add_numbers([N1, N2], inventory=inventory_for(group), now=NOW)
        group.set_business_profile_number(N1, now=NOW)
        group.enable_voice_portal(extension="8000", now=NOW)
        add_admin(group)
        released = group.remove_numbers([N2], NumberRemovalReason.RELEASED, now=NOW)
        assert names(released) == ["onboarding.group.numbers_removed"]  # still ready
        events = group.remove_numbers([N1], NumberRemovalReason.RELEASED, now=NOW)
        not_ready = events[-1]
        assert isinstance(not_ready, GroupNotReady)
        assert [r.code for r in not_ready.reasons] == ["numbers_missing", "clid_missing"]
        assert not group.ready

    def test_a_cancelled_port_taking_the_clid_clears_it_and_makes_the_group_not_ready(self):
        group, _ = ready_group()
        events = group.remove_numbers([N1], NumberRemovalReason.PORT_CANCELLED, now=NOW)
        assert events == [
            GroupNumbersRemoved(group.group_id, PARTNER, (N1,), "port_cancelled", occurred_at=NOW),
            BusinessProfileNumberCleared(
                group.group_id, PARTNER, N1, "port_cancelled", occurred_at=NOW
            ),
            GroupNotReady(
                group.group_id,
                PARTNER,
                (Reason("clid_missing", "set the business profile number", "clid"),),
                occurred_at=NOW,
            ),
        ]
        assert group.clid is None
        # and it is ready again, announced once more, when a new CLID is set
        assert names(group.set_business_profile_number(N3, now=NOW))[-1] == (
            "onboarding.group.ready_for_users"
        )

    def test_losing_the_voice_portal_number_with_external_dial_in_makes_it_not_ready(self):
        group, _ = ready_group()
        events = group.remove_numbers([N2], NumberRemovalReason.PORT_CANCELLED, now=NOW)
        assert isinstance(events[1], VoicePortalNumberRemoved)
        assert group.voice_portal is None
        assert isinstance(events[-1], GroupNotReady)
        assert [r.code for r in events[-1].reasons] == ["voice_portal_missing"]

    def test_removing_the_last_admin_makes_it_not_ready(self):
        group, _ = ready_group()
        events = group.remove_admin_user("Anna.Smith@voice.example.com", now=NOW)
        assert names(events) == [
            "onboarding.group.admin_user_removed",
            "onboarding.group.not_ready",
        ]

    def test_removing_numbers_the_group_does_not_hold_changes_nothing(self):
        group, _ = ready_group()
        assert group.remove_numbers(["+442079460999"], NumberRemovalReason.RELEASED, now=NOW) == []
