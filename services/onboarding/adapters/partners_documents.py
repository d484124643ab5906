"""Partners, customer accounts, activation requests and legacy addresses as documents.

One document per aggregate (see `shared.store`); its `state` holds the aggregate under one
key (`partner`, `customer`, `request`) plus a few copied fields other queries filter on.
FerretDB forbids `.` and `$` in keys, so maps keyed by arbitrary values (a customer's
orders by order id, licences in use by package name) are stored as lists.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from services.onboarding.domain.activation.activation import ActivationRequest
from services.onboarding.domain.orders.orders import CustomerAccount
from services.onboarding.domain.partners.partners import Partner
from shared.mongo import Document

PARTNERS = "partners"
CUSTOMERS = "customers"
ACTIVATION_REQUESTS = "activation_requests"
LEGACY_EMAILS = "legacy_emails"
"""`_id` = the normalised address (see `domain.partners.partners.normalise_email`)."""

_PARTNER: TypeAdapter[Partner] = TypeAdapter(Partner)
_CUSTOMER: TypeAdapter[CustomerAccount] = TypeAdapter(CustomerAccount)
_REQUEST: TypeAdapter[ActivationRequest] = TypeAdapter(ActivationRequest)


def dump_partner(partner: Partner) -> Document:
    """The state of a partner document (JSON-compatible)."""
    return {
        "partner": _PARTNER.dump_python(partner, mode="json"),
        "kind": str(partner.kind),
        "preferred_distributor_id": partner.preferred_distributor_id,
    }


def load_partner(state: Document) -> Partner:
    """The partner of a document's state (see `dump_partner`)."""
    return _PARTNER.validate_python(state["partner"])


def dump_customer(account: CustomerAccount) -> Document:
    """The state of a customer document: the account, and its tenant, partners, numbers."""
    data: dict[str, Any] = _CUSTOMER.dump_python(account, mode="json")
    data["orders"] = [data["orders"][key] for key in sorted(data["orders"])]
    data["used"] = [{"package": p, "count": n} for p, n in sorted(data["used"].items())]
    data["licensed_users"] = [  # user IDs hold dots: a list, not a map
        {"user_id": u, "package": p} for u, p in sorted(data["licensed_users"].items())
    ]
    return {
        "customer": data,
        "tenant_id": account.tenant_id,
        "partner_ids": list(account.relationship.partner_ids),
        "subscription_numbers": sorted(account.subscription_numbers),
    }


def load_customer(state: Document) -> CustomerAccount:
    """The customer account of a document's state (see `dump_customer`)."""
    data = dict(state["customer"])
    data["orders"] = {o["order_id"]: o for o in data["orders"]}
    data["used"] = {u["package"]: u["count"] for u in data["used"]}
    data["licensed_users"] = {u["user_id"]: u["package"] for u in data.get("licensed_users", [])}
    return _CUSTOMER.validate_python(data)


def dump_request(request: ActivationRequest) -> Document:
    """The state of an activation request document."""
    return {
        "request": _REQUEST.dump_python(request, mode="json"),
        "partner_id": request.partner_id,
        "status": str(request.status),
        "account_manager_id": request.routing.account_manager.account_manager_id,
        "tenant_id": request.tenant_id,
        "customer_id": request.customer_id,
    }


def load_request(state: Document) -> ActivationRequest:
    """The activation request of a document's state (see `dump_request`)."""
    return _REQUEST.validate_python(state["request"])
