"""The template registry covers every partner-facing event type of the catalogue, and the
German and Dutch catalogs translate every message of the templates (domain.md §3)."""

from __future__ import annotations

import json

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from services.notifications.mail import i18n
from services.notifications.mail.registry import (
    EVENT_TEMPLATES,
    TEMPLATES,
    catalogue_problems,
)
from services.notifications.mail.registry_internal import NOT_PARTNER_FACING
from services.notifications.mail.render import TEMPLATE_DIR
from services.notifications.mail.samples import SAMPLES
from tools.catalogue import DOCS

pytestmark = pytest.mark.unit


def published_event_types() -> set[str]:
    """Every message type on an `<x>.events` topic of the checked-in AsyncAPI document."""
    document = json.loads((DOCS / "asyncapi.json").read_text())
    types = set()
    for channel in document["channels"].values():
        if channel["address"].endswith(".events"):
            for ref in channel["messages"].values():
                name = ref["$ref"].rsplit("/", 1)[-1]
                types.add(document["components"]["messages"][name]["name"])
    return types


def test_every_partner_facing_event_of_the_catalogue_has_a_template():
    assert catalogue_problems(published_event_types()) == []


def test_a_new_event_type_without_a_template_or_a_reason_fails_the_check():
    problems = catalogue_problems({*published_event_types(), "porting.port.exploded"})
    assert problems == [
        "porting.port.exploded: no template; add one to registry.TEMPLATES or give the reason "
        "it is not partner-facing in registry_internal.NOT_PARTNER_FACING"
    ]


def test_a_registry_entry_for_a_type_the_publisher_dropped_fails_the_check():
    published = published_event_types() - {"porting.port.accepted"}
    assert catalogue_problems(published) == [
        "porting.port.accepted: named in the registry but not in the catalogue"
    ]


def test_support_s_types_are_checked_now_that_support_publishes():
    assert "support.ticket.opened" in published_event_types()
    assert not [p for p in catalogue_problems(published_event_types()) if "support." in p]
    without_resolved = published_event_types() - {"support.ticket.resolved"}
    missing = [p for p in catalogue_problems(without_resolved) if p.startswith("support.")]
    assert missing == ["support.ticket.resolved: named in the registry but not in the catalogue"]


def test_a_type_is_either_mailed_or_explained_never_both():
    assert not set(EVENT_TEMPLATES) & set(NOT_PARTNER_FACING)
    assert all(reason.strip() for reason in NOT_PARTNER_FACING.values())


def test_every_template_has_its_file_and_a_sample_and_every_file_is_registered():
    files = {p.stem for p in (TEMPLATE_DIR / "mails").glob("*.jinja")}
    assert files == set(TEMPLATES)
    assert set(SAMPLES) == set(TEMPLATES)
    for key, spec in TEMPLATES.items():
        assert isinstance(SAMPLES[key], spec.context), key


# -- catalogs ---------------------------------------------------------------------------


def template_messages() -> set[object]:
    found = extract_from_dir(
        str(TEMPLATE_DIR),
        method_map=[("**.jinja", "jinja2")],
        options_map={
            "**.jinja": {"trimmed": "true", "trim_blocks": "true", "lstrip_blocks": "true"}
        },
    )
    return {message for _file, _line, message, _comments, _context in found}


def test_the_message_template_is_current():
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as pot:
        catalog = read_po(pot)
    assert {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id} == (
        template_messages()
    ), "regenerate with pybabel extract (see services/notifications/mail/i18n.py)"


@pytest.mark.parametrize("language", ["de", "nl"])
def test_every_message_is_translated_with_its_placeholders(language):
    with i18n.catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    messages = [m for m in catalog if m.id]
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in messages}
    assert ids == template_messages()
    untranslated = [m.id for m in messages if m.fuzzy or not all(_strings(m.string))]
    assert untranslated == []
    assert [(m.id, errors) for m, errors in catalog.check()] == []


def _strings(string: object) -> list[str]:
    """A message's translation(s): one string, or one per plural form."""
    return [string] if isinstance(string, str) else list(string or [])  # type: ignore[call-overload]
