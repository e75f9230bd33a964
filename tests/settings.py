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
