from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from icnk import cache as page_cache
        from members.models import Organization, Supporter

        # Public pages kept whole for anonymous readers, and what they show (icnk/cache.py).
        page_cache.cache_view("members:directory")
        page_cache.cache_view("members:organization-detail")
        page_cache.cache_view("members-api:list")
        page_cache.cache_view("members-api:detail")
        page_cache.cache_view("members-api:schema")
        page_cache.invalidate_on_change(Organization, Supporter)
