from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from icnk.audit import HistoryAdmin
from icnk.models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(HistoryAdmin):
    """One record: adding a second is refused and deleting the only one is not offered."""

    fieldsets = [
        (_("Name"), {"fields": ["name_en", "name_ko", "name_ja", "short_name"]}),
        (_("Mission"), {"fields": ["mission_en", "mission_ko", "mission_ja"]}),
        (_("Objectives"), {"fields": ["objectives_en", "objectives_ko", "objectives_ja"]}),
        (
            _("Founding"),
            {"fields": ["founded_on", "founded_in_en", "founded_in_ko", "founded_in_ja"]},
        ),
        (_("Contact"), {"fields": ["contact_email"]}),
    ]
    list_display = ["name_en", "short_name", "contact_email", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
