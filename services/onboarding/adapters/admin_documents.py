"""Documents of on-behalf administration and devices, and the tenant directory read model.

Maps carry keys with dots (user IDs), which the Mongo-wire stand-in refuses as field names,
so they are stored as lists. Instants are ISO 8601 strings (exact round trip). Credentials
are stored only as the encoded scrypt hash or the sealed secret, never in clear.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.onboarding.domain.access import AuditEntry
from services.onboarding.domain.devices.devices import (
    SipDevice,
    Transport,
    UserDevice,
    VendorPhone,
    VendorPhonePins,
    VendorPhoneStatus,
)
from services.onboarding.domain.on_behalf.on_behalf import (
    CustomerTenantAdministration,
    DataProcessingAgreement,
    ResellerTenant,
)
from services.onboarding.domain.secrets import EncryptedSecret, SecretHash
from shared.mongo import Document

RESELLER_TENANTS = "reseller_tenants"
CUSTOMER_TENANTS = "customer_tenants"
CUSTOMER_FACTS = "admin_customer_facts"  # by customer ID, until its tenant is known
PARTNER_HELPDESKS = "partner_helpdesks"
DEVICES = "devices"
AUDIT = "audit"


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _required(value: str) -> datetime:
    return datetime.fromisoformat(value)


# -- the reseller's tenant ---------------------------------------------------------------------


def dump_reseller(tenant: ResellerTenant) -> Document:
    return {
        "tenant_id": tenant.tenant_id,
        "partner_id": tenant.partner_id,
        "domain": tenant.domain,
        "requested_at": iso(tenant.requested_at),
        "partner_admin_id": tenant.partner_admin_id,
        "enabled_at": iso(tenant.enabled_at),
        "partner_administrators": [
            {"user_id": u, "granted_at": iso(at)}
            for u, at in sorted(tenant.partner_administrators.items())
        ],
    }


def load_reseller(doc: Document) -> ResellerTenant:
    return ResellerTenant(
        tenant_id=doc["tenant_id"],
        partner_id=doc["partner_id"],
        domain=doc["domain"],
        requested_at=_required(doc["requested_at"]),
        partner_admin_id=doc.get("partner_admin_id"),
        enabled_at=instant(doc.get("enabled_at")),
        partner_administrators={
            a["user_id"]: _required(a["granted_at"]) for a in doc.get("partner_administrators", [])
        },
    )


# -- the customer's tenant: directory facts + administration -----------------------------------


@dataclass
class TenantFacts:
    """What onboarding's order facts say about a customer (a read model, not a decision)."""

    customer_id: str
    tenant_id: str | None = None
    company_name: str = ""
    country: str | None = None
    main_contact: str = ""
    distributor_partner_id: str | None = None
    reseller_partner_id: str | None = None
    tier1_partner_id: str | None = None
    ordered: dict[str, int] = field(default_factory=dict)  # package -> licences ordered
    customer_partner_id: str | None = None  # the customer is this partner: its own tenant
    licensed_users: dict[str, str] = field(default_factory=dict)  # user ID -> package

    @property
    def link_partner_id(self) -> str:
        """The partner whose partner admin ID links to this customer: its reseller (which
        may be the distributor acting as reseller), or the tier-1 partner of a direct one."""
        return self.reseller_partner_id or self.tier1_partner_id or ""

    def has_paid_licences(self, free_packages: list[str], package: str | None = None) -> bool:
        """Licences ordered of a paid package (of `package`, when given)."""
        free = {p.casefold() for p in free_packages}
        return any(
            n > 0 and p.casefold() not in free and (package is None or p == package)
            for p, n in self.ordered.items()
        )

    def is_paid_user(self, user_id: str, free_packages: list[str]) -> bool:
        """The user holds a licence of this tenant, of a paid package it has ordered."""
        package = self.licensed_users.get(user_id)
        return package is not None and self.has_paid_licences(free_packages, package)


def dump_facts(facts: TenantFacts) -> Document:
    maps = ("ordered", "licensed_users")
    doc = {k: v for k, v in facts.__dict__.items() if k not in maps}
    doc["ordered"] = [{"package": p, "licences": n} for p, n in sorted(facts.ordered.items())]
    doc["licensed_users"] = [  # user IDs hold dots: a list, not a map
        {"user_id": u, "package": p} for u, p in sorted(facts.licensed_users.items())
    ]
    doc["link_partner_id"] = facts.link_partner_id  # queried by the tenant listing
    return doc


def load_facts(doc: Document) -> TenantFacts:
    skip = ("ordered", "licensed_users", "link_partner_id")
    values = {k: v for k, v in doc.items() if k not in skip}
    ordered = {o["package"]: int(o["licences"]) for o in doc.get("ordered", [])}
    users = {u["user_id"]: u["package"] for u in doc.get("licensed_users", [])}
    return TenantFacts(**values, ordered=ordered, licensed_users=users)


def dump_administration(admin: CustomerTenantAdministration) -> Document:
    dpa = admin.dpa
    return {
        "tenant_id": admin.tenant_id,
        "reseller_partner_id": admin.reseller_partner_id,
        "opted_in_at": iso(admin.opted_in_at),
        "opted_out_at": iso(admin.opted_out_at),
        "dpa": None
        if dpa is None
        else {
            "signed_at": iso(dpa.signed_at),
            "signed_by": dpa.signed_by,
            "recorded_by": dpa.recorded_by,
        },
        "partner_helpdesk_enabled": admin.partner_helpdesk_enabled,
    }


def load_administration(doc: Document) -> CustomerTenantAdministration:
    dpa = doc.get("dpa")
    return CustomerTenantAdministration(
        tenant_id=doc["tenant_id"],
        reseller_partner_id=doc["reseller_partner_id"],
        opted_in_at=instant(doc.get("opted_in_at")),
        opted_out_at=instant(doc.get("opted_out_at")),
        dpa=None
        if dpa is None
        else DataProcessingAgreement(
            _required(dpa["signed_at"]), dpa["signed_by"], dpa["recorded_by"]
        ),
        partner_helpdesk_enabled=bool(doc.get("partner_helpdesk_enabled")),
    )


@dataclass
class CustomerTenant:
    """The `customer_tenants` document: directory facts and the administration aggregate."""

    facts: TenantFacts
    administration: CustomerTenantAdministration

    def dump(self) -> Document:
        return {
            "facts": dump_facts(self.facts),
            "administration": dump_administration(self.administration),
        }

    @classmethod
    def load(cls, state: Document) -> CustomerTenant:
        return cls(load_facts(state["facts"]), load_administration(state["administration"]))


# -- devices ------------------------------------------------------------------------------------


def device_id(tenant_id: str, user_id: str) -> str:
    """A user's device document: the tenant is part of the key, so no tenant reaches another's."""
    return f"{tenant_id}/{user_id}"


def dump_device(device: UserDevice) -> Document:
    kept: Document | None = None
    if isinstance(device.device, VendorPhone):
        pins = device.device.pins
        kept = {
            "kind": "vendor_phone",
            "deployment_pin": pins.deployment_pin.encode(),
            "security_pin": pins.security_pin.encode(),
            "status": device.device.status.value,
        }
    elif isinstance(device.device, SipDevice):
        sip = device.device
        kept = {
            "kind": "sip_device",
            "server_address": sip.server_address,
            "port": sip.port,
            "transport": sip.transport.value,
            "sip_user_id": sip.sip_user_id,
            "auth_password": {
                "key_id": sip.auth_password.key_id,
                "ciphertext": base64.b64encode(sip.auth_password.ciphertext).decode(),
            },
            "certificate_pem": sip.certificate_pem,
        }
    return {
        "user_id": device.user_id,
        "tenant_id": device.tenant_id,
        "self_setup_allowed": device.self_setup_allowed,
        "device": kept,
    }


def load_device(doc: Document) -> UserDevice:
    kept: Any = doc.get("device")
    device: VendorPhone | SipDevice | None = None
    if kept and kept["kind"] == "vendor_phone":
        pins = VendorPhonePins(
            SecretHash.decode(kept["deployment_pin"]), SecretHash.decode(kept["security_pin"])
        )
        device = VendorPhone(pins, VendorPhoneStatus(kept["status"]))
    elif kept and kept["kind"] == "sip_device":
        sealed = kept["auth_password"]
        device = SipDevice(
            kept["server_address"],
            int(kept["port"]),
            Transport(kept["transport"]),
            kept["sip_user_id"],
            EncryptedSecret(sealed["key_id"], base64.b64decode(sealed["ciphertext"])),
            kept.get("certificate_pem"),
        )
    return UserDevice(doc["user_id"], doc["tenant_id"], device, bool(doc["self_setup_allowed"]))


# -- the audit trail ------------------------------------------------------------------------


def dump_audit(entry: AuditEntry) -> Document:
    return {
        "user_id": entry.user_id,
        "partner_id": entry.partner_id,
        "actor_tenant_id": entry.actor_tenant_id,
        "customer_tenant_id": entry.customer_tenant_id,
        "action": entry.action,
        "at": iso(entry.at),
        "allowed": entry.allowed,
        "reasons": [{"code": r.code, "message": r.message} for r in entry.reasons],
    }
