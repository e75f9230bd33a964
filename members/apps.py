from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from icnk import cache as page_cache
        from members.models import Organization, Supporter

        # Public pages kept whole for anonymous readers, with the query parameters each reads
        # (no other reaches the view or the cache key), and what they show (icnk/cache.py).
        directory = ["q", "country", "kind", "order", "page"]  # members.queries.DirectoryQuery
        page_cache.cache_view("members:directory", params=directory)
        page_cache.cache_view("members-embed:directory", params=directory)
        page_cache.cache_view("members:organization-detail", params=["page"])
        page_cache.cache_view("members-api:list", params=directory)
        page_cache.cache_view("members-api:detail")
        page_cache.cache_view("members-api:schema")
        page_cache.invalidate_on_change(Organization, Supporter)

        # The desk: where these models sit in the admin, and the panel of requests waiting.
        from icnk import admin_site, dashboard
        from members.dashboard import (
            ExpiringSoonPanel,
            JoinRequestsPanel,
            ProfileChangesPanel,
            RecentlyLapsedPanel,
        )

        admin_site.place("members.organization", admin_site.MEMBERS)
        admin_site.place("members.supporter", admin_site.MEMBERS)
        admin_site.place("members.joinrequest", admin_site.REQUESTS, first=True)
        admin_site.place("members.visibilityrequest", admin_site.REQUESTS)
        admin_site.place("members.profilechange", admin_site.REQUESTS)
        admin_site.place("members.contacthandover", admin_site.REQUESTS)
        dashboard.register_panel(JoinRequestsPanel())
        # A person's contact handovers go with their data's export and erasure.
        from members.personal_data import register_source
        from members.profile import HandoverRecords

        register_source(HandoverRecords())
        dashboard.register_panel(ProfileChangesPanel())
        dashboard.register_panel(ExpiringSoonPanel())
        dashboard.register_panel(RecentlyLapsedPanel())

        from members.area_dashboard import RecentlyLeftPanel, VisibilityRequestsPanel

        dashboard.register_panel(VisibilityRequestsPanel())
        dashboard.register_panel(RecentlyLeftPanel())
