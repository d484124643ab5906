"""Severity = impact × urgency: all 16 matrix cells and the impact boundaries (domain.md §4)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from services.support.domain.errors import ValidationFailed
from services.support.domain.severity import (
    Impact,
    ImpactShare,
    Severity,
    Urgency,
    assess_impact,
    impact_of_share,
    severity_of,
)

pytestmark = pytest.mark.unit

W, L, LO, IN = Impact.WIDESPREAD, Impact.LARGE, Impact.LOCALIZED, Impact.INDIVIDUALIZED
S1, S2, S3, S4 = Severity.S1, Severity.S2, Severity.S3, Severity.S4
CRIT, HIGH, MED, LOW = Urgency.CRITICAL, Urgency.HIGH, Urgency.MEDIUM, Urgency.LOW

# The seed's matrix written out cell by cell, rows = urgency, columns = impact.
MATRIX = [
    (CRIT, W, S1), (CRIT, L, S1), (CRIT, LO, S2), (CRIT, IN, S3),
    (HIGH, W, S1), (HIGH, L, S2), (HIGH, LO, S2), (HIGH, IN, S3),
    (MED, W, S2), (MED, L, S3), (MED, LO, S3), (MED, IN, S3),
    (LOW, W, S4), (LOW, L, S4), (LOW, LO, S4), (LOW, IN, S4),
]  # fmt: skip


@pytest.mark.parametrize(("urgency", "impact", "expected"), MATRIX)
def test_each_cell_of_the_matrix(urgency, impact, expected):
    assert severity_of(impact, urgency) is expected


def test_the_matrix_has_exactly_sixteen_distinct_cells():
    assert len({(u, i) for u, i, _ in MATRIX}) == 16


def test_severities_order_s1_highest():
    assert S1.is_higher_than(S2) and S2.is_higher_than(S3) and S3.is_higher_than(S4)
    assert not S3.is_higher_than(S3)
    assert not S4.is_higher_than(S1)


class TestImpactBoundaries:
    @pytest.mark.parametrize(
        ("affected", "total", "expected"),
        [
            (100, 100, W),
            (76, 100, W),
            (301, 400, W),  # just over three quarters
            (3, 4, L),  # exactly 3/4 is Large: Widespread is *more than* 3/4
            (75, 100, L),
            (300, 400, L),
            (1, 2, L),  # exactly 1/2 is Large (product decision: the higher impact)
            (50, 100, L),
            (49, 100, LO),
            (199, 400, LO),
            (1, 3, LO),
            (1, 4, LO),  # exactly 1/4 is Localized: Individualized is *less than* 1/4
            (25, 100, LO),
            (24, 100, IN),
            (99, 400, IN),
            (1, 1000, IN),
        ],
    )
    def test_a_share_of_users_maps_to_its_level(self, affected, total, expected):
        impact, share = assess_impact(ImpactShare(affected, total))
        assert impact is expected
        assert share == Fraction(affected, total)

    def test_shares_are_exact_not_floats(self):
        # 0.1 * 3 > 0.3 in floating point; in fractions 30/100 is 3/10 exactly.
        assert impact_of_share(Fraction(3, 10)) is LO
        assert impact_of_share(Fraction(7500000001, 10000000000)) is W
        assert impact_of_share(Fraction(7499999999, 10000000000)) is L

    def test_a_level_is_taken_as_given(self):
        assert assess_impact(Impact.LARGE) == (L, None)
        assert assess_impact("widespread") == (W, None)

    def test_the_total_comes_from_the_tenant_when_not_stated(self):
        assert assess_impact(ImpactShare(150), known_users=200) == (L, Fraction(3, 4))

    @pytest.mark.parametrize(
        ("share", "known", "codes"),
        [
            (ImpactShare(5, 4), None, ("affected_exceeds_total",)),
            (ImpactShare(1, 0), None, ("count_too_small",)),
            (ImpactShare(0, 10), None, ("count_too_small",)),
            (ImpactShare(-1, 10), None, ("count_too_small",)),
            (ImpactShare(3), None, ("total_users_unknown",)),
            (ImpactShare(True, 10), None, ("not_a_whole_number",)),
            (ImpactShare(2.5, 10), None, ("not_a_whole_number",)),  # type: ignore[arg-type]
            (ImpactShare(0, 0), None, ("count_too_small", "count_too_small")),
            (ImpactShare(11), 10, ("affected_exceeds_total",)),
        ],
    )
    def test_invalid_counts_are_refused_with_reasons(self, share, known, codes):
        with pytest.raises(ValidationFailed) as refused:
            assess_impact(share, known_users=known)
        assert refused.value.reason_codes == codes
        assert all(r.field and r.field.startswith("impact.") for r in refused.value.reasons())

    def test_an_unknown_level_is_refused(self):
        with pytest.raises(ValidationFailed) as refused:
            assess_impact("enormous")
        assert refused.value.reason_codes == ("unknown_impact",)

    def test_a_share_outside_zero_to_one_is_an_error(self):
        with pytest.raises(ValueError):
            impact_of_share(Fraction(5, 4))
