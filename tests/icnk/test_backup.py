"""A backup restores into a fresh database with every table identical, drafts and history too."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from icnk.backup import database_fingerprint
from statements.models import Statement

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coalition(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False
    # A draft and a withdrawn signature must survive too.
    source = Statement.objects.filter(language="en", signatures__isnull=False).first()
    Statement.objects.create(
        title="Unpublished draft", slug="unpublished-draft", language="en", body="Draft body."
    )
    signature = source.signatures.first()
    signature.withdrawn_on = signature.signed_on
    signature.save()
    return tmp_path


def restore_in_subprocess(archive, database_url, media_root):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True,
    )  # fmt: skip


def test_backup_restores_into_a_fresh_database_table_by_table(coalition):
    out = StringIO()
    call_command("backup", output=str(coalition / "backups"), stdout=out)
    archive = next((coalition / "backups").glob("icnk-backup-*.tar.gz"))
    expected = database_fingerprint()
    assert expected["statements_statement"][0] >= 7  # six demo versions and the draft
    assert any(p.is_file() for p in Path(coalition / "media").rglob("*"))  # demo logos

    restored_media = coalition / "restored-media"
    if connection.vendor == "postgresql":
        name = f"icnk_restore_{os.getpid()}"
        admin = f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}/postgres"  # noqa: E501
        subprocess.run(["psql", admin, "-c", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", admin, "-c", f"CREATE DATABASE {name}"], check=True)
        target_url = admin.rsplit("/", 1)[0] + f"/{name}"
    else:
        target_url = f"sqlite:///{coalition / 'restored.sqlite3'}"
    try:
        done = restore_in_subprocess(archive, target_url, restored_media)
        assert done.returncode == 0, done.stderr
        assert "every table matches the backup" in done.stdout

        # Compare independently of the restore command's own check.
        from django.db import connections
        from django.db.utils import ConnectionHandler

        handler = ConnectionHandler(
            {"default": {**connections["default"].settings_dict, **_parse(target_url)}}
        )
        try:
            restored = database_fingerprint_of(handler["default"])
        finally:
            handler["default"].close()
        assert restored == expected
        assert sorted(p.name for p in restored_media.rglob("*") if p.is_file()) == sorted(
            p.name for p in Path(coalition / "media").rglob("*") if p.is_file()
        )

        # Restoring again into a database that is no longer empty is refused.
        again = restore_in_subprocess(archive, target_url, restored_media)
        assert again.returncode != 0
        assert "not empty" in again.stderr
    finally:
        if connection.vendor == "postgresql":
            subprocess.run(["psql", admin, "-c", f"DROP DATABASE IF EXISTS {name}"], check=False)


def _parse(url):
    import environ

    parsed = environ.Env.db_url_config(url)
    return {
        k: parsed[k] for k in ("ENGINE", "NAME", "USER", "HOST", "PORT", "PASSWORD") if k in parsed
    }


def database_fingerprint_of(conn):
    from icnk.backup import fingerprint

    with conn.cursor() as cursor:
        return fingerprint(cursor, conn.vendor)


def test_a_backup_is_private_to_its_owner(coalition):
    folder = coalition / "backups"
    folder.mkdir(mode=0o755)
    old_umask = os.umask(0o022)
    try:
        call_command("backup", output=str(folder), stdout=StringIO())
    finally:
        os.umask(old_umask)
    archive = next(folder.glob("icnk-backup-*"))
    assert oct(archive.stat().st_mode & 0o777) == oct(0o600)
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)


def test_an_encrypted_backup_restores_only_with_its_key(coalition, settings):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    settings.BACKUP_ENCRYPTION_KEY = key
    call_command("backup", output=str(coalition / "backups"), stdout=StringIO())
    archive = next((coalition / "backups").glob("icnk-backup-*"))
    assert archive.name.endswith(".tar.gz.fernet")
    data = archive.read_bytes()
    assert b"manifest.json" not in data and not data.startswith(b"\x1f\x8b")  # not a gzip
    assert b"Open North Korea" not in data

    target = f"sqlite:///{coalition / 'restored.sqlite3'}"
    if connection.vendor != "sqlite":
        pytest.skip("the restore round trip is covered above; this checks the key on SQLite")
    without = restore_in_subprocess(archive, target, coalition / "m1")
    assert without.returncode != 0 and "set BACKUP_ENCRYPTION_KEY" in without.stderr
    os.environ["BACKUP_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
    try:
        wrong = restore_in_subprocess(archive, target, coalition / "m2")
        assert wrong.returncode != 0 and "cannot be decrypted" in wrong.stderr
        os.environ["BACKUP_ENCRYPTION_KEY"] = key
        done = restore_in_subprocess(archive, target, coalition / "m3")
        assert done.returncode == 0, done.stderr
        assert "every table matches the backup" in done.stdout
    finally:
        del os.environ["BACKUP_ENCRYPTION_KEY"]


def test_backup_prints_a_new_key(capsys):
    from cryptography.fernet import Fernet

    call_command("backup", new_key=True)
    Fernet(capsys.readouterr().out.strip())  # a valid key
