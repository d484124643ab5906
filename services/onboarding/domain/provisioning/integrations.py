"""Integrations with external systems for a customer group (§1.4).

The reporting partition (the seed's Akixi section) and the call-recording customer (its
Call Cabinet section) are *requests* to external systems: a request value with the exact
field mapping, and a `ProvisioningRequest` aggregate for its outcome
(requested → done | failed(reason), retry after a failure). Fields the guide fixes
("Service Provider Group", "By Service Pack", maintain parity, "1000 Supervisor",
"Standard Reports", the essential customer type) are not left to the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum

from services.onboarding.domain.errors import (
    Duplicate,
    Forbidden,
    IllegalTransition,
    Reason,
    ValidationFailed,
)
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.partners.partners import email_reason
from services.onboarding.domain.provisioning.events import (
    ProvisioningCompleted,
    ProvisioningFailed,
    ProvisioningRequested,
    RecordingLicencesApplied,
    ReportingPartitionSynchronised,
)

SERVICE_PROVIDER_GROUP = "Service Provider Group"
BY_SERVICE_PACK = "By Service Pack"
REPORTING_ONLY_USER = "Reporting Only User"
SUPERVISOR_1000 = "1000 Supervisor"
STANDARD_REPORTS = "Standard Reports"
ANY_PARTITION = "Any Partition"
ESSENTIAL = "essential"  # "Add New Essential Customer"; the plain type breaks billing


class AnyPartitionForPartnerStaffOnly(Forbidden):
    """The "Any Partition" permission shows every customer's reports: partner staff only."""

    code = "any_partition_for_partner_staff_only"


class PartitionNotOwn(Forbidden):
    """A customer's reporting admin sees only the customer's own partition."""

    code = "partition_not_own"


class CustomerTypeNotEssential(ValidationFailed):
    code = "customer_type_not_essential"


class TermsNotAccepted(ValidationFailed):
    code = "terms_not_accepted"


class RecordingCustomerMissing(IllegalTransition):
    """Recording licences are applied only once the call-recording customer exists."""

    code = "recording_customer_missing"


def _missing(**values: str) -> list[Reason]:
    return [Reason("missing", f"{k} is required", k) for k, v in values.items() if not v.strip()]


def reporting_username_key(username: str) -> str:
    """(product decision) reporting usernames are unique ignoring case."""
    return username.strip().casefold()


@dataclass(frozen=True)
class ReportingAdminUser:
    """A reporting-only admin user, restricted to one partition unless partner staff."""

    username: str
    email: str
    partition: str  # the customer's group ID, or ANY_PARTITION (partner staff only)
    partner_staff: bool = False
    password_change_required: bool = True  # the three recommended options, on by default
    send_welcome_email: bool = True
    enable_mfa: bool = True
    role: str = field(default=REPORTING_ONLY_USER, init=False)
    reporting_level: str = field(default=SUPERVISOR_1000, init=False)
    default_reports: str = field(default=STANDARD_REPORTS, init=False)

    def __post_init__(self) -> None:
        reasons = _missing(username=self.username, partition=self.partition)
        if problem := email_reason(self.email, "email"):
            reasons.append(problem)
        if reasons:
            raise ValidationFailed(reasons)
        if self.partition == ANY_PARTITION and not self.partner_staff:
            raise AnyPartitionForPartnerStaffOnly(
                "a customer's reporting admin is restricted to the customer's own partition",
                details={"username": self.username},
            )


@dataclass(frozen=True)
class ReportingPartitionRequest:
    """A reporting partition for one customer group, mapped field by field from the guide."""

    description: str  # the customer's name
    billing_tag: str  # the customer ID
    licence_type: str
    provider_id: str  # the partner ID
    group_id: str
    immediate_sync: bool = False  # "Perform Synchronisation now"
    admin_users: tuple[ReportingAdminUser, ...] = ()
    telephony_server_type: str = field(default=SERVICE_PROVIDER_GROUP, init=False)
    synchronisation: str = field(default=BY_SERVICE_PACK, init=False)
    maintain_parity: bool = field(default=True, init=False)  # nightly sync

    @classmethod
    def for_customer(
        cls,
        *,
        customer_name: str,
        customer_id: str,
        licence_type: str,
        partner_id: str,
        group_id: str,
        immediate_sync: bool = False,
        admin_users: Iterable[ReportingAdminUser] = (),
        customer_partner_ids: Collection[str] | None,
    ) -> ReportingPartitionRequest:
        """The partition of one of the partner's customers: the billing tag is the customer
        ID, which onboarding's orders must give to this partner (`customer_partner_ids`:
        the partners they name; None: no such customer), not the command's word."""
        if customer_partner_ids is None or partner_id not in customer_partner_ids:
            raise ValidationFailed(
                [
                    Reason(
                        "customer_not_of_partner",
                        f"customer {customer_id} is not a customer of partner {partner_id}",
                        "customer_id",
                    )
                ]
            )
        return cls(
            description=customer_name,
            billing_tag=customer_id,
            licence_type=licence_type,
            provider_id=partner_id,
            group_id=group_id,
            immediate_sync=immediate_sync,
            admin_users=tuple(admin_users),
        )

    def __post_init__(self) -> None:
        reasons = _missing(
            description=self.description,
            billing_tag=self.billing_tag,
            licence_type=self.licence_type,
            provider_id=self.provider_id,
            group_id=self.group_id,
        )
        if reasons:
            raise ValidationFailed(reasons)
        seen: set[str] = set()
        for user in self.admin_users:
            if not user.partner_staff and user.partition != self.group_id:
                raise PartitionNotOwn(
                    f"{user.username} may see only partition {self.group_id}",
                    details={"username": user.username, "partition": user.partition},
                )
            key = reporting_username_key(user.username)
            if key in seen:
                raise Duplicate(f"{user.username} is used twice", code="reporting_username_taken")
            seen.add(key)


@dataclass(frozen=True)
class CallRecordingCustomerRequest:
    """An *essential* call-recording customer for one group."""

    company_name: str
    dealer_code: str  # the customer reference number, else the customer's name
    billing_code: str  # the same
    group_id: str
    provider_id: str  # the partner ID
    admin_name: str
    admin_email: str  # gets the welcome email
    terms_accepted: bool
    customer_type: str = ESSENTIAL
    admin_welcome_email: bool = field(default=True, init=False)

    @classmethod
    def for_customer(
        cls,
        *,
        customer_name: str,
        customer_reference: str | None,
        group_id: str,
        partner_id: str,
        admin_name: str,
        admin_email: str,
        terms_accepted: bool,
    ) -> CallRecordingCustomerRequest:
        code = (customer_reference or "").strip() or customer_name
        return cls(
            customer_name, code, code, group_id, partner_id, admin_name, admin_email, terms_accepted
        )

    def __post_init__(self) -> None:
        if self.customer_type != ESSENTIAL:
            raise CustomerTypeNotEssential(
                [
                    Reason(
                        CustomerTypeNotEssential.code,
                        "create an essential customer",
                        "customer_type",
                    )
                ]
            )
        if not self.terms_accepted:
            raise TermsNotAccepted(
                [Reason(TermsNotAccepted.code, "the terms must be accepted", "terms_accepted")]
            )
        reasons = _missing(
            company_name=self.company_name,
            dealer_code=self.dealer_code,
            billing_code=self.billing_code,
            group_id=self.group_id,
            provider_id=self.provider_id,
            admin_name=self.admin_name,
        )
        if problem := email_reason(self.admin_email, "admin_email"):
            reasons.append(problem)
        if reasons:
            raise ValidationFailed(reasons)


class ProvisioningKind(StrEnum):
    REPORTING_PARTITION = "reporting_partition"
    CALL_RECORDING_CUSTOMER = "call_recording_customer"


class ProvisioningState(StrEnum):
    REQUESTED = "requested"
    DONE = "done"
    FAILED = "failed"


@dataclass
class ProvisioningRequest:
    """One request to an external system and its outcome."""

    request_id: str
    payload: ReportingPartitionRequest | CallRecordingCustomerRequest
    state: ProvisioningState = ProvisioningState.REQUESTED
    attempts: int = 1
    failure_reason: str | None = None
    external_id: str | None = None
    synchronised_at: datetime | None = None  # reporting partitions: "synchronisation completed"

    @property
    def kind(self) -> ProvisioningKind:
        if isinstance(self.payload, ReportingPartitionRequest):
            return ProvisioningKind.REPORTING_PARTITION
        return ProvisioningKind.CALL_RECORDING_CUSTOMER

    @property
    def partner_id(self) -> str:
        return self.payload.provider_id

    @property
    def group_id(self) -> str:
        return self.payload.group_id

    @property
    def synchronisation_completed(self) -> bool:
        return self.synchronised_at is not None

    @classmethod
    def request(
        cls,
        request_id: str,
        payload: ReportingPartitionRequest | CallRecordingCustomerRequest,
        *,
        now: datetime,
    ) -> tuple[ProvisioningRequest, list[DomainEvent]]:
        """Ask the external system to create what `payload` describes."""
        if not request_id.strip():
            raise ValidationFailed([Reason("missing", "request_id is required", "request_id")])
        request = cls(request_id, payload)
        return request, [request._requested(now)]

    def mark_done(self, *, external_id: str | None = None, now: datetime) -> list[DomainEvent]:
        """The external system created it (a repeated report changes nothing)."""
        if self.state is ProvisioningState.DONE:
            return []
        self._require(ProvisioningState.REQUESTED, "provisioning_not_pending")
        self.state, self.external_id = ProvisioningState.DONE, external_id
        return [ProvisioningCompleted(*self._ids(), external_id, occurred_at=now)]

    def mark_failed(self, reason: str, *, now: datetime) -> list[DomainEvent]:
        """The external system refused or could not be reached; `reason` says why."""
        if not reason.strip():
            raise ValidationFailed([Reason("missing", "a failure needs a reason", "reason")])
        self._require(ProvisioningState.REQUESTED, "provisioning_not_pending")
        self.state, self.failure_reason = ProvisioningState.FAILED, reason.strip()
        return [ProvisioningFailed(*self._ids(), reason.strip(), self.attempts, occurred_at=now)]

    def retry(self, *, now: datetime) -> list[DomainEvent]:
        """Request again after a failure."""
        self._require(ProvisioningState.FAILED, "provisioning_not_failed")
        self.state, self.failure_reason = ProvisioningState.REQUESTED, None
        self.attempts += 1
        return [self._requested(now)]

    def mark_synchronised(self, *, now: datetime) -> list[DomainEvent]:
        """The partition shows "synchronisation completed"."""
        if self.kind is not ProvisioningKind.REPORTING_PARTITION:
            raise IllegalTransition("only a reporting partition", code="not_a_reporting_partition")
        self._require(ProvisioningState.DONE, "partition_not_created")
        if self.synchronised_at is not None:
            return []
        self.synchronised_at = now
        return [
            ReportingPartitionSynchronised(
                self.request_id, self.partner_id, self.group_id, occurred_at=now
            )
        ]

    def _ids(self) -> tuple[str, str, str, str]:
        return (self.request_id, self.kind.value, self.partner_id, self.group_id)

    def _requested(self, now: datetime) -> ProvisioningRequested:
        payload = asdict(self.payload)
        return ProvisioningRequested(*self._ids(), payload, self.attempts, occurred_at=now)

    def _require(self, state: ProvisioningState, code: str) -> None:
        if self.state is not state:
            raise IllegalTransition(
                f"request {self.request_id} is {self.state}, not {state}", code=code
            )


def apply_recording_licences(
    group_id: str,
    user_ids: Iterable[str],
    recording_customer: ProvisioningRequest | None,
    *,
    now: datetime,
) -> list[DomainEvent]:
    """Recording licences go to users only once the group's call-recording customer exists."""
    users = tuple(dict.fromkeys(u for u in user_ids if u.strip()))
    if not users:
        raise ValidationFailed([Reason("missing", "at least one user", "user_ids")])
    if (
        recording_customer is None
        or recording_customer.kind is not ProvisioningKind.CALL_RECORDING_CUSTOMER
        or recording_customer.group_id != group_id
        or recording_customer.state is not ProvisioningState.DONE
    ):
        raise RecordingCustomerMissing(
            f"group {group_id} has no call-recording customer yet", details={"group_id": group_id}
        )
    return [
        RecordingLicencesApplied(recording_customer.partner_id, group_id, users, occurred_at=now)
    ]
