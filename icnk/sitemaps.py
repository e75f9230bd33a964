import datetime
from types import SimpleNamespace
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Max, Min, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from icnk.site_url import site_domain, site_scheme


class IdRangePaginator:
    """Pages of a queryset by ranges of ids: page n holds the rows whose id is among the n-th
    `per_page` ids from the lowest. A page reads an id range of the primary key and the number
    of pages comes from the lowest and highest ids, so every part costs the same at any size
    (LIMIT/OFFSET read all the rows before a late part, COUNT all of them). A page may hold
    fewer rows than `per_page` where rows were deleted or are not public."""

    def __init__(self, queryset, per_page):
        self.queryset, self.per_page = queryset, per_page
        bounds = queryset.aggregate(first=Min("pk"), last=Max("pk"))
        self.first = bounds["first"]
        if self.first is None:
            self.num_pages = 1
        else:
            self.num_pages = (bounds["last"] - self.first) // per_page + 1

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results")
        if self.first is None:
            return SimpleNamespace(object_list=[])
        start = self.first + (number - 1) * self.per_page
        rows = self.queryset.filter(pk__gte=start, pk__lt=start + self.per_page).order_by("pk")
        return SimpleNamespace(object_list=rows)


class SiteSitemap(Sitemap):
    """A sitemap section whose URLs are on SITE_URL, not on the Host the crawler named (Django
    takes the domain from `django.contrib.sites` or the request), cut into parts: the index
    (`/sitemap.xml`) lists each section's pages (`/sitemap-<section>.xml?p=2`).

    A part holds `limit` items; an item of a section in every language (`i18n`) gives one
    <url> a language, each with hreflang alternates. Paging counts items, not (item,
    language) pairs, and a queryset is paged by ranges of ids (IdRangePaginator), where
    Django's lists every item in every language first. A part's URLs are built by
    `path(item, language)`, which subclasses make cheap (icnk/fasturls.py), and written by
    `render_urlset()` without the template engine: at full size a part of 2,000 addresses
    took 1.3-2.2 s through Django's own code, reverse() and sitemap.xml.
    """

    # Items a part: each part answers in well under 50 ms at any size. A section in every
    # language writes three <url>s an item, each with four alternates: a third as many.
    limit = 200

    def get_protocol(self, protocol=None):
        return site_scheme()

    def get_domain(self, site=None):
        return site_domain()

    @property
    def paginator(self):
        items = self.items()
        if isinstance(items, QuerySet):
            return IdRangePaginator(items, self.limit)
        return Paginator(items, self.limit)

    def _get(self, name, item, default=None):
        # Items, not Django's (item, language) pairs.
        attr = getattr(self, name, default)
        return attr(item) if callable(attr) else attr

    def path(self, item, language):
        """The item's path in `language` (None for a section that is not in every language)."""
        if language is None:
            return self.location(item)
        with translation.override(language):
            return self.location(item)

    def _urls(self, page, protocol, domain):
        base = f"{protocol}://{domain}"
        languages = self._languages() if self.i18n else [None]
        default = settings.LANGUAGE_CODE
        urls, latest, all_lastmod = [], None, True
        for item in self.paginator.page(page).object_list:
            lastmod = self._get("lastmod", item)
            if lastmod is None:
                all_lastmod = False
            elif latest is None or lastmod > latest:
                latest = lastmod
            changefreq = self._get("changefreq", item)
            priority = self._get("priority", item)
            locations = {code: base + self.path(item, code) for code in languages}
            alternates = []
            if self.i18n and self.alternates:
                alternates = [{"lang_code": c, "location": loc} for c, loc in locations.items()]
                # Django points x-default at the URL without a language prefix, which only
                # redirects; the pages' own <head> names the default language's URL.
                if self.x_default and default in locations:
                    alternates.append({"lang_code": "x-default", "location": locations[default]})
            for location in locations.values():
                urls.append(
                    {
                        "item": item,
                        "location": location,
                        "lastmod": lastmod,
                        "changefreq": changefreq,
                        "priority": str(priority if priority is not None else ""),
                        "alternates": alternates,
                    }
                )
        if all_lastmod and latest:
            self.latest_lastmod = latest
        return urls


def _day(value):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.isoformat()


def render_urlset(urls):
    """The XML of Django's sitemap.xml template for `urls`, written in Python (the template
    engine cost ~0.3 ms a URL)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    ]
    for url in urls:
        out.append(f"<url><loc>{escape(url['location'])}</loc>")
        if url["lastmod"]:
            out.append(f"<lastmod>{_day(url['lastmod'])}</lastmod>")
        if url["changefreq"]:
            out.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url["priority"]:
            out.append(f"<priority>{escape(url['priority'])}</priority>")
        for alternate in url["alternates"]:
            out.append(
                f'<xhtml:link rel="alternate" hreflang={quoteattr(alternate["lang_code"])} '
                f"href={quoteattr(alternate['location'])}/>"
            )
        out.append("</url>")
    out.append("\n</urlset>\n")
    return "".join(out)


def render_sitemap_index(parts):
    """The XML of Django's sitemap_index.xml template for `parts` (SitemapIndexItem)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    ]
    for part in parts:
        out.append(f"<sitemap><loc>{escape(part.location)}</loc>")
        if part.last_mod:
            last_mod = part.last_mod
            if isinstance(last_mod, datetime.datetime) and timezone.is_aware(last_mod):
                last_mod = timezone.localtime(last_mod)
            out.append(f"<lastmod>{last_mod.isoformat()}</lastmod>")
        out.append("</sitemap>")
    out.append("\n</sitemapindex>\n")
    return "".join(out)


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
