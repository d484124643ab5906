"""Capacity changes and COP uploads, raised through the support channel (§4, seed 004).

Capacity (keyed by tenant): the partner records the knowledge-worker and workspace-device
counts stated at activation, then asks for changes (requested → confirmed | refused by
the vendor); `support.capacity.check` answers whether counts may be configured now — only
confirmed capacity counts. COP uploads (keyed by an id derived from the sender and
`request_id`): requested for a customer tenant, confirmed (uploaded) or refused by the
vendor; the partner installs.
"""

from __future__ import annotations

from datetime import datetime

from services.support.adapters.documents import CAPACITY_REPO, COP_REPO
from services.support.application.deps import Support, deciding
from services.support.application.payloads import CapacityActivationRecorded
from services.support.application.tickets import tenant_for
from services.support.domain.access import is_vendor_support, require_partner, require_vendor
from services.support.domain.errors import (
    BeyondConfirmedCapacity,
    IllegalTransition,
    Reason,
    ValidationFailed,
)
from services.support.domain.requests import CopUploadRequest, TenantCapacity
from services.support.domain.tenants import TenantRecord
from shared.actor import Actor
from shared.contracts import support as c
from shared.contracts.common import Reason as ReasonOut
from shared.events import Envelope
from shared.ids import derived_id
from shared.usecase import Decision

Upload = CopUploadRequest


def upload_id_for(sender: str, request_id: str) -> str:
    """The id a COP upload request gets (`COP-` + 16 hex)."""
    return "COP-" + derived_id("cop_upload", sender, request_id)[:16].upper()


def _require_customer(actor: Actor, tenant_id: str, record: TenantRecord | None) -> str:
    """The partner of the customer tenant the actor may act for (else a refusal)."""
    partner = record.support_partner_id if record else None
    if partner is None:
        message = f"tenant {tenant_id!r} is not a customer tenant support knows"
        raise ValidationFailed([Reason("unknown_tenant", message, "tenant_id")])
    if actor.partner_id is not None and actor.partner_id != partner:
        message = f"tenant {tenant_id!r} is not a customer tenant of partner {actor.partner_id}"
        raise ValidationFailed([Reason("unknown_tenant", message, "tenant_id")])
    require_partner(actor, partner)
    return partner


async def record_activation(s: Support, cause: Envelope, cmd: c.RecordActivationCapacity) -> None:
    """The counts stated at the tenant's activation: its first confirmed capacity (once)."""
    record = await tenant_for(s, cmd.tenant_id, cmd.actor.partner_id or "")

    def decide(current: TenantCapacity | None, now: datetime) -> Decision[TenantCapacity] | None:
        partner = _require_customer(cmd.actor, cmd.tenant_id, record)
        if current is not None:
            raise IllegalTransition(
                "the activation capacity is recorded already", field="tenant_id"
            )
        capacity = TenantCapacity.establish(
            cmd.tenant_id, partner, cmd.knowledge_workers, cmd.workspace_devices
        )
        capacity.version = 1
        event = CapacityActivationRecorded(
            tenant_id=cmd.tenant_id,
            partner_id=partner,
            recorded_by=cmd.actor.user_id,
            knowledge_workers=capacity.knowledge_workers,
            workspace_devices=capacity.workspace_devices,
            occurred_at=now,
            version=capacity.version,
        )
        return Decision(capacity, [event])

    await s.uc.handle(CAPACITY_REPO, cmd.tenant_id, cause, deciding(decide))


async def request_change(s: Support, cause: Envelope, cmd: c.RequestCapacityChange) -> None:
    """Ask the vendor for new end-state counts (the change id is the `request_id`)."""
    await s.uc.require(CAPACITY_REPO, cmd.tenant_id)

    def decide(current: TenantCapacity | None, now: datetime) -> Decision[TenantCapacity] | None:
        assert current is not None
        require_partner(cmd.actor, current.partner_id)
        events = current.request_change(
            now, cmd.request_id, cmd.actor.user_id, cmd.knowledge_workers, cmd.workspace_devices
        )
        return Decision(current, events)

    await s.uc.handle(CAPACITY_REPO, cmd.tenant_id, cause, deciding(decide))


async def _decide_change(
    s: Support, cause: Envelope, cmd: c.ConfirmCapacityChange, reason: str | None
) -> None:
    await s.uc.require(CAPACITY_REPO, cmd.tenant_id)
    by = cmd.actor.user_id

    def decide(current: TenantCapacity | None, now: datetime) -> Decision[TenantCapacity] | None:
        assert current is not None
        require_vendor(cmd.actor)
        if reason is None:
            return Decision(current, current.confirm(now, cmd.change_id, by))
        return Decision(current, current.refuse(now, cmd.change_id, by, reason))

    await s.uc.handle(CAPACITY_REPO, cmd.tenant_id, cause, deciding(decide))


async def confirm_change(s: Support, cause: Envelope, cmd: c.ConfirmCapacityChange) -> None:
    """The vendor added the capacity."""
    await _decide_change(s, cause, cmd, None)


async def refuse_change(s: Support, cause: Envelope, cmd: c.RefuseCapacityChange) -> None:
    """The vendor refuses the change, with a reason."""
    await _decide_change(s, cause, cmd, cmd.reason)


async def check(s: Support, cause: Envelope, cmd: c.CheckCapacity) -> None:
    """Answer whether the counts are within the confirmed capacity (a query)."""
    capacity = await s.uc.load(CAPACITY_REPO, cmd.tenant_id)
    if capacity is not None and not (
        is_vendor_support(cmd.actor) or cmd.actor.partner_id == capacity.partner_id
    ):
        capacity = None  # not the tenant's partner nor the vendor: nothing is revealed
    reasons: list[ReasonOut] = []
    if capacity is None:
        message = f"no confirmed capacity for tenant {cmd.tenant_id!r}"
        reasons.append(ReasonOut(code="capacity_unknown", message=message, field="tenant_id"))
    else:
        try:
            capacity.check_within(cmd.knowledge_workers, cmd.workspace_devices)
        except BeyondConfirmedCapacity as error:
            reasons += [
                ReasonOut(code=r["code"], message=r["message"], field=r.get("field"))
                for r in error.details.get("reasons", [])
            ]
    answer = c.CapacityCheckedV1(
        request_id=cmd.request_id,
        tenant_id=cmd.tenant_id,
        knowledge_workers=cmd.knowledge_workers,
        workspace_devices=cmd.workspace_devices,
        confirmed_knowledge_workers=capacity.knowledge_workers if capacity else None,
        confirmed_workspace_devices=capacity.workspace_devices if capacity else None,
        within=not reasons,
        reasons=reasons,
        occurred_at=s.now(),
    )
    await s.uc.answer(cause, answer, cmd.tenant_id)


async def request_cop_upload(s: Support, cause: Envelope, cmd: c.RequestCopUpload) -> None:
    """A customer needs a COP file on its instance's SFTP server."""
    upload_id = upload_id_for(cmd.actor.user_id, cmd.request_id)
    record = await tenant_for(s, cmd.tenant_id, cmd.actor.partner_id or "")

    def decide(
        current: CopUploadRequest | None, now: datetime
    ) -> Decision[CopUploadRequest] | None:
        if current is not None:
            return None
        partner = _require_customer(cmd.actor, cmd.tenant_id, record)
        upload, events = CopUploadRequest.request(
            request_id=upload_id,
            tenant_id=cmd.tenant_id,
            partner_id=partner,
            file_name=cmd.file_name,
            purpose=cmd.purpose,
            requested_by=cmd.actor.user_id,
            now=now,
            requested_for=cmd.requested_for,
        )
        return Decision(upload, events)

    await s.uc.handle(COP_REPO, upload_id, cause, deciding(decide))


async def _decide_upload(
    s: Support, cause: Envelope, upload_id: str, actor: Actor, location: str | None, reason: str
) -> None:
    await s.uc.require(COP_REPO, upload_id)

    def decide(
        current: CopUploadRequest | None, now: datetime
    ) -> Decision[CopUploadRequest] | None:
        assert current is not None
        require_vendor(actor)
        if location is not None:
            return Decision(current, current.confirm(now, actor.user_id, location))
        return Decision(current, current.refuse(now, actor.user_id, reason))

    await s.uc.handle(COP_REPO, upload_id, cause, deciding(decide))


async def confirm_cop_upload(s: Support, cause: Envelope, cmd: c.ConfirmCopUpload) -> None:
    """The vendor uploaded the file; the partner installs it."""
    await _decide_upload(s, cause, cmd.upload_id, cmd.actor, cmd.location, "")


async def refuse_cop_upload(s: Support, cause: Envelope, cmd: c.RefuseCopUpload) -> None:
    """The vendor will not upload the file."""
    await _decide_upload(s, cause, cmd.upload_id, cmd.actor, None, cmd.reason)
