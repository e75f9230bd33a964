from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowersConfig(AppConfig):
    name = "followers"
    verbose_name = _("Statements by email")

    def ready(self):
        from django.db.models.signals import post_save

        from followers import personal_data, services, tasks
        from followers.models import Delivery, PressDelivery, PressNotice
        from icnk import bulk, mail
        from members.personal_data import register_source
        from statements.models import Statement
        from statements.services import on_publication, on_publication_change

        # Subscribers' addresses are seen by those who may see the list, in the outbox too.
        mail.seen_by(services.CONFIRM_MAIL, "followers.view_subscriber")
        bulk.register(Delivery)
        bulk.register(PressDelivery)
        bulk.register(PressNotice)
        register_source(personal_data.SubscriptionRecords())
        register_source(personal_data.PressListRecords())
        register_source(personal_data.PressReleasesReceived())
        # A statement saved as published (the admin's form) is announced at its time; so is
        # one published or scheduled with statements/services.py, which writes without a
        # signal but calls its publication hooks. Anything else (an UPDATE by hand), the sweep
        # finds within a minute.
        post_save.connect(
            tasks.statement_saved, sender=Statement, dispatch_uid="followers-statement-saved"
        )
        on_publication(tasks.statement_published)
        # Journalists holding a release are told when its embargo stops holding.
        from followers.embargo import embargo_changed

        on_publication_change(embargo_changed)

        # The desk: subscribers are people on the coalition's lists, whose data the
        # secretariat exports or erases beside members' (not requests: nothing waits on them);
        # announcements sit beside the statements they mail.
        from icnk import admin_site

        admin_site.place("followers.subscriber", admin_site.MEMBERS)
        # Journalists beside subscribers: people on the coalition's lists, whose requests the
        # desk's panel shows.
        admin_site.place("followers.journalist", admin_site.MEMBERS)
        from followers.dashboard import PressListRequestsPanel
        from icnk import dashboard

        dashboard.register_panel(PressListRequestsPanel())
        admin_site.place("followers.announcement", admin_site.STATEMENTS)
        admin_site.place("followers.pressrelease", admin_site.STATEMENTS)

        # A statement's page shows its embargoed releases and the button to release it; its
        # publication buttons warn when they would break an embargo given to journalists; it
        # cannot be deleted while journalists count on an embargo nobody would then correct.
        from followers import embargo_admin
        from statements.admin import deletion_refusal, publication_warning, statement_note

        statement_note(embargo_admin.statement_note)
        publication_warning(embargo_admin.publication_warnings)
        deletion_refusal(embargo_admin.deletion_refusal)
