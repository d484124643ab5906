"""Commands assigning a customer's licences to named users (`onboarding.commands`).

A licence assigned to a user is one of the customer's licences in use (the ledger's `used`
grows by one), held by that user of the customer's tenant. These records are how
onboarding knows, without trusting a command's word, which users belong to a tenant and
whether they are paid: the partner-administrator role goes only to a paid user of the
reseller's own tenant (§1.6). Outcomes: `onboarding.licences.user_assigned` /
`.user_unassigned` and `onboarding.licences.updated`; refusals
`onboarding.customer.action_refused` (e.g. `not_enough_licences`, `user_already_licensed`).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from services.onboarding.contracts_partners import NonEmpty, _Command


class AssignLicence(_Command):
    """Give a user of the customer's tenant one licence of a package (one per user)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.assign_to_user"

    customer_id: NonEmpty = Field(description="The customer whose licence it is")
    package: NonEmpty = Field(description="Product package, e.g. Enterprise")
    user_id: NonEmpty = Field(description="The user of the customer's tenant (platform user ID)")


class UnassignLicence(_Command):
    """Take a user's licence back (it is available again)."""

    EVENT_TYPE: ClassVar[str] = "onboarding.licences.unassign_from_user"

    customer_id: NonEmpty = Field(description="The customer whose licence it is")
    user_id: NonEmpty = Field(description="The user holding it")


COMMANDS_LICENCES: list[type[_Command]] = [AssignLicence, UnassignLicence]
"""The licence-assignment commands (wired with the partner side)."""
