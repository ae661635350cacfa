"""Layers are keyed by their tier, never by the tier's code."""

from zona.accounts.models import ReviewTier
from zona.assessments.access import sheet_rights
from zona.assessments.models import Answer, AnswerLayer
from zona.assessments.selectors import load_sheet_state, sheet_scores
from zona.assessments.services import answer_save
from zona.workflow.presenters.review import ReviewView
from zona.workflow.services.sheet import sheet_submit


def test_an_agency_tier_reusing_the_national_code_does_not_replace_its_answers(world, assessment):
    # Data as it could exist before tier codes were checked: an agency tier named "tpn".
    rogue = ReviewTier.objects.create(agency=world.agency, code="tpn", name="Palsu", rank=50)
    sheet_submit(actor=world["unit_head"], assessment=assessment)
    # The TPN answers on the sheet of a nominated unit during its desk evaluation.
    from zona.national.tests.tpn_fixtures import nominate

    nominate(assessment, by=world["agency_admin"], status="desk", forget=(world["tpn"],))
    answer_save(
        actor=world["tpn"],
        assessment=assessment,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
        tier=world.tier_tpn,
    )
    layer = AnswerLayer.objects.create(assessment=assessment, tier=rogue)
    Answer.objects.create(layer=layer, item_code="A.p.m.1.a", value="Tidak")

    state = load_sheet_state(assessment)
    scores = sheet_scores(state)
    national = next(info for info in state.layers if info.tier_id == world.tier_tpn.pk)
    fake = next(info for info in state.layers if info.tier_id == rogue.pk)
    assert national.code == fake.code == "tpn"
    assert national.key != fake.key
    assert len(scores.layers) == 3
    assert scores.layers[national.key].items["A.p.m.1.a"] == 1
    assert scores.layers[fake.key].items["A.p.m.1.a"] == 0
    # The national tier ranks highest: its answer is the effective one.
    assert scores.effective.items["A.p.m.1.a"] == 1

    view = ReviewView.build_review(state, sheet_rights(world["tpn"], assessment), world.tier_tpn)
    item = state.spec.items["A.p.m.1.a"]
    card = view.review_card(item)
    mine = [row for row in card["layers"] if row["mine"]]
    assert [row["name"] for row in mine] == ["TPN"]
    assert mine[0]["text"] == "Ya"
    assert card["effective"]["layer"] == "TPN"
