"""Every template renders in every language, escaped, localised, and never leaks the partner
portal into an end customer's mail (domain.md §1.3, §3)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import BaseModel

from services.notifications.domain.errors import UnsupportedLanguage
from services.notifications.domain.recipients import Audience
from services.notifications.mail import i18n
from services.notifications.mail.contexts.maintenance import RefusalReason
from services.notifications.mail.registry import TEMPLATES
from services.notifications.mail.render import (
    AudienceNotAllowed,
    ContextInvalid,
    MailRenderer,
    MailSettings,
    PartnerPortalLeak,
    UnknownTemplate,
)
from services.notifications.mail.samples import SAMPLES

pytestmark = pytest.mark.unit

SETTINGS = MailSettings(
    partner_portal_url="https://partners.vendor.example.net/portal",
    customer_portal_url="https://my.vendor.example.net",
)
RENDERER = MailRenderer(SETTINGS)
LANGUAGES = ("en", "de", "nl")
SCRIPT = '<script>alert("x")</script>'
CASES = [
    (key, audience, language)
    for key, spec in sorted(TEMPLATES.items())
    for audience in sorted(spec.audiences)
    for language in LANGUAGES
]
CUSTOMER_CASES = [c for c in CASES if c[1] is Audience.CUSTOMER_ADMIN]


def render(key: str, language: str = "en", audience: Audience = Audience.PARTNER, **changes):
    context = SAMPLES[key].model_copy(update=changes)
    return RENDERER.render(key, context, language, "Europe/Berlin", audience)


def inject(value: Any, text: str) -> Any:
    """``value`` with ``text`` appended to every string inside it (models, lists, dicts)."""
    if isinstance(value, str):
        return value + text
    if isinstance(value, list):
        return [inject(v, text) for v in value]
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return value.model_copy(
            update={k: v if _is_closed(fields[k]) else inject(v, text) for k, v in value}
        )
    return value


def injected_context(key: str, text: str) -> dict[str, Any]:
    """The sample with ``text`` in every free-text value, the greeting's name included."""
    sample = SAMPLES[key]
    values = {
        name: getattr(sample, name) if _is_closed(info) else inject(getattr(sample, name), text)
        for name, info in type(sample).model_fields.items()
    }
    return values | {"recipient_name": "Jo Example" + text}


def _is_closed(info: Any) -> bool:
    # Literal fields (kinds, severities...) and zone names take only valid values.
    return "Literal" in repr(info.annotation) or "_known_zone" in repr(info.metadata)


@pytest.mark.parametrize(("key", "audience", "language"), CASES)
def test_every_template_renders_in_every_language(key, audience, language):
    mail = RENDERER.render(key, SAMPLES[key], language, "Europe/Berlin", audience)
    assert mail.subject and "\n" not in mail.subject
    assert mail.subject in mail.text and mail.text.endswith("\n")
    assert mail.html.startswith("<!DOCTYPE html>") and f'lang="{language}"' in mail.html
    assert "<style>" not in mail.html and 'style="' in mail.html  # CSS inlined
    assert mail.headers["Content-Language"] == language
    if language != "en":
        english = RENDERER.render(key, SAMPLES[key], "en", "Europe/Berlin", audience)
        assert mail.subject != english.subject, "subject not translated"


@pytest.mark.parametrize(("key", "audience", "language"), CASES)
def test_every_template_escapes_what_it_is_given(key, audience, language):
    context = injected_context(key, SCRIPT)
    mail = RENDERER.render(key, context, language, "Europe/Berlin", audience)
    assert "<script" not in mail.html
    assert "&lt;script&gt;" in mail.html
    assert SCRIPT in mail.text  # plain text is not HTML: it shows what was given


def test_a_subject_is_one_line_whatever_the_context_holds():
    mail = render("customer_recorded", company_name="Evil Ltd\r\nBcc: victim@example.com")
    assert mail.subject == "New customer recorded: Evil Ltd Bcc: victim@example.com"


# -- the partner portal never reaches an end customer -----------------------------------


@pytest.mark.parametrize(("key", "audience", "language"), CUSTOMER_CASES)
def test_a_mail_for_an_end_customer_never_carries_the_partner_portal_address(
    key, audience, language
):
    mail = RENDERER.render(key, SAMPLES[key], language, "Europe/Berlin", audience)
    for part in (mail.subject, mail.text, mail.html, *mail.headers.values()):
        assert "partners.vendor.example.net" not in part
    assert SETTINGS.customer_portal_url in mail.text
    partner = Audience.PARTNER
    if partner in TEMPLATES[key].audiences:
        partner_copy = RENDERER.render(key, SAMPLES[key], language, "Europe/Berlin", partner)
        assert SETTINGS.partner_portal_url in partner_copy.text


@pytest.mark.parametrize(("key", "audience", "language"), CUSTOMER_CASES)
def test_the_partner_portal_address_smuggled_into_a_customer_mail_is_refused(
    key, audience, language
):
    context = injected_context(key, " see https://PARTNERS.vendor.example.net/portal/x")
    with pytest.raises(PartnerPortalLeak):
        RENDERER.render(key, context, language, "Europe/Berlin", audience)


def test_a_customer_admin_s_copy_does_not_list_other_customers():
    customer = render("maintenance_notice", audience=Audience.CUSTOMER_ADMIN)
    partner = render("maintenance_notice")
    assert "Sample Shipping BV" in partner.text
    assert "Sample Shipping BV" not in customer.text + customer.html


def test_a_partner_only_template_is_not_rendered_for_a_customer():
    with pytest.raises(AudienceNotAllowed):
        render("port_accepted", audience=Audience.CUSTOMER_ADMIN)


# -- what each mail must say ----------------------------------------------------------


def said(mail, msgid: str, language: str) -> bool:
    """Whether the translation of ``msgid`` appears in the mail's text (wrapping ignored)."""
    wanted = " ".join(i18n.translations(language).gettext(msgid).split())
    lines = (re.sub(r"^(?:!!? |- |\d+\. )", "", line.strip()) for line in mail.text.splitlines())
    return wanted in " ".join(" ".join(lines).split())


SPAM = (
    "Invitation e-mails often end up in spam filters. Ask the customer's admin to check the "
    "spam or junk folder if the invitation has not arrived."
)
RISK = (
    "Once the numbers port, local services on those lines - such as alarm lines, broadband, "
    "fax machines and franking machines - stop working. On the port date, service on the "
    "numbers may be lost for a while."
)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", ["invitation_sent", "invitation_expiring", "invitation_expired"])
def test_invitation_mails_warn_about_spam_filters(key, language):
    assert said(render(key, language), SPAM, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_customer_admin_is_told_to_check_the_spam_folder(language):
    msgid = (
        "Invitation e-mails often end up in spam filters: if you cannot find it, check your "
        "spam or junk folder."
    )
    assert said(
        render("customer_admin_invitation", language, Audience.CUSTOMER_ADMIN), msgid, language
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", ["port_accepted", "port_reminder"])
def test_the_port_mails_carry_the_risk_notice(key, language):
    assert said(render(key, language), RISK, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_certificate_renewal_notice_gives_partners_the_sso_steps(language):
    mail = render(
        "maintenance_notice",
        language,
        kind="certificate_renewal",
        sso_steps=True,
        reschedulable=False,
        certificate_expires_at=SAMPLES["maintenance_notice"].start,  # type: ignore[attr-defined]
    )
    for step in (
        "Disable SSO.",
        "Re-import the identity provider's (IdP) metadata file.",
        "Enable SSO again.",
    ):
        assert said(mail, step, language)
    assert said(mail, "This change is urgent and cannot be rescheduled.", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_breach_names_its_escalation_level_and_role(language):
    mail = render("ticket_response_breached", language, escalation_level=2, escalation_role="X1")
    assert " 2" in mail.subject
    assert "X1" in mail.text
    assert mail.headers["Importance"] == "high"


def test_work_outside_the_window_says_so():
    msgid = (
        "This work runs outside the region's reserved maintenance window (21:00 to 06:00 local "
        "time) and may affect calling outside it."
    )
    assert said(render("maintenance_notice", outside_window=True), msgid, "en")
    assert not said(render("maintenance_notice", outside_window=False), msgid, "en")


# -- dates in the recipient's locale and zone ----------------------------------------------


@pytest.mark.parametrize(
    ("language", "tz", "expected"),
    [
        ("de", "Europe/Berlin", "Mittwoch, 1. Juli 2026, 01:00 Mitteleuropäische Sommerzeit"),
        ("nl", "Europe/Amsterdam", "woensdag 1 juli 2026, 01:00 Midden-Europese zomertijd"),
        ("en_US", "America/New_York", "Tuesday, June 30, 2026, 7:00\u202fPM Eastern Daylight Time"),
        (
            "en_GB",
            "Australia/Sydney",
            "Wednesday, 1 July 2026, 09:00 Australian Eastern Standard Time",
        ),
    ],
)
def test_instants_are_shown_in_the_recipient_s_locale_and_zone(language, tz, expected):
    mail = RENDERER.render("port_accepted", SAMPLES["port_accepted"], language, tz)
    assert expected in mail.text


def test_the_region_s_own_wall_clock_is_shown_beside_the_recipient_s():
    mail = RENDERER.render(
        "maintenance_notice", SAMPLES["maintenance_notice"], "en_GB", "Asia/Tokyo"
    )
    assert "Wednesday, 17 June 2026, 05:00 Japan Standard Time" in mail.text
    assert "Tuesday, 16 June 2026, 22:00 Central European Summer Time to 01:00" in mail.text


# -- bad input is refused with reasons ------------------------------------------------------


def test_a_context_missing_fields_is_refused_with_one_reason_per_field():
    with pytest.raises(ContextInvalid) as refused:
        RENDERER.render("port_accepted", {"port_id": "P1", "numbers": "x"}, "en", "UTC")
    fields = {r["field"] for r in refused.value.reasons}
    assert {"numbers", "carrier_ref", "port_date", "lead_days", "cancellation_cutoff"} <= fields
    assert refused.value.code == "context_invalid"


def test_an_unknown_region_zone_is_refused_as_invalid_context():
    with pytest.raises(ContextInvalid) as refused:
        render("maintenance_notice", region_timezone="Mars/Olympus")
    assert [r["field"] for r in refused.value.reasons] == ["region_timezone"]


def test_nested_values_are_checked_too_even_in_a_copied_model():
    sample = SAMPLES["release_end_of_sale"]
    row = sample.upgrades[0].model_copy(update={"region_timezone": "Mars/Olympus"})  # type: ignore[attr-defined]
    with pytest.raises(ContextInvalid) as refused:
        render("release_end_of_sale", upgrades=[row])
    assert [r["field"] for r in refused.value.reasons] == ["upgrades.0.region_timezone"]


def test_unknown_templates_and_languages_are_refused():
    with pytest.raises(UnknownTemplate):
        RENDERER.render("port_exploded", {}, "en", "UTC")
    with pytest.raises(UnsupportedLanguage):
        RENDERER.render("port_completed", SAMPLES["port_completed"], "fr", "UTC")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_reason_is_translated_by_its_code_and_a_new_code_keeps_its_message(language):
    reasons = [
        RefusalReason(code="upgrade_already_rescheduled", message="may be rescheduled once"),
        RefusalReason(code="a_rule_added_later", message="Something only the new rule says"),
    ]
    mail = render("maintenance_reschedule_refused", language, reasons=reasons)
    assert said(mail, "This upgrade has already been rescheduled once.", language)
    assert "Something only the new rule says" in mail.text


@pytest.mark.parametrize(
    ("language", "reported", "handled", "escalated", "escalated_to"),
    [
        ("en", "reported", "Handled by", "escalated", "Escalated to"),
        ("de", "gemeldet", "Bearbeitet von", "eskaliert", "Eskaliert an"),
        ("nl", "gemeld", "Behandeld door", "geëscaleerd", "Geëscaleerd naar"),
    ],
)
def test_a_late_cancellation_at_level_0_is_reported_not_escalated(
    language, reported, handled, escalated, escalated_to
):
    first_line = render("port_late_cancellation", language, escalation_level=0)
    assert first_line.subject.endswith(reported) and escalated not in first_line.subject
    assert handled in first_line.text and escalated_to not in first_line.text
    higher = render(
        "port_late_cancellation", language, escalation_level=1, escalation_role="team leader"
    )
    assert higher.subject.endswith(escalated) and escalated_to in higher.text
