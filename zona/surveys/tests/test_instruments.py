"""Instrument files: schema problems, the idempotent loader, versions tied to content."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from zona.audit.models import AuditEvent
from zona.core.errors import ValidationFailed
from zona.surveys.models import Instrument, InstrumentVersion
from zona.surveys.schema import InstrumentInvalid, content_hash, parse_instrument
from zona.surveys.services import (
    InstrumentChanged,
    InstrumentFilesInvalid,
    instrument_load_texts,
)

FIXTURE = Path(__file__).parent / "fixtures" / "tiny.yaml"
SHIPPED = Path(settings.BASE_DIR) / "surveys"


def test_shipped_instruments_are_valid_with_the_regulated_shapes():
    docs = {p.stem: parse_instrument(p.read_text()) for p in SHIPPED.glob("*.yaml")}
    assert set(docs) == {"spak", "spkp", "skm"}
    shapes = {k: (len(d.items), d.scale.min, d.scale.max, d.measures) for k, d in docs.items()}
    assert shapes == {
        "spak": (5, 1, 6, "ipak"),
        "spkp": (8, 1, 6, "ipkp"),
        "skm": (9, 1, 4, "ikm"),
    }
    for doc in docs.values():
        assert doc.codes == [f"Q{i}" for i in range(1, len(doc.items) + 1)]
        for item in doc.items:
            assert item.text.id != item.text.en
            assert len(doc.point_labels(item)) == doc.scale.max - doc.scale.min + 1


def test_every_problem_is_reported_at_once():
    text = """
key: Bad Key
version: 1
measures: ikm
index: perception
abbreviation: X
title: {id: x, en: x}
scale: {min: 1, max: 6, labels: [{id: a, en: a}]}
items:
  - {code: Q1, text: {id: a, en: a}}
  - {code: Q1, text: {id: b, en: b}, labels: [{id: a, en: a}]}
"""
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument(text)
    wheres = [p.where for p in caught.value.instrument_problems]
    assert wheres == ["key", "scale.labels", "index", "items.1.code", "items.1.labels"]


def test_pydantic_problems_name_the_field():
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument("key: x\nversion: one\n")
    wheres = {p.where for p in caught.value.instrument_problems}
    assert {"version", "measures", "items", "title"} <= wheres


def test_hash_ignores_yaml_layout_but_not_content():
    doc = parse_instrument(FIXTURE.read_text())
    relaid = parse_instrument(
        FIXTURE.read_text().replace("{id: Buruk, en: Poor}", "{en: Poor, id: Buruk}")
    )
    assert content_hash(doc) == content_hash(relaid)
    changed = parse_instrument(FIXTURE.read_text().replace("Pertanyaan dua", "Pertanyaan 2"))
    assert content_hash(doc) != content_hash(changed)


@pytest.mark.django_db
def test_load_instruments_is_idempotent_and_refuses_changed_content(tmp_path):
    out = StringIO()
    call_command("load_instruments", stdout=out)
    assert sorted(out.getvalue().split("\n")[:3]) == sorted(
        [
            f"created: skm v1 (9 items) from {SHIPPED / 'skm.yaml'}",
            f"created: spak v1 (5 items) from {SHIPPED / 'spak.yaml'}",
            f"created: spkp v1 (8 items) from {SHIPPED / 'spkp.yaml'}",
        ]
    )
    events = AuditEvent.objects.filter(action="survey.instrument_loaded").count()
    out = StringIO()
    call_command("load_instruments", stdout=out)
    assert out.getvalue().count("unchanged:") == 3
    assert InstrumentVersion.objects.count() == 3
    assert AuditEvent.objects.filter(action="survey.instrument_loaded").count() == events

    changed = tmp_path / "spak.yaml"
    changed.write_text((SHIPPED / "spak.yaml").read_text().replace("Tidak ada calo", "Tiada calo"))
    with pytest.raises(CommandError, match="already loaded with different content"):
        call_command("load_instruments", str(changed))
    bumped = tmp_path / "spak2.yaml"
    bumped.write_text(changed.read_text().replace("version: 1", "version: 2"))
    out = StringIO()
    call_command("load_instruments", str(bumped), stdout=out)
    assert "created: spak v2" in out.getvalue()
    first, second = InstrumentVersion.objects.filter(instrument__key="spak").order_by("version")
    assert first.content_hash != second.content_hash


@pytest.mark.django_db
def test_an_invalid_file_loads_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: bad\nversion: 1\n")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_instruments", str(FIXTURE), str(bad), stderr=err)
    assert caught.value.returncode == 2
    assert f"{bad}: items:" in err.getvalue()
    assert not Instrument.objects.exists()


@pytest.mark.django_db
def test_agency_instrument_belongs_to_the_agency(world):
    results = instrument_load_texts(texts=[("tiny", FIXTURE.read_text())], agency=world.agency)
    assert results[0].instrument_version.instrument.agency == world.agency
    # The same key cannot be taken over by another owner.
    with pytest.raises(InstrumentChanged):
        instrument_load_texts(
            texts=[("tiny", FIXTURE.read_text().replace("version: 1", "version: 2"))],
            agency=world.other_agency,
        )
    with pytest.raises(ValidationFailed):
        instrument_load_texts(texts=[("tiny", FIXTURE.read_text())], agency=world.bandung)


@pytest.mark.django_db
def test_duplicate_versions_in_one_load_are_refused():
    text = FIXTURE.read_text()
    with pytest.raises(InstrumentFilesInvalid, match=r"b\.yaml"):
        instrument_load_texts(texts=[("a.yaml", text), ("b.yaml", text)])
