"""Subscribers for staff: who asked, in which language, and what was sent. No bulk export:
a person's data leaves only through the personal-data actions (administrators)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from followers.forms import LANGUAGE_NAMES
from followers.models import Announcement, Delivery, Journalist, Subscriber
from icnk.audit import HistoryAdmin, record_change
from members.personal_data_admin import PERSONAL_DATA_ACTIONS, PersonalDataAdminMixin


class DefaultStatusFilter(admin.SimpleListFilter):
    """A status filter that starts on one status (`default`) and offers "All" first."""

    title = _("status")
    parameter_name = "status"
    statuses = None  # a TextChoices class
    default = None

    def lookups(self, request, model_admin):
        return [("all", _("All")), *self.statuses.choices]

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
        return queryset if value == "all" else queryset.filter(status=value)


class ReceivingFilter(DefaultStatusFilter):
    """Subscribed by default: those who get the next statement are what staff look at most."""

    statuses = Subscriber.Status
    default = Subscriber.Status.ACTIVE


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


# ---------------------------------------------------------------------------------------------
# The press list
# ---------------------------------------------------------------------------------------------


class JournalistAdminForm(forms.ModelForm):
    """Languages as boxes to tick; a journalist added by staff needs a record of their consent."""

    language_choices = forms.MultipleChoiceField(
        label=_("languages"),
        choices=[(code, LANGUAGE_NAMES.get(code, name)) for code, name in settings.LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Releases go in the first of these that they exist in."),
    )
    preferred = forms.ChoiceField(
        label=_("first language"),
        choices=[(code, LANGUAGE_NAMES.get(code, name)) for code, name in settings.LANGUAGES],
        help_text=_("Mail goes in this language when the release exists in it."),
    )
    agreed = forms.BooleanField(
        label=_("The journalist agreed to be on the press list"),
        required=False,
    )

    class Meta:
        model = Journalist
        fields = ["name", "outlet", "email", "beats", "consent_means", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from followers.press import CONSENT_WORDING

        languages = self.instance.language_list() if self.instance.pk else ["en"]
        self.fields["language_choices"].initial = languages
        self.fields["preferred"].initial = languages[0]
        self.fields["agreed"].help_text = _("To this wording: “%(wording)s”") % {
            "wording": CONSENT_WORDING
        }
        if "beats" in self.fields:
            self.fields["beats"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["beats"].choices
            )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = Journalist.objects.filter(email__mailbox=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This address is already on the press list."))
        return email

    def clean(self):
        data = super().clean()
        if self.instance.pk is None:
            if not data.get("agreed"):
                self.add_error(
                    "agreed", _("Add only a journalist who agreed to be on the press list.")
                )
            if not (data.get("consent_means") or "").strip():
                self.add_error(
                    "consent_means",
                    _("Say how the journalist agreed, for example “email of 10 January 2026”."),
                )
        return data

    def save(self, commit=True):
        preferred = self.cleaned_data.get("preferred")
        self.instance.set_languages([preferred, *(self.cleaned_data.get("language_choices") or [])])
        return super().save(commit)


class JournalistStatusFilter(DefaultStatusFilter):
    """On the list by default; requests waiting for a decision are a click away."""

    statuses = Journalist.Status
    default = Journalist.Status.ACTIVE


class JournalistLanguageFilter(admin.SimpleListFilter):
    title = _("reads")
    parameter_name = "reads"

    def lookups(self, request, model_admin):
        return [(code, LANGUAGE_NAMES.get(code, name)) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.reading(self.value())
        return queryset


@admin.register(Journalist)
class JournalistAdmin(PersonalDataAdminMixin, HistoryAdmin):
    form = JournalistAdminForm
    list_display = ["name", "outlet", "email", "languages", "status", "confirmed_at", "bounces"]
    list_filter = [JournalistStatusFilter, JournalistLanguageFilter, "beats", "source"]
    search_fields = ["name", "outlet", "email"]
    actions = ["approve", "decline", *PERSONAL_DATA_ACTIONS]
    readonly_fields = [
        "status", "source", "consent_text", "consent_at", "created_at", "confirmed_at",
        "approved_at", "approved_by", "declined_at", "left_at", "bounces", "last_refusal",
    ]  # fmt: skip
    show_full_result_count = False

    def get_fieldsets(self, request, obj=None):
        journalist = [
            "name", "outlet", "email", "preferred", "language_choices", "beats", "note",
        ]  # fmt: skip
        if obj is None:
            return [
                (None, {"fields": journalist}),
                (_("Consent"), {"fields": ["agreed", "consent_means"]}),
            ]
        return [
            (None, {"fields": journalist}),
            (
                _("Consent and status"),
                {"fields": ["status", "source", "consent_text", "consent_means", "consent_at"]},
            ),
            (_("History"), {"fields": self.readonly_fields[4:]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        from followers import press

        if not change:
            obj.consent_text = str(press.CONSENT_WORDING)
            press.journalist_add(journalist=obj, user=request.user)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        from followers import press

        # After the beats are saved: the mail is the journalist's first press mail.
        press.journalist_added(journalist=obj)
        return super().response_add(request, obj, post_url_continue)

    def _decide(self, request, queryset, decide, done_message):
        done = 0
        for journalist in queryset.filter(status=Journalist.Status.CONFIRMED):
            if decide(journalist=journalist, user=request.user):
                record_change(request.user, journalist, str(done_message))
                done += 1
        skipped = queryset.count() - done
        self.message_user(request, ngettext(
            "%(count)d journalist: done.", "%(count)d journalists: done.", done
        ) % {"count": done}, messages.SUCCESS if done else messages.WARNING)  # fmt: skip
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d left alone: only requests whose address is confirmed are decided.",
                    "%(count)d left alone: only requests whose address is confirmed are decided.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(
        description=_("Approve: add to the press list and tell them"),
        permissions=["change"],
    )
    def approve(self, request, queryset):
        from followers.press import journalist_approve

        self._decide(request, queryset, journalist_approve, "Approved")

    @admin.action(description=_("Decline and tell them"), permissions=["change"])
    def decline(self, request, queryset):
        from followers.press import journalist_decline

        self._decide(request, queryset, journalist_decline, "Declined")

    def changelist_view(self, request, extra_context=None):
        counts = Journalist.objects.aggregate(
            active=Count("pk", filter=Q(status=Journalist.Status.ACTIVE)),
            waiting=Count("pk", filter=Q(status=Journalist.Status.CONFIRMED)),
        )
        return super().changelist_view(request, {**(extra_context or {}), "counts": counts})


# Embargoed releases: their own module, registered with the admin on import.
from followers import embargo_admin  # noqa: E402, F401
