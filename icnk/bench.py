"""The site plus two reference pages, for `make bench` only (never in production URLs).

- the *floor*: a view that returns the same bytes as `/en/statements/` (read from the file the
  bench writes, `BENCH_FLOOR_FILE`) without any work: what the server, the middleware and the
  network cost by themselves;
- the *minimal page*: the 20 newest statements' titles through a one-line template, one query.

Both run through the same middleware as every page. gunicorn serves `icnk.bench:application`;
the in-process measurement uses this module as its URL configuration.
"""

import os

import django
from django.apps import apps

if not apps.ready:  # imported by gunicorn as the WSGI module, before Django is set up
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icnk.settings")
    django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import path  # noqa: E402

from icnk.urls import urlpatterns as site_urlpatterns  # noqa: E402

_floor = None
MINIMAL_TEMPLATE = "{% for s in statements %}<p>{{ s.title }}</p>{% endfor %}"


def floor(request):
    global _floor
    if _floor is None:
        with open(os.environ["BENCH_FLOOR_FILE"], "rb") as file:
            _floor = file.read()
    return HttpResponse(_floor, content_type="text/html; charset=utf-8")


def minimal(request):
    from statements.models import Statement

    statements = Statement.objects.published().only("title").order_by("-published_at", "-pk")
    template = engines["django"].from_string(MINIMAL_TEMPLATE)
    return HttpResponse(template.render({"statements": statements[:20]}))


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/minimal/", minimal, name="bench-minimal"),
    *site_urlpatterns,
]


def application(environ, start_response):
    """gunicorn's entry point: the site with this module as its URL configuration."""
    global _handler
    if _handler is None:
        settings.ROOT_URLCONF = "icnk.bench"
        _handler = WSGIHandler()
    return _handler(environ, start_response)


_handler = None
