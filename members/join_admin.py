"""Admin for requests to join: the secretariat's review queue."""

import difflib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from icnk.admin import DefaultStatusFilter
from icnk.audit import HistoryAdmin
from members import services
from members.models import JoinRequest, Organization, Supporter
from members.personal_data_admin import PERSONAL_DATA_ACTIONS, PersonalDataAdminMixin

# Addresses at these providers say nothing about which organization someone belongs to.
WEBMAIL_DOMAINS = {
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.jp", "hotmail.com", "outlook.com",
    "live.com", "icloud.com", "me.com", "naver.com", "daum.net", "hanmail.net", "nate.com",
    "proton.me", "protonmail.com", "aol.com", "gmx.de", "mail.ru", "qq.com", "163.com",
}  # fmt: skip


class ReviewStatusFilter(DefaultStatusFilter):
    """Shows the requests awaiting review by default: what the secretariat looks at most."""

    parameter_name = "review"
    default = "pending"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Awaiting review")),
            ("unverified", _("Email not yet verified")),
            ("approved", _("Approved")),
            ("rejected", _("Rejected")),
            ("all", _("All")),
        ]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text=_("Kept with the request; sent to the applicant if you tick the box below."),
    )
    # The confirmation page promised the applicant an answer by email: sending it is the default.
    notify = forms.BooleanField(
        label=_("Email the reason to the applicant"), required=False, initial=True
    )


def likely_duplicates(join_request):
    """Members and other requests with the same email, the same domain or a similar name."""
    found = []
    email, domain = join_request.email, join_request.email_domain
    name = join_request.name.strip()
    if not email and not name:
        return found
    org_q = Q(contact_email__mailbox=email) if email else Q(pk__in=[])
    if domain and domain not in WEBMAIL_DOMAINS:
        org_q |= Q(contact_email__iendswith=f"@{domain}") | Q(website__icontains=domain)
    words = [w for w in name.split() if len(w) > 3][:3]
    name_q = Q(name__iexact=name)
    for word in words:
        name_q |= Q(name__icontains=word)
    if name:
        org_q |= name_q | Q(local_name__iexact=name)
    for org in Organization.objects.filter(org_q)[:20]:
        if (
            _similar(name, org.name)
            or org.contact_email.lower() == email.lower()
            or (domain and domain not in WEBMAIL_DOMAINS and domain in org.contact_email.lower())
        ):
            found.append(
                (
                    _("organization"),
                    org.name,
                    _reason(join_request, org.contact_email, org.name),
                    reverse("admin:members_organization_change", args=[org.pk]),
                )
            )
    sup_q = Q(email__mailbox=email) if email else Q(pk__in=[])
    if name:
        sup_q |= Q(full_name__iexact=name)
    for sup in Supporter.objects.filter(sup_q)[:10]:
        found.append(
            (
                _("individual supporter"),
                sup.full_name,
                _reason(join_request, sup.email, sup.full_name),
                reverse("admin:members_supporter_change", args=[sup.pk]),
            )
        )
    req_q = Q(email__mailbox=email) if email else Q(pk__in=[])
    if domain and domain not in WEBMAIL_DOMAINS:
        req_q |= Q(email__iendswith=f"@{domain}")
    if name:
        req_q |= name_q
    for other in JoinRequest.objects.filter(req_q).exclude(pk=join_request.pk)[:10]:
        if (
            other.email.lower() == email.lower()
            or _similar(name, other.name)
            or (domain and other.email_domain == domain and domain not in WEBMAIL_DOMAINS)
        ):
            found.append(
                (
                    _("request to join"),
                    f"{other.name} ({other.get_status_display()})",
                    _reason(join_request, other.email, other.name),
                    reverse("admin:members_joinrequest_change", args=[other.pk]),
                )
            )
    return found


def _language_name(code):
    """The applicant's language in the reader's own language ("Korean", "韓国語")."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def _similar(a, b):
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.75


def _reason(join_request, email, name):
    if email and email.lower() == join_request.email.lower():
        return _("same email")
    if _similar(join_request.name, name):
        return _("similar name")
    return _("same domain")


@admin.register(JoinRequest)
class JoinRequestAdmin(PersonalDataAdminMixin, HistoryAdmin):
    list_display = [
        "name",
        "kind",
        "country",
        "email",
        "status",
        "submitted_at",
        "verified_at",
        "decided_by",
    ]
    list_filter = [ReviewStatusFilter, "kind", ("country", CountryFilter)]
    list_select_related = ["decided_by"]
    search_fields = ["name", "local_name", "email", "display_name"]
    # No second, unfiltered count and no date drill-down: the queue stays within ten queries.
    show_full_result_count = False
    actions = ["approve", "reject", *PERSONAL_DATA_ACTIONS]
    readonly_fields = [
        "kind",
        "status",
        "language",
        "likely_duplicates",
        "logo_preview",
        "accepted_objectives",
        "consented_at",
        "consent_visibility",
        "consent_text",
        "submitted_at",
        "verified_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
        "organization",
        "supporter",
        "personal_data_erased_at",
    ]
    fieldsets = [
        (None, {"fields": ["kind", "status", "likely_duplicates"]}),
        (
            _("Applicant"),
            {
                "fields": [
                    "name",
                    "local_name",
                    "display_name",
                    "affiliation",
                    "country",
                    "organization_kind",
                    "website",
                    "description",
                    "logo_preview",
                    "support_statement",
                    "accepted_objectives",
                ]
            },
        ),
        # Given by the applicant on the confirmation page; staff read it, never write it.
        (_("Consent"), {"fields": ["consented_at", "consent_visibility", "consent_text"]}),
        (_("Contact (private)"), {"fields": ["contact_name", "contact_role", "email", "phone"]}),
        (
            _("Progress"),
            {
                "fields": [
                    "language",
                    "submitted_at",
                    "verified_at",
                    "decided_at",
                    "decided_by",
                    "rejection_reason",
                    "organization",
                    "supporter",
                    "personal_data_erased_at",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return False  # requests come from the public form

    # -- the decision, from the request's own page ------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/reject/",
                view(self.reject_view),
                name="members_joinrequest_reject",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_decide": bool(
                obj is not None
                and obj.status == JoinRequest.Status.PENDING
                and self.has_change_permission(request, obj)
            ),
            "applicant_language": _language_name(obj.language) if obj else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _request_to_decide(self, request, object_id):
        join_request = self.get_object(request, unquote(object_id))
        if join_request is None:
            raise Http404
        if not self.has_change_permission(request, join_request):
            raise PermissionDenied
        return join_request

    def _already_decided(self, request, join_request):
        """A second press of the button (or a decision taken meanwhile): nothing is done again,
        and no second mail is sent."""
        join_request.refresh_from_db()
        self.message_user(
            request,
            gettext("This request was already decided: %(status)s. Nothing was changed.")
            % {"status": join_request.get_status_display()},
            messages.WARNING,
        )
        return redirect(reverse("admin:members_joinrequest_change", args=[join_request.pk]))

    def response_change(self, request, obj):
        """The Approve and Reject buttons submit the request's own form, so that a correction
        typed into it (a misspelt name) is saved first, and kept if the form has an error."""
        if "_approve" in request.POST:
            return self._approve(request, obj)
        if "_reject" in request.POST:
            return redirect(reverse("admin:members_joinrequest_reject", args=[obj.pk]))
        return super().response_change(request, obj)

    def _approve(self, request, join_request):
        """The member is created from the request and welcomed by mail, once."""
        try:
            member = services.join_request_approve(join_request=join_request, reviewer=request.user)
        except services.DecisionError:
            return self._already_decided(request, join_request)
        self.log_change(request, member, "Created from an approved request to join")
        opts = member._meta
        self.message_user(
            request,
            format_html(
                gettext("{name} is approved and welcomed by email. {link}"),
                name=join_request.name,
                link=format_html(
                    '<a href="{}">{}</a>',
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[member.pk]),
                    gettext("Open the new member"),
                ),
            ),
            messages.SUCCESS,
        )
        return redirect(reverse("admin:members_joinrequest_changelist"))

    def reject_view(self, request, object_id):
        """A reason (required) and whether to email it (yes by default), then the rejection."""
        join_request = self._request_to_decide(request, object_id)
        if join_request.status != JoinRequest.Status.PENDING:
            return self._already_decided(request, join_request)
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.join_request_reject(
                    join_request=join_request,
                    reviewer=request.user,
                    reason=form.cleaned_data["reason"],
                    notify=form.cleaned_data["notify"],
                )
            except services.DecisionError:
                return self._already_decided(request, join_request)
            if form.cleaned_data["notify"]:
                message = gettext("%(name)s is rejected; the reason is emailed to them.")
            else:
                message = gettext("%(name)s is rejected; no email was sent.")
            self.message_user(request, message % {"name": join_request.name}, messages.SUCCESS)
            return redirect(reverse("admin:members_joinrequest_changelist"))
        return TemplateResponse(
            request,
            "admin/members/joinrequest/reject_one.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": join_request,
                "title": gettext("Reject the request of %(name)s") % {"name": join_request.name},
                "form": form,
                "applicant_language": _language_name(join_request.language),
            },
        )

    @admin.display(description=_("likely duplicates"))
    def likely_duplicates(self, obj):
        rows = likely_duplicates(obj)
        if not rows:
            return _("None found")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{}: <a href="{}">{}</a> ({})</li>',
                ((kind, url, label, why) for kind, label, why, url in rows),
            ),
        )

    @admin.display(description=_("logo"))
    def logo_preview(self, obj):
        if not obj.logo:
            return "—"
        return format_html('<img class="admin-logo-preview" src="{}" alt="">', obj.logo.url)

    @admin.action(description=_("Approve the selected requests"), permissions=["change"])
    def approve(self, request, queryset):
        approved = skipped = 0
        for join_request in queryset:
            try:
                member = services.join_request_approve(
                    join_request=join_request, reviewer=request.user
                )
            except services.DecisionError:
                skipped += 1
                continue
            approved += 1
            self.log_change(request, member, "Created from an approved request to join")
        if approved:
            self.message_user(
                request,
                ngettext(
                    "%(n)d request approved; the member was created and welcomed by email.",
                    "%(n)d requests approved; the members were created and welcomed by email.",
                    approved,
                )
                % {"n": approved},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d request was skipped: only requests awaiting review can be decided.",
                    "%(n)d requests were skipped: only requests awaiting review can be decided.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Reject the selected requests…"), permissions=["change"])
    def reject(self, request, queryset):
        pending = queryset.filter(status=JoinRequest.Status.PENDING)
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                count = 0
                for join_request in pending:
                    services.join_request_reject(
                        join_request=join_request,
                        reviewer=request.user,
                        reason=form.cleaned_data["reason"],
                        notify=form.cleaned_data["notify"],
                    )
                    count += 1
                self.message_user(
                    request,
                    ngettext("%(n)d request rejected.", "%(n)d requests rejected.", count)
                    % {"n": count},
                    messages.SUCCESS,
                )
                return None
        else:
            form = RejectForm()
        if not pending.exists():
            self.message_user(
                request, _("Only requests awaiting review can be rejected."), messages.WARNING
            )
            return None
        return TemplateResponse(
            request,
            "admin/members/joinrequest/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject requests to join"),
                "form": form,
                "requests": pending,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
