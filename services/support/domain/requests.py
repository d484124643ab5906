"""Other requests through the support channel: capacity changes and COP uploads (§4, seed 004).

Capacity: the partner states the knowledge-worker and workspace-device counts at
activation; a change is a request the vendor confirms or refuses (requested → confirmed |
refused), one pending request per tenant at a time (product decision). Users and
features beyond the *confirmed* capacity may not be configured until the vendor confirms
the added capacity (`TenantCapacity.check_within`).

COP (software package) uploads: requested for a customer (phone firmware, locale or device
packs …); the vendor only uploads the file to the instance's SFTP server, the partner
installs it (requested → confirmed | refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.support.domain import events_requests as ev
from services.support.domain.clocks import aware
from services.support.domain.errors import (
    BeyondConfirmedCapacity,
    IllegalTransition,
    Reason,
    ValidationFailed,
)


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    REFUSED = "refused"


def _require_text(value: str, field: str) -> str:
    if not value.strip():
        raise ValidationFailed([Reason(f"{field}_missing", f"{field} must not be empty", field)])
    return value.strip()


def _count_reasons(value: object, field: str) -> list[Reason]:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return [Reason("invalid_count", f"{field} must be a whole number ≥ 0", field)]
    return []


@dataclass
class CapacityRequest:
    request_id: str
    requested_by: str
    requested_at: datetime
    knowledge_workers: int
    workspace_devices: int
    status: RequestStatus = RequestStatus.REQUESTED
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None


@dataclass
class TenantCapacity:
    """The confirmed capacity of one tenant and its change requests."""

    tenant_id: str
    partner_id: str
    knowledge_workers: int
    workspace_devices: int
    requests: list[CapacityRequest] = field(default_factory=list)
    version: int = 0

    @classmethod
    def establish(
        cls, tenant_id: str, partner_id: str, knowledge_workers: int, workspace_devices: int
    ) -> TenantCapacity:
        """The capacity the partner stated at activation (the end-state counts, seed 004)."""
        reasons = _count_reasons(knowledge_workers, "knowledge_workers")
        reasons += _count_reasons(workspace_devices, "workspace_devices")
        if reasons:
            raise ValidationFailed(reasons)
        return cls(tenant_id, partner_id, knowledge_workers, workspace_devices)

    @property
    def pending(self) -> CapacityRequest | None:
        """The request awaiting the vendor, if any."""
        return next((r for r in self.requests if r.status is RequestStatus.REQUESTED), None)

    def check_within(self, knowledge_workers: int, workspace_devices: int) -> None:
        """Refuse a configuration beyond the confirmed capacity (`BeyondConfirmedCapacity`).

        A pending request does not count: added capacity counts once confirmed.
        """
        reasons: list[Reason] = []
        for name, wanted, confirmed in (
            ("knowledge_workers", knowledge_workers, self.knowledge_workers),
            ("workspace_devices", workspace_devices, self.workspace_devices),
        ):
            if wanted > confirmed:
                message = f"{wanted} {name.replace('_', ' ')} exceed the confirmed {confirmed}"
                reasons.append(Reason(BeyondConfirmedCapacity.code, message, name))
        if reasons:
            error = BeyondConfirmedCapacity("; ".join(r.message for r in reasons))
            error.details["reasons"] = [r.as_dict() for r in reasons]
            raise error

    def request_change(
        self,
        now: datetime,
        request_id: str,
        by: str,
        knowledge_workers: int,
        workspace_devices: int,
    ) -> list[ev.CapacityEvent]:
        """Ask the vendor for new counts; refused with reasons (`ValidationFailed`)."""
        now = aware(now)
        reasons = _count_reasons(knowledge_workers, "knowledge_workers")
        reasons += _count_reasons(workspace_devices, "workspace_devices")
        if any(r.request_id == request_id for r in self.requests):
            reasons.append(Reason("duplicate_request_id", f"{request_id} exists", "request_id"))
        if self.pending is not None:
            message = f"request {self.pending.request_id} awaits the vendor's answer"
            reasons.append(Reason("capacity_change_pending", message, "request_id"))
        if not reasons and (knowledge_workers, workspace_devices) == (
            self.knowledge_workers,
            self.workspace_devices,
        ):
            reasons.append(Reason("no_change", "the counts equal the confirmed capacity", None))
        if reasons:
            raise ValidationFailed(reasons)
        self.requests.append(
            CapacityRequest(request_id, by, now, knowledge_workers, workspace_devices)
        )
        self.version += 1
        return [
            ev.CapacityChangeRequested(
                **self._meta(now),
                request_id=request_id,
                requested_by=by,
                knowledge_workers=knowledge_workers,
                workspace_devices=workspace_devices,
                confirmed_knowledge_workers=self.knowledge_workers,
                confirmed_workspace_devices=self.workspace_devices,
            )
        ]

    def confirm(self, now: datetime, request_id: str, by: str) -> list[ev.CapacityEvent]:
        """The vendor made the change: the requested counts are the confirmed capacity."""
        now, request = self._decide("confirm", now, request_id, by)
        request.status = RequestStatus.CONFIRMED
        self.knowledge_workers = request.knowledge_workers
        self.workspace_devices = request.workspace_devices
        return [
            ev.CapacityChangeConfirmed(
                **self._meta(now),
                request_id=request_id,
                confirmed_by=by,
                knowledge_workers=self.knowledge_workers,
                workspace_devices=self.workspace_devices,
            )
        ]

    def refuse(
        self, now: datetime, request_id: str, by: str, reason: str
    ) -> list[ev.CapacityEvent]:
        """The vendor refuses the change (with a reason); the capacity stays as it was."""
        reason = _require_text(reason, "reason")
        now, request = self._decide("refuse", now, request_id, by)
        request.status, request.reason = RequestStatus.REFUSED, reason
        return [
            ev.CapacityChangeRefused(
                **self._meta(now), request_id=request_id, refused_by=by, reason=reason
            )
        ]

    def _decide(
        self, action: str, now: datetime, request_id: str, by: str
    ) -> tuple[datetime, CapacityRequest]:
        now = aware(now)
        request = next((r for r in self.requests if r.request_id == request_id), None)
        if request is None or request.status is not RequestStatus.REQUESTED:
            status = "unknown" if request is None else str(request.status)
            raise IllegalTransition(
                f"cannot {action} capacity request {request_id}: it is {status}",
                field="request_id",
                details={"action": action, "status": status},
            )
        request.decided_by, request.decided_at = by, now
        self.version += 1
        return now, request

    def _meta(self, now: datetime) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "partner_id": self.partner_id,
            "occurred_at": now,
            "version": self.version,
        }


class CopPurpose(StrEnum):
    """Why a customer needs a COP file (seed 004: phone firmware, locale packs, device packs)."""

    PHONE_FIRMWARE = "phone_firmware"
    LOCALE_PACK = "locale_pack"
    DEVICE_PACK = "device_pack"
    OTHER = "other"


COP_SUFFIXES = (".cop.sgn", ".cop")


@dataclass
class CopUploadRequest:
    """A customer's request to upload one COP file to its instance's SFTP server."""

    request_id: str
    tenant_id: str
    partner_id: str
    file_name: str
    purpose: CopPurpose
    requested_by: str
    requested_at: datetime
    requested_for: str | None = None
    status: RequestStatus = RequestStatus.REQUESTED
    location: str | None = None
    reason: str | None = None
    version: int = 1

    @classmethod
    def request(
        cls,
        *,
        request_id: str,
        tenant_id: str,
        partner_id: str,
        file_name: str,
        purpose: str,
        requested_by: str,
        now: datetime,
        requested_for: str | None = None,
    ) -> tuple[CopUploadRequest, list[ev.CopUploadEvent]]:
        """Record the request; refuses a missing or non-COP file name or an unknown purpose."""
        now = aware(now)
        reasons: list[Reason] = []
        name = file_name.strip()
        if not name or "/" in name or "\\" in name or not name.lower().endswith(COP_SUFFIXES):
            message = f"{file_name!r} is not a COP file name (*.cop or *.cop.sgn, no path)"
            reasons.append(Reason("not_a_cop_file", message, "file_name"))
        if purpose not in {str(p) for p in CopPurpose}:
            reasons.append(Reason("unknown_purpose", f"{purpose!r} is not a purpose", "purpose"))
        if reasons:
            raise ValidationFailed(reasons)
        upload = cls(
            request_id, tenant_id, partner_id, name, CopPurpose(purpose), requested_by, now,
            requested_for,
        )  # fmt: skip
        event = ev.CopUploadRequested(
            **upload._meta(now),
            requested_by=requested_by,
            purpose=str(upload.purpose),
            requested_for=requested_for,
        )
        return upload, [event]

    def confirm(self, now: datetime, by: str, location: str) -> list[ev.CopUploadEvent]:
        """The vendor uploaded the file to `location`; the partner installs it."""
        location = _require_text(location, "location")
        now = self._require("confirm", now)
        self.status, self.location = RequestStatus.CONFIRMED, location
        return [ev.CopUploadConfirmed(**self._meta(now), confirmed_by=by, location=location)]

    def refuse(self, now: datetime, by: str, reason: str) -> list[ev.CopUploadEvent]:
        """The vendor will not upload the file (with a reason)."""
        reason = _require_text(reason, "reason")
        now = self._require("refuse", now)
        self.status, self.reason = RequestStatus.REFUSED, reason
        return [ev.CopUploadRefused(**self._meta(now), refused_by=by, reason=reason)]

    def _require(self, action: str, now: datetime) -> datetime:
        now = aware(now)
        if self.status is not RequestStatus.REQUESTED:
            raise IllegalTransition(
                f"cannot {action} a COP upload request that is {self.status}",
                field="status",
                details={"action": action, "status": str(self.status)},
            )
        self.version += 1
        return now

    def _meta(self, now: datetime) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "tenant_id": self.tenant_id,
            "partner_id": self.partner_id,
            "file_name": self.file_name,
            "occurred_at": now,
            "version": self.version,
        }
