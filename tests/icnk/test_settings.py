"""Configuration comes from the environment; production settings pass Django's deploy checks."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Qp-9vK2mZr8tLw4nYb6cHs1dFj3gAe5uIo0pRq7sTv9wXy2zBn4mCk6lDh8jGf",
    "ALLOWED_HOSTS": "icnk.example.org",
    "SITE_URL": "https://icnk.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "DATABASE_URL": "sqlite:////tmp/icnk-deploy-check.sqlite3",
    "ADMIN_URL": "secretariat-office/",
    "EMAIL_URL": "smtp+tls://mailer:secret@mail.example.org:587",
}


def clean_environ():
    """This process's environment without what the test run itself sets (tests/settings.py
    sets the key and plain HTTP, pytest-django the settings module)."""
    test_only = {
        "DEBUG",
        "SECRET_KEY",
        "HTTPS",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DJANGO_SETTINGS_MODULE",
        "CACHE_URL",
    }
    return {k: v for k, v in os.environ.items() if k not in test_only}


def run_python(code, **env_vars):
    """Run code in a fresh interpreter that sees only the given variables (no pytest)."""
    env = clean_environ()
    env.update(env_vars)
    env["DJANGO_SETTINGS_MODULE"] = "icnk.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


READ_SETTINGS = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({
    "debug": s.DEBUG,
    "engine": s.DATABASES["default"]["ENGINE"],
    "db_name": s.DATABASES["default"]["NAME"],
    "cache": s.CACHES["default"]["BACKEND"],
    "email": s.MAILERS["default"]["BACKEND"],
    "mail_host": s.MAILERS["default"]["OPTIONS"].get("host"),
    "hosts": s.ALLOWED_HOSTS,
    "admin_url": s.ADMIN_URL,
    "media_root": str(s.MEDIA_ROOT),
}))
"""


def test_settings_are_read_from_the_environment():
    result = run_python(
        READ_SETTINGS,
        DEBUG="1",
        DATABASE_URL="postgres://coalition:pw@db.internal:5432/coalition",
        CACHE_URL="redis://127.0.0.1:6379/3",
        EMAIL_URL="smtp+tls://user:pw@mail.example.org:587",
        ALLOWED_HOSTS="a.example.org,b.example.org",
        ADMIN_URL="office",
        MEDIA_ROOT="/srv/uploads",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "coalition"
    assert values["cache"] == "django_redis.cache.RedisCache"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["mail_host"] == "mail.example.org"
    assert values["hosts"] == ["a.example.org", "b.example.org"]
    assert values["admin_url"] == "office/"
    assert values["media_root"] == "/srv/uploads"


def test_development_defaults_need_no_configuration():
    result = run_python(READ_SETTINGS, DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"


def test_debug_is_off_unless_set_and_then_no_key_is_made_up():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.DEBUG)\n"
        "settings.SECRET_KEY\n"
    )
    result = run_python(code)
    assert result.stdout.strip() == "False"
    assert result.returncode != 0
    assert "SECRET_KEY setting must not be empty" in result.stderr


def test_checking_migrations_needs_no_secret_key_but_serving_does():
    env = clean_environ()
    for extra in ({"DEBUG": "1"}, {}):  # development, and production settings without a key
        offline = subprocess.run(
            [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
            cwd=BASE_DIR, env={**env, **extra}, capture_output=True, text=True,
        )  # fmt: skip
        assert offline.returncode == 0, offline.stderr
        assert "No changes detected" in offline.stdout
    for entry in ("icnk.wsgi", "icnk.asgi"):  # what gunicorn or an ASGI server loads
        serving = subprocess.run(
            [sys.executable, "-c", f"import {entry}"],
            cwd=BASE_DIR, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert serving.returncode != 0
        assert "SECRET_KEY must be set" in serving.stderr
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert deploy.returncode != 0
    assert "icnk.E000" in deploy.stderr


READ_PROTECTIONS = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({
    "hasher": s.PASSWORD_HASHERS[0],
    "static": s.STORAGES["staticfiles"]["BACKEND"],
    "static_root": str(s.STATIC_ROOT),
    "https_redirect": s.SECURE_SSL_REDIRECT,
    "secure_cookies": s.SESSION_COOKIE_SECURE,
    "middleware": s.MIDDLEWARE,
}))
"""


@pytest.mark.parametrize("prelude", ["", "import pytest\n"])
def test_production_settings_are_the_same_whoever_runs_them(prelude):
    """Nothing in the settings looks at which program loaded them (a test runner, a command):
    production keeps its hasher, hashed static files and HTTPS even with pytest imported."""
    result = run_python(prelude + READ_PROTECTIONS, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["hasher"] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert values["static"] == "icnk.storage.StaticFilesStorage"  # WhiteNoise's, hashed
    assert values["static_root"] == str(BASE_DIR / "staticfiles")
    assert values["https_redirect"] is True
    assert values["secure_cookies"] is True
    # The list a reader sees at the top of icnk/settings.py is the one that runs.
    source = (BASE_DIR / "icnk" / "settings.py").read_text()
    written = source.split("MIDDLEWARE = [", 1)[1].split("]", 1)[0]
    assert values["middleware"] == re.findall(r'^    "([\w.]+)",$', written, re.MULTILINE)


def check_deploy(**extra):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**clean_environ(), **PRODUCTION_ENV, **extra},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "extra",
    [{}, {"CACHE_URL": "locmemcache://", "PAGE_CACHE_SECONDS": "0"}],
)
def test_check_deploy_is_clean_with_production_variables(extra):
    result = check_deploy(**extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        # Each process would keep its own copy of a page after a take-down.
        ({"CACHE_URL": "locmemcache://"}, "icnk.E001"),
        ({"SITE_URL": ""}, "icnk.E002"),
        ({"SITE_URL": "https://elsewhere.example"}, "icnk.E003"),
    ],
)
def test_check_deploy_refuses_a_per_process_page_cache_and_a_missing_site_url(extra, error):
    result = check_deploy(**extra)
    assert result.returncode != 0
    assert error in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("extra", "refused"),
    [
        ({}, False),  # 300 s, where a batch takes 2 s and then ten 10-second round trips
        ({"MAIL_STALE_SECONDS": "102"}, False),
        ({"MAIL_STALE_SECONDS": "101"}, True),
    ],
)
def test_check_deploy_refuses_a_stale_time_a_live_worker_could_reach(extra, refused):
    # Else another worker would take a message in a live worker's hands and send it again.
    result = check_deploy(**extra)
    assert ("icnk.E004" in result.stderr) is refused, result.stdout + result.stderr
    assert (result.returncode != 0) is refused


def test_media_goes_to_a_shared_s3_bucket_when_configured():
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__name__, getattr(s, 'bucket_name', '-'),\n"
        "      getattr(s, 'file_overwrite', '-'))\n"
    )
    shared = run_python(
        code, DEBUG="1", MEDIA_BUCKET="coalition-media", MEDIA_ENDPOINT_URL="http://127.0.0.1:9"
    )
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.strip() == "S3Storage coalition-media False"
    local = run_python(code, DEBUG="1")
    assert local.stdout.strip() == "SafeFileSystemStorage - -"
