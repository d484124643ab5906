"""Who sees which tickets (domain.md §4 ticket overview)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.support.domain.access import can_see, visible
from shared.actor import Actor

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Raised:
    partner_id: str
    opened_by: str


MINE = Raised("partner-1001", "user-a")
COLLEAGUES = Raised("partner-1001", "user-b")
OTHER_PARTNERS = Raised("partner-2002", "user-z")
TICKETS = [MINE, COLLEAGUES, OTHER_PARTNERS]


def test_a_partner_user_sees_the_tickets_raised_under_its_account():
    user = Actor(user_id="user-a", partner_id="partner-1001")
    assert visible(user, TICKETS) == [MINE]


def test_the_support_lead_sees_all_of_its_partners_tickets():
    lead = Actor(user_id="user-c", partner_id="partner-1001", roles=("support_lead",))
    assert visible(lead, TICKETS) == [MINE, COLLEAGUES]


def test_nobody_sees_another_partners_ticket_whatever_the_role():
    lead = Actor(
        user_id="user-z", partner_id="partner-1001", roles=("support_lead", "vendor_support")
    )
    assert not can_see(lead, OTHER_PARTNERS)  # same user id as the opener, other partner


def test_the_vendors_support_centre_sees_every_ticket():
    engineer = Actor(user_id="engineer-01", roles=("vendor_support",))
    assert visible(engineer, TICKETS) == TICKETS


def test_a_user_without_partner_or_role_sees_nothing():
    assert visible(Actor(user_id="user-a"), TICKETS) == []
