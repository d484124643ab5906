"""Partner master data (register, contacts) and addresses tied to legacy tenants."""

from __future__ import annotations

from services.onboarding.adapters.partners_documents import LEGACY_EMAILS, PARTNERS
from services.onboarding.application.common.kinds import LEGACY_EMAIL, PARTNER
from services.onboarding.application.common.outcomes import (
    About,
    act,
    publish_refusal,
    refusal_envelope,
    saved,
    tracking_id,
)
from services.onboarding.application.deps import SOURCE, Deps
from services.onboarding.domain.access import (
    CLOUD_OPERATIONS,
    VENDOR_OPERATIONS,
    require_partner_or_role,
    require_role,
)
from services.onboarding.domain.errors import Duplicate, OnboardingError, ValidationFailed
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
from shared.events import Envelope, new_event
from shared.ids import derived_id
from shared.store import Change, Outgoing, Stored, fingerprint
from shared.topics import ONBOARDING_EVENTS


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
    refused: list[OnboardingError] = []
    distributor = await load_partner_or_none(deps, cmd.preferred_distributor_id)
    unknown_distributor = distributor_reason(
        PartnerKind(cmd.kind), cmd.preferred_distributor_id, distributor
    )

    def decide(stored: Stored | None) -> Change | None:
        now = deps.now()
        try:
            require_role(cmd.actor, "register partners", VENDOR_OPERATIONS)
            if stored is not None:
                raise Duplicate(
                    "this partner ID is already registered",
                    code="partner_already_registered",
                    details={"partner_id": cmd.partner_id},
                )
            if unknown_distributor is not None:
                raise ValidationFailed([unknown_distributor])
            partner, events = Partner.register(
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
        except OnboardingError as error:
            if stored is None:
                refused.append(error)  # nothing to store it with: told directly below
                return None
            about = About(cmd.partner_id, cmd.preferred_distributor_id)
            envelope = refusal_envelope(PARTNER, cmd.partner_id, about, cause, cmd, error, now)
            return Change(stored.state, [Outgoing(ONBOARDING_EVENTS.name, envelope)], None)
        return saved(PARTNER, partner, cmd.partner_id, None, events, cause)

    await deps.ctx.apply(
        PARTNERS, cmd.partner_id, tracking_id(cause, cmd), decide, fingerprint=fingerprint(cause)
    )
    if refused:
        about = About(cmd.partner_id, cmd.preferred_distributor_id)
        await publish_refusal(deps, PARTNER, cmd.partner_id, about, cause, cmd, refused[0])


async def change_contacts(deps: Deps, cause: Envelope, cmd: c.ChangePartnerContacts) -> None:
    """The partner (or vendor operations) replaces its contacts and helpdesk address."""
    await act(
        deps,
        PARTNER,
        cmd.partner_id,
        cause,
        cmd,
        lambda p: require_partner_or_role(
            cmd.actor, [p.partner_id], "change this partner's contacts", VENDOR_OPERATIONS
        ),
        lambda p, now: p.change_contacts(contacts_of(cmd.contacts), cmd.helpdesk_email, now),
    )


async def load_partner_or_none(deps: Deps, partner_id: str | None) -> Partner | None:
    if not partner_id:
        return None
    stored = await deps.ctx.store(PARTNERS).load(partner_id)
    return None if stored is None else PARTNER.load(stored)


# -- addresses tied to a tenant of the older product -----------------------------------


async def legacy_emails_matching(deps: Deps, email: str) -> set[str]:
    """{email} when the address is tied to a legacy tenant, else an empty set."""
    stored = await deps.ctx.store(LEGACY_EMAILS).load(normalise_email(email))
    return {email} if stored is not None else set()


async def record_legacy_email(deps: Deps, cause: Envelope, cmd: c.RecordLegacyEmail) -> None:
    """Operators record an address of a legacy tenant: it can never be used again."""
    email = normalise_email(cmd.email)
    try:
        require_role(cmd.actor, "record legacy addresses", VENDOR_OPERATIONS, CLOUD_OPERATIONS)
        if problem := email_reason(email, "email"):
            raise ValidationFailed([problem])
    except OnboardingError as error:
        await publish_refusal(deps, LEGACY_EMAIL, email, About(), cause, cmd, error)
        return

    def decide(stored: Stored | None) -> Change | None:
        if stored is not None:
            return None  # already recorded
        now = deps.now()
        payload = LegacyEmailRecordedV1(
            email=email, legacy_tenant_id=cmd.legacy_tenant_id, occurred_at=now
        )
        envelope = new_event(
            payload,
            source=SOURCE,
            now=now,
            subject=email,
            event_id=derived_id("onboarding", email, "1", "0", payload.EVENT_TYPE),
            correlation_id=cause.correlation,
            causation_id=cause.id,
        )
        state = {
            "email": email,
            "legacy_tenant_id": cmd.legacy_tenant_id,
            "recorded_at": now.isoformat(),
            "recorded_by": cmd.actor.user_id,
        }
        return Change(state, [Outgoing(ONBOARDING_EVENTS.name, envelope)], [])

    await deps.ctx.apply(
        LEGACY_EMAILS, email, tracking_id(cause, cmd), decide, fingerprint=fingerprint(cause)
    )
