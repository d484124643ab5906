"""A ticket's durable timers: breach, escalation levels, missed updates, closing (§4).

`pending_timers` lists, from the ticket's state alone, the timers that must be pending
now, each with a deterministic id; the application stores them as `shared.store.Timer`s
(id, kind, due_at, data) after every change. `fire` handles one due timer and is a no-op
when the timer is stale (the ticket moved on) or already handled, so a timer that fires
twice, late, or on two instances has one effect:

- `response_breach` — unacknowledged one millisecond after the due instant: one
  `support.ticket.response_breached` per response plan, then the escalation walk;
- `response_escalation` — the next level of that walk (delays from the previous level,
  elapsed); a late firing catches up every level reached, one event per level;
- `status_update_missed` / `status_update_escalation` — the same for a status and action
  plan not given in time;
- `observation_end` / `auto_close` — a resolved ticket closes by itself.

Walks run from the exact breach instant (not from when the timer fired), so a late
instance does not shift the later levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.support.domain import clocks
from services.support.domain import events as ev
from services.support.domain.policy import SupportPolicy
from services.support.domain.ticket_state import TicketState
from services.support.domain.values import Side, TicketStatus

RESPONSE_BREACH = "response_breach"
RESPONSE_ESCALATION = "response_escalation"
UPDATE_MISSED = "status_update_missed"
UPDATE_ESCALATION = "status_update_escalation"
OBSERVATION_END = "observation_end"
AUTO_CLOSE = "auto_close"
SYSTEM = "system"

_UPDATES_DUE = frozenset({TicketStatus.ACKNOWLEDGED, TicketStatus.IN_PROGRESS})


@dataclass(frozen=True)
class PendingTimer:
    """A timer the ticket needs: fire `kind` with `data` at `due_at` (UTC); `id` is stable."""

    id: str
    kind: str
    due_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


class TicketTimers(TicketState):
    """Timer planning and firing on top of the ticket's state."""

    def pending_timers(self, policy: SupportPolicy) -> list[PendingTimer]:
        """Every timer that must be pending now (none for a closed ticket)."""
        timers: list[PendingTimer] = []
        tid = self.ticket_id
        plan = self.response_plan
        if self.status is TicketStatus.OPENED:
            if plan.breached_at is None:
                timers.append(
                    PendingTimer(
                        f"{tid}:response:{plan.plan}:breach",
                        RESPONSE_BREACH,
                        clocks.breach_at(plan.due_at),
                        {"plan": plan.plan},
                    )
                )
            else:
                timers += self._next_level(
                    RESPONSE_ESCALATION, f"response:{plan.plan}", "plan", plan.plan,
                    plan.breached_at, plan.levels_reached, policy,
                )  # fmt: skip
        update = self.update_round
        if update is not None and self.status in _UPDATES_DUE:
            if update.missed_at is None:
                timers.append(
                    PendingTimer(
                        f"{tid}:update:{update.round}:missed",
                        UPDATE_MISSED,
                        clocks.breach_at(update.due_at),
                        {"round": update.round},
                    )
                )
            else:
                timers += self._next_level(
                    UPDATE_ESCALATION, f"update:{update.round}", "round", update.round,
                    update.missed_at, update.levels_reached, policy,
                )  # fmt: skip
        if self.status is TicketStatus.UNDER_OBSERVATION and self.observation_until is not None:
            timers.append(
                PendingTimer(
                    f"{tid}:observation:{self.resolutions}",
                    OBSERVATION_END,
                    self.observation_until,
                    {"resolution": self.resolutions},
                )
            )
        if self.status is TicketStatus.RESOLVED and self.resolved_at is not None:
            timers.append(
                PendingTimer(
                    f"{tid}:auto_close:{self.resolutions}",
                    AUTO_CLOSE,
                    clocks.ceil_ms(self.resolved_at + policy.auto_close_after),
                    {"resolution": self.resolutions},
                )
            )
        return timers

    def _next_level(
        self,
        kind: str,
        prefix: str,
        key: str,
        number: int,
        started_at: datetime,
        reached: int,
        policy: SupportPolicy,
    ) -> list[PendingTimer]:
        times = clocks.escalation_times(started_at, policy.escalation_levels)
        if reached >= len(times):
            return []
        level = reached + 1
        return [
            PendingTimer(
                f"{self.ticket_id}:{prefix}:level:{level}",
                kind,
                clocks.ceil_ms(times[reached]),
                {key: number, "level": level},
            )
        ]

    # -- firing ----------------------------------------------------------------------

    def fire(
        self, kind: str, data: dict[str, Any], now: datetime, policy: SupportPolicy
    ) -> list[ev.TicketEvent]:
        """Handle one due timer; [] when it is stale, early or already handled."""
        now = clocks.aware(now)
        handlers = {
            RESPONSE_BREACH: self._fire_breach,
            RESPONSE_ESCALATION: self._fire_response_escalation,
            UPDATE_MISSED: self._fire_update_missed,
            UPDATE_ESCALATION: self._fire_update_escalation,
            OBSERVATION_END: self._fire_close,
            AUTO_CLOSE: self._fire_close,
        }
        handler = handlers.get(kind)
        return [] if handler is None else handler(data, now, policy)

    def _fire_breach(
        self, data: dict[str, Any], now: datetime, policy: SupportPolicy
    ) -> list[ev.TicketEvent]:
        plan = self.response_plan
        if self.status is not TicketStatus.OPENED or data.get("plan") != plan.plan:
            return []
        breached = clocks.breach_at(plan.due_at)
        if plan.breached_at is not None or now < breached:
            return []
        plan.breached_at = breached
        self._record(now, Side.SYSTEM, SYSTEM, "response_breached", self.status)
        events: list[ev.TicketEvent] = [
            ev.TicketResponseBreached(
                **self._meta(now),
                plan=plan.plan,
                response_objective=plan.objective.describe(),
                response_due_at=plan.due_at,
                response_due_local=self.local(plan.due_at),
                breached_at=breached,
            )
        ]
        return events + self._fire_response_escalation({"plan": plan.plan}, now, policy)

    def _fire_response_escalation(
        self, data: dict[str, Any], now: datetime, policy: SupportPolicy
    ) -> list[ev.TicketEvent]:
        plan = self.response_plan
        if self.status is not TicketStatus.OPENED or data.get("plan") != plan.plan:
            return []
        if plan.breached_at is None:
            return []
        events, plan.levels_reached = self._walk(
            ev.EscalationCause.RESPONSE_BREACHED, plan.plan, plan.breached_at,
            plan.levels_reached, now, policy,
        )  # fmt: skip
        return events

    def _fire_update_missed(
        self, data: dict[str, Any], now: datetime, policy: SupportPolicy
    ) -> list[ev.TicketEvent]:
        update = self.update_round
        if update is None or self.status not in _UPDATES_DUE or data.get("round") != update.round:
            return []
        missed = clocks.breach_at(update.due_at)
        if update.missed_at is not None or now < missed:
            return []
        update.missed_at = missed
        self._record(now, Side.SYSTEM, SYSTEM, "status_update_missed", self.status)
        events: list[ev.TicketEvent] = [
            ev.TicketStatusUpdateMissed(
                **self._meta(now),
                round=update.round,
                update_due_at=update.due_at,
                update_due_local=self.local(update.due_at),
            )
        ]
        return events + self._fire_update_escalation({"round": update.round}, now, policy)

    def _fire_update_escalation(
        self, data: dict[str, Any], now: datetime, policy: SupportPolicy
    ) -> list[ev.TicketEvent]:
        update = self.update_round
        if update is None or self.status not in _UPDATES_DUE or data.get("round") != update.round:
            return []
        if update.missed_at is None:
            return []
        events, update.levels_reached = self._walk(
            ev.EscalationCause.STATUS_UPDATE_MISSED, update.round, update.missed_at,
            update.levels_reached, now, policy,
        )  # fmt: skip
        return events

    def _walk(
        self,
        cause: ev.EscalationCause,
        number: int,
        started_at: datetime,
        reached: int,
        now: datetime,
        policy: SupportPolicy,
    ) -> tuple[list[ev.TicketEvent], int]:
        """Escalate every level reached at `now` beyond `reached`: one event per level."""
        levels = policy.escalation_levels
        times = clocks.escalation_times(started_at, levels)
        now_reached = clocks.levels_reached(started_at, levels, now)
        events: list[ev.TicketEvent] = []
        for index in range(reached, now_reached):
            level = levels[index]
            self._record(
                now, Side.SYSTEM, SYSTEM, "escalated", self.status, f"{cause} level {index + 1}"
            )
            following = times[index + 1] if index + 1 < len(times) else None
            events.append(
                ev.TicketEscalated(
                    **self._meta(now),
                    cause=cause,
                    round=number,
                    level=index + 1,
                    level_name=level.name,
                    contacts=level.contacts,
                    reached_at=times[index],
                    next_level_at=following,
                    next_level_local=self.local(following) if following else None,
                )
            )
        return events, max(reached, now_reached)

    def _fire_close(
        self, data: dict[str, Any], now: datetime, policy: SupportPolicy
    ) -> list[ev.TicketEvent]:
        if data.get("resolution") != self.resolutions or self.resolved_at is None:
            return []
        if self.status is TicketStatus.UNDER_OBSERVATION:
            due = self.observation_until
        elif self.status is TicketStatus.RESOLVED:
            due = clocks.ceil_ms(self.resolved_at + policy.auto_close_after)
        else:
            return []
        if due is None or now < due:
            return []
        self.closed_at = now
        self._record(now, Side.SYSTEM, SYSTEM, "closed", TicketStatus.CLOSED)
        return [
            ev.TicketClosed(
                **self._meta(now), closed_by=SYSTEM, side=Side.SYSTEM, automatically=True
            )
        ]
