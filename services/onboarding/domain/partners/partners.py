"""The Partner aggregate: who a partner is, plus its reseller programme and provider onboarding.

One Partner is one document: its master data, the reseller authorisation programme
(§1.2, `authorisation.py`) and the onboarding at the service provider (§1.3,
`provider_onboarding.py`) change together as one unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email

from services.onboarding.domain.errors import (
    AlreadyRegisteredAsReseller,
    NoResponsibleAccountManager,
    NotRegisteredAsReseller,
    OnboardingNotStarted,
    OnboardingOrderAlreadyReceived,
    ProgrammeNotForPartnerKind,
    Reason,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.authorisation import ResellerAuthorisation
from services.onboarding.domain.partners.events import PartnerContactsChanged, PartnerRegistered
from services.onboarding.domain.partners.provider_onboarding import (
    PartnerSystem,
    ProviderOnboarding,
)


class PartnerKind(StrEnum):
    """Where a partner sits in the channel."""

    DISTRIBUTOR = "distributor"
    RESELLER = "reseller"  # a tier-2 partner: buys through a distributor
    TIER1 = "tier1"  # buys directly from the vendor


class Language(StrEnum):
    """Languages partners are written to in."""

    EN = "en"
    DE = "de"
    NL = "nl"


class AccountManagerRole(StrEnum):
    """The vendor's account managers: CAM for tier-1 partners, DAM for distributors."""

    CAM = "cam"
    DAM = "dam"


@dataclass(frozen=True)
class AccountManager:
    """The vendor employee responsible for a partner (a CAM) or a distributor (a DAM)."""

    account_manager_id: str
    name: str
    email: str
    role: AccountManagerRole


@dataclass(frozen=True)
class Contact:
    """A person at the partner whom notifications may e-mail."""

    name: str
    email: str
    role: str  # e.g. "commercial", "technical", "billing"


def email_reason(value: str | None, field_name: str) -> Reason | None:
    """Why `value` is not a usable e-mail address (missing or malformed), else None."""
    if value is None or not value.strip():
        return Reason("missing", f"{field_name} is required", field_name)
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return Reason("invalid_email", f"{field_name}: {exc}", field_name)
    return None


def country_reason(value: str, field_name: str) -> Reason | None:
    """Why `value` is not an ISO 3166-1 alpha-2 country code, else None."""
    if len(value) == 2 and value.isascii() and value.isalpha() and value.isupper():
        return None
    return Reason("invalid_country", f"{field_name} must be ISO 3166-1 alpha-2", field_name)


def normalise_email(value: str) -> str:
    """The comparable form of an address (lower-cased, trimmed)."""
    return value.strip().lower()


_ACCOUNT_MANAGER_ROLE = {
    PartnerKind.TIER1: AccountManagerRole.CAM,
    PartnerKind.DISTRIBUTOR: AccountManagerRole.DAM,
}


def _registration_reasons(
    partner_id: str,
    kind: PartnerKind,
    name: str,
    country: str,
    contacts: Sequence[Contact],
    helpdesk_email: str | None,
    preferred_distributor_id: str | None,
    account_manager: AccountManager | None,
) -> list[Reason]:
    reasons: list[Reason] = []
    if not partner_id.strip():
        reasons.append(Reason("missing", "partner_id is required", "partner_id"))
    if not name.strip():
        reasons.append(Reason("missing", "name is required", "name"))
    if problem := country_reason(country, "country"):
        reasons.append(problem)
    reasons.extend(_contact_reasons(contacts))
    if helpdesk_email is not None and (problem := email_reason(helpdesk_email, "helpdesk_email")):
        reasons.append(problem)
    if kind is PartnerKind.RESELLER and not preferred_distributor_id:
        reasons.append(
            Reason(
                "distributor_required",
                "a reseller buys through a distributor and must name one",
                "preferred_distributor_id",
            )
        )
    expected_role = _ACCOUNT_MANAGER_ROLE.get(kind)
    if account_manager is not None and account_manager.role is not expected_role:
        reasons.append(
            Reason(
                "account_manager_role_mismatch",
                f"a {kind} partner is looked after by a {expected_role or 'distributor'}",
                "account_manager",
            )
        )
    return reasons


def distributor_reason(
    kind: PartnerKind, preferred_distributor_id: str | None, distributor: Partner | None
) -> Reason | None:
    """A reseller names a *registered distributor* (from onboarding's records, not the
    registration's word): the partner it names must exist and be a distributor."""
    if kind is not PartnerKind.RESELLER or not preferred_distributor_id:
        return None  # none needed, or missing (`distributor_required` says so)
    if distributor is None:
        return Reason(
            "unknown_partner",
            f"no partner {preferred_distributor_id} is registered; register the distributor first",
            "preferred_distributor_id",
        )
    if distributor.kind is not PartnerKind.DISTRIBUTOR:
        return Reason(
            "not_a_distributor",
            f"{preferred_distributor_id} is not a distributor",
            "preferred_distributor_id",
        )
    return None


def _contact_reasons(contacts: Sequence[Contact]) -> list[Reason]:
    reasons: list[Reason] = []
    for index, contact in enumerate(contacts):
        if not contact.name.strip():
            reasons.append(Reason("missing", "contact name is required", f"contacts[{index}]"))
        if problem := email_reason(contact.email, f"contacts[{index}].email"):
            reasons.append(problem)
    return reasons


@dataclass(frozen=True)
class Routing:
    """The CAM or DAM a request goes to, and the distributor it passes through."""

    account_manager: AccountManager
    via_distributor_partner_id: str | None = None


def route_to_account_manager(partner: Partner, distributor: Partner | None = None) -> Routing:
    """Tier-1 → its CAM; tier-2 → its distributor → that distributor's DAM.

    A distributor acting as reseller goes to its own DAM. Never to cloud operations.
    """
    if partner.kind is PartnerKind.TIER1:
        return _routing(partner, partner.account_manager, AccountManagerRole.CAM, None)
    if partner.kind is PartnerKind.DISTRIBUTOR:
        distributor = partner
    elif (
        distributor is None
        or distributor.kind is not PartnerKind.DISTRIBUTOR
        or distributor.partner_id != partner.preferred_distributor_id
    ):
        raise NoResponsibleAccountManager(
            "a tier-2 partner is reached through the reseller's own distributor",
            details={
                "partner_id": partner.partner_id,
                "distributor_partner_id": partner.preferred_distributor_id,
            },
        )
    return _routing(
        partner, distributor.account_manager, AccountManagerRole.DAM, distributor.partner_id
    )


def _routing(
    partner: Partner, manager: AccountManager | None, role: AccountManagerRole, via: str | None
) -> Routing:
    if manager is None or manager.role is not role:
        raise NoResponsibleAccountManager(
            f"no {role} is responsible for this partner",
            details={"partner_id": partner.partner_id, "via_distributor_partner_id": via},
        )
    return Routing(manager, via)


@dataclass
class Partner:
    """A channel partner, identified by the vendor-wide partner ID."""

    partner_id: str
    kind: PartnerKind
    name: str
    country: str
    language: Language
    registered_at: datetime
    contacts: list[Contact] = field(default_factory=list)
    helpdesk_email: str | None = None
    preferred_distributor_id: str | None = None
    account_manager: AccountManager | None = None
    authorisation: ResellerAuthorisation | None = None
    onboarding: ProviderOnboarding | None = None

    @classmethod
    def register(
        cls,
        *,
        partner_id: str,
        kind: PartnerKind,
        name: str,
        country: str,
        language: Language,
        now: datetime,
        contacts: Iterable[Contact] = (),
        helpdesk_email: str | None = None,
        preferred_distributor_id: str | None = None,
        account_manager: AccountManager | None = None,
    ) -> tuple[Partner, list[DomainEvent]]:
        """Register a partner; a reseller must name its distributor."""
        contact_list = list(contacts)
        reasons = _registration_reasons(
            partner_id,
            kind,
            name,
            country,
            contact_list,
            helpdesk_email,
            preferred_distributor_id,
            account_manager,
        )
        if reasons:
            raise ValidationFailed(reasons)
        partner = cls(
            partner_id=partner_id,
            kind=kind,
            name=name,
            country=country,
            language=language,
            registered_at=now,
            contacts=contact_list,
            helpdesk_email=helpdesk_email,
            preferred_distributor_id=preferred_distributor_id,
            account_manager=account_manager,
        )
        event = PartnerRegistered(
            partner_id=partner_id,
            kind=str(kind),
            company_name=name,
            country=country,
            language=str(language),
            distributor_partner_id=preferred_distributor_id,
            occurred_at=now,
        )
        return partner, [event]

    @property
    def is_tier2(self) -> bool:
        """A reseller is a tier-2 partner: it is reached through its distributor."""
        return self.kind is PartnerKind.RESELLER

    def change_contacts(
        self, contacts: Iterable[Contact], helpdesk_email: str | None, now: datetime
    ) -> list[DomainEvent]:
        """Replace the contacts and helpdesk address notifications use."""
        contact_list = list(contacts)
        reasons = _contact_reasons(contact_list)
        if helpdesk_email is not None and (problem := email_reason(helpdesk_email, "helpdesk")):
            reasons.append(problem)
        if reasons:
            raise ValidationFailed(reasons)
        if contact_list == self.contacts and helpdesk_email == self.helpdesk_email:
            return []
        self.contacts = contact_list
        self.helpdesk_email = helpdesk_email
        return [
            PartnerContactsChanged(
                partner_id=self.partner_id,
                contact_emails=tuple(c.email for c in contact_list),
                helpdesk_email=helpdesk_email,
                occurred_at=now,
            )
        ]

    # -- §1.2 reseller authorisation programme --------------------------------

    def register_as_cloud_reseller(
        self, preferred_distributor: Partner, terms_accepted: bool, now: datetime
    ) -> list[DomainEvent]:
        """Step 1 of the programme: once per partner company, naming a distributor."""
        if self.kind is not PartnerKind.RESELLER:
            raise ProgrammeNotForPartnerKind(
                f"the cloud reseller programme is for resellers, not a {self.kind}",
                details={"partner_id": self.partner_id, "kind": str(self.kind)},
            )
        if self.authorisation is not None:
            raise AlreadyRegisteredAsReseller(
                "the partner is already registered as cloud reseller",
                details={"partner_id": self.partner_id},
            )
        reasons: list[Reason] = []
        if preferred_distributor.kind is not PartnerKind.DISTRIBUTOR:
            reasons.append(
                Reason(
                    "not_a_distributor",
                    f"{preferred_distributor.partner_id} is not a distributor",
                    "preferred_distributor_id",
                )
            )
        if not terms_accepted:
            reasons.append(Reason("terms_not_accepted", "the terms must be accepted", "terms"))
        if reasons:
            raise ValidationFailed(reasons)
        self.preferred_distributor_id = preferred_distributor.partner_id
        self.authorisation, events = ResellerAuthorisation.register(
            self.partner_id, preferred_distributor.partner_id, now
        )
        return events

    @property
    def reseller_programme(self) -> ResellerAuthorisation:
        """The programme, for steps 2–6; refused before registration (step 1)."""
        if self.authorisation is None:
            raise NotRegisteredAsReseller(
                "the partner has not registered as cloud reseller",
                details={"partner_id": self.partner_id},
            )
        return self.authorisation

    # -- §1.3 onboarding at the service provider -------------------------------

    def receive_onboarding_order(
        self,
        order_reference: str,
        now: datetime,
        systems: Iterable[PartnerSystem] = tuple(PartnerSystem),
    ) -> list[DomainEvent]:
        """Step 1 of provider onboarding: the signed onboarding order has arrived."""
        if self.onboarding is not None:
            raise OnboardingOrderAlreadyReceived(
                "the signed onboarding order was already received",
                details={
                    "partner_id": self.partner_id,
                    "order_reference": self.onboarding.order_reference,
                },
            )
        self.onboarding, events = ProviderOnboarding.receive_signed_order(
            self.partner_id, order_reference, now, systems
        )
        return events

    @property
    def provider_onboarding(self) -> ProviderOnboarding:
        """The onboarding in progress; refused before its order was received."""
        if self.onboarding is None:
            raise OnboardingNotStarted(
                "no signed onboarding order has been received",
                details={"partner_id": self.partner_id},
            )
        return self.onboarding

    @property
    def can_create_customers(self) -> bool:
        """True once platform access is live (§1.3 step 5)."""
        return self.onboarding is not None and self.onboarding.is_live
