"""Settings for the test suite (pyproject.toml names this module for pytest).

The site's own settings, run as in production (pytest-django turns DEBUG off), with what tests
need besides: a throwaway key, plain HTTP, fast password hashing and static files served from
the source folders. icnk/settings.py knows nothing of tests.
"""

import os

# Read by icnk/settings.py, so set before importing it. A variable already set wins.
os.environ.setdefault("SECRET_KEY", "tests-only-never-used-anywhere-else-" + "k" * 20)
os.environ.setdefault("HTTPS", "off")
# The test client's host, so that absolute URLs in pages read as Django's tests expect.
os.environ.setdefault("SITE_URL", "http://testserver")

from icnk.settings import *  # noqa: E402, F403
from icnk.settings import STORAGES  # noqa: E402

# A real hasher takes a tenth of a second a password on purpose; tests create hundreds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files as they are in the app folders and static/, so tests need no collectstatic.
STATIC_ROOT = None
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# On SQLite the test database is a file, not Django's in-memory default. An in-memory database
# has a single connection, which the live server's request threads would share with each other
# and with the test: two requests at once from the browser (a page and its translations script)
# then break SQLite ("bad parameter or other API misuse") and fail a browser test at random.
# With a file each thread has its own connection, as on PostgreSQL. One file per run, so two
# runs on the same machine do not meet; Django removes it at the end.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile
    from pathlib import Path

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"icnk-tests-{os.getpid()}.sqlite3")
    }
