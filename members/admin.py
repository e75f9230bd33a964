from members import (
    area_admin,  # noqa: F401  (registers visibility requests)
    join_admin,  # noqa: F401  (registers the join-request review queue)
    profile_admin,  # noqa: F401  (registers the review of profile changes)
)

# isort: split
import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from icnk import cache as page_cache
from icnk.admin import DefaultStatusFilter
from icnk.audit import HistoryAdmin
from members import services
from members.forms import OrganizationAdminForm, SupporterAdminForm
from members.models import (
    ORGANIZATION_CONTACT_FIELDS,
    Listing,
    MemberStatus,
    Organization,
    Supporter,
    Visibility,
)
from members.personal_data_admin import PERSONAL_DATA_ACTIONS, PersonalDataAdminMixin
from members.renewal_admin import MembershipAdminMixin
from members.resources import CONTACT_FIELDS, OrganizationPublicResource, OrganizationResource

# Who exported how many rows, and when (the log line's time), beside the sign-in record.
export_log = logging.getLogger("icnk.security")


def is_autocomplete(request):
    """Whether the admin's search-as-you-type (select2) is asking, rather than the list."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


class ActiveStatusFilter(DefaultStatusFilter):
    """Active members by default: they are what the secretariat looks at most."""

    default = MemberStatus.ACTIVE

    def lookups(self, request, model_admin):
        return [*MemberStatus.choices, ("all", _("All"))]


@admin.register(Organization)
class OrganizationAdmin(
    MembershipAdminMixin, PersonalDataAdminMixin, HistoryAdmin, ImportExportModelAdmin
):
    form = OrganizationAdminForm
    resource_classes = [OrganizationResource]
    import_formats = [CSV]
    export_formats = [CSV, XLSX]
    list_display = [
        "logo_thumbnail",
        "name",
        "acronym",
        "country",
        "kind",
        "listing",
        "status",
        "founding_member",
        "member_since",
    ]
    list_display_links = ["logo_thumbnail", "name"]
    list_filter = [
        ActiveStatusFilter,
        "listing",
        "kind",
        ("country", CountryFilter),
        "founding_member",
    ]
    search_fields = ["name", "local_name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "logo_preview",
        "region",
        "membership_state_shown",
        "created_at",
        "updated_at",
    ]
    list_per_page = 100
    # "12 of 5,000" needs a second COUNT over the whole table on every page: skip it.
    show_full_result_count = False
    actions = ["list_by_name", "count_only", "unlist", "mark_as_left", *PERSONAL_DATA_ACTIONS]
    fieldsets = [
        (None, {"fields": ["name", "local_name", "acronym", "slug", "country", "region", "kind"]}),
        (_("Public page"), {"fields": ["website", "logo", "logo_preview"]}),
        (
            _("Description"),
            {"fields": ["description_en", "description_ko", "description_ja"]},
        ),
        (
            _("Membership"),
            {
                "fields": [
                    "member_since",
                    "founding_member",
                    "status",
                    "membership_state_shown",
                    "renewed_until",
                    "left_on",
                    "listing",
                    "former_listing_consent_on",
                ]
            },
        ),
        (
            _("Private contact (staff only)"),
            {"fields": [*ORGANIZATION_CONTACT_FIELDS, "language"]},
        ),
        (_("Record"), {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, organization):
        if not organization.logo:
            return ""
        return format_html(
            '<img class="admin-logo-thumb" src="{}" alt="" width="32" height="32">',
            organization.logo.url,
        )

    @admin.display(description=_("logo preview"))
    def logo_preview(self, organization):
        if not organization.logo:
            return gettext("No logo yet.")
        return format_html(
            '<img class="admin-logo-preview" src="{}" alt="">',
            organization.logo.url,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": self.has_export_personal_data_permission(request),
            "can_erase": self.has_erase_personal_data_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_search_results(self, request, queryset, search_term):
        # Search-as-you-type picks signatories: only members today are offered.
        if is_autocomplete(request):
            queryset = queryset.filter(status=MemberStatus.ACTIVE)
        return super().get_search_results(request, queryset, search_term)

    def has_import_permission(self, request):
        """Importing adds and changes rows, so it needs both permissions (editors have them)."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def get_export_resource_classes(self, request):
        # Contact names, addresses, phones and notes are personal data: only those who may
        # export a person's data get them in a bulk export.
        if request.user.has_perm("members.export_personal_data"):
            return [OrganizationResource]
        return [OrganizationPublicResource]

    def get_import_resource_classes(self, request):
        # The same columns: an import's preview shows every column of every row it matches,
        # as the database has it, so a file of slugs alone would be a bulk export. (Editors
        # change an organization's contact on its own page.)
        return self.get_export_resource_classes(request)

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        export_log.info(
            "bulk export: user=%s model=%s rows=%d contact_fields=%s",
            request.user.pk,
            self.opts.label_lower,
            len(dataset),
            bool(set(CONTACT_FIELDS) & set(dataset.headers or [])),
        )
        return dataset

    def _bulk_update(self, request, queryset, message, **values):
        with transaction.atomic():
            organizations = list(queryset.select_for_update(of=("self",)))
            for organization in organizations:
                for name, value in values.items():
                    setattr(organization, name, value)
                organization.save()
                self.log_change(request, organization, message)
        # Public pages and counts change at once (the saves above already started a new
        # generation of cached pages; this covers an empty selection as well).
        page_cache.invalidate()
        self.message_user(
            request,
            ngettext(
                "%(count)d organization updated.",
                "%(count)d organizations updated.",
                len(organizations),
            )
            % {"count": len(organizations)},
            messages.SUCCESS,
        )

    @admin.action(description=_("List by name on public pages"), permissions=["change"])
    def list_by_name(self, request, queryset):
        self._bulk_update(request, queryset, gettext("Listed by name."), listing=Listing.NAMED)

    @admin.action(description=_("Count only (never name) on public pages"), permissions=["change"])
    def count_only(self, request, queryset):
        self._bulk_update(request, queryset, gettext("Counted only."), listing=Listing.COUNTED)

    @admin.action(description=_("Remove from public pages"), permissions=["change"])
    def unlist(self, request, queryset):
        self._bulk_update(request, queryset, gettext("Not listed."), listing=Listing.UNLISTED)

    @admin.action(description=_("Mark as left the coalition today"), permissions=["change"])
    def mark_as_left(self, request, queryset):
        self._bulk_update(
            request,
            queryset.exclude(status=MemberStatus.LEFT),
            gettext("Marked as left."),
            status=MemberStatus.LEFT,
            left_on=timezone.localdate(),
        )


class LiftTakeDownForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the take-down lifted?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the history and the action log."),
    )
    visibility = forms.ChoiceField(
        label=_("Show the person as"),
        required=False,
        choices=[("", _("As agreed before the take-down")), *Visibility.choices],
    )


@admin.register(Supporter)
class SupporterAdmin(MembershipAdminMixin, PersonalDataAdminMixin, HistoryAdmin):
    form = SupporterAdminForm
    list_display = [
        "full_name",
        "public_name_shown",
        "visibility",
        "country",
        "status",
        "member_since",
        "taken_down_at",
    ]
    list_filter = [ActiveStatusFilter, "visibility", ("country", CountryFilter)]
    search_fields = ["full_name", "display_name", "affiliation"]
    list_select_related = ["taken_down_by"]
    readonly_fields = [
        "public_name_shown",
        "membership_state_shown",
        "consent_text",  # what the person read on our page: a record, not for editing
        "taken_down_at",
        "taken_down_by",
        "personal_data_erased_at",
        "created_at",
        "updated_at",
    ]
    list_per_page = 100
    show_full_result_count = False
    actions = ["take_down", *PERSONAL_DATA_ACTIONS]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "full_name",
                    "display_name",
                    "affiliation",
                    "affiliation_ko",
                    "affiliation_ja",
                    "country",
                ]
            },
        ),
        (
            _("Visibility (agreed with the person)"),
            {
                "fields": [
                    "visibility",
                    "public_name_shown",
                    "consent_visibility",
                    "consent_date",
                    "consent_means",
                    "consent_text",
                ]
            },
        ),
        (
            _("Membership"),
            {
                "fields": [
                    "status",
                    "membership_state_shown",
                    "member_since",
                    "renewed_until",
                    "left_on",
                    "former_listing_consent_on",
                ]
            },
        ),
        (_("Private (staff only)"), {"fields": ["email", "phone", "private_notes", "language"]}),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": [
                    "taken_down_at",
                    "taken_down_by",
                    "personal_data_erased_at",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    @admin.display(description=_("shown to the public as"))
    def public_name_shown(self, supporter):
        if supporter.pk is None:
            return ""
        return supporter.public_name or gettext("(not named)")

    def has_takedown_permission(self, request):
        return request.user.has_perm("members.takedown_supporter")

    def get_search_results(self, request, queryset, search_term):
        # Search-as-you-type picks signatories: a person taken down (or erased, or no longer a
        # member) is never offered.
        if is_autocomplete(request):
            queryset = queryset & Supporter.objects.signable()
        return super().get_search_results(request, queryset, search_term)

    def get_list_display(self, request):
        # Those who may take a person down find the button on the person's row: the list,
        # the row, the confirmation, and the person is off every public page.
        if not self.has_takedown_permission(request):
            return self.list_display
        return [
            "take_down_state" if name == "taken_down_at" else name for name in self.list_display
        ]

    @admin.display(description=_("taken down"), ordering="taken_down_at")
    def take_down_state(self, supporter):
        if supporter.taken_down_at:
            return date_format(timezone.localtime(supporter.taken_down_at), "SHORT_DATETIME_FORMAT")
        return format_html(
            '<a class="take-down-link" href="{}">{}</a>',
            reverse("admin:members_supporter_take_down", args=[supporter.pk]),
            gettext("Take down…"),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.taken_down_at:
            # Only lifting the take-down (below) may show the person again.
            fields.append("visibility")
        return fields

    # -- take-down and its lifting, from the supporter's own page ----------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/take-down/",
                view(self.take_down_view),
                name="members_supporter_take_down",
            ),
            path(
                "<path:object_id>/lift-take-down/",
                view(self.lift_take_down_view),
                name="members_supporter_lift_take_down",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_take_down": self.has_takedown_permission(request),
            "can_export": self.has_export_personal_data_permission(request),
            "can_erase": self.has_erase_personal_data_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _supporter_for_take_down(self, request, object_id):
        if not self.has_takedown_permission(request):
            raise PermissionDenied
        supporter = self.get_object(request, unquote(object_id))
        if supporter is None:
            raise Http404
        return supporter

    def _change_page(self, supporter):
        return redirect(reverse("admin:members_supporter_change", args=[supporter.pk]))

    def _render(self, request, supporter, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": supporter,
                "title": title,
                **context,
            },
        )

    def take_down_view(self, request, object_id):
        """Confirm, then take the person down (POST)."""
        supporter = self._supporter_for_take_down(request, object_id)
        if supporter.taken_down_at:
            self.message_user(request, gettext("This person is taken down already."))
            return self._change_page(supporter)
        if request.method == "POST":
            services.take_down(supporter=supporter, user=request.user)
            self.message_user(
                request, gettext("Taken down from every public page."), messages.SUCCESS
            )
            return self._change_page(supporter)
        return self._render(
            request,
            supporter,
            "admin/members/supporter/take_down.html",
            gettext("Take down %(name)s") % {"name": supporter},
        )

    def lift_take_down_view(self, request, object_id):
        """A form with the reason; lifting is logged with it (POST)."""
        supporter = self._supporter_for_take_down(request, object_id)
        if not supporter.taken_down_at:
            self.message_user(request, gettext("This person is not taken down."))
            return self._change_page(supporter)
        form = LiftTakeDownForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.take_down_lift(
                    supporter=supporter,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    visibility=form.cleaned_data["visibility"] or None,
                )
            except services.LiftError as error:
                form.add_error("reason", str(error))
            else:
                self.message_user(request, gettext("The take-down is lifted."), messages.SUCCESS)
                return self._change_page(supporter)
        return self._render(
            request,
            supporter,
            "admin/members/supporter/lift_take_down.html",
            gettext("Lift the take-down of %(name)s") % {"name": supporter},
            form=form,
        )

    @admin.action(
        description=_("Take down: hide from every public page now"), permissions=["takedown"]
    )
    def take_down(self, request, queryset):
        with transaction.atomic():
            supporters = list(queryset.select_for_update(of=("self",)))
            for supporter in supporters:
                services.take_down(supporter=supporter, user=request.user)
        page_cache.invalidate()  # also for an empty selection
        self.message_user(
            request,
            ngettext(
                "%(count)d person taken down from every public page.",
                "%(count)d people taken down from every public page.",
                len(supporters),
            )
            % {"count": len(supporters)},
            messages.SUCCESS,
        )
