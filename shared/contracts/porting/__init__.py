"""Porting's published contracts: the commands partners send (`porting.commands`) and the
facts porting publishes (`porting.events`).

- Commands (`porting.port.*` in the imperative) are our own input: unknown fields are
  refused; each names its `actor` and an idempotency `request_id`
  (`shared.contracts.common.PartnerCommand`).
- Events (`porting.port.*`, `porting.numbers.*` in the past tense) are keyed by the port
  id; readers must tolerate fields added later, and so do these models (`extra="ignore"`).
  Onboarding reads the `porting.numbers.*` events to keep the partner's inventory.
- A command the request's state does not allow is answered by
  `porting.port.action_refused` (`shared.contracts.common.ActionRefused`); one that cannot
  be read, or names no request, by `porting.command.rejected`.

The carrier gateway's answers are in `shared.contracts.carrier`.
"""

from __future__ import annotations

from shared.contracts.common import Reason, command_already_handled_model, command_rejected_model
from shared.contracts.porting.commands import (
    COMMANDS,
    AddressIn,
    CountryCode,
    NumberRangeIn,
    PortCorrectionsIn,
    PrecheckPortRequest,
    ResubmitPortRequest,
    SubmitPortRequest,
    WithdrawPortRequest,
)
from shared.contracts.porting.events import (
    E164,
    EVENTS,
    PortAcceptedV1,
    PortActionRefusedV1,
    PortCancelledV1,
    PortCarrierAnswerOverdueV1,
    PortCommentAdded,
    PortCompletedV1,
    PortDateRefusedV1,
    PortDateReminderDueV1,
    PortDrafted,
    PortDraftUpdated,
    PortLateCancellationRecordedV1,
    PortNumbersAccepted,
    PortNumbersCancelled,
    PortNumbersCompleted,
    PortPrecheckedV1,
    PortRejectedV1,
    PortResubmittedV1,
    PortSubmissionAbandonedV1,
    PortSubmissionRejectedV1,
    PortSubmittedV1,
    PortWithdrawnV1,
)
from shared.events import Payload
from shared.topics import PORTING_EVENTS

__all__ = [
    "COMMANDS",
    "DESCRIPTION",
    "E164",
    "EVENTS",
    "PUBLISHER",
    "PUBLISHES",
    "AddressIn",
    "CountryCode",
    "NumberRangeIn",
    "PortAcceptedV1",
    "PortActionRefusedV1",
    "PortCancelledV1",
    "PortCarrierAnswerOverdueV1",
    "PortCommentAdded",
    "PortCompletedV1",
    "PortCorrectionsIn",
    "PortDateRefusedV1",
    "PortDateReminderDueV1",
    "PortDraftUpdated",
    "PortDrafted",
    "PortLateCancellationRecordedV1",
    "PortNumbersAccepted",
    "PortNumbersCancelled",
    "PortNumbersCompleted",
    "PortPrecheckedV1",
    "PortRejectedV1",
    "PortResubmittedV1",
    "PortSubmissionAbandonedV1",
    "PortSubmissionRejectedV1",
    "PortSubmittedV1",
    "PortWithdrawnV1",
    "PrecheckPortRequest",
    "Reason",
    "ResubmitPortRequest",
    "SubmitPortRequest",
    "WithdrawPortRequest",
]

PUBLISHER = "porting"
DESCRIPTION = "Number port requests from submission to numbers in inventory"
PUBLISHES: dict[str, list[type[Payload]]] = {
    PORTING_EVENTS.name: [
        *EVENTS,
        command_rejected_model(PUBLISHER),
        command_already_handled_model(PUBLISHER),
    ]
}
"""What porting publishes, per topic."""
