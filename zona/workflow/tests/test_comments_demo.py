"""The comments part's demo after the chain and reviews demos; loading twice changes nothing."""

from __future__ import annotations

from importlib import import_module

import pytest

from zona.accounts.demo import load_demo_accounts
from zona.assessments.demo import load_demo_data as load_assessments
from zona.workflow.demos.comments import load
from zona.workflow.models import EvidenceMark, ItemComment


@pytest.mark.django_db
def test_the_comments_demo_loads_twice_alike():
    ctx = load_demo_accounts()
    load(ctx)  # no submitted sheet yet: nothing, no error
    assert not ItemComment.objects.exists()
    load_assessments(ctx)
    for part in ("chain", "sheet", "reviews"):
        try:
            module = import_module(f"zona.workflow.demos.{part}")
        except ModuleNotFoundError:  # a part without demo data
            continue
        module.load(ctx)
    load(ctx)
    counts = (ItemComment.objects.count(), EvidenceMark.objects.count())
    load(ctx)
    assert (ItemComment.objects.count(), EvidenceMark.objects.count()) == counts
    kinds = sorted(ItemComment.objects.filter(parent__isnull=True).values_list("kind", flat=True))
    assert kinds == ["internal", "must_fix", "to_unit", "to_unit"]
    assert ItemComment.objects.filter(from_unit=True).count() == 1
