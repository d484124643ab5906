"""The cloud reseller authorisation programme (§1.2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest

from services.onboarding.domain.errors import (
    AlreadyRegisteredAsReseller,
    CertificationAlreadyPassed,
    CertificationBeforeTraining,
    NotRegisteredAsReseller,
    ProgrammeNotForPartnerKind,
    ProgrammeStepAlreadyDone,
    ResellerNotYetAuthorised,
    ValidationFailed,
    WebinarAlreadyCompleted,
)
from services.onboarding.domain.event import DomainEvent, concerned_partner_ids
from services.onboarding.domain.partners.authorisation import (
    CERTIFICATION_QUESTIONS,
    DEFAULT_PASS_MARK,
    Agreement,
    CertificationPolicy,
    ProgrammeStatus,
    ResellerAuthorisation,
    Webinar,
)
from services.onboarding.domain.partners.events import (
    CertificationTestTaken,
    EStoreLinked,
    ResellerAuthorised,
    ResellerReadyToSell,
    ResellerRegistered,
    ResellerTrainingCompleted,
)
from services.onboarding.domain.partners.partners import Partner
from tests.unit.onboarding import sample_distributor, sample_reseller, sample_tier1

pytestmark = pytest.mark.unit

NOW = datetime(2025, 2, 3, 10, 0, tzinfo=UTC)
TERMS_URL = "https://reseller.example.com/terms"
ESTORE_LINK = "https://shop.reseller.example.com/cloud"


def registered() -> Partner:
    partner = sample_reseller()
    partner.register_as_cloud_reseller(sample_distributor(), terms_accepted=True, now=NOW)
    return partner


def trained() -> ResellerAuthorisation:
    programme = registered().reseller_programme
    for webinar in Webinar:
        programme.complete_webinar(webinar, NOW)
    return programme


def authorised() -> ResellerAuthorisation:
    programme = trained()
    programme.take_certification_test(DEFAULT_PASS_MARK, NOW)
    return programme


def names(events: list[DomainEvent]) -> list[str]:
    return [e.name for e in events]


# -- step 1: registration -----------------------------------------------------------


def test_registration_names_the_preferred_distributor_and_accepts_the_terms() -> None:
    partner = sample_reseller(distributor_id="P-DIST-OLD")

    events = partner.register_as_cloud_reseller(sample_distributor(), True, NOW)

    assert events == [
        ResellerRegistered(
            partner_id="P-RES-1",
            distributor_partner_id="P-DIST-1",
            terms_accepted_at=NOW,
            occurred_at=NOW,
        )
    ]
    assert partner.preferred_distributor_id == "P-DIST-1"
    assert partner.reseller_programme.status is ProgrammeStatus.REGISTERED


def test_registering_twice_is_refused() -> None:
    partner = registered()

    with pytest.raises(AlreadyRegisteredAsReseller) as refused:
        partner.register_as_cloud_reseller(sample_distributor(), True, NOW)

    assert refused.value.code == "already_registered"


def test_registration_without_accepting_the_terms_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        sample_reseller().register_as_cloud_reseller(sample_distributor(), False, NOW)

    assert refused.value.reason_codes == ("terms_not_accepted",)


def test_the_preferred_distributor_must_be_a_distributor() -> None:
    with pytest.raises(ValidationFailed) as refused:
        sample_reseller().register_as_cloud_reseller(sample_tier1(), True, NOW)

    assert refused.value.reason_codes == ("not_a_distributor",)


def test_only_resellers_take_the_programme() -> None:
    with pytest.raises(ProgrammeNotForPartnerKind):
        sample_tier1().register_as_cloud_reseller(sample_distributor(), True, NOW)


def test_a_step_before_registration_is_refused() -> None:
    with pytest.raises(NotRegisteredAsReseller) as refused:
        sample_reseller().reseller_programme.complete_webinar(Webinar.PRODUCT_OVERVIEW, NOW)

    assert refused.value.code == "not_registered_as_reseller"


# -- step 2: four webinars ------------------------------------------------------------


def test_the_training_has_four_named_webinars() -> None:
    assert len(Webinar) == 4


def test_the_training_is_complete_only_after_all_four_webinars() -> None:
    programme = registered().reseller_programme
    all_events: list[DomainEvent] = []
    for webinar in list(Webinar)[:3]:
        all_events += programme.complete_webinar(webinar, NOW)
    assert not programme.training_completed
    assert "onboarding.reseller.training_completed" not in names(all_events)

    last = programme.complete_webinar(Webinar.ADMINISTRATION_AND_SUPPORT, NOW)

    assert programme.training_completed
    assert last[-1] == ResellerTrainingCompleted(
        partner_id="P-RES-1", distributor_partner_id="P-DIST-1", occurred_at=NOW
    )


def test_each_webinar_is_completed_once() -> None:
    programme = registered().reseller_programme
    programme.complete_webinar("product_overview", NOW)

    with pytest.raises(WebinarAlreadyCompleted) as refused:
        programme.complete_webinar(Webinar.PRODUCT_OVERVIEW, NOW)

    assert refused.value.code == "webinar_already_completed"


def test_an_unknown_webinar_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        registered().reseller_programme.complete_webinar("cooking_class", NOW)

    assert refused.value.reason_codes == ("unknown_webinar",)


# -- step 3: certification --------------------------------------------------------------


def test_certification_before_training_is_refused() -> None:
    programme = registered().reseller_programme
    for webinar in list(Webinar)[:3]:
        programme.complete_webinar(webinar, NOW)

    with pytest.raises(CertificationBeforeTraining) as refused:
        programme.take_certification_test(15, NOW)

    assert refused.value.code == "certification_before_training"
    assert refused.value.details["webinars_outstanding"] == ["administration_and_support"]
    assert programme.attempts == []


def test_the_test_has_15_questions_and_12_correct_answers_pass_by_default() -> None:
    assert CERTIFICATION_QUESTIONS == 15
    assert DEFAULT_PASS_MARK == 12
    programme = trained()

    events = programme.take_certification_test(12, NOW)

    assert events == [
        CertificationTestTaken(
            partner_id="P-RES-1",
            distributor_partner_id="P-DIST-1",
            score=12,
            questions=15,
            pass_mark=12,
            passed=True,
            attempt=1,
            occurred_at=NOW,
        ),
        ResellerAuthorised(
            partner_id="P-RES-1", distributor_partner_id="P-DIST-1", occurred_at=NOW
        ),
    ]
    assert programme.status is ProgrammeStatus.AUTHORISED


def test_11_of_15_fails_and_a_retake_after_failing_is_allowed() -> None:
    programme = trained()

    failed = programme.take_certification_test(11, NOW)
    retake = programme.take_certification_test(13, NOW + timedelta(days=1))

    assert names(failed) == ["onboarding.reseller.certification_test_taken"]
    assert not programme.attempts[0].passed
    assert names(retake) == [
        "onboarding.reseller.certification_test_taken",
        "onboarding.reseller.authorised",
    ]
    assert [a.score for a in programme.attempts] == [11, 13]
    assert programme.authorised_at == NOW + timedelta(days=1)


def test_a_passed_test_is_not_taken_again() -> None:
    with pytest.raises(CertificationAlreadyPassed):
        authorised().take_certification_test(15, NOW)


def test_the_pass_mark_is_configurable() -> None:
    programme = trained()

    events = programme.take_certification_test(12, NOW, CertificationPolicy(pass_mark=14))

    assert not programme.is_authorised
    assert events == [
        CertificationTestTaken(
            partner_id="P-RES-1",
            distributor_partner_id="P-DIST-1",
            score=12,
            questions=15,
            pass_mark=14,
            passed=False,
            attempt=1,
            occurred_at=NOW,
        )
    ]


def test_a_score_outside_0_to_15_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        trained().take_certification_test(16, NOW)

    assert refused.value.reason_codes == ("score_out_of_range",)


def test_a_pass_mark_above_the_number_of_questions_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        CertificationPolicy(pass_mark=16)


# -- steps 4–6 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [
        lambda p: p.sign_agreement(Agreement.WHOLESALE, NOW),
        lambda p: p.sign_agreement(Agreement.CLOUD_ADDENDUM, NOW),
        lambda p: p.pass_terms_url(TERMS_URL, NOW),
        lambda p: p.activate_estore(["Team"], ESTORE_LINK, NOW),
    ],
    ids=["wholesale", "cloud_addendum", "terms_url", "estore"],
)
def test_steps_4_to_6_are_refused_before_authorisation(
    step: Callable[[ResellerAuthorisation], list[DomainEvent]],
) -> None:
    with pytest.raises(ResellerNotYetAuthorised) as refused:
        step(trained())

    assert refused.value.code == "reseller_not_yet_authorised"


def test_the_estore_is_linked_only_once_the_vendor_has_both_links() -> None:
    programme = authorised()

    after_terms = programme.pass_terms_url(TERMS_URL, NOW)
    assert names(after_terms) == ["onboarding.reseller.terms_url_passed"]
    assert programme.estore_linked_at is None

    later = NOW + timedelta(hours=2)
    after_estore = programme.activate_estore(["Team", "Professional"], ESTORE_LINK, later)

    assert names(after_estore) == [
        "onboarding.reseller.estore_activated",
        "onboarding.reseller.estore_linked",
    ]
    assert after_estore[1] == EStoreLinked(
        partner_id="P-RES-1",
        distributor_partner_id="P-DIST-1",
        estore_link=ESTORE_LINK,
        terms_url=TERMS_URL,
        occurred_at=later,
    )
    assert programme.estore_products == ("Team", "Professional")


def test_an_estore_without_products_or_with_a_bad_link_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        authorised().activate_estore([], "shop.reseller.example.com", NOW)

    assert set(refused.value.reason_codes) == {"missing", "invalid_url"}


def test_ready_to_sell_only_when_authorised_both_agreements_signed_and_both_links_linked() -> None:
    programme = authorised()
    steps = [
        lambda: programme.sign_agreement(Agreement.WHOLESALE, NOW),
        lambda: programme.pass_terms_url(TERMS_URL, NOW),
        lambda: programme.activate_estore(["Team"], ESTORE_LINK, NOW),
    ]
    for step in steps:
        assert "onboarding.reseller.ready_to_sell" not in names(step())
        assert not programme.is_ready_to_sell

    events = programme.sign_agreement(Agreement.CLOUD_ADDENDUM, NOW)

    assert events[-1] == ResellerReadyToSell(
        partner_id="P-RES-1", distributor_partner_id="P-DIST-1", occurred_at=NOW
    )
    assert programme.status is ProgrammeStatus.READY_TO_SELL


@pytest.mark.parametrize("order", list(permutations(range(4))))
def test_steps_4_to_6_may_come_in_any_order(order: tuple[int, ...]) -> None:
    programme = authorised()
    steps = [
        lambda: programme.sign_agreement(Agreement.WHOLESALE, NOW),
        lambda: programme.sign_agreement(Agreement.CLOUD_ADDENDUM, NOW),
        lambda: programme.pass_terms_url(TERMS_URL, NOW),
        lambda: programme.activate_estore(["Team"], ESTORE_LINK, NOW),
    ]

    emitted = [name for i in order for name in names(steps[i]())]

    assert emitted.count("onboarding.reseller.estore_linked") == 1
    assert emitted[-1] == "onboarding.reseller.ready_to_sell"
    assert emitted.count("onboarding.reseller.ready_to_sell") == 1


@pytest.mark.parametrize(
    ("step", "name"),
    [
        (lambda p: p.sign_agreement(Agreement.WHOLESALE, NOW), "wholesale_agreement"),
        (lambda p: p.pass_terms_url(TERMS_URL, NOW), "terms_url"),
        (lambda p: p.activate_estore(["Team"], ESTORE_LINK, NOW), "estore"),
    ],
)
def test_a_repeated_step_is_rejected_with_a_clear_code(
    step: Callable[[ResellerAuthorisation], list[DomainEvent]], name: str
) -> None:
    programme = authorised()
    step(programme)

    with pytest.raises(ProgrammeStepAlreadyDone) as refused:
        step(programme)

    assert refused.value.code == "programme_step_already_done"
    assert refused.value.details["step"] == name


def test_programme_events_concern_the_reseller_and_its_distributor() -> None:
    events = trained().take_certification_test(15, NOW)

    assert all(concerned_partner_ids(e) == ("P-RES-1", "P-DIST-1") for e in events)
