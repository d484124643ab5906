"""Credentials the onboarding domain holds: never in clear, never in an event.

Two kinds, because they are used differently:
- secrets that only need *verifying* later (admin passwords, a vendor phone's deployment
  and security PINs) are kept as a salted scrypt hash (`hash_secret` / `verify_secret`);
- secrets a downstream service must *read back* (a SIP device's authentication password,
  which the device service writes into the device) cannot be hashed: they are sealed by an
  injected `SecretSealer` and the domain keeps only the opaque `EncryptedSecret`.

This module shadows nothing: inside the package, `import secrets` still means the standard
library (absolute imports), which is what `generate_password` uses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass, field
from typing import Protocol

SCHEME = "scrypt"


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost parameters; stored with each hash so old hashes still verify."""

    n: int = 2**15  # CPU/memory cost: 2**15 * r * 128 bytes = 32 MiB per hash
    r: int = 8
    p: int = 1
    dklen: int = 32
    salt_bytes: int = 16

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1):
            raise ValueError("scrypt n must be a power of two greater than 1")
        if self.r < 1 or self.p < 1 or self.dklen < 16 or self.salt_bytes < 16:
            raise ValueError("scrypt r, p must be >= 1; dklen and salt at least 16 bytes")

    @property
    def maxmem(self) -> int:
        """Memory limit handed to OpenSSL: the working set plus headroom."""
        return 2 * 128 * self.n * self.r * self.p + 1024 * 1024


DEFAULT_SCRYPT = ScryptParams()


@dataclass(frozen=True, repr=False)
class SecretHash:
    """A salted scrypt hash of a secret; `encode()` is the stored form."""

    params: ScryptParams
    salt: bytes
    digest: bytes

    def encode(self) -> str:
        """`scrypt$n$r$p$<salt b64>$<digest b64>`, the form kept in the database."""
        p = self.params
        salt = base64.b64encode(self.salt).decode()
        digest = base64.b64encode(self.digest).decode()
        return f"{SCHEME}${p.n}${p.r}${p.p}${salt}${digest}"

    @classmethod
    def decode(cls, encoded: str) -> SecretHash:
        """Read back a hash written by `encode`; ValueError when it is not one."""
        parts = encoded.split("$")
        if len(parts) != 6 or parts[0] != SCHEME:
            raise ValueError("not an encoded scrypt hash")
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
        params = ScryptParams(
            n=int(parts[1]),
            r=int(parts[2]),
            p=int(parts[3]),
            dklen=len(digest),
            salt_bytes=len(salt),
        )
        return cls(params, salt, digest)

    def __repr__(self) -> str:
        # The digest is not the secret, but it is what an attacker would brute-force.
        return f"SecretHash({SCHEME}, n={self.params.n}, r={self.params.r}, p={self.params.p})"


def _derive(clear: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(
        clear.encode("utf-8"),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=params.maxmem,
        dklen=params.dklen,
    )


def hash_secret(clear: str, *, params: ScryptParams = DEFAULT_SCRYPT) -> SecretHash:
    """Hash `clear` with a fresh random salt; ValueError for an empty secret."""
    if not clear:
        raise ValueError("an empty secret cannot be hashed")
    salt = secrets.token_bytes(params.salt_bytes)
    return SecretHash(params, salt, _derive(clear, salt, params))


def verify_secret(clear: str, hashed: SecretHash) -> bool:
    """True when `clear` is the secret behind `hashed` (constant-time comparison)."""
    if not clear:
        return False
    return hmac.compare_digest(_derive(clear, hashed.salt, hashed.params), hashed.digest)


PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!#%+-=?@_"
GENERATED_PASSWORD_LENGTH = 16


def generate_password(length: int = GENERATED_PASSWORD_LENGTH) -> str:
    """A random password with upper, lower, digit and symbol (the portal's "key" button)."""
    if length < 12:
        raise ValueError("generated passwords are at least 12 characters long")
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!#%+-=?@_")
    while True:
        candidate = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if all(any(c in cls for c in candidate) for cls in classes):
            return candidate


@dataclass(frozen=True)
class EncryptedSecret:
    """A sealed secret: opaque to the domain, readable only through the sealer's key."""

    key_id: str
    ciphertext: bytes = field(repr=False)


class SecretSealer(Protocol):
    """Seals secrets a downstream service must read back (e.g. a SIP password)."""

    def seal(self, clear: str) -> EncryptedSecret:
        """Encrypt `clear` under the sealer's current key."""
        ...

    def unseal(self, sealed: EncryptedSecret) -> str:
        """Decrypt a secret this sealer (or an older key of it) produced."""
        ...
