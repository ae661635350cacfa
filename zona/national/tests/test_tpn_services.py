"""The TPN's stages through the services: the whole lifecycle, each refusal, the gate on
the national tier's layer and the national scope of a TPN member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zona.accounts.access import Perm, forget_assignments, units_where, user_can
from zona.assessments.access import review_lock_reason
from zona.assessments.models import Assessment, AssessmentStatus
from zona.assessments.tests.factories import load_mini, make_assessment, make_period, pdf_file
from zona.audit.labels import action_label
from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, Refusal, StateError, ValidationFailed
from zona.national.models import (
    Clearance,
    FollowUpItem,
    Nomination,
    NominationStage,
    NominationStatus,
    Predicate,
)
from zona.national.services.register import predicate_grant
from zona.national.services.tpn import (
    ClearanceInput,
    FieldInput,
    clearance_record,
    field_save,
    follow_up_accept,
    follow_up_upload,
    nomination_appeal,
    nomination_award,
    nomination_decide,
    sampling_set,
)
from zona.national.tests.tpn_fixtures import nominate
from zona.workflow.models import WorkflowEvent

S = NominationStatus
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)
D = dt.date


def _fresh(n: Nomination) -> Nomination:
    return Nomination.objects.select_related("unit", "proposal", "assessment").get(pk=n.pk)


@pytest.fixture
def period(world):
    return make_period(world.agency, load_mini(), creator=world["agency_admin"])


@pytest.fixture
def sheet(world, period) -> Assessment:
    a = make_assessment(period, world.bandung)
    Assessment.objects.filter(pk=a.pk).update(status=AssessmentStatus.SUBMITTED)
    return Assessment.objects.select_related("period", "unit").get(pk=a.pk)


@pytest.fixture
def nomination(world, sheet) -> Nomination:
    return nominate(sheet, by=world["agency_admin"])


def _at(tpn, nomination, action, day, **kw):
    return nomination_decide(
        actor=tpn, nomination=_fresh(nomination), action=action, held_on=day, now=NOW, **kw
    )


def test_whole_lifecycle_with_follow_up_to_wbk(world, nomination):
    tpn = world["tpn"]
    n = _at(
        tpn,
        nomination,
        "pass_with_notes",
        D(2026, 6, 10),
        notes="Surat usulan belum ditandatangani",
        follow_up=[{"kind": "letter", "request": "Tanda tangan pimpinan"}],
    )
    assert n.status == S.FOLLOW_UP
    item = FollowUpItem.objects.get(nomination=n)
    assert item.due_on == D(2026, 6, 24)  # the decision + 14 days of program.yaml
    follow_up_upload(
        actor=world["unit_head"],
        item=item,
        upload=pdf_file("surat.pdf"),
        now=dt.datetime(2026, 6, 20, tzinfo=dt.UTC),
    )
    follow_up_accept(actor=tpn, item=item, held_on=D(2026, 6, 21), now=NOW)
    n = _fresh(n)
    assert n.status == S.DESK
    n = _at(tpn, n, "desk_done", D(2026, 8, 1))
    field_save(
        actor=tpn, nomination=_fresh(n), data=FieldInput(scheduled_on=D(2026, 9, 15), mode="visit")
    )
    field_save(
        actor=tpn,
        nomination=_fresh(n),
        data=FieldInput(
            scheduled_on=D(2026, 9, 15),
            mode="visit",
            interviews="Kepala dan 5 pegawai",
            observations="Ruang layanan tertata",
            findings="Tidak ada temuan berarti",
        ),
        now=NOW,
    )
    n = _at(tpn, n, "field_done", D(2026, 9, 20))
    assert n.status == S.CLEARANCE
    clearance_record(
        actor=tpn,
        nomination=_fresh(n),
        data=ClearanceInput(body="kpk", result="clear", issued_on=D(2026, 10, 5), reference="R/1"),
        now=NOW,
    )
    assert _fresh(n).status == S.CLEARANCE
    clearance_record(
        actor=tpn,
        nomination=_fresh(n),
        data=ClearanceInput(body="ombudsman", result="clear", issued_on=D(2026, 10, 8)),
        now=NOW,
    )
    n = _fresh(n)
    assert n.status == S.DETERMINATION
    n = nomination_award(
        actor=tpn,
        nomination=n,
        decree_number="KEP-123/M.PAN-RB/12/2026",
        decree_date=D(2026, 12, 1),
        now=NOW,
    )
    assert n.status == S.AWARDED
    predicate = Predicate.objects.get(nomination=n)
    assert (predicate.kind, predicate.year) == ("WBK", 2026)
    actions = list(
        WorkflowEvent.objects.filter(subject_kind="nomination", subject_id=n.pk)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "pass_with_notes",
        "resolve",
        "desk_done",
        "field_done",
        "clear",
        "award",
    ]
    stages = NominationStage.objects.filter(nomination=n).order_by("held_on", "pk")
    assert [s.held_on for s in stages][-1] == D(2026, 12, 1)
    assert all(list(s.members.all()) == [tpn] for s in stages)
    # Every action reads as words, not as its code.
    for action in AuditEvent.objects.filter(action__startswith="nomination.").values_list(
        "action", flat=True
    ):
        assert action_label(action) != action
        assert "_" not in action_label(action)


def test_failed_appeal_in_window_then_upheld(world, nomination):
    tpn = world["tpn"]
    n = _at(tpn, nomination, "fail", D(2026, 6, 10), notes="SPTJM tidak ada")
    with pytest.raises(StateError) as refused:
        nomination_appeal(actor=world["operator"], nomination=_fresh(n), reason="x", now=NOW)
    assert refused.value.problems[0].code == "not_agency"
    n = nomination_appeal(
        actor=world["agency_admin"],
        nomination=_fresh(n),
        reason="SPTJM sudah dilampirkan",
        evidence=pdf_file("sptjm.pdf"),
        now=dt.datetime(2026, 6, 20, tzinfo=dt.UTC),
    )
    assert n.status == S.APPEAL
    n = _at(tpn, n, "uphold", D(2026, 6, 25), notes="Dokumen lengkap")
    assert n.status == S.DESK
    assert n.appeal.decision == "upheld"


def test_appeal_outside_window_refused_with_last_day(world, nomination):
    n = _at(world["tpn"], nomination, "fail", D(2026, 6, 10), notes="Tidak lengkap")
    with pytest.raises(StateError) as refused:
        nomination_appeal(
            actor=world["agency_admin"], nomination=_fresh(n), reason="Mohon ditinjau", now=NOW
        )
    assert refused.value.problems[0].code == "appeal_window_closed"
    assert "24 June 2026" in refused.value.message or "24 Juni 2026" in refused.value.message
    assert _fresh(n).status == S.FAILED
    n = _at(world["tpn"], n, "close_appeal", D(2026, 6, 30))
    assert n.status == S.ENDED


def test_rejected_appeal_ends_with_reason(world, nomination):
    n = _at(world["tpn"], nomination, "fail", D(2026, 6, 10), notes="Tidak lengkap")
    nomination_appeal(
        actor=world["agency_admin"],
        nomination=_fresh(n),
        reason="Mohon ditinjau",
        now=dt.datetime(2026, 6, 12, tzinfo=dt.UTC),
    )
    with pytest.raises(StateError) as refused:
        _at(world["tpn"], n, "reject_appeal", D(2026, 6, 15))
    assert refused.value.problems[0].code == "reason_required"
    n = _at(world["tpn"], n, "reject_appeal", D(2026, 6, 15), notes="Dokumen tetap kurang")
    assert n.status == S.ENDED
    assert n.appeal.decision_reason == "Dokumen tetap kurang"


def test_date_in_wrong_order_refused(world, nomination):
    n = _at(world["tpn"], nomination, "pass", D(2026, 6, 10))
    with pytest.raises(StateError) as refused:
        _at(world["tpn"], n, "desk_done", D(2026, 6, 1))
    assert refused.value.problems[0].code == "date_order"
    assert _fresh(n).status == S.DESK
    with pytest.raises(StateError) as refused:
        _at(world["tpn"], n, "desk_done", D(2027, 1, 1))
    assert refused.value.problems[0].code == "date_in_future"
    with pytest.raises(ValidationFailed) as invalid:
        field_save(
            actor=world["tpn"],
            nomination=_fresh(n),
            data=FieldInput(scheduled_on=D(2026, 5, 1), mode="visit"),
        )
    assert invalid.value.problems[0].code == "date_order"


def _to_determination(world, nomination) -> Nomination:
    tpn = world["tpn"]
    Nomination.objects.filter(pk=nomination.pk).update(sampled=False)
    n = _at(tpn, nomination, "pass", D(2026, 6, 10))
    assert n.status == S.CLEARANCE  # outside the sample: straight to clearance
    for body, day in (("kpk", D(2026, 10, 1)), ("ombudsman", D(2026, 10, 2))):
        clearance_record(
            actor=tpn,
            nomination=_fresh(n),
            data=ClearanceInput(body=body, result="clear", issued_on=day),
            now=NOW,
        )
    return _fresh(n)


def test_determination_without_decree_number_changes_nothing(world, nomination):
    n = _to_determination(world, nomination)
    with pytest.raises(ValidationFailed) as invalid:
        nomination_award(
            actor=world["tpn"], nomination=n, decree_number=" ", decree_date=D(2026, 12, 1)
        )
    assert invalid.value.problems[0].code == "decree_number_required"
    assert _fresh(n).status == S.DETERMINATION
    assert not Predicate.objects.exists()


def test_second_predicate_same_kind_year_refused(world, nomination):
    n = _to_determination(world, nomination)
    predicate_grant(
        actor=world["sysadmin"],
        unit=world.bandung,
        kind="WBK",
        year=2026,
        decree_number="KEP-1/2026",
        decree_date=D(2026, 11, 1),
        now=NOW,
    )
    events = WorkflowEvent.objects.count()
    with pytest.raises(ValidationFailed) as invalid:
        nomination_award(
            actor=world["tpn"], nomination=n, decree_number="KEP-2/2026", decree_date=D(2026, 12, 1)
        )
    assert invalid.value.problems[0].code == "predicate_exists"
    assert _fresh(n).status == S.DETERMINATION
    assert Predicate.objects.count() == 1
    assert WorkflowEvent.objects.count() == events
    assert not NominationStage.objects.filter(action="award").exists()


def test_negative_clearance_ends_the_nomination(world, nomination):
    tpn = world["tpn"]
    Nomination.objects.filter(pk=nomination.pk).update(sampled=False)
    n = _at(tpn, nomination, "pass", D(2026, 6, 10))
    with pytest.raises(ValidationFailed):
        clearance_record(
            actor=tpn,
            nomination=_fresh(n),
            data=ClearanceInput(body="kpk", result="not_clear", issued_on=D(2026, 10, 1)),
            now=NOW,
        )
    n = clearance_record(
        actor=tpn,
        nomination=_fresh(n),
        data=ClearanceInput(
            body="kpk", result="not_clear", issued_on=D(2026, 10, 1), note="Kasus berjalan"
        ),
        now=NOW,
    )
    assert n.status == S.ENDED
    assert Clearance.objects.get(nomination=n).result == "not_clear"
    event = WorkflowEvent.objects.get(subject_kind="nomination", action="not_cleared")
    assert "Kasus berjalan" in event.reason


def test_follow_up_overdue_is_closed(world, nomination):
    tpn = world["tpn"]
    n = _at(
        tpn,
        nomination,
        "pass_with_notes",
        D(2026, 6, 10),
        follow_up=[{"kind": "lke", "request": "Perbaiki LKE"}],
    )
    item = FollowUpItem.objects.get(nomination=n)
    with pytest.raises(StateError):
        follow_up_upload(actor=world["unit_head"], item=item, upload=pdf_file(), now=NOW)
    with pytest.raises(PermissionDenied):
        follow_up_upload(
            actor=world["outsider"],
            item=item,
            upload=pdf_file(),
            now=dt.datetime(2026, 6, 11, tzinfo=dt.UTC),
        )
    n = _at(tpn, n, "close_follow_up", D(2026, 6, 30))
    assert n.status == S.ENDED


def test_unit_user_cannot_act(world, nomination):
    with pytest.raises(StateError) as refused:
        nomination_decide(
            actor=world["unit_head"], nomination=nomination, action="pass", held_on=D(2026, 6, 10)
        )
    assert refused.value.problems[0].code == "not_tpn"
    with pytest.raises(PermissionDenied):
        sampling_set(
            actor=world["agency_admin"], agency=world.agency, year=2026, method="random", size=1
        )


def test_sampling_random_with_seed_repeats(world, period, nomination):
    other = make_assessment(period, world.bogor)
    second = nominate(other, by=world["agency_admin"], proposal=nomination.proposal)
    plan = sampling_set(
        actor=world["tpn"], agency=world.agency, year=2026, method="random", size=1, seed="abc"
    )
    picked = {n.pk: n.sampled for n in Nomination.objects.all()}
    assert sorted(str(v) for v in picked.values()) == ["False", "True"]
    assert plan.seed == "abc"
    again = sampling_set(
        actor=world["tpn"], agency=world.agency, year=2026, method="random", size=1, seed="abc"
    )
    assert again.pk == plan.pk
    assert {n.pk: n.sampled for n in Nomination.objects.all()} == picked
    unsampled = next(pk for pk, s in picked.items() if s is False)
    n = _at(world["tpn"], Nomination.objects.get(pk=unsampled), "pass", D(2026, 6, 10))
    assert n.status == S.CLEARANCE
    assert second.pk in picked
    sampled = next(pk for pk, s in picked.items() if s)
    _at(world["tpn"], Nomination.objects.get(pk=sampled), "pass", D(2026, 6, 10))
    with pytest.raises(StateError):
        sampling_set(actor=world["tpn"], agency=world.agency, year=2026, method="random", size=1)


def code(refused: Refusal | None) -> str:
    return refused.code if refused else ""


def test_national_tier_layer_open_only_at_desk(world, sheet):
    tier = world.tier_tpn
    assert code(review_lock_reason(sheet, tier)) == "not_nominated"
    n = nominate(sheet, by=world["agency_admin"])
    assert code(review_lock_reason(sheet, tier)) == "not_at_desk"
    _at(world["tpn"], n, "pass", D(2026, 6, 10))
    assert review_lock_reason(sheet, tier) is None
    Nomination.objects.filter(pk=n.pk).update(sampled=False)
    assert code(review_lock_reason(sheet, tier)) == "not_sampled"


def test_tpn_sees_only_nominated_units(world, sheet):
    tpn = world["tpn"]
    assert not user_can(tpn, Perm.ASSESSMENT_VIEW, world.bandung)
    assert not units_where(tpn, Perm.ASSESSMENT_VIEW).exists()
    nominate(sheet, by=world["agency_admin"], forget=(tpn,))
    assert user_can(tpn, Perm.ASSESSMENT_VIEW, world.bandung)
    assert not user_can(tpn, Perm.ASSESSMENT_VIEW, world.bogor)
    assert list(units_where(tpn, Perm.ASSESSMENT_REVIEW)) == [world.bandung]
    # The system administrator keeps everything.
    assert user_can(world["sysadmin"], Perm.ASSESSMENT_VIEW, world.bogor)
    forget_assignments(tpn)
    assert timezone.now()
