"""Checks of a port request's data, shared by submit, resubmit and the portability pre-check."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from services.porting.domain.errors import (
    AddressNotInCountry,
    CountryNotServed,
    MissingRequiredField,
    NumberAlreadyInActivePort,
    PortingError,
    Reason,
    TooManyNumbers,
    UnknownCalendarSubdivision,
)
from services.porting.domain.numbers import count_numbers, normalise_numbers, parse_number
from services.porting.domain.policy import PortingRules
from services.porting.domain.rules import lead_time, working_calendar
from services.porting.domain.values import Address, PortDetails


@dataclass(frozen=True)
class PrecheckResult:
    """A request's numbers in E.164 and every reason it cannot be submitted as it is."""

    numbers: tuple[str, ...]
    reasons: tuple[Reason, ...]

    @property
    def portable(self) -> bool:
        """True when nothing stands in the way of submitting."""
        return not self.reasons


def too_many_numbers(country: str, details: PortDetails, rules: PortingRules) -> Reason | None:
    """The refusal of a request holding more than `rules.max_numbers_per_request` numbers
    (counted without expanding its ranges), else None."""
    count = count_numbers(details.numbers, country)
    if count <= rules.max_numbers_per_request:
        return None
    return TooManyNumbers(count, rules.max_numbers_per_request).reasons()[0]


def numbers_of(country: str, details: PortDetails, rules: PortingRules) -> tuple[str, ...]:
    """The valid numbers of `details` in E.164: what to look up among other active ports.

    None at all when the request holds too many numbers (it is refused without them).
    """
    if too_many_numbers(country, details, rules) is not None:
        return ()
    return normalise_numbers(
        details.numbers, country, rules.max_range_size, rules.portable_number_types
    ).numbers


def precheck(
    country: str,
    details: PortDetails,
    rules: PortingRules,
    other_active_numbers: Collection[str] = frozenset(),
) -> PrecheckResult:
    """Check `details` against every rule a submission must pass; change nothing.

    Used as the partner's portability pre-check and by submit/resubmit. Every problem
    gives a reason: country not served, missing fields, invalid, foreign, duplicate or
    non-portable numbers, ranges too large, too many numbers, no lead time for the
    product, numbers held by other active ports. `other_active_numbers` holds the numbers
    of the *other* active port requests (at least those among `numbers_of(...)`); the
    caller leaves out the request being checked.
    """
    country = country.upper()
    reasons: list[Reason] = []
    if country not in rules.served_countries:
        reasons += CountryNotServed(
            f"numbers cannot be ported in {country}", details={"country": country}, field="country"
        ).reasons()
    reasons += _missing_fields(country, details, rules)
    checks: list[Callable[[], object]] = [lambda: _check_lead_time(country, details, rules)]
    if details.main_billing_number:
        checks.append(lambda: _check_billing_number(country, details))
    if details.registered_address is not None:
        checks.append(lambda: _check_address(country, details))
    if details.calendar_subdivision:
        checks.append(lambda: _check_subdivision(country, details, rules))
    for check in checks:
        try:
            check()
        except PortingError as error:
            reasons += error.reasons()
    oversized = too_many_numbers(country, details, rules)
    if oversized is not None:
        # Refused as a whole: its numbers are neither expanded nor checked one by one.
        return PrecheckResult(numbers=(), reasons=(*reasons, oversized))
    normalised = normalise_numbers(
        details.numbers, country, rules.max_range_size, rules.portable_number_types
    )
    reasons += normalised.reasons
    held = [number for number in normalised.numbers if number in other_active_numbers]
    if held:
        reasons += NumberAlreadyInActivePort(held).reasons()
    return PrecheckResult(numbers=normalised.numbers, reasons=tuple(reasons))


def _is_empty(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == ()


def _missing_fields(country: str, details: PortDetails, rules: PortingRules) -> list[Reason]:
    missing: list[str] = []
    for name in rules.required_fields_for(country):
        value = details.value_of(name)
        if isinstance(value, Address):
            missing += [f"{name}.{part}" for part in value.missing_parts()]
        elif _is_empty(value):
            missing.append(name)
    return [
        reason
        for name in missing
        for reason in MissingRequiredField(
            f"{name} is required for a port in {country}", field=name
        ).reasons()
    ]


def _check_lead_time(country: str, details: PortDetails, rules: PortingRules) -> None:
    if not details.product:
        raise MissingRequiredField("product is required for every port", field="product")
    lead_time(rules, country, details.product)


def _check_billing_number(country: str, details: PortDetails) -> None:
    try:
        parse_number(details.main_billing_number or "", country)
    except PortingError as error:
        error.field = "main_billing_number"
        raise


def _check_address(country: str, details: PortDetails) -> None:
    address = details.registered_address
    if address is not None and address.country.strip() and address.country.upper() != country:
        raise AddressNotInCountry(
            f"the registered address is in {address.country.upper()}, not in {country}",
            field="registered_address.country",
        )


def _check_subdivision(country: str, details: PortDetails, rules: PortingRules) -> None:
    try:
        working_calendar(rules, country, details.calendar_subdivision)
    except ValueError as exc:
        raise UnknownCalendarSubdivision(
            f"{details.calendar_subdivision!r} is not a subdivision of {country}",
            field="calendar_subdivision",
        ) from exc
