"""Builders for the desk tests: Satker Bandung's sheet on the mini framework (whose B.I.a and
B.II.a take IPAK and IPKP), and a survey round of the unit that feeds the LKE, with contacts
respondents left (e-mail and phone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zona.accounts.models import User
from zona.accounts.testing import World
from zona.assessments.models import Assessment
from zona.assessments.tests.factories import load_mini, make_assessment, make_period
from zona.surveys.models import Campaign, Contact


@dataclass
class DeskWorld:
    world: World
    assessment: Assessment

    def __getitem__(self, username: str) -> User:
        return self.world.users[username]


def desk_world(world: World) -> DeskWorld:
    framework = load_mini()
    period = make_period(
        world.agency, framework, year=timezone.localdate().year, creator=world["agency_admin"]
    )
    return DeskWorld(world=world, assessment=make_assessment(period, world.bandung))


def feeding_campaign(world: World, *, emails: int = 6, phones: int = 6) -> Campaign:
    """A round of Satker Bandung that feeds the LKE, with contacts already opened."""
    from django.conf import settings

    from zona.surveys.services import CampaignFields, campaign_create, instrument_load_files

    results = instrument_load_files(paths=sorted((settings.BASE_DIR / "surveys").glob("*.yaml")))
    versions = {r.key: r.instrument_version for r in results}
    today = timezone.localdate()
    services = {s.code: s for s in world.bandung.service_types.all()}
    campaign = campaign_create(
        actor=world["operator"],
        unit=world.bandung,
        fields=CampaignFields(
            year=today.year,
            period_label="Semester II",
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=1),
            instrument_versions=[versions["spak"], versions["spkp"]],
            populations={services["PASPOR"].pk: 1000},
            feeds_lke=True,
        ),
    )
    # Contacts as the worker writes them (the sealed queue is the surveys app's concern).
    for i in range(emails):
        Contact.objects.create(campaign=campaign, contact=f"warga{i}@example.id", name=f"W{i}")
    for i in range(phones):
        Contact.objects.create(campaign=campaign, contact=f"0812 3456 78{i:02d}")
    return campaign
