"""What porting's use cases receive besides `UseCases`, and the mapping of commands to the
domain's values.

Every use case has the shape `async def x(uc, porting, cause, cmd)`: `uc` is the use-case
core (`shared.usecase.UseCases`: load, handle, fire, answer); `porting` holds porting's
own narrow ports — the port requests' `Repository` (its timers follow the rules), the
number claims and the policy. Neither is the service context or a database handle.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.porting.adapters.claims import NumberClaimsPort
from services.porting.adapters.repository import port_requests
from services.porting.domain.access import may_act_for
from services.porting.domain.errors import PortingError
from services.porting.domain.model import PortRequest
from services.porting.domain.numbers import NumberRange
from services.porting.domain.policy import PortingRules
from services.porting.domain.validation import numbers_of
from services.porting.domain.values import Address, PortCorrections, PortDetails
from shared.actor import Actor
from shared.contracts import porting as c
from shared.errors import MessageRejected
from shared.usecase import Repository


@dataclass(frozen=True)
class Porting:
    """Porting's narrow ports: `ports` (the port requests), `claims`, `rules`."""

    ports: Repository[PortRequest]
    claims: NumberClaimsPort
    rules: PortingRules

    @classmethod
    def of(cls, claims: NumberClaimsPort, rules: PortingRules) -> Porting:
        """The ports for `rules` (the repository's timers follow them)."""
        return cls(port_requests(rules), claims, rules)

    def numbers(self, country: str, details: PortDetails) -> tuple[str, ...]:
        """The valid numbers of `details` (E.164) to claim or look up; none when the input
        is invalid (the domain's submit then reports every reason)."""
        try:
            return numbers_of(country, details, self.rules)
        except PortingError:
            return ()


def authorise(actor: Actor, partner_id: str) -> None:
    """Reject (`forbidden`, dead-lettered and answered with `porting.command.rejected`) an
    actor who may not act for `partner_id` (rule: `domain.access.may_act_for`)."""
    if may_act_for(actor, partner_id):
        return
    raise MessageRejected(
        "forbidden",
        [
            {
                "field": "actor",
                "code": "forbidden",
                # The owner is not named: a port id must not reveal whose request it is.
                "message": f"{actor.user_id} may not act on this port request",
            }
        ],
    )


def _address(value: c.AddressIn | None) -> Address | None:
    if value is None:
        return None
    return Address(tuple(value.lines), value.city, value.postal_code, value.country)


def _numbers(entries: list[str | c.NumberRangeIn]) -> tuple[str | NumberRange, ...]:
    return tuple(e if isinstance(e, str) else NumberRange(e.first, e.last) for e in entries)


def details_of(cmd: c.SubmitPortRequest | c.PrecheckPortRequest) -> PortDetails:
    """The request's details as the domain reads them."""
    return PortDetails(
        product=cmd.product,
        numbers=_numbers(cmd.numbers),
        main_billing_number=cmd.main_billing_number,
        registered_address=_address(cmd.registered_address),
        losing_provider=cmd.losing_provider,
        range_holder=cmd.range_holder,
        calendar_subdivision=cmd.calendar_subdivision,
        extra_fields=dict(cmd.extra_fields),
    )


def corrections_of(cmd: c.ResubmitPortRequest) -> PortCorrections:
    """The corrections of a resubmission as the domain reads them."""
    fix = cmd.corrections
    return PortCorrections(
        product=fix.product,
        numbers=None if fix.numbers is None else _numbers(fix.numbers),
        main_billing_number=fix.main_billing_number,
        registered_address=_address(fix.registered_address),
        losing_provider=fix.losing_provider,
        range_holder=fix.range_holder,
        calendar_subdivision=fix.calendar_subdivision,
        extra_fields=fix.extra_fields,
    )
