"""The invitation link's page, and a staff member's own sign-in history (icnk/staff.py)."""

import functools

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordMixin
from django.contrib.auth.models import User
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from icnk import staff
from icnk.models import StaffInvitation
from icnk.staff_admin import sign_in_history_response


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("As your colleagues know you; shown beside the changes you make."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password again")
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        # Checked against the account as it will be: its address, username and name.
        email = self.invitation.email
        future = User(username=email, email=email, first_name=cleaned.get("name", ""))
        self.validate_password_for_user(future)
        return cleaned


def _invalid(request, invitation, status):
    """A link that cannot be used, saying why, and nothing about any account."""
    state = invitation.state if invitation is not None else None
    if state == StaffInvitation.State.PENDING and not staff.inviter_may_invite(invitation):
        # Its administrator was deactivated or lost the role: withdrawn with them.
        state = StaffInvitation.State.REVOKED
    return render(
        request,
        "admin/staff/invitation_invalid.html",
        {"state": state, "title": _("This invitation cannot be used")},
        status=status,
    )


def _noindex(view):
    """A page behind a one-time link in a mail is never indexed (as the sign-on and join
    confirmation pages); robots.txt cannot say so without naming the admin's path."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


@_noindex
@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    invitation = staff.invitation_for_token(token)
    if invitation is None:
        return _invalid(request, None, 404)
    # The page speaks the language the administrator chose for this person.
    with translation.override(invitation.language):
        if not invitation.is_pending or not staff.inviter_may_invite(invitation):
            return _invalid(request, invitation, 410)
        form = AcceptInvitationForm(request.POST or None, invitation=invitation)
        if request.method == "POST" and form.is_valid():
            user = staff.staff_invitation_accept(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
            if user is None:  # taken, revoked or expired while the form was open
                invitation.refresh_from_db()
                return _invalid(request, invitation, 410)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # The admin goes on in this language; two-factor set-up comes before anything else.
            response = redirect(f"{reverse('two-factor')}?next={reverse('admin:index')}")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                invitation.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
            return response
        inviter = invitation.invited_by
        return render(
            request,
            "admin/staff/invitation_accept.html",
            {
                "form": form,
                "invitation": invitation,
                "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
                "title": _("Join the secretariat"),
            },
            status=400 if request.method == "POST" else 200,
        )


@never_cache
def my_sign_ins(request):
    return sign_in_history_response(request, request.user)


my_sign_ins = admin.site.admin_view(my_sign_ins)
