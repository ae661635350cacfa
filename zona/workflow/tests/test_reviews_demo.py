"""The demo puts sheets at different places of the chain: the checks
`zona/home/tests/test_demo_whole.py` runs on the whole demo, loaded once (and again, alike)."""

from __future__ import annotations

from django.db.models import Count

from zona.accounts.models import User
from zona.assessments.models import Answer, Assessment, StoredScore
from zona.assessments.sheet import sheet_spec
from zona.workflow.models import (
    DeskSession,
    ItemComment,
    KoefisienEvent,
    TierReview,
    TpiPanel,
    TpiStage,
    WorkflowEvent,
)
from zona.workflow.models.selection import SelectionRound
from zona.workflow.selectors.comments import review_queue
from zona.workflow.selectors.tpi import panel_rows


def chain_of(code: str) -> list[tuple[str, str]]:
    return list(
        TierReview.objects.filter(assessment__unit__code=code)
        .order_by("position")
        .values_list("tier__code", "status")
    )


def check_sheets_stand_at_different_tiers() -> None:
    assert chain_of("KPM-IMI-BGR") == [
        ("kanwil", "open"),
        ("eselon1", "waiting"),
        ("tpi", "waiting"),
    ]
    assert chain_of("KPM-IMI-BKS") == [
        ("kanwil", "completed"),
        ("eselon1", "open"),
        ("tpi", "waiting"),
    ]
    # Depok went through Kanwil (and its round) and Eselon I: open at the TPI.
    assert chain_of("KPM-IMI-DPK") == [
        ("kanwil", "completed"),
        ("eselon1", "completed"),
        ("tpi", "open"),
    ]
    # Jakarta Pusat is outside the Kanwil step's sub-tree: Eselon I returned it.
    assert chain_of("KPM-IMI-JKT-PST") == [("eselon1", "returned"), ("tpi", "waiting")]
    returned = Assessment.objects.get(unit__code="KPM-IMI-JKT-PST")
    assert returned.status == "returned"
    assert returned.returned_items == ["A.I.1.i.a", "A.I.1.i.b"]
    assert WorkflowEvent.objects.get(
        assessment=returned, subject_kind="assessment", action="return"
    ).reason


def check_each_tier_answers_every_item_close_to_the_layer_below() -> None:
    sheet = Assessment.objects.select_related("period__framework").get(unit__code="KPM-IMI-BKS")
    items = len(sheet_spec(sheet.period.framework).items)
    layers = {
        (row["layer__tier__code"] or "unit"): row["n"]
        for row in Answer.objects.filter(layer__assessment=sheet, value__isnull=False)
        .values("layer__tier__code")
        .annotate(n=Count("pk"))
    }
    assert layers == {"unit": items, "kanwil": items, "eselon1": items}
    unit = dict(
        Answer.objects.filter(layer__assessment=sheet, layer__tier__isnull=True).values_list(
            "item_code", "value"
        )
    )
    kanwil = dict(
        Answer.objects.filter(layer__assessment=sheet, layer__tier__code="kanwil").values_list(
            "item_code", "value"
        )
    )
    differ = [code for code in unit if unit[code] != kanwil[code]]
    assert 1 <= len(differ) <= 8
    # The tiers' views stay close to the unit's and pass WBK.
    views = {
        (s.tier.code if s.tier else "unit"): s
        for s in StoredScore.objects.filter(assessment=sheet).select_related("tier")
    }
    for code in ("kanwil", "eselon1"):
        assert abs(views[code].total - views["unit"].total) < 5
        assert views[code].verdicts["wbk"]["passed"]


def check_each_stage_has_a_sheet_and_every_queue_a_task() -> None:
    stages = set(TierReview.objects.values_list("assessment__unit__code", "tier__code", "status"))
    assert ("KPM-IMI-BGR", "kanwil", "open") in stages
    assert ("KPM-IMI-BKS", "eselon1", "open") in stages
    assert ("KPM-IMI-JKT-PST", "eselon1", "returned") in stages
    assert ("KPM-IMI-DPK", "tpi", "open") in stages
    rnd = SelectionRound.objects.get(step__tier__code="kanwil")
    assert rnd.status == "closed"
    stage = TpiStage.objects.get(review__assessment__unit__code="KPM-IMI-DPK")
    assert stage.returned
    assert stage.findings_items
    # The chain's planned plenary (the national demo adds the May panel that proposed its cast).
    panel = TpiPanel.objects.get(status="draft")
    assert [r.review.assessment.unit.code for r in panel_rows(panel)] == ["KPM-IMI-DPK"]
    for username, unit in (
        ("reviewer.kanwil", "KPM-IMI-BGR"),
        ("reviewer.eselon1", "KPM-IMI-BKS"),
        ("reviewer.tpi", "KPM-IMI-DPK"),
    ):
        queue = review_queue(User.objects.get(username=username))
        assert [row.assessment.unit.code for row in queue] == [unit], username
    bogor = Assessment.objects.get(unit__code="KPM-IMI-BGR")
    assert ItemComment.objects.filter(assessment=bogor).exists()
    assert DeskSession.objects.filter(assessment=bogor).exists()
    assert KoefisienEvent.objects.get().assessment.unit.code == "KPM-IMI-BKS"
