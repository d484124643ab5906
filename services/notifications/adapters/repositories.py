"""Every notifications aggregate as a document (`Repository`: state ↔ domain, timers).

State is the aggregate dumped to JSON-compatible values by pydantic (`TypeAdapter` of the
domain dataclass: instants as RFC 3339 text, so nothing loses its microseconds) and
validated back on load. The durable timers of an aggregate are what its domain says it
needs now (`pending_timers`), with the same deterministic ids on every instance.

Collections: `contacts` (one per partner), `customers` (read model of onboarding's
customer facts), `maintenance`, `outages`, `change_requests`, `releases`, `deliveries`
(one per event and recipient) and `digests` (one per contact and local day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import TypeAdapter

from services.notifications.domain.change_requests import ChangeRequest
from services.notifications.domain.contacts import PartnerContacts
from services.notifications.domain.customers import CustomerRecord
from services.notifications.domain.delivery import Delivery
from services.notifications.domain.digest_batch import DigestBatch
from services.notifications.domain.maintenance import Maintenance
from services.notifications.domain.outages import Outage
from services.notifications.domain.policy import MaintenancePolicy
from services.notifications.domain.releases import ReleaseAnnouncement
from services.notifications.domain.timers import DueTimer
from shared.contracts import notifications as c
from shared.contracts.common import ActionRefused
from shared.mongo import Document
from shared.store import Timer
from shared.usecase import Repository

CONTACTS = "contacts"
CUSTOMERS = "customers"
MAINTENANCE = "maintenance"
OUTAGES = "outages"
CHANGE_REQUESTS = "change_requests"
RELEASES = "releases"
DELIVERIES = "deliveries"
DIGESTS = "digests"

A = TypeVar("A")


class DeliveryActionRefusedV1(ActionRefused):
    """Never published: deliveries and digests take no commands (the core needs a shape)."""

    EVENT_TYPE = "notifications.mail.action_refused"

    delivery_id: str | None = None


def timers_of(due: Iterable[DueTimer]) -> list[Timer]:
    """The store's timers for the domain's (the same fields, one to one)."""
    return [Timer(t.id, t.kind, t.due_at, dict(t.data)) for t in due]


def _codec(cls: type[A], key: str) -> tuple[Callable[[Document], A], Callable[[A], Document]]:
    adapter: TypeAdapter[A] = TypeAdapter(cls)

    def load(state: Document) -> A:
        return adapter.validate_python(state[key])

    def dump(aggregate: A) -> Document:
        return {key: adapter.dump_python(aggregate, mode="json")}

    return load, dump


def _repository(
    cls: type[A],
    collection: str,
    entity: str,
    id_field: str,
    refused: type[ActionRefused],
    timers: Callable[[A], list[Timer]] | None = None,
    about: Callable[[A], dict[str, Any]] | None = None,
) -> Repository[A]:
    load, dump = _codec(cls, entity)
    return Repository[A](
        collection=collection,
        entity=entity,
        id_field=id_field,
        load=load,
        dump=dump,
        refused=refused,
        timers=timers or (lambda _: []),
        about=about or (lambda _: {}),
    )


@dataclass(frozen=True)
class Repositories:
    """The service's aggregate types; maintenance timers follow the configured policy."""

    contacts: Repository[PartnerContacts]
    customers: Repository[CustomerRecord]
    maintenance: Repository[Maintenance]
    outages: Repository[Outage]
    change_requests: Repository[ChangeRequest]
    releases: Repository[ReleaseAnnouncement]
    deliveries: Repository[Delivery]
    digests: Repository[DigestBatch]


def repositories(policy: MaintenancePolicy) -> Repositories:
    """Build the repositories for one policy (reminder offsets, zones, holidays)."""
    return Repositories(
        contacts=_repository(
            PartnerContacts, CONTACTS, "contacts", "partner_id", c.ContactsActionRefusedV1
        ),
        customers=_repository(
            CustomerRecord, CUSTOMERS, "customer", "customer_id", DeliveryActionRefusedV1
        ),
        maintenance=_repository(
            Maintenance,
            MAINTENANCE,
            "maintenance",
            "maintenance_id",
            c.MaintenanceActionRefusedV1,
            timers=lambda m: timers_of(m.pending_timers(policy)),
            about=lambda m: {"status": m.status.value},
        ),
        outages=_repository(
            Outage,
            OUTAGES,
            "outage",
            "outage_id",
            c.OutageActionRefusedV1,
            about=lambda o: {"status": "resolved" if o.resolved_at else "declared"},
        ),
        change_requests=_repository(
            ChangeRequest,
            CHANGE_REQUESTS,
            "change_request",
            "change_request_id",
            c.ChangeRequestActionRefusedV1,
            about=lambda r: {"status": r.status.value, "partner_id": r.partner_id},
        ),
        releases=_repository(
            ReleaseAnnouncement, RELEASES, "release", "release_id", c.ReleaseActionRefusedV1
        ),
        deliveries=_repository(
            Delivery,
            DELIVERIES,
            "delivery",
            "delivery_id",
            DeliveryActionRefusedV1,
            timers=lambda d: timers_of(d.pending_timers()),
        ),
        digests=_repository(
            DigestBatch,
            DIGESTS,
            "digest",
            "digest_key",
            DeliveryActionRefusedV1,
            timers=lambda d: timers_of(d.pending_timers()),
        ),
    )
