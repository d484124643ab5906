from __future__ import annotations

import json

import pytest
import structlog

from shared.logging import (
    MAX_LOG_TEXT,
    bound_message,
    configure_logging,
    redact_text,
    redact_value,
)

pytestmark = pytest.mark.unit


def test_email_addresses_and_phone_numbers_in_free_text_are_masked():
    text = "Call Ada on +44 20 7946 0123 or mail ada.smith@example.com about 3 ports"
    assert redact_text(text) == "Call Ada on [phone] or mail [email] about 3 ports"


def test_secrets_are_masked_by_key_at_any_depth():
    value = {"user": "u1", "device": {"security_pin": "1234", "sip": {"password": "pw"}}}
    assert redact_value(None, value) == {
        "user": "u1",
        "device": {"security_pin": "[redacted]", "sip": {"password": "[redacted]"}},
    }


def test_credentials_inside_urls_are_masked():
    assert redact_text("mongodb://app:s3cret@db:27017") == "mongodb://app:[redacted]@db:27017"


@pytest.fixture
def _logging_as_it_was():
    """`configure_logging` prints to the `sys.stderr` of the moment — capsys's, closed after
    the test: give later tests in this process the configuration they had."""
    import logging

    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.configure(**saved)
    root.handlers, root.level = handlers, level


@pytest.mark.usefixtures("_logging_as_it_was")
def test_json_lines_carry_service_event_and_correlation_ids_and_no_personal_data(capsys):
    configure_logging("porting", fmt="json")
    with structlog.contextvars.bound_contextvars(event_id="e1", correlation_id="c1"):
        structlog.get_logger().info("port submitted", contact="bo@example.com", pin="0000")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["service"] == "porting" and line["event_id"] == "e1"
    assert line["correlation_id"] == "c1"
    assert line["contact"] == "[email]" and line["pin"] == "[redacted]"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("ring 0044 20 7946 0123, then", "ring [phone], then"),
        ("ring 020 7946 0123 x12", "ring [phone] x12"),
        ("ids 0123456789abc stay", "ids 0123456789abc stay"),  # glued to a word: no number
        ("port 0123 45 and 2031-03-02T10:00:00", "port 0123 45 and 2031-03-02T10:00:00"),
        ("mail a.b@example.co.uk.x1 now", "mail [email].x1 now"),
        ("not@an-address here", "not@an-address here"),
        ("amqp+ssl://user:pw@host/x", "amqp+ssl://user:[redacted]@host/x"),
    ],
)
def test_masking_keeps_its_meaning_at_the_edges(text, masked):
    assert redact_text(text) == masked


@pytest.mark.parametrize(
    "huge",
    [
        "a" * 1_000_000,
        "a@" * 500_000,
        "x@" + "a." * 500_000,
        "00 " * 300_000 + "x",
        "0" * 1_000_000 + "x",
        "http" * 250_000 + "://",
        " +0" * 300_000,
    ],
    ids=["word", "ats", "dots", "digit-pairs", "digits", "schemes", "pluses"],
)
def test_a_huge_field_is_cut_and_masked_in_one_pass(huge):
    """A sender's megabyte field (the fuzz run's) once made masking quadratic and held
    the consumer for minutes; now it is cut to `MAX_LOG_TEXT` and masked linearly (this
    test finishes: no time is asserted)."""
    out = redact_text("call 020 7946 0123 " + huge)
    assert out.startswith("call [phone] ")
    assert len(out) <= MAX_LOG_TEXT + 40 and "more characters]" in out
    assert redact_value("note", {"text": huge})["text"].endswith("more characters]")


@pytest.mark.usefixtures("_logging_as_it_was")
def test_lines_written_while_a_message_is_handled_carry_its_ids_and_type(capsys):
    configure_logging("porting", fmt="json")
    with bound_message("e2", "c2", "porting.port.submit"):
        structlog.get_logger().info("deciding")
        structlog.get_logger().info("explicit wins", event_id="other")
    structlog.get_logger().info("after")
    inside, explicit, after = (
        json.loads(line) for line in capsys.readouterr().err.strip().splitlines()[-3:]
    )
    assert (inside["event_id"], inside["correlation_id"]) == ("e2", "c2")
    assert inside["event_type"] == "porting.port.submit"
    assert explicit["event_id"] == "other"
    assert "event_id" not in after and after["service"] == "porting"


@pytest.mark.usefixtures("_logging_as_it_was")
def test_library_lines_through_stdlib_logging_are_json_lines_too(capsys):
    import logging

    configure_logging("porting", fmt="json")
    logging.getLogger("tests.a_library").warning("Auto create topics is disabled.")
    logging.getLogger("tests.a_library").info("not shown: libraries log warnings only")
    logging.getLogger("tests.a_library").error("broker said %s about bo@example.com", "no")
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    assert [(x["logger"], x["level"], x["event"]) for x in lines] == [
        ("tests.a_library", "warning", "Auto create topics is disabled."),
        ("tests.a_library", "error", "broker said no about [email]"),
    ]
    assert all(x["service"] == "porting" and "timestamp" in x for x in lines)
