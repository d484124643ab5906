"""Integrations of a customer group (§1.4): the reporting partition and the call-recording
customer, as provisioning requests with the guide's exact field mapping and their outcome.

`onboarding.provisioning.requested` carries the mapped request for the external system's
adapter; the adapter (role `integration`) reports done / failed with a reason, and for a
partition "synchronisation completed". One request of each kind per group: its id is
`<group ID>/<kind>`; after a failure the partner asks again with `retry`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.onboarding.adapters.admin_group_documents import (
    PROVISIONING_REQUESTS,
    dump_provisioning,
    load_provisioning,
)
from services.onboarding.application.common.core import refusing
from services.onboarding.application.deps import Deps
from services.onboarding.application.groups.group_changes import (
    change_group,
    refuse_group,
    require_group,
)
from services.onboarding.application.on_behalf.directory import customer_facts
from services.onboarding.domain.access import INTEGRATION, require_held, require_partner
from services.onboarding.domain.errors import Duplicate, OnboardingError, Reason, ValidationFailed
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.groups.groups import CustomerGroup
from services.onboarding.domain.provisioning.integrations import (
    CallRecordingCustomerRequest,
    ProvisioningKind,
    ProvisioningRequest,
    ReportingAdminUser,
    ReportingPartitionRequest,
    apply_recording_licences,
)
from shared.actor import Actor
from shared.contracts.onboarding import (
    ApplyRecordingLicences,
    ProvisioningActionRefusedV1,
    RecordPartitionSynchronised,
    RecordProvisioningOutcome,
    RequestCallRecordingCustomer,
    RequestReportingPartition,
    RetryProvisioning,
)
from shared.events import Envelope
from shared.usecase import Decision, Repository

Payload = ReportingPartitionRequest | CallRecordingCustomerRequest
Act = Callable[[ProvisioningRequest, datetime], list[DomainEvent]]

PROVISIONING_REPO: Repository[ProvisioningRequest] = Repository(
    collection=PROVISIONING_REQUESTS,
    entity="provisioning",
    id_field="provisioning_id",
    load=lambda state: load_provisioning(state["request"]),
    dump=lambda request: {"request": dump_provisioning(request)},
    refused=ProvisioningActionRefusedV1,
    about=lambda request: {"partner_id": request.partner_id},
)
"""A provisioning request (`<group ID>/<kind>`) on the use-case core."""


def provisioning_id(group_id: str, kind: ProvisioningKind) -> str:
    return f"{group_id}/{kind.value}"


async def _handle(
    deps: Deps,
    cause: Envelope,
    request_id: str,
    partner_id: str | None,
    decide: Callable[[ProvisioningRequest | None, datetime], Decision[ProvisioningRequest]],
) -> None:
    """Run `decide` on the request through the core, tracked by the CloudEvents id (as the
    administration half always was); a refusal names the group's partner."""
    await deps.uc.handle(
        PROVISIONING_REPO,
        request_id,
        cause,
        decide,
        message_id=cause.id,
        about={"partner_id": partner_id},
    )


async def _refuse(
    deps: Deps, cause: Envelope, request_id: str, partner_id: str | None, error: OnboardingError
) -> None:
    """Tell a refusal through the core (stored with an existing request, told once)."""

    def decide(_: ProvisioningRequest | None, __: datetime) -> Decision[ProvisioningRequest]:
        with refusing():
            raise error

    await _handle(deps, cause, request_id, partner_id, decide)


async def _request(
    deps: Deps,
    cause: Envelope,
    actor: Actor,
    group_id: str,
    kind: ProvisioningKind,
    build: Callable[[str], Payload],
) -> None:
    group = await require_group(deps, group_id)
    request_id = provisioning_id(group.group_id, kind)
    try:
        require_partner(actor, group.partner_id)
        payload = build(group.partner_id)
    except OnboardingError as error:
        await _refuse(deps, cause, request_id, group.partner_id, error)
        return

    usernames = _reporting_usernames(payload)
    taken = await _claim_usernames(deps, request_id, group.partner_id, usernames)
    if taken:
        reasons = [
            Reason("reporting_username_taken", f"{u} is taken", "admin_users") for u in taken
        ]
        await _refuse(deps, cause, request_id, group.partner_id, ValidationFailed(reasons))
        await _release_usernames(deps, request_id, usernames)
        return

    def decide(
        existing: ProvisioningRequest | None, now: datetime
    ) -> Decision[ProvisioningRequest]:
        with refusing():
            if existing is not None:
                raise Duplicate(f"{kind.value} already requested", code="already_requested")
        request, events = ProvisioningRequest.request(request_id, payload, now=now)
        return Decision(request, events)

    await _handle(deps, cause, request_id, group.partner_id, decide)
    if usernames and await _stored_usernames(deps, request_id) != set(usernames):
        await _release_usernames(deps, request_id, usernames)  # refused: free them again


# Reporting usernames are unique across the platform (ignoring case, as the reporting
# system compares them): claimed before the request is stored, like group and user IDs.


def _reporting_usernames(payload: Payload) -> list[str]:
    if isinstance(payload, ReportingPartitionRequest):
        return sorted({u.username.casefold() for u in payload.admin_users})
    return []


async def _stored_usernames(deps: Deps, request_id: str) -> set[str]:
    request = await deps.uc.load(PROVISIONING_REPO, request_id)
    return set() if request is None else set(_reporting_usernames(request.payload))


async def _claim_usernames(
    deps: Deps, request_id: str, partner_id: str, usernames: list[str]
) -> list[str]:
    """Claim every username for the request; returns those another request holds."""
    claims = deps.claims.reporting_usernames

    async def in_use(holder: str, key: str) -> bool:
        return key in await _stored_usernames(deps, holder)

    return [u for u in usernames if not await claims.claim(u, request_id, partner_id, in_use)]


async def _release_usernames(deps: Deps, request_id: str, usernames: list[str]) -> None:
    claims = deps.claims.reporting_usernames
    for username in usernames:
        await claims.release(username, request_id)


async def request_reporting_partition(
    deps: Deps, cause: Envelope, cmd: RequestReportingPartition
) -> None:
    """Ask for the group's reporting partition (description, billing tag, provider ID, …)
    — for a customer that onboarding's orders give to the group's partner."""

    known = await customer_facts(deps, cmd.customer_id)
    partners = None
    if known is not None:
        named = (known.distributor_partner_id, known.reseller_partner_id, known.tier1_partner_id)
        partners = tuple(p for p in named if p)

    def build(partner_id: str) -> Payload:
        return ReportingPartitionRequest.for_customer(
            customer_partner_ids=partners,
            customer_name=cmd.customer_name,
            customer_id=cmd.customer_id,
            licence_type=cmd.licence_type,
            partner_id=partner_id,
            group_id=cmd.group_id,
            immediate_sync=cmd.immediate_sync,
            admin_users=[
                ReportingAdminUser(
                    username=u.username,
                    email=u.email,
                    partition=u.partition or cmd.group_id,
                    partner_staff=u.partner_staff,
                )
                for u in cmd.admin_users
            ],
        )

    kind = ProvisioningKind.REPORTING_PARTITION
    await _request(deps, cause, cmd.actor, cmd.group_id, kind, build)


async def request_call_recording_customer(
    deps: Deps, cause: Envelope, cmd: RequestCallRecordingCustomer
) -> None:
    """Ask for the group's essential call-recording customer."""

    def build(partner_id: str) -> Payload:
        return CallRecordingCustomerRequest.for_customer(
            customer_name=cmd.customer_name,
            customer_reference=cmd.customer_reference,
            group_id=cmd.group_id,
            partner_id=partner_id,
            admin_name=cmd.admin_name,
            admin_email=cmd.admin_email,
            terms_accepted=cmd.terms_accepted,
        )

    kind = ProvisioningKind.CALL_RECORDING_CUSTOMER
    await _request(deps, cause, cmd.actor, cmd.group_id, kind, build)


async def _change(
    deps: Deps, cause: Envelope, actor: Actor, request_id: str, role: str | None, act: Act
) -> None:
    """Change an existing request: by the integration (outcomes) or its partner (retry)."""
    current = await deps.uc.require(PROVISIONING_REPO, request_id)
    try:
        if role is None:
            require_partner(actor, current.partner_id)
        else:
            require_held(actor, role)
    except OnboardingError as error:
        await _refuse(deps, cause, request_id, current.partner_id, error)
        return

    def decide(request: ProvisioningRequest | None, now: datetime) -> Decision[ProvisioningRequest]:
        assert request is not None
        with refusing():
            events = act(request, now)
        return Decision(request, events)

    await _handle(deps, cause, request_id, current.partner_id, decide)


async def record_outcome(deps: Deps, cause: Envelope, cmd: RecordProvisioningOutcome) -> None:
    """The external system's adapter reports: done, or failed with a reason."""

    def act(request: ProvisioningRequest, now: datetime) -> list[DomainEvent]:
        if cmd.outcome == "done":
            return request.mark_done(external_id=cmd.external_id, now=now)
        return request.mark_failed(cmd.reason or "", now=now)

    await _change(deps, cause, cmd.actor, cmd.provisioning_id, INTEGRATION, act)


async def record_synchronised(
    deps: Deps, cause: Envelope, cmd: RecordPartitionSynchronised
) -> None:
    """The partition shows "synchronisation completed"."""

    def act(request: ProvisioningRequest, now: datetime) -> list[DomainEvent]:
        return request.mark_synchronised(now=now)

    await _change(deps, cause, cmd.actor, cmd.provisioning_id, INTEGRATION, act)


async def retry(deps: Deps, cause: Envelope, cmd: RetryProvisioning) -> None:
    """The partner asks again after a failure."""

    def act(request: ProvisioningRequest, now: datetime) -> list[DomainEvent]:
        return request.retry(now=now)

    await _change(deps, cause, cmd.actor, cmd.provisioning_id, None, act)


async def apply_licences(deps: Deps, cause: Envelope, cmd: ApplyRecordingLicences) -> None:
    """Recording licences go to users once the group's call-recording customer exists."""
    group = await require_group(deps, cmd.group_id)
    try:
        require_partner(cmd.actor, group.partner_id)
    except OnboardingError as error:
        await refuse_group(deps, cause, group.group_id, error, cmd.actor.partner_id)
        return
    kind = ProvisioningKind.CALL_RECORDING_CUSTOMER
    recording = await deps.uc.load(PROVISIONING_REPO, provisioning_id(group.group_id, kind))

    def act(g: CustomerGroup, now: datetime) -> list[DomainEvent]:
        return apply_recording_licences(g.group_id, cmd.user_ids, recording, now=now)

    await change_group(deps, cause, group.group_id, act)
