"""Staff accounts by invitation, and each person's own sign-in history.

An administrator invites an address with a role; the mail (through the outbox) carries a signed,
single-use link that expires after STAFF_INVITATION_DAYS. The link names no address: it holds a
random token whose SHA-256 is all the database keeps. Opening it shows who invited whom to do
what; posting a name and a password creates the account in the role's group and signs the
person in, and the two-factor middleware then walks them through setting up an authenticator
before any other admin page (icnk/security.py).

The sign-in history reads what django-axes records: AccessLog for each password accepted and
AccessFailureLog for each refused (AXES_ENABLE_ACCESS_FAILURE_LOG), plus the two-factor codes
refused, which icnk/security.py adds to AccessFailureLog with the two-factor page as its path.
"""

import datetime
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icnk.mail import queue_mail
from icnk.models import SiteSettings, StaffInvitation
from icnk.roles import ADMINISTRATORS, EDITORS
from icnk.site_url import absolute_url

logger = logging.getLogger("icnk.security")

TOKEN_SALT = "icnk.staff.invitation"
GROUPS = {
    StaffInvitation.Role.EDITOR: EDITORS,
    StaffInvitation.Role.ADMINISTRATOR: ADMINISTRATORS,
}


class InvitationError(Exception):
    """An invitation step that cannot be taken; the message says why, for the admin."""


# ---------------------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------------------


def _hash(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token():
    """(the link's token, the hash to store). Signed, so a mangled link fails before any query."""
    raw = secrets.token_urlsafe(32)
    return signing.Signer(salt=TOKEN_SALT).sign(raw), _hash(raw)


def invitation_for_token(token):
    """The invitation a link's token names, or None for a mangled, replaced or unknown link."""
    try:
        raw = signing.Signer(salt=TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return (
        StaffInvitation.objects.select_related("invited_by").filter(token_hash=_hash(raw)).first()
    )


def inviter_may_invite(invitation):
    """True while whoever sent the invitation last is still an active administrator.

    An administrator who is deactivated or loses the role (they left, or their account was
    taken over) keeps no way back in through invitations nobody has accepted yet; another
    administrator who sends one again vouches for it (`staff_invitation_resend`).
    """
    inviter = invitation.invited_by
    return (
        inviter is not None
        and inviter.is_active
        and inviter.is_staff
        and (inviter.is_superuser or inviter.groups.filter(name=ADMINISTRATORS).exists())
    )


def existing_account(email):
    """A user whose address or username is this address, whatever its state."""
    return User.objects.filter(Q(email__mailbox=email) | Q(username__mailbox=email))


# ---------------------------------------------------------------------------------------------
# Inviting, resending, revoking
# ---------------------------------------------------------------------------------------------


def sent_today(user):
    """Invitation mails this administrator sent in the last 24 hours (first sends and resends)."""
    since = timezone.now() - datetime.timedelta(days=1)
    return StaffInvitation.history.filter(
        history_user=user, history_date__gte=since, history_change_reason="sent"
    ).count()


def check_quota(user):
    if sent_today(user) >= settings.STAFF_INVITATIONS_PER_DAY:
        raise InvitationError(
            _(
                "You have sent %(count)s invitations in the last 24 hours, the most allowed. "
                "Try again tomorrow, or ask another administrator."
            )
            % {"count": settings.STAFF_INVITATIONS_PER_DAY}
        )


def _send(invitation, token):
    from django.utils import translation

    with translation.override(invitation.language):
        link = absolute_url(reverse("staff-invitation", kwargs={"token": token}))
    inviter = invitation.invited_by
    queue_mail(
        to=invitation.email,
        template_prefix="icnk/email/staff_invitation",
        context={
            "link": link,
            "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
            "role": invitation.get_role_display,
            "expires_at": invitation.expires_at,
            "days": settings.STAFF_INVITATION_DAYS,
            "site": SiteSettings.load(),
        },
        language=invitation.language,
    )


def _save_with_reason(invitation, user, reason):
    invitation._change_reason = reason
    invitation._history_user = user
    invitation.save()


@transaction.atomic
def staff_invitation_create(*, invitation, invited_by):
    """Store a new invitation (its email, role and language filled in) and queue its mail.

    Refuses an address that already has an account, and an administrator past the day's quota.
    """
    check_quota(invited_by)
    invitation.email = invitation.email.strip().lower()
    if existing_account(invitation.email).exists():
        raise InvitationError(_("This address already has an account."))
    token, invitation.token_hash = _new_token()
    now = timezone.now()
    invitation.invited_by = invited_by
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=settings.STAFF_INVITATION_DAYS)
    _save_with_reason(invitation, invited_by, "sent")
    _send(invitation, token)
    logger.info("staff invitation %s sent by user=%s", invitation.pk, invited_by.pk)
    return invitation


@transaction.atomic
def staff_invitation_resend(*, invitation, by):
    """A new link and a new expiry; the link sent before stops working."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state in (StaffInvitation.State.ACCEPTED, StaffInvitation.State.REVOKED):
        raise InvitationError(_("Only a pending or expired invitation can be sent again."))
    check_quota(by)
    invitation.invited_by = by  # who vouches for the new link
    token, invitation.token_hash = _new_token()
    now = timezone.now()
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=settings.STAFF_INVITATION_DAYS)
    invitation.send_count += 1
    _save_with_reason(invitation, by, "sent")
    _send(invitation, token)
    _log(by, invitation, CHANGE, gettext("Sent again; the link sent before no longer works."))
    logger.info("staff invitation %s sent again by user=%s", invitation.pk, by.pk)
    return invitation


@transaction.atomic
def staff_invitation_revoke(*, invitation, by):
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state == StaffInvitation.State.ACCEPTED:
        raise InvitationError(
            _("This invitation was accepted: deactivate the account on its page instead.")
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        _save_with_reason(invitation, by, "revoked")
        _log(by, invitation, CHANGE, gettext("Revoked; its link no longer works."))
        logger.info("staff invitation %s revoked by user=%s", invitation.pk, by.pk)
    return invitation


@transaction.atomic
def staff_invitation_accept(*, invitation, name, password):
    """Create the staff account in the invitation's role. Returns the user, or None when the
    invitation can no longer be used (accepted, revoked or expired meanwhile, its inviter no
    longer an active administrator, or the address has an account by now)."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if (
        not invitation.is_pending
        or not inviter_may_invite(invitation)
        or existing_account(invitation.email).exists()
    ):
        return None
    user = User(
        username=invitation.email,
        email=invitation.email,
        first_name=name.strip()[:150],
        is_staff=True,
    )
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=GROUPS[invitation.role]))
    invitation.accepted_at = timezone.now()
    invitation.user = user
    _save_with_reason(invitation, user, "accepted")
    inviter = invitation.invited_by
    _log(
        user,
        user,
        ADDITION,
        gettext("Created from an invitation by %(inviter)s, as %(role)s.")
        % {
            "inviter": inviter.get_username() if inviter else "—",
            "role": invitation.get_role_display(),
        },
    )
    logger.info("staff invitation %s accepted: new user=%s", invitation.pk, user.pk)
    return user


def _log(user, obj, flag, message):
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[obj], action_flag=flag, change_message=message,
        single_object=True,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Sign-in history
# ---------------------------------------------------------------------------------------------


@dataclass
class SignIn:
    time: datetime.datetime
    outcome: str
    succeeded: bool
    ip_address: str
    browser: str
    user_agent: str
    signed_out: datetime.datetime | None = None


OUTCOMES = {
    "signed_in": _("Signed in"),
    "wrong_password": _("Wrong password"),
    "locked_out": _("Wrong password; locked out"),
    "wrong_code": _("Wrong two-factor code"),
}


def sign_in_history(user, *, limit=100):
    """The account's most recent sign-ins and failed attempts, newest first: two queries."""
    from axes.models import AccessFailureLog, AccessLog

    username = user.get_username()
    two_factor_path = reverse("two-factor")
    events = [
        SignIn(
            time=row.attempt_time,
            outcome=OUTCOMES["signed_in"],
            succeeded=True,
            ip_address=row.ip_address or "",
            browser=browser_summary(row.user_agent),
            user_agent=row.user_agent,
            signed_out=row.logout_time,
        )
        for row in AccessLog.objects.filter(username=username).order_by("-attempt_time")[:limit]
    ]
    for row in AccessFailureLog.objects.filter(username=username).order_by("-attempt_time")[:limit]:
        if row.path_info == two_factor_path:
            outcome = OUTCOMES["wrong_code"]
        else:
            outcome = OUTCOMES["locked_out" if row.locked_out else "wrong_password"]
        events.append(
            SignIn(
                time=row.attempt_time,
                outcome=outcome,
                succeeded=False,
                ip_address=row.ip_address or "",
                browser=browser_summary(row.user_agent),
                user_agent=row.user_agent,
            )
        )
    events.sort(key=lambda event: event.time, reverse=True)
    return events[:limit]


# Browser and system, most specific first (Edge and Opera also say "Chrome"; Chrome also says
# "Safari"). Enough to tell "my laptop" from "someone else's"; the full string is kept beside it.
_BROWSERS = [
    ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
    ("Opera", r"OPR/(\d+)"),
    ("Samsung Internet", r"SamsungBrowser/(\d+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
    ("Safari", r"Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/"),
]
_SYSTEMS = [
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux"),
]


def browser_summary(user_agent):
    """ "Firefox 133 on Windows" from a User-Agent header; the header itself when unknown."""
    user_agent = user_agent or ""
    browser = next(
        (
            f"{name} {match.group(1)}"
            for name, pattern in _BROWSERS
            if (match := re.search(pattern, user_agent))
        ),
        None,
    )
    system = next((name for name, pattern in _SYSTEMS if re.search(pattern, user_agent)), None)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or user_agent[:60] or "—"
