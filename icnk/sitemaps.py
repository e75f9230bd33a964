from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from icnk.site_url import site_domain, site_scheme


class SiteSitemap(Sitemap):
    """A sitemap section whose URLs are on SITE_URL, not on the Host the crawler named (Django
    takes the domain from `django.contrib.sites` or the request), cut into parts: the index
    (`/sitemap.xml`) lists each section's pages (`/sitemap-<section>.xml?p=2`)."""

    limit = 2000

    def get_protocol(self, protocol=None):
        return site_scheme()

    def get_domain(self, site=None):
        return site_domain()


class StaticPagesSitemap(SiteSitemap):
    """The site-wide pages, each listed in every language with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return ["home", "about", "privacy"]

    def location(self, item):
        return reverse(item)
