"""The secretariat's hand on a membership: Renew, Lapse or Reinstate, with a reason, from the
member's own page (members/renewal.py does the change; it is logged with the reason)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members import renewal


class MembershipActionForm(forms.Form):
    ACTIONS = {
        "renew": _("Renew: add one period"),
        "lapse": _("Lapse: end the membership now"),
        "reinstate": _("Reinstate: undo a lapse"),
    }

    action = forms.ChoiceField(label=_("what to do"), choices=list(ACTIONS.items()))
    reason = forms.CharField(
        label=_("reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the member's history and the action log."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why."), code="required")
        return reason


class MembershipAdminMixin:
    """Adds /<id>/membership/ and the membership state to an organization's or a supporter's
    admin page."""

    @admin.display(description=_("membership state today"))
    def membership_state_shown(self, member):
        if member.pk is None:
            return ""
        state = renewal.membership_state(member)
        end = renewal.period_end(member)
        return gettext("%(state)s (period ends %(end)s)") % {
            "state": renewal.State.labels[state],
            "end": date_format(end),
        }

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/membership/",
                self.admin_site.admin_view(self.membership_view),
                name=f"{info[0]}_{info[1]}_membership",
            ),
            *super().get_urls(),
        ]

    def membership_view(self, request, object_id):
        member = self.get_object(request, unquote(object_id))
        if member is None:
            raise Http404
        if not self.has_change_permission(request, member):
            raise PermissionDenied
        form = MembershipActionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
            if action == "renew":
                end = renewal.membership_renew(member=member, user=request.user, reason=reason)
                done = gettext("Renewed until %(date)s.") % {"date": date_format(end)}
            elif action == "lapse":
                done = renewal.membership_lapse(member=member, user=request.user, reason=reason)
                done = gettext("The membership has lapsed.") if done else ""
            else:
                done = renewal.membership_reinstate(member=member, user=request.user, reason=reason)
                done = gettext("The membership is reinstated.") if done else ""
            if done:
                self.message_user(request, done, messages.SUCCESS)
                info = self.opts.app_label, self.opts.model_name
                return redirect(reverse(f"admin:{info[0]}_{info[1]}_change", args=[member.pk]))
            form.add_error(
                "action",
                gettext("Only an active member can lapse, and only a lapsed one be reinstated."),
            )
        return TemplateResponse(
            request,
            "admin/members/membership.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": member,
                "title": gettext("Membership of %(name)s") % {"name": member},
                "state": self.membership_state_shown(member),
                "form": form,
            },
        )
