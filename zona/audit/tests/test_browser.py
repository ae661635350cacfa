"""The audit log in a real browser, on a laptop and on a phone (issue 8, §7)."""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import expect

from zona.accounts.testing import DEFAULT_PASSWORD
from zona.audit.selectors import audit_events_for
from zona.audit.services import audit_record


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_the_audit_log_reads_as_sentences(request, world, login, device, screenshot):
    with transaction.atomic():
        admin = world["agency_admin"]
        audit_record(
            actor=admin,
            action="survey.campaign_updated",
            target=world.bandung,
            unit=world.bandung,
            details={
                "before": {"name": "SKM 2026", "year": 2026},
                "after": {"name": "SKM I", "year": 2026},
            },
        )
        audit_record(
            actor=admin,
            action="role.assigned",
            target=world["operator"],
            unit=world.bandung,
            details={"role": "unit_operator", "covers_subtree": False, "lke_areas": ["1", "2"]},
        )
        audit_record(
            actor=admin,
            action="survey.instrument_loaded",
            unit=world.bandung,
            details={"file": "/srv/zona/surveys/skm.yaml", "key": "skm"},
        )
    pg = request.getfixturevalue(device)
    login(pg, "agency_admin", DEFAULT_PASSWORD)
    pg.goto(pg.base_url + "/audit/")
    table = pg.locator("[data-testid=audit-table]").inner_text()
    assert "Kampanye survei diubah" in table
    assert "kunci: skm" in table
    assert "SKM 2026 → SKM I" in table
    assert "Operator unit" in table
    assert "/srv/zona" not in table
    assert "{" not in table
    pg.select_option("select[name=action]", "role.assigned")
    pg.locator("[data-testid=audit-filters] button[type=submit]").click()
    pg.wait_for_url("**action=role.assigned*")
    # The world's own role assignments are audited too: the filter shows exactly the role
    # assignments in the admin's scope, ours among them.
    assigned = audit_events_for(admin, action="role.assigned").count()
    assert world.new_events().filter(action="role.assigned").count() == 1
    expect(pg.locator("[data-testid=audit-table] tbody tr")).to_have_count(assigned)
    expect(pg.locator("[data-testid=audit-table]")).not_to_contain_text("Kampanye survei")
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    pg.goto(pg.base_url + "/audit/")
    screenshot(pg, f"audit-{device}")
