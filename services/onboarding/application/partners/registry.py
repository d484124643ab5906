"""Partner master data (register, contacts) and addresses tied to legacy tenants."""

from __future__ import annotations

from datetime import datetime

from services.onboarding.application.common.core import change, refusing, tracking
from services.onboarding.application.common.kinds import LEGACY_EMAIL_REPO, PARTNER_REPO
from services.onboarding.application.deps import Deps
from services.onboarding.domain.access import (
    CLOUD_OPERATIONS,
    VENDOR_OPERATIONS,
    require_partner_or_role,
    require_role,
)
from services.onboarding.domain.errors import Duplicate, ValidationFailed
from services.onboarding.domain.partners.partners import (
    AccountManager,
    AccountManagerRole,
    Contact,
    Language,
    Partner,
    PartnerKind,
    distributor_reason,
    email_reason,
    normalise_email,
)
from shared.contracts import onboarding as c
from shared.contracts.onboarding import LegacyEmailRecordedV1
from shared.events import Envelope
from shared.mongo import Document
from shared.usecase import Decision


def contacts_of(contacts: list[c.ContactIn]) -> list[Contact]:
    return [Contact(x.name, x.email, x.role) for x in contacts]


def _account_manager(value: c.AccountManagerIn | None) -> AccountManager | None:
    if value is None:
        return None
    return AccountManager(
        value.account_manager_id, value.name, value.email, AccountManagerRole(value.role)
    )


async def register(deps: Deps, cause: Envelope, cmd: c.RegisterPartner) -> None:
    """Register a partner under its partner ID; a second registration is refused, and a
    reseller's distributor must be a registered distributor."""
    distributor = await load_partner_or_none(deps, cmd.preferred_distributor_id)
    unknown_distributor = distributor_reason(
        PartnerKind(cmd.kind), cmd.preferred_distributor_id, distributor
    )

    def decide(partner: Partner | None, now: datetime) -> Decision[Partner]:
        with refusing():
            require_role(cmd.actor, "register partners", VENDOR_OPERATIONS)
            if partner is not None:
                raise Duplicate(
                    "this partner ID is already registered",
                    code="partner_already_registered",
                    details={"partner_id": cmd.partner_id},
                )
            if unknown_distributor is not None:
                raise ValidationFailed([unknown_distributor])
            registered, events = Partner.register(
                partner_id=cmd.partner_id,
                kind=PartnerKind(cmd.kind),
                name=cmd.name,
                country=cmd.country,
                language=Language(cmd.language),
                now=now,
                contacts=contacts_of(cmd.contacts),
                helpdesk_email=cmd.helpdesk_email,
                preferred_distributor_id=cmd.preferred_distributor_id,
                account_manager=_account_manager(cmd.account_manager),
            )
        return Decision(registered, events)

    # A refusal tells the partner and the distributor the command names (stored or not).
    about = {"partner_id": cmd.partner_id, "distributor_partner_id": cmd.preferred_distributor_id}
    await deps.uc.handle(
        PARTNER_REPO, cmd.partner_id, cause, decide, message_id=tracking(cause), about=about
    )


async def change_contacts(deps: Deps, cause: Envelope, cmd: c.ChangePartnerContacts) -> None:
    """The partner (or vendor operations) replaces its contacts and helpdesk address."""
    await change(
        deps.uc,
        PARTNER_REPO,
        cmd.partner_id,
        cause,
        lambda p: require_partner_or_role(
            cmd.actor, [p.partner_id], "change this partner's contacts", VENDOR_OPERATIONS
        ),
        lambda p, now: p.change_contacts(contacts_of(cmd.contacts), cmd.helpdesk_email, now),
    )


async def load_partner_or_none(deps: Deps, partner_id: str | None) -> Partner | None:
    """The partner, or None when `partner_id` is empty or names no registered partner."""
    if not partner_id:
        return None
    return await deps.uc.load(PARTNER_REPO, partner_id)


# -- addresses tied to a tenant of the older product -----------------------------------


async def legacy_emails_matching(deps: Deps, email: str) -> set[str]:
    """{email} when the address is tied to a legacy tenant, else an empty set."""
    stored = await deps.uc.load(LEGACY_EMAIL_REPO, normalise_email(email))
    return {email} if stored is not None else set()


async def record_legacy_email(deps: Deps, cause: Envelope, cmd: c.RecordLegacyEmail) -> None:
    """Operators record an address of a legacy tenant: it can never be used again."""
    email = normalise_email(cmd.email)

    def decide(record: Document | None, now: datetime) -> Decision[Document] | None:
        with refusing():
            require_role(cmd.actor, "record legacy addresses", VENDOR_OPERATIONS, CLOUD_OPERATIONS)
            if problem := email_reason(email, "email"):
                raise ValidationFailed([problem])
        if record is not None:
            return None  # already recorded
        recorded = LegacyEmailRecordedV1(
            email=email, legacy_tenant_id=cmd.legacy_tenant_id, occurred_at=now
        )
        state = {
            "email": email,
            "legacy_tenant_id": cmd.legacy_tenant_id,
            "recorded_at": now.isoformat(),
            "recorded_by": cmd.actor.user_id,
        }
        return Decision(state, [recorded])

    await deps.uc.handle(LEGACY_EMAIL_REPO, email, cause, decide, message_id=tracking(cause))
