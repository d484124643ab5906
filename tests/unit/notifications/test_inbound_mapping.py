"""Every event type notifications consumes is read through its published model and mapped
to its mail contexts (issue 9: no consumer-side models of another service's events)."""

from __future__ import annotations

import pytest

from services.notifications.adapters.inbound import CONSUMED, partner_ids
from services.notifications.application.partner_mail import contexts
from services.notifications.mail.contexts.base import MailContext
from services.notifications.mail.registry import EVENT_TEMPLATES, TEMPLATES
from shared.contracts import onboarding, porting, support
from shared.errors import MessageRejected
from tests.unit.notifications.published_examples import AT, example
from tests.unit.notifications.test_mail_rendering import RENDERER

pytestmark = pytest.mark.unit

VALUES = {
    # fields the contracts type as plain strings; the values their publishers send
    "onboarding.activation.requested": {"account_manager_role": "dam"},
    "onboarding.provider_onboarding.account_created": {"system": "reporting"},
    "onboarding.provisioning.completed": {"kind": "reporting_partition"},
    "onboarding.provisioning.failed": {"kind": "call_recording_customer"},
}

PUBLISHED = {
    m.EVENT_TYPE: m
    for module in (onboarding, porting, support)
    for models in module.PUBLISHES.values()
    for m in models
}


def test_every_mailed_type_is_read_through_its_published_model():
    for event_type, (topic, model) in CONSUMED.items():
        assert model is PUBLISHED[event_type], event_type
        assert topic.name == f"{event_type.split('.', 1)[0]}.events"
        assert model.__module__.startswith("shared.contracts."), event_type


@pytest.mark.parametrize("event_type", sorted(CONSUMED))
def test_a_valid_published_event_becomes_its_mail_contexts(event_type: str):
    fact = example(CONSUMED[event_type][1], **VALUES.get(event_type, {}))
    built = contexts(fact, company_name="Reseller One GmbH")
    partner_keys = [k for k in EVENT_TEMPLATES[event_type] if k in built]
    assert partner_keys, f"{event_type}: no partner mail"
    for key in partner_keys:
        assert isinstance(built[key], TEMPLATES[key].context)
        assert isinstance(built[key], MailContext)
    assert partner_ids(fact), f"{event_type}: names no partner to mail"


def test_support_s_escalation_fields_reach_the_mail_under_the_mail_s_names():
    fact = example(support.TicketEscalatedV1, level=2, level_name="head of support", reached_at=AT)
    mail = contexts(fact, None)["ticket_escalated"]
    assert mail.model_dump(include={"escalation_level", "escalation_role", "escalated_at"}) == {
        "escalation_level": 2,
        "escalation_role": "head of support",
        "escalated_at": AT,
    }
    assert partner_ids(fact) == [fact.partner_id]  # type: ignore[attr-defined]


def test_a_severity_change_says_which_side_changed_it():
    fact = example(support.TicketSeverityChangedV1, side="vendor", changed_by="usr-42")
    assert contexts(fact, None)["ticket_severity_changed"].changed_by == "vendor"  # type: ignore[attr-defined]


def test_support_s_ticket_mails_fill_an_unknown_customer_name_with_the_tenant():
    fact = example(support.TicketOpenedV1, customer_name=None, tenant_id="ten-7")
    assert contexts(fact, None)["ticket_opened"].customer_name == "ten-7"  # type: ignore[attr-defined]


def test_an_incident_mails_every_partner_it_names_once():
    fact = example(support.IncidentDeclaredV1, partner_ids=["ptn-1", "ptn-2", "ptn-1"])
    assert partner_ids(fact) == ["ptn-1", "ptn-2"]


def test_capacity_and_cop_upload_decisions_go_to_the_tenant_s_partner():
    for model in (
        support.CapacityChangeConfirmedV1,
        support.CapacityChangeRefusedV1,
        support.CopUploadConfirmedV1,
        support.CopUploadRefusedV1,
    ):
        assert partner_ids(example(model, partner_id="ptn-9")) == ["ptn-9"]


def test_a_valid_event_a_mail_cannot_fill_is_rejected_as_context_invalid():
    fact = example(support.IncidentUpdatedV1, update="")
    fact = fact.model_copy(update={"title": None})  # a later contract loosening the title
    with pytest.raises(MessageRejected) as caught:
        contexts(fact, None)
    assert caught.value.code == "context_invalid"
    assert [r["field"] for r in caught.value.reasons] == ["title"]


def test_the_catalogue_lists_one_model_per_event_type():
    """What notifications consumes is the publisher's own model: no second, conflicting
    schema for a type in docs/asyncapi.json."""
    from tools.catalogue import all_catalogues

    models: dict[str, set[type]] = {}
    for catalogue in all_catalogues():
        for table in (catalogue.publishes, catalogue.consumes):
            for listed in table.values():
                for model in listed:
                    models.setdefault(model.EVENT_TYPE, set()).add(model)
    assert {t: m for t, m in models.items() if len(m) > 1} == {}


def test_a_port_date_set_by_the_carrier_is_mailed_without_a_lead_time():
    fact = example(porting.PortAcceptedV1, lead_days=None)
    mail = contexts(fact, None)["port_accepted"]
    assert mail.lead_days is None  # type: ignore[attr-defined]
    text = RENDERER.render("port_accepted", mail, "en", "Europe/Berlin").text
    assert "None" not in text and "working days" not in text
