"""gunicorn's entry point for `make bench`: the site plus the reference pages (urls.py)."""

import os

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icnk.settings")
django.setup(set_prefix=False)
settings.ROOT_URLCONF = "benchmarks.urls"  # before the handler loads the middleware

application = WSGIHandler()
