"""Field names the database refuses (`.`, a leading `$`, NUL), escaped reversibly."""

from __future__ import annotations

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
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if isinstance(v, dict | list):
                v = escape_keys(v)
            if isinstance(k, str) and not _MUST_ESCAPE.isdisjoint(k):
                k = escape_key(k)
            out[k] = v
        return out
    if isinstance(value, list):
        return [escape_keys(v) if isinstance(v, dict | list) else v for v in value]
    return value


def unescape_keys(value: Any) -> Any:
    """The inverse of `escape_keys` (new containers too)."""
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            if isinstance(v, dict | list):
                v = unescape_keys(v)
            if isinstance(k, str) and "%" in k:
                k = unescape_key(k)
            out[k] = v
        return out
    if isinstance(value, list):
        return [unescape_keys(v) if isinstance(v, dict | list) else v for v in value]
    return value
