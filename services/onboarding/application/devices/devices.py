"""Device set-up for a user (§1.6): vendor phone, third-party SIP device, or none.

Who acts was decided before (`on_behalf.tenant_actions`): the customer's admin, the user for
their own vendor phone, or a partner administrator authorised and audited on behalf.
PINs are scrypt-hashed and the SIP password sealed (`adapters.admin_sealer`) before the
aggregate sees them; events only say that a credential was set. Device events carry the
customer's `reseller_partner_id`, so the partner hears about devices it set up.
"""

from __future__ import annotations

from collections.abc import Callable

from services.onboarding.adapters.admin_documents import (
    DEVICES,
    device_id,
    dump_device,
    load_device,
)
from services.onboarding.adapters.admin_sealer import AesGcmSealer
from services.onboarding.application.common.steps import Refusal, execute, refuse, require
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
from shared.events import Envelope
from shared.mongo import Document
from shared.store import Stored

DeviceAction = (
    SetUpVendorPhone | ReconfigureVendorPhone | SetUpSipDevice | RemoveDevice | AllowDeviceSelfSetup
)
Change = Callable[[UserDevice], list[DomainEvent]]


def sealer_for(deps: Deps) -> SecretSealer:
    """The SIP password sealer over the configured key ring."""
    keys = {k: v.get_secret_value() for k, v in deps.settings.device_secret_keys.items()}
    return AesGcmSealer.from_base64(keys, deps.settings.sealing_key_id)


def _refusal(tenant_id: str, user_id: str, reseller: str | None) -> Refusal:
    ids = {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "reseller_partner_id": reseller,
        "partner_id": reseller,
    }
    return Refusal(DeviceActionRefusedV1, device_id(tenant_id, user_id), ids)


def _change_for(deps: Deps, action: DeviceAction, by: SetUpBy, by_user_id: str) -> Change:
    """What to do to the device; credentials are hashed or sealed here, before the domain."""
    if isinstance(action, SetUpVendorPhone):
        pins = VendorPhonePins.from_clear(
            action.deployment_pin.get_secret_value(), action.security_pin.get_secret_value()
        )
        return lambda d: d.set_up_vendor_phone(pins, by=by, by_user_id=by_user_id, now=deps.now())
    if isinstance(action, ReconfigureVendorPhone):
        new_pins = None
        if action.deployment_pin is not None or action.security_pin is not None:
            new_pins = VendorPhonePins.from_clear(
                revealed(action.deployment_pin) or "", revealed(action.security_pin) or ""
            )
        return lambda d: d.reconfigure_vendor_phone(
            by=by, by_user_id=by_user_id, now=deps.now(), new_pins=new_pins
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
        return lambda d: d.set_up_sip_device(sip, by=by, by_user_id=by_user_id, now=deps.now())
    if isinstance(action, RemoveDevice):
        return lambda d: d.remove_device(by=by, by_user_id=by_user_id, now=deps.now())
    allowed = action.allowed
    return lambda d: d.allow_self_setup(allowed, by=by, by_user_id=by_user_id, now=deps.now())


async def _apply(
    deps: Deps,
    cause: Envelope,
    tenant_id: str,
    user_id: str,
    reseller: str | None,
    change: Change,
) -> None:
    def step(stored: Stored | None) -> tuple[Document, list[DomainEvent]]:
        device = load_device(stored.state["device"]) if stored else UserDevice(user_id, tenant_id)
        events = change(device)
        return {"device": dump_device(device)}, events

    key = device_id(tenant_id, user_id)
    refusal = _refusal(tenant_id, user_id, reseller)
    extra = {"reseller_partner_id": reseller}
    await execute(deps, cause, DEVICES, key, step, refusal, extra=extra)


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
    except OnboardingError as error:
        await refuse(deps, cause, _refusal(tenant_id, action.user_id, reseller), error)
        return
    await _apply(deps, cause, tenant_id, action.user_id, reseller, change)


async def record_configured(deps: Deps, cause: Envelope, cmd: RecordVendorPhoneConfigured) -> None:
    """The cloud device service configured the vendor phone."""
    tenant = await customer_tenant(deps, cmd.tenant_id)
    reseller = (tenant.administration.reseller_partner_id or None) if tenant else None
    try:
        require_held(cmd.actor, INTEGRATION)
    except OnboardingError as error:
        await refuse(deps, cause, _refusal(cmd.tenant_id, cmd.user_id, reseller), error)
        return
    await require(deps, DEVICES, device_id(cmd.tenant_id, cmd.user_id), "device")

    def change(device: UserDevice) -> list[DomainEvent]:
        return device.vendor_phone_configured(now=deps.now())

    await _apply(deps, cause, cmd.tenant_id, cmd.user_id, reseller, change)
