"""The cloud reseller authorisation programme (§1.2), step by step, on the Partner."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from services.onboarding.application.common.core import (
    Act,
    Check,
    certification_policy,
    change,
)
from services.onboarding.application.common.kinds import PARTNER_REPO
from services.onboarding.application.deps import Deps
from services.onboarding.application.partners.registry import load_partner_or_none
from services.onboarding.domain.access import (
    VENDOR_OPERATIONS,
    require_partner_or_role,
    require_role,
)
from services.onboarding.domain.errors import Reason, ValidationFailed
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.authorisation import Agreement, Webinar
from services.onboarding.domain.partners.partners import Partner
from shared.actor import Actor
from shared.contracts import onboarding as c
from shared.events import Envelope


def _reseller_itself(actor: Actor, action: str) -> Check[Partner]:
    return lambda p: require_partner_or_role(actor, [p.partner_id], action, VENDOR_OPERATIONS)


def _reseller_or_its_distributor(actor: Actor, action: str) -> Check[Partner]:
    def check(p: Partner) -> None:
        partners = [p.partner_id, p.preferred_distributor_id]
        require_partner_or_role(actor, partners, action, VENDOR_OPERATIONS)

    return check


def _vendor_operations(actor: Actor, action: str) -> Check[Partner]:
    return lambda _: require_role(actor, action, VENDOR_OPERATIONS)


async def _step(
    deps: Deps,
    cause: Envelope,
    cmd: c.PartnerScopedCommand,
    check: Check[Partner],
    do: Act[Partner],
) -> None:
    await change(deps.uc, PARTNER_REPO, cmd.partner_id, cause, check, do)


async def register_as_cloud_reseller(
    deps: Deps, cause: Envelope, cmd: c.RegisterAsCloudReseller
) -> None:
    """Step 1: once per company, naming a registered distributor and accepting the terms."""
    distributor = await load_partner_or_none(deps, cmd.preferred_distributor_id)

    def do(p: Partner, now: datetime) -> Sequence[DomainEvent]:
        if distributor is None:
            raise ValidationFailed(
                [
                    Reason(
                        "unknown_partner",
                        f"no partner {cmd.preferred_distributor_id} is registered",
                        "preferred_distributor_id",
                    )
                ]
            )
        return p.register_as_cloud_reseller(distributor, cmd.terms_accepted, now)

    await _step(deps, cause, cmd, _reseller_itself(cmd.actor, "register as cloud reseller"), do)


async def complete_webinar(deps: Deps, cause: Envelope, cmd: c.CompleteWebinar) -> None:
    """Step 2: the training platform (vendor operations) reports a completed webinar."""
    await _step(
        deps,
        cause,
        cmd,
        _vendor_operations(cmd.actor, "record webinars"),
        lambda p, now: p.reseller_programme.complete_webinar(Webinar(cmd.webinar), now),
    )


async def take_certification_test(
    deps: Deps, cause: Envelope, cmd: c.TakeCertificationTest
) -> None:
    """Step 3: a test score, after the training; passing authorises the reseller."""
    policy = certification_policy(deps.settings)
    await _step(
        deps,
        cause,
        cmd,
        _vendor_operations(cmd.actor, "record certification tests"),
        lambda p, now: p.reseller_programme.take_certification_test(cmd.score, now, policy),
    )


async def sign_agreement(deps: Deps, cause: Envelope, cmd: c.SignAgreement) -> None:
    """Step 4: one of the two agreements with the distributor."""
    await _step(
        deps,
        cause,
        cmd,
        _reseller_or_its_distributor(cmd.actor, "record this reseller's agreements"),
        lambda p, now: p.reseller_programme.sign_agreement(Agreement(cmd.agreement), now),
    )


async def pass_terms_url(deps: Deps, cause: Envelope, cmd: c.PassTermsUrl) -> None:
    """Step 5: the URL of the reseller's terms of service, passed to the distributor."""
    await _step(
        deps,
        cause,
        cmd,
        _reseller_or_its_distributor(cmd.actor, "pass this reseller's terms URL"),
        lambda p, now: p.reseller_programme.pass_terms_url(cmd.terms_url, now),
    )


async def activate_estore(deps: Deps, cause: Envelope, cmd: c.ActivateEStore) -> None:
    """Step 6: the syndicated e-store is active; its link is reported."""
    await _step(
        deps,
        cause,
        cmd,
        _reseller_itself(cmd.actor, "activate this reseller's e-store"),
        lambda p, now: p.reseller_programme.activate_estore(cmd.products, cmd.estore_link, now),
    )
