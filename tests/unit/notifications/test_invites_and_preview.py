"""Calendar invites (RFC 5545): one entry that moves on reschedule and goes on cancellation;
the mail of a domain event; the preview command."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from services.notifications.domain import events as ev
from services.notifications.domain.recipients import Audience
from services.notifications.mail.contexts.maintenance import maintenance_mail
from services.notifications.mail.invite import maintenance_invite
from services.notifications.mail.registry import TEMPLATES
from services.notifications.mail.render import MailRenderer
from services.notifications.preview import write_previews
from shared.calendars import Region
from tests.unit.notifications.samples import NOTICE_DAY, POLICY, announced, local, plan

pytestmark = pytest.mark.unit

ORGANIZER = "maintenance@vendor.example.net"
ATTENDEE = "noc@partner.example.com"


def invite(event, zone: str = "Europe/Berlin") -> Calendar:
    data = maintenance_invite(event, region_timezone=zone, organizer=ORGANIZER, attendee=ATTENDEE)
    return Calendar.from_ical(data.data)


def notice_reschedule_cancel(region: Region = Region.EU, start: datetime | None = None):
    from services.notifications.domain.maintenance import Maintenance

    m, [notice] = Maintenance.announce("mnt-0042", plan(region, start=start), NOTICE_DAY, POLICY)
    [moved] = m.request_reschedule(
        start=local(region, 2026, 6, 30, 22),
        end=local(region, 2026, 6, 30, 23, 30),
        reason="Quarter-end trading",
        requested_by="partner-0001",
        now=local(region, 2026, 6, 3, 9),
        policy=POLICY,
    )
    [cancelled] = m.cancel(local(region, 2026, 6, 20, 9), POLICY, reason="Patch withdrawn")
    return notice, moved, cancelled


def calendar_after(*calendars: Calendar) -> dict[str, tuple[str, Any]]:
    """What a calendar client keeps: per UID, the VEVENT with the highest SEQUENCE."""
    kept: dict[str, tuple[int, str, Any]] = {}
    for cal in calendars:
        method = str(cal["METHOD"])
        for vevent in cal.walk("VEVENT"):
            uid, seq = str(vevent["UID"]), int(str(vevent["SEQUENCE"]))
            if uid not in kept or seq > kept[uid][0]:
                kept[uid] = (seq, method, vevent)
    return {uid: (method, vevent) for uid, (_, method, vevent) in kept.items()}


def test_a_notice_then_its_reschedule_leave_one_event_that_moved():
    notice, moved, _ = notice_reschedule_cancel()
    assert isinstance(moved, ev.MaintenanceRescheduled)
    first, second = invite(notice), invite(moved)
    [(method, vevent)] = calendar_after(first, second).values()
    assert method == "REQUEST"
    assert vevent.decoded("DTSTART") == local(Region.EU, 2026, 6, 30, 22)
    assert (int(vevent["SEQUENCE"]), str(vevent["STATUS"])) == (1, "CONFIRMED")
    [before] = first.walk("VEVENT")
    assert before.decoded("DTSTART") == local(Region.EU, 2026, 6, 16, 22)
    assert str(before["UID"]) == str(vevent["UID"])


def test_a_cancellation_removes_the_same_event():
    notice, moved, cancelled = notice_reschedule_cancel()
    third = invite(cancelled)
    [(method, vevent)] = calendar_after(invite(notice), invite(moved), third).values()
    assert (method, str(vevent["STATUS"]), int(vevent["SEQUENCE"])) == ("CANCEL", "CANCELLED", 2)


@pytest.mark.parametrize(
    ("region", "zone"),
    [
        (Region.AMER, "America/New_York"),
        (Region.APJC, "Asia/Tokyo"),
        (Region.AUS, "Australia/Sydney"),
        (Region.EU, "Europe/Berlin"),
    ],
)
def test_the_invite_carries_the_window_in_the_region_s_zone_with_its_vtimezone(region, zone):
    notice, _, _ = notice_reschedule_cancel(region)
    cal = invite(notice, zone)
    [vevent] = cal.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == zone
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == [zone]
    start = vevent.decoded("DTSTART")
    assert (start.hour, start.utcoffset()) == (
        22,
        datetime(2026, 6, 16, 22, tzinfo=ZoneInfo(zone)).utcoffset(),
    )
    assert str(vevent["ORGANIZER"]) == f"mailto:{ORGANIZER}"
    assert str(vevent["ATTENDEE"]) == f"mailto:{ATTENDEE}"


def test_the_same_event_always_yields_the_same_invite():
    notice, _, _ = notice_reschedule_cancel()
    a = maintenance_invite(notice, region_timezone="Europe/Berlin", organizer=ORGANIZER)
    b = maintenance_invite(notice, region_timezone="Europe/Berlin", organizer=ORGANIZER)
    assert a.data == b.data
    assert a.content_type == "text/calendar; method=REQUEST; charset=UTF-8"


# -- from a domain event to the mail ------------------------------------------------------


@pytest.mark.parametrize("audience", list(Audience))
def test_every_maintenance_event_becomes_its_mail(audience):
    m = announced()
    events = list(notice_reschedule_cancel()) + m.start(local(Region.EU, 2026, 6, 16, 22), POLICY)
    events += m.complete(local(Region.EU, 2026, 6, 16, 23), POLICY, summary="Done")
    reminder = announced()
    timer = reminder.pending_timers(POLICY)[0]
    events += reminder.on_timer(timer.id, timer.kind, timer.due_at, POLICY)
    renderer = MailRenderer()
    for event in events:
        key, context = maintenance_mail(
            event, region_timezone="Europe/Berlin", customer_names=["Example Bakery Ltd"]
        )
        assert event.name in TEMPLATES[key].events
        mail = renderer.render(key, context, "de", "Europe/Berlin", audience)
        assert ("Example Bakery Ltd" in mail.text) is (audience is Audience.PARTNER)


def test_a_refused_reschedule_becomes_the_partner_s_refusal_mail_with_the_reasons():
    m = announced()
    [refused] = m.request_reschedule(
        start=local(Region.EU, 2026, 6, 27, 22),
        end=local(Region.EU, 2026, 6, 27, 23),
        reason="Trading",
        requested_by="partner-0001",
        now=local(Region.EU, 2026, 6, 3, 9),
        policy=POLICY,
    )
    key, context = maintenance_mail(refused, region_timezone="Europe/Berlin")
    mail = MailRenderer().render(key, context, "en", "Europe/Berlin")
    assert key == "maintenance_reschedule_refused"
    assert "a weekend window, which takes infrastructure work only" in " ".join(mail.text.split())


# -- preview ----------------------------------------------------------------------------------


def test_the_preview_writes_every_template_in_every_language(tmp_path):
    written = write_previews(tmp_path)
    per_language = sum(len(spec.audiences) for spec in TEMPLATES.values())
    assert len(written) == per_language * 3 * 2 + 2
    assert (tmp_path / "maintenance_notice.customer_admin.nl.html").exists()
    assert b"BEGIN:VEVENT" in (tmp_path / "maintenance_notice.ics").read_bytes()
    assert "port_reminder.partner.de.html" in (tmp_path / "index.html").read_text()


def test_each_partner_s_end_of_sale_notice_becomes_its_mail():
    from services.notifications.domain.releases import (
        CustomerRelease,
        ReleaseTrain,
        end_of_sale_notices,
    )
    from services.notifications.mail.contexts.maintenance import release_mail

    train = ReleaseTrain(("12.5", "14.0", "15.0"))
    customers = [CustomerRelease("c1", "Example Bakery Ltd", "alpha", Region.AUS, "12.5")]
    [notice] = end_of_sale_notices(train, customers, local(Region.AUS, 2026, 6, 1, 10), POLICY)
    mail = MailRenderer().render(
        "release_end_of_sale", release_mail(notice, POLICY), "en_GB", "Australia/Sydney"
    )
    assert mail.subject == "Release 12.5 reaches end of sale: upgrade to 15.0"
    assert "Example Bakery Ltd" in mail.text
    assert "Monday, 15 June 2026, 21:00 Australian Eastern Standard Time to 06:00" in mail.text


def test_an_outage_declared_and_resolved_become_their_mails():
    from services.notifications.domain.outages import Outage
    from services.notifications.mail.contexts.maintenance import outage_mail

    outage, [declared] = Outage.declare(
        "out-1",
        regions=["EU"],
        services=["calling"],
        summary="Calls fail",
        started_at=local(Region.EU, 2026, 6, 3, 10),
        now=local(Region.EU, 2026, 6, 3, 10, 5),
    )
    [resolved] = outage.resolve(local(Region.EU, 2026, 6, 3, 11), "Fixed")
    renderer = MailRenderer()
    for event, key in ((declared, "outage_declared"), (resolved, "outage_resolved")):
        got_key, context = outage_mail(event)
        assert got_key == key
        mail = renderer.render(key, context, "nl", "Europe/Amsterdam")
        assert mail.headers["Importance"] == "high"
    assert "11:00" in mail.text
