"""§3 contacts, enrolment, recipients (dedupe, language fallback) and digests."""

from __future__ import annotations

import pytest

from services.notifications.domain.contacts import AlertCategory, Contact, PartnerContacts
from services.notifications.domain.digest import DeliveryMode, next_digest_at, plan_delivery
from services.notifications.domain.errors import UnknownContact, ValidationFailed
from services.notifications.domain.recipients import (
    Audience,
    CustomerAdmin,
    dedupe,
    maintenance_recipients,
    partner_recipients,
    resolve_language,
)
from services.notifications.domain.timers import invitation_expiring_timer
from shared.calendars import Region
from tests.unit.notifications.samples import NOTICE_DAY, codes, local, utc

pytestmark = pytest.mark.unit

MAINTENANCE = AlertCategory.MAINTENANCE_AND_OUTAGES


def contact(cid: str, email: str, **kw) -> Contact:
    kw.setdefault("categories", [MAINTENANCE])
    return Contact.create(cid, f"Person {cid}", email, **kw)


def partner(pid: str, *contacts: Contact, language: str = "en", tz: str | None = None):
    p = PartnerContacts(pid, language=language, timezone=tz)
    p.replace_contacts(contacts, NOTICE_DAY)
    return p


# -- contacts ----------------------------------------------------------------------------


def test_a_partner_s_contacts_start_from_its_main_contact_enrolled_for_everything():
    p, [changed] = PartnerContacts.seed(
        "partner-0001",
        main_contact_name="Ada Example",
        main_contact_email="Ada.Example@Partner.EXAMPLE.com",
        language="de",
        timezone="Europe/Berlin",
        now=NOTICE_DAY,
    )
    [main] = p.contacts
    assert main.email == "Ada.Example@partner.example.com"  # the domain is normalised
    assert main.categories == frozenset(AlertCategory)
    assert all(main.enrolled_for(c, r) for c in AlertCategory for r in Region)
    assert (p.language, changed.contact_emails) == ("de", ("Ada.Example@partner.example.com",))


def test_a_contact_with_bad_data_is_refused_with_every_reason():
    with pytest.raises(ValidationFailed) as refused:
        Contact.create(
            "c1",
            "Bad Data",
            "not-an-address",
            categories=[],
            language="fr",
            timezone="Mars/Olympus",
            digest=[MAINTENANCE],
            digest_hour=24,
        )
    assert sorted(codes(refused.value.reasons())) == [
        "digest_not_allowed",
        "invalid_digest_hour",
        "invalid_email",
        "no_categories",
        "unknown_time_zone",
        "unsupported_language",
    ]


def test_enrolment_is_per_category_and_region():
    c = contact(
        "c1", "ops@partner.example.com", categories=[MAINTENANCE, "porting"], regions=["EU"]
    )
    assert c.enrolled_for(MAINTENANCE, Region.EU)
    assert not c.enrolled_for(MAINTENANCE, Region.AMER)
    assert not c.enrolled_for(AlertCategory.SUPPORT, Region.EU)
    assert c.enrolled_for(AlertCategory.PORTING)


def test_two_contacts_of_one_partner_cannot_share_an_address_ignoring_case():
    p = PartnerContacts("partner-0001")
    with pytest.raises(ValidationFailed) as refused:
        p.replace_contacts(
            [contact("c1", "ops@partner.example.com"), contact("c2", "OPS@partner.example.com")],
            NOTICE_DAY,
        )
    assert codes(refused.value.reasons()) == ["duplicate_contact"]


def test_updating_an_unknown_contact_is_refused():
    p = partner("partner-0001", contact("c1", "ops@partner.example.com"))
    with pytest.raises(UnknownContact):
        p.update_contact(contact("c9", "x@partner.example.com"), NOTICE_DAY)


# -- recipients ----------------------------------------------------------------------------


def test_a_maintenance_notice_reaches_enrolled_partners_in_the_region_and_affected_admins_once():
    eu_only = contact("a1", "noc@alpha.example.com", regions=["EU"])
    amer_only = contact("a2", "us-noc@alpha.example.com", regions=["AMER"])
    porting_only = contact("a3", "ports@alpha.example.com", categories=["porting"])
    alpha = partner("alpha", eu_only, amer_only, porting_only, language="de")
    beta = partner("beta", contact("b1", "NOC@Alpha.example.com"))  # same person, other case
    admins = [
        CustomerAdmin("cust-1", "alpha", "Cy Admin", "admin@customer-one.example.org"),
        CustomerAdmin("cust-2", "beta", "Di Admin", "ADMIN@customer-one.example.org", "nl"),
    ]
    got = maintenance_recipients([alpha, beta], Region.EU, admins, region_timezone="Europe/Berlin")
    assert [(r.email, r.audience, r.language) for r in got] == [
        ("noc@alpha.example.com", Audience.PARTNER, "de"),
        ("admin@customer-one.example.org", Audience.CUSTOMER_ADMIN, "de"),
    ]
    assert got[1].timezone == "Europe/Berlin"


def test_an_address_that_is_both_partner_contact_and_customer_admin_gets_the_customer_version():
    alpha = partner("alpha", contact("a1", "it@shared.example.com"))
    admin = CustomerAdmin("cust-1", "alpha", "It Desk", "IT@shared.example.com")
    [only] = maintenance_recipients([alpha], "EU", [admin], region_timezone="Europe/Berlin")
    assert only.audience is Audience.CUSTOMER_ADMIN


@pytest.mark.parametrize(
    ("contact_language", "partner_language", "expected"),
    [
        ("nl", "de", "nl"),
        (None, "de", "de"),
        (None, None, "en"),
        ("fr", "nl", "nl"),
        ("fr", "es", "en"),
    ],
)
def test_the_language_is_the_contact_s_else_the_partner_s_else_english(
    contact_language, partner_language, expected
):
    assert resolve_language(contact_language, partner_language) == expected


def test_partner_recipients_take_the_contact_s_language_and_zone_before_the_partner_s():
    c1 = contact("c1", "one@gamma.example.com", language="nl", timezone="Asia/Tokyo")
    c2 = contact("c2", "two@gamma.example.com")
    gamma = partner("gamma", c1, c2, language="de", tz="Europe/Berlin")
    got = partner_recipients([gamma], MAINTENANCE, "APJC", fallback_timezone="UTC")
    assert [(r.language, r.timezone) for r in got] == [
        ("nl", "Asia/Tokyo"),
        ("de", "Europe/Berlin"),
    ]


def test_dedupe_keeps_the_first_sighting_and_its_position():
    a = contact("c1", "first@delta.example.com")
    delta = partner("delta", a, contact("c2", "second@delta.example.com"))
    listed = partner_recipients([delta], MAINTENANCE) * 2
    assert [r.email for r in dedupe(listed)] == [
        "first@delta.example.com",
        "second@delta.example.com",
    ]


# -- digests -----------------------------------------------------------------------------------


def test_low_urgency_categories_can_wait_for_the_daily_digest_at_a_local_hour():
    c = contact(
        "c1",
        "ops@eps.example.com",
        categories=["porting"],
        digest=["porting"],
        digest_hour=8,
        timezone="Europe/Berlin",
    )
    at_noon = local(Region.EU, 2026, 6, 3, 12)
    d = plan_delivery(c, AlertCategory.PORTING, at_noon)
    assert (d.mode, d.due_at, d.digest_key) == (
        DeliveryMode.DIGEST,
        local(Region.EU, 2026, 6, 4, 8),
        "digest:c1:2026-06-04",
    )
    early = plan_delivery(c, AlertCategory.PORTING, local(Region.EU, 2026, 6, 3, 7, 59))
    assert early.due_at == local(Region.EU, 2026, 6, 3, 8)
    exactly = plan_delivery(c, AlertCategory.PORTING, local(Region.EU, 2026, 6, 3, 8))
    assert exactly.due_at == local(Region.EU, 2026, 6, 4, 8)


@pytest.mark.parametrize(
    "urgent",
    [{"severity": "S1"}, {"severity": "S2"}, {"emergency": True}, {"outage": True}],
)
def test_outages_emergencies_and_s1_s2_are_never_batched(urgent):
    c = contact("c1", "help@eps.example.com", categories=["support"], digest=["support"])
    d = plan_delivery(c, AlertCategory.SUPPORT, NOTICE_DAY, **urgent)
    assert (d.mode, d.due_at) == (DeliveryMode.SINGLE, NOTICE_DAY)
    assert plan_delivery(c, AlertCategory.SUPPORT, NOTICE_DAY, severity="S3").mode == "digest"


def test_a_contact_without_a_digest_gets_single_mails():
    c = contact("c1", "ops@eps.example.com", categories=["porting"])
    assert plan_delivery(c, AlertCategory.PORTING, NOTICE_DAY).mode is DeliveryMode.SINGLE


@pytest.mark.parametrize(
    ("now", "hour", "zone", "due"),
    [
        # Berlin springs forward Sun 29 Mar 2026 02:00 → 03:00: 02:00 does not exist and
        # resolves to the instant after the gap.
        (utc(2026, 3, 28, 12), 2, "Europe/Berlin", utc(2026, 3, 29, 1)),
        # New York falls back Sun 1 Nov 2026: 01:00 happens twice, the first one counts.
        (utc(2026, 10, 31, 12), 1, "America/New_York", utc(2026, 11, 1, 5)),
        # Sydney springs forward Sun 4 Oct 2026 02:00 → 03:00.
        (utc(2026, 10, 3, 0), 8, "Australia/Sydney", utc(2026, 10, 3, 21)),
    ],
)
def test_the_digest_hour_follows_the_wall_clock_across_daylight_saving(now, hour, zone, due):
    assert next_digest_at(now, hour, zone) == due


# -- invitation expiring -------------------------------------------------------------------------


def test_the_invitation_expiring_reminder_is_a_day_before_expiry_unless_already_past():
    sent = utc(2026, 6, 1, 9)
    timer = invitation_expiring_timer("inv-1", valid_until=utc(2026, 6, 4, 9), sent_at=sent)
    assert timer is not None and timer.due_at == utc(2026, 6, 3, 9)
    late = invitation_expiring_timer("inv-1", valid_until=utc(2026, 6, 2, 9), sent_at=sent)
    assert late is None
