"""Vendor-declared incidents: S1/S2, partners or regions, declared → updated → resolved (§4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.support.domain import events_requests as ev
from services.support.domain.errors import IllegalTransition, ValidationFailed
from services.support.domain.incidents import Incident, IncidentStatus
from tests.unit.support.samples import utc

pytestmark = pytest.mark.unit

NOW = utc(2027, 5, 4, 14)


def declare(**changes):
    values: dict[str, Any] = {
        "incident_id": "inc-1",
        "severity": "S1",
        "title": "Calls fail in one data centre",
        "summary": "Outbound calls fail for customers homed on one cluster.",
        "partner_ids": ["partner-1001"],
        "regions": ["EU"],
        "declared_by": "engineer-01",
        "now": NOW,
        "started_at": NOW - timedelta(minutes=20),
    }
    values.update(changes)
    return Incident.declare(**values)


def test_declare_update_resolve():
    incident, (declared,) = declare()
    assert isinstance(declared, ev.IncidentDeclared)
    assert declared.name == "support.incident.declared"
    assert (declared.partner_ids, declared.regions) == (("partner-1001",), ("EU",))
    (updated,) = incident.update(NOW + timedelta(minutes=30), "engineer-01", "failover started")
    assert isinstance(updated, ev.IncidentUpdated) and updated.update_number == 1
    (resolved,) = incident.resolve(NOW + timedelta(hours=1), "engineer-01", "failover complete")
    assert isinstance(resolved, ev.IncidentResolved)
    assert resolved.duration == timedelta(hours=1, minutes=20)
    assert incident.status is IncidentStatus.RESOLVED


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({"severity": "S3"}, ("severity_not_declarable",)),
        ({"partner_ids": [], "regions": []}, ("no_audience",)),
        ({"regions": ["MARS"]}, ("unknown_region",)),
        ({"title": " "}, ("title_missing",)),
        ({"started_at": NOW + timedelta(minutes=1)}, ("started_in_future",)),
    ],
)
def test_invalid_declarations_are_refused_with_reasons(changes, codes):
    with pytest.raises(ValidationFailed) as refused:
        declare(**changes)
    assert refused.value.reason_codes == codes


def test_a_region_alone_is_an_audience():
    incident, _ = declare(partner_ids=[], regions=["APJC"])
    assert incident.affects("partner-5005", "APJC") and not incident.affects("partner-5005", "EU")


def test_linked_tickets_bring_their_partner_into_the_audience_once():
    incident, _ = declare()
    (linked,) = incident.link_ticket(NOW, "ticket-7", "NA00000007", "partner-4004")
    assert isinstance(linked, ev.IncidentTicketLinked)
    assert linked.partner_ids == ("partner-1001", "partner-4004")
    assert incident.link_ticket(NOW, "ticket-7", "NA00000007", "partner-4004") == []
    (resolved,) = incident.resolve(NOW, "engineer-01", "done")
    assert isinstance(resolved, ev.IncidentResolved)
    assert resolved.linked_tickets == ("NA00000007",)


def test_a_resolved_incident_takes_no_more_updates_or_links():
    incident, _ = declare()
    incident.resolve(NOW, "engineer-01", "done")
    with pytest.raises(IllegalTransition):
        incident.update(NOW, "engineer-01", "late news")
    with pytest.raises(IllegalTransition):
        incident.link_ticket(NOW, "ticket-8", "NA00000008", "partner-1001")
    with pytest.raises(IllegalTransition):
        incident.resolve(NOW, "engineer-01", "again")


def test_a_ticket_records_its_incident_once():
    from tests.unit.support.samples import open_ticket

    ticket = open_ticket(NOW)
    (linked,) = ticket.link_incident(NOW, "engineer-01", "inc-1")
    assert linked.name == "support.ticket.incident_linked"
    assert ticket.link_incident(NOW, "engineer-01", "inc-1") == []
    assert ticket.incident_ids == ["inc-1"]
