from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrivesConfig(AppConfig):
    name = "drives"
    verbose_name = _("Sign-on drives")

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from drives.services import (
            erase_comments_on_erasure,
            release_on_publication,
            release_on_save,
            retire_links_on_new_address,
        )
        from members.models import Organization, Supporter
        from statements.models import Statement
        from statements.services import on_publication

        # Publishing a statement releases its drive: confirmed answers become signatures.
        on_publication(release_on_publication)
        # Also when staff set the status in the statement's form rather than with an action.
        post_save.connect(release_on_save, sender=Statement, dispatch_uid="drives-release")
        # Erasing a person's data erases what they wrote on sign-on pages too.
        post_save.connect(
            erase_comments_on_erasure, sender=Supporter, dispatch_uid="drives-erase-comments"
        )

        # A member's new mail address retires its open sign-on links and mails new ones there.
        for model in (Organization, Supporter):
            pre_save.connect(
                retire_links_on_new_address, sender=model, dispatch_uid=f"drives-address-{model}"
            )

        # The desk: drives beside the statements they gather signatures for.
        from drives.dashboard import DrivesInProgressPanel
        from icnk import admin_site, dashboard

        admin_site.place("drives.drive", admin_site.STATEMENTS)
        admin_site.place("drives.invitation", admin_site.STATEMENTS)
        dashboard.register_panel(DrivesInProgressPanel())
