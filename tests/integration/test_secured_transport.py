"""Secured transport: a service reaches Kafka over TLS with SASL/SCRAM-SHA-512 through its
settings alone (issue 14), and a wrong password is refused with a clear error.

A private broker (`tests.integration.secured_kafka`) on its own ports, certificates made
by the test; the shared plaintext broker is not touched.
"""

from __future__ import annotations

import asyncio
import ssl

import pytest
from pydantic import SecretStr

from services.porting.app import NAME, wire
from services.porting.settings import PortingSettings
from shared.kafka import ensure_topics
from shared.kafka.access import KafkaAccessRefused
from shared.kafka.broker import security_options
from shared.runtime import run_service
from shared.settings import KafkaSettings, MongoSettings
from shared.startup import DependencyUnavailable
from shared.topics import PORTING_COMMANDS, PORTING_EVENTS
from tests.integration.bus import Bus, running_service
from tests.integration.porting.test_port_lifecycle import NUMBERS, PARTNER, submission
from tests.integration.secured_kafka import java, secured_kafka

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(java() is None, reason="Java is needed to run a private Kafka broker"),
]

SERVICE_USER = ("porting-svc", "scram-pw-Lq29-porting")


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    with secured_kafka(tmp_path_factory.mktemp("kafka"), dict([SERVICE_USER])) as running:
        yield running


def settings_for(broker, password: str) -> KafkaSettings:
    """What an operator sets: PARTNEROPS_KAFKA__SECURITY_PROTOCOL=SASL_SSL and so on."""
    return KafkaSettings(
        bootstrap_servers=broker.bootstrap,
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username=SERVICE_USER[0],
        sasl_password=SecretStr(password),
        ssl_cafile=broker.cafile,
    )


async def test_porting_handles_a_command_end_to_end_over_sasl_ssl(broker, mongo_url, mongo_db):
    security = settings_for(broker, SERVICE_USER[1])
    async with (
        Bus(broker.bootstrap, "sec.", security=security) as bus,
        running_service(NAME, PortingSettings, wire, bus, mongo_url, mongo_db.name),
    ):
        sent = await bus.send(
            PORTING_COMMANDS.name, submission("req-sec-1", NUMBERS), subject=PARTNER
        )
        [submitted] = await bus.expect(PORTING_EVENTS.name, "porting.port.submitted")
    assert submitted.causationid == sent.id
    assert submitted.data["numbers"] == NUMBERS
    assert await mongo_db["ports"].count_documents({}) == 1


def test_the_settings_read_the_security_from_the_environment(broker, monkeypatch):
    monkeypatch.setenv("PARTNEROPS_KAFKA__SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("PARTNEROPS_KAFKA__SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("PARTNEROPS_KAFKA__SASL_USERNAME", SERVICE_USER[0])
    monkeypatch.setenv("PORTING_KAFKA__SASL_PASSWORD", SERVICE_USER[1])
    monkeypatch.setenv("PARTNEROPS_KAFKA__SSL_CAFILE", broker.cafile)
    kafka = PortingSettings().kafka
    options = security_options(kafka)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_plain_password"] == SERVICE_USER[1]
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert SERVICE_USER[1] not in repr(kafka)  # a SecretStr


async def test_a_wrong_password_is_refused_with_a_clear_error(broker, mongo_url):
    """Found writing this test: aiokafka said only "Unable to bootstrap" (the cause was
    a log line); now the service stops at start-up naming the cause."""
    wrong = settings_for(broker, "not-the-password")
    with pytest.raises(KafkaAccessRefused) as refused:
        await asyncio.wait_for(ensure_topics(wrong, ["refused"]), 60)
    message = str(refused.value)
    assert "refused the credentials" in message
    assert "SCRAM-SHA-512" in message and SERVICE_USER[0] in message
    assert "not-the-password" not in message
    # The service itself, not creating topics: its start-up wait says the same at once
    # (a refused login is not retried) and names Kafka as refusing it.
    settings = PortingSettings(
        kafka=wrong.model_copy(update={"create_topics": False}),
        mongo=MongoSettings(url=mongo_url),
        database="never-used",
    )
    with pytest.raises(DependencyUnavailable) as unavailable:
        await asyncio.wait_for(run_service(NAME, settings, wire), 60)
    [failure] = unavailable.value.failures
    assert (failure["name"], failure["code"]) == ("kafka", "access_refused")
    assert "refused the credentials" in failure["message"]
    assert "not-the-password" not in str(unavailable.value.report(NAME))


async def test_a_client_without_the_ca_is_refused(broker):
    untrusted = settings_for(broker, SERVICE_USER[1]).model_copy(update={"ssl_cafile": None})
    with pytest.raises(KafkaAccessRefused, match="ssl_cafile"):
        await asyncio.wait_for(ensure_topics(untrusted, ["untrusted"]), 60)
