"""Access functions that fetch a child by id under an already-authorised parent (issue 9 §5):
another unit's child, or one not of that parent, gives the same 404 as a missing one."""

import pytest
from django.http import Http404

from zona.assessments.access import access_import_job_by_id, units_of_agency_by_ids
from zona.assessments.models import ImportJob
from zona.assessments.tests.factories import make_assessment


def test_import_job_only_for_its_starter_and_its_sheet(world, period, assessment):
    job = ImportJob.objects.create(assessment=assessment, created_by=world["operator"])
    assert access_import_job_by_id(world["operator"], assessment, job.pk) == job
    # Someone else of the same unit, someone of another unit, a missing id, garbage: one 404.
    for user, job_id in [
        (world["wg_member"], job.pk),
        (world["other_operator"], job.pk),
        (world["operator"], job.pk + 999),
        (world["operator"], "nonsense"),
    ]:
        with pytest.raises(Http404):
            access_import_job_by_id(user, assessment, job_id)
    # Asked under another sheet (one the caller may see), the job is not found either.
    bogor = make_assessment(period, world.bogor)
    with pytest.raises(Http404):
        access_import_job_by_id(world["operator"], bogor, job.pk)


def test_import_job_leaves_its_file_behind(world, assessment):
    job = ImportJob.objects.create(
        assessment=assessment, created_by=world["operator"], data=b"x" * 10
    )
    found = access_import_job_by_id(world["operator"], assessment, job.pk)
    assert "data" in found.get_deferred_fields()


def test_units_by_id_only_from_the_agency_tree(world):
    ids = [world.bandung.pk, world.other_satker.pk, "nonsense", world.bogor.pk + 10_000]
    assert units_of_agency_by_ids(world.agency, ids) == {world.bandung.pk: world.bandung}
    assert units_of_agency_by_ids(world.other_agency, ids) == {
        world.other_satker.pk: world.other_satker
    }
