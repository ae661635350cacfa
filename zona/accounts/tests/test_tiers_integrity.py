"""The national tier cannot be overridden by an agency tier (issue 8, §1)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from zona.accounts import services
from zona.accounts.models import ReviewTier
from zona.audit.models import AuditEvent
from zona.core.errors import ValidationFailed


def codes(error: ValidationFailed) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in error.problems}


def test_an_agency_tier_cannot_take_the_national_code(world):
    with pytest.raises(ValidationFailed) as err:
        services.review_tier_create(
            actor=world["agency_admin"], agency=world.agency, code="TPN", name="TPN", rank=20
        )
    assert codes(err.value) == {("code", "duplicate_code")}
    assert not ReviewTier.objects.filter(agency=world.agency, code="tpn").exists()


@pytest.mark.parametrize("rank", [90, 95, 1000])
def test_an_agency_tier_cannot_rank_at_or_above_the_national_tier(world, rank):
    with pytest.raises(ValidationFailed) as err:
        services.review_tier_create(
            actor=world["agency_admin"], agency=world.agency, code="tpm", name="TPM", rank=rank
        )
    assert codes(err.value) == {("rank", "rank_not_below_national")}
    with pytest.raises(ValidationFailed) as err:
        services.review_tier_update(
            actor=world["agency_admin"], tier=world.tier_tpi, code="tpi", name="TPI", rank=rank
        )
    assert codes(err.value) == {("rank", "rank_not_below_national")}
    world.tier_tpi.refresh_from_db()
    assert world.tier_tpi.rank == 30


def test_an_agency_tier_below_the_national_tier_is_fine(world):
    tier = services.review_tier_create(
        actor=world["agency_admin"], agency=world.agency, code="tpm", name="TPM", rank=89
    )
    assert tier.rank == 89


def test_a_national_tier_must_rank_above_every_agency_tier_and_keep_its_code_apart(world):
    admin = world["sysadmin"]
    with pytest.raises(ValidationFailed) as err:
        services.review_tier_update(
            actor=admin, tier=world.tier_tpn, code="tpn", name="TPN", rank=30
        )
    assert codes(err.value) == {("rank", "rank_not_above_agencies")}
    with pytest.raises(ValidationFailed) as err:
        services.review_tier_create(actor=admin, agency=None, code="tpi", name="X", rank=99)
    assert codes(err.value) == {("code", "duplicate_code")}


def test_the_tier_form_shows_the_rank_refusal(world, client):
    client.force_login(world["agency_admin"])
    r = client.post(
        reverse("accounts:tier_create"),
        {"agency": world.agency.pk, "code": "tpn", "name": "TPN palsu", "rank": 99},
    )
    assert r.status_code == 200
    assert not ReviewTier.objects.filter(name="TPN palsu").exists()
    form = r.context["tier_form"]
    assert set(form.errors) >= {"code", "rank"}


def test_the_migration_repairs_clashing_codes_and_ranks(world):
    bad = ReviewTier.objects.create(agency=world.agency, code="tpn", name="TPN palsu", rank=95)
    high = ReviewTier.objects.create(agency=world.agency, code="tpm", name="TPM", rank=90)
    other = ReviewTier.objects.create(agency=world.other_agency, code="tpn", name="X", rank=5)
    migration = importlib.import_module("zona.accounts.migrations.0002_integrity")
    migration.repair_tiers(django_apps, None)
    for tier in (bad, high, other):
        tier.refresh_from_db()
    assert (bad.code, bad.rank) == ("tpn-agency", 89)
    assert (high.code, high.rank) == ("tpm", 88)
    assert (other.code, other.rank) == ("tpn-agency", 5)
    world.tier_tpi.refresh_from_db()
    assert world.tier_tpi.rank == 30
    repaired = AuditEvent.objects.filter(action="review_tier.repaired")
    assert {e.target_id for e in repaired} == {str(bad.pk), str(high.pk), str(other.pk)}
