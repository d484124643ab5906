"""Partner administration "on behalf of" the customer admin (domain §1.6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.onboarding.domain.access import (
    CLOUD_OPERATIONS,
    PARTNER_ADMIN,
    TENANT_ADMIN,
    OnBehalfPolicy,
    authorise_on_behalf,
)
from services.onboarding.domain.errors import (
    Duplicate,
    Forbidden,
    IllegalTransition,
    ValidationFailed,
)
from services.onboarding.domain.on_behalf.events import (
    PartnerAdministrationEnabled,
    PartnerAdministrationOptedIn,
    PartnerAdministrationOptedOut,
    PartnerAdministrationRequested,
    PartnerAdministratorGranted,
    PartnerAdministratorRevoked,
)
from services.onboarding.domain.on_behalf.on_behalf import (
    CustomerTenantAdministration,
    ResellerTenant,
)
from shared.actor import Actor

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
RESELLER_PARTNER = "P-200100"
RESELLER_TENANT = "T-RESELLER-01"
OTHER_PARTNER = "P-200999"
CUSTOMER_TENANT = "T-CUSTOMER-01"

OPERATIONS = Actor(user_id="ops.engineer", roles=(CLOUD_OPERATIONS,))
RESELLER_STAFF = Actor(user_id="sales@reseller.example.com", partner_id=RESELLER_PARTNER)
RESELLER_ADMIN = Actor(
    user_id="admin@reseller.example.com",
    partner_id=RESELLER_PARTNER,
    tenant_id=RESELLER_TENANT,
    roles=(TENANT_ADMIN,),
)
PARTNER_ADMIN_USER = Actor(
    user_id="jo.bloggs@reseller.example.com",
    partner_id=RESELLER_PARTNER,
    tenant_id=RESELLER_TENANT,
    roles=(PARTNER_ADMIN,),
)
CUSTOMER_ADMIN = Actor(
    user_id="it.lead@customer.example.com", tenant_id=CUSTOMER_TENANT, roles=(TENANT_ADMIN,)
)


ENABLE: dict[str, Any] = {"by": OPERATIONS, "tenant_has_commercial_subscription": True, "now": NOW}


def requested_reseller(partner_id: str = RESELLER_PARTNER, tenant_id: str = RESELLER_TENANT):
    by = RESELLER_STAFF.model_copy(update={"partner_id": partner_id})
    tenant, _ = ResellerTenant.request_enabling(
        tenant_id, partner_id, "Reseller.example.com", by=by, now=NOW, tenant_partner_id=partner_id
    )
    return tenant


def enabled_reseller(**kwargs: str) -> ResellerTenant:
    tenant = requested_reseller(**kwargs)
    tenant.enable(**ENABLE, tenant_partner_id=tenant.partner_id)
    return tenant


def reseller_with_partner_admin() -> ResellerTenant:
    tenant = enabled_reseller()
    tenant.grant_partner_administrator(
        PARTNER_ADMIN_USER.user_id,
        user_tenant_id=RESELLER_TENANT,
        user_is_paid=True,
        by=RESELLER_ADMIN,
        now=NOW,
    )
    return tenant


def opted_in_customer(reseller: ResellerTenant, at: datetime = NOW) -> CustomerTenantAdministration:
    customer = CustomerTenantAdministration(CUSTOMER_TENANT, reseller_partner_id=RESELLER_PARTNER)
    customer.opt_in(by=CUSTOMER_ADMIN, reseller=reseller, now=at)
    return customer


class TestEnablingAReseller:
    def test_the_reseller_requests_enabling_with_its_tenant_id_and_partner_id(self):
        tenant, events = ResellerTenant.request_enabling(
            RESELLER_TENANT,
            RESELLER_PARTNER,
            "reseller.example.com",
            by=RESELLER_STAFF,
            now=NOW,
            tenant_partner_id=RESELLER_PARTNER,
        )
        assert events == [
            PartnerAdministrationRequested(
                RESELLER_TENANT,
                RESELLER_PARTNER,
                "reseller.example.com",
                RESELLER_STAFF.user_id,
                occurred_at=NOW,
            )
        ]
        assert not tenant.is_enabled

    def test_another_partner_cannot_request_enabling_for_the_reseller(self):
        someone_else = RESELLER_STAFF.model_copy(update={"partner_id": OTHER_PARTNER})
        with pytest.raises(Forbidden) as refused:
            ResellerTenant.request_enabling(
                RESELLER_TENANT,
                RESELLER_PARTNER,
                "reseller.example.com",
                by=someone_else,
                now=NOW,
                tenant_partner_id=RESELLER_PARTNER,
            )
        assert refused.value.code == "not_the_reseller"

    @pytest.mark.parametrize("owner", [OTHER_PARTNER, None], ids=["another's", "unknown"])
    def test_a_partner_cannot_request_enabling_for_a_tenant_that_is_not_its_own(self, owner):
        with pytest.raises(Forbidden) as refused:
            ResellerTenant.request_enabling(
                RESELLER_TENANT,
                RESELLER_PARTNER,
                "reseller.example.com",
                by=RESELLER_STAFF,
                now=NOW,
                tenant_partner_id=owner,
            )
        assert refused.value.code == "not_the_partners_tenant"

    def test_operations_enable_only_the_partners_own_tenant(self):
        tenant = requested_reseller()
        with pytest.raises(Forbidden) as refused:
            tenant.enable(
                by=OPERATIONS,
                tenant_has_commercial_subscription=True,
                now=NOW,
                tenant_partner_id=OTHER_PARTNER,
            )
        assert refused.value.code == "not_the_partners_tenant"
        assert not tenant.is_enabled

    def test_operations_set_the_partner_admin_id_on_a_paid_tenant(self):
        tenant = requested_reseller()
        events = tenant.enable(**ENABLE, tenant_partner_id=RESELLER_PARTNER)
        assert tenant.is_enabled
        assert tenant.partner_admin_id == RESELLER_PARTNER
        assert events == [
            PartnerAdministrationEnabled(
                RESELLER_TENANT, RESELLER_PARTNER, RESELLER_PARTNER, "ops.engineer", occurred_at=NOW
            )
        ]

    def test_enabling_a_tenant_without_a_commercial_subscription_is_refused(self):
        tenant = requested_reseller()
        with pytest.raises(IllegalTransition) as refused:
            tenant.enable(
                by=OPERATIONS,
                tenant_has_commercial_subscription=False,
                now=NOW,
                tenant_partner_id=RESELLER_PARTNER,
            )
        assert refused.value.code == "reseller_tenant_not_paid"
        assert not tenant.is_enabled

    def test_only_cloud_operations_enable(self):
        with pytest.raises(Forbidden) as refused:
            requested_reseller().enable(
                by=RESELLER_ADMIN,
                tenant_has_commercial_subscription=True,
                now=NOW,
                tenant_partner_id=RESELLER_PARTNER,
            )
        assert refused.value.code == "not_cloud_operations"

    def test_enabling_twice_is_refused(self):
        with pytest.raises(Duplicate) as refused:
            enabled_reseller().enable(**ENABLE, tenant_partner_id=RESELLER_PARTNER)
        assert refused.value.code == "reseller_already_enabled"


class TestThePartnerAdministratorRole:
    def grant(self, tenant: ResellerTenant, **overrides: object) -> list:
        args: dict = {
            "user_tenant_id": RESELLER_TENANT,
            "user_is_paid": True,
            "by": RESELLER_ADMIN,
            "now": NOW,
        }
        args.update(overrides)
        return tenant.grant_partner_administrator("jo.bloggs@reseller.example.com", **args)

    def test_the_tenant_admin_grants_it_to_a_paid_user_of_the_resellers_own_tenant(self):
        tenant = enabled_reseller()
        events = self.grant(tenant)
        assert tenant.is_partner_administrator("jo.bloggs@reseller.example.com")
        assert events == [
            PartnerAdministratorGranted(
                RESELLER_TENANT,
                RESELLER_PARTNER,
                "jo.bloggs@reseller.example.com",
                RESELLER_ADMIN.user_id,
                occurred_at=NOW,
            )
        ]

    def test_a_user_of_another_tenant_cannot_get_it(self):
        tenant = enabled_reseller()
        with pytest.raises(Forbidden) as refused:
            self.grant(tenant, user_tenant_id=CUSTOMER_TENANT)
        assert refused.value.code == "user_not_in_reseller_tenant"
        assert not tenant.partner_administrators

    def test_an_unpaid_user_cannot_get_it(self):
        with pytest.raises(Forbidden) as refused:
            self.grant(enabled_reseller(), user_is_paid=False)
        assert refused.value.code == "user_not_paid"

    def test_only_the_resellers_own_tenant_admin_grants_it(self):
        for not_allowed in (CUSTOMER_ADMIN, PARTNER_ADMIN_USER):
            with pytest.raises(Forbidden) as refused:
                self.grant(enabled_reseller(), by=not_allowed)
            assert refused.value.code == "not_reseller_tenant_admin"

    def test_it_cannot_be_granted_before_the_reseller_is_enabled(self):
        with pytest.raises(IllegalTransition) as refused:
            self.grant(requested_reseller())
        assert refused.value.code == "reseller_not_enabled"

    def test_granting_it_twice_is_refused(self):
        tenant = enabled_reseller()
        self.grant(tenant)
        with pytest.raises(Duplicate):
            self.grant(tenant)

    def test_revoking_it_denies_the_next_on_behalf_action(self):
        reseller = reseller_with_partner_admin()
        customer = opted_in_customer(reseller)
        events = reseller.revoke_partner_administrator(
            PARTNER_ADMIN_USER.user_id, by=RESELLER_ADMIN, now=NOW
        )
        assert events == [
            PartnerAdministratorRevoked(
                RESELLER_TENANT,
                RESELLER_PARTNER,
                PARTNER_ADMIN_USER.user_id,
                RESELLER_ADMIN.user_id,
                occurred_at=NOW,
            )
        ]
        decision = authorise_on_behalf(PARTNER_ADMIN_USER, customer, reseller, "users.edit", NOW)
        assert not decision.allowed
        assert [r.code for r in decision.reasons] == ["not_partner_admin"]

    def test_revoking_from_someone_without_it_is_refused(self):
        with pytest.raises(IllegalTransition) as refused:
            enabled_reseller().revoke_partner_administrator(
                "x@y.example.com", by=RESELLER_ADMIN, now=NOW
            )
        assert refused.value.code == "not_partner_administrator"


class TestOptingIn:
    def test_opting_in_before_the_reseller_is_enabled_is_refused(self):
        customer = CustomerTenantAdministration(CUSTOMER_TENANT, RESELLER_PARTNER)
        with pytest.raises(IllegalTransition) as refused:
            customer.opt_in(by=CUSTOMER_ADMIN, reseller=requested_reseller(), now=NOW)
        assert refused.value.code == "reseller_not_enabled"
        assert not customer.is_opted_in(NOW)

    def test_the_customer_admin_switches_on_administration_by_partner_domain(self):
        customer = CustomerTenantAdministration(CUSTOMER_TENANT, RESELLER_PARTNER)
        events = customer.opt_in(by=CUSTOMER_ADMIN, reseller=enabled_reseller(), now=NOW)
        assert events == [
            PartnerAdministrationOptedIn(
                CUSTOMER_TENANT,
                RESELLER_PARTNER,
                "Administration by partner reseller.example.com",
                CUSTOMER_ADMIN.user_id,
                occurred_at=NOW,
            )
        ]
        assert customer.is_opted_in(NOW)

    def test_only_the_customers_own_admin_opts_in(self):
        customer = CustomerTenantAdministration(CUSTOMER_TENANT, RESELLER_PARTNER)
        with pytest.raises(Forbidden) as refused:
            customer.opt_in(by=PARTNER_ADMIN_USER, reseller=enabled_reseller(), now=NOW)
        assert refused.value.code == "not_customer_admin"

    def test_opting_in_to_a_partner_that_is_not_the_customers_reseller_is_refused(self):
        customer = CustomerTenantAdministration(CUSTOMER_TENANT, RESELLER_PARTNER)
        stranger = enabled_reseller(partner_id=OTHER_PARTNER, tenant_id="T-OTHER")
        with pytest.raises(Forbidden) as refused:
            customer.opt_in(by=CUSTOMER_ADMIN, reseller=stranger, now=NOW)
        assert refused.value.code == "customer_not_linked"

    def test_opting_in_twice_is_refused(self):
        customer = opted_in_customer(enabled_reseller())
        with pytest.raises(Duplicate):
            customer.opt_in(by=CUSTOMER_ADMIN, reseller=enabled_reseller(), now=NOW)

    def test_opting_out_takes_effect_at_once(self):
        reseller = reseller_with_partner_admin()
        customer = opted_in_customer(reseller, at=NOW - timedelta(days=1))
        assert authorise_on_behalf(
            PARTNER_ADMIN_USER, customer, reseller, "users.edit", NOW
        ).allowed

        events = customer.opt_out(by=CUSTOMER_ADMIN, now=NOW)

        assert events == [
            PartnerAdministrationOptedOut(
                CUSTOMER_TENANT, RESELLER_PARTNER, CUSTOMER_ADMIN.user_id, occurred_at=NOW
            )
        ]
        later = NOW + timedelta(microseconds=1)
        decision = authorise_on_behalf(PARTNER_ADMIN_USER, customer, reseller, "users.edit", later)
        assert not decision.allowed
        assert [r.code for r in decision.reasons] == ["customer_not_opted_in"]

    def test_opting_out_when_not_opted_in_is_refused(self):
        customer = CustomerTenantAdministration(CUSTOMER_TENANT, RESELLER_PARTNER)
        with pytest.raises(IllegalTransition) as refused:
            customer.opt_out(by=CUSTOMER_ADMIN, now=NOW)
        assert refused.value.code == "not_opted_in"


class TestAuthorisingAnOnBehalfAction:
    def test_a_partner_admin_may_act_on_a_linked_opted_in_tenant_and_it_is_audited(self):
        reseller = reseller_with_partner_admin()
        customer = opted_in_customer(reseller)
        decision = authorise_on_behalf(PARTNER_ADMIN_USER, customer, reseller, "users.add", NOW)
        assert decision.allowed
        assert decision.reasons == ()
        entry = decision.audit_entry
        assert (entry.user_id, entry.partner_id, entry.actor_tenant_id) == (
            PARTNER_ADMIN_USER.user_id,
            RESELLER_PARTNER,
            RESELLER_TENANT,
        )
        assert (entry.customer_tenant_id, entry.action, entry.at, entry.allowed) == (
            CUSTOMER_TENANT,
            "users.add",
            NOW,
            True,
        )

    def test_a_tenant_not_linked_to_the_reseller_is_denied_and_the_denial_is_audited(self):
        reseller = reseller_with_partner_admin()
        someone_elses = CustomerTenantAdministration("T-CUSTOMER-99", OTHER_PARTNER)
        decision = authorise_on_behalf(
            PARTNER_ADMIN_USER, someone_elses, reseller, "users.add", NOW
        )
        assert not decision.allowed
        assert "customer_not_linked" in [r.code for r in decision.reasons]
        entry = decision.audit_entry
        assert not entry.allowed
        assert entry.customer_tenant_id == "T-CUSTOMER-99"
        assert entry.reasons == decision.reasons

    def test_a_linked_tenant_that_has_not_opted_in_is_denied_and_audited(self):
        reseller = reseller_with_partner_admin()
        customer = CustomerTenantAdministration(CUSTOMER_TENANT, RESELLER_PARTNER)
        decision = authorise_on_behalf(PARTNER_ADMIN_USER, customer, reseller, "users.add", NOW)
        assert [r.code for r in decision.reasons] == ["customer_not_opted_in"]
        assert decision.audit_entry.allowed is False

    def test_an_actor_without_the_partner_admin_role_is_denied(self):
        reseller = reseller_with_partner_admin()
        customer = opted_in_customer(reseller)
        without_role = PARTNER_ADMIN_USER.model_copy(update={"roles": ()})
        decision = authorise_on_behalf(without_role, customer, reseller, "users.add", NOW)
        assert [r.code for r in decision.reasons] == ["not_partner_admin"]

    def test_an_actor_of_another_tenant_is_denied(self):
        reseller = reseller_with_partner_admin()
        customer = opted_in_customer(reseller)
        elsewhere = PARTNER_ADMIN_USER.model_copy(update={"tenant_id": "T-ELSEWHERE"})
        decision = authorise_on_behalf(elsewhere, customer, reseller, "users.add", NOW)
        assert [r.code for r in decision.reasons] == ["not_reseller_tenant"]

    def test_a_reseller_that_is_not_enabled_is_denied(self):
        decision = authorise_on_behalf(
            PARTNER_ADMIN_USER,
            CustomerTenantAdministration(CUSTOMER_TENANT, RESELLER_PARTNER),
            None,
            "users.add",
            NOW,
        )
        assert "reseller_not_enabled" in [r.code for r in decision.reasons]

    def test_a_distributor_acts_only_for_customers_it_resells_itself(self):
        distributor = enabled_reseller(partner_id="P-DIST-1", tenant_id="T-DIST")
        distributor.grant_partner_administrator(
            "ops@distributor.example.com",
            user_tenant_id="T-DIST",
            user_is_paid=True,
            by=RESELLER_ADMIN.model_copy(update={"tenant_id": "T-DIST"}),
            now=NOW,
        )
        actor = Actor(
            user_id="ops@distributor.example.com",
            partner_id="P-DIST-1",
            tenant_id="T-DIST",
            roles=(PARTNER_ADMIN,),
        )
        # Orders name the distributor and the reseller; the link follows the reseller's ID.
        resold_by_another = CustomerTenantAdministration("T-CUST-A", RESELLER_PARTNER)
        resold_by_itself = CustomerTenantAdministration("T-CUST-B", "P-DIST-1")
        resold_by_itself.opt_in(
            by=CUSTOMER_ADMIN.model_copy(update={"tenant_id": "T-CUST-B"}),
            reseller=distributor,
            now=NOW,
        )
        assert not authorise_on_behalf(actor, resold_by_another, distributor, "x", NOW).allowed
        assert authorise_on_behalf(actor, resold_by_itself, distributor, "x", NOW).allowed


class TestTheDataProcessingAgreement:
    def test_a_missing_dpa_refuses_nothing_by_default(self):
        reseller = reseller_with_partner_admin()
        customer = opted_in_customer(reseller)
        assert OnBehalfPolicy().require_dpa is False
        assert authorise_on_behalf(PARTNER_ADMIN_USER, customer, reseller, "users.add", NOW).allowed

    def test_with_the_policy_on_an_action_without_a_dpa_is_denied(self):
        reseller = reseller_with_partner_admin()
        customer = opted_in_customer(reseller)
        decision = authorise_on_behalf(
            PARTNER_ADMIN_USER,
            customer,
            reseller,
            "users.add",
            NOW,
            OnBehalfPolicy(require_dpa=True),
        )
        assert [r.code for r in decision.reasons] == ["dpa_missing"]

    def test_with_the_policy_on_a_recorded_dpa_allows_the_action(self):
        reseller = reseller_with_partner_admin()
        customer = opted_in_customer(reseller)
        customer.record_dpa(
            signed_at=NOW - timedelta(days=3),
            signed_by="Data Protection Officer",
            by=CUSTOMER_ADMIN,
            now=NOW,
        )
        assert customer.dpa is not None and customer.dpa.signed_by == "Data Protection Officer"
        policy = OnBehalfPolicy(require_dpa=True)
        assert authorise_on_behalf(
            PARTNER_ADMIN_USER, customer, reseller, "users.add", NOW, policy
        ).allowed

    def test_a_dpa_signed_in_the_future_is_refused(self):
        customer = CustomerTenantAdministration(CUSTOMER_TENANT, RESELLER_PARTNER)
        with pytest.raises(ValidationFailed) as refused:
            customer.record_dpa(
                signed_at=NOW + timedelta(seconds=1), signed_by="DPO", by=CUSTOMER_ADMIN, now=NOW
            )
        assert refused.value.reason_codes == ("signed_in_future",)
