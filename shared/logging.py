"""structlog set-up: JSON off a terminal, readable on one; secrets and personal data redacted.

Every line carries the service name; the consumer middleware binds the event id and the
correlation id of the message being handled (structlog contextvars), so they appear on
every line logged while handling it.
"""

from __future__ import annotations

import itertools
import logging
import re
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import structlog

# Words that make a key name a secret (matched on the key's words: `auth_password`,
# `deploymentPin`, `x-api-key`), plus fragments that are secret inside a compound word
# (`sippassword`). Not `pass` alone: `pass_mark` and `passed` are certification facts.
_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "pin",
        "credential",
        "apikey",
        "authorization",
        "authorisation",
        "sasl",
        "cookie",
        "privatekey",
    }
)
# CloudEvents extension names are lowercase letters and digits only (`authtoken`,
# `sessiontoken`, `sascredentials`), so the fragments cover tokens and credentials too.
_SECRET_FRAGMENTS = (
    "password",
    "passwd",
    "secret",
    "apikey",
    "privatekey",
    "accesskey",
    "token",
    "credential",
    "authorization",
    "authorisation",
)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
# Every pattern below runs on text a sender chose, so each is linear in its length: a
# match may start only where the run it belongs to starts (a look-behind), runs are taken
# possessively (`++`, `*+`: no backtracking into them), and what the old backtracking did
# — give back a tail that does not fit — is done once per match in Python. Before, a
# fuzzed 1 MB field made the e-mail and phone patterns quadratic: one log line of a
# dead-lettered message held the consumer for minutes (found by the fuzz run).
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]++@([A-Za-z0-9.\-]++)")
# Phone numbers as people write them: international (+44 ..., 0044 ...) or national
# (0 ...), 7+ digits with spaces, dashes or brackets. Timestamps, ids and counts do not
# start that way, so they stay readable.
_PHONE = re.compile(r"(?<![\w:.+\-])(?:\+|0)\d[\d \-()]*+")
_URL_CREDENTIALS = re.compile(r"(?<![\w+.\-])([A-Za-z][\w+.\-]*+://)([^:/@\s]++):([^@/\s]++)@")
REDACTED = "[redacted]"
MAX_LOG_TEXT = 4_000
"""Characters of one string value kept in a log line; the rest is cut (and counted): a
log is for operators, a field of megabytes is noise — and masking must stay cheap."""


def redact_text(text: str) -> str:
    """Mask e-mail addresses, phone numbers and credentials inside URLs in free text.
    Text longer than `MAX_LOG_TEXT` is masked on a slightly longer window (an address or
    number across the cut is masked whole) and then cut, with the count of characters
    left out. Linear in the text's length."""
    if len(text) <= MAX_LOG_TEXT:
        return _masked(text)
    window = text[: MAX_LOG_TEXT + 256]
    window = window[: max(window.rfind(" "), 0)]  # its last word may be cut in two
    return f"{_masked(window)[:MAX_LOG_TEXT]} …[{len(text) - MAX_LOG_TEXT} more characters]"


def _masked(text: str) -> str:
    text = _URL_CREDENTIALS.sub(r"\1\2:" + REDACTED + "@", text)
    text = _EMAIL.sub(_mask_email, text)
    return _PHONE.sub(_mask_phone, text)


def _mask_email(match: re.Match[str]) -> str:
    domain = match.group(1)
    end = _last_domain_end(domain)
    if end is None:  # no `.<2+ letters>`: not an address
        return match.group(0)
    return "[email]" + domain[end:]  # what follows the domain stays as it was


def _last_domain_end(domain: str) -> int | None:
    """Where the longest prefix of `domain` ending in `.<2+ letters>` ends, or None
    (each character is looked at once or twice: linear)."""
    best = None
    start = 0
    while (dot := domain.find(".", start)) != -1:
        letters = dot + 1
        while letters < len(domain) and domain[letters].isascii() and domain[letters].isalpha():
            letters += 1
        if letters - dot - 1 >= 2:
            best = letters
        start = dot + 1
    return best


_SEPARATORS = " -()"


def _mask_phone(match: re.Match[str]) -> str:
    run, text, end = match.group(0), match.string, match.end()
    number = run
    # it ends on a digit that no word character or colon follows: a digit group glued
    # to a word is not part of it
    if end < len(text) and (text[end].isalnum() or text[end] in "_:") and run[-1].isdigit():
        number = number.rstrip("0123456789")
    number = number.rstrip(_SEPARATORS)
    digits = sum(ch.isdigit() for ch in number)
    # Short digit runs are counts, ports or years, not phone numbers.
    if len(number) < 8 or digits < 7:
        return run
    return "[phone]" + run[len(number) :]


def is_secret_key(key: str) -> bool:
    """Whether a field, header or log key names a secret (password, PIN, token, SASL...).

    The one rule for logs and dead-letter copies alike.
    """
    words = re.findall(r"[a-z0-9]+", _CAMEL.sub(r"\1_\2", key).lower())
    joined = "".join(words)
    singular = {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words}
    pairs = {a + b for a, b in itertools.pairwise(words)}
    return bool((singular | pairs) & _SECRET_WORDS) or any(f in joined for f in _SECRET_FRAGMENTS)


def redact_secrets(value: Any, path: str = "$") -> tuple[Any, list[str]]:
    """`value` with every value under a secret key masked (keys only, no free-text
    masking: the rest stays exact), and the JSON paths masked. Used for dead-letter
    copies; `redact_value` applies the same key rule to logs."""
    masked: list[str] = []
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            where = f"{path}.{k}"
            if is_secret_key(str(k)) and v is not None and not isinstance(v, bool):
                out[k] = REDACTED
                masked.append(where)
            else:
                out[k], inner = redact_secrets(v, where)
                masked.extend(inner)
        return out, masked
    if isinstance(value, list | tuple):
        items = []
        for i, v in enumerate(value):
            item, inner = redact_secrets(v, f"{path}[{i}]")
            items.append(item)
            masked.extend(inner)
        return items, masked
    return value, masked


def redact_value(key: str | None, value: Any) -> Any:
    """Redact one value, recursively; keys that name secrets are masked whole, and
    e-mail addresses and phone numbers in free text are masked too (logs)."""
    if key is not None and is_secret_key(key) and value is not None and not isinstance(value, bool):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(None, v) for v in value]
    return value


_KEEP = frozenset({"timestamp", "level", "logger", "service", "event_id", "correlation_id"})


def redact_processor(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: redact everything but the fixed bookkeeping keys."""
    for key in list(event_dict):
        if key in _KEEP:
            continue
        event_dict[key] = redact_value(None if key == "event" else key, event_dict[key])
    return event_dict


_MESSAGE: ContextVar[tuple[str, str, str] | None] = ContextVar("partnerops_message", default=None)


@contextmanager
def bound_message(event_id: str, correlation_id: str, event_type: str) -> Iterator[None]:
    """Log lines written inside carry the ids and type of the message being handled.

    What `structlog.contextvars.bound_contextvars` does for these three keys, with one
    context variable set and reset per message instead of a copy of every bound
    variable (a third of the dispatcher's own cost per message in the in-memory
    benchmark's profile); `merge_message` adds them to each line."""
    token = _MESSAGE.set((event_id, correlation_id, event_type))
    try:
        yield
    finally:
        _MESSAGE.reset(token)


def merge_message(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: the message ids bound by `bound_message` (explicit keys win)."""
    found = _MESSAGE.get()
    if found is not None:
        event_dict.setdefault("event_id", found[0])
        event_dict.setdefault("correlation_id", found[1])
        event_dict.setdefault("event_type", found[2])
    return event_dict


_STDLIB_HANDLER = "partnerops"


def configure_logging(
    service: str, fmt: str = "auto", level: str = "INFO", whole_seconds: bool = False
) -> None:
    """Configure structlog (and stdlib logging through it) for `service`. Timestamps are
    ISO 8601 in UTC with microseconds; `whole_seconds` (the demonstration, whose every
    printed instant is `2030-12-02T08:00:00Z`) stamps whole seconds instead."""
    as_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    stamp = "%Y-%m-%dT%H:%M:%SZ" if whole_seconds else "iso"
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        merge_message,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt=stamp, utc=True),
        redact_processor,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if as_json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.format_exc_info if as_json else structlog.dev.set_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)
    # Libraries log through stdlib logging: rendered by the same processors, so a JSON
    # log holds only JSON lines (FastStream's own lines too: `build_broker` gives it a
    # stdlib logger); quiet unless they warn.
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_STDLIB_HANDLER)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info if as_json else structlog.dev.set_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if h.get_name() != _STDLIB_HANDLER] + [handler]
    root.setLevel(logging.WARNING)
    # FastStream's package logger prints with a coloured handler of its own and does not
    # propagate: its lines (partitions assigned, shutdown callbacks) go through ours too.
    own = logging.getLogger("faststream")
    own.handlers, own.propagate = [], True
    for noisy in ("aiokafka", "kafka", "pymongo"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str | None = None) -> Any:
    """A structlog logger."""
    return structlog.get_logger(name)
