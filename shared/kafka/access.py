"""Starting a Kafka client with an error that says why when the broker refuses it.

aiokafka reports a refused SASL login or a failed TLS handshake only as "Unable to
bootstrap" (the cause goes to a log line). `start_client` keeps that error but, when it
happens, connects to each bootstrap server directly and raises `KafkaAccessRefused`
naming the cause: wrong credentials (user, mechanism, protocol — never the password) or
a certificate the client does not trust.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable

from aiokafka.conn import create_conn
from aiokafka.errors import KafkaConnectionError, KafkaError, SaslAuthenticationFailed

from shared.kafka.broker import security_options
from shared.settings import KafkaSettings


class KafkaAccessRefused(KafkaError):
    """The broker answered but refused this client (credentials or TLS trust)."""

    retriable = False


async def start_client(start: Callable[[], Awaitable[object]], settings: KafkaSettings) -> None:
    """Await `start()` (a client's or broker's start); on "unable to bootstrap", raise
    `KafkaAccessRefused` with the cause when a direct connection finds one, else the
    original `KafkaConnectionError`."""
    try:
        await start()
    except KafkaConnectionError as error:
        cause = await refusal(settings)
        if cause is not None:
            raise cause from error
        raise


async def refusal(settings: KafkaSettings) -> KafkaAccessRefused | None:
    """Why the bootstrap servers refuse this client, if one of them says so."""
    options = security_options(settings)
    where = f"{settings.security_protocol}"
    if settings.security_protocol.startswith("SASL"):
        where = f"SASL {settings.sasl_mechanism} as user {settings.sasl_username!r} over {where}"
    for server in settings.bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            connection = await create_conn(host, int(port), request_timeout_ms=10_000, **options)
        except SaslAuthenticationFailed as error:
            return KafkaAccessRefused(
                f"Kafka at {server.strip()} refused the credentials ({where}): {error}; "
                "check kafka.sasl_username / kafka.sasl_password / kafka.sasl_mechanism"
            )
        except ssl.SSLError as error:
            return KafkaAccessRefused(
                f"TLS with Kafka at {server.strip()} failed ({where}): {error}; "
                "check kafka.ssl_cafile and the broker's certificate"
            )
        except (OSError, ValueError, KafkaError):
            continue  # unreachable: nothing more to say than the original error
        connection.close()
    return None
