from django.contrib.sitemaps import Sitemap


class StatementSitemap(Sitemap):
    def items(self):
        return []


class CampaignSitemap(Sitemap):
    i18n = True
    alternates = True

    def items(self):
        return []
