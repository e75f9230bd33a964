"""Absolute URLs of this site, from the configured SITE_URL and never from the request's Host.

Any host in ALLOWED_HOSTS reaches the site (an alias, an address); an absolute URL written
into a page (canonical, og:url, hreflang, a feed, the sitemap, an API answer, a mail) would
carry that host to every reader of the cached page. So every absolute URL is built here.

SITE_URL is required in production (`check --deploy`, icnk/checks.py). Where it is missing all
the same, URLs fall back to the request's scheme and host, as Django builds them.
"""

import contextvars
from urllib.parse import urlsplit

from django.conf import settings

# The request's own scheme and host: only used while SITE_URL is not set.
_request_site = contextvars.ContextVar("request_site", default="")


def site_url():
    """The site's scheme and host, without a trailing slash: `https://icnk.example.org`."""
    return settings.SITE_URL.rstrip("/") or _request_site.get()


def absolute_url(path):
    """`path` (starting with `/`) on the configured site."""
    return site_url() + path


def site_scheme():
    return urlsplit(site_url()).scheme


def site_domain():
    return urlsplit(site_url()).netloc


class SiteURLMiddleware:
    """Refuse a Host outside ALLOWED_HOSTS (400) before anything answers, the page cache
    included, and make `request.build_absolute_uri()` build on SITE_URL.

    Views, feeds and the APIs build absolute URLs with `request.build_absolute_uri()`, which
    joins the request's scheme and Host; Django keeps that prefix in the request's
    `_current_scheme_host` (a cached property), so setting it here points every one of them at
    the configured site (tests/icnk/test_site_urls.py notices if Django renames it).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.get_host()  # DisallowedHost: Django answers 400
        if settings.SITE_URL:
            request._current_scheme_host = site_url()
            return self.get_response(request)
        token = _request_site.set(request._current_scheme_host)
        try:
            return self.get_response(request)
        finally:
            _request_site.reset(token)
