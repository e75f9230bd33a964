from django.db.models import Max

from icnk.fasturls import slug_url
from icnk.sitemaps import SiteSitemap
from members.models import Organization


class OrganizationSitemap(SiteSitemap):
    """Organizations listed by name, each in every language with hreflang alternates."""

    i18n = True
    limit = SiteSitemap.limit // 3
    alternates = True
    x_default = True
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Organization.objects.listed().only("slug", "page_changed_at").order_by("name", "pk")

    def path(self, organization, language):
        return slug_url("members:organization-detail", language)(organization.slug)

    def lastmod(self, organization):
        # When its page last changed: an edit of a private field (notes, the contact) is not
        # told to the world.
        return organization.page_changed_at

    def get_latest_lastmod(self):
        """The newest change, in one query (Django's default reads every item)."""
        return self.items().aggregate(latest=Max("page_changed_at"))["latest"]
