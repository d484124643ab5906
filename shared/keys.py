"""Field names the database refuses (`.`, a leading `$`, NUL), escaped reversibly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_ESCAPES = {"%": "%25", ".": "%2E", "$": "%24", "\x00": "%00"}
_UNESCAPES = {v: k for k, v in _ESCAPES.items()}
_MUST_ESCAPE = frozenset(_ESCAPES)


def escape_key(key: str) -> str:
    """`key` as a storable field name: `%`, `.`, `$` and NUL percent-encoded (reversible)."""
    if _MUST_ESCAPE.isdisjoint(key):
        return key
    return "".join(_ESCAPES.get(ch, ch) for ch in key)


def unescape_key(key: str) -> str:
    """The key `escape_key` encoded."""
    if "%" not in key:
        return key
    out: list[str] = []
    i = 0
    while i < len(key):
        code = key[i : i + 3]
        if code in _UNESCAPES:
            out.append(_UNESCAPES[code])
            i += 3
        else:
            out.append(key[i])
            i += 1
    return "".join(out)


def escape_keys(value: Any) -> Any:
    """`value` with every dict key escaped, at any depth (lists included).

    Every dict and list is new (the result shares no container with `value`; leaves —
    str, numbers, datetimes — are shared, being immutable), so the in-memory store keeps
    it as its own copy."""
    return _rekeyed(value, _MUST_ESCAPE.isdisjoint, escape_key)


def unescape_keys(value: Any) -> Any:
    """The inverse of `escape_keys` (new containers too)."""
    return _rekeyed(value, _NO_ESCAPE.isdisjoint, unescape_key)


_NO_ESCAPE = frozenset("%")  # a key without `%` holds no escape


def _rekeyed(value: Any, unchanged: Callable[[str], bool], rename: Callable[[str], str]) -> Any:
    """`value` rebuilt with `rename(key)` for each str key not `unchanged`; one call per
    key and per container, none per leaf (the store escapes every state it writes)."""
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if isinstance(v, dict | list):
                v = _rekeyed(v, unchanged, rename)
            if isinstance(k, str) and not unchanged(k):
                k = rename(k)
            out[k] = v
        return out
    if isinstance(value, list):
        return [_rekeyed(v, unchanged, rename) if isinstance(v, dict | list) else v for v in value]
    return value
