"""Selection rounds (issue 10 §7) through the services: the preview on stored scores, the
overrides, the lifecycle, closing (the next tier opens for the selected, the rest close,
units are told), refusals that change nothing, and the reviews hook."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from zona.accounts.services import unit_create
from zona.audit.models import AuditEvent
from zona.core.errors import PermissionDenied, StateError, ValidationFailed
from zona.workflow import handoffs
from zona.workflow.models import TierReviewStatus, WorkflowEvent
from zona.workflow.models.selection import SelectionOverride, SelectionRound
from zona.workflow.selectors.selection import round_preview
from zona.workflow.services.selection import (
    RoundInput,
    override_remove,
    override_set,
    round_close,
    round_confirm,
    round_reopen,
    round_update,
)
from zona.workflow.tests.conftest import ChainWorld
from zona.workflow.tests.selection_fixtures import (
    complete,
    make_round,
    selection_world,
    set_view,
    submitted,
)

S = TierReviewStatus


def codes(exc: Exception) -> set[str]:
    return {p.code for p in getattr(exc, "problems", [])}


def fresh(rnd: SelectionRound) -> SelectionRound:
    return SelectionRound.objects.select_related("period__agency", "step__tier").get(pk=rnd.pk)


def test_preview_groups_quota_and_ranking(chain_world: ChainWorld) -> None:
    sel = selection_world(chain_world)
    preview = round_preview(fresh(sel.round))
    groups = {g.name: g for g in preview.groups}
    assert set(groups) == {"Tim Jabar", "Tim Jatim"}
    jabar = groups["Tim Jabar"]
    # 50 % of 2 rounded up = 1: Bandung (80) before Bogor (70).
    assert (jabar.applicants, jabar.quota) == (2, 1)
    assert [(r.unit.code, r.rank, r.selected, r.why) for r in jabar.rows] == [
        ("KC-BDG", 1, True, "within_quota"),
        ("KC-BGR", 2, False, "over_quota"),
    ]
    # Minimum one per group: Jatim's single applicant goes.
    jatim = groups["Tim Jatim"]
    assert (jatim.applicants, jatim.quota, jatim.selected) == (1, 1, 1)
    assert preview.pending == 0


def test_eligibility_predicate_and_minimums(chain_world: ChainWorld) -> None:
    sel = selection_world(chain_world, min_pengungkit="35")
    set_view(chain_world, sel.sheets["KC-BDG"], "90", pengungkit="40", passed=False)
    set_view(chain_world, sel.sheets["KC-BGR"], "70", pengungkit="36")
    rows = {r.unit.code: r for r in round_preview(fresh(sel.round)).rows}
    assert rows["KC-BDG"].problems == ["predicate_failed"]
    assert rows["KC-BGR"].selected  # Bandung is not eligible: Bogor takes Jabar's place
    assert rows["KC-SBY"].problems == ["below_min_pengungkit"]
    assert not rows["KC-SBY"].selected


def test_whole_agency_grouping(chain_world: ChainWorld) -> None:
    sel = selection_world(chain_world, grouping="agency", quota_percent="33.3", rounding="down")
    preview = round_preview(fresh(sel.round))
    assert len(preview.groups) == 1
    # 33.3 % of 3 = 0.999, down = 0, then the minimum of one.
    assert preview.groups[0].quota == 1
    assert [r.unit.code for r in preview.rows if r.selected] == ["KC-BDG"]


def test_overrides_need_a_justification_and_are_audited(chain_world: ChainWorld) -> None:
    sel = selection_world(chain_world)
    admin = chain_world["agency_admin"]
    bogor = sel.sheets["KC-BGR"]
    with pytest.raises(ValidationFailed) as caught:
        override_set(
            actor=admin,
            rnd=sel.round,
            assessment_id=bogor.pk,
            decision="include",
            justification="  ",
        )
    assert "justification_required" in codes(caught.value)
    assert not SelectionOverride.objects.exists()
    override_set(
        actor=admin,
        rnd=sel.round,
        assessment_id=bogor.pk,
        decision="include",
        justification="Wilayah perbatasan",
    )
    override_set(
        actor=admin,
        rnd=sel.round,
        assessment_id=sel.sheets["KC-BDG"].pk,
        decision="exclude",
        justification="Kasus KKN berjalan",
    )
    rows = {r.unit.code: r for r in round_preview(fresh(sel.round)).rows}
    assert (rows["KC-BGR"].selected, rows["KC-BGR"].why) == (True, "within_quota")
    assert (rows["KC-BDG"].selected, rows["KC-BDG"].why) == (False, "excluded")
    excluded = rows["KC-BDG"].override
    assert excluded is not None
    assert excluded.justification == "Kasus KKN berjalan"
    audited = AuditEvent.objects.filter(action="selection_round.override")
    assert audited.count() == 2
    override = SelectionOverride.objects.get(assessment=sel.sheets["KC-BDG"])
    override_remove(actor=admin, rnd=sel.round, override=override)
    assert AuditEvent.objects.filter(action="selection_round.override_remove").count() == 1


def test_an_include_goes_beside_the_quota(chain_world: ChainWorld) -> None:
    sel = selection_world(chain_world)
    override_set(
        actor=chain_world["kanwil_reviewer"],
        rnd=sel.round,
        assessment_id=sel.sheets["KC-BGR"].pk,
        decision="include",
        justification="Prestasi layanan",
    )
    rows = {r.unit.code: r for r in round_preview(fresh(sel.round)).rows}
    assert rows["KC-BDG"].selected
    assert rows["KC-BGR"].selected
    assert rows["KC-BGR"].why == "included"


def test_a_quota_over_100_is_refused_and_nothing_changes(chain_world: ChainWorld) -> None:
    sel = selection_world(chain_world)
    with pytest.raises(ValidationFailed) as caught:
        round_update(
            actor=chain_world["agency_admin"],
            rnd=sel.round,
            data=RoundInput(quota_percent="120", rounding="up", min_per_group=1),
        )
    assert "quota_out_of_range" in codes(caught.value)
    assert fresh(sel.round).quota_percent == 50
    with pytest.raises(ValidationFailed):
        make_round(chain_world, quota_percent="abc")


def test_only_a_decider_changes_the_round(chain_world: ChainWorld) -> None:
    sel = selection_world(chain_world)
    with pytest.raises(PermissionDenied):
        override_set(
            actor=chain_world["kanwil_member"],
            rnd=sel.round,
            assessment_id=sel.sheets["KC-BGR"].pk,
            decision="include",
            justification="x",
        )
    with pytest.raises(StateError) as caught:
        round_confirm(actor=chain_world["kanwil_member"], rnd=sel.round)
    assert "not_round_decider" in codes(caught.value)
    assert fresh(sel.round).status == "draft"


def test_wrong_state_and_pending_reviews_are_refused(chain_world: ChainWorld) -> None:
    rnd = make_round(chain_world)  # Bandung's Kanwil review is still open
    with pytest.raises(StateError) as caught:
        round_confirm(actor=chain_world["agency_admin"], rnd=rnd)
    assert "reviews_pending" in codes(caught.value)
    with pytest.raises(StateError) as caught:
        round_close(actor=chain_world["agency_admin"], rnd=rnd)
    assert "wrong_state" in codes(caught.value)
    assert fresh(rnd).status == "draft"
    assert not WorkflowEvent.objects.filter(subject_kind="selection_round").exists()


def test_a_late_action_is_refused(chain_world: ChainWorld) -> None:
    sel = selection_world(chain_world)
    late = timezone.now() + dt.timedelta(days=60)  # after Eselon I's window closed
    with pytest.raises(StateError) as caught:
        round_confirm(actor=chain_world["agency_admin"], rnd=sel.round, now=late)
    assert "round_late" in codes(caught.value)
    assert fresh(sel.round).status == "draft"


def test_a_step_with_a_round_waits_until_it_closes(chain_world: ChainWorld) -> None:
    sel = selection_world(chain_world)
    bandung = sel.sheets["KC-BDG"]
    assert chain_world.review("eselon1", bandung).status == S.WAITING
    admin = chain_world["agency_admin"]
    confirmed = round_confirm(actor=admin, rnd=sel.round)
    assert confirmed.result["groups"]["Tim Jabar"]["selected"] == ["KC-BDG"]
    assert chain_world.review("eselon1", bandung).status == S.WAITING
    # Back to draft and confirmed again: the result is frozen anew.
    round_reopen(actor=admin, rnd=sel.round)
    assert fresh(sel.round).result == {}
    round_confirm(actor=admin, rnd=sel.round)
    handoffs.recorded().clear()
    round_close(actor=chain_world["kanwil_reviewer"], rnd=sel.round)
    assert chain_world.review("eselon1", bandung).status == S.OPEN
    assert chain_world.review("eselon1", sel.sheets["KC-SBY"]).status == S.OPEN
    bogor = sel.sheets["KC-BGR"]
    assert chain_world.review("eselon1", bogor).status == S.CLOSED
    assert chain_world.review("tpi", bogor).status == S.CLOSED
    told = {h["kind"]: h for h in handoffs.recorded() if h["kind"].startswith("selection.")}
    assert told["selection.not_selected"]["params"]["reason"] == "over_quota"
    assert told["selection.not_selected"]["params"]["reason_text"]
    assert "selection.selected" in told
    actions = list(
        WorkflowEvent.objects.filter(subject_kind="selection_round")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["confirm", "reopen", "confirm", "close"]
    # A closed round changes no more.
    with pytest.raises(StateError) as caught:
        round_update(actor=admin, rnd=sel.round, data=RoundInput(quota_percent="100"))
    assert "not_draft" in codes(caught.value)


def test_a_sheet_completed_after_the_round_closed_is_not_selected(chain_world: ChainWorld) -> None:
    """The round's result is final: a sheet its tier completes afterwards does not wait for
    a round that will never come; its later reviews close, saying why."""
    sel = selection_world(chain_world)
    admin = chain_world["agency_admin"]
    round_confirm(actor=admin, rnd=sel.round)
    round_close(actor=admin, rnd=sel.round)
    late_unit = unit_create(
        actor=chain_world["sysadmin"],
        parent=chain_world.world.kanwil_jabar,
        code="KC-CMH",
        name="Satker Cimahi",
        kind="satker",
    )
    late = submitted(chain_world, late_unit)
    set_view(chain_world, late, "90")
    complete(chain_world, late)
    assert chain_world.review("kanwil", late).status == S.COMPLETED
    eselon1 = chain_world.review("eselon1", late)
    assert eselon1.status == S.CLOSED
    closed = WorkflowEvent.objects.filter(
        subject_kind="tier_review", subject_id=eselon1.pk, action="close"
    ).get()
    said = gettext(
        "Not selected: %(tier)s completed the sheet after its selection round closed on %(date)s."
    )
    assert closed.reason.startswith(said.split("%(tier)s")[0])
    assert chain_world.tiers["kanwil"].name in closed.reason
    # The sheets the round selected are untouched.
    assert chain_world.review("eselon1", sel.sheets["KC-BDG"]).status == S.OPEN
