"""The key ring sealing SIP passwords (issue 7, §4): production never runs on the demo key.

Outside demonstration mode (`PARTNEROPS_DEMO_CLOCK`) the service refuses to start without
a key ring, with the published demonstration key, or with a malformed key; demonstration
mode without a ring uses the demonstration key. No message shows a key.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.onboarding import __main__ as onboarding_main
from services.onboarding.settings import DEMO_DEVICE_KEY, DEMO_DEVICE_KEY_ID, OnboardingSettings
from tests.fakes import TEST_DEVICE_KEYS

pytestmark = pytest.mark.unit

REAL = base64.b64encode(bytes(range(32))).decode()
OTHER = base64.b64encode(bytes(range(1, 33))).decode()


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "PARTNEROPS_DEMO_CLOCK",
        "ONBOARDING_DEMO_CLOCK",
        "ONBOARDING_DEVICE_SECRET_KEYS",
        "ONBOARDING_DEVICE_SECRET_KEY_ID",
        "PARTNEROPS_DEVICE_SECRET_KEYS",
        "PARTNEROPS_DEVICE_SECRET_KEY_ID",
    ):
        monkeypatch.delenv(name, raising=False)


def refusal(**settings: object) -> str:
    with pytest.raises(ValidationError) as refused:
        OnboardingSettings(**settings)  # type: ignore[arg-type]
    return str(refused.value)


def test_production_without_a_key_ring_refuses_to_start_and_says_how_to_make_one():
    message = refusal()
    assert "ONBOARDING_DEVICE_SECRET_KEYS is required outside demonstration mode" in message
    assert "os.urandom(32)" in message


def test_production_with_the_published_demonstration_key_refuses_to_start():
    message = refusal(device_secret_keys={DEMO_DEVICE_KEY_ID: DEMO_DEVICE_KEY})
    assert "demonstration key" in message
    assert DEMO_DEVICE_KEY not in message
    also_in_a_ring = {"prod-1": REAL, "old": DEMO_DEVICE_KEY}
    assert "demonstration key" in refusal(
        device_secret_keys=also_in_a_ring, device_secret_key_id="prod-1"
    )


@pytest.mark.parametrize(
    "key",
    [
        base64.b64encode(b"sixteen-byte-key").decode(),  # AES-128, not 256
        "not base64 at all!",
        "",
    ],
)
def test_a_malformed_key_refuses_to_start_without_showing_it(key: str):
    message = refusal(device_secret_keys={"prod-1": key})
    assert "must be the base64 of 32 bytes" in message
    assert not key or key not in message


def test_the_sealing_key_id_must_name_a_key_of_the_ring():
    assert "is not a key id" in refusal(
        device_secret_keys={"prod-1": REAL}, device_secret_key_id="prod-2"
    )
    assert "name the sealing key" in refusal(device_secret_keys={"a": REAL, "b": OTHER})


def test_a_real_key_ring_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(
        "ONBOARDING_DEVICE_SECRET_KEYS", f'{{"2026-05": "{REAL}", "old": "{OTHER}"}}'
    )
    monkeypatch.setenv("ONBOARDING_DEVICE_SECRET_KEY_ID", "2026-05")
    settings = OnboardingSettings()
    assert settings.sealing_key_id == "2026-05"
    assert set(settings.device_secret_keys) == {"2026-05", "old"}


def test_a_single_key_seals_without_naming_it():
    assert OnboardingSettings(device_secret_keys=TEST_DEVICE_KEYS).sealing_key_id == "test-1"


def test_demonstration_mode_without_a_ring_uses_the_demonstration_key(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("PARTNEROPS_DEMO_CLOCK", "true")
    settings = OnboardingSettings()
    assert settings.sealing_key_id == DEMO_DEVICE_KEY_ID
    assert settings.device_secret_keys[DEMO_DEVICE_KEY_ID].get_secret_value() == DEMO_DEVICE_KEY


def test_the_service_process_refuses_to_start_without_a_key(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exited:
        onboarding_main.main()  # fails on its settings, before it connects to anything
    assert exited.value.code == 2
    (reason,) = json.loads(capsys.readouterr().err)["reasons"]
    assert "ONBOARDING_DEVICE_SECRET_KEYS is required" in reason["message"]


ROOT = Path(__file__).resolve().parents[3]


def test_the_kubernetes_example_sets_the_key_ring_from_a_secret():
    manifest = (ROOT / "deploy/k8s/onboarding.yaml").read_text()
    for name in ("ONBOARDING_DEVICE_SECRET_KEYS", "ONBOARDING_DEVICE_SECRET_KEY_ID"):
        block = manifest[manifest.index(f"- name: {name}") :][:260]
        assert "secretKeyRef:" in block and "name: onboarding-secrets" in block
    example = (ROOT / "deploy/k8s/secret.example.yaml").read_text()
    assert "os.urandom(32)" in example and "name: onboarding-secrets" in example
    # Its placeholder is not a key: applied unchanged, the service would not start.
    placeholder = re.search(r"ONBOARDING_DEVICE_SECRET_KEYS: '(\{.*\})'", example)
    assert placeholder is not None
    ring = json.loads(placeholder.group(1))
    assert "must be the base64 of 32 bytes" in refusal(device_secret_keys=ring)
