"""Release management: n-2 end of sale (domain.md §3, seed 004 "Release management").

Customers run release n or n-1. When a new release arrives, n-1 becomes n-2 and enters
end of sale: every customer on it (or on anything older) must upgrade to n. Each partner is
told which of its customers are affected, the target release and a proposed window: the
first weekday window of the customer's region on or after the earliest date the upgrade
may start with the 10 business days' notice counted from the day of the announcement
(upgrades are not infrastructure work, so weekend windows are not proposed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import ClassVar

from services.notifications.domain.errors import NoReleaseToRetire
from services.notifications.domain.policy import MaintenancePolicy, aware
from shared.calendars import MaintenanceWindow, Region, WindowKind


@dataclass(frozen=True)
class ReleaseTrain:
    """Known releases, oldest first; the last is n."""

    releases: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.releases) < 2:
            raise ValueError("a release train needs at least n-1 and n")
        if len(set(self.releases)) != len(self.releases):
            raise ValueError("releases must be distinct")

    @property
    def current(self) -> str:
        """Release n."""
        return self.releases[-1]

    @property
    def previous(self) -> str:
        """Release n-1."""
        return self.releases[-2]

    @property
    def end_of_sale(self) -> str | None:
        """Release n-2, now at end of sale (None with only two releases)."""
        return self.releases[-3] if len(self.releases) >= 3 else None

    def with_new_release(self, release: str) -> ReleaseTrain:
        """The train after ``release`` arrives (n becomes n-1, n-1 becomes n-2)."""
        return ReleaseTrain((*self.releases, release))

    def supported(self, release: str) -> bool:
        """A customer on ``release`` may stay (n or n-1)."""
        return release in (self.current, self.previous)


@dataclass(frozen=True)
class CustomerRelease:
    """The release one customer runs, and who sells to it."""

    customer_id: str
    customer_name: str
    partner_id: str
    region: Region
    release: str


@dataclass(frozen=True)
class UpgradeProposal:
    """One customer that must upgrade: from which release, to which, in which window."""

    customer_id: str
    customer_name: str
    region: Region
    current_release: str
    target_release: str
    window: MaintenanceWindow


@dataclass(frozen=True)
class EndOfSaleNotice:
    """What one partner is told: its affected customers, oldest release first."""

    partner_id: str
    end_of_sale_release: str | None
    target_release: str
    upgrades: tuple[UpgradeProposal, ...]


def proposed_window(
    policy: MaintenancePolicy, region: Region | str, now: datetime
) -> MaintenanceWindow:
    """The first weekday window of ``region`` starting on or after the earliest notice date."""
    earliest = policy.earliest_start_date(region, aware(now, "now"))
    zone = policy.zone(region)
    after = datetime.combine(earliest, time(0), tzinfo=zone)
    return policy.calendar.next_window(region, after, WindowKind.WEEKDAY)


def end_of_sale_notices(
    train: ReleaseTrain,
    customers: Iterable[CustomerRelease],
    now: datetime,
    policy: MaintenancePolicy,
) -> list[EndOfSaleNotice]:
    """One notice per partner with customers not on n or n-1, ordered by partner id."""
    by_partner: dict[str, list[UpgradeProposal]] = {}
    windows: dict[Region, MaintenanceWindow] = {}
    for customer in customers:
        if train.supported(customer.release):
            continue
        region = Region(customer.region)
        if region not in windows:
            windows[region] = proposed_window(policy, region, now)
        by_partner.setdefault(customer.partner_id, []).append(
            UpgradeProposal(
                customer_id=customer.customer_id,
                customer_name=customer.customer_name,
                region=region,
                current_release=customer.release,
                target_release=train.current,
                window=windows[region],
            )
        )
    order = {release: index for index, release in enumerate(train.releases)}
    return [
        EndOfSaleNotice(
            partner_id=partner_id,
            end_of_sale_release=train.end_of_sale,
            target_release=train.current,
            upgrades=tuple(
                sorted(
                    upgrades,
                    key=lambda u: (order.get(u.current_release, -1), u.customer_name),
                )
            ),
        )
        for partner_id, upgrades in sorted(by_partner.items())
    ]


@dataclass(frozen=True, kw_only=True)
class EndOfSaleAnnounced:
    """One partner's end-of-sale notice (published once per partner)."""

    name: ClassVar[str] = "notifications.release.end_of_sale_announced"

    release_id: str
    notice: EndOfSaleNotice
    occurred_at: datetime


@dataclass(frozen=True)
class ReleaseAnnouncement:
    """A new release announced with the end of sale of n-2: who was told what."""

    release_id: str
    train: ReleaseTrain
    notices: tuple[EndOfSaleNotice, ...]
    announced_at: datetime

    @classmethod
    def announce(
        cls,
        release_id: str,
        train: ReleaseTrain,
        customers: Iterable[CustomerRelease],
        now: datetime,
        policy: MaintenancePolicy,
    ) -> tuple[ReleaseAnnouncement, list[EndOfSaleAnnounced]]:
        """Tell every partner with customers below n-1 (§3 release management).

        Raises `NoReleaseToRetire` when the train has no n-2 (fewer than three releases)
        or `release_id` is not its newest release.
        """
        if train.end_of_sale is None or train.current != release_id:
            raise NoReleaseToRetire(
                f"{release_id} must be the newest of at least three releases "
                f"(n-2 reaches end of sale); got {', '.join(train.releases)}",
                field="releases",
            )
        now = aware(now, "now")
        notices = tuple(end_of_sale_notices(train, customers, now, policy))
        announcement = cls(release_id, train, notices, now)
        return announcement, [
            EndOfSaleAnnounced(release_id=release_id, notice=n, occurred_at=now) for n in notices
        ]
