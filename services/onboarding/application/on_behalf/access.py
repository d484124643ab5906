"""The check on every on-behalf action, and its audit trail (§1.6).

`authorise_and_audit` decides at the moment the command is handled (linked + opted in +
role, and the DPA for EU customers when the deployment requires it), and stores the
decision — allowed or denied — as one `audit` document whose id is derived from the
command's envelope id, with its event (`onboarding.on_behalf.action_audited` or
`.action_denied`) in the same atomic write. The decision is bound to the whole command
(`shared.store.fingerprint`: actor, tenant, action, payload): a redelivered command (same
command, same id) finds the stored decision and follows it, so it is neither audited
twice nor decided differently; a *different* command reusing that id (the id is visible
as the `causationid` of the audit event) is denied with `command_id_reused`, and that
denial is audited under an id of its own — an earlier decision never stands in for it.

Without multi-document transactions, the decision and the change it allows are two
writes: an opt-out that lands between them does not stop that one action (it was allowed
when decided); the helpdesk switch, which lives on the tenant's own document, is checked
again inside its atomic update.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime

from services.onboarding.adapters.admin_documents import dump_audit
from services.onboarding.application.common.admin_kinds import AUDIT_REPO
from services.onboarding.application.deps import Deps
from services.onboarding.application.on_behalf.directory import customer_tenant, reseller_tenant
from services.onboarding.domain.access import (
    Decision,
    OnBehalfPolicy,
    authorise_on_behalf,
    deny_reused_command_id,
)
from services.onboarding.domain.on_behalf.on_behalf import CustomerTenantAdministration
from shared.actor import Actor
from shared.contracts.common import Reason
from shared.contracts.onboarding import OnBehalfActionAuditedV1, OnBehalfActionDeniedV1
from shared.events import Envelope
from shared.ids import derived_id
from shared.mongo import Document
from shared.store import CommandIdReused, fingerprint
from shared.usecase import Decision as Recorded

Decide = Callable[[], Awaitable[tuple[Decision, str | None]]]
"""Make the decision now: it, and the customer's reseller partner ID when known."""


def audit_id_of(cause: Envelope, digest: str | None = None) -> str:
    """One audit entry per command id, whatever the number of deliveries; with `digest`,
    the entry of the different command (that fingerprint) which reused the id."""
    parts = ("audit", cause.id) if digest is None else ("audit", cause.id, digest)
    return "AUD-" + derived_id(*parts)[:24].upper()


async def audited(
    deps: Deps, cause: Envelope, actor: Actor, tenant_id: str, action: str, decide: Decide
) -> bool:
    """The stored decision on `cause`, made (by `decide`) and audited the first time.

    A command reusing the id of another one is denied (`command_id_reused`) and audited."""
    digest = fingerprint(cause)
    audit_id = audit_id_of(cause)
    stored = await deps.uc.load(AUDIT_REPO, audit_id)
    if stored is None:
        decision, reseller_partner_id = await decide()
        # A different command under this id may have been decided meanwhile: see below.
        with contextlib.suppress(CommandIdReused):
            await record(deps, cause, audit_id, decision, reseller_partner_id, digest)
        stored = await deps.uc.load(AUDIT_REPO, audit_id)
    assert stored is not None
    bound = stored.get("fingerprint")
    if bound is not None and bound != digest:
        _, reseller_partner_id = await decide()
        denial = deny_reused_command_id(actor, tenant_id, action, deps.now(), cause.id)
        await record(deps, cause, audit_id_of(cause, digest), denial, reseller_partner_id, digest)
        return False
    return bool(stored["entry"]["allowed"])


async def authorise_and_audit(
    deps: Deps, cause: Envelope, actor: Actor, tenant_id: str, action: str
) -> bool:
    """May `actor` do `action` on `tenant_id` as partner administrator now? Audited.

    Refused (and audited) when the command's id was used by a different command."""

    async def decide() -> tuple[Decision, str | None]:
        tenant = await customer_tenant(deps, tenant_id)
        reseller = await reseller_tenant(deps, actor.tenant_id)
        # An unknown tenant is linked to nobody: denied like a foreign one, and audited.
        customer = tenant.administration if tenant else CustomerTenantAdministration(tenant_id, "")
        country = tenant.facts.country if tenant else None
        policy = OnBehalfPolicy.for_customer(country, require_dpa=deps.settings.require_dpa)
        decision = authorise_on_behalf(actor, customer, reseller, action, deps.now(), policy)
        return decision, customer.reseller_partner_id or None

    return await audited(deps, cause, actor, tenant_id, action, decide)


async def record(
    deps: Deps,
    cause: Envelope,
    audit_id: str,
    decision: Decision,
    reseller_partner_id: str | None,
    digest: str,
) -> None:
    """Store the decision once, bound to the command's fingerprint `digest`, and publish it
    with it (one atomic write, tracked by the command's CloudEvents id)."""
    entry = decision.audit_entry

    def decide(stored: Document | None, _: datetime) -> Recorded[Document] | None:
        if stored is not None:
            return None  # decided before (e.g. by a concurrent delivery): that one stands
        model = OnBehalfActionAuditedV1 if entry.allowed else OnBehalfActionDeniedV1
        payload = model(
            audit_id=audit_id,
            request_id=cause.data.get("request_id"),
            command_type=cause.type,
            action=entry.action,
            tenant_id=entry.customer_tenant_id,
            user_id=entry.user_id,
            partner_id=entry.partner_id,
            actor_tenant_id=entry.actor_tenant_id,
            reseller_partner_id=reseller_partner_id,
            allowed=entry.allowed,
            reasons=_reasons(decision) if not entry.allowed else [],
            occurred_at=entry.at,
        )
        state = {
            "entry": dump_audit(entry),
            "command_type": cause.type,
            "command_id": cause.id,
            "request_id": cause.data.get("request_id"),
            "reseller_partner_id": reseller_partner_id,
            "fingerprint": digest,
        }
        return Recorded(state, [payload])

    await deps.uc.handle(AUDIT_REPO, audit_id, cause, decide, message_id=cause.id)


def _reasons(decision: Decision) -> list[Reason]:
    """The reasons of a denial, as a refusal tells them."""
    return [Reason(code=r.code, message=r.message) for r in decision.reasons]
