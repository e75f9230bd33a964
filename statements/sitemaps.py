from collections import defaultdict

from django.conf import settings
from django.db.models import Max

from icnk.fasturls import slug_url
from icnk.sitemaps import SiteSitemap
from statements.models import Campaign, Statement


class StatementSitemap(SiteSitemap):
    """Every published statement at its own language's URL, with hreflang links to its other
    language versions (Django's own `alternates` assume one object per URL in every language;
    our versions are separate rows with their own slugs)."""

    changefreq = "monthly"
    priority = 0.7

    def items(self):
        # A queryset, not a list: each part of the sitemap reads only its own page of rows
        # (LIMIT/OFFSET), and the index only their number.
        return (
            Statement.objects.published()
            .only("pk", "slug", "language", "translation_key", "updated_at", "published_at")
            .order_by("-published_at", "pk")
        )

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        """The newest change, in one query (Django's default reads every item)."""
        # The greatest of the two newest dates, each read from one end of an index: the same
        # as the newest Greatest(updated_at, published_at), which read every statement.
        latest = self.items().aggregate(updated=Max("updated_at"), published=Max("published_at"))
        return max((d for d in latest.values() if d is not None), default=None)

    def path(self, item, language):
        return self._builders[item.language](item.slug)

    def _urls(self, page, protocol, domain):
        # Each language's address pattern once (icnk/fasturls.py), not one reverse() a row.
        self._builders = {c: slug_url("statements:detail", c) for c, _name in settings.LANGUAGES}
        urls = super()._urls(page, protocol, domain)
        # The other language versions of this page's statements, in one query, as plain rows.
        keys = {url["item"].translation_key for url in urls}
        versions = defaultdict(list)
        rows = self.items().filter(translation_key__in=keys)
        for key, language, slug in rows.values_list("translation_key", "language", "slug"):
            versions[key].append((language, slug))
        for url in urls:
            versions_of = versions.get(url["item"].translation_key, [])
            if len(versions_of) > 1:
                url["alternates"] = [
                    {
                        "lang_code": language,
                        "location": f"{protocol}://{domain}{self._builders[language](slug)}",
                    }
                    for language, slug in versions_of
                ]
                # x-default: the version in the site's default language, where there is one.
                url["alternates"] += [
                    {"lang_code": "x-default", "location": a["location"]}
                    for a in url["alternates"]
                    if a["lang_code"] == settings.LANGUAGE_CODE
                ]
        return urls


class CampaignSitemap(SiteSitemap):
    i18n = True
    limit = SiteSitemap.limit // 3
    alternates = True
    x_default = True
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return list(Campaign.objects.public().order_by("pk"))

    def path(self, campaign, language):
        return slug_url("campaigns:detail", language)(campaign.slug)

    def lastmod(self, item):
        return item.updated_at
