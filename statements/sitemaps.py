from collections import defaultdict

from django.conf import settings
from django.db.models import Max
from django.db.models.functions import Greatest

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
        latest = self.items().aggregate(latest=Max(Greatest("updated_at", "published_at")))
        return latest["latest"]

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        # The other language versions of this page's statements, in one query.
        keys = {url["item"].translation_key for url in urls}
        versions = defaultdict(list)
        for version in self.items().filter(translation_key__in=keys):
            versions[version.translation_key].append(version)
        for url in urls:
            versions_of = versions.get(url["item"].translation_key, [])
            if len(versions_of) > 1:
                url["alternates"] = [
                    {
                        "lang_code": v.language,
                        "location": f"{protocol}://{domain}{v.get_absolute_url()}",
                    }
                    for v in versions_of
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
    alternates = True
    x_default = True
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return list(Campaign.objects.public().order_by("pk"))

    def lastmod(self, item):
        return item.updated_at
