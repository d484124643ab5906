"""The context of a mail about another service's event, mapped from its published model.

The event arrives as its published model (`shared.contracts.<publisher>`, looked up in
`adapters.inbound.CONSUMED`); `mail_facts(fact)` turns it into the facts the mails read.
Contexts are named after the publishers' fields (`mail.contexts.*`), so most of a mail's
facts are copied field by field (anything the context does not name is left out); where
a context names a fact differently, `RENAMED` says from which published field it comes
(support's `level`/`level_name` → `escalation_level`/`escalation_role`, an event's
`occurred_at` → the instant the mail shows). What an event does not carry is filled in
from what notifications knows:

- `company_name`: the partner's company from onboarding's registration (else the
  tenant's label, else the partner id);
- `reasons`: the messages of a list of reasons (`{code, message}` objects, or
  onboarding's parallel `reason_messages`);
- `coordinator_name`: the coordinator's id when no name is published;
- `numbers`: empty when the event does not list them (the port id identifies the port);
- `customer_name`: the tenant id when support does not know the customer's name;
- `groups` of a port's withdrawn numbers: the groups that held them (the map's keys).

A context that still does not fit raises `ContextInvalid` with one reason per field: the
event is then rejected (dead-lettered with those reasons), never half-mailed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from services.notifications.mail.contexts.base import MailContext
from services.notifications.mail.registry import TEMPLATES
from services.notifications.mail.render import ContextInvalid, UnknownTemplate
from shared.events import Payload

RENAMED: dict[str, dict[str, str]] = {
    "support.ticket.opened": {"opened_at": "occurred_at"},
    "support.ticket.acknowledged": {"acknowledged_at": "occurred_at"},
    "support.ticket.escalated": {
        "escalation_level": "level",
        "escalation_role": "level_name",
        "escalated_at": "reached_at",
    },
    "support.ticket.severity_changed": {"changed_by": "side"},  # partner | vendor
    "support.ticket.waiting_on_partner": {"since": "occurred_at", "needed": "reason"},
    "support.ticket.status_updated": {"updated_at": "occurred_at"},
    "support.ticket.resolved": {"resolved_at": "occurred_at"},
    "support.incident.updated": {"summary": "update"},
    "support.incident.resolved": {"resolved_at": "occurred_at"},
    "support.capacity.change_confirmed": {"confirmed_at": "occurred_at"},
    "support.cop_upload.confirmed": {"confirmed_at": "occurred_at"},
}
"""Per published event type: mail context field ← the published field it is read from."""


def mail_facts(fact: Payload) -> dict[str, Any]:
    """The facts of a published event the mail contexts read (see module doc): its fields
    (Python values: instants stay aware datetimes), with `RENAMED` applied."""
    facts = fact.model_dump()
    for field, source in RENAMED.get(fact.EVENT_TYPE, {}).items():
        facts[field] = facts.get(source)
    if fact.EVENT_TYPE == "onboarding.inventory.port_numbers_withdrawn":
        facts["groups"] = sorted(facts.get("groups") or {})  # group → numbers: the groups
    if facts.get("customer_name") is None and "ticket_number" in facts:
        facts["customer_name"] = facts.get("tenant_id")
    return facts


def _messages(value: Any) -> Any:
    if isinstance(value, list):
        return [v.get("message") or v.get("code") if isinstance(v, Mapping) else v for v in value]
    return value


def context_from_event(
    template: str,
    data: Mapping[str, Any],
    *,
    company_name: str | None = None,
) -> MailContext:
    """The context of `template` for an event whose facts are `data` (`mail_facts`).

    Raises `UnknownTemplate` or `ContextInvalid` (reasons: `{field, code, message}`).
    """
    spec = TEMPLATES.get(template)
    if spec is None:
        raise UnknownTemplate(f"no template {template!r}")
    model = spec.context
    fields = model.model_fields
    values: dict[str, Any] = {
        k: v
        for k, v in data.items()
        if k in fields and (v is not None or fields[k].is_required())  # None: the default
    }
    values.pop("recipient_name", None)
    if "reasons" in fields:
        values["reasons"] = _messages(data.get("reasons") or data.get("reason_messages") or [])
    if "company_name" in fields and not values.get("company_name"):
        values["company_name"] = company_name or data.get("label") or data.get("partner_id") or ""
    if "coordinator_name" in fields and "coordinator_name" not in values:
        values["coordinator_name"] = data.get("coordinator_id") or ""
    if "numbers" in fields and "numbers" not in values:
        values["numbers"] = []
    if "resent" in fields:
        values["resent"] = bool(data.get("replaces_invitation_id"))
    try:
        return model.model_validate(values)
    except ValidationError as error:
        reasons = [
            {
                "field": ".".join(str(p) for p in e["loc"]) or "$",
                "code": f"context_{e['type']}",
                "message": f"{template}: {e['msg']}",
            }
            for e in error.errors()
        ]
        raise ContextInvalid(f"the event does not fit the {template} mail", reasons) from None
