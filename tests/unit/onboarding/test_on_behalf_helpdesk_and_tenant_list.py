"""Report issue to the partner's helpdesk, and the partner administrator's tenant list (§1.6)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.onboarding.domain.access import (
    CLOUD_OPERATIONS,
    PARTNER_ADMIN,
    TENANT_ADMIN,
    OnBehalfDenied,
)
from services.onboarding.domain.errors import Forbidden, IllegalTransition
from services.onboarding.domain.on_behalf.events import PartnerHelpdeskSwitched
from services.onboarding.domain.on_behalf.on_behalf import (
    CustomerTenantAdministration,
    ResellerTenant,
)
from services.onboarding.domain.on_behalf.tenant_links import (
    ATTACH_LOGS_HINT,
    ManageableTenant,
    ReportIssueDestination,
    manageable_tenants,
    route_report_issue,
)
from shared.actor import Actor

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HELPDESK = "helpdesk@reseller.example.com"
RESELLER = "P-200100"
CUSTOMER_ADMIN = Actor(
    user_id="admin@customer.example.com", tenant_id="T-C1", roles=(TENANT_ADMIN,)
)
PARTNER_ADMIN_USER = Actor(
    user_id="pa@reseller.example.com", partner_id=RESELLER, tenant_id="T-R", roles=(PARTNER_ADMIN,)
)


def reseller() -> ResellerTenant:
    tenant, _ = ResellerTenant.request_enabling(
        "T-R",
        RESELLER,
        "reseller.example.com",
        by=PARTNER_ADMIN_USER,
        now=NOW,
        tenant_partner_id=RESELLER,
    )
    tenant.enable(
        by=Actor(user_id="ops", roles=(CLOUD_OPERATIONS,)),
        tenant_has_commercial_subscription=True,
        now=NOW,
        tenant_partner_id=RESELLER,
    )
    tenant.grant_partner_administrator(
        PARTNER_ADMIN_USER.user_id,
        user_tenant_id="T-R",
        user_is_paid=True,
        by=Actor(user_id="boss", tenant_id="T-R", roles=(TENANT_ADMIN,)),
        now=NOW,
    )
    return tenant


class TestReportIssueRouting:
    def test_report_issue_goes_to_vendor_support_until_the_partner_helpdesk_is_enabled(self):
        customer = CustomerTenantAdministration("T-C1", RESELLER)
        routing = route_report_issue(customer, HELPDESK)
        assert routing.destination is ReportIssueDestination.VENDOR_SUPPORT
        assert routing.email is None and routing.hint is None

    def test_the_customer_admin_enables_it_and_users_are_asked_to_attach_logs(self):
        customer = CustomerTenantAdministration("T-C1", RESELLER)
        events = customer.switch_partner_helpdesk(
            True, by=CUSTOMER_ADMIN, partner_helpdesk_email=HELPDESK, reseller=None, now=NOW
        )
        assert events == [
            PartnerHelpdeskSwitched(
                "T-C1", RESELLER, True, CUSTOMER_ADMIN.user_id, on_behalf=False, occurred_at=NOW
            )
        ]
        routing = route_report_issue(customer, HELPDESK)
        assert routing.destination is ReportIssueDestination.PARTNER_HELPDESK
        assert routing.email == HELPDESK
        assert routing.hint == ATTACH_LOGS_HINT
        assert "attach" in ATTACH_LOGS_HINT and "logs" in ATTACH_LOGS_HINT

    def test_the_partner_enables_it_on_behalf_of_an_opted_in_customer(self):
        partner = reseller()
        customer = CustomerTenantAdministration("T-C1", RESELLER)
        customer.opt_in(by=CUSTOMER_ADMIN, reseller=partner, now=NOW)
        [event] = customer.switch_partner_helpdesk(
            True, by=PARTNER_ADMIN_USER, partner_helpdesk_email=HELPDESK, reseller=partner, now=NOW
        )
        assert isinstance(event, PartnerHelpdeskSwitched) and event.on_behalf
        assert customer.partner_helpdesk_enabled

    def test_the_partner_cannot_enable_it_for_a_customer_that_has_not_opted_in(self):
        customer = CustomerTenantAdministration("T-C1", RESELLER)
        with pytest.raises(OnBehalfDenied) as refused:
            customer.switch_partner_helpdesk(
                True,
                by=PARTNER_ADMIN_USER,
                partner_helpdesk_email=HELPDESK,
                reseller=reseller(),
                now=NOW,
            )
        assert isinstance(refused.value, Forbidden)
        audit = refused.value.decision.audit_entry
        assert (audit.allowed, audit.action, audit.customer_tenant_id) == (
            False,
            "enable_partner_helpdesk",
            "T-C1",
        )
        assert not customer.partner_helpdesk_enabled

    def test_it_cannot_be_enabled_before_the_partner_has_set_its_helpdesk_address(self):
        customer = CustomerTenantAdministration("T-C1", RESELLER)
        with pytest.raises(IllegalTransition) as refused:
            customer.switch_partner_helpdesk(
                True, by=CUSTOMER_ADMIN, partner_helpdesk_email=None, reseller=None, now=NOW
            )
        assert refused.value.code == "partner_helpdesk_not_set"

    def test_switching_it_off_sends_report_issue_back_to_vendor_support(self):
        customer = CustomerTenantAdministration("T-C1", RESELLER)
        customer.switch_partner_helpdesk(
            True, by=CUSTOMER_ADMIN, partner_helpdesk_email=HELPDESK, reseller=None, now=NOW
        )
        customer.switch_partner_helpdesk(
            False, by=CUSTOMER_ADMIN, partner_helpdesk_email=HELPDESK, reseller=None, now=NOW
        )
        assert route_report_issue(customer, HELPDESK).destination is (
            ReportIssueDestination.VENDOR_SUPPORT
        )

    def test_without_a_helpdesk_address_on_the_partner_it_falls_back_to_vendor_support(self):
        customer = CustomerTenantAdministration("T-C1", RESELLER, partner_helpdesk_enabled=True)
        assert route_report_issue(customer, None).destination is (
            ReportIssueDestination.VENDOR_SUPPORT
        )


ROWS = [
    ManageableTenant("455700000001", "Beta Brewing", "Contact Two", RESELLER, opted_in=True),
    ManageableTenant("455700000002", "alpha Analytics", "Zoe Contact", RESELLER, opted_in=True),
    ManageableTenant("455700000003", "Gamma Garden", "Adam Contact", RESELLER, opted_in=True),
    ManageableTenant("455700000004", "Not Opted In Ltd", "Contact Four", RESELLER, opted_in=False),
    ManageableTenant("455700000005", "Other Reseller's", "Contact Five", "P-999", opted_in=True),
]


class TestTheManageableTenantList:
    def test_only_tenants_linked_to_the_reseller_and_opted_in_are_shown(self):
        shown = manageable_tenants(ROWS, RESELLER)
        assert [t.tenant_id for t in shown] == ["455700000002", "455700000001", "455700000003"]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("ALPHA", ["455700000002"]),  # name, any case
            ("0003", ["455700000003"]),  # tenant ID
            ("contact two", ["455700000001"]),  # main contact
            ("  gamma  ", ["455700000003"]),
            ("not opted", []),  # a match that is not opted in stays hidden
            ("", ["455700000002", "455700000001", "455700000003"]),
        ],
    )
    def test_search_ignores_case_over_name_tenant_id_and_main_contact(self, query, expected):
        assert [t.tenant_id for t in manageable_tenants(ROWS, RESELLER, query)] == expected

    @pytest.mark.parametrize(
        ("sort_by", "descending", "expected"),
        [
            ("name", False, ["alpha Analytics", "Beta Brewing", "Gamma Garden"]),
            ("name", True, ["Gamma Garden", "Beta Brewing", "alpha Analytics"]),
            ("tenant_id", False, ["Beta Brewing", "alpha Analytics", "Gamma Garden"]),
            ("tenant_id", True, ["Gamma Garden", "alpha Analytics", "Beta Brewing"]),
            ("main_contact", False, ["Gamma Garden", "Beta Brewing", "alpha Analytics"]),
        ],
    )
    def test_it_sorts_by_any_column_either_way(self, sort_by, descending, expected):
        shown = manageable_tenants(ROWS, RESELLER, sort_by=sort_by, descending=descending)
        assert [t.name for t in shown] == expected

    def test_an_unknown_sort_column_is_refused(self):
        with pytest.raises(ValueError):
            manageable_tenants(ROWS, RESELLER, sort_by="phone")  # type: ignore[arg-type]
