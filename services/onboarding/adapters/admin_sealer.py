"""The `SecretSealer` for SIP authentication passwords: AES-256-GCM with a key ring.

The cloud device service writes the SIP password into the device, so it must be
retrievable — unlike PINs and admin passwords, which are kept only as scrypt hashes.
Each secret is sealed under the current key id (authenticated with the key id as
associated data) and stored as `nonce ‖ ciphertext`; older keys stay in the ring so what
they sealed can still be read after a rotation. The ring comes from a KMS or a secret
store through `ONBOARDING_DEVICE_SECRET_KEYS`; outside demonstration mode the service
refuses to start without one (see `settings.OnboardingSettings`).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.onboarding.domain.secrets import EncryptedSecret

NONCE_BYTES = 12


class UnknownSecretKey(KeyError):
    """A secret sealed under a key id that is no longer in the ring."""


class AesGcmSealer:
    """Seals with the current key; unseals with whichever key sealed."""

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError(f"current key id {current!r} is not in the key ring")
        for key_id, key in keys.items():
            if len(key) != 32:
                raise ValueError(f"key {key_id!r} must be 32 bytes (AES-256)")
        self._keys = dict(keys)
        self._current = current

    @classmethod
    def from_base64(cls, keys: Mapping[str, str], current: str) -> AesGcmSealer:
        """A sealer from base64-encoded keys (as configured)."""
        return cls({k: base64.b64decode(v) for k, v in keys.items()}, current)

    def seal(self, clear: str) -> EncryptedSecret:
        """Encrypt `clear` under the current key."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._keys[self._current]).encrypt(
            nonce, clear.encode(), self._current.encode()
        )
        return EncryptedSecret(self._current, nonce + sealed)

    def unseal(self, sealed: EncryptedSecret) -> str:
        """Decrypt a secret sealed by a key of the ring (raises if tampered with)."""
        key = self._keys.get(sealed.key_id)
        if key is None:
            raise UnknownSecretKey(sealed.key_id)
        nonce, body = sealed.ciphertext[:NONCE_BYTES], sealed.ciphertext[NONCE_BYTES:]
        return AESGCM(key).decrypt(nonce, body, sealed.key_id.encode()).decode()
