"""A backup restored into a new database and a new bucket holds the same rows and files.

Needs PostgreSQL (pg_dump, pg_restore): marked `postgres_only`, so the PostgreSQL pass of
`make test` runs it and the SQLite pass leaves it out.
The buckets are moto's in-process S3, reached through django-storages as in production.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import override_settings
from moto import mock_aws
from storages.backends.s3 import S3Storage

from zona.accounts.testing import build_world
from zona.assessments.models import EvidenceRevision
from zona.assessments.services.evidence import evidence_upload
from zona.assessments.tests.factories import pdf_file
from zona.ops.backup import BackupError, backup, restore, table_counts

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

S3 = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def _bucket(name: str) -> S3Storage:
    storage = S3Storage(bucket_name=name, **S3)
    storage.connection.create_bucket(Bucket=name)
    return storage


@pytest.fixture
def restore_database():
    """A new, empty database on the same server, with a connection of its own."""
    source = connections["default"].settings_dict
    name = f"{source['NAME']}_restore"
    with connections["default"].cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    target = DatabaseWrapper({**source, "NAME": name}, alias="restore")
    yield target
    target.close()
    with connections["default"].cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@mock_aws
def test_restore_brings_back_every_row_and_file(tmp_path, restore_database):
    source = _bucket("zona-source")
    s3_default = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "zona-source", **S3},
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": s3_default}):
        world = build_world()
        for extra in (b"", b"second"):
            evidence_upload(actor=world["operator"], unit=world.bandung, file=pdf_file(extra=extra))
    revisions = {r.file.name: r.sha256 for r in EvidenceRevision.objects.exclude(file="")}
    assert len(revisions) == 2

    made = backup(tmp_path / "b", storage=source)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert {o["name"]: o["sha256"] for o in manifest["objects"]} == revisions
    assert made.files == 2

    fresh = _bucket("zona-restored")
    done = restore(tmp_path / "b", database=restore_database, storage=fresh)

    assert table_counts(restore_database) == table_counts("default")
    assert done.rows == made.rows > 0
    with restore_database.cursor() as cursor:
        cursor.execute("SELECT file, sha256 FROM assessments_evidencerevision WHERE file <> ''")
        assert dict(cursor.fetchall()) == revisions
    for name, sha in revisions.items():
        with fresh.open(name, "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == sha

    # A second restore onto the now filled stack is refused, not merged.
    with pytest.raises(BackupError, match="not empty"):
        restore(tmp_path / "b", database=restore_database, storage=_bucket("zona-other"))
