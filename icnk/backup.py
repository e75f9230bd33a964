"""Backups: one archive with a consistent copy of the database and every uploaded file.

- PostgreSQL: `pg_dump --format=custom`, a consistent snapshot taken while the site runs.
- SQLite: SQLite's online backup API, consistent even while the site writes.

The archive (`.tar.gz`) holds `database.dump` or `database.sqlite3`, the `media/` folder and
`manifest.json` with each table's row count and checksum, which `restore` checks after loading
into an empty database. Drafts, history, signatures and join requests are all ordinary tables,
so they are all in it. It holds every supporter's name and email: it is written readable by its
owner only (0600, in a 0700 folder) and, when BACKUP_ENCRYPTION_KEY is set, encrypted with that
Fernet key (`.tar.gz.fernet`: AES-128-CBC with an HMAC-SHA256, so a changed byte is refused).

Why our own and not django-dbbackup, the library made for this job: dbbackup writes the
database (`dbbackup`) and the uploads (`mediabackup`) as two files taken at two moments, where
we want one archive that restores as a whole; its encryption is GPG, which needs a gpg binary
and a keyring on every server, where Fernet needs one key in the environment; its restore loads
over whatever database is there (its PostgreSQL connector drops objects first) and checks
nothing afterwards, where ours refuses a database that is not empty and proves every table's
row count and checksum against the manifest. What it has that we lack, remote storages and
retention, is a copy and a `find -mtime` away (README, Operations). Revisit if it gains a
single consistent archive and a verified restore.
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

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connections

DUMP_NAME = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENCRYPTED_SUFFIX = ".fernet"


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


def _fernet(key):
    try:
        return Fernet(key)
    except (ValueError, TypeError) as error:
        raise BackupError(
            "BACKUP_ENCRYPTION_KEY is not a Fernet key; make one with: manage.py backup --new-key"
        ) from error


def _private_file(path, data):
    """Write data to a new file only its owner can read, whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(data)


def create_backup(output_dir, *, alias="default", key=None):
    """Write a backup archive into output_dir and return its path.

    The folder is made (or narrowed to) 0700 and the archive is 0600. With a key (by default
    BACKUP_ENCRYPTION_KEY) the archive is encrypted and named `….tar.gz.fernet`.
    """
    connection = connections[alias]
    vendor = connection.vendor
    if vendor not in DUMP_NAME:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {vendor}")
    key = settings.BACKUP_ENCRYPTION_KEY if key is None else key
    fernet = _fernet(key) if key else None
    output_dir = Path(output_dir)
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    output_dir.chmod(0o700)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"icnk-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:  # 0700: the plain copy stays private too
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
        plain = Path(work) / archive.name
        with tarfile.open(plain, "w:gz") as tar:
            tar.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname="media")
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        # Fernet works on the whole archive in memory: fine for a coalition's database and
        # uploads (hundreds of megabytes), not for a media library of many gigabytes.
        if fernet is not None:
            archive = archive.with_name(archive.name + ENCRYPTED_SUFFIX)
            _private_file(archive, fernet.encrypt(plain.read_bytes()))
        else:
            _private_file(archive, plain.read_bytes())
    return archive


def new_key():
    return Fernet.generate_key().decode()


# ---------------------------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------------------------


def _is_empty(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return not _tables(cursor, connection.vendor)


def _decrypted(archive, work, key=None):
    """The plain archive: as it is, or decrypted into work with BACKUP_ENCRYPTION_KEY."""
    archive = Path(archive)
    if not archive.name.endswith(ENCRYPTED_SUFFIX):
        return archive
    key = settings.BACKUP_ENCRYPTION_KEY if key is None else key
    if not key:
        raise BackupError("this backup is encrypted: set BACKUP_ENCRYPTION_KEY to its key")
    try:
        data = _fernet(key).decrypt(archive.read_bytes())
    except InvalidToken as error:
        raise BackupError(
            "this backup cannot be decrypted with BACKUP_ENCRYPTION_KEY: wrong key, or the "
            "file was changed"
        ) from error
    plain = Path(work) / archive.name.removesuffix(ENCRYPTED_SUFFIX)
    plain.write_bytes(data)
    return plain


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
    with tempfile.TemporaryDirectory() as work:
        archive = _decrypted(archive, work)
        with tarfile.open(archive, "r:gz") as tar:
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
