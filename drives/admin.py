"""The secretariat's side of a sign-on drive: start it, follow the tally, remind, re-confirm.

Every action goes through drives/services.py and leaves an entry in the admin's action log.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from drives import services
from drives.models import Answer, Drive, Invitation
from icnk.audit import HistoryAdmin
from members.models import Organization, OrganizationKind, Supporter
from members.regions import Region
from statements.models import Statement


class DriveForm(forms.ModelForm):
    invite_all = forms.BooleanField(
        label=_("Invite all active member organizations"), required=False
    )
    regions = forms.MultipleChoiceField(
        label=_("… or those in these regions"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("… or from these countries"), required=False, choices=()
    )
    kinds = forms.MultipleChoiceField(
        label=_("… or of these kinds"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("… and these organizations, picked by hand"),
        queryset=Organization.objects.none(),
        required=False,
        widget=FilteredSelectMultiple(_("organizations"), is_stacked=False),
    )
    supporters = forms.ModelMultipleChoiceField(
        label=_("Individual supporters (those with an email)"),
        queryset=Supporter.objects.none(),
        required=False,
        widget=FilteredSelectMultiple(_("individual supporters"), is_stacked=False),
    )

    class Meta:
        model = Drive
        fields = [
            "statement",
            "deadline",
            "grace_days",
            "reminder_days",
            "note",
            "release_override_reason",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        invitable = services.invitable_organizations()
        self.fields["organizations"].queryset = invitable.order_by("name")
        self.fields["supporters"].queryset = services.invitable_supporters().order_by("full_name")
        countries = sorted({(o.country.code, o.country.name) for o in invitable if o.country})
        self.fields["countries"].choices = countries
        if "statement" in self.fields:
            self.fields["statement"].queryset = Statement.objects.filter(
                status=Statement.Status.DRAFT, translation_of=None
            )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        changed = self.instance.pk is None or "deadline" in self.changed_data
        if changed and deadline <= timezone.now():
            raise forms.ValidationError(
                _("The deadline must be in the future."), code="deadline_past"
            )
        return deadline

    def invitees(self):
        """The organizations and people the selection names (not yet filtered for duplicates)."""
        data = self.cleaned_data
        organizations = services.invitable_organizations()
        condition = Q(pk__in=[o.pk for o in data["organizations"]])
        if data["invite_all"]:
            condition = Q(pk__isnull=False)
        if data["regions"]:
            condition |= Q(region__in=data["regions"])
        if data["countries"]:
            condition |= Q(country__in=data["countries"])
        if data["kinds"]:
            condition |= Q(kind__in=data["kinds"])
        return list(organizations.filter(condition)), list(data["supporters"])


@admin.register(Drive)
class DriveAdmin(HistoryAdmin):
    form = DriveForm
    list_display = [
        "statement",
        "state",
        "deadline_local",
        "signed_count",
        "declined_count",
        "waiting_count",
        "tally_link",
        "is_demo",
    ]
    list_filter = ["state", "is_demo"]
    list_select_related = ["statement"]
    actions = ["remind_now", "ask_to_reconfirm", "close_drives"]
    autocomplete_fields = []

    def get_fieldsets(self, request, obj=None):
        invite = [
            "invite_all",
            "regions",
            "countries",
            "kinds",
            "organizations",
            "supporters",
        ]
        return [
            (
                None,
                {
                    "fields": ["statement", "deadline", "grace_days", "reminder_days", "note"]
                    + (["state", "tally_link", "released_at"] if obj else [])
                },
            ),
            (_("Whom to invite") if obj is None else _("Invite more"), {"fields": invite}),
            (
                _("Release"),
                {"classes": ["collapse"], "fields": ["release_override_reason"]},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["statement", "state", "tally_link", "released_at"] if obj else []

    def changelist_view(self, request, extra_context=None):
        self._tallies = {}
        return super().changelist_view(request, extra_context)

    def _tally(self, drive):
        tallies = getattr(self, "_tallies", None)
        if tallies is None:
            tallies = self._tallies = {}
        if not tallies:
            rows = (
                Invitation.objects.not_taken_down()
                .with_latest_answer()
                .values_list("drive_id", "latest_choice")
            )
            for drive_id, choice in rows:
                tally = tallies.setdefault(drive_id, {"signed": 0, "declined": 0, None: 0})
                tally[choice] += 1
        return tallies.get(drive.pk, {"signed": 0, "declined": 0, None: 0})

    @admin.display(description=_("deadline"), ordering="deadline")
    def deadline_local(self, drive):
        local = timezone.localtime(drive.deadline)
        return f"{local:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"

    @admin.display(description=_("signed"))
    def signed_count(self, drive):
        return self._tally(drive)["signed"]

    @admin.display(description=_("declined"))
    def declined_count(self, drive):
        return self._tally(drive)["declined"]

    @admin.display(description=_("no answer"))
    def waiting_count(self, drive):
        return self._tally(drive)[None]

    @admin.display(description=_("tally"))
    def tally_link(self, drive):
        url = reverse("admin:drives_invitation_changelist") + "?" + urlencode({"drive": drive.pk})
        return format_html('<a href="{}">{}</a>', url, gettext("Answers per member"))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change and "deadline" in form.changed_data:
            services.send_unsent(drive=obj)
        organizations, supporters = form.invitees()
        new = services.invite(
            drive=obj, user=request.user, organizations=organizations, supporters=supporters
        )
        if new:
            messages.success(
                request,
                ngettext(
                    "%(count)d invitation queued for sending.",
                    "%(count)d invitations queued for sending.",
                    len(new),
                )
                % {"count": len(new)},
            )

    @admin.action(description=_("Remind now those who have not answered"))
    def remind_now(self, request, queryset):
        sent = sum(services.remind(drive=drive, user=request.user) for drive in queryset)
        self.message_user(
            request,
            ngettext("%(count)d reminder queued.", "%(count)d reminders queued.", sent)
            % {"count": sent},
        )

    @admin.action(description=_("Ask those who signed an earlier text to re-confirm"))
    def ask_to_reconfirm(self, request, queryset):
        asked = 0
        for drive in queryset:
            try:
                asked += services.ask_reconfirm(drive=drive, user=request.user)
            except services.DriveError as error:
                self.message_user(request, f"{drive}: {error}", messages.ERROR)
        self.message_user(
            request,
            ngettext(
                "%(count)d member asked to re-confirm.",
                "%(count)d members asked to re-confirm.",
                asked,
            )
            % {"count": asked},
        )

    @admin.action(description=_("Close: no more answers"))
    def close_drives(self, request, queryset):
        for drive in queryset:
            services.close(drive=drive, user=request.user)
        self.message_user(request, gettext("Closed."))


class AnswerFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return [*Answer.Choice.choices, ("none", _("No answer"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(latest_choice__isnull=True)
        if self.value() in Answer.Choice.values:
            return queryset.filter(latest_choice=self.value())
        return queryset


class VersionFilter(admin.SimpleListFilter):
    """Whether the latest answer was given on the text as it stands now."""

    title = _("text version")
    parameter_name = "version"

    def lookups(self, request, model_admin):
        return [("current", _("Current text")), ("outdated", _("Earlier text"))]

    def queryset(self, request, queryset):
        if self.value() not in {"current", "outdated"}:
            return queryset
        drives = Drive.objects.filter(pk__in=queryset.values("drive_id")).select_related(
            "statement"
        )
        current = Q()
        for drive in drives:
            current |= Q(drive=drive, latest_version=services.text_version(drive.statement))
        if not drives:
            return queryset
        if self.value() == "current":
            return queryset.filter(current)
        return queryset.filter(latest_version__isnull=False).exclude(current)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """The tally: one row per invited member, its latest answer, when, and on which text."""

    list_display = [
        "member_name",
        "drive",
        "answer",
        "answered_at",
        "version",
        "sent_at",
        "reminded_at",
    ]
    list_filter = ["drive", AnswerFilter, VersionFilter, "language"]
    search_fields = ["organization__name", "supporter__full_name"]
    list_select_related = ["drive", "drive__statement", "organization", "supporter"]
    actions = ["export_csv", "remind_selected"]
    readonly_fields = [
        "drive",
        "organization",
        "supporter",
        "language",
        "sent_at",
        "reminded_at",
        "reconfirm_asked_at",
        "history",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        self._versions = {}
        return super().get_queryset(request).not_taken_down().with_latest_answer()

    def _current(self, invitation):
        versions = getattr(self, "_versions", {})
        if invitation.drive_id not in versions:
            versions[invitation.drive_id] = services.text_version(invitation.drive.statement)
        return versions[invitation.drive_id]

    @admin.display(description=_("member"))
    def member_name(self, invitation):
        return str(invitation.member)

    @admin.display(description=_("answer"), ordering="latest_choice")
    def answer(self, invitation):
        if invitation.latest_choice:
            return Answer.Choice(invitation.latest_choice).label
        return gettext("No answer")

    @admin.display(description=_("answered"), ordering="latest_answered_at")
    def answered_at(self, invitation):
        return invitation.latest_answered_at

    @admin.display(description=_("text version"))
    def version(self, invitation):
        if not invitation.latest_version:
            return "—"
        label = (
            gettext("current")
            if invitation.latest_version == self._current(invitation)
            else gettext("earlier")
        )
        return f"{invitation.latest_version[:8]} ({label})"

    @admin.display(description=_("answers, newest first"))
    def history(self, invitation):
        rows = [
            (
                timezone.localtime(a.answered_at).strftime("%Y-%m-%d %H:%M"),
                a.get_choice_display(),
                a.text_version[:8],
                a.comment,
            )
            for a in invitation.answers.all()
        ]
        if not rows:
            return gettext("No answer")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {} {}</li>", rows))

    @admin.action(description=_("Export the selected rows as CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="sign-on-tally.csv"'
        response["Cache-Control"] = "private, no-store"
        writer = csv.writer(response)
        writer.writerow(
            [
                "drive",
                "member",
                "kind",
                "answer",
                "answered_at",
                "text_version",
                "current",
                "sent_at",
                "reminded_at",
            ]
        )
        for invitation in queryset.select_related(
            "drive", "drive__statement", "organization", "supporter"
        ):
            writer.writerow(
                [
                    str(invitation.drive),
                    _safe_cell(str(invitation.member)),
                    "organization" if invitation.organization_id else "individual",
                    invitation.latest_choice or "no answer",
                    invitation.latest_answered_at.isoformat()
                    if invitation.latest_answered_at
                    else "",
                    invitation.latest_version or "",
                    ""
                    if not invitation.latest_version
                    else invitation.latest_version == self._current(invitation),
                    invitation.sent_at.isoformat() if invitation.sent_at else "",
                    invitation.reminded_at.isoformat() if invitation.reminded_at else "",
                ]
            )
        return response

    @admin.action(description=_("Remind now (selected members who have not answered)"))
    def remind_selected(self, request, queryset):
        sent = 0
        # Never a member that left, was suspended or erased since it was invited.
        unanswered = queryset.signable().filter(latest_choice__isnull=True)
        for invitation in unanswered.select_related("drive"):
            if invitation.drive.accepts_answers and services._send(
                invitation, "reminded_at", "drives/email/reminder"
            ):
                sent += 1
                services._log(
                    request.user,
                    invitation.drive,
                    gettext("Reminder sent to %(member)s.") % {"member": invitation.member},
                )
        self.message_user(
            request,
            ngettext("%(count)d reminder queued.", "%(count)d reminders queued.", sent)
            % {"count": sent},
        )


def _safe_cell(value):
    """A name that a spreadsheet would run as a formula is quoted (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
