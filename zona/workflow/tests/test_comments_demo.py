"""The comments part's demo after the chain and reviews demos. Loading twice changes nothing:
`zona/home/tests/test_demo_whole.py` runs `check_comments` on the whole demo, loaded once
and again."""

from __future__ import annotations

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.workflow.demos.comments import load
from zona.workflow.models import ItemComment


@pytest.mark.django_db
def test_the_comments_demo_without_a_submitted_sheet_makes_nothing():
    ctx = load_demo_accounts()
    load(ctx)  # no submitted sheet yet: nothing, no error
    assert not ItemComment.objects.exists()


def check_comments() -> None:
    kinds = sorted(ItemComment.objects.filter(parent__isnull=True).values_list("kind", flat=True))
    assert kinds == ["internal", "must_fix", "to_unit", "to_unit"]
    assert ItemComment.objects.filter(from_unit=True).count() == 1
