"""Tracking ids and fingerprints: how a handled message is recognised (`shared.store`).

`fingerprint` digests a command so that the same command again is a duplicate and a
different one under a recorded id is refused (`CommandIdReused`).
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import json
import re
from typing import Any

from shared.errors import MessageRejected
from shared.events import Envelope

_SECRET_KEY = re.compile(r"pass(word|wd)?|secret|token|pin\b|pin_|_pin", re.IGNORECASE)


def fingerprint(envelope: Envelope) -> str:
    """A digest of the whole command: its type and its data (actor, target, action, payload).

    The envelope's id, time, source and tracing attributes are left out, so a redelivery
    or a resend of the same command has the same fingerprint. Values under keys naming
    secrets (passwords, PINs) are left out too, so the stored digest cannot be used to
    guess them: two commands that differ only in a secret count as the same command.

    Shape: 32 hex characters (BLAKE2b, 16 bytes). The digest of the last envelope digested
    in the running task is remembered (a context variable: a use case asks up to four times
    per message, a porting submission's 68 µs each; a task holds one envelope, so memory
    stays bounded by what is in flight). It is used only for the same envelope object with
    the same `type` and the same `data` object: a received envelope is never changed, and
    one whose data was replaced is digested again.
    """
    known = _LAST.get()
    if (
        known is not None
        and known[0] is envelope
        and known[1] is envelope.data
        and known[2] == envelope.type
    ):
        return known[3]
    canonical = json.dumps(
        [envelope.type, _masked(envelope.data)],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    digest = hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()
    _LAST.set((envelope, envelope.data, envelope.type, digest))
    return digest


_LAST: contextvars.ContextVar[tuple[Envelope, Any, str, str] | None] = contextvars.ContextVar(
    "fingerprinted", default=None
)


def _secret(key: str) -> bool:
    """Whether `key` names a secret; remembered for keys of up to 64 characters (a
    command's field names repeat; a long key is caller text and would only fill memory)."""
    return _short_secret(key) if len(key) <= 64 else _SECRET_KEY.search(key) is not None


@functools.lru_cache(maxsize=4096)
def _short_secret(key: str) -> bool:
    return _SECRET_KEY.search(key) is not None


def _masked(value: Any) -> Any:
    """`value` with the values under secret-naming keys replaced, at any depth."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            name = k if isinstance(k, str) else str(k)
            if name and _secret(name):
                out[name] = "<secret>"
            elif isinstance(v, dict | list):
                out[name] = _masked(v)
            else:
                out[name] = v
        return out
    if isinstance(value, list):
        return [_masked(v) if isinstance(v, dict | list) else v for v in value]
    return value


class CommandIdReused(MessageRejected):
    """A command arrived under a tracking id that an earlier, *different* command used:
    it is refused (dead-lettered and answered with `<service>.command.rejected`, code
    `command_id_reused`) rather than taken for a duplicate of the earlier one."""

    def __init__(self, message_id: str) -> None:
        super().__init__(
            "command_id_reused",
            [
                {
                    "field": "id",
                    "code": "command_id_reused",
                    "message": f"id {message_id} was already used by a different command",
                }
            ],
        )
        self.message_id = message_id

    def for_message(self, message: Envelope) -> MessageRejected:
        """The refusal as the sender of `message` reads it, naming the id it reused and not
        our internal tracking ids: its CloudEvents id → `command_id_reused` for a command,
        `event_id_reused` for an event (field `id`); its `request_id` (the tracking id of a
        command on the use-case core, `<type>:<sender>:<request_id>`, or a step of it such
        as `draft:…`) → `request_id_reused` (field `request_id`)."""
        request_id = message.data.get("request_id") if isinstance(message.data, dict) else None
        if self.message_id == message.id:
            code = "command_id_reused" if request_id else "event_id_reused"
            kind = "command" if request_id else "event"
            field, text = "id", f"{kind} id {message.id} was already used by a different {kind}"
        elif isinstance(request_id, str) and self.message_id.endswith(f":{request_id}"):
            code, field = "request_id_reused", "request_id"
            text = (
                f"request id {request_id} was already used by a different {message.type} "
                "command of this sender: send a new request id"
            )
        else:
            code, field = "command_id_reused", "id"
            text = f"{message.type} {message.id} repeats an id a different message used"
        return MessageRejected(code, [{"field": field, "code": code, "message": text}])
