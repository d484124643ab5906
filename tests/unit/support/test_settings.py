"""Support's settings: the ticket policy from the environment (JSON or nested values)."""

from __future__ import annotations

from datetime import timedelta

import pydantic
import pytest

from services.support.domain.policy import SupportPolicy
from services.support.domain.severity import Severity
from services.support.settings import SupportSettings

pytestmark = pytest.mark.unit


def test_the_defaults_are_the_domains_policy():
    assert SupportSettings().policy.policy() == SupportPolicy()


def test_the_policy_is_read_from_json_and_nested_values(monkeypatch):
    monkeypatch.setenv(
        "SUPPORT_POLICY",
        '{"response_objectives": {"S1": {"duration": "PT10M", "basis": "elapsed"},'
        ' "S2": {"duration": "PT30M", "basis": "elapsed"},'
        ' "S3": {"duration": "PT8H", "basis": "business"},'
        ' "S4": {"duration": "PT24H", "basis": "business"}},'
        ' "escalation_levels": [{"name": "duty", "delay": "PT0S",'
        ' "contacts": [{"role": "duty", "name": "Duty desk", "email": "duty@example.com"}]}]}',
    )
    monkeypatch.setenv("SUPPORT_POLICY__REOPEN_PERIOD", "P7D")
    policy = SupportSettings().policy.policy()
    assert policy.response_objective(Severity.S1).duration == timedelta(minutes=10)
    assert [level.name for level in policy.escalation_levels] == ["duty"]
    assert policy.reopen_period == timedelta(days=7)


def test_a_bad_policy_is_refused_at_start(monkeypatch):
    monkeypatch.setenv(
        "SUPPORT_POLICY",
        '{"escalation_levels": [{"name": "x", "delay": "-PT1M", "contacts": []}]}',
    )
    with pytest.raises(pydantic.ValidationError):
        SupportSettings()
