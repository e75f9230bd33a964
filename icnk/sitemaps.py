from django.conf import settings
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

    def _urls(self, page, protocol, domain):
        # Django points x-default at the URL without a language prefix, which only redirects;
        # the pages' own <head> names the default language's URL, and so does the sitemap.
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            alternates = url.get("alternates") or []
            default = next(
                (a["location"] for a in alternates if a["lang_code"] == settings.LANGUAGE_CODE),
                None,
            )
            for alternate in alternates:
                if alternate["lang_code"] == "x-default" and default:
                    alternate["location"] = default
        return urls


class StaticPagesSitemap(SiteSitemap):
    """The site-wide pages and the two lists (members, statements), each listed in every
    language with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return ["home", "about", "privacy", "members:directory", "statements:list"]

    def location(self, item):
        return reverse(item)
