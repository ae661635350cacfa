"""Koefisien (issue 10 §6): the rule that reduces a total, the kinds, and events recorded and
withdrawn through the services (scores, refusals, audit, hand-offs)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from zona.assessments.models import StoredScore
from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.frameworks.scoring import apply_penalties
from zona.workflow import handoffs
from zona.workflow.models import KoefisienEvent, KoefisienEventStatus, KoefisienKind, WorkflowEvent
from zona.workflow.selectors.koefisien import (
    Deduction,
    deduction_breakdown,
    koefisien_summary,
)
from zona.workflow.services import koefisien as services
from zona.workflow.services.koefisien import (
    KindInput,
    koefisien_kind_create,
    koefisien_kind_update,
    koefisien_kinds_take_starters,
    koefisien_withdraw,
    parse_starter_kinds,
    starter_kinds,
)
from zona.workflow.tests.conftest import ChainWorld
from zona.workflow.tests.koefisien_fixtures import effective, make_kinds, record, totals

# --- the rule -----------------------------------------------------------------------------------

totals_st = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
factor_st = st.decimals(min_value="0.0001", max_value=1, places=4).map(
    lambda v: Deduction("factor", v, "f")
)
points_st = st.decimals(min_value="0.0001", max_value=100, places=4).map(
    lambda v: Deduction("points", v, "p")
)
deductions_st = st.lists(st.one_of(factor_st, points_st), max_size=6)


@settings(max_examples=300, deadline=None)
@given(total=totals_st, deductions=deductions_st, seed=st.randoms())
def test_breakdown_order_rule(total: Decimal, deductions: list[Deduction], seed) -> None:
    result = deduction_breakdown(total, deductions)
    # The same as the stored scores' rule, never below 0, never above the total.
    assert result.after == apply_penalties(total, [d.penalty() for d in deductions])
    assert Decimal(0) <= result.after <= total
    # Factors are applied first, then points, whatever the recorded order.
    modes = [s.deduction.mode for s in result.steps]
    assert modes == sorted(modes, key=lambda m: m != "factor")
    # The steps chain and end at the result; a shuffled record order gives the same total.
    running = total
    for step in result.steps:
        assert step.before == running
        assert step.after >= 0
        running = step.after
    assert running == result.after
    shuffled = list(deductions)
    seed.shuffle(shuffled)
    assert deduction_breakdown(total, shuffled).after == result.after


def test_breakdown_example() -> None:
    steps = [Deduction("points", Decimal(5), "viral"), Deduction("factor", Decimal("0.9"), "kkn")]
    result = deduction_breakdown(Decimal(80), steps)
    # 80 times 0.9 = 72, then minus 5 = 67: the factor first though the points were recorded first.
    assert [(s.deduction.label, s.after) for s in result.steps] == [
        ("kkn", Decimal("72.0")),
        ("viral", Decimal("67.0")),
    ]
    assert result.after == Decimal(67)
    assert deduction_breakdown(Decimal(3), steps).after == Decimal(0)


# --- kinds --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "value", "code"),
    [
        ("points", "-5", "points_out_of_range"),
        ("points", "0", "points_out_of_range"),
        ("points", "101", "points_out_of_range"),
        ("factor", "0", "factor_out_of_range"),
        ("factor", "1.5", "factor_out_of_range"),
        ("factor", "-0.5", "factor_out_of_range"),
        ("factor", "abc", "invalid_value"),
        ("factor", "0.12345", "invalid_value"),
        ("percent", "5", "invalid_mode"),
    ],
)
def test_kind_bad_deduction_refused(world, mode: str, value: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        koefisien_kind_create(
            actor=world["agency_admin"],
            agency=world.agency,
            data=KindInput(name="Kasus", mode=mode, value=value),
        )
    assert caught.value.problems[0].code == code
    assert caught.value.message  # a sentence for people
    assert not KoefisienKind.objects.exists()
    assert not world.new_events().filter(action__startswith="koefisien.").exists()


def test_kind_create_update_audited(world) -> None:
    admin = world["agency_admin"]
    kind = koefisien_kind_create(
        actor=admin,
        agency=world.agency,
        data=KindInput(name="Kasus KKN", mode="factor", value="0.9"),
    )
    assert (kind.code, kind.value, kind.active) == ("kasus-kkn", Decimal("0.9"), True)
    second = koefisien_kind_create(
        actor=admin, agency=world.agency, data=KindInput(name="Kasus KKN", mode="points", value="3")
    )
    assert second.code == "kasus-kkn-2"
    with pytest.raises(ValidationFailed) as caught:
        koefisien_kind_create(
            actor=admin,
            agency=world.agency,
            data=KindInput(name="Lain", code="kasus-kkn", mode="points", value="3"),
        )
    assert caught.value.problems[0].code == "duplicate_code"
    koefisien_kind_update(
        actor=admin,
        kind=kind,
        data=KindInput(
            name="Kasus KKN", code="kasus-kkn", mode="factor", value="0.8", active=False
        ),
    )
    kind.refresh_from_db()
    assert (kind.value, kind.active) == (Decimal("0.8"), False)
    events = world.new_events()
    assert events.filter(action="koefisien.kind_created").count() == 2
    updated = events.get(action="koefisien.kind_updated")
    assert updated.details["changes"]["value"] == {"before": "0.9", "after": "0.8"}


def test_starting_set_from_data_file(world) -> None:
    starters = starter_kinds()
    assert {s.code for s in starters} >= {"kkn-pimpinan", "kkn-pegawai", "berita-viral"}
    added = koefisien_kinds_take_starters(actor=world["agency_admin"], agency=world.agency)
    assert len(added) == len(starters)
    # Taken over once: a second time adds nothing and changes nothing.
    assert koefisien_kinds_take_starters(actor=world["agency_admin"], agency=world.agency) == []
    assert world.new_events().filter(action="koefisien.kinds_loaded").count() == 1
    with pytest.raises(ValueError, match="factor"):
        parse_starter_kinds("kinds:\n  - {code: x, mode: factor, value: '1.5', name: {id: X}}\n")


# --- events -------------------------------------------------------------------------------------


def test_record_updates_stored_score_and_tells_unit(chain_world: ChainWorld) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    before, after = totals(cw.assessment)
    assert after == before
    assert before > 0
    handoffs.recorded().clear()
    event = record(cw, kinds["kkn"])
    row = effective(cw.assessment)
    assert row.total == before
    assert row.total_after_deductions == apply_penalties(
        before, [Deduction("factor", Decimal("0.9")).penalty()]
    ).quantize(Decimal("0.0001"))
    assert row.deductions == [
        {"kind": "multiply", "factor": "0.9000", "points": None, "label": "Kasus KKN pegawai"}
    ]
    # The event keeps the kind's deduction as recorded; a later change of the kind does not
    # move it.
    koefisien_kind_update(
        actor=cw["agency_admin"],
        kind=kinds["kkn"],
        data=KindInput(name="Kasus KKN pegawai", code="kkn", mode="factor", value="0.5"),
    )
    event.refresh_from_db()
    assert (event.mode, event.value) == ("factor", Decimal("0.9"))
    audit = cw.world.new_events().get(action="koefisien.record")
    assert audit.details["kind"] == "kkn"
    assert audit.details["tier"] == "kanwil"
    assert WorkflowEvent.objects.filter(
        subject_kind="koefisien", subject_id=event.pk, action="record"
    ).exists()
    told = [h for h in handoffs.recorded() if h["kind"] == "koefisien.recorded"]
    assert len(told) == 1
    assert set(told[0]["recipients"]) == {cw["operator"].pk, cw["unit_head"].pk}
    assert told[0]["params"]["label"] == "Kasus KKN pegawai"
    assert told[0]["params"]["deduction"] == "\u00d7 0.9"


def test_summary_before_after_and_withdrawal_restores(chain_world: ChainWorld) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    before, _after = totals(cw.assessment)
    record(cw, kinds["viral"])
    kkn = record(cw, kinds["kkn"])
    summary = koefisien_summary(cw.assessment)
    assert summary.before == before
    expected = max(before * Decimal("0.9") - 5, Decimal(0))
    assert summary.breakdown is not None
    assert summary.breakdown.after == expected
    assert summary.after == expected.quantize(Decimal("0.0001"))
    assert [s.deduction.label for s in summary.breakdown.steps] == [
        "Kasus KKN pegawai",
        "Berita viral",
    ]
    handoffs.recorded().clear()
    koefisien_withdraw(actor=cw["kanwil_reviewer"], event=kkn, reason="Putusan bebas")
    kkn.refresh_from_db()
    assert kkn.status == KoefisienEventStatus.WITHDRAWN
    assert kkn.withdraw_reason == "Putusan bebas"
    assert kkn.withdrawn_by == cw["kanwil_reviewer"]
    _total, after = totals(cw.assessment)
    assert after == max(before - 5, Decimal(0)).quantize(Decimal("0.0001"))
    assert KoefisienEvent.objects.count() == 2  # kept, not deleted
    assert cw.world.new_events().filter(action="koefisien.withdraw").count() == 1
    assert [h["kind"] for h in handoffs.recorded()] == ["koefisien.withdrawn"]
    # Withdrawing the last one restores the total.
    viral = KoefisienEvent.objects.get(kind=kinds["viral"])
    koefisien_withdraw(actor=cw["kanwil_reviewer"], event=viral, reason="Hoaks")
    total, after = totals(cw.assessment)
    assert after == total == before
    assert effective(cw.assessment).deductions == []


def test_withdraw_needs_reason_and_the_events_tier(chain_world: ChainWorld) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    event = record(cw, kinds["kkn"])
    with pytest.raises(StateError) as caught:
        koefisien_withdraw(actor=cw["kanwil_reviewer"], event=event, reason="  ")
    assert caught.value.problems[0].code == "reason_required"
    with pytest.raises(StateError) as caught:
        koefisien_withdraw(actor=cw["eselon1_reviewer"], event=event, reason="salah")
    assert caught.value.problems[0].code == "not_tier_reviewer"
    event.refresh_from_db()
    assert event.status == KoefisienEventStatus.RECORDED
    koefisien_withdraw(actor=cw["kanwil_reviewer"], event=event, reason="ok")
    with pytest.raises(StateError) as caught:
        koefisien_withdraw(actor=cw["kanwil_reviewer"], event=event, reason="again")
    assert caught.value.problems[0].code == "wrong_state"


def _snapshot(cw: ChainWorld) -> tuple:
    return (
        KoefisienEvent.objects.count(),
        list(StoredScore.objects.order_by("pk").values_list("key", "total_after_deductions")),
        AuditEvent.objects.count(),
        WorkflowEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"occurred_on": timezone.localdate() + dt.timedelta(days=1)}, "date_in_future"),
        ({"occurred_on": dt.date(timezone.localdate().year - 1, 12, 31)}, "date_before_period"),
        ({"occurred_on": None}, "required"),
        ({"source": "   "}, "source_required"),
        ({"kind": 999999}, "unknown_kind"),
        ({"evidence_url": "javascript:alert(1)"}, "invalid_url"),
    ],
)
def test_bad_event_refused_nothing_changed(chain_world: ChainWorld, overrides, code) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    before = _snapshot(cw)
    with pytest.raises(ValidationFailed) as caught:
        record(cw, kinds["kkn"], **overrides)
    assert code in [p.code for p in caught.value.problems]
    assert all(p.message for p in caught.value.problems)
    assert _snapshot(cw) == before


def test_inactive_kind_and_bad_file_refused(chain_world: ChainWorld) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    KoefisienKind.objects.filter(pk=kinds["kkn"].pk).update(active=False)
    before = _snapshot(cw)
    with pytest.raises(ValidationFailed):
        record(cw, kinds["kkn"])
    with pytest.raises(ValidationFailed) as caught:
        record(cw, kinds["viral"], evidence_file=SimpleUploadedFile("x.pdf", b"MZ" + b"\0" * 64))
    assert caught.value.problems[0].code == "content_mismatch"
    assert _snapshot(cw) == before


def test_who_may_record(chain_world: ChainWorld) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    # Not a reviewer of the unit in that tier (the unit's operator; Jatim's Kanwil reviewer).
    with pytest.raises(PermissionDenied):
        record(cw, kinds["kkn"], user="operator")
    with pytest.raises(PermissionDenied):
        record(cw, kinds["kkn"], user="jatim_reviewer")
    with pytest.raises(PermissionDenied):
        record(cw, kinds["kkn"], user="kanwil_reviewer", tier="tpi")
    # Any tier that reviews the unit may, not only the one holding the sheet (Kanwil now).
    event = record(cw, kinds["kkn"], user="tpi_reviewer", tier="tpi")
    assert event.tier == cw.tiers["tpi"]
    # A closed period takes no more events.
    cw.period.status = "closed"
    cw.period.save(update_fields=["status"])
    cw.assessment.period.status = "closed"
    with pytest.raises(StateError) as caught:
        record(cw, kinds["kkn"])
    assert caught.value.problems[0].code == "period_closed"


def test_evidence_file_stored(chain_world: ChainWorld) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    event = record(cw, kinds["kkn"], evidence_file=SimpleUploadedFile("putusan.pdf", pdf))
    assert event.evidence_name == "putusan.pdf"
    assert event.evidence_type == "application/pdf"
    assert event.evidence_size == len(pdf)
    assert str(event.evidence_file.name).startswith(f"koefisien/{cw.assessment.pk}/")
    with event.evidence_file.open("rb") as handle:
        assert handle.read() == pdf


def test_score_rolls_back_with_the_event(chain_world: ChainWorld, monkeypatch) -> None:
    """The stored score changes in the event's transaction: a failure after the rescoring
    leaves neither the event nor the reduced score."""
    cw = chain_world
    kinds = make_kinds(cw)
    before = _snapshot(cw)

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", boom)
    with pytest.raises(RuntimeError):
        record(cw, kinds["kkn"])
    assert _snapshot(cw) == before
    total, after = totals(cw.assessment)
    assert after == total


def test_events_counted_in_any_order(chain_world: ChainWorld) -> None:
    cw = chain_world
    kinds = make_kinds(cw)
    results = set()
    for order in itertools.permutations(["kkn", "viral"]):
        for event in KoefisienEvent.objects.filter(status="recorded"):
            koefisien_withdraw(actor=cw["kanwil_reviewer"], event=event, reason="ulang")
        for key in order:
            record(cw, kinds[key])
        results.add(totals(cw.assessment)[1])
    assert len(results) == 1
