"""Unit tests of the onboarding domain: pure, no broker, no database.

Sample partners shared by several test modules live here; every name and address is
invented (example.com).
"""

from __future__ import annotations

from datetime import UTC, datetime

from services.onboarding.domain.partners import (
    AccountManager,
    AccountManagerRole,
    Contact,
    Language,
    Partner,
    PartnerKind,
)

REGISTERED_AT = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

CAM = AccountManager(
    "am-cam-1", "Clara Beispiel", "clara.beispiel@vendor.example.com", AccountManagerRole.CAM
)
DAM = AccountManager(
    "am-dam-1", "Daan Voorbeeld", "daan.voorbeeld@vendor.example.com", AccountManagerRole.DAM
)


def sample_distributor(
    partner_id: str = "P-DIST-1", account_manager: AccountManager | None = DAM
) -> Partner:
    partner, _ = Partner.register(
        partner_id=partner_id,
        kind=PartnerKind.DISTRIBUTOR,
        name="Wholesale Voice Example BV",
        country="NL",
        language=Language.NL,
        now=REGISTERED_AT,
        contacts=[Contact("Eva Groothandel", "eva@wholesale.example.com", "commercial")],
        account_manager=account_manager,
    )
    return partner


def sample_reseller(partner_id: str = "P-RES-1", distributor_id: str = "P-DIST-1") -> Partner:
    partner, _ = Partner.register(
        partner_id=partner_id,
        kind=PartnerKind.RESELLER,
        name="Kleinhandel Telefonie Example GmbH",
        country="DE",
        language=Language.DE,
        now=REGISTERED_AT,
        contacts=[Contact("Rudi Verkauf", "rudi@reseller.example.com", "technical")],
        helpdesk_email="helpdesk@reseller.example.com",
        preferred_distributor_id=distributor_id,
    )
    return partner


def sample_tier1(
    partner_id: str = "P-T1-1", account_manager: AccountManager | None = CAM
) -> Partner:
    partner, _ = Partner.register(
        partner_id=partner_id,
        kind=PartnerKind.TIER1,
        name="Direct Cloud Example Ltd",
        country="GB",
        language=Language.EN,
        now=REGISTERED_AT,
        contacts=[Contact("Tom Direct", "tom@direct.example.com", "commercial")],
        account_manager=account_manager,
    )
    return partner
