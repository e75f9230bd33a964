from django.contrib.sitemaps import Sitemap


class OrganizationSitemap(Sitemap):
    i18n = True
    alternates = True

    def items(self):
        return []
