"""Absolute URLs of this site, from the configured SITE_URL and never from the request's Host.

Any host in ALLOWED_HOSTS reaches the site (an alias, an address); an absolute URL written
into a page (canonical, og:url, hreflang, a feed, the sitemap, an API answer, a mail) would
carry that host to every reader of the cached page. So every absolute URL is built here.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_url():
    """The site's scheme and host, without a trailing slash: `https://icnk.example.org`."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path):
    """`path` (starting with `/`) on the configured site."""
    return site_url() + path


def site_scheme():
    return urlsplit(settings.SITE_URL).scheme


def site_domain():
    return urlsplit(settings.SITE_URL).netloc


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
        request._current_scheme_host = site_url()
        return self.get_response(request)
