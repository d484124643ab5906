"""Customer groups (§1.4): cloned from the partner's clone group, then made ready for users.

A group is *ready for users* once all four are done: numbers assigned, the business
profile number (CLID) set to one of them, the voice portal enabled, and an admin user.
`onboarding.group.ready_for_users` is emitted once, when the last of the four completes;
losing one again (the last number, the CLID's number, ...) emits `onboarding.group.not_ready`.

Uniqueness across the platform (group ID, admin user ID) spans aggregates: the application
enforces it with unique indexes on the keys given here; the domain validates formats.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from services.onboarding.domain.errors import (
    Duplicate,
    Forbidden,
    IllegalTransition,
    Reason,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.groups.events import (
    BusinessProfileNumberCleared,
    BusinessProfileNumberSet,
    GroupAdminUserAdded,
    GroupAdminUserRemoved,
    GroupCreated,
    GroupNotReady,
    GroupNumbersAdded,
    GroupNumbersRemoved,
    GroupReadyForUsers,
    VoicePortalEnabled,
    VoicePortalNumberRemoved,
)
from services.onboarding.domain.groups.inventory import PartnerNumberInventory, normalise_numbers
from services.onboarding.domain.secrets import SecretHash

# (product decision) the local part of a user ID: letters, digits and . _ % + ' -
_USER_LOCAL_PART = re.compile(r"[A-Za-z0-9._%+'-]+")
_EXTENSION = re.compile(r"\d+")


class PlatformAccessNotLive(IllegalTransition):
    """Only a partner that can create customers — its platform access is live (§1.3 step
    5) — builds customer groups (§1.4)."""

    code = "platform_access_not_live"


class CloneGroupNotOfPartner(Forbidden):
    """A customer is cloned only from a clone group built for the same partner."""

    code = "clone_group_not_of_partner"


class DomainNotAllowed(ValidationFailed):
    code = "domain_not_allowed"


class NumbersNotAssignedToGroup(Forbidden):
    """A group takes only numbers its partner's inventory assigned to it."""

    code = "numbers_not_assigned_to_group"


class ClidNotInGroup(ValidationFailed):
    code = "clid_not_in_group"


class VoicePortalInvalid(ValidationFailed):
    """The portal has a number or an extension; a number must be one of the group's."""

    code = "voice_portal_invalid"


class VoicePortalNeedsNumberForExternalAccess(VoicePortalInvalid):
    """Callers dialling in from outside (a mobile) need a number, not just an extension."""

    code = "voice_portal_needs_number_for_external_access"


class UserDomainMismatch(ValidationFailed):
    code = "user_domain_mismatch"


class NumberRemovalReason(StrEnum):
    PORT_CANCELLED = "port_cancelled"
    RELEASED = "released"


def _fail(cls: type[ValidationFailed], message: str, field_name: str) -> ValidationFailed:
    return cls([Reason(cls.code, message, field_name)])


def user_id_key(user_id: str) -> str:
    """The key platform-wide uniqueness is checked on: the local part exactly as typed
    (user IDs are case-sensitive), the domain lower-cased (domains are not)."""
    local, _, domain = user_id.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


@dataclass(frozen=True)
class VoicePortal:
    number: str | None
    extension: str | None
    external_dial_in: bool  # callers dial in from outside (a mobile): needs a number


@dataclass(frozen=True)
class AdminUser:
    user_id: str
    first_name: str
    last_name: str
    password_hash: SecretHash  # the typed or generated password, hashed before it got here


@dataclass
class CustomerGroup:
    """One customer's group, under the partner that built it."""

    group_id: str
    group_name: str
    partner_id: str
    clone_group_id: str
    default_domain: str
    numbers: set[str] = field(default_factory=set)
    clid: str | None = None  # the business profile number
    voice_portal: VoicePortal | None = None
    admin_users: dict[str, AdminUser] = field(default_factory=dict)  # by user_id_key
    ready: bool = False

    @classmethod
    def clone(
        cls,
        *,
        group_id: str,
        group_name: str,
        partner_id: str,
        clone_group_id: str,
        partner_clone_group_ids: Collection[str],
        default_domain: str,
        allowed_domains: Collection[str],
        now: datetime,
        partner_can_create_customers: bool,
    ) -> tuple[CustomerGroup, list[DomainEvent]]:
        """Create the group from the partner's clone group, on an allowed default domain —
        only for a partner whose platform access is live (`partner_can_create_customers`,
        from its provider onboarding, §1.3 step 5)."""
        given = {"group_id": group_id, "group_name": group_name, "clone_group_id": clone_group_id}
        missing = [
            Reason("missing", f"{k} is required", k) for k, v in given.items() if not v.strip()
        ]
        if missing:
            raise ValidationFailed(missing)
        if not partner_can_create_customers:
            raise PlatformAccessNotLive(
                f"partner {partner_id} cannot create customers: its platform access is not live",
                details={"partner_id": partner_id},
            )
        if clone_group_id not in partner_clone_group_ids:
            raise CloneGroupNotOfPartner(
                f"clone group {clone_group_id} is not one of partner {partner_id}'s",
                details={"clone_group_id": clone_group_id, "partner_id": partner_id},
            )
        domain = default_domain.strip().lower()
        if domain not in {d.lower() for d in allowed_domains}:
            raise _fail(DomainNotAllowed, f"{domain} is not allowed", "default_domain")
        group = cls(group_id.strip(), group_name.strip(), partner_id, clone_group_id, domain)
        created = GroupCreated(
            group.group_id, group.group_name, partner_id, clone_group_id, domain, occurred_at=now
        )
        return group, [created]

    # -- 1. numbers ------------------------------------------------------------------------

    def add_numbers(
        self, numbers: Iterable[str], *, inventory: PartnerNumberInventory, now: datetime
    ) -> list[DomainEvent]:
        """Take numbers the partner's own inventory has assigned to this group."""
        wanted = sorted(set(normalise_numbers(numbers)) - self.numbers)
        if inventory.partner_id != self.partner_id:
            not_ours = wanted
        else:
            not_ours = [n for n in wanted if inventory.group_of(n) != self.group_id]
        if not_ours:
            raise NumbersNotAssignedToGroup(
                f"numbers not assigned to group {self.group_id}: {', '.join(not_ours)}",
                details={"numbers": not_ours},
            )
        if not wanted:
            return []
        self.numbers.update(wanted)
        added = GroupNumbersAdded(self.group_id, self.partner_id, tuple(wanted), occurred_at=now)
        return [added, *self._readiness(now)]

    def remove_numbers(
        self, numbers: Iterable[str], reason: NumberRemovalReason, *, now: datetime
    ) -> list[DomainEvent]:
        """Numbers leave (released, or their port was cancelled); what used them is cleared."""
        numbers = list(numbers)
        gone = sorted(set(normalise_numbers(numbers)) & self.numbers) if numbers else []
        if not gone:
            return []
        self.numbers.difference_update(gone)
        ids = (self.group_id, self.partner_id)
        events: list[DomainEvent] = [
            GroupNumbersRemoved(*ids, tuple(gone), reason, occurred_at=now)
        ]
        if self.clid in gone:
            events.append(BusinessProfileNumberCleared(*ids, self.clid, reason, occurred_at=now))
            self.clid = None
        portal = self.voice_portal
        if portal is not None and portal.number in gone:
            events.append(VoicePortalNumberRemoved(*ids, portal.number, reason, occurred_at=now))
            has_extension = portal.extension is not None
            self.voice_portal = (
                VoicePortal(None, portal.extension, portal.external_dial_in)
                if has_extension
                else None
            )
        return events + self._readiness(now)

    # -- 2. business profile number (CLID) --------------------------------------------------

    def set_business_profile_number(self, clid: str, *, now: datetime) -> list[DomainEvent]:
        """Set the group's CLID, which must be one of its numbers."""
        clid = normalise_numbers([clid])[0]
        if clid not in self.numbers:
            raise _fail(ClidNotInGroup, f"{clid} is not a number of the group", "clid")
        if clid == self.clid:
            return []
        self.clid = clid
        event = BusinessProfileNumberSet(self.group_id, self.partner_id, clid, occurred_at=now)
        return [event, *self._readiness(now)]

    # -- 3. voice portal -------------------------------------------------------------------

    def enable_voice_portal(
        self,
        *,
        number: str | None = None,
        extension: str | None = None,
        external_dial_in: bool = False,
        now: datetime,
    ) -> list[DomainEvent]:
        """Enable the voice portal (voicemail needs it) with a group number and/or an extension."""
        if number is not None:
            number = normalise_numbers([number])[0]
        portal = VoicePortal(number, extension, external_dial_in)
        reasons = _voice_portal_reasons(portal, self.numbers)
        if any(r.code == VoicePortalNeedsNumberForExternalAccess.code for r in reasons):
            raise VoicePortalNeedsNumberForExternalAccess(reasons)
        if reasons:
            raise VoicePortalInvalid(reasons)
        self.voice_portal = portal
        enabled = VoicePortalEnabled(
            self.group_id, self.partner_id, number, extension, external_dial_in, occurred_at=now
        )
        return [enabled, *self._readiness(now)]

    # -- 4. admin users --------------------------------------------------------------------

    def add_admin_user(
        self,
        user_id: str,
        *,
        first_name: str,
        last_name: str,
        password_hash: SecretHash,
        now: datetime,
    ) -> list[DomainEvent]:
        """Add a group admin in the group's default domain; only the password's hash arrives."""
        local, at, domain = user_id.strip().rpartition("@")
        reasons = [
            Reason("missing", f"{k} is required", k)
            for k, v in (("first_name", first_name), ("last_name", last_name))
            if not v.strip()
        ]
        if not at or not _USER_LOCAL_PART.fullmatch(local):
            reasons.append(Reason("invalid_user_id", "user ID must be name@domain", "user_id"))
        if reasons:
            raise ValidationFailed(reasons)
        if domain.lower() != self.default_domain:
            raise _fail(
                UserDomainMismatch,
                f"user IDs of this group end in @{self.default_domain}",
                "user_id",
            )
        key = user_id_key(user_id)
        if key in self.admin_users:
            raise Duplicate(f"user ID {key} is taken", code="user_id_taken")
        self.admin_users[key] = AdminUser(key, first_name.strip(), last_name.strip(), password_hash)
        added = GroupAdminUserAdded(
            self.group_id,
            self.partner_id,
            key,
            first_name.strip(),
            last_name.strip(),
            occurred_at=now,
        )
        return [added, *self._readiness(now)]

    def remove_admin_user(self, user_id: str, *, now: datetime) -> list[DomainEvent]:
        """Remove a group admin; removing the last one makes the group not ready."""
        key = user_id_key(user_id)
        if self.admin_users.pop(key, None) is None:
            return []
        removed = GroupAdminUserRemoved(self.group_id, self.partner_id, key, occurred_at=now)
        return [removed, *self._readiness(now)]

    # -- readiness -------------------------------------------------------------------------

    def missing_for_ready(self) -> tuple[Reason, ...]:
        """What is still to be done before users can be built (empty when ready)."""
        reasons = []
        if not self.numbers:
            reasons.append(Reason("numbers_missing", "assign at least one number", "numbers"))
        if self.clid is None:
            reasons.append(Reason("clid_missing", "set the business profile number", "clid"))
        if self.voice_portal is None:
            reasons.append(
                Reason("voice_portal_missing", "enable the voice portal", "voice_portal")
            )
        else:
            reasons.extend(_voice_portal_reasons(self.voice_portal, self.numbers))
        if not self.admin_users:
            reasons.append(Reason("admin_user_missing", "add an admin user", "admin_users"))
        return tuple(reasons)

    def _readiness(self, now: datetime) -> list[DomainEvent]:
        missing = self.missing_for_ready()
        if not self.ready and not missing:
            self.ready = True
            return [GroupReadyForUsers(self.group_id, self.partner_id, occurred_at=now)]
        if self.ready and missing:
            self.ready = False
            return [GroupNotReady(self.group_id, self.partner_id, missing, occurred_at=now)]
        return []


def _voice_portal_reasons(portal: VoicePortal, group_numbers: Collection[str]) -> list[Reason]:
    reasons = []
    if portal.number is None and portal.extension is None:
        reasons.append(
            Reason("voice_portal_needs_number_or_extension", "give a number or an extension")
        )
    if portal.number is not None and portal.number not in group_numbers:
        reasons.append(
            Reason("voice_portal_number_not_in_group", "not a number of the group", "number")
        )
    if portal.extension is not None and not _EXTENSION.fullmatch(portal.extension):
        reasons.append(Reason("invalid_extension", "an extension is digits", "extension"))
    if portal.external_dial_in and portal.number is None:
        reasons.append(
            Reason(
                VoicePortalNeedsNumberForExternalAccess.code,
                "dialling in from outside (e.g. a mobile) needs a number, not just an extension",
                "number",
            )
        )
    return reasons
