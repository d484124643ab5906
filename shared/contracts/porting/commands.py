"""Commands partners send to porting (topic `porting.commands`); see the package doc."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import Identifier, NonEmpty, PartnerCommand

CountryCode = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country, e.g. GB, DE")
]


class NumberRangeIn(BaseModel):
    """A block of consecutive numbers, both ends included (national or E.164 form)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first: NonEmpty = Field(description="First number of the range, e.g. +442079460000")
    last: NonEmpty = Field(description="Last number of the range, e.g. +442079460099")


NumberEntry = Annotated[
    NonEmpty | NumberRangeIn,
    Field(
        description='A number ("020 7946 0000", "+442079460000"), a range as text '
        '("02079460000-0099") or a {first, last} range'
    ),
]


class AddressIn(BaseModel):
    """The registered address of the numbers (where the lines are installed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: list[NonEmpty] = Field(min_length=1, description="Street lines, building first")
    city: NonEmpty = Field(description="Town or city")
    postal_code: NonEmpty = Field(description="Postcode")
    country: CountryCode = Field(description="Country of the address")


# -- commands partners send -------------------------------------------------------


class _PortRequestCommand(PartnerCommand):
    partner_id: Identifier = Field(description="Partner ID the numbers will belong to")
    country: CountryCode = Field(description="Country the numbers are ported in")
    product: NonEmpty = Field(
        description="Line product the numbers are on, e.g. analogue, multi_line, isdn; "
        "chooses the lead time"
    )
    numbers: list[NumberEntry] = Field(description="Numbers and ranges to port")
    main_billing_number: str | None = Field(
        default=None, description="Main billing number of the account at the losing provider"
    )
    registered_address: AddressIn | None = Field(
        default=None, description="Registered address of the numbers"
    )
    losing_provider: str | None = Field(default=None, description="Losing service provider")
    range_holder: str | None = Field(default=None, description="Range holder of the numbers")
    calendar_subdivision: str | None = Field(
        default=None,
        description="Holiday region (a `holidays` subdivision code), when it is not the one "
        "the registered address gives: GB requests take it from the postcode area (BT: NIR, "
        "Scottish areas: SCT, else ENG for England and Wales); set it for a cross-border "
        "district",
    )
    extra_fields: dict[str, str] = Field(
        default_factory=dict, description="Country-specific fields required by configuration"
    )


class SubmitPortRequest(_PortRequestCommand):
    """Ask for numbers to be ported in; answered by porting.port.submitted or a rejection."""

    EVENT_TYPE: ClassVar[str] = "porting.port.submit"

    comment: str | None = Field(default=None, max_length=2000, description="Note for the team")


class PrecheckPortRequest(_PortRequestCommand):
    """Check portability before submitting; answered by porting.port.prechecked."""

    EVENT_TYPE: ClassVar[str] = "porting.port.precheck"


class PortCorrectionsIn(BaseModel):
    """Corrected fields of a rejected request; fields left out stay as they were."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    product: NonEmpty | None = Field(default=None, description="Corrected line product")
    numbers: list[NumberEntry] | None = Field(default=None, description="All numbers, corrected")
    main_billing_number: str | None = Field(default=None, description="Corrected billing number")
    registered_address: AddressIn | None = Field(default=None, description="Corrected address")
    losing_provider: str | None = Field(default=None, description="Corrected losing provider")
    range_holder: str | None = Field(default=None, description="Corrected range holder")
    calendar_subdivision: str | None = Field(default=None, description="Corrected holiday region")
    extra_fields: dict[str, str] | None = Field(
        default=None, description="Country-specific fields to set (merged key by key)"
    )


class ResubmitPortRequest(PartnerCommand):
    """Resubmit a rejected request with corrections; the lead time restarts on acceptance."""

    EVENT_TYPE: ClassVar[str] = "porting.port.resubmit"

    port_id: Identifier = Field(description="The rejected port request")
    corrections: PortCorrectionsIn = Field(description="What changes")
    comment: str | None = Field(default=None, max_length=2000, description="Note for the team")


class WithdrawPortRequest(PartnerCommand):
    """Withdraw a request before the carrier accepted it."""

    EVENT_TYPE: ClassVar[str] = "porting.port.withdraw"

    port_id: Identifier = Field(description="The port request to withdraw")
    reason: str | None = Field(default=None, max_length=2000, description="Why")


COMMANDS: list[type[PartnerCommand]] = [
    SubmitPortRequest,
    PrecheckPortRequest,
    ResubmitPortRequest,
    WithdrawPortRequest,
]
"""Every command porting takes."""
