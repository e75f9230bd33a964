from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IcnkConfig(AppConfig):
    name = "icnk"
    verbose_name = _("Site")

    def ready(self):
        from icnk import roles

        # Permissions exist only after every app has migrated, so the role groups receive
        # theirs here rather than in a migration.
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="icnk-sync-roles")
