"""The cloud reseller authorisation programme (§1.2), a state machine inside the Partner.

Steps 1–3 (registration, four webinars, certification test) make the partner an
authorised cloud reseller. Steps 4–6 (two agreements, terms URL, e-store) follow in any
order (product decision), but only once authorised (product decision: the seed lists them
after authorisation). "Ready to sell" = authorised + both agreements + terms and e-store
linked.

Product decisions pinned by tests:
- Pass mark: 12 of the 15 questions (80 %) by default; configurable per deployment
  through `CertificationPolicy`.
- A failed test may be retaken, without limit; every attempt is recorded. A passed test
  is not taken again.
- The vendor links e-store and terms as soon as it holds both links: whichever of steps
  5 and 6 comes second also emits `onboarding.reseller.estore_linked`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from services.onboarding.domain.errors import (
    CertificationAlreadyPassed,
    CertificationBeforeTraining,
    ProgrammeStepAlreadyDone,
    Reason,
    ResellerNotYetAuthorised,
    ValidationFailed,
    WebinarAlreadyCompleted,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.events import (
    AgreementSigned,
    CertificationTestTaken,
    EStoreActivated,
    EStoreLinked,
    ResellerAuthorised,
    ResellerReadyToSell,
    ResellerRegistered,
    ResellerTrainingCompleted,
    TermsUrlPassed,
    WebinarCompleted,
)

CERTIFICATION_QUESTIONS = 15
DEFAULT_PASS_MARK = 12


class Webinar(StrEnum):
    """The four webinars of the online training (about 1.5 hours in all)."""

    PRODUCT_OVERVIEW = "product_overview"
    SELLING_CLOUD_SERVICES = "selling_cloud_services"
    ORDERING_AND_ESTORE = "ordering_and_estore"
    ADMINISTRATION_AND_SUPPORT = "administration_and_support"


class Agreement(StrEnum):
    """The two agreements a reseller signs with its distributor (step 4)."""

    WHOLESALE = "wholesale"
    CLOUD_ADDENDUM = "cloud_addendum"


class ProgrammeStatus(StrEnum):
    """Where the reseller stands in the programme."""

    REGISTERED = "registered"
    TRAINED = "trained"
    AUTHORISED = "authorised"
    READY_TO_SELL = "ready_to_sell"


@dataclass(frozen=True)
class CertificationPolicy:
    """How the certification test is scored (product decision: 12 of 15 passes)."""

    questions: int = CERTIFICATION_QUESTIONS
    pass_mark: int = DEFAULT_PASS_MARK

    def __post_init__(self) -> None:
        if not 0 < self.pass_mark <= self.questions:
            raise ValueError(f"pass mark must be in 1..{self.questions}, got {self.pass_mark}")


@dataclass(frozen=True)
class CertificationAttempt:
    """One sitting of the certification test."""

    score: int
    questions: int
    pass_mark: int
    passed: bool
    taken_at: datetime


def _url_reason(url: str, field_name: str) -> Reason | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return Reason("invalid_url", f"{field_name} must be an http(s) URL", field_name)
    return None


@dataclass
class ResellerAuthorisation:
    """One partner company's way through the cloud reseller programme."""

    partner_id: str
    distributor_partner_id: str
    registered_at: datetime
    webinars_completed: dict[Webinar, datetime] = field(default_factory=dict)
    attempts: list[CertificationAttempt] = field(default_factory=list)
    authorised_at: datetime | None = None
    agreements_signed: dict[Agreement, datetime] = field(default_factory=dict)
    terms_url: str | None = None
    estore_link: str | None = None
    estore_products: tuple[str, ...] = ()
    estore_linked_at: datetime | None = None
    ready_to_sell_at: datetime | None = None

    @classmethod
    def register(
        cls, partner_id: str, distributor_partner_id: str, now: datetime
    ) -> tuple[ResellerAuthorisation, list[DomainEvent]]:
        """Step 1; the Partner checks it happens once and the terms were accepted."""
        programme = cls(partner_id, distributor_partner_id, registered_at=now)
        return programme, [
            ResellerRegistered(
                partner_id=partner_id,
                distributor_partner_id=distributor_partner_id,
                terms_accepted_at=now,
                occurred_at=now,
            )
        ]

    # -- state -------------------------------------------------------------------

    @property
    def training_completed(self) -> bool:
        return len(self.webinars_completed) == len(Webinar)

    @property
    def is_authorised(self) -> bool:
        return self.authorised_at is not None

    @property
    def is_ready_to_sell(self) -> bool:
        return self.ready_to_sell_at is not None

    @property
    def status(self) -> ProgrammeStatus:
        if self.is_ready_to_sell:
            return ProgrammeStatus.READY_TO_SELL
        if self.is_authorised:
            return ProgrammeStatus.AUTHORISED
        if self.training_completed:
            return ProgrammeStatus.TRAINED
        return ProgrammeStatus.REGISTERED

    @property
    def webinars_outstanding(self) -> tuple[Webinar, ...]:
        return tuple(w for w in Webinar if w not in self.webinars_completed)

    # -- step 2: training --------------------------------------------------------

    def complete_webinar(self, webinar: Webinar | str, now: datetime) -> list[DomainEvent]:
        """Record one webinar; the fourth completes the training."""
        try:
            webinar = Webinar(webinar)
        except ValueError:
            raise ValidationFailed(
                [Reason("unknown_webinar", f"no webinar named {webinar!r}", "webinar")]
            ) from None
        if webinar in self.webinars_completed:
            raise WebinarAlreadyCompleted(
                f"webinar {webinar} was already completed",
                details={"partner_id": self.partner_id, "webinar": str(webinar)},
            )
        self.webinars_completed[webinar] = now
        events: list[DomainEvent] = [
            WebinarCompleted(
                partner_id=self.partner_id,
                distributor_partner_id=self.distributor_partner_id,
                webinar=str(webinar),
                webinars_outstanding=tuple(str(w) for w in self.webinars_outstanding),
                occurred_at=now,
            )
        ]
        if self.training_completed:
            events.append(
                ResellerTrainingCompleted(
                    partner_id=self.partner_id,
                    distributor_partner_id=self.distributor_partner_id,
                    occurred_at=now,
                )
            )
        return events

    # -- step 3: certification ---------------------------------------------------

    def take_certification_test(
        self, score: int, now: datetime, policy: CertificationPolicy | None = None
    ) -> list[DomainEvent]:
        """Record a test score; passing it (after the training) authorises the reseller."""
        policy = policy or CertificationPolicy()
        if not self.training_completed:
            raise CertificationBeforeTraining(
                "the certification test is taken after all four webinars",
                details={
                    "partner_id": self.partner_id,
                    "webinars_outstanding": [str(w) for w in self.webinars_outstanding],
                },
            )
        if self.is_authorised:
            raise CertificationAlreadyPassed(
                "the certification test was already passed",
                details={"partner_id": self.partner_id},
            )
        if not 0 <= score <= policy.questions:
            raise ValidationFailed(
                [Reason("score_out_of_range", f"score must be 0..{policy.questions}", "score")]
            )
        passed = score >= policy.pass_mark
        self.attempts.append(
            CertificationAttempt(score, policy.questions, policy.pass_mark, passed, now)
        )
        events: list[DomainEvent] = [
            CertificationTestTaken(
                partner_id=self.partner_id,
                distributor_partner_id=self.distributor_partner_id,
                score=score,
                questions=policy.questions,
                pass_mark=policy.pass_mark,
                passed=passed,
                attempt=len(self.attempts),
                occurred_at=now,
            )
        ]
        if passed:
            self.authorised_at = now
            events.append(
                ResellerAuthorised(
                    partner_id=self.partner_id,
                    distributor_partner_id=self.distributor_partner_id,
                    occurred_at=now,
                )
            )
        return events

    # -- steps 4–6, in any order, once authorised -----------------------------------

    def _require_authorised(self, step: str) -> None:
        if not self.is_authorised:
            raise ResellerNotYetAuthorised(
                f"{step} comes only once the reseller is authorised",
                details={"partner_id": self.partner_id, "step": step},
            )

    def _refuse_repeat(self, done: bool, step: str) -> None:
        if done:
            raise ProgrammeStepAlreadyDone(
                f"{step} was already done",
                details={"partner_id": self.partner_id, "step": step},
            )

    def sign_agreement(self, agreement: Agreement, now: datetime) -> list[DomainEvent]:
        """Step 4: the wholesale agreement or the cloud addendum, each signed once."""
        step = f"{agreement}_agreement"
        self._require_authorised(step)
        self._refuse_repeat(agreement in self.agreements_signed, step)
        self.agreements_signed[agreement] = now
        events: list[DomainEvent] = [
            AgreementSigned(
                partner_id=self.partner_id,
                distributor_partner_id=self.distributor_partner_id,
                agreement=str(agreement),
                occurred_at=now,
            )
        ]
        return events + self._check_ready_to_sell(now)

    def pass_terms_url(self, url: str, now: datetime) -> list[DomainEvent]:
        """Step 5: the URL of the reseller's published terms of service."""
        self._require_authorised("terms_url")
        self._refuse_repeat(self.terms_url is not None, "terms_url")
        if reason := _url_reason(url, "terms_url"):
            raise ValidationFailed([reason])
        self.terms_url = url.strip()
        events: list[DomainEvent] = [
            TermsUrlPassed(
                partner_id=self.partner_id,
                distributor_partner_id=self.distributor_partner_id,
                terms_url=self.terms_url,
                occurred_at=now,
            )
        ]
        return events + self._link_when_both_links_known(now)

    def activate_estore(
        self, products: Iterable[str], link: str, now: datetime
    ) -> list[DomainEvent]:
        """Step 6: the syndicated e-store is active with the chosen products; its link."""
        self._require_authorised("estore")
        self._refuse_repeat(self.estore_link is not None, "estore")
        chosen = tuple(dict.fromkeys(p.strip() for p in products if p.strip()))
        reasons = [] if chosen else [Reason("missing", "choose at least one product", "products")]
        if reason := _url_reason(link, "estore_link"):
            reasons.append(reason)
        if reasons:
            raise ValidationFailed(reasons)
        self.estore_link, self.estore_products = link.strip(), chosen
        events: list[DomainEvent] = [
            EStoreActivated(
                partner_id=self.partner_id,
                distributor_partner_id=self.distributor_partner_id,
                estore_link=self.estore_link,
                products=chosen,
                occurred_at=now,
            )
        ]
        return events + self._link_when_both_links_known(now)

    def _link_when_both_links_known(self, now: datetime) -> list[DomainEvent]:
        if self.terms_url is None or self.estore_link is None:
            return []
        self.estore_linked_at = now
        linked = EStoreLinked(
            partner_id=self.partner_id,
            distributor_partner_id=self.distributor_partner_id,
            estore_link=self.estore_link,
            terms_url=self.terms_url,
            occurred_at=now,
        )
        return [linked, *self._check_ready_to_sell(now)]

    def _check_ready_to_sell(self, now: datetime) -> list[DomainEvent]:
        ready = (
            self.is_authorised
            and len(self.agreements_signed) == len(Agreement)
            and self.estore_linked_at is not None
        )
        if not ready or self.is_ready_to_sell:
            return []
        self.ready_to_sell_at = now
        return [
            ResellerReadyToSell(
                partner_id=self.partner_id,
                distributor_partner_id=self.distributor_partner_id,
                occurred_at=now,
            )
        ]
