from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    """Django's admin, whose default site is the secretariat's desk (icnk/admin_site.py):
    `admin.site` and `@admin.register` everywhere reach it unchanged."""

    default_site = "icnk.admin_site.DeskAdminSite"
