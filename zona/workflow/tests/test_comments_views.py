"""Comments and marks through the pages, htmx, the review page's hooks and the API: access
(another unit's users get 404), what unit users never see, and constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zona.workflow.models import EvidenceMark, ItemComment
from zona.workflow.services.comments import comment_add, comment_reply, evidence_mark
from zona.workflow.tests.comments_fixtures import attach, build_sheets, open_chain, open_review
from zona.workflow.views.comments import review_item_extras, review_panel

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def sheets(world):
    return build_sheets(world)


def seed(sheets, world):
    a, kanwil = sheets.assessment, world.tier_kanwil
    reviewer = world["kanwil_reviewer"]
    made = {
        kind: comment_add(
            actor=reviewer,
            assessment=a,
            item_code="A.p.m.1.a",
            tier=kanwil,
            kind=kind,
            body=f"pesan {kind}",
        )
        for kind in ("to_unit", "internal", "must_fix")
    }
    link = sheets.link
    link.assessment = a
    evidence_mark(
        actor=reviewer, link=link, tier=kanwil, verdict="insufficient", note="tanpa tanda tangan"
    )
    return made


def test_reviewer_adds_a_comment_with_htmx_and_gets_the_block_back(sheets, world, client_for):
    client = client_for(world["kanwil_reviewer"])
    url = reverse("workflow:comments_add", args=[sheets.assessment.pk])
    post = {"item_code": "A.p.m.1.b", "tier": "kanwil", "kind": "must_fix", "body": "Lengkapi"}
    response = client.post(url, post, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="comments-A.p.m.1.b"' in html
    assert "Lengkapi" in html
    assert 'data-kind="must_fix"' in html
    assert ItemComment.objects.get().kind == "must_fix"
    # An empty comment: the block again with the error's code, nothing saved.
    response = client.post(url, {**post, "body": " "}, headers=HX)
    assert 'data-error="required"' in response.content.decode()
    assert ItemComment.objects.count() == 1
    # Without htmx: back to the review page.
    response = client.post(url, post)
    assert response.status_code == 302
    assert ItemComment.objects.count() == 2


def test_unit_user_cannot_comment_as_a_tier(sheets, world, client_for):
    url = reverse("workflow:comments_add", args=[sheets.assessment.pk])
    post = {"item_code": "A.p.m.1.a", "tier": "kanwil", "kind": "to_unit", "body": "x"}
    response = client_for(world["operator"]).post(url, post, headers=HX)
    assert 'data-error="forbidden"' in response.content.decode()
    assert not ItemComment.objects.exists()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("workflow:comments_feedback", {}),
        ("workflow:comments_add", {}),
        ("workflow:comments_reply", {"comment_id": "c"}),
        ("workflow:comments_resolve", {"comment_id": "c"}),
        ("workflow:comments_mark", {"link_id": "l"}),
    ],
)
def test_another_units_user_gets_404_everywhere(sheets, world, client_for, name, kwargs):
    made = seed(sheets, world)
    ids = {"c": made["to_unit"].pk, "l": sheets.link.pk}
    url = reverse(
        name, kwargs={"pk": sheets.assessment.pk, **{k: ids[v] for k, v in kwargs.items()}}
    )
    for user in ("other_operator", "outsider"):
        client = client_for(world[user])
        response = client.get(url) if name.endswith("feedback") else client.post(url, {"body": "x"})
        assert response.status_code == 404
    assert ItemComment.objects.count() == 3


def test_unit_feedback_page_never_shows_internal_comments(sheets, world, client_for):
    made = seed(sheets, world)
    url = reverse("workflow:comments_feedback", args=[sheets.assessment.pk])
    html = client_for(world["operator"]).get(url).content.decode()
    assert "pesan to_unit" in html
    assert "pesan must_fix" in html
    assert "pesan internal" not in html
    assert 'data-testid="feedback-must-fix"' in html
    assert "tanpa tanda tangan" in html  # the mark's note is the unit's to read
    assert 'data-testid="resolve"' not in html
    # Reviewers see the internal thread on the same page.
    assert "pesan internal" in client_for(world["kanwil_reviewer"]).get(url).content.decode()
    # The unit cannot reply on (or even find) the internal thread: 404.
    reply = reverse("workflow:comments_reply", args=[sheets.assessment.pk, made["internal"].pk])
    assert client_for(world["operator"]).post(reply, {"body": "?"}).status_code == 404


def test_unit_replies_on_the_feedback_page(sheets, world, client_for):
    made = seed(sheets, world)
    url = reverse("workflow:comments_reply", args=[sheets.assessment.pk, made["must_fix"].pk])
    response = client_for(world["unit_head"]).post(url, {"body": "Sudah diperbaiki"}, headers=HX)
    assert "Sudah diperbaiki" in response.content.decode()
    reply = ItemComment.objects.get(parent=made["must_fix"])
    assert reply.from_unit
    # Without htmx the unit goes back to its feedback page.
    response = client_for(world["unit_head"]).post(url, {"body": "Lagi"})
    assert response.url == reverse("workflow:comments_feedback", args=[sheets.assessment.pk])


def test_another_tiers_reviewer_cannot_resolve_but_the_same_tier_can(sheets, world, client_for):
    made = seed(sheets, world)
    must = made["must_fix"]
    url = reverse("workflow:comments_resolve", args=[sheets.assessment.pk, must.pk])
    response = client_for(world["tpi_reviewer"]).post(url, {"tier": "tpi"}, headers=HX)
    assert 'data-error="forbidden"' in response.content.decode()
    must.refresh_from_db()
    assert must.resolved_at is None
    response = client_for(world["kanwil_reviewer"]).post(url, {"tier": "kanwil"}, headers=HX)
    assert 'data-resolved="1"' in response.content.decode()
    must.refresh_from_db()
    assert must.resolved_by == world["kanwil_reviewer"]


def test_mark_through_the_page(sheets, world, client_for):
    url = reverse("workflow:comments_mark", args=[sheets.assessment.pk, sheets.link.pk])
    client = client_for(world["kanwil_reviewer"])
    response = client.post(url, {"tier": "kanwil", "verdict": "accepted"}, headers=HX)
    assert 'data-verdict="accepted"' in response.content.decode()
    response = client_for(world["operator"]).post(
        url, {"tier": "kanwil", "verdict": "accepted"}, headers=HX
    )
    assert 'data-error="forbidden"' in response.content.decode()
    assert EvidenceMark.objects.count() == 1


# --- the review page's hooks -------------------------------------------------------------------


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_hooks_show_forms_to_the_acting_tier_and_stay_constant(sheets, world):
    step = open_chain(sheets.period, world.tier_kanwil)
    review = open_review(step, sheets.assessment)
    seed(sheets, world)
    reviewer = world["kanwil_reviewer"]
    extras = review_item_extras(_request(reviewer), sheets.assessment, review)
    assert "pesan internal" in extras["A.p.m.1.a"]
    assert 'data-testid="comment-form"' in extras["A.p.m.2.a"]  # every item takes a comment
    panel = review_panel(_request(reviewer), sheets.assessment, review)
    assert 'data-must-fix-open="1"' in panel
    # Read only (no review): only the items with something to show, no forms.
    read = review_item_extras(_request(world["tpi_reviewer"]), sheets.assessment, None)
    assert list(read) == ["A.p.m.1.a"]
    assert 'data-testid="comment-form"' not in read["A.p.m.1.a"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            review_item_extras(_request(reviewer), sheets.assessment, review)
            review_panel(_request(reviewer), sheets.assessment, review)
        return len(ctx.captured_queries)

    before = queries()
    for n, code in enumerate(["A.p.m.1.b", "A.p.m.2.a", "A.p.t.1.a"]):
        link = attach(sheets.assessment, code, world["operator"], title=f"Dok {n}")
        link.assessment = sheets.assessment
        evidence_mark(actor=reviewer, link=link, tier=world.tier_kanwil, verdict="accepted")
        thread = comment_add(
            actor=reviewer,
            assessment=sheets.assessment,
            item_code=code,
            tier=world.tier_kanwil,
            kind="to_unit",
            body="lagi",
        )
        comment_reply(actor=world["operator"], thread=thread, body="ok")
    assert queries() == before


def test_unit_side_hook_hides_internal(sheets, world):
    seed(sheets, world)
    extras = review_item_extras(_request(world["operator"]), sheets.assessment, None)
    assert "pesan internal" not in extras["A.p.m.1.a"]
    assert "pesan to_unit" in extras["A.p.m.1.a"]
    panel = review_panel(_request(world["operator"]), sheets.assessment, None)
    # The unit acts in no tier: the panel counts the tier's open must-fix for it.
    assert 'data-must-fix-open="0"' in panel
    assert "Kanwil" in panel


# --- API -----------------------------------------------------------------------------------------


def test_api_lists_by_visibility_and_creates_and_resolves(sheets, world, client_for):
    made = seed(sheets, world)
    url = reverse("api-workflow-comments-list", args=[sheets.assessment.pk])
    unit = client_for(world["operator"]).get(url).json()
    assert {c["kind"] for c in unit} == {"to_unit", "must_fix"}
    reviewer = client_for(world["kanwil_reviewer"])
    assert {c["kind"] for c in reviewer.get(url).json()} == {"to_unit", "internal", "must_fix"}
    assert reviewer.get(url, {"item": "A.p.m.2.a"}).json() == []
    created = reviewer.post(
        url,
        {"item_code": "A.p.m.2.a", "tier": "kanwil", "kind": "internal", "body": "catatan tim"},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["kind"] == "internal"
    # The unit replies through the API on a thread it reads; never on an internal one.
    reply = client_for(world["operator"]).post(
        url, {"reply_to": made["to_unit"].pk, "body": "siap"}, content_type="application/json"
    )
    assert reply.status_code == 201
    assert reply.json()["from_unit"] is True
    hidden = client_for(world["operator"]).post(
        url, {"reply_to": made["internal"].pk, "body": "?"}, content_type="application/json"
    )
    assert hidden.status_code == 404
    # Missing fields and a tier the user does not hold.
    bad = reviewer.post(url, {"body": "x"}, content_type="application/json")
    assert bad.status_code == 400
    forbidden = reviewer.post(
        url,
        {"item_code": "A.p.m.2.a", "tier": "tpi", "kind": "to_unit", "body": "x"},
        content_type="application/json",
    )
    assert forbidden.status_code == 403
    resolve = reverse(
        "api-workflow-comments-resolve", args=[sheets.assessment.pk, made["must_fix"].pk]
    )
    assert (
        client_for(world["tpi_reviewer"])
        .post(resolve, {}, content_type="application/json")
        .status_code
        == 403
    )
    done = reviewer.post(resolve, {"note": "ok"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["resolved_by"] == world["kanwil_reviewer"].display_name
    assert (
        reviewer.post(resolve, {}, content_type="application/json").status_code == 409
    )  # already resolved
    reopen = reverse(
        "api-workflow-comments-reopen", args=[sheets.assessment.pk, made["must_fix"].pk]
    )
    assert reviewer.post(reopen, {}, content_type="application/json").json()["resolved_at"] is None
    for user in ("other_operator", "outsider"):
        assert client_for(world[user]).get(url).status_code == 404
        assert (
            client_for(world[user]).post(resolve, {}, content_type="application/json").status_code
            == 404
        )


def test_api_evidence_marks(sheets, world, client_for):
    url = reverse("api-workflow-comments-marks", args=[sheets.assessment.pk])
    reviewer = client_for(world["kanwil_reviewer"])
    body = {"link": sheets.link.pk, "tier": "kanwil", "verdict": "insufficient", "note": "buram"}
    assert reviewer.post(url, body, content_type="application/json").status_code == 201
    body.update(verdict="accepted", note="")
    assert reviewer.post(url, body, content_type="application/json").status_code == 201
    marks = client_for(world["operator"]).get(url).json()
    assert [(m["verdict"], m["latest"]) for m in marks] == [
        ("insufficient", False),
        ("accepted", True),
    ]
    assert marks[0]["note"] == "buram"
    assert (
        client_for(world["operator"]).post(url, body, content_type="application/json").status_code
        == 403
    )
    assert (
        reviewer.post(url, {**body, "link": 999999}, content_type="application/json").status_code
        == 404
    )
    assert (
        reviewer.post(url, {**body, "verdict": "?"}, content_type="application/json").status_code
        == 400
    )
    assert client_for(world["outsider"]).get(url).status_code == 404


def test_openapi_schema_has_the_endpoints(world, client_for):
    schema = client_for(world["sysadmin"]).get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert any(p.endswith("/review/queue/") for p in paths)
    assert any(p.endswith("/comments/{comment_id}/resolve/") for p in paths)
    assert any(p.endswith("/evidence-marks/") for p in paths)
