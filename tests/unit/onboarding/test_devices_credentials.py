"""Hashing helpers for credentials that only need verifying (PINs, admin passwords)."""

from __future__ import annotations

import string

import pytest

from services.onboarding.domain.secrets import (
    DEFAULT_SCRYPT,
    EncryptedSecret,
    ScryptParams,
    SecretHash,
    generate_password,
    hash_secret,
    verify_secret,
)

pytestmark = pytest.mark.unit

FAST = ScryptParams(n=2**4)


class TestHashingASecret:
    def test_the_right_secret_verifies_and_a_wrong_one_does_not(self):
        hashed = hash_secret("482913", params=FAST)
        assert verify_secret("482913", hashed)
        assert not verify_secret("482914", hashed)
        assert not verify_secret("", hashed)

    def test_each_hash_has_its_own_random_salt(self):
        first, second = hash_secret("482913", params=FAST), hash_secret("482913", params=FAST)
        assert first.salt != second.salt and first.digest != second.digest
        assert len(first.salt) == 16

    def test_the_stored_form_round_trips_and_keeps_its_parameters(self):
        hashed = hash_secret("correct horse", params=FAST)
        encoded = hashed.encode()
        assert encoded.startswith("scrypt$16$8$1$")
        assert "correct horse" not in encoded
        restored = SecretHash.decode(encoded)
        assert restored == hashed
        assert verify_secret("correct horse", restored)

    def test_the_default_parameters_are_real_scrypt_costs(self):
        assert (DEFAULT_SCRYPT.n, DEFAULT_SCRYPT.r, DEFAULT_SCRYPT.p) == (2**15, 8, 1)
        hashed = hash_secret("Winter-2026!")  # one real-cost hash: must fit OpenSSL's maxmem
        assert verify_secret("Winter-2026!", hashed)

    def test_the_repr_shows_neither_digest_nor_salt(self):
        hashed = hash_secret("482913", params=FAST)
        assert hashed.digest.hex() not in repr(hashed)
        assert repr(hashed) == "SecretHash(scrypt, n=16, r=8, p=1)"

    def test_an_empty_secret_is_not_hashed(self):
        with pytest.raises(ValueError):
            hash_secret("", params=FAST)

    @pytest.mark.parametrize("bad", ["", "md5$abc", "scrypt$16$8$1$!!$!!"])
    def test_decoding_something_else_fails(self, bad):
        with pytest.raises(ValueError):
            SecretHash.decode(bad)

    def test_weak_parameters_are_refused(self):
        with pytest.raises(ValueError):
            ScryptParams(n=1000)


class TestGeneratingAPassword:
    def test_it_has_16_characters_of_every_class(self):
        password = generate_password()
        assert len(password) == 16
        assert any(c in string.ascii_uppercase for c in password)
        assert any(c in string.ascii_lowercase for c in password)
        assert any(c in string.digits for c in password)
        assert any(c in "!#%+-=?@_" for c in password)

    def test_two_are_never_the_same(self):
        assert len({generate_password() for _ in range(50)}) == 50

    def test_short_ones_are_refused(self):
        with pytest.raises(ValueError):
            generate_password(8)


def test_a_sealed_secret_does_not_show_its_ciphertext():
    sealed = EncryptedSecret(key_id="k1", ciphertext=b"opaque-bytes")
    assert "opaque" not in repr(sealed)
