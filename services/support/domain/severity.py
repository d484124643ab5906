"""Severity = impact × urgency (spec/domain.md §4; seed 004 tables 2–4 and the matrix).

Impact is the share of the partner's environment affected; the partner gives it either as
a level or as affected / total users. Shares are exact `Fraction`s, so the boundaries
1/4, 1/2 and 3/4 fall where §4 says, never where a float rounds them:

- more than 3/4 → Widespread (3/4 itself is Large);
- 1/2 up to 3/4 → Large (1/2 is Large: product decision, the higher impact);
- 1/4 up to 1/2 → Localized (1/4 itself is Localized);
- less than 1/4 → Individualized.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from services.support.domain.errors import Reason, ValidationFailed

THREE_QUARTERS = Fraction(3, 4)
ONE_HALF = Fraction(1, 2)
ONE_QUARTER = Fraction(1, 4)


class Impact(StrEnum):
    """How much of the partner's environment is affected (seed 004, table 2)."""

    WIDESPREAD = "widespread"
    LARGE = "large"
    LOCALIZED = "localized"
    INDIVIDUALIZED = "individualized"


class Urgency(StrEnum):
    """How critical the incident is (seed 004, table 3)."""

    CRITICAL = "critical"  # calling stopped, no backup or redundancy
    HIGH = "high"  # calling severely degraded
    MEDIUM = "medium"  # another function stopped
    LOW = "low"  # another function degraded


class Severity(StrEnum):
    """S1 (critical) … S4 (low); `rank` 1 is the most severe."""

    S1 = "S1"
    S2 = "S2"
    S3 = "S3"
    S4 = "S4"

    @property
    def rank(self) -> int:
        """1 for S1 … 4 for S4: a lower rank is a higher severity."""
        return int(self.value[1])

    def is_higher_than(self, other: Severity) -> bool:
        """True when this severity is more severe than `other` (S1 is higher than S2)."""
        return self.rank < other.rank


_W, _L, _LO, _I = Impact.WIDESPREAD, Impact.LARGE, Impact.LOCALIZED, Impact.INDIVIDUALIZED
SEVERITY_MATRIX: dict[tuple[Urgency, Impact], Severity] = {
    (Urgency.CRITICAL, _W): Severity.S1,
    (Urgency.CRITICAL, _L): Severity.S1,
    (Urgency.CRITICAL, _LO): Severity.S2,
    (Urgency.CRITICAL, _I): Severity.S3,
    (Urgency.HIGH, _W): Severity.S1,
    (Urgency.HIGH, _L): Severity.S2,
    (Urgency.HIGH, _LO): Severity.S2,
    (Urgency.HIGH, _I): Severity.S3,
    (Urgency.MEDIUM, _W): Severity.S2,
    (Urgency.MEDIUM, _L): Severity.S3,
    (Urgency.MEDIUM, _LO): Severity.S3,
    (Urgency.MEDIUM, _I): Severity.S3,
    (Urgency.LOW, _W): Severity.S4,
    (Urgency.LOW, _L): Severity.S4,
    (Urgency.LOW, _LO): Severity.S4,
    (Urgency.LOW, _I): Severity.S4,
}
"""The seed's matrix, urgency (rows) × impact (columns), all 16 cells."""


def severity_of(impact: Impact, urgency: Urgency) -> Severity:
    """The severity of `impact` × `urgency` from the §4 matrix."""
    return SEVERITY_MATRIX[(Urgency(urgency), Impact(impact))]


def impact_of_share(share: Fraction) -> Impact:
    """The impact level of an exact share in [0, 1] of the environment (§4 boundaries)."""
    if not 0 <= share <= 1:
        raise ValueError(f"a share must lie between 0 and 1, got {share}")
    if share > THREE_QUARTERS:
        return Impact.WIDESPREAD
    if share >= ONE_HALF:
        return Impact.LARGE
    if share >= ONE_QUARTER:
        return Impact.LOCALIZED
    return Impact.INDIVIDUALIZED


@dataclass(frozen=True)
class ImpactShare:
    """Impact stated as affected users out of the environment's users.

    `total_users` None means "take the customer's number of users from the tenant read
    model" (see `assess_impact`).
    """

    affected_users: int
    total_users: int | None = None


Assessment = Impact | ImpactShare
"""What the partner states about impact: a level, or a share of users."""


def _count_reasons(value: object, field: str, minimum: int) -> list[Reason]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [Reason("not_a_whole_number", f"{field} must be a whole number", field)]
    if value < minimum:
        return [Reason("count_too_small", f"{field} must be at least {minimum}", field)]
    return []


def assess_impact(
    given: Assessment | str, known_users: int | None = None
) -> tuple[Impact, Fraction | None]:
    """The impact level (and the exact share, when one was given) of the partner's statement.

    A share needs `affected_users` ≥ 1 (a ticket affects somebody: product decision) and a
    total > 0 with affected ≤ total; when `total_users` is None, `known_users` (the tenant's
    users from the read model) is used. Raises `ValidationFailed` with one reason per
    problem (fields `impact.affected_users`, `impact.total_users`).
    """
    if isinstance(given, Impact):
        return given, None
    if isinstance(given, str):
        try:
            return Impact(given), None
        except ValueError:
            raise ValidationFailed(
                [Reason("unknown_impact", f"{given!r} is not an impact level", "impact")]
            ) from None
    total = given.total_users if given.total_users is not None else known_users
    reasons = _count_reasons(given.affected_users, "impact.affected_users", 1)
    if total is None:
        reasons.append(
            Reason(
                "total_users_unknown",
                "the number of users of the environment is unknown: state it",
                "impact.total_users",
            )
        )
    else:
        reasons += _count_reasons(total, "impact.total_users", 1)
    if not reasons and total is not None and given.affected_users > total:
        reasons.append(
            Reason(
                "affected_exceeds_total",
                f"{given.affected_users} affected users exceed the {total} users in all",
                "impact.affected_users",
            )
        )
    if reasons or total is None:
        raise ValidationFailed(reasons)
    share = Fraction(given.affected_users, total)
    return impact_of_share(share), share
