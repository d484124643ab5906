"""The `SecretSealer` for SIP authentication passwords: hash-only, because no cipher is here.

The honest choice for this build: the project's dependencies hold no authenticated cipher
(`cryptography` is not installed) and a cipher built from `hashlib`/`hmac` by hand is not
acceptable. So the SIP password is kept only as a salted scrypt hash (like PINs and admin
passwords): never in clear, never in an event, verifiable — but it cannot be read back.

What production needs: the cloud device service writes the password into the device, so
it must be *retrievable*. Plug in a sealer backed by a KMS (envelope encryption: a data key
from the KMS, AES-256-GCM, the wrapped key and the key id kept in `EncryptedSecret`) that
implements `services.onboarding.domain.secrets.SecretSealer`; `unseal` then works for the
device service, and `key_id` tells which key to unwrap with. Until then `unseal` refuses.
"""

from __future__ import annotations

from services.onboarding.domain.secrets import (
    DEFAULT_SCRYPT,
    EncryptedSecret,
    ScryptParams,
    hash_secret,
)

HASH_ONLY_KEY_ID = "scrypt-hash-only"


class SecretNotRetrievable(RuntimeError):
    """The secret was kept as a hash: the device service needs a KMS-backed sealer."""


class HashOnlySealer:
    """Keeps a one-way scrypt hash in place of a ciphertext (see the module docstring)."""

    def __init__(self, params: ScryptParams = DEFAULT_SCRYPT) -> None:
        self._params = params

    def seal(self, clear: str) -> EncryptedSecret:
        """A salted scrypt hash of `clear`, marked with `HASH_ONLY_KEY_ID`."""
        hashed = hash_secret(clear, params=self._params)
        return EncryptedSecret(HASH_ONLY_KEY_ID, hashed.encode().encode())

    def unseal(self, sealed: EncryptedSecret) -> str:
        raise SecretNotRetrievable(
            f"secret under key {sealed.key_id!r} is a one-way hash; "
            "configure a KMS-backed SecretSealer to hand SIP passwords to the device service"
        )
