"""What support publishes (`support.events`) and takes (`support.commands`): explicit
pydantic models, CloudEvents types `support.*` (spec/domain.md §4).

- `commands`: partner and vendor commands and queries (`PartnerCommand`: `request_id`,
  `actor`, unknown fields refused);
- `tickets`: ticket events and the ticket refusal (`support.ticket.action_refused`);
- `requests`: incident, capacity and COP-upload events and their refusals;
- `queries`: answers to the queries.

Nothing here imports a service; the support service maps its domain events onto these.
"""

from shared.contracts.support.commands import *  # noqa: F403
from shared.contracts.support.commands import COMMANDS
from shared.contracts.support.queries import *  # noqa: F403
from shared.contracts.support.queries import ANSWERS
from shared.contracts.support.requests import *  # noqa: F403
from shared.contracts.support.requests import REQUEST_EVENTS
from shared.contracts.support.tickets import *  # noqa: F403
from shared.contracts.support.tickets import TICKET_EVENTS

PUBLISHED = (*TICKET_EVENTS, *REQUEST_EVENTS, *ANSWERS)
"""Every event support publishes (besides `support.command.rejected`)."""

__all__ = ["ANSWERS", "COMMANDS", "PUBLISHED", "REQUEST_EVENTS", "TICKET_EVENTS"]
