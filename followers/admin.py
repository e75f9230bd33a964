"""Subscribers for staff: who asked, in which language, and what was sent. No bulk export:
a person's data leaves only through the personal-data actions (administrators)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from followers.models import Announcement, Delivery, Subscriber
from members.personal_data_admin import PERSONAL_DATA_ACTIONS, PersonalDataAdminMixin


class ReceivingFilter(admin.SimpleListFilter):
    """Subscribed by default: those who get the next statement are what staff look at most."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("all", _("All")), *Subscriber.Status.choices]

    def choices(self, changelist):
        value = self.value() or Subscriber.Status.ACTIVE
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or Subscriber.Status.ACTIVE
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(Subscriber)
class SubscriberAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["email", "language", "campaign", "status", "confirmed_at", "bounces"]
    list_filter = [ReceivingFilter, "language", "campaign"]
    list_select_related = ["campaign"]
    search_fields = ["email"]
    actions = [*PERSONAL_DATA_ACTIONS]
    readonly_fields = [
        "email", "status", "requested_at", "confirmed_at", "unsubscribed_at", "bounces",
        "last_refusal",
    ]  # fmt: skip
    fields = ["email", "language", "campaign", *readonly_fields[1:]]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # only the person themselves subscribes, by confirming their address

    def changelist_view(self, request, extra_context=None):
        counts = Subscriber.objects.aggregate(
            active=Count("pk", filter=Q(status=Subscriber.Status.ACTIVE)),
            pending=Count("pk", filter=Q(status=Subscriber.Status.PENDING)),
            bounced=Count("pk", filter=Q(status=Subscriber.Status.BOUNCED)),
        )
        by_language = dict(
            Subscriber.objects.receiving()
            .values_list("language")
            .annotate(n=Count("pk"))
            .values_list("language", "n")
        )
        return super().changelist_view(
            request, {**(extra_context or {}), "counts": counts, "by_language": by_language}
        )


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Each statement announced, with how its mail went."""

    list_display = ["title", "created_at", "prepared_at", "sent", "waiting", "refused"]
    readonly_fields = ["translation_key", "title", "created_at", "prepared_at"]

    def get_queryset(self, request):
        status = Delivery.Status
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sent=Count("deliveries", filter=Q(deliveries__status=status.SENT)),
                n_waiting=Count(
                    "deliveries",
                    filter=Q(deliveries__status__in=[status.QUEUED, status.SENDING]),
                ),
                n_refused=Count("deliveries", filter=Q(deliveries__status=status.FAILED)),
            )
        )

    @admin.display(description=_("sent"), ordering="n_sent")
    def sent(self, obj):
        return obj.n_sent

    @admin.display(description=_("waiting"), ordering="n_waiting")
    def waiting(self, obj):
        return obj.n_waiting

    @admin.display(description=_("refused"), ordering="n_refused")
    def refused(self, obj):
        return obj.n_refused

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Embargoed releases: their own module, registered with the admin on import.
from followers import embargo_admin  # noqa: E402, F401
