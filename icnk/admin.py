from icnk import staff_admin  # noqa: F401  (registers staff invitations and the users' page)

# isort: split
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from icnk import mail
from icnk.audit import HistoryAdmin
from icnk.errors import id_param
from icnk.forms import SiteSettingsAdminForm
from icnk.models import OutboundEmail, SiteSettings
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

    form = SiteSettingsAdminForm
    fieldsets = [
        (_("Name"), {"fields": ["name_en", "name_ko", "name_ja", "short_name"]}),
        (_("Mission"), {"fields": ["mission_en", "mission_ko", "mission_ja"]}),
        (_("Objectives"), {"fields": ["objectives_en", "objectives_ko", "objectives_ja"]}),
        (
            _("Founding"),
            {"fields": ["founded_on", "founded_in_en", "founded_in_ko", "founded_in_ja"]},
        ),
        (_("Contact"), {"fields": ["contact_email"]}),
        (
            _("Images: sharing and icons"),
            {"fields": ["share_image", "share_image_alt", "mark"]},
        ),
        (_("Time"), {"fields": ["time_zone"]}),
        (_("Membership"), {"fields": ["membership_period", "grace_days"]}),
    ]
    list_display = ["name_en", "short_name", "contact_email", "time_zone", "updated_at"]
    # Where the public writes to, and where join notices go by default: changing it could
    # redirect people's messages, so only administrators may (editors see it read-only).
    # The time zone decides when a statement scheduled for "09:00" goes out: administrators.
    administrator_only_fields = ["contact_email", "time_zone"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_administrator(request.user):
            readonly += self.administrator_only_fields
        return readonly

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class OutboxStatusFilter(DefaultStatusFilter):
    """All mail by default; "needs attention" is what the desk's outbox panel links to."""

    default = "all"

    def lookups(self, request, model_admin):
        return [
            ("attention", _("Failed or retrying")),
            *OutboundEmail.Status.choices,
            ("all", _("All")),
        ]

    def queryset(self, request, queryset):
        if (self.value() or self.default) == "attention":
            return queryset.needing_attention()
        return super().queryset(request, queryset)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox: every message the site promised to send, and what became of it.

    A record, not a form: nobody writes, edits or adds mail here (queue_mail() does), and
    "Retry now" sends a waiting or failed message again without ever sending one twice
    (icnk/mail.py, retry_now).

    Who sees what: editors see the recipient, subject, status and error, which they need to
    tell an applicant "our mail did not reach you" and which they can already read on the
    join request or member it was sent to; mail to subscribers, whose addresses only
    administrators see, is not listed for them (mail.seen_by). The body is
    shown to administrators only: it holds what no editor otherwise sees, such as an
    applicant's confirmation link (whoever holds it can confirm the request in their name) or
    a personal-data export notice. Administrators
    may delete a message (erasing a person's data deletes their mail too).
    """

    list_display = ["subject", "to", "status_label", "attempts", "created_at", "sent_at"]
    list_filter = [OutboxStatusFilter]
    search_fields = ["to", "subject"]
    actions = ["retry_now"]
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        # Mail to people whose addresses a staff member may not see is not theirs to see here
        # either, or the outbox would list those addresses.
        return super().get_queryset(request).visible_to(request.user)

    def get_fields(self, request, obj=None):
        fields = ["to", "subject", "status", "attempts", "last_error"]
        fields += ["created_at", "claimed_at", "sent_at"]
        if is_administrator(request.user):
            fields.append("body")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("icnk.retry_outboundemail")

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, email):
        tone = {
            OutboundEmail.Status.FAILED: "error",
            OutboundEmail.Status.QUEUED: "warning" if email.attempts else "",
        }.get(email.status, "")
        label = email.get_status_display()
        if email.status == OutboundEmail.Status.QUEUED and email.attempts:
            label = gettext("Retrying")
        if not email.last_error:
            return format_html('<span class="desk-status {}">{}</span>', tone, label)
        return format_html(
            '<span class="desk-status {}">{}</span><br><span class="quiet">{}</span>',
            tone,
            label,
            Truncator(email.last_error).chars(80),
        )

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        self._report_retry(request, mail.retry_now(queryset), queryset.count())

    def _report_retry(self, request, retried, selected):
        if retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message will be sent again now.",
                    "%(count)d messages will be sent again now.",
                    retried,
                )
                % {"count": retried},
                messages.SUCCESS,
            )
        if selected - retried:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was left alone: it has been sent, or is being sent "
                    "right now.",
                    "%(count)d messages were left alone: they have been sent, or are being "
                    "sent right now.",
                    selected - retried,
                )
                % {"count": selected - retried},
                messages.WARNING,
            )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/retry/",
                self.admin_site.admin_view(require_POST(self.retry_view)),
                name="icnk_outboundemail_retry",
            ),
            *super().get_urls(),
        ]

    def retry_view(self, request, object_id):
        if not self.has_retry_permission(request):
            raise PermissionDenied
        email = self.get_object(request, unquote(object_id))
        if email is None:
            raise Http404
        self._report_retry(request, mail.retry_now([email]), 1)
        return redirect(reverse("admin:icnk_outboundemail_change", args=[email.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        email = self.get_object(request, unquote(object_id))
        retryable = email is not None and email.status in (
            OutboundEmail.Status.QUEUED,
            OutboundEmail.Status.FAILED,
        )
        extra_context = {
            **(extra_context or {}),
            "can_retry": retryable and self.has_retry_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)


class RecordKindFilter(admin.SimpleListFilter):
    """The kinds of record the person may see, not every table in the database."""

    title = _("kind of record")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        from icnk.dashboard import viewable_content_types

        kinds = viewable_content_types(request, model_admin.admin_site)
        return sorted(((str(ct.pk), capfirst(ct.name)) for ct in kinds), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if (kind := id_param(self.value() or "")) is not None:
            return queryset.filter(content_type_id=kind)
        return queryset


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The admin's action log: who added, changed or deleted what, and when. Read-only, and
    limited to the kinds of record the person may see."""

    list_display = ["action_time", "user", "action_label", "content_type", "object_link"]
    list_filter = ["action_flag", RecordKindFilter]
    search_fields = ["object_repr", "change_message", "user__username"]
    list_select_related = ["user", "content_type"]
    show_full_result_count = False
    date_hierarchy = None

    def get_queryset(self, request):
        from icnk.dashboard import viewable_content_types

        queryset = super().get_queryset(request)
        return queryset.filter(content_type__in=viewable_content_types(request, self.admin_site))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("action"), ordering="action_flag")
    def action_label(self, entry):
        message = entry.get_change_message()
        if entry.is_addition():
            action = gettext("Added")
        elif entry.is_deletion():
            action = gettext("Deleted")
        else:
            action = gettext("Changed")
        return f"{action}: {message}" if message else action

    @admin.display(description=_("record"))
    def object_link(self, entry):
        url = None if entry.is_deletion() else entry.get_admin_url()
        if not url:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)
