"""Dead-letter copies fit the broker's limit, keep what is needed to replay, hold no secret."""

from __future__ import annotations

import json

import pytest

from shared.binding import Record
from shared.dead_letter import capped_reasons, dead_letter_copy, record_size, redact_value_bytes
from shared.logging import REDACTED, is_secret_key, redact_value

pytestmark = pytest.mark.unit

LIMIT = 1_048_576
CONTEXT = {"original-topic": "onboarding.commands", "partition": 0, "offset": 3}
WHY = [{"field": "group_id", "code": "unknown_group", "message": "no such group"}]


def copy_of(record: Record, limit: int = LIMIT):
    return dead_letter_copy(record, code="unknown_group", reasons=WHY, context=CONTEXT, limit=limit)


def admin_user_command(password: str = "Corr3ct-Horse!") -> bytes:
    return json.dumps(
        {
            "specversion": "1.0",
            "id": "c1",
            "source": "/portal",
            "type": "onboarding.group.add_admin_user",
            "data": {"group_id": "g-unknown", "user_id": "ada", "password": password},
        }
    ).encode()


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "auth_password",
        "deployment_pin",
        "securityPin",
        "pins",
        "sip_secret",
        "x-api-key",
        "Authorization",
        "sasl_password",
        "access_token",
        "sippassword",
    ],
)
def test_secret_keys_are_recognised(key):
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key", ["authtoken", "sessiontoken", "sascredentials", "proxyauthorization"]
)
def test_secret_extension_attribute_names_are_recognised(key):
    """Found by the fuzz run: an extension attribute (lowercase, no separators) named
    `sessiontoken` was copied clear into the dead letter."""
    assert is_secret_key(key)


@pytest.mark.parametrize(
    "key", ["pass_mark", "passed", "user_id", "pinned", "spin", "shipping", "port_id", "compass"]
)
def test_ordinary_keys_are_not_taken_for_secrets(key):
    assert not is_secret_key(key)


def test_a_clear_password_never_reaches_the_dead_letter_copy():
    copy = copy_of(Record(admin_user_command(), b"g-unknown"))
    assert b"Corr3ct-Horse!" not in copy.value
    assert json.loads(copy.value)["data"]["password"] == REDACTED
    assert json.loads(copy.value)["data"]["user_id"] == "ada"  # the rest stays exact
    assert json.loads(copy.headers["x-dlq-redacted"]) == ["$.data.password"]
    assert copy.key == b"g-unknown"


def test_logs_and_dead_letters_mask_the_same_keys():
    value = {"data": {"security_pin": "1234", "pass_mark": 12, "password": "pw"}}
    logged = redact_value(None, value)["data"]
    parked = json.loads(redact_value_bytes(json.dumps(value).encode())[0])["data"]
    assert logged == parked == {"security_pin": REDACTED, "pass_mark": 12, "password": REDACTED}


def test_secrets_are_masked_even_in_a_body_that_is_not_valid_json():
    broken = admin_user_command()[:-3]
    copy = copy_of(Record(broken, None))
    assert b"Corr3ct-Horse!" not in copy.value and b'"password": "[redacted]"' in copy.value


def test_a_secret_header_is_masked_and_a_binary_header_kept_as_base64():
    record = Record(b"{}", None, (("authorization", b"Bearer abc"), ("x-raw", b"\xc3\x28")))
    headers = json.loads(copy_of(record).headers["x-dlq-original-headers"])
    assert headers == [["authorization", REDACTED], ["x-raw", {"base64": "wyg="}]]


def test_a_copy_of_a_record_at_the_limit_is_cut_to_fit_and_says_so():
    huge = b'{"data": "' + b"x" * (LIMIT - 20) + b'"}'
    copy = copy_of(Record(huge, b"k"))
    assert record_size(copy.value, copy.key, copy.headers) <= LIMIT
    assert copy.headers["x-dlq-truncated"] == str(len(huge))
    assert copy.value.endswith(b"see header x-dlq-truncated]")


def test_a_huge_key_is_cut_too():
    copy = copy_of(Record(b"{}", b"k" * LIMIT))
    assert record_size(copy.value, copy.key, copy.headers) <= LIMIT
    assert copy.headers["x-dlq-key-truncated"] == str(LIMIT)


def test_a_tombstone_is_marked_and_the_headers_locate_the_original():
    copy = copy_of(Record(None, b"k"))
    assert copy.value == b"" and copy.headers["x-dlq-null-value"] == "true"
    assert copy.headers["x-dlq-original-topic"] == "onboarding.commands"
    assert copy.headers["x-dlq-offset"] == "3"
    assert json.loads(copy.headers["x-dlq-error"]) == WHY


def test_thousands_of_reasons_are_capped_with_a_count_of_the_rest():
    reasons = [{"field": f"numbers.{i}", "code": "invalid", "message": "x"} for i in range(5000)]
    capped = capped_reasons(reasons)
    assert len(capped) == 100 and capped[-1]["message"] == "4901 more reasons"
    copy = dead_letter_copy(Record(b"{}"), code="c", reasons=reasons, context={})
    assert len(copy.headers["x-dlq-error"]) <= 8000
    parked = json.loads(copy.headers["x-dlq-error"])
    assert len(parked) - 1 + parked[-1]["omitted"] == 5000


def test_a_reason_echoing_a_huge_id_is_cut_so_the_dead_letter_keeps_a_reason():
    """The fuzz run's `carrier.port.completed` with a port id of a megabyte: its
    `unknown_port` reason once filled the whole `x-dlq-error` header, which then held
    no reason at all."""
    huge = "p" * 1_000_000
    reasons = [{"field": "port_id", "code": "unknown_port", "message": huge}]
    copy = dead_letter_copy(Record(b"{}"), code="unknown_port", reasons=reasons, context={})
    [parked] = json.loads(copy.headers["x-dlq-error"])
    assert parked["code"] == "unknown_port" and parked["field"] == "port_id"
    assert parked["message"].endswith("…[999500 more characters]")
    [answered] = capped_reasons(reasons)
    assert len(answered["message"]) < 600
