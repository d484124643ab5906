"""What support publishes (`support.events`) and takes (`support.commands`): explicit
pydantic models, CloudEvents types `support.*` (spec/domain.md §4).

- `commands`: partner and vendor commands and queries (`PartnerCommand`: `request_id`,
  `actor`, unknown fields refused);
- `tickets`: ticket events and the ticket refusal (`support.ticket.action_refused`);
- `requests`: incident, capacity and COP-upload events and their refusals;
- `queries`: answers to the queries.

Nothing here imports a service; the support service maps its domain events onto these.
"""

from shared.contracts.common import command_already_handled_model, command_rejected_model
from shared.contracts.support.commands import *  # noqa: F403
from shared.contracts.support.commands import COMMANDS
from shared.contracts.support.queries import *  # noqa: F403
from shared.contracts.support.queries import ANSWERS
from shared.contracts.support.requests import *  # noqa: F403
from shared.contracts.support.requests import REQUEST_EVENTS
from shared.contracts.support.tickets import *  # noqa: F403
from shared.contracts.support.tickets import TICKET_EVENTS
from shared.events import Payload
from shared.topics import SUPPORT_EVENTS

PUBLISHED = (*TICKET_EVENTS, *REQUEST_EVENTS, *ANSWERS)
"""Every event support publishes (besides `support.command.rejected`)."""

PUBLISHER = "support"
DESCRIPTION = (
    "Support tickets on behalf of customers: severity, response clocks on the customer's "
    "business calendar, breaches and escalation; incidents, capacity changes, COP uploads"
)
PUBLISHES: dict[str, list[type[Payload]]] = {
    SUPPORT_EVENTS.name: [
        *PUBLISHED,
        command_rejected_model(PUBLISHER),
        command_already_handled_model(PUBLISHER),
    ]
}
"""What support publishes, per topic."""

__all__ = [
    "ANSWERS",
    "COMMANDS",
    "DESCRIPTION",
    "PUBLISHED",
    "PUBLISHER",
    "PUBLISHES",
    "REQUEST_EVENTS",
    "TICKET_EVENTS",
]
