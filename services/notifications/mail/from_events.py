"""The context of a mail about another service's event, read from the event's `data`.

Contexts are named after the publishers' fields (`mail.contexts.*`), so most of a mail's
facts are copied from `data` field by field (anything the context does not name is left
out). What an event does not carry is filled in from what notifications knows:

- `company_name`: the partner's company from onboarding's registration (else the
  tenant's label, else the partner id);
- `reasons`: the messages of a list of reasons (`{code, message}` objects, or
  onboarding's parallel `reason_messages`);
- `coordinator_name`: the coordinator's id when no name is published;
- `numbers`: empty when the event does not list them (the port id identifies the port).

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
    """The context of `template` for an event whose payload is `data` (see module doc).

    Raises `UnknownTemplate` or `ContextInvalid` (reasons: `{field, code, message}`).
    """
    spec = TEMPLATES.get(template)
    if spec is None:
        raise UnknownTemplate(f"no template {template!r}")
    model = spec.context
    fields = model.model_fields
    values: dict[str, Any] = {k: v for k, v in data.items() if k in fields and v is not None}
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
