"""Staff accounts in the admin: invitations, and each account's sign-in history.

Only administrators hold the invitation permissions (icnk/roles.py), so an editor who opens any
of these pages gets 403. An invitation is a record: it is never edited or deleted, only sent
again (with a new link) or revoked.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from icnk import staff
from icnk.audit import HistoryAdmin
from icnk.models import StaffInvitation
from icnk.security import is_administrator


class InvitationForm(forms.ModelForm):
    class Meta:
        model = StaffInvitation
        fields = ["email", "role", "language"]
        help_texts = {
            "email": _(
                "The invitation link goes to this address, which becomes the person's username."
            )
        }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        account = staff.existing_account(email).first()
        if account is not None:
            if account.is_staff:
                message = _("This address already has a staff account.")
            else:
                message = _("This address already has an account (not a staff one).")
            raise forms.ValidationError(message, code="account_exists")
        pending = StaffInvitation.objects.filter(
            email__mailbox=email,
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
        )
        if pending.exists():
            raise forms.ValidationError(
                _("An invitation to this address is waiting to be accepted: send that one again."),
                code="pending",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if self.request is not None:
            try:
                staff.check_quota(self.request.user)
            except staff.InvitationError as error:
                raise forms.ValidationError(str(error), code="quota") from error
        return cleaned


class StateFilter(admin.SimpleListFilter):
    """Pending invitations first: the ones an administrator may need to chase or revoke."""

    title = _("invitation state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return StaffInvitation.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        open_ = Q(accepted_at=None, revoked_at=None)
        filters = {
            StaffInvitation.State.PENDING: open_ & Q(expires_at__gt=now),
            StaffInvitation.State.EXPIRED: open_ & Q(expires_at__lte=now),
            StaffInvitation.State.ACCEPTED: Q(accepted_at__isnull=False),
            StaffInvitation.State.REVOKED: Q(accepted_at=None, revoked_at__isnull=False),
        }
        value = self.value()
        return queryset.filter(filters[value]) if value in filters else queryset


@admin.register(StaffInvitation)
class StaffInvitationAdmin(HistoryAdmin):
    form = InvitationForm
    list_display = ["email", "role", "state_display", "invited_by", "sent_at", "expires_at"]
    list_filter = [StateFilter, "role"]
    list_select_related = ["invited_by"]
    search_fields = ["email"]
    actions = ["resend_selected", "revoke_selected"]
    readonly_fields = [
        "email",
        "role",
        "language",
        "state_display",
        "invited_by",
        "created_at",
        "sent_at",
        "send_count",
        "expires_at",
        "accepted_at",
        "account",
        "revoked_at",
    ]

    @admin.display(description=_("invitation state"))
    def state_display(self, obj):
        return obj.state.label

    @admin.display(description=_("account"))
    def account(self, obj):
        if obj.user_id is None:
            return "—"
        url = reverse("admin:auth_user_change", args=[obj.user_id])
        return format_html('<a href="{}">{}</a>', url, obj.user)

    # -- what may be done: invite, resend, revoke; never edit or delete a record --------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return RequestForm

    def get_fields(self, request, obj=None):
        return InvitationForm.Meta.fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_invite_permission(self, request):
        # Only the administrators' group holds it (icnk/roles.py).
        return self.has_add_permission(request)

    def save_model(self, request, obj, form, change):
        # The form has already refused known addresses and a used-up quota; a race between two
        # administrators ends as the database's unique constraint or a clear error.
        staff.staff_invitation_create(invitation=obj, invited_by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            gettext("Invitation sent to %(email)s. The link works for %(days)s days.")
            % {"email": obj.email, "days": settings.STAFF_INVITATION_DAYS},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:icnk_staffinvitation_changelist"))

    # -- resend and revoke, from the invitation's page and as actions --------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/resend/",
                view(require_POST(self.resend_view)),
                name="icnk_staffinvitation_resend",
            ),
            path(
                "<path:object_id>/revoke/",
                view(require_POST(self.revoke_view)),
                name="icnk_staffinvitation_revoke",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_invite": self.has_invite_permission(request),
            "can_resend": obj is not None
            and obj.state in (StaffInvitation.State.PENDING, StaffInvitation.State.EXPIRED),
            "can_revoke": obj is not None and obj.state == StaffInvitation.State.PENDING,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _invitation(self, request, object_id):
        if not self.has_invite_permission(request):
            raise PermissionDenied
        invitation = self.get_object(request, unquote(object_id))
        if invitation is None:
            raise Http404
        return invitation

    def _apply(self, request, invitations, step, done_message):
        done = 0
        for invitation in invitations:
            try:
                step(invitation=invitation, by=request.user)
                done += 1
            except staff.InvitationError as error:
                self.message_user(request, f"{invitation.email}: {error}", messages.ERROR)
                break  # a quota reached stops the rest too; the message says why
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    def resend_view(self, request, object_id):
        invitation = self._invitation(request, object_id)
        self._apply(
            request,
            [invitation],
            staff.staff_invitation_resend,
            lambda n: (
                gettext("Invitation sent again to %(email)s; the earlier link no longer works.")
                % {"email": invitation.email}
            ),
        )
        return redirect(reverse("admin:icnk_staffinvitation_change", args=[invitation.pk]))

    def revoke_view(self, request, object_id):
        invitation = self._invitation(request, object_id)
        self._apply(
            request,
            [invitation],
            staff.staff_invitation_revoke,
            lambda n: (
                gettext("Invitation to %(email)s revoked; its link no longer works.")
                % {"email": invitation.email}
            ),
        )
        return redirect(reverse("admin:icnk_staffinvitation_change", args=[invitation.pk]))

    @admin.action(description=_("Send the selected invitations again"), permissions=["invite"])
    def resend_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            staff.staff_invitation_resend,
            lambda n: (
                ngettext("%(count)d invitation sent again.", "%(count)d invitations sent again.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Revoke the selected invitations"), permissions=["invite"])
    def revoke_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            staff.staff_invitation_revoke,
            lambda n: (
                ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", n)
                % {"count": n}
            ),
        )


# ---------------------------------------------------------------------------------------------
# Users: an "Invite staff" button, and each person's sign-in history from their page
# ---------------------------------------------------------------------------------------------

admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = ["deactivate_selected"]

    @admin.action(description=_("Deactivate the selected accounts"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        """Each account is saved on its own, so that its sessions end (icnk/apps.py)."""
        done = 0
        for person in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            person.is_active = False
            person.save(update_fields=["is_active"])
            self.log_change(request, person, [{"changed": {"fields": ["Active"]}}])
            done += 1
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(
                request, gettext("You cannot deactivate your own account."), messages.WARNING
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d account deactivated and signed out everywhere.",
                "%(count)d accounts deactivated and signed out everywhere.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/sign-ins/",
                self.admin_site.admin_view(self.sign_ins_view),
                name="auth_user_sign_ins",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_invite": request.user.has_perm("icnk.add_staffinvitation"),
        }
        return super().changelist_view(request, extra_context)

    def sign_ins_view(self, request, object_id):
        # Whose sign-ins are whose business: only administrators see someone else's.
        if not (self.has_change_permission(request) and is_administrator(request.user)):
            raise PermissionDenied
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404
        return sign_in_history_response(request, person, admin_site=self.admin_site)


def sign_in_history_response(request, person, *, admin_site=admin.site):
    own = person.pk == request.user.pk
    name = person.get_full_name() or person.get_username()
    return TemplateResponse(
        request,
        "admin/staff/sign_in_history.html",
        {
            **admin_site.each_context(request),
            "title": gettext("Your sign-in history")
            if own
            else gettext("Sign-in history of %(name)s") % {"name": name},
            "person": person,
            "own": own,
            "events": staff.sign_in_history(person),
            "time_zone": timezone.get_current_timezone_name(),
            "opts": User._meta,
        },
    )
