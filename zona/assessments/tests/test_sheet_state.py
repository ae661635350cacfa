"""The sheet's read model: each derived fact has one rule, and every reader gets the same."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zona.assessments.models import AnswerSource
from zona.assessments.selectors import AnswerRow, LinkRow, load_sheet_state
from zona.assessments.services import evidence_link, evidence_upload
from zona.assessments.sheet import sheet_spec
from zona.assessments.tests.factories import pdf_file


def _link(**changes):
    row = LinkRow(
        link_id=1,
        item_code="X.1",
        evidence_id=1,
        kind="file",
        title="SK",
        revision_id=10,
        number=1,
        url="",
        original_name="sk.pdf",
        content_type="application/pdf",
        size=10,
        effective_date=None,
        expires_on=None,
        pinned=True,
        current_title="SK",
        current_revision_id=10,
        current_number=1,
        archived=False,
        as_of=dt.date(2026, 6, 1),
    )
    return LinkRow(**{**row.__dict__, **changes})


def test_an_answer_is_filled_by_survey_only_while_the_survey_value_stands():
    assert AnswerRow("X.1", value="3.5", source=AnswerSource.SURVEY).filled_by_survey
    assert not AnswerRow("X.1", value=None, source=AnswerSource.SURVEY).filled_by_survey
    assert not AnswerRow("X.1", value="3.5", source=AnswerSource.MANUAL).filled_by_survey
    assert AnswerRow("X.1", value="3.5", source=AnswerSource.SURVEY).author == _("Zona survey")
    assert AnswerRow("X.1", value="3.5", updated_by="Ani").author == "Ani"


def test_a_row_differs_only_when_it_answered_otherwise():
    assert AnswerRow("X.1", value="Ya").differs_from("Tidak")
    assert not AnswerRow("X.1", value="Ya").differs_from("Ya")
    # A note without an answer disagrees with nothing.
    assert not AnswerRow("X.1", value=None, note="cek lagi").differs_from("Ya")
    assert AnswerRow("X.1", value=None, note="cek lagi").shown


def test_a_document_expires_the_day_after_its_last_valid_day():
    assert not _link(expires_on=dt.date(2026, 6, 1)).expired
    assert _link(expires_on=dt.date(2026, 5, 31)).expired
    assert not _link(expires_on=None).expired


def test_what_changed_after_submission():
    assert _link().changed == []
    assert not _link().changed_after_submission
    assert _link(pinned=False, current_revision_id=11, archived=True).changed == []
    changed = _link(current_revision_id=11, current_number=2, current_title="SK baru").changed
    assert changed == [
        _("new version v%(number)s") % {"number": 2},
        _("renamed to “%(title)s”") % {"title": "SK baru"},
    ]
    assert _link(archived=True).changed_after_submission


def test_expired_evidence_reads_the_same_on_the_sheet_the_summary_and_the_library(
    client_for, world, assessment
):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    code = next(iter(sheet_spec(assessment.period.framework).items))
    uploaded = evidence_upload(
        actor=world["operator"],
        unit=world.bandung,
        file=pdf_file("izin.pdf"),
        title="Izin lama",
        effective_date=yesterday - dt.timedelta(days=30),
        expires_on=yesterday,
    )
    evidence_link(
        actor=world["operator"], assessment=assessment, item_code=code, evidence=uploaded.evidence
    )
    state = load_sheet_state(assessment)
    assert [link.expired for link in state.links[code]] == [True]
    assert state.has_expired_evidence(code)
    client = client_for(world["unit_head"])
    summary = client.get(reverse("workflow:sheet_submit", args=[assessment.pk])).content.decode()
    assert _("Items with expired evidence") in summary
    operator = client_for(world["operator"])
    library = operator.get(reverse("assessments:evidence_library")).content.decode()
    row = library.split("Izin lama")[1].split("</tr>")[0]
    assert _("expired") in row
