"""The topic registry: every topic the system uses, who owns it, and what it carries."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TopicKind(StrEnum):
    COMMANDS = "commands"  # imperative requests to the owning service
    EVENTS = "events"  # facts published by the owning service
    EXTERNAL = "external"  # facts published by systems outside the project
    PLATFORM = "platform"  # infrastructure (the demonstration clock)


@dataclass(frozen=True)
class Topic:
    name: str
    kind: TopicKind
    owner: str
    description: str

    @property
    def dlq(self) -> str:
        """The dead-letter topic of this topic."""
        return dead_letter_topic(self.name)


def dead_letter_topic(name: str) -> str:
    """`<topic>.dlq`: where undecodable or invalid messages of `name` are parked."""
    return f"{name}.dlq"


ORDERS_EVENTS = Topic(
    "orders.events", TopicKind.EXTERNAL, "order systems", "Orders placed, amended, cancelled"
)
CARRIER_EVENTS = Topic(
    "carrier.events",
    TopicKind.EXTERNAL,
    "carrier gateway",
    "The gaining carrier's answers to port requests",
)
ONBOARDING_COMMANDS = Topic(
    "onboarding.commands", TopicKind.COMMANDS, "onboarding", "Commands to onboarding"
)
ONBOARDING_EVENTS = Topic(
    "onboarding.events", TopicKind.EVENTS, "onboarding", "Facts from onboarding"
)
PORTING_COMMANDS = Topic("porting.commands", TopicKind.COMMANDS, "porting", "Commands to porting")
PORTING_EVENTS = Topic("porting.events", TopicKind.EVENTS, "porting", "Facts from porting")
NOTIFICATIONS_COMMANDS = Topic(
    "notifications.commands", TopicKind.COMMANDS, "notifications", "Commands to notifications"
)
NOTIFICATIONS_EVENTS = Topic(
    "notifications.events", TopicKind.EVENTS, "notifications", "Facts from notifications"
)
SUPPORT_COMMANDS = Topic("support.commands", TopicKind.COMMANDS, "support", "Commands to support")
SUPPORT_EVENTS = Topic("support.events", TopicKind.EVENTS, "support", "Facts from support")
PLATFORM_CLOCK = Topic(
    "platform.clock",
    TopicKind.PLATFORM,
    "demonstration driver",
    "Demonstration mode only: the shared clock moving forward",
)

ALL_TOPICS: tuple[Topic, ...] = (
    ORDERS_EVENTS,
    CARRIER_EVENTS,
    ONBOARDING_COMMANDS,
    ONBOARDING_EVENTS,
    PORTING_COMMANDS,
    PORTING_EVENTS,
    NOTIFICATIONS_COMMANDS,
    NOTIFICATIONS_EVENTS,
    SUPPORT_COMMANDS,
    SUPPORT_EVENTS,
    PLATFORM_CLOCK,
)
BY_NAME = {t.name: t for t in ALL_TOPICS}


def events_topic_of(service: str) -> Topic:
    """The events topic a service publishes its facts (and command rejections) to."""
    return BY_NAME[f"{service}.events"]
