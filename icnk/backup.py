"""Backups: one archive with a consistent copy of the database and every uploaded file.

- PostgreSQL: `pg_dump --format=custom`, a consistent snapshot taken while the site runs.
- SQLite: SQLite's online backup API, consistent even while the site writes.

The archive (`.tar.gz`) holds `database.dump` or `database.sqlite3`, the `media/` folder and
`manifest.json` with each table's row count and checksum, which `restore` checks after loading
into an empty database. Drafts, history, signatures and join requests are all ordinary tables,
so they are all in it.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

DUMP_NAME = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Fingerprints: row counts and checksums, table by table
# ---------------------------------------------------------------------------------------------


def _tables(cursor, vendor):
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    return [row[0] for row in cursor.fetchall()]


def fingerprint(cursor, vendor):
    """{table: [row count, sha256 of every row in a stable order]} for one database."""
    result = {}
    for table in _tables(cursor, vendor):
        quoted = f'"{table}"'
        cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (table names come from the catalogue)
        rows = sorted(repr(tuple(_normal(v) for v in row)) for row in cursor.fetchall())
        digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        result[table] = [len(rows), digest]
    return result


def _normal(value):
    """The same value reads back identically from either driver."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def database_fingerprint(alias="default"):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return fingerprint(cursor, connection.vendor)


# ---------------------------------------------------------------------------------------------
# Backup
# ---------------------------------------------------------------------------------------------


def _pg_env(db):
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db):
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def create_backup(output_dir, *, alias="default"):
    """Write a backup archive into output_dir and return its path."""
    connection = connections[alias]
    vendor = connection.vendor
    if vendor not in DUMP_NAME:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {vendor}")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"icnk-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMP_NAME[vendor]
        db = connection.settings_dict
        if vendor == "postgresql":
            done = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *_pg_args(db),
                 "--file", str(dump), str(db["NAME"])],
                env=_pg_env(db), capture_output=True, text=True,
            )  # fmt: skip
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        else:
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            with target:
                connection.connection.backup(target)
            target.close()
        manifest = {
            "created": stamp,
            "engine": vendor,
            "tables": database_fingerprint(alias),
        }
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname="media")
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


# ---------------------------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------------------------


def _is_empty(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not _tables(cursor, connection.vendor)


def restore_backup(archive, *, alias="default"):
    """Load an archive into an empty database and the media folder; return the differences.

    Returns a list of tables whose count or checksum differs from the manifest (empty: exact).
    """
    connection = connections[alias]
    vendor = connection.vendor
    if not _is_empty(alias):
        raise BackupError(
            "the target database is not empty; restore only into a new, empty database"
        )
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(work, filter="data")
        manifest = json.loads((Path(work) / "manifest.json").read_text())
        if manifest["engine"] != vendor:
            raise BackupError(
                f"this backup is of a {manifest['engine']} database, the target is {vendor}"
            )
        dump = Path(work) / DUMP_NAME[vendor]
        db = connection.settings_dict
        if vendor == "postgresql":
            connection.close()
            done = subprocess.run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *_pg_args(db),
                 "--dbname", str(db["NAME"]), str(dump)],
                env=_pg_env(db), capture_output=True, text=True,
            )  # fmt: skip
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        else:
            connection.ensure_connection()
            source = sqlite3.connect(dump)
            with source:
                source.backup(connection.connection)
            source.close()
        media = Path(work) / "media"
        if media.is_dir():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    restored = database_fingerprint(alias)
    return [
        table for table, expected in manifest["tables"].items() if restored.get(table) != expected
    ]
