"""Onboarding's published contracts: the commands it takes (`onboarding.commands`) and the
facts it publishes (`onboarding.events`), one module per concept.

- Commands (imperative, `onboarding.<entity>.<verb>`) are our own input: unknown fields are
  refused. Each names its `actor` (who sends it, for which partner or tenant, with which
  roles) and a `request_id` chosen by the sender: the same command sent again, under any
  envelope id, has no further effect (`shared.contracts.common.PartnerCommand`). Use the
  aggregate id (partner ID, customer ID, activation request id, tenant, group) as the
  CloudEvents `subject` and Kafka key.
- Every outcome is an event on `onboarding.events` (past tense), keyed by its aggregate id
  and carrying every partner ID it concerns in its `*partner_id` fields, so notifications
  can e-mail the partners. Readers must ignore fields added later (these models do).
- A refused command is told by `onboarding.<entity>.action_refused`
  (`shared.contracts.common.ActionRefused`: nothing changed; `code` is the category —
  `forbidden`, `validation_failed`, `illegal_transition`, `duplicate`, `not_found` — and
  `reasons[].code` the rule); a command that cannot be read, or names something that does
  not exist, is dead-lettered and answered by `onboarding.command.rejected`.

Every model is importable from here as well as from its concept module (this package
re-exports them all).

Concepts: `partners` (partners and the reseller programme), `provider_onboarding`,
`customers` (customers, relationships and licences from orders), `activation` (tenant
activation and invitations), `on_behalf` (partner administration), `devices`, `groups`
(customer groups and the number inventory), `provisioning` (reporting and call recording).
"""

from __future__ import annotations

from shared.contracts.common import (
    PartnerCommand,
    Reason,
    command_already_handled_model,
    command_rejected_model,
)
from shared.contracts.onboarding import (
    activation,
    customers,
    devices,
    groups,
    on_behalf,
    partners,
    provider_onboarding,
    provisioning,
)
from shared.contracts.onboarding._base import PartnerScopedCommand, RefusalToPartner
from shared.contracts.onboarding.activation import (
    SPAM_NOTICE,
    ActivateTenant,
    ActivationActionRefusedV1,
    ActivationRequested,
    ActivationRequestForwarded,
    ActivationRequestReturned,
    AddPartnerAsCoAdministrator,
    ApproveActivationRequest,
    CoAdministratorAddedV1,
    EndCustomerIn,
    InvitationExpired,
    InvitationOverdue,
    InvitationResent,
    InvitationSent,
    LegacyEmailActionRefusedV1,
    LegacyEmailRecordedV1,
    ReasonIn,
    RecordLegacyEmail,
    ResendInvitation,
    ResubmitActivationRequest,
    ReturnActivationRequest,
    SendInvitation,
    SubmitActivationRequest,
    TenantActivatedV1,
)
from shared.contracts.onboarding.customers import (
    AssignLicence,
    CustomerActionRefusedV1,
    CustomerRecordedV1,
    CustomerSubscriptionsChangedV1,
    LicenceBalanceOut,
    LicencesUpdatedV1,
    OrderRefusedV1,
    RelationshipChangedV1,
    RelationshipRecordedV1,
    ReleaseLicences,
    TenantAssignedV1,
    UnassignLicence,
    UseLicences,
    UserLicenceAssignedV1,
    UserLicenceUnassignedV1,
)
from shared.contracts.onboarding.devices import (
    ActOnTenant,
    AllowDeviceSelfSetup,
    DeviceActionRefusedV1,
    DeviceRemovedV1,
    DeviceSelfSetupSwitchedV1,
    ReconfigureVendorPhone,
    RecordVendorPhoneConfigured,
    RemoveDevice,
    SetUpSipDevice,
    SetUpVendorPhone,
    SipDeviceSetUpV1,
    SwitchPartnerHelpdesk,
    TenantAction,
    VendorPhoneConfiguredV1,
    VendorPhoneReconfigurationRequestedV1,
    VendorPhoneSetUpV1,
)
from shared.contracts.onboarding.groups import (
    AddGroupAdminUser,
    AddNumbersToInventory,
    AssignNumbersToGroup,
    BusinessProfileNumberCleared,
    BusinessProfileNumberSet,
    CloneGroupRegisteredV1,
    CreateCustomerGroup,
    EnableVoicePortal,
    GroupActionRefusedV1,
    GroupAdminUserAdded,
    GroupAdminUserRemoved,
    GroupCreated,
    GroupNotReady,
    GroupNumbersAdded,
    GroupNumbersRemoved,
    GroupReadyForUsers,
    InventoryActionRefusedV1,
    InventoryNumbersAssigned,
    InventoryNumbersReleased,
    NewNumbersAddedToInventory,
    NumberRangeIn,
    PortedNumbersActivated,
    PortedNumbersAddedToInventory,
    PortNumbersWithdrawn,
    RegisterCloneGroup,
    ReleaseNumbersFromGroup,
    RemoveGroupAdminUser,
    SetBusinessProfileNumber,
    VoicePortalEnabled,
    VoicePortalNumberRemoved,
)
from shared.contracts.onboarding.on_behalf import (
    DataProcessingAgreementRecorded,
    EnablePartnerAdministration,
    GrantPartnerAdministrator,
    ListManageableTenants,
    ManageableTenantRow,
    ManageableTenantsListedV1,
    OnBehalfActionAuditedV1,
    OnBehalfActionDeniedV1,
    OnBehalfActionRefusedV1,
    OptInPartnerAdministration,
    OptOutPartnerAdministration,
    PartnerAdministrationEnabled,
    PartnerAdministrationOptedIn,
    PartnerAdministrationOptedOut,
    PartnerAdministrationRequested,
    PartnerAdministratorGranted,
    PartnerAdministratorRevoked,
    PartnerHelpdeskSwitched,
    RecordDataProcessingAgreement,
    ReportIssueRoutedV1,
    RequestPartnerAdministration,
    RevokePartnerAdministrator,
    RouteReportIssue,
)
from shared.contracts.onboarding.partners import (
    AccountManagerIn,
    ActivateEStore,
    Agreement,
    AgreementSigned,
    CertificationTestTaken,
    ChangePartnerContacts,
    CompleteWebinar,
    ContactIn,
    EStoreActivated,
    EStoreLinked,
    Language,
    PartnerActionRefusedV1,
    PartnerContactsChanged,
    PartnerKind,
    PartnerRegisteredV1,
    PassTermsUrl,
    RegisterAsCloudReseller,
    RegisterPartner,
    ResellerAuthorised,
    ResellerReadyToSell,
    ResellerRegistered,
    ResellerTrainingCompleted,
    SignAgreement,
    TakeCertificationTest,
    TermsUrlPassed,
    Webinar,
    WebinarCompleted,
)
from shared.contracts.onboarding.provider_onboarding import (
    ArrangeKickOffCall,
    AssignProvisioningCoordinator,
    CompleteProviderTraining,
    KickOffCallArranged,
    MakePlatformAccessLive,
    OnboardingOrderConfirmationOverdue,
    OnboardingOrderConfirmed,
    OnboardingOrderReceived,
    PartnerAccountCreated,
    PartnerSystem,
    PlatformAccessWentLive,
    ProviderTrainingCompleted,
    ProvisioningCoordinatorAssigned,
    ReceiveOnboardingOrder,
    RecordPartnerAccountCreated,
    SendOnboardingOrderConfirmation,
)
from shared.contracts.onboarding.provisioning import (
    ApplyRecordingLicences,
    ProvisioningActionRefusedV1,
    ProvisioningCompleted,
    ProvisioningFailed,
    ProvisioningRequested,
    RecordingLicencesApplied,
    RecordPartitionSynchronised,
    RecordProvisioningOutcome,
    ReportingAdminIn,
    ReportingPartitionSynchronised,
    RequestCallRecordingCustomer,
    RequestReportingPartition,
    RetryProvisioning,
)
from shared.events import Payload
from shared.topics import ONBOARDING_EVENTS

_CONCEPTS = (
    partners,
    provider_onboarding,
    customers,
    activation,
    on_behalf,
    devices,
    groups,
    provisioning,
)

COMMANDS: list[type[PartnerCommand]] = [c for concept in _CONCEPTS for c in concept.COMMANDS]
"""Every command onboarding takes."""

EVENTS: list[type[Payload]] = [e for concept in _CONCEPTS for e in concept.EVENTS]
"""Every fact onboarding publishes on `onboarding.events` (besides
`onboarding.command.rejected`)."""

PUBLISHER = "onboarding"
DESCRIPTION = (
    "Partners, relationships and licences from orders, the reseller programme, "
    "provider onboarding, tenant activation, on-behalf administration, customer "
    "groups, number inventory, reporting and call-recording provisioning"
)
PUBLISHES: dict[str, list[type[Payload]]] = {
    ONBOARDING_EVENTS.name: [
        *EVENTS,
        command_rejected_model(PUBLISHER),
        command_already_handled_model(PUBLISHER),
    ]
}
"""What onboarding publishes, per topic."""
