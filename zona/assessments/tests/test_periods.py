"""Opening periods and creating their assessments in bulk."""

import datetime as dt

import pytest

from zona.assessments.models import AnswerLayer, Assessment, Period
from zona.assessments.services import (
    DeadlineInput,
    answer_save,
    assessment_create_many,
    evidence_link,
    evidence_upload,
    period_create,
    period_update,
)
from zona.assessments.tests.factories import make_period, pdf_file
from zona.core.errors import PermissionDenied, ValidationFailed

D = dt.date


def test_an_agency_admin_opens_a_period_with_deadlines_per_level(world, framework):
    period = period_create(
        actor=world["agency_admin"],
        agency=world.agency,
        year=2026,
        title="PMPZI 2026",
        framework=framework,
        opens_on=D(2026, 2, 1),
        closes_on=D(2026, 11, 30),
        deadlines=[
            DeadlineInput(4, D(2026, 10, 31), D(2026, 11, 15), D(2026, 11, 25)),
            DeadlineInput(3, D(2026, 11, 10)),
        ],
    )
    assert list(period.deadlines.values_list("level", flat=True)) == [3, 4]


def test_period_problems_are_listed_together(world, framework):
    with pytest.raises(ValidationFailed) as exc:
        period_create(
            actor=world["agency_admin"],
            agency=world.agency,
            year=1999,
            title=" ",
            framework=framework,
            opens_on=D(2026, 2, 1),
            closes_on=D(2026, 1, 1),
            deadlines=[
                DeadlineInput(4, D(2026, 1, 1), D(2025, 12, 1)),
                DeadlineInput(4, D(2026, 3, 1)),
            ],
        )
    fields = [p.field for p in exc.value.problems]
    assert {"title", "year", "closes_on", "deadlines.4"} <= set(fields)
    assert not Period.objects.exists()


@pytest.mark.parametrize("persona", ["operator", "outsider", "tpi_reviewer"])
def test_only_agency_admins_open_periods(world, framework, persona):
    with pytest.raises(PermissionDenied):
        period_create(
            actor=world[persona],
            agency=world.agency,
            year=2026,
            title="x",
            framework=framework,
            opens_on=D(2026, 1, 1),
            closes_on=D(2026, 2, 1),
        )


def test_period_update_replaces_deadlines(world, period):
    period_update(
        actor=world["agency_admin"],
        period=period,
        title="PMPZI 2026 (revisi)",
        opens_on=period.opens_on,
        closes_on=period.closes_on,
        deadlines=[DeadlineInput(4, period.closes_on)],
        status="closed",
    )
    period.refresh_from_db()
    assert period.title == "PMPZI 2026 (revisi)"
    assert period.status == "closed"
    assert period.deadlines.get().level == 4


def test_bulk_creation_skips_existing_sheets_and_makes_unit_layers(world, period):
    result = assessment_create_many(
        actor=world["agency_admin"],
        period=period,
        targets={world.bandung: "wbk", world.bogor: "wbbm"},
    )
    assert len(result.created) == 2
    assert not result.existing
    assert AnswerLayer.objects.filter(tier__isnull=True).count() == 2
    again = assessment_create_many(
        actor=world["agency_admin"],
        period=period,
        targets={world.bandung: "wbk", world.surabaya: "wbk"},
    )
    assert [a.unit for a in again.created] == [world.surabaya]
    assert again.existing == [world.bandung]
    assert Assessment.objects.get(unit=world.bogor).target == "wbbm"


def test_bulk_creation_refuses_units_of_another_agency(world, period):
    with pytest.raises(ValidationFailed):
        assessment_create_many(
            actor=world["agency_admin"], period=period, targets={world.other_satker: "wbk"}
        )
    with pytest.raises(ValidationFailed):
        assessment_create_many(
            actor=world["agency_admin"], period=period, targets={world.bandung: "xx"}
        )
    assert not Assessment.objects.exists()


def test_bulk_creation_can_carry_forward(world, framework):
    old_period = make_period(world.agency, framework, year=2025, title="PMPZI 2025")
    old = assessment_create_many(
        actor=world["agency_admin"], period=old_period, targets={world.bandung: "wbk"}
    ).created[0]
    answer_save(
        actor=world["operator"],
        assessment=old,
        item_code="A.p.m.1.a",
        revision=0,
        value="Ya",
        note="ada SK",
    )
    doc = evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file()).evidence
    evidence_link(actor=world["operator"], assessment=old, item_code="A.p.m.1.a", evidence=doc)
    new_period = make_period(world.agency, framework, year=2026, title="PMPZI 2026")
    result = assessment_create_many(
        actor=world["agency_admin"],
        period=new_period,
        targets={world.bandung: "wbk", world.bogor: "wbk"},
        carry_forward=True,
    )
    assert result.carried == 1
    new = Assessment.objects.get(period=new_period, unit=world.bandung)
    assert new.carried_from == old
    answer = new.layers.get(tier=None).answers.get(item_code="A.p.m.1.a")
    assert answer.value is None
    assert answer.suggested_value == "Ya"
    assert answer.suggested_note == "ada SK"
    assert new.evidence_links.get().evidence == doc
