"""Maintenance, outages, change requests and release end of sale (domain.md §3).

Each command is one `UseCases.handle` on its aggregate; the domain decides and the
published facts (`notifications.maintenance.*`, `…outage.*`, `…change_request.*`,
`…release.end_of_sale_announced`) are what the partners' mails are made from
(`announcements.py` consumes them), so a notice is mailed exactly when its fact is
stored. Durable timers (reminders before the start, the start itself) live on the
maintenance aggregate and follow the one clock (`platform.clock` in demonstration mode).

Authorisation (`deps.py`): cloud operations announce, start, complete and cancel work and
declare outages; release management announces end of sale; product management reviews
change requests; a partner asks for a reschedule or submits a change request for itself.
"""

from __future__ import annotations

from datetime import datetime

from services.notifications.application.deps import Deps
from services.notifications.domain.access import (
    CLOUD_OPERATIONS,
    PRODUCT_MANAGEMENT,
    RELEASE_MANAGEMENT,
    require_partner,
    require_role,
)
from services.notifications.domain.change_requests import ChangeRequest
from services.notifications.domain.errors import AlreadyExists, NotPermitted
from services.notifications.domain.maintenance import Maintenance
from services.notifications.domain.outages import Outage
from services.notifications.domain.recipients import partner_affected
from services.notifications.domain.releases import (
    CustomerRelease,
    ReleaseAnnouncement,
    ReleaseTrain,
)
from services.notifications.domain.schedule import MaintenancePlan
from shared.calendars import Region
from shared.contracts import notifications as c
from shared.events import Envelope
from shared.store import Timer
from shared.usecase import Decision


def _new(current: object | None, what: str, ident: str) -> None:
    if current is not None:
        raise AlreadyExists(f"{what} {ident} exists already", field=f"{what}_id")


async def announce(deps: Deps, cause: Envelope, cmd: c.AnnounceMaintenance) -> None:
    """Announce work in one region; refused with every broken §3 rule
    (`validation_failed`: window, weekend work, notice, reasons, joint review)."""
    approved = False
    if cmd.change_request_id:
        review = await deps.uc.load(deps.repos.change_requests, cmd.change_request_id)
        approved = review is not None and review.approved
    plan = MaintenancePlan(
        region=Region(cmd.region),
        kind=cmd.kind,  # type: ignore[arg-type]
        start=cmd.start,
        end=cmd.end,
        title=cmd.title,
        description=cmd.description,
        affected_customer_ids=tuple(cmd.affected_customer_ids),
        upgrade_reason=cmd.upgrade_reason,  # type: ignore[arg-type]
        target_release=cmd.target_release,
        emergency_reason=cmd.emergency_reason,  # type: ignore[arg-type]
        certificate_expires_at=cmd.certificate_expires_at,
        severe_vulnerability=cmd.severe_vulnerability,
        partner_requested=cmd.partner_requested,
        change_request_id=cmd.change_request_id,
    )

    def decide(current: Maintenance | None, now: datetime) -> Decision[Maintenance]:
        require_role(cmd.actor, CLOUD_OPERATIONS)
        _new(current, "maintenance", cmd.maintenance_id)
        maintenance, events = Maintenance.announce(
            cmd.maintenance_id, plan, now, deps.policy, joint_review_approved=approved
        )
        return Decision(maintenance, events)

    await deps.uc.handle(deps.repos.maintenance, cmd.maintenance_id, cause, decide)


async def request_reschedule(
    deps: Deps, cause: Envelope, cmd: c.RequestMaintenanceReschedule
) -> None:
    """A partner asks to move the work (with a reason); the domain moves it or tells
    `reschedule_refused` with every broken rule (urgent work, upgrade moved once, within a
    week of it, outside a window, the same window again: `same_window`).

    Refused `forbidden` (`action_refused`) unless the actor holds cloud operations or is a
    partner the work concerns (`recipients.partner_affected`: a contact enrolled for
    maintenance and outages in its region, or named for one of its affected customers)."""
    maintenance = await deps.uc.require(deps.repos.maintenance, cmd.maintenance_id)
    who = cmd.actor.partner_id or cmd.actor.user_id
    affected = False
    if cmd.actor.partner_id is not None and not cmd.actor.has_role(CLOUD_OPERATIONS):
        partner = await deps.uc.load(deps.repos.contacts, cmd.actor.partner_id)
        customers = await deps.directory.customers(maintenance.plan.affected_customer_ids)
        affected = partner_affected(
            cmd.actor.partner_id,
            partner,
            maintenance.plan.region,
            (x.partner_ids for x in customers),
        )

    def decide(current: Maintenance | None, now: datetime) -> Decision[Maintenance]:
        assert current is not None
        if cmd.actor.partner_id is not None and not affected:
            if not cmd.actor.has_role(CLOUD_OPERATIONS):
                raise NotPermitted(
                    f"partner {cmd.actor.partner_id} is not affected by this maintenance "
                    "(no contact enrolled in its region, none of its affected customers)",
                    field="actor",
                )
        elif not affected:
            require_role(cmd.actor, CLOUD_OPERATIONS)
        events = current.request_reschedule(
            start=cmd.start,
            end=cmd.end,
            reason=cmd.reason,
            requested_by=who,
            now=now,
            policy=deps.policy,
        )
        return Decision(current, events)

    await deps.uc.handle(deps.repos.maintenance, cmd.maintenance_id, cause, decide)


async def cancel(deps: Deps, cause: Envelope, cmd: c.CancelMaintenance) -> None:
    """Call the work off before it starts (the invite is withdrawn with METHOD:CANCEL)."""
    await deps.uc.require(deps.repos.maintenance, cmd.maintenance_id)

    def decide(current: Maintenance | None, now: datetime) -> Decision[Maintenance]:
        assert current is not None
        require_role(cmd.actor, CLOUD_OPERATIONS)
        return Decision(current, current.cancel(now, deps.policy, cmd.reason))

    await deps.uc.handle(deps.repos.maintenance, cmd.maintenance_id, cause, decide)


async def start(deps: Deps, cause: Envelope, cmd: c.StartMaintenance) -> None:
    """Operations report the work began (before its start timer)."""
    await deps.uc.require(deps.repos.maintenance, cmd.maintenance_id)

    def decide(current: Maintenance | None, now: datetime) -> Decision[Maintenance]:
        assert current is not None
        require_role(cmd.actor, CLOUD_OPERATIONS)
        return Decision(current, current.start(now, deps.policy))

    await deps.uc.handle(deps.repos.maintenance, cmd.maintenance_id, cause, decide)


async def complete(deps: Deps, cause: Envelope, cmd: c.CompleteMaintenance) -> None:
    """The work is done (an upgrade tells the release it reached)."""
    await deps.uc.require(deps.repos.maintenance, cmd.maintenance_id)

    def decide(current: Maintenance | None, now: datetime) -> Decision[Maintenance]:
        assert current is not None
        require_role(cmd.actor, CLOUD_OPERATIONS)
        events = current.complete(now, deps.policy, cmd.summary, cmd.upgraded_to)
        return Decision(current, events)

    await deps.uc.handle(deps.repos.maintenance, cmd.maintenance_id, cause, decide)


async def fire_maintenance_timer(deps: Deps, maintenance_id: str, timer: Timer) -> None:
    """A reminder (72 h, 24 h before) or the start is due; one from an older schedule
    changes nothing."""

    def decide(current: Maintenance | None, now: datetime) -> Decision[Maintenance] | None:
        if current is None:
            return None
        return Decision(current, current.on_timer(timer.id, timer.kind, now, deps.policy))

    await deps.uc.fire(deps.repos.maintenance, maintenance_id, timer, decide)


async def declare_outage(deps: Deps, cause: Envelope, cmd: c.DeclareOutage) -> None:
    """An outage of core services: every enrolled contact of the regions is told at once."""

    def decide(current: Outage | None, now: datetime) -> Decision[Outage]:
        require_role(cmd.actor, CLOUD_OPERATIONS)
        _new(current, "outage", cmd.outage_id)
        outage, events = Outage.declare(
            cmd.outage_id,
            regions=cmd.regions,
            services=cmd.services,
            summary=cmd.summary,
            started_at=cmd.started_at,
            now=now,
        )
        return Decision(outage, events)

    await deps.uc.handle(deps.repos.outages, cmd.outage_id, cause, decide)


async def resolve_outage(deps: Deps, cause: Envelope, cmd: c.ResolveOutage) -> None:
    """The outage is over; refused when it was resolved already."""
    await deps.uc.require(deps.repos.outages, cmd.outage_id)

    def decide(current: Outage | None, now: datetime) -> Decision[Outage]:
        assert current is not None
        require_role(cmd.actor, CLOUD_OPERATIONS)
        return Decision(current, current.resolve(now, cmd.summary or None))

    await deps.uc.handle(deps.repos.outages, cmd.outage_id, cause, decide)


async def submit_change_request(deps: Deps, cause: Envelope, cmd: c.SubmitChangeRequest) -> None:
    """A partner's change goes to a joint review before anything is scheduled."""

    def decide(current: ChangeRequest | None, now: datetime) -> Decision[ChangeRequest]:
        require_partner(cmd.actor, cmd.partner_id, CLOUD_OPERATIONS)
        _new(current, "change_request", cmd.change_request_id)
        request, events = ChangeRequest.submit(
            cmd.change_request_id,
            partner_id=cmd.partner_id,
            region=Region(cmd.region),
            summary=cmd.summary,
            now=now,
        )
        return Decision(request, events)

    await deps.uc.handle(deps.repos.change_requests, cmd.change_request_id, cause, decide)


async def approve_change_request(deps: Deps, cause: Envelope, cmd: c.ApproveChangeRequest) -> None:
    """Product management approves the change (it may then be announced)."""
    await deps.uc.require(deps.repos.change_requests, cmd.change_request_id)

    def decide(current: ChangeRequest | None, now: datetime) -> Decision[ChangeRequest]:
        assert current is not None
        require_role(cmd.actor, PRODUCT_MANAGEMENT)
        return Decision(current, current.approve(now, cmd.actor.user_id))

    await deps.uc.handle(deps.repos.change_requests, cmd.change_request_id, cause, decide)


async def decline_change_request(deps: Deps, cause: Envelope, cmd: c.DeclineChangeRequest) -> None:
    """Product management declines the change, with the reason the partner is told."""
    await deps.uc.require(deps.repos.change_requests, cmd.change_request_id)

    def decide(current: ChangeRequest | None, now: datetime) -> Decision[ChangeRequest]:
        assert current is not None
        require_role(cmd.actor, PRODUCT_MANAGEMENT)
        return Decision(current, current.decline(now, cmd.actor.user_id, cmd.reason))

    await deps.uc.handle(deps.repos.change_requests, cmd.change_request_id, cause, decide)


async def announce_end_of_sale(deps: Deps, cause: Envelope, cmd: c.AnnounceEndOfSale) -> None:
    """A new release: each partner with customers below n-1 is told which must upgrade,
    to what, in which proposed window (one fact per partner)."""
    train = ReleaseTrain(tuple(cmd.releases))
    customers = [
        CustomerRelease(
            customer_id=x.customer_id,
            customer_name=x.customer_name,
            partner_id=x.partner_id,
            region=Region(x.region),
            release=x.release,
        )
        for x in cmd.customers
    ]

    def decide(current: ReleaseAnnouncement | None, now: datetime) -> Decision[ReleaseAnnouncement]:
        require_role(cmd.actor, RELEASE_MANAGEMENT, CLOUD_OPERATIONS)
        _new(current, "release", cmd.release_id)
        announcement, events = ReleaseAnnouncement.announce(
            cmd.release_id, train, customers, now, deps.policy
        )
        return Decision(announcement, events)

    await deps.uc.handle(deps.repos.releases, cmd.release_id, cause, decide)
