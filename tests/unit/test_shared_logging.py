from __future__ import annotations

import json

import pytest
import structlog

from shared.logging import configure_logging, redact_text, redact_value

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


def test_json_lines_carry_service_event_and_correlation_ids_and_no_personal_data(capsys):
    configure_logging("porting", fmt="json")
    with structlog.contextvars.bound_contextvars(event_id="e1", correlation_id="c1"):
        structlog.get_logger().info("port submitted", contact="bo@example.com", pin="0000")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["service"] == "porting" and line["event_id"] == "e1"
    assert line["correlation_id"] == "c1"
    assert line["contact"] == "[email]" and line["pin"] == "[redacted]"
