"""Onboarding domain errors: each names the rule it guards and carries a machine-readable code.

`OnboardingError` is the base every onboarding rule violation derives from; the application
layer maps `code` and `details` onto rejection events and API answers without parsing text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reason:
    """One reason a request was refused: `code` for machines, `message` for people."""

    code: str
    message: str
    field: str | None = None


class OnboardingError(Exception):
    """Base of all onboarding rule violations."""

    code: str = "onboarding_error"

    def __init__(
        self, message: str, *, code: str | None = None, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class NotFound(OnboardingError):
    """The aggregate a command names does not exist (e.g. a step for an unknown partner)."""

    code = "not_found"


class Forbidden(OnboardingError):
    """The actor is not allowed to do this (authorisation denial)."""

    code = "forbidden"


class IllegalTransition(OnboardingError):
    """The step is not allowed in the aggregate's current state."""

    code = "illegal_transition"


class Duplicate(OnboardingError):
    """The step was already done once and may not be repeated."""

    code = "duplicate"


class ValidationFailed(OnboardingError):
    """The input is incomplete or invalid; one `Reason` per problem."""

    code = "validation_failed"

    def __init__(self, reasons: Iterable[Reason], message: str | None = None) -> None:
        self.reasons: tuple[Reason, ...] = tuple(reasons)
        super().__init__(
            message or "; ".join(r.message for r in self.reasons) or "validation failed",
            details={
                "reasons": [
                    {"code": r.code, "message": r.message, "field": r.field} for r in self.reasons
                ]
            },
        )

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


# -- §1.2 reseller authorisation programme ------------------------------------


class ProgrammeNotForPartnerKind(IllegalTransition):
    """Only resellers (tier-2 partners) take the cloud reseller programme."""

    code = "programme_not_for_partner_kind"


class AlreadyRegisteredAsReseller(Duplicate):
    """Registration as cloud reseller happens once per partner company."""

    code = "already_registered"


class NotRegisteredAsReseller(IllegalTransition):
    """Every later programme step needs the registration first."""

    code = "not_registered_as_reseller"


class WebinarAlreadyCompleted(Duplicate):
    """Each of the four webinars is completed once."""

    code = "webinar_already_completed"


class CertificationBeforeTraining(IllegalTransition):
    """The certification test is taken only after all four webinars."""

    code = "certification_before_training"


class CertificationAlreadyPassed(Duplicate):
    """A passed certification is not taken again."""

    code = "certification_already_passed"


class ResellerNotYetAuthorised(IllegalTransition):
    """Agreements, terms and e-store (steps 4–6) come only once authorised."""

    code = "reseller_not_yet_authorised"


class ProgrammeStepAlreadyDone(Duplicate):
    """Agreements, terms URL and e-store are each done once."""

    code = "programme_step_already_done"


# -- §1.3 onboarding at the service provider ----------------------------------


class OnboardingOrderAlreadyReceived(Duplicate):
    """A partner is onboarded at the provider once."""

    code = "onboarding_order_already_received"


class OnboardingNotStarted(IllegalTransition):
    """Onboarding steps need the signed onboarding order first."""

    code = "onboarding_not_started"


class ConfirmationNotYetDue(IllegalTransition):
    """The order confirmation is overdue only 48 hours after the order was received."""

    code = "confirmation_not_yet_due"


class OnboardingStepAlreadyDone(Duplicate):
    """Each onboarding step is done once."""

    code = "onboarding_step_already_done"


class OnboardingStepOutOfOrder(IllegalTransition):
    """A step needs the steps before it (`details["missing"]` lists them)."""

    code = "onboarding_step_out_of_order"


# -- §1.1 relationships and licences from orders ------------------------------


class OrderForAnotherCustomer(IllegalTransition):
    """An order is applied only to the customer it names."""

    code = "order_for_another_customer"


class NotEnoughLicences(IllegalTransition):
    """Licences are used only while available: availability never goes negative."""

    code = "not_enough_licences"


class ReleasingUnusedLicences(IllegalTransition):
    """Only used licences can be released."""

    code = "releasing_unused_licences"


# -- §1.5 tenant activation requests ------------------------------------------


class NoResponsibleAccountManager(IllegalTransition):
    """A request is routed to a CAM or DAM, never straight to cloud operations."""

    code = "no_responsible_account_manager"


class NotTheResponsibleAccountManager(Forbidden):
    """Only the CAM/DAM a request was routed to checks it or asks for a resend."""

    code = "not_the_responsible_account_manager"


class RequestNotAwaitingCheck(IllegalTransition):
    """Approve or return only a request waiting for the CAM/DAM check."""

    code = "request_not_awaiting_check"


class RequestNotReturned(IllegalTransition):
    """A partner resubmits only a request returned to it."""

    code = "request_not_returned"


class RequestNotAtCloudOperations(IllegalTransition):
    """Cloud operations invites only for a request the CAM/DAM forwarded."""

    code = "request_not_at_cloud_operations"


class InvitationAlreadySent(Duplicate):
    """The first invitation is sent once; later ones are resends."""

    code = "invitation_already_sent"


class InvitationNotYetDue(IllegalTransition):
    """The invitation is overdue only 48 working-day hours after cloud operations got it."""

    code = "invitation_not_yet_due"


class InvitationNotSent(IllegalTransition):
    """No invitation has been sent yet."""

    code = "invitation_not_sent"


class InvitationStillValid(IllegalTransition):
    """An invitation expires only when its 72 hours are over."""

    code = "invitation_still_valid"


class InvitationNoLongerValid(IllegalTransition):
    """An expired invitation cannot activate the tenant; a resend is needed."""

    code = "invitation_expired"


class InvitationSuperseded(IllegalTransition):
    """After a resend only the newest invitation counts."""

    code = "invitation_superseded"


class TenantAlreadyActivated(Duplicate):
    """A tenant is activated once."""

    code = "tenant_already_activated"


class TenantNotYetActivated(IllegalTransition):
    """The partner becomes co-administrator only after the tenant was activated."""

    code = "tenant_not_yet_activated"


class CoAdministratorAlreadyAdded(Duplicate):
    """The partner is added as co-administrator once."""

    code = "co_administrator_already_added"
