from collections import defaultdict

from icnk.sitemaps import SiteSitemap
from statements.models import Campaign, Statement


class StatementSitemap(SiteSitemap):
    """Every published statement at its own language's URL, with hreflang links to its other
    language versions (Django's own `alternates` assume one object per URL in every language;
    our versions are separate rows with their own slugs)."""

    changefreq = "monthly"
    priority = 0.7

    def items(self):
        statements = list(
            Statement.objects.published()
            .only("pk", "slug", "language", "translation_key", "updated_at", "published_at")
            .order_by("-published_at", "pk")
        )
        self._versions = defaultdict(list)
        for statement in statements:
            self._versions[statement.translation_key].append(statement)
        return statements

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            versions = self._versions.get(url["item"].translation_key, [])
            if len(versions) > 1:
                url["alternates"] = [
                    {
                        "lang_code": v.language,
                        "location": f"{protocol}://{domain}{v.get_absolute_url()}",
                    }
                    for v in versions
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
