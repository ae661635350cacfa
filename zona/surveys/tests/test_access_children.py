"""Access functions for a campaign's code batches and suggestions (issue 9 §5): only its
managers reach them, and only under their own campaign; everything else is the same 404."""

import pytest
from django.http import Http404

from zona.surveys.access import access_code_batch_by_id, access_suggestion_by_id
from zona.surveys.models import Suggestion
from zona.surveys.services import code_batch_create
from zona.surveys.tests.conftest import make_campaign


@pytest.fixture
def bogor_campaign(world, instruments):
    return make_campaign(world, instruments, unit=world.bogor)


def test_code_batch_for_the_campaign_managers_only(world, campaign, bogor_campaign):
    batch = code_batch_create(actor=world["operator"], campaign=campaign, size=2, label="Loket")
    found = access_code_batch_by_id(world["operator"], campaign, batch.pk)
    assert found == batch
    assert found.campaign is campaign
    for user, parent, batch_id in [
        (world["other_operator"], campaign, batch.pk),  # another unit
        (world["viewer"], campaign, batch.pk),  # sees the campaign, may not manage it
        (world["operator"], bogor_campaign, batch.pk),  # not a batch of that campaign
        (world["operator"], campaign, batch.pk + 999),
        (world["operator"], campaign, "nonsense"),
    ]:
        with pytest.raises(Http404):
            access_code_batch_by_id(user, parent, batch_id)


def test_suggestion_for_the_campaign_managers_only(world, campaign, bogor_campaign):
    suggestion = Suggestion.objects.create(campaign=campaign, text="Antrean terlalu panjang")
    found = access_suggestion_by_id(world["operator"], campaign, suggestion.pk)
    assert found == suggestion
    assert found.campaign is campaign
    for user, parent, suggestion_id in [
        (world["other_operator"], campaign, suggestion.pk),
        (world["viewer"], campaign, suggestion.pk),
        (world["operator"], bogor_campaign, suggestion.pk),
        (world["operator"], campaign, suggestion.pk + 1),
        (world["operator"], campaign, None),
    ]:
        with pytest.raises(Http404):
            access_suggestion_by_id(user, parent, suggestion_id)
