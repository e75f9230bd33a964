from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IcnkConfig(AppConfig):
    name = "icnk"
    verbose_name = _("Site")

    def ready(self):
        # addresses registers the `__mailbox` lookup; checks, the deploy checks.
        from icnk import addresses, checks, roles  # noqa: F401
        from icnk import cache as page_cache
        from icnk.models import SiteSettings

        # Public pages kept whole for anonymous readers (none of these reads a query parameter
        # but a sitemap part's page number), and what they show (icnk/cache.py).
        page_cache.cache_view("home")
        page_cache.cache_view("about")
        page_cache.cache_view("sitemap")
        page_cache.cache_view("sitemap-section", params=["p"])
        page_cache.cache_view("robots-txt")
        page_cache.invalidate_on_change(SiteSettings)

        # Permissions exist only after every app has migrated, so the role groups receive
        # theirs here rather than in a migration.
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="icnk-sync-roles")

        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from icnk import (
            dashboard,
            security,  # noqa: F401  (connects the sign-in log)
        )

        # The desk (the admin's front page): the outbox and the action log are icnk's.
        dashboard.register_panel(dashboard.OutboxPanel())
        dashboard.register_panel(dashboard.StaffChangesPanel())

        pre_save.connect(
            _end_sessions_on_deactivation, sender=get_user_model(), dispatch_uid="icnk-deactivate"
        )


def _end_sessions_on_deactivation(sender, instance, **kwargs):
    """A deactivated account is signed out everywhere at once."""
    if instance.pk is None or instance.is_active:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        from icnk.security import end_sessions_of

        end_sessions_of(instance)
