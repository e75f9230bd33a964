"""The desk's review of what members ask to change on their public profile, and the record of
contact handovers (members/profile.py)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from icnk.admin import DefaultStatusFilter
from icnk.errors import id_param
from members import profile
from members.models import ContactHandover, ProfileChange


class ProfileChangeStatusFilter(DefaultStatusFilter):
    default = ProfileChange.Status.PENDING

    def lookups(self, request, model_admin):
        return [*ProfileChange.Status.choices, ("all", _("All"))]


class ProfileRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Sent to the organization's contact with the news that nothing changes."),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


def _language_name(code):
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    list_display = ["organization", "status", "requested_at", "requested_by", "decided_by"]
    list_filter = [ProfileChangeStatusFilter]
    list_select_related = ["organization", "decided_by"]
    search_fields = ["organization__name", "requested_by"]
    show_full_result_count = False

    class Media:
        css = {"all": ["css/admin-desk.css"]}

    def has_add_permission(self, request):
        return False  # asked for by members, from the members' area

    def has_change_permission(self, request, obj=None):
        return False  # nothing here is edited by hand: the change is approved or rejected

    def has_delete_permission(self, request, obj=None):
        return False  # a record of what was asked and decided

    def may_decide(self, request):
        """Approve and Reject: those who may change profile changes (editors and up)."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("logo_data")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/approve/",
                view(require_POST(self.approve_view)),
                name="members_profilechange_approve",
            ),
            path(
                "<path:object_id>/reject/",
                view(self.reject_view),
                name="members_profilechange_reject",
            ),
            path(
                "<path:object_id>/logo/",
                view(self.logo_view),
                name="members_profilechange_logo",
            ),
            *super().get_urls(),
        ]

    def _change(self, request, object_id, *, decide=False):
        pk = id_param(unquote(object_id))
        change = (
            ProfileChange.objects.select_related("organization", "decided_by").filter(pk=pk).first()
            if pk is not None
            else None
        )
        if change is None:
            raise Http404
        allowed = self.may_decide(request) if decide else self.has_view_permission(request, change)
        if not allowed:
            raise PermissionDenied
        return change

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review: each changed field as old → new, the new logo beside the old, and the
        decision."""
        if request.method == "POST":
            raise PermissionDenied  # nothing here is edited by hand; the buttons post elsewhere
        change = self._change(request, object_id)
        organization = change.organization
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": change,
            "organization": organization,
            "title": gettext("Profile change of %(name)s") % {"name": organization.name},
            "diffs": profile.field_diffs(
                change,
                old_heading=gettext("On the public page now"),
                new_heading=gettext("Proposed"),
            ),
            "logo_url": (
                reverse("admin:members_profilechange_logo", args=[change.pk])
                if change.has_logo
                else ""
            ),
            "can_decide": change.status == ProfileChange.Status.PENDING
            and self.may_decide(request),
            "version": profile.version(change),
            "reject_form": ProfileRejectForm(initial={"version": profile.version(change)}),
            "member_language": _language_name(organization.language or "en"),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/members/profilechange/review.html", context)

    def logo_view(self, request, object_id):
        """The proposed logo, to staff only (it is not in the public media store)."""
        change = self._change(request, object_id)
        if not change.has_logo or change.logo_type not in profile.LOGO_TYPES:
            raise Http404
        response = HttpResponse(bytes(change.logo_data), content_type=change.logo_type)
        response["Cache-Control"] = "private, no-store"
        response["Content-Disposition"] = "inline"
        return response

    def _back(self, change):
        return redirect(reverse("admin:members_profilechange_change", args=[change.pk]))

    def _not_pending(self, request, change):
        change.refresh_from_db()
        if change.status == ProfileChange.Status.PENDING:
            message = gettext(
                "The member changed this request while you were reading it. Nothing was "
                "decided: read the new version below."
            )
        else:
            message = gettext("This change was already decided: %(status)s. Nothing was done.") % {
                "status": change.get_status_display()
            }
        self.message_user(request, message, messages.WARNING)
        return self._back(change)

    def approve_view(self, request, object_id):
        change = self._change(request, object_id, decide=True)
        try:
            organization = profile.profile_change_approve(
                change=change, reviewer=request.user, seen_version=request.POST.get("version")
            )
        except profile.DecisionError:
            return self._not_pending(request, change)
        if organization is None:
            self.message_user(
                request,
                gettext(
                    "This change was asked by a previous contact of the organization: it was "
                    "withdrawn, and nothing changed on the public page."
                ),
                messages.WARNING,
            )
            return self._back(change)
        self.message_user(
            request,
            gettext("The changes are on the public page of %(name)s; its contact is told by email.")
            % {"name": organization.name},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:members_profilechange_changelist"))

    def reject_view(self, request, object_id):
        change = self._change(request, object_id, decide=True)
        if change.status != ProfileChange.Status.PENDING:
            return self._not_pending(request, change)
        form = ProfileRejectForm(
            request.POST if request.method == "POST" else None,
            initial={"version": profile.version(change)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                profile.profile_change_reject(
                    change=change,
                    reviewer=request.user,
                    reason=form.cleaned_data["reason"].strip(),
                    seen_version=form.cleaned_data["version"] or None,
                )
            except profile.DecisionError:
                return self._not_pending(request, change)
            self.message_user(
                request,
                gettext("Rejected: nothing changes for %(name)s; its contact is told by email.")
                % {"name": change.organization.name},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:members_profilechange_changelist"))
        return TemplateResponse(
            request,
            "admin/members/profilechange/reject.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": change,
                "title": gettext("Reject the profile change of %(name)s")
                % {"name": change.organization.name},
                "form": form,
                "member_language": _language_name(change.organization.language or "en"),
            },
        )


@admin.register(ContactHandover)
class ContactHandoverAdmin(admin.ModelAdmin):
    """A read-only record: handovers are asked for and confirmed by the members themselves."""

    list_display = ["organization", "new_name", "new_email", "status", "requested_at"]
    list_filter = ["status"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "new_email", "requested_by"]
    readonly_fields = [
        "organization",
        "new_name",
        "new_email",
        "requested_by",
        "requested_at",
        "expires_at",
        "status",
        "confirmed_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
