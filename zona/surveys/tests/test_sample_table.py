"""Krejcie & Morgan as agencies read the printed table: the next row up (issue 8 §8)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zona.surveys.indices import (
    krejcie_morgan,
    krejcie_morgan_rows,
    krejcie_morgan_table,
    sample_size,
)


def test_a_population_between_rows_takes_the_next_row_up():
    # The example: 4,384 sits between the rows 4,000 and 4,500.
    assert krejcie_morgan(4384) == 353
    assert krejcie_morgan_table(4384) == 354
    assert sample_size(4384, method="krejcie-morgan-table") == 354


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (0, 0),
        (1, 1),  # never more than the population
        (9, 9),
        (10, 10),
        (11, 11),
        (16, 16),  # row 20 says 19: capped at the population
        (96, 80),  # between 95 and 100: row 100
        (101, 86),  # between 100 and 110: row 110
        (4500, 354),
        (4501, 357),
        (75001, 384),
        (1_000_000, 384),
        (5_000_000, 384),  # beyond the last row: the last row
    ],
)
def test_table_rows(population, expected):
    assert krejcie_morgan_table(population) == expected


def test_every_row_of_the_table_file_agrees_with_the_formula():
    rows = krejcie_morgan_rows()
    assert len(rows) > 80
    assert rows[0] == (10, 10)
    assert rows[-1] == (1_000_000, 384)
    for population, sample in rows:
        assert krejcie_morgan(population) == sample, population


def test_the_table_is_only_for_its_margin():
    with pytest.raises(ValueError, match="margin"):
        krejcie_morgan_table(100, margin=Decimal("0.1"))
    with pytest.raises(ValueError, match="population"):
        krejcie_morgan_table(-1)


def run(*args):
    out = StringIO()
    call_command("sample_size", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_method_option():
    assert run("4384") == "353\n"  # the default stays the formula
    assert run("4384", "--method", "krejcie-morgan-table") == "354\n"
    assert run("4_384", "--method", "krejcie-morgan-table", "--margin", "0.05") == "354\n"


@pytest.mark.parametrize("args", [["100", "--method", "krejcie-morgan-table", "--margin", "0.1"]])
def test_command_refuses_another_margin_for_the_table(args):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2


@pytest.mark.django_db
def test_a_campaign_uses_the_table_and_names_it(client_for, world, instruments):
    from django.urls import reverse

    from zona.core.errors import ValidationFailed
    from zona.surveys.tests.conftest import make_campaign

    services = {s.code: s for s in world.bandung.service_types.all()}
    campaign = make_campaign(
        world,
        instruments,
        sample_method="krejcie-morgan-table",
        populations={services["PASPOR"].pk: 4384, services["IZIN"].pk: 101},
    )
    targets = {s.service_type.code: s.sample_target for s in campaign.services.all()}
    assert targets == {"PASPOR": 354, "IZIN": 86}
    page = client_for(world["viewer"]).get(reverse("surveys:campaign_detail", args=[campaign.pk]))
    html = page.content.decode()
    # Named on the page (Indonesian): the printed table, next row up.
    assert "tabel cetak Krejcie" in html
    with pytest.raises(ValidationFailed) as caught:
        make_campaign(
            world,
            instruments,
            period_label="Semester II",
            sample_method="krejcie-morgan-table",
            margin=Decimal("0.1"),
        )
    assert [(p.code, p.field) for p in caught.value.problems] == [("invalid", "margin")]
