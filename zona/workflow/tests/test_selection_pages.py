"""The selection pages: create a round, the preview, overrides, confirm and close through
the browser's forms; bad input changes nothing; other agencies' people get 404; the round
page's query count does not grow with the units."""

from __future__ import annotations

from django.urls import reverse

from zona.accounts.models import Role
from zona.accounts.services import review_tier_create, role_assign, user_create
from zona.accounts.testing import DEFAULT_PASSWORD
from zona.workflow.models import TierReviewStatus
from zona.workflow.models.selection import SelectionOverride, SelectionRound
from zona.workflow.tests.conftest import ChainWorld
from zona.workflow.tests.selection_fixtures import many_applicants, selection_world


def round_url(rnd: SelectionRound) -> str:
    return reverse("workflow:selection_round", args=[rnd.pk])


def other_agency_people(cw: ChainWorld) -> list:
    admin = cw["sysadmin"]
    people = []
    for username, role in (("other_admin", Role.AGENCY_ADMIN), ("other_reviewer", Role.REVIEWER)):
        user = user_create(
            actor=admin,
            username=username,
            email=f"{username}@example.go.id",
            full_name=username,
            home_unit=cw.world.other_agency,
            password=DEFAULT_PASSWORD,
            send_welcome=False,
        )
        extra: dict = {"covers_subtree": True}
        if role == Role.REVIEWER:
            extra["review_tier"] = review_tier_create(
                actor=admin, agency=cw.world.other_agency, code="kw", name="Kanwil", rank=10
            )
        role_assign(actor=admin, user=user, role=role, unit=cw.world.other_agency, **extra)
        people.append(user)
    return people


def test_the_admin_creates_a_round(chain_world: ChainWorld, client_for) -> None:
    client = client_for(chain_world["agency_admin"])
    url = reverse("workflow:selection_rounds", args=[chain_world.period.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'data-testid="round-create"' in page.content
    data = {
        "step": chain_world.steps["kanwil"].pk,
        "grouping": "team",
        "quota_percent": "120",
        "rounding": "up",
        "min_per_group": "1",
        "target": "wbk",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert b'data-testid="error-quota_percent"' in bad.content
    assert not SelectionRound.objects.exists()
    made = client.post(url, {**data, "quota_percent": "33.3"})
    rnd = SelectionRound.objects.get()
    assert made.status_code == 302
    assert made["Location"] == round_url(rnd)
    assert str(rnd.quota_percent) == "33.300"


def test_round_page_preview_override_confirm_close(chain_world: ChainWorld, client_for) -> None:
    sel = selection_world(chain_world)
    client = client_for(chain_world["kanwil_reviewer"])  # a lead of the Kanwil step
    page = client.get(round_url(sel.round) + "?sort=rank")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="row-KC-BDG" data-selected="1" data-why="within_quota"' in body
    assert 'data-testid="row-KC-BGR" data-selected="0" data-why="over_quota"' in body
    assert body.index("row-KC-BDG") < body.index("row-KC-BGR") < body.index("row-KC-SBY")
    bogor = sel.sheets["KC-BGR"]
    url = reverse("workflow:selection_override", args=[sel.round.pk])
    refused = client.post(url, {"assessment": bogor.pk, "decision": "include", "justification": ""})
    assert refused.status_code == 400
    assert b'data-testid="error-justification"' in refused.content
    assert not SelectionOverride.objects.exists()
    client.post(url, {"assessment": bogor.pk, "decision": "include", "justification": "Perbatasan"})
    assert SelectionOverride.objects.get().justification == "Perbatasan"
    action = lambda name: reverse("workflow:selection_action", args=[sel.round.pk, name])  # noqa: E731
    wrong = client.post(action("close"), follow=True)
    assert b'data-error="wrong_state"' in wrong.content or b"wrong_state" in wrong.content
    assert SelectionRound.objects.get().status == "draft"
    client.post(action("confirm"))
    assert SelectionRound.objects.get().status == "confirmed"
    client.post(action("close"))
    assert SelectionRound.objects.get().status == "closed"
    assert chain_world.review("eselon1", bogor).status == TierReviewStatus.OPEN
    page = client.get(round_url(sel.round))
    assert b'data-why="included"' in page.content


def test_a_member_sees_but_cannot_decide(chain_world: ChainWorld, client_for) -> None:
    sel = selection_world(chain_world)
    client = client_for(chain_world["kanwil_member"])
    page = client.get(round_url(sel.round))
    assert page.status_code == 200
    assert b'data-refusal="not_round_decider"' in page.content
    assert b'data-testid="override-form"' not in page.content
    client.post(reverse("workflow:selection_action", args=[sel.round.pk, "confirm"]))
    assert SelectionRound.objects.get().status == "draft"


def test_other_people_get_404(chain_world: ChainWorld, client_for) -> None:
    sel = selection_world(chain_world)
    outsiders = [*other_agency_people(chain_world), chain_world["operator"]]
    outsiders.append(chain_world["eselon1_reviewer"])  # another step's team
    for user in outsiders:
        client = client_for(user)
        assert client.get(round_url(sel.round)).status_code == 404, user
        post = reverse("workflow:selection_action", args=[sel.round.pk, "confirm"])
        assert client.post(post).status_code == 404
        override = reverse("workflow:selection_override", args=[sel.round.pk])
        assert client.post(override, {"justification": "x"}).status_code == 404
    other_admin = client_for(outsiders[0])
    url = reverse("workflow:selection_rounds", args=[chain_world.period.pk])
    assert other_admin.get(url).status_code == 404
    assert SelectionRound.objects.get().status == "draft"


def test_round_page_queries_stay_constant(
    chain_world: ChainWorld, client_for, django_assert_num_queries
) -> None:
    sel = selection_world(chain_world)
    client = client_for(chain_world["agency_admin"])
    url = round_url(sel.round)
    many_applicants(chain_world, 3)
    client.get(url)  # warm caches (sessions, the framework)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    many_applicants(chain_world, 12, start=3)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert page.content.count(b'data-testid="row-') == 3 + 3 + 12
