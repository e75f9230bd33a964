from icnk import staff_admin  # noqa: F401  (registers staff invitations and the users' page)

# isort: split
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from icnk.audit import HistoryAdmin
from icnk.models import SiteSettings
from icnk.security import is_administrator


class DefaultStatusFilter(admin.SimpleListFilter):
    """A status filter that opens on `default`, what staff look at most; "all" shows all.

    Subclasses give `default` and `lookups()` (which should end with ("all", …)).
    """

    title = _("status")
    parameter_name = "status"
    default = None

    def choices(self, changelist):
        value = self.value() or self.default
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.default
        if value == "all":
            return queryset
        return queryset.filter(status=value)


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
        (_("Membership"), {"fields": ["membership_period", "grace_days"]}),
    ]
    list_display = ["name_en", "short_name", "contact_email", "updated_at"]
    # Where the public writes to, and where join notices go by default: changing it could
    # redirect people's messages, so only administrators may (editors see it read-only).
    administrator_only_fields = ["contact_email"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_administrator(request.user):
            readonly += self.administrator_only_fields
        return readonly

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
