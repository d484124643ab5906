"""Response clocks: due instants on the customer's calendar (domain.md §4, clock details).

Every expected instant below is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.support.domain.calendar import BusinessHours, Location
from services.support.domain.clocks import breach_at, ceil_ms, is_met
from services.support.domain.policy import SupportPolicy, business, elapsed
from services.support.domain.severity import Impact, Severity, Urgency
from tests.unit.support.samples import (
    BERLIN,
    DE_TENANT,
    GB_TENANT,
    JP_TENANT,
    SCOTTISH_TENANT,
    TOKYO,
    local,
    open_ticket,
    tenant,
    utc,
)

pytestmark = pytest.mark.unit

S1: dict[str, Any] = {"impact": Impact.WIDESPREAD, "urgency": Urgency.CRITICAL}
S2: dict[str, Any] = {"impact": Impact.LOCALIZED, "urgency": Urgency.CRITICAL}
S3: dict[str, Any] = {"impact": Impact.INDIVIDUALIZED, "urgency": Urgency.HIGH}
S4: dict[str, Any] = {"impact": Impact.WIDESPREAD, "urgency": Urgency.LOW}


class TestObjectives:
    def test_defaults_are_the_seeds_15_and_30_minutes_and_one_and_three_business_days(self):
        policy = SupportPolicy()
        assert policy.response_objective(Severity.S1) == elapsed(minutes=15)
        assert policy.response_objective(Severity.S2) == elapsed(minutes=30)
        assert policy.response_objective(Severity.S3) == business(hours=8)
        assert policy.response_objective(Severity.S4) == business(hours=24)
        assert policy.business_hours == BusinessHours()


class TestElapsedClocks:
    def test_s1_is_due_15_minutes_after_opening_at_any_hour(self):
        # Sunday 03:00 UTC: nobody's business hours; S1 runs round the clock.
        assert open_ticket(utc(2027, 3, 7, 3), **S1).response_due_at == utc(2027, 3, 7, 3, 15)

    def test_s2_is_due_30_minutes_after_opening_on_a_holiday(self):
        # Good Friday 2027 (England): still 30 minutes.
        assert open_ticket(utc(2027, 3, 26, 12), **S2).response_due_at == utc(2027, 3, 26, 12, 30)

    def test_s1_across_the_spring_forward_night_is_15_real_minutes(self):
        # London: 28 Mar 2027 01:00 GMT → 02:00 BST. Opened 00:50 GMT = 00:50 UTC.
        ticket = open_ticket(utc(2027, 3, 28, 0, 50), **S1)
        assert ticket.response_due_at == utc(2027, 3, 28, 1, 5)
        assert ticket.local(ticket.response_due_at) == local(2027, 3, 28, 2, 5)  # wall clock

    def test_s2_across_the_fall_back_night_is_30_real_minutes(self):
        # London: 31 Oct 2027 02:00 BST → 01:00 GMT. Opened 01:45 BST = 00:45 UTC.
        ticket = open_ticket(utc(2027, 10, 31, 0, 45), **S2)
        assert ticket.response_due_at == utc(2027, 10, 31, 1, 15)
        assert ticket.local(ticket.response_due_at).utcoffset() == timedelta(0)  # GMT again


class TestBusinessClocks:
    def test_s3_is_due_8_business_hours_later(self):
        # Mon 8 Mar 2027 10:00 GMT: 7 h Monday + 1 h Tuesday → Tue 10:00.
        assert open_ticket(utc(2027, 3, 8, 10), **S3).response_due_at == utc(2027, 3, 9, 10)

    def test_s3_opened_friday_afternoon_is_due_monday(self):
        # Fri 12 Mar 15:00: 2 h Friday + 6 h Monday → Mon 15 Mar 15:00.
        assert open_ticket(utc(2027, 3, 12, 15), **S3).response_due_at == utc(2027, 3, 15, 15)

    def test_s3_opened_at_the_weekend_starts_monday_09_00_and_is_due_at_17_00(self):
        # Sat 13 Mar: the clock starts Mon 09:00; 8 h end exactly at closing, Mon 17:00.
        assert open_ticket(utc(2027, 3, 13, 11), **S3).response_due_at == utc(2027, 3, 15, 17)

    def test_the_opened_event_says_when_the_clock_starts(self):
        from services.support.domain import events as ev
        from services.support.domain.ticket import Ticket
        from services.support.domain.validation import check_opening
        from tests.unit.support.samples import PARTNER, PARTNER_PLACE, POLICY, USER, request

        now = utc(2027, 3, 13, 11)  # Saturday
        checked = check_opening(request(occurred_at=now), PARTNER, GB_TENANT, now)
        _, (opened,) = Ticket.open(
            ticket_id="t-1", ticket_number="NA00000001", partner_id=PARTNER, opened_by=USER,
            checked=checked, partner_location=PARTNER_PLACE, policy=POLICY, now=now,
        )  # fmt: skip
        assert isinstance(opened, ev.TicketOpened)
        assert opened.response_clock_starts_at == utc(2027, 3, 15, 9)

    def test_s3_opened_at_17_00_exactly_is_outside_business_hours(self):
        # [09:00, 17:00): Mon 17:00 starts Tue 09:00 → due Tue 17:00.
        assert open_ticket(utc(2027, 3, 8, 17), **S3).response_due_at == utc(2027, 3, 9, 17)

    def test_s3_opened_before_opening_starts_at_09_00(self):
        assert open_ticket(utc(2027, 3, 8, 8, 59), **S3).response_due_at == utc(2027, 3, 8, 17)

    def test_s4_is_due_24_business_hours_later(self):
        # Mon 8 Mar 10:00: 7 + 8 + 8 = 23 h to Wed close, 1 h Thu → Thu 11 Mar 10:00.
        assert open_ticket(utc(2027, 3, 8, 10), **S4).response_due_at == utc(2027, 3, 11, 10)

    def test_english_bank_holidays_and_the_dst_change_are_skipped(self):
        # Thu 25 Mar 16:00 GMT: 1 h Thu; Good Friday, weekend, Easter Monday (England);
        # Tue 30 Mar 09:00 BST + 7 h → 16:00 BST = 15:00 UTC.
        ticket = open_ticket(local(2027, 3, 25, 16), **S3)
        assert ticket.response_due_at == utc(2027, 3, 30, 15)
        assert ticket.calendar_choice.subdivision == "ENG"

    def test_a_scottish_customer_works_on_easter_monday(self):
        # Scotland has Good Friday but not Easter Monday: Mon 29 Mar 09:00 BST + 7 h.
        ticket = open_ticket(local(2027, 3, 25, 16), record=SCOTTISH_TENANT, **S3)
        assert ticket.response_due_at == utc(2027, 3, 29, 15)
        assert ticket.calendar_choice.subdivision == "SCT"

    def test_business_hours_across_the_dst_change_in_berlin(self):
        # Thu 25 Mar 13:00 CET: 4 h Thu; Karfreitag, weekend, Ostermontag;
        # Tue 30 Mar 09:00 CEST + 4 h → 13:00 CEST = 11:00 UTC (was 12:00 UTC on Thursday).
        ticket = open_ticket(local(2027, 3, 25, 13, tz=BERLIN), record=DE_TENANT, **S3)
        assert ticket.response_due_at == utc(2027, 3, 30, 11)
        assert ticket.local(ticket.response_due_at) == local(2027, 3, 30, 13, tz=BERLIN)

    @pytest.mark.parametrize(
        ("record", "due_utc", "due_local"),
        [
            # Fri 11 Jun 2027 12:00 UTC = 13:00 London: 4 + 8 + 8 + 4 → Wed 13:00 BST.
            (GB_TENANT, utc(2027, 6, 16, 12), local(2027, 6, 16, 13)),
            # = 14:00 Berlin: 3 + 8 + 8 + 5 → Wed 14:00 CEST.
            (DE_TENANT, utc(2027, 6, 16, 12), local(2027, 6, 16, 14, tz=BERLIN)),
            # = 21:00 Tokyo, after hours: Mon 09:00 JST + 24 h → Wed 17:00 JST.
            (JP_TENANT, utc(2027, 6, 16, 8), local(2027, 6, 16, 17, tz=TOKYO)),
        ],
    )
    def test_the_same_instant_in_three_time_zones(self, record, due_utc, due_local):
        ticket = open_ticket(utc(2027, 6, 11, 12), record=record, **S4)
        assert ticket.response_due_at == due_utc
        assert ticket.local(ticket.response_due_at) == due_local

    def test_configured_business_hours_are_used(self):
        policy = SupportPolicy(business_hours=BusinessHours(opens=local(2027, 1, 1, 8).time()))
        # 08:00–17:00: Mon 08:00 + 8 h → Mon 16:00.
        ticket = open_ticket(utc(2027, 3, 8, 8), policy=policy, **S3)
        assert ticket.response_due_at == utc(2027, 3, 8, 16)

    def test_the_partners_calendar_applies_when_the_customers_is_unknown(self):
        # No location for the customer: the partner (GB) calendar, Saturday → Monday.
        record = tenant("tenant-x", location=None)
        ticket = open_ticket(utc(2027, 3, 13, 11), record=record, **S3)
        assert ticket.calendar_choice.source == "partner"
        assert ticket.response_due_at == utc(2027, 3, 15, 17)


class TestMeetingTheObjective:
    def test_an_acknowledgment_at_the_due_instant_meets_it(self):
        due = utc(2027, 3, 8, 10, 15)
        assert is_met(due, due)
        assert not is_met(due + timedelta(milliseconds=1), due)

    def test_the_breach_is_one_millisecond_after_the_due_instant(self):
        assert breach_at(utc(2027, 3, 8, 10, 15)) - utc(2027, 3, 8, 10, 15) == timedelta(
            milliseconds=1
        )

    def test_instants_are_rounded_up_to_whole_milliseconds(self):
        assert ceil_ms(utc(2027, 3, 8, 10) + timedelta(microseconds=1)) == utc(
            2027, 3, 8, 10
        ) + timedelta(milliseconds=1)
        assert ceil_ms(utc(2027, 3, 8, 10)) == utc(2027, 3, 8, 10)

    def test_naive_instants_are_refused(self):
        from datetime import datetime

        with pytest.raises(ValueError):
            is_met(datetime(2027, 3, 8, 10), utc(2027, 3, 8, 10))


def test_location_zone_is_taken_from_the_tenant_record():
    record = tenant("tenant-es-canary", Location("ES", "CN"))
    ticket = open_ticket(utc(2027, 6, 9, 8), record=record, **S3)
    assert ticket.time_zone == "Atlantic/Canary"
