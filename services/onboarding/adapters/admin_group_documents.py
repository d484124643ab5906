"""Documents of customer groups, partner number inventories and provisioning requests.

Admin users are kept with the encoded scrypt hash of their password only. Maps keyed by
user IDs or numbers are stored as lists (no dotted field names).
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from services.onboarding.adapters.admin_documents import instant, iso
from services.onboarding.domain.groups.groups import AdminUser, CustomerGroup, VoicePortal
from services.onboarding.domain.groups.inventory import (
    InventoryNumber,
    NumberState,
    PartnerNumberInventory,
)
from services.onboarding.domain.provisioning.integrations import (
    CallRecordingCustomerRequest,
    ProvisioningKind,
    ProvisioningRequest,
    ProvisioningState,
    ReportingAdminUser,
    ReportingPartitionRequest,
)
from services.onboarding.domain.secrets import SecretHash
from shared.mongo import Document

GROUPS = "groups"
INVENTORIES = "inventories"
CLONE_GROUPS = "clone_groups"
PROVISIONING_REQUESTS = "provisioning_requests"
GROUP_ID_CLAIMS = "group_id_claims"
USER_ID_CLAIMS = "admin_user_id_claims"


def dump_group(group: CustomerGroup) -> Document:
    portal = group.voice_portal
    return {
        "group_id": group.group_id,
        "group_name": group.group_name,
        "partner_id": group.partner_id,
        "clone_group_id": group.clone_group_id,
        "default_domain": group.default_domain,
        "numbers": sorted(group.numbers),
        "clid": group.clid,
        "voice_portal": None if portal is None else asdict(portal),
        "admin_users": [
            {
                "user_id": u.user_id,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "password_hash": u.password_hash.encode(),
            }
            for _, u in sorted(group.admin_users.items())
        ],
        "ready": group.ready,
    }


def load_group(doc: Document) -> CustomerGroup:
    portal = doc.get("voice_portal")
    return CustomerGroup(
        group_id=doc["group_id"],
        group_name=doc["group_name"],
        partner_id=doc["partner_id"],
        clone_group_id=doc["clone_group_id"],
        default_domain=doc["default_domain"],
        numbers=set(doc.get("numbers", [])),
        clid=doc.get("clid"),
        voice_portal=None if portal is None else VoicePortal(**portal),
        admin_users={
            u["user_id"]: AdminUser(
                u["user_id"],
                u["first_name"],
                u["last_name"],
                SecretHash.decode(u["password_hash"]),
            )
            for u in doc.get("admin_users", [])
        },
        ready=bool(doc.get("ready")),
    )


def dump_inventory(inventory: PartnerNumberInventory) -> Document:
    return {
        "partner_id": inventory.partner_id,
        "numbers": [
            {
                "number": e.number,
                "state": e.state.value,
                "port_id": e.port_id,
                "group_id": e.group_id,
            }
            for _, e in sorted(inventory.numbers.items())
        ],
    }


def load_inventory(doc: Document) -> PartnerNumberInventory:
    return PartnerNumberInventory(
        doc["partner_id"],
        {
            e["number"]: InventoryNumber(
                e["number"], NumberState(e["state"]), e.get("port_id"), e.get("group_id")
            )
            for e in doc.get("numbers", [])
        },
    )


def _init_fields(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """The constructor arguments of a dataclass (fields fixed by the guide are not)."""
    return {f.name: values[f.name] for f in fields(cls) if f.init and f.name in values}


def dump_provisioning(request: ProvisioningRequest) -> Document:
    return {
        "request_id": request.request_id,
        "kind": request.kind.value,
        "payload": asdict(request.payload),
        "state": request.state.value,
        "attempts": request.attempts,
        "failure_reason": request.failure_reason,
        "external_id": request.external_id,
        "synchronised_at": iso(request.synchronised_at),
    }


def load_provisioning(doc: Document) -> ProvisioningRequest:
    values = doc["payload"]
    payload: ReportingPartitionRequest | CallRecordingCustomerRequest
    if doc["kind"] == ProvisioningKind.REPORTING_PARTITION.value:
        users = tuple(
            ReportingAdminUser(**_init_fields(ReportingAdminUser, u))
            for u in values.get("admin_users", [])
        )
        payload = ReportingPartitionRequest(
            **{**_init_fields(ReportingPartitionRequest, values), "admin_users": users}
        )
    else:
        payload = CallRecordingCustomerRequest(**_init_fields(CallRecordingCustomerRequest, values))
    return ProvisioningRequest(
        request_id=doc["request_id"],
        payload=payload,
        state=ProvisioningState(doc["state"]),
        attempts=int(doc["attempts"]),
        failure_reason=doc.get("failure_reason"),
        external_id=doc.get("external_id"),
        synchronised_at=instant(doc.get("synchronised_at")),
    )
