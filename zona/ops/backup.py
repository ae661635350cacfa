"""Backups: the PostgreSQL database (pg_dump) and every stored file, with their hashes.

A backup is a folder:
    database.dump   pg_dump's custom format (compressed; pg_restore reads it)
    objects/...     every file of the default storage (evidence, exports), by its name
    manifest.json   per file its SHA-256 and size; per table its row count at dump time
The dump is one consistent snapshot. Files are copied after it, so a file uploaded meanwhile
may be in objects/ without a row pointing at it (harmless: evidence is never deleted).

Restoring needs an empty database and storage (a fresh stack): pg_restore loads the dump,
each file is written back under its own name and read again to check its hash, and the row
counts are compared with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

MANIFEST = "manifest.json"
DUMP = "database.dump"
OBJECTS = "objects"


class BackupError(RuntimeError):
    pass


# A database alias, or a connection made for the occasion (a restore into a database that
# is not in the settings yet).
Database = str | BaseDatabaseWrapper


def _connection(database: Database) -> BaseDatabaseWrapper:
    return connections[database] if isinstance(database, str) else database


@dataclass(frozen=True)
class Outcome:
    tables: int
    rows: int
    files: int
    bytes: int
    seconds: float


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is missing: install postgresql-client.")
    return path


@contextmanager
def _pg_target(database: Database) -> Iterator[str]:
    """A libpq connection string for pg_dump/pg_restore. The password goes in a passfile
    readable by us only, never on the command line (where `ps` would show it)."""
    db = _connection(database).settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL).")
    host, port = db.get("HOST") or "127.0.0.1", str(db.get("PORT") or 5432)
    name, user = db["NAME"], db["USER"]

    def esc(value: str) -> str:
        return value.replace("\\", "\\\\").replace(":", "\\:")

    with tempfile.NamedTemporaryFile("w", prefix="zona-pgpass-", delete=True) as passfile:
        os.chmod(passfile.name, 0o600)
        passfile.write(":".join(esc(v) for v in (host, port, name, user, db.get("PASSWORD") or "")))
        passfile.write("\n")
        passfile.flush()
        yield f"host={host} port={port} user={user} dbname={name} passfile={passfile.name}"


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage folder not made yet holds nothing
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(dirs):
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _sha256(stream: Any) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def table_counts(database: Database = "default") -> dict[str, int]:
    with _connection(database).cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from pg_tables)
            counts[table] = cursor.fetchone()[0]
    return counts


def backup(
    dest: Path, *, database: Database = "default", storage: Storage | None = None
) -> Outcome:
    started = time.monotonic()
    storage = storage or default_storage
    dest.mkdir(parents=True, exist_ok=False)
    counts = table_counts(database)
    with _pg_target(database) as conninfo:
        subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-acl",
                "-f",
                str(dest / DUMP),
                conninfo,
            ],
            check=True,
        )
    objects: list[dict[str, Any]] = []
    for key in _walk(storage):
        target = dest / OBJECTS / key
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(key, "rb") as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out, 1024 * 1024)
        with open(target, "rb") as copied:
            sha, size = _sha256(copied)
        objects.append({"name": key, "sha256": sha, "size": size})
    manifest = {
        "format": 1,
        "created_at": timezone.now().isoformat(),
        "database": DUMP,
        "tables": counts,
        "objects": objects,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return Outcome(
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(objects),
        bytes=sum(o["size"] for o in objects),
        seconds=round(time.monotonic() - started, 2),
    )


def restore(
    src: Path, *, database: Database = "default", storage: Storage | None = None
) -> Outcome:
    started = time.monotonic()
    storage = storage or default_storage
    manifest = json.loads((src / MANIFEST).read_text())
    if table_counts(database):
        raise BackupError("The target database is not empty: restore into a fresh one.")
    if next(_walk(storage), None) is not None:
        raise BackupError("The target storage is not empty: restore into a fresh bucket.")
    with _pg_target(database) as conninfo:
        subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "-d",
                conninfo,
                str(src / DUMP),
            ],
            check=True,
        )
    _connection(database).close()  # the restored tables are seen by a fresh connection
    written = 0
    for entry in manifest["objects"]:
        with open(src / OBJECTS / entry["name"], "rb") as f:
            if _sha256(f)[0] != entry["sha256"]:
                raise BackupError(f"{entry['name']}: the backup copy does not match its hash.")
            f.seek(0)
            saved = storage.save(entry["name"], File(f))
        if saved != entry["name"]:
            raise BackupError(f"{entry['name']} was stored as {saved}.")
        with storage.open(saved, "rb") as back:
            if _sha256(back)[0] != entry["sha256"]:
                raise BackupError(f"{saved}: the restored file does not match its hash.")
        written += entry["size"]
    counts = table_counts(database)
    if counts != manifest["tables"]:
        differ = sorted(t for t in manifest["tables"] if counts.get(t) != manifest["tables"][t])
        raise BackupError(f"Row counts differ after restore: {', '.join(differ)}")
    return Outcome(
        tables=len(counts),
        rows=sum(counts.values()),
        files=len(manifest["objects"]),
        bytes=written,
        seconds=round(time.monotonic() - started, 2),
    )
