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
    """`value` with every dict key escaped, at any depth (lists included)."""
    return _map_keys(value, escape_key)


def unescape_keys(value: Any) -> Any:
    """The inverse of `escape_keys`."""
    return _map_keys(value, unescape_key)


def _map_keys(value: Any, rename: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {
            rename(k) if isinstance(k, str) else k: _map_keys(v, rename) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_map_keys(v, rename) for v in value]
    return value
