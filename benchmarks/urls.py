"""The site plus two reference pages, for `make bench` only (never in production URLs).

- the *floor*: a view that returns the same bytes as `/en/statements/` (read from the file the
  bench writes, `BENCH_FLOOR_FILE`) without any work: what the server, the middleware and the
  network cost by themselves;
- the *minimal page*: the 20 newest statements' titles through a one-line template, one query.

Both run through the same middleware as every page. gunicorn serves `benchmarks.wsgi:application`
(this URL configuration); the in-process measurement sets it as `ROOT_URLCONF`.
"""

import os

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from icnk.urls import urlpatterns as site_urlpatterns
from statements.models import Statement

_floor = None
MINIMAL_TEMPLATE = "{% for s in statements %}<p>{{ s.title }}</p>{% endfor %}"


def floor(request):
    global _floor
    if _floor is None:
        with open(os.environ["BENCH_FLOOR_FILE"], "rb") as file:
            _floor = file.read()
    return HttpResponse(_floor, content_type="text/html; charset=utf-8")


def minimal(request):
    statements = Statement.objects.published().only("title").order_by("-published_at", "-pk")
    template = engines["django"].from_string(MINIMAL_TEMPLATE)
    return HttpResponse(template.render({"statements": statements[:20]}))


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/minimal/", minimal, name="bench-minimal"),
    *site_urlpatterns,
]
