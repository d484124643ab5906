"""Capacity changes and COP uploads through the support channel (domain.md §4, seed 004)."""

from __future__ import annotations

from typing import Any

import pytest

from services.support.domain import events_requests as ev
from services.support.domain.errors import (
    BeyondConfirmedCapacity,
    IllegalTransition,
    ValidationFailed,
)
from services.support.domain.requests import CopUploadRequest, RequestStatus, TenantCapacity
from tests.unit.support.samples import utc

pytestmark = pytest.mark.unit

NOW = utc(2027, 5, 4, 14)


def capacity() -> TenantCapacity:
    return TenantCapacity.establish("tenant-gb-01", "partner-1001", 100, 40)


class TestCapacity:
    def test_features_beyond_the_confirmed_capacity_are_refused_until_confirmed(self):
        tenant = capacity()
        tenant.check_within(100, 40)
        (requested,) = tenant.request_change(NOW, "cap-1", "user-a", 150, 60)
        assert isinstance(requested, ev.CapacityChangeRequested)
        assert requested.confirmed_knowledge_workers == 100
        with pytest.raises(BeyondConfirmedCapacity) as refused:
            tenant.check_within(120, 50)
        assert [r["field"] for r in refused.value.details["reasons"]] == [
            "knowledge_workers",
            "workspace_devices",
        ]
        (confirmed,) = tenant.confirm(NOW, "cap-1", "engineer-01")
        assert isinstance(confirmed, ev.CapacityChangeConfirmed)
        tenant.check_within(150, 60)
        with pytest.raises(BeyondConfirmedCapacity):
            tenant.check_within(151, 60)

    def test_a_refused_change_leaves_the_capacity(self):
        tenant = capacity()
        tenant.request_change(NOW, "cap-1", "user-a", 500, 40)
        (refused,) = tenant.refuse(NOW, "cap-1", "engineer-01", "needs a new cluster first")
        assert isinstance(refused, ev.CapacityChangeRefused)
        assert (tenant.knowledge_workers, tenant.requests[0].status) == (100, RequestStatus.REFUSED)

    @pytest.mark.parametrize(
        ("workers", "devices", "codes"),
        [(-1, 40, ("invalid_count",)), (100, 40, ("no_change",)), (True, 40, ("invalid_count",))],
    )
    def test_invalid_requests_are_refused(self, workers, devices, codes):
        with pytest.raises(ValidationFailed) as refused:
            capacity().request_change(NOW, "cap-1", "user-a", workers, devices)
        assert refused.value.reason_codes == codes

    def test_one_pending_request_at_a_time(self):
        tenant = capacity()
        tenant.request_change(NOW, "cap-1", "user-a", 150, 60)
        with pytest.raises(ValidationFailed) as refused:
            tenant.request_change(NOW, "cap-2", "user-a", 200, 60)
        assert refused.value.reason_codes == ("capacity_change_pending",)

    def test_a_decided_request_cannot_be_decided_again(self):
        tenant = capacity()
        tenant.request_change(NOW, "cap-1", "user-a", 150, 60)
        tenant.confirm(NOW, "cap-1", "engineer-01")
        with pytest.raises(IllegalTransition):
            tenant.refuse(NOW, "cap-1", "engineer-01", "changed my mind")
        with pytest.raises(IllegalTransition):
            tenant.confirm(NOW, "cap-9", "engineer-01")


class TestCopUploads:
    def request(self, **changes):
        values: dict[str, Any] = {
            "request_id": "cop-1",
            "tenant_id": "tenant-gb-01",
            "partner_id": "partner-1001",
            "file_name": "cmterm-devicepack-example.cop.sgn",
            "purpose": "device_pack",
            "requested_by": "user-a",
            "now": NOW,
        }
        values.update(changes)
        return CopUploadRequest.request(**values)

    def test_requested_then_uploaded_with_the_install_notice(self):
        upload, (requested,) = self.request()
        assert isinstance(requested, ev.CopUploadRequested)
        (confirmed,) = upload.confirm(NOW, "engineer-01", "sftp://instance/cop/")
        assert isinstance(confirmed, ev.CopUploadConfirmed)
        assert "partner" in confirmed.install_notice and "installs" in confirmed.install_notice
        with pytest.raises(IllegalTransition):
            upload.refuse(NOW, "engineer-01", "too late")

    def test_refused_with_a_reason(self):
        upload, _ = self.request()
        with pytest.raises(ValidationFailed):
            upload.refuse(NOW, "engineer-01", " ")
        (refused,) = upload.refuse(NOW, "engineer-01", "file not published by the vendor")
        assert isinstance(refused, ev.CopUploadRefused)
        assert upload.status is RequestStatus.REFUSED

    @pytest.mark.parametrize(
        ("changes", "codes"),
        [
            ({"file_name": "firmware.zip"}, ("not_a_cop_file",)),
            ({"file_name": "../x.cop"}, ("not_a_cop_file",)),
            ({"purpose": "fun"}, ("unknown_purpose",)),
        ],
    )
    def test_invalid_uploads_are_refused(self, changes, codes):
        with pytest.raises(ValidationFailed) as refused:
            self.request(**changes)
        assert refused.value.reason_codes == codes
