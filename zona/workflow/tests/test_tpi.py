"""TPI (issue 10 §8): gates (computed, recorded, overridden), the two stages, the panel's
decisions and confirmation, access, bad input, and the panel page's query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.workflow import handoffs
from zona.workflow.models import (
    TpiDecision,
    TpiGateFact,
    TpiGateOverride,
    TpiPanel,
    WorkflowEvent,
)
from zona.workflow.selectors.tpi import (
    GateState,
    complete_refusal,
    panel_recommended,
    sheet_gates,
)
from zona.workflow.services.tpi import (
    FactInput,
    PanelInput,
    tpi_fact_record,
    tpi_override,
    tpi_panel_confirm,
    tpi_panel_create,
    tpi_panel_decide,
    tpi_panel_update,
    tpi_return_findings,
    tpi_skip_findings,
)
from zona.workflow.tests.tpi_fixtures import extra_tpi_sheets, setup_tpi, to_tpi

pytestmark = pytest.mark.django_db


def codes(problems_of: Exception) -> list[str]:
    return [p.code for p in getattr(problems_of, "problems", [])]


def states(assessment: Any) -> dict[str, str]:
    return {r.gate.code: r.state for r in sheet_gates(assessment).results}


def meet_recorded_gates(cw: Any, review: Any) -> None:
    lead = cw["tpi_reviewer"]
    for code, value in (("tlhp", "100"), ("sakip-wbk", "BB"), ("lhkpn-lhkasn", "yes")):
        gate = cw_gate(cw, code)
        tpi_fact_record(
            actor=lead, review=review, gate=gate, data=FactInput(value, "Laporan Itjen 2027")
        )


def cw_gate(cw: Any, code: str) -> Any:
    from zona.workflow.models import TpiGate

    return TpiGate.objects.get(agency=cw.world.agency, code=code)


def test_gates_computed_recorded_and_overridden(chain_world):
    cw = chain_world
    gates = setup_tpi(cw)
    # The data file's gates, the WBBM one not applying to a WBK sheet.
    assert set(gates) == {"hasil-minimum", "tlhp", "sakip-wbk", "sakip-wbbm", "lhkpn-lhkasn"}
    review = to_tpi(cw)
    lead = cw["tpi_reviewer"]
    # Hasil first: the sheet's Hasil is empty, so it fails and the later gates wait.
    assert states(cw.assessment) == {
        "hasil-minimum": GateState.FAILED,
        "tlhp": GateState.NOT_CHECKED,
        "sakip-wbk": GateState.NOT_CHECKED,
        "lhkpn-lhkasn": GateState.NOT_CHECKED,
    }
    failing = sheet_gates(cw.assessment).results[0].failing
    # The thresholds come from the framework file (the mini framework's Hasil conditions).
    assert any("18.25" in text for text in failing)
    assert any("14" in text for text in failing)

    # An override needs a reason; refused, nothing is kept.
    with pytest.raises(ValidationFailed) as exc1:
        tpi_override(actor=lead, review=review, gate=gates["hasil-minimum"], reason="  ")
    assert codes(exc1.value) == ["reason_required"]
    assert not TpiGateOverride.objects.exists()
    tpi_override(
        actor=lead, review=review, gate=gates["hasil-minimum"], reason="Survei ulang diterima"
    )
    assert AuditEvent.objects.filter(action="tpi.gate_overridden").count() == 1
    assert states(cw.assessment)["hasil-minimum"] == GateState.OVERRIDDEN
    assert states(cw.assessment)["tlhp"] == GateState.MISSING

    # Recorded facts: compared with the gate's required value.
    record = lambda code, value: tpi_fact_record(  # noqa: E731
        actor=lead, review=review, gate=gates[code], data=FactInput(value, "LHP Itjen 2027")
    )
    record("tlhp", "90")
    assert states(cw.assessment)["tlhp"] == GateState.FAILED
    record("tlhp", "100")
    assert states(cw.assessment)["tlhp"] == GateState.PASSED
    record("sakip-wbk", "C")
    assert states(cw.assessment)["sakip-wbk"] == GateState.FAILED
    record("sakip-wbk", "BB")  # better than B on the scale
    assert states(cw.assessment)["sakip-wbk"] == GateState.PASSED
    # A value that does not fit, or no source: refused and the recorded value stays.
    with pytest.raises(ValidationFailed) as exc2:
        record("sakip-wbk", "Z")
    assert "invalid_value" in codes(exc2.value)
    with pytest.raises(ValidationFailed) as exc3:
        tpi_fact_record(actor=lead, review=review, gate=gates["tlhp"], data=FactInput("100", ""))
    assert "source_required" in codes(exc3.value)
    assert TpiGateFact.objects.get(gate=gates["sakip-wbk"]).value == "BB"
    record("lhkpn-lhkasn", "yes")
    assert not sheet_gates(cw.assessment).blocked
    # Only the TPI's lead or controller records; a Kanwil reviewer is refused.
    with pytest.raises(PermissionDenied):
        tpi_fact_record(
            actor=cw["kanwil_reviewer"],
            review=review,
            gate=gates["tlhp"],
            data=FactInput("80", "x"),
        )
    assert TpiGateFact.objects.get(gate=gates["tlhp"]).value == "100"


def test_stage_two_before_stage_one_is_refused(chain_world):
    cw = chain_world
    setup_tpi(cw)
    review = to_tpi(cw)
    lead = cw["tpi_reviewer"]
    panel = tpi_panel_create(
        actor=cw["agency_admin"],
        period=cw.period,
        data=PanelInput("Rapat TPI", timezone.localdate(), chair=lead.pk),
    )
    # Stage 2 (a decision) while stage 1 is open: refused, nothing recorded.
    with pytest.raises(StateError) as exc4:
        tpi_panel_decide(
            actor=lead, panel=panel, assessment_id=cw.assessment.pk, propose=False, reason="x"
        )
    assert codes(exc4.value) == ["tpi_stage_1"]
    assert not TpiDecision.objects.exists()
    # Forwarding the TPI review is refused in stage 1 too (the hook for the reviews part).
    refused = complete_refusal(review, "forward")
    assert refused is not None
    assert refused.code == "tpi_stage_1"
    # Stage 1 without a reason: refused, the stage stays.
    with pytest.raises(StateError) as exc5:
        tpi_skip_findings(actor=lead, review=review, reason="")
    assert codes(exc5.value) == ["reason_required"]
    # The findings go back to the unit through the sheet's return.
    stage = tpi_return_findings(
        actor=lead, review=review, items=["A.p.m.1.a"], reason="Bukti SK tim belum lengkap"
    )
    assert stage.status == "deciding"
    assert stage.returned
    cw.assessment.refresh_from_db()
    assert cw.assessment.status == "returned"
    assert cw.review("tpi").status == "returned"
    assert WorkflowEvent.objects.filter(subject_kind="tpi_stage", action="return_findings").exists()
    # Stage 1 happens once.
    with pytest.raises(StateError) as exc6:
        tpi_return_findings(actor=lead, review=review, items=[], reason="lagi")
    assert codes(exc6.value) == ["wrong_state"]


def test_decisions_gates_confirmation_and_handoffs(chain_world):
    cw = chain_world
    setup_tpi(cw)
    review = to_tpi(cw)
    lead = cw["tpi_reviewer"]
    tpi_skip_findings(actor=lead, review=review, reason="Tidak ada temuan")
    step = cw.steps["tpi"]
    # A meeting before the TPI review opened: refused, no panel.
    with pytest.raises(ValidationFailed) as exc7:
        tpi_panel_create(
            actor=lead,
            period=cw.period,
            data=PanelInput("Rapat", step.opens_on - dt.timedelta(days=1), chair=lead.pk),
        )
    assert codes(exc7.value) == ["date_before_review"]
    assert not TpiPanel.objects.exists()
    panel = tpi_panel_create(
        actor=lead,
        period=cw.period,
        data=PanelInput(
            "Rapat pleno TPI",
            timezone.localdate(),
            place="Ruang Rapat Itjen",
            chair=lead.pk,
            present=[lead.pk, cw["tpi_controller"].pk],
        ),
    )
    # Proposing while a gate fails (and is not overridden): refused.
    with pytest.raises(StateError) as exc8:
        tpi_panel_decide(
            actor=lead, panel=panel, assessment_id=cw.assessment.pk, propose=True, reason="Baik"
        )
    assert codes(exc8.value) == ["gate_failed"]
    # A decision without a reason: refused.
    with pytest.raises(ValidationFailed) as exc9:
        tpi_panel_decide(
            actor=lead, panel=panel, assessment_id=cw.assessment.pk, propose=False, reason=""
        )
    assert codes(exc9.value) == ["reason_required"]
    assert not TpiDecision.objects.exists()
    # Not proposing is allowed while a gate fails; once the gates are met, proposing too.
    tpi_panel_decide(
        actor=lead, panel=panel, assessment_id=cw.assessment.pk, propose=False, reason="Hasil"
    )
    tpi_override(
        actor=lead, review=review, gate=cw_gate(cw, "hasil-minimum"), reason="Survei ulang"
    )
    meet_recorded_gates(cw, review)
    tpi_panel_decide(
        actor=lead, panel=panel, assessment_id=cw.assessment.pk, propose=True, reason="Layak"
    )
    decision = TpiDecision.objects.get()
    assert decision.propose
    assert decision.gates["hasil-minimum"] == GateState.OVERRIDDEN
    # Confirming needs the minutes.
    with pytest.raises(StateError) as exc10:
        tpi_panel_confirm(actor=lead, panel=panel)
    assert codes(exc10.value) == ["minutes_required"]
    assert panel_recommended(cw.period) == []
    panel = tpi_panel_update(
        actor=lead,
        panel=panel,
        data=PanelInput(
            "Rapat pleno TPI",
            panel.held_on,
            chair=lead.pk,
            present=[lead.pk],
            minutes="Rapat memutuskan mengusulkan Satker Bandung.",
        ),
    )
    handoffs.recorded().clear()
    panel = tpi_panel_confirm(actor=lead, panel=panel)
    assert panel.status == "confirmed"
    assert panel_recommended(cw.period) == [cw.assessment]
    told = handoffs.recorded()
    assert {h["kind"] for h in told} == {"tpi.proposed"}
    recipients = {pk for h in told for pk in h["recipients"]}
    assert {cw["unit_head"].pk, cw["operator"].pk, cw["agency_admin"].pk} <= recipients
    assert cw.review("tpi").tpi_stage.status == "decided"
    # Final: no decision changes after the minutes are confirmed.
    with pytest.raises(StateError) as exc11:
        tpi_panel_decide(
            actor=lead, panel=panel, assessment_id=cw.assessment.pk, propose=False, reason="x"
        )
    assert codes(exc11.value) == ["panel_confirmed"]


def test_pages_and_api_refuse_another_agency(chain_world, client_for):
    cw = chain_world
    setup_tpi(cw)
    to_tpi(cw)
    panel = tpi_panel_create(
        actor=cw["agency_admin"],
        period=cw.period,
        data=PanelInput("Rapat TPI", timezone.localdate()),
    )
    urls = [
        reverse("workflow:tpi_panels", args=[cw.period.pk]),
        reverse("workflow:tpi_panel", args=[panel.pk]),
        reverse("workflow:tpi_gates", args=[cw.world.agency.pk]),
        reverse("api-workflow-tpi-panel", args=[panel.pk]),
        reverse("api-workflow-tpi-sheet", args=[cw.assessment.pk]),
        reverse("api-workflow-tpi-gates", args=[cw.world.agency.pk]),
    ]
    outsider = client_for(cw["outsider"])
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    # Another agency's user cannot decide either; nothing changes.
    response = outsider.post(
        reverse("workflow:tpi_panel_decide", args=[panel.pk, cw.assessment.pk]),
        {"propose": "no", "reason": "x"},
    )
    assert response.status_code == 404
    assert not TpiDecision.objects.exists()
    # A Kanwil reviewer of the same agency does not see the TPI's panel either.
    assert client_for(cw["kanwil_reviewer"]).get(urls[1]).status_code == 404
    lead = client_for(cw["tpi_reviewer"])
    for url in urls[:2] + urls[3:5]:
        assert lead.get(url).status_code == 200, url
    admin = client_for(cw["agency_admin"])
    assert admin.get(urls[2]).status_code == 200
    # The review page shows the TPI panel to the TPI's lead.
    page = lead.get(reverse("workflow:review_tier", args=[cw.assessment.pk, "tpi"]))
    assert 'data-testid="tpi-panel"' in page.content.decode()


def test_api_stage_fact_and_refused_decision(chain_world, client_for):
    cw = chain_world
    setup_tpi(cw)
    to_tpi(cw)
    lead = client_for(cw["tpi_reviewer"])
    sheet = reverse("api-workflow-tpi-sheet", args=[cw.assessment.pk])
    body = lead.get(sheet).json()
    assert body["stage"] == 1
    assert body["gates"]["blocked"] is True
    tlhp = cw_gate(cw, "tlhp")
    response = lead.post(
        reverse("api-workflow-tpi-fact", args=[cw.assessment.pk, tlhp.pk]),
        {"value": "abc", "source": "LHP"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not TpiGateFact.objects.exists()
    response = lead.post(
        reverse("api-workflow-tpi-stage", args=[cw.assessment.pk]),
        {"action": "skip_findings", "reason": "Tidak ada temuan"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["stage"] == 2
    panels = reverse("api-workflow-tpi-panels", args=[cw.period.pk])
    response = lead.post(
        panels,
        {"title": "Rapat", "held_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201
    panel_id = response.json()["id"]
    response = lead.post(
        reverse("api-workflow-tpi-decision", args=[panel_id, cw.assessment.pk]),
        {"propose": True, "reason": "Layak"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["problems"][0]["code"] == "gate_failed"
    assert not TpiDecision.objects.exists()


def test_panel_page_queries_do_not_grow_with_units(chain_world, client_for):
    cw = chain_world
    setup_tpi(cw)
    to_tpi(cw)
    panel = tpi_panel_create(
        actor=cw["agency_admin"],
        period=cw.period,
        data=PanelInput("Rapat TPI", timezone.localdate()),
    )
    client = client_for(cw["tpi_reviewer"])
    url = reverse("workflow:tpi_panel", args=[panel.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    extra_tpi_sheets(cw, 1)
    small = count()
    extra_tpi_sheets(cw, 4)
    assert count() == small


def test_gate_config_page_refuses_bad_input_and_takes_the_starting_set(chain_world, client_for):
    cw = chain_world
    admin = client_for(cw["agency_admin"])
    url = reverse("workflow:tpi_gates", args=[cw.world.agency.pk])
    # A grade gate whose required value is not on its scale: refused, nothing saved.
    response = admin.post(
        url,
        {
            "name": "SAKIP",
            "kind": "recorded",
            "value_type": "grade",
            "comparison": "gte",
            "required": "Z",
            "scale": "AA, A, BB, B",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert 'data-testid="error-required"' in response.content.decode()
    assert not cw_gate_exists(cw)
    response = admin.post(reverse("workflow:tpi_gates_starters", args=[cw.world.agency.pk]))
    assert response.status_code == 302
    assert cw_gate(cw, "sakip-wbk").scale[0] == "AA"
    # A tier reviewer is not the agency administrator: 404.
    assert client_for(cw["tpi_reviewer"]).get(url).status_code == 404


def test_panel_page_refuses_a_meeting_before_the_review_opens(chain_world, client_for):
    cw = chain_world
    setup_tpi(cw)
    lead = client_for(cw["tpi_reviewer"])
    before = cw.steps["tpi"].opens_on - dt.timedelta(days=3)
    response = lead.post(
        reverse("workflow:tpi_panels", args=[cw.period.pk]),
        {"title": "Rapat", "held_on": before.isoformat()},
    )
    assert response.status_code == 200
    assert 'data-testid="error-held_on"' in response.content.decode()
    assert not TpiPanel.objects.exists()


def cw_gate_exists(cw: Any) -> bool:
    from zona.workflow.models import TpiGate

    return TpiGate.objects.filter(agency=cw.world.agency).exists()
