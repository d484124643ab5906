"""The operator CLI without servers: every verb's help has an example, the type table
matches the services' routing tables, the report's month, the default Kafka key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import structlog
from typer.testing import CliRunner

from cli.app import app
from cli.context import Failure
from cli.messages import default_subject, message_types
from cli.report import month
from shared.contracts import support as c

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _logging_as_it_was():
    """The CLI configures logging on CliRunner's captured stderr, closed after the run:
    give later tests in this process the configuration they had."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


VERBS = [
    ["servers", "start"],
    ["servers", "stop"],
    ["servers", "status"],
    ["services", "start"],
    ["services", "stop"],
    ["services", "status"],
    ["publish"],
    ["tail"],
    ["show", "port-request"],
    ["show", "ticket"],
    ["show", "group"],
    ["show", "contacts"],
    ["dlq", "list"],
    ["dlq", "show"],
    ["dlq", "replay"],
    ["report", "sla"],
]


@pytest.mark.parametrize("verb", VERBS, ids=" ".join)
def test_every_verb_has_help_with_an_example(verb):
    done = CliRunner().invoke(app, [*verb, "--help"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    assert "Example" in done.output
    assert f"partnerops {' '.join(verb)}" in done.output


def test_the_type_table_routes_every_consumed_type_to_the_topic_its_service_reads():
    from tools.catalogue import all_catalogues

    table = message_types()
    for catalogue in all_catalogues():
        for tables in (catalogue.publishes, catalogue.consumes):
            for topic, models in tables.items():
                for model in models:
                    if model.EVENT_TYPE.endswith(".command.rejected"):
                        continue  # one per service, told by the dispatcher
                    known = table[model.EVENT_TYPE]
                    assert known.model is model, model.EVENT_TYPE
                    assert known.topic == topic, model.EVENT_TYPE


def test_a_period_is_a_calendar_month_in_utc():
    assert month("2030-12") == (datetime(2030, 12, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))
    assert month("2031-02") == (datetime(2031, 2, 1, tzinfo=UTC), datetime(2031, 3, 1, tzinfo=UTC))
    for bad in ("2030-13", "2030-1", "December", "2030-00", "9999-12", "0000-01"):
        with pytest.raises(Failure) as refused:
            month(bad)
        assert refused.value.code == "invalid_period" and refused.value.exit_code == 2


def test_the_default_key_is_the_aggregate_then_the_partner_then_the_request():
    actor = {"user_id": "u-1", "partner_id": "partner-1"}
    ack = c.AcknowledgeTicket.model_validate(
        {"request_id": "r-1", "actor": actor, "ticket_id": "tk-1"}
    )
    assert default_subject(ack) == "tk-1"
    tenants = c.ListTenants.model_validate({"request_id": "r-2", "actor": actor})
    assert default_subject(tenants) == "partner-1"
    vendor = c.ListTenants.model_validate({"request_id": "r-3", "actor": {"user_id": "v"}})
    assert default_subject(vendor) == "r-3"


def test_an_error_no_verb_expected_is_told_as_json_with_an_exit_code():
    from aiokafka.errors import MessageSizeTooLargeError
    from pydantic import BaseModel, ValidationError

    from cli.context import as_failure

    class Sample(BaseModel):
        partner_id: str

    try:
        Sample.model_validate({"partner_id": 7})
    except ValidationError as error:
        invalid = as_failure(error)
    assert (invalid.code, invalid.exit_code) == ("invalid_input", 2)
    assert invalid.reasons[0]["field"] == "partner_id"
    too_large = as_failure(MessageSizeTooLargeError())
    assert (too_large.code, too_large.exit_code) == ("message_too_large", 2)
    other = as_failure(ValueError("invalid literal for int()"))
    assert (other.code, other.exit_code) == ("unexpected_error", 1)
    assert other.as_json() == {
        "error": "unexpected_error",
        "message": "ValueError: invalid literal for int()",
    }
