from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = _("Statements and campaigns")

    def ready(self):
        from icnk import cache as page_cache
        from icnk import headers
        from statements import files
        from statements.models import (
            Attachment,
            Campaign,
            Milestone,
            PressContact,
            Signature,
            Statement,
            Topic,
            attachment_original_name,
        )

        # Attachments are stored under random names; readers get the name they were uploaded
        # with.
        headers.original_names("attachments/", attachment_original_name)
        # A deleted or replaced file is deleted; a statement no longer public moves its files.
        files.connect()

        # Public pages kept whole for anonymous readers, with the query parameters each reads
        # (no other reaches the view or the cache key), and what they show (icnk/cache.py).
        page_cache.cache_view("statements:list", params=["q", "kind", "year", "campaign", "page"])
        page_cache.cache_view("statements:detail")
        page_cache.cache_view("statements:feed")
        page_cache.cache_view("statements-embed:card")
        page_cache.cache_view("oembed:endpoint", params=["url", "maxwidth", "maxheight", "format"])
        page_cache.cache_view("campaigns:detail")
        page_cache.cache_view(
            "statements-api:list", params=["language", "kind", "year", "campaign", "q", "page"]
        )
        page_cache.cache_view("statements-api:detail", params=["language"])
        page_cache.cache_view("statements-api:schema")
        page_cache.invalidate_on_change(
            Campaign, Milestone, Topic, Statement, Signature, Attachment, PressContact
        )
        # A statement scheduled for later appears on cached pages at its time.
        page_cache.expire_at(Statement.objects.next_scheduled_at)

        # The desk: these models in the admin's "Statements and campaigns" section, and the
        # panels of drafts, stale translations, what is scheduled and what went out.
        from icnk import admin_site, dashboard
        from statements.dashboard import PANELS

        for label in ["statement", "campaign", "topic"]:
            admin_site.place(f"statements.{label}", admin_site.STATEMENTS)
        for panel in PANELS:
            dashboard.register_panel(panel())
