"""Device set-up for a user (§1.6): vendor phone, third-party SIP device, or none.

Who acts was decided before (`on_behalf.tenant_actions`): the customer's admin, the user for
their own vendor phone, or a partner administrator authorised and audited on behalf.
PINs are scrypt-hashed and the SIP password sealed (`adapters.admin_sealer`) before the
aggregate sees them; events only say that a credential was set. Device events carry the
customer's `reseller_partner_id`, so the partner hears about devices it set up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from services.onboarding.adapters.admin_documents import (
    DEVICES,
    device_id,
    dump_device,
    load_device,
)
from services.onboarding.adapters.admin_sealer import AesGcmSealer
from services.onboarding.application.common.core import CONTRACTS, refusing
from services.onboarding.application.deps import Deps
from services.onboarding.application.on_behalf.directory import customer_tenant
from services.onboarding.domain.access import INTEGRATION, require_held
from services.onboarding.domain.devices.devices import (
    SetUpBy,
    SipDevice,
    UserDevice,
    VendorPhonePins,
)
from services.onboarding.domain.errors import OnboardingError
from services.onboarding.domain.event import DomainEvent
from services.onboarding.domain.secrets import SecretSealer
from shared.contracts.common import revealed
from shared.contracts.onboarding import (
    AllowDeviceSelfSetup,
    DeviceActionRefusedV1,
    ReconfigureVendorPhone,
    RecordVendorPhoneConfigured,
    RemoveDevice,
    SetUpSipDevice,
    SetUpVendorPhone,
)
from shared.domain_events import to_payload
from shared.events import Envelope
from shared.usecase import Decision, Repository

DeviceAction = (
    SetUpVendorPhone | ReconfigureVendorPhone | SetUpSipDevice | RemoveDevice | AllowDeviceSelfSetup
)
Change = Callable[[UserDevice, datetime], list[DomainEvent]]

DEVICE_REPO: Repository[UserDevice] = Repository(
    collection=DEVICES,
    entity="device",
    id_field="device_id",  # `<tenant>/<user>`; the refusal names tenant and user
    load=lambda state: load_device(state["device"]),
    dump=lambda device: {"device": dump_device(device)},
    refused=DeviceActionRefusedV1,
)
"""A user's device on the use-case core."""


def sealer_for(deps: Deps) -> SecretSealer:
    """The SIP password sealer over the configured key ring."""
    keys = {k: v.get_secret_value() for k, v in deps.settings.device_secret_keys.items()}
    return AesGcmSealer.from_base64(keys, deps.settings.sealing_key_id)


def _about(tenant_id: str, user_id: str, reseller: str | None) -> Mapping[str, Any]:
    """What a device refusal tells: the tenant, the user and the customer's reseller."""
    return {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "reseller_partner_id": reseller,
        "partner_id": reseller,
    }


def _change_for(deps: Deps, action: DeviceAction, by: SetUpBy, by_user_id: str) -> Change:
    """What to do to the device; credentials are hashed or sealed here, before the domain."""
    if isinstance(action, SetUpVendorPhone):
        pins = VendorPhonePins.from_clear(
            action.deployment_pin.get_secret_value(), action.security_pin.get_secret_value()
        )
        return lambda d, now: d.set_up_vendor_phone(pins, by=by, by_user_id=by_user_id, now=now)
    if isinstance(action, ReconfigureVendorPhone):
        new_pins = None
        if action.deployment_pin is not None or action.security_pin is not None:
            new_pins = VendorPhonePins.from_clear(
                revealed(action.deployment_pin) or "", revealed(action.security_pin) or ""
            )
        return lambda d, now: d.reconfigure_vendor_phone(
            by=by, by_user_id=by_user_id, now=now, new_pins=new_pins
        )
    if isinstance(action, SetUpSipDevice):
        sip = SipDevice.from_form(
            server_address=action.server_address,
            port=action.port,
            transport=action.transport,
            sip_user_id=action.sip_user_id,
            auth_password=action.auth_password.get_secret_value(),
            sealer=sealer_for(deps),
            certificate_pem=action.certificate_pem,
        )
        return lambda d, now: d.set_up_sip_device(sip, by=by, by_user_id=by_user_id, now=now)
    if isinstance(action, RemoveDevice):
        return lambda d, now: d.remove_device(by=by, by_user_id=by_user_id, now=now)
    allowed = action.allowed
    return lambda d, now: d.allow_self_setup(allowed, by=by, by_user_id=by_user_id, now=now)


async def _apply(
    deps: Deps,
    cause: Envelope,
    tenant_id: str,
    user_id: str,
    reseller: str | None,
    change: Change,
) -> None:
    """Change the user's device (a new one when none is stored); device events carry the
    customer's reseller. Tracked by the message's CloudEvents id, as the administration
    half always was (`tests/unit/onboarding/test_command_ids.py` identifies commands so)."""
    extra = {"reseller_partner_id": reseller}

    def decide(device: UserDevice | None, now: datetime) -> Decision[UserDevice]:
        device = device or UserDevice(user_id, tenant_id)
        with refusing():
            events = change(device, now)
        return Decision(device, [to_payload(e, CONTRACTS, extra) for e in events])

    await deps.uc.handle(
        DEVICE_REPO,
        device_id(tenant_id, user_id),
        cause,
        decide,
        message_id=cause.id,
        about=_about(tenant_id, user_id, reseller),
    )


async def perform(
    deps: Deps,
    cause: Envelope,
    tenant_id: str,
    action: DeviceAction,
    by: SetUpBy,
    by_user_id: str,
) -> None:
    """Set up, reconfigure or remove the user's device, or switch self set-up."""
    tenant = await customer_tenant(deps, tenant_id)
    reseller = (tenant.administration.reseller_partner_id or None) if tenant else None
    try:
        change = _change_for(deps, action, by, by_user_id)
    except OnboardingError as error:  # credentials refused before the domain sees them
        change = _refuse(error)
    await _apply(deps, cause, tenant_id, action.user_id, reseller, change)


def _refuse(error: OnboardingError) -> Change:
    """A change that refuses: told through the core like any refusal of the device."""

    def refuse(_: UserDevice, __: datetime) -> list[DomainEvent]:
        raise error

    return refuse


async def record_configured(deps: Deps, cause: Envelope, cmd: RecordVendorPhoneConfigured) -> None:
    """The cloud device service configured the vendor phone."""
    tenant = await customer_tenant(deps, cmd.tenant_id)
    reseller = (tenant.administration.reseller_partner_id or None) if tenant else None
    try:
        require_held(cmd.actor, INTEGRATION)
    except OnboardingError as error:
        await _apply(deps, cause, cmd.tenant_id, cmd.user_id, reseller, _refuse(error))
        return
    await deps.uc.require(DEVICE_REPO, device_id(cmd.tenant_id, cmd.user_id))

    def change(device: UserDevice, now: datetime) -> list[DomainEvent]:
        return device.vendor_phone_configured(now=now)

    await _apply(deps, cause, cmd.tenant_id, cmd.user_id, reseller, change)
