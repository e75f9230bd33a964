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
