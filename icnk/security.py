"""Staff sign-in: two-factor authentication, session timeouts, and a record of what happened.

- Every staff account, editors included, confirms every sign-in with a TOTP code (or a
  single-use recovery code) before any admin page (ASVS 6.3.3): an editor can un-hide people.
  The need is read from the account on every request, never remembered in the session.
- Only the sign-in, sign-out and two-factor pages are open before that, named exactly.
- Five failed sign-ins lock an account from that client address (django-axes); an address
  that fails across accounts is stopped after SIGN_IN_ADDRESS_FAILURE_LIMIT failures.
- A staff session ends after STAFF_IDLE_TIMEOUT without a request and STAFF_ABSOLUTE_TIMEOUT
  after sign-in, whatever the activity.
- Sign-ins, failed sign-ins and refused admin pages are logged without passwords or tokens.
"""

import base64
import io
import logging
import re
import time

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from icnk.net import client_ip
from icnk.roles import ADMINISTRATORS

logger = logging.getLogger("icnk.security")

SESSION_AUTH_AT = "staff_auth_at"
SESSION_SEEN_AT = "staff_seen_at"
RECOVERY_CODES = 10
# Admin pages a staff member may open before the second factor, by URL name.
# The invitation page is for someone who has no account yet: a staff member who opens one in a
# signed-in browser is not asked for a code first.
TWO_FACTOR_EXEMPT_URL_NAMES = frozenset(
    {"two-factor", "admin:login", "admin:logout", "staff-invitation"}
)


def is_administrator(user):
    return user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()


def needs_two_factor(user):
    """Every staff account: editors can un-hide people and change the coalition's details."""
    return user.is_staff


def totp_issuer(device=None):
    from icnk.models import SiteSettings

    site = SiteSettings.load()
    return (site.short_name or site.name_en or "Coalition").replace(":", "")


def new_recovery_codes(user):
    """Replace the user's recovery codes with fresh single-use ones and return them."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


def qr_data_url(text):
    """The QR code as a data: URL for an <img>, which the Content-Security-Policy allows."""
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


# Words of the coalition's name too common in English to refuse on their own.
_FUNCTION_WORDS = {"about", "against", "among", "between", "their", "there", "through", "under"}


def _letters(text):
    return re.sub(r"[\W_]+", "", text.casefold())


class CoalitionWordsValidator:
    """Refuses passwords that contain the coalition's name, acronym or cause words.

    They are the first guesses of anyone attacking this coalition. The words come from the site
    settings (the acronym, each full name, and the English name's words of five letters or
    more) and from PASSWORD_FORBIDDEN_WORDS; case, spaces and punctuation are ignored.
    """

    def __init__(self, words=()):
        self.words = list(words)

    def forbidden(self):
        from icnk.models import SiteSettings

        site = SiteSettings.load()
        words = [site.short_name, site.name_en, site.name_ko, site.name_ja, *self.words]
        words += [
            word
            for word in re.findall(r"\w+", site.name_en)
            if len(word) >= 5 and word.casefold() not in _FUNCTION_WORDS
        ]
        return sorted({_letters(word) for word in words if len(_letters(word or "")) >= 3})

    def validate(self, password, user=None):
        letters = _letters(password)
        for word in self.forbidden():
            if word in letters:
                raise ValidationError(
                    _(
                        "This password contains “%(word)s”: passwords may not contain the "
                        "coalition's name, acronym or cause, which an attacker tries first."
                    ),
                    code="password_coalition_word",
                    params={"word": word},
                )

    def get_help_text(self):
        return _("Your password can't contain the coalition's name, acronym or cause.")


def address_failures(ip):
    """Failed sign-ins from one client address across every account, within the cool-off."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
            failures=Sum("failures_since_start")
        )["failures"]
        or 0
    )


def address_lockout_response(request):
    """The lockout page for an address that failed too often across accounts, or None.

    django-axes locks an account only from the address that failed (so an attacker cannot lock
    the secretariat out); this stops one address from guessing across many accounts.
    """
    ip = client_ip(request)
    if address_failures(ip) < settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
        return None
    logger.warning("sign-in refused: too many failures across accounts from ip=%s", ip)
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        status=429,
    )


# ---------------------------------------------------------------------------------------------
# Middleware
# ---------------------------------------------------------------------------------------------


class StaffSessionMiddleware:
    """Timeouts for staff sessions, and two-factor before any admin page for those who need it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        if request.method == "POST" and self._url_name(request) == "admin:login":
            refused = address_lockout_response(request)
            if refused is not None:
                return refused
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            response = self._check(request, user)
            if response is not None:
                return response
        response = self.get_response(request)
        if response.status_code == 403 and request.path.startswith(self.admin_prefix):
            logger.warning(
                "permission refused: user=%s path=%s ip=%s",
                getattr(user, "pk", None),
                request.path,
                client_ip(request),
            )
        return response

    def _check(self, request, user):
        now = int(time.time())
        session = request.session
        auth_at = session.get(SESSION_AUTH_AT) or now
        seen_at = session.get(SESSION_SEEN_AT) or now
        if (
            now - seen_at > settings.STAFF_IDLE_TIMEOUT
            or now - auth_at > settings.STAFF_ABSOLUTE_TIMEOUT
        ):
            logger.info("staff session expired: user=%s", user.pk)
            logout(request)
            messages.info(request, _("Your session has expired. Please sign in again."))
            return redirect(f"{reverse('admin:login')}?next={request.path}")
        session.setdefault(SESSION_AUTH_AT, auth_at)
        if now - seen_at > 30 or SESSION_SEEN_AT not in session:
            session[SESSION_SEEN_AT] = now  # written at most twice a minute
        if (
            request.path.startswith(self.admin_prefix)
            and needs_two_factor(user)
            and not request.user.is_verified()
            and self._url_name(request) not in TWO_FACTOR_EXEMPT_URL_NAMES
        ):
            return redirect(f"{reverse('two-factor')}?next={request.get_full_path()}")
        return None

    def _url_name(self, request):
        """The URL name the path resolves to ("admin:login"), or None; a path is not a name."""
        if not request.path.startswith(self.admin_prefix):
            return None
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return None


# ---------------------------------------------------------------------------------------------
# Two-factor page
# ---------------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("admin:index")
    return target


@never_cache
@login_required(login_url="admin:login")
def two_factor(request):
    """Confirm a sign-in with a code, or set up an authenticator the first time."""
    user = request.user
    if not user.is_staff:
        return redirect("home")
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = CodeForm(request.POST or None)
    if confirmed is not None:
        if request.method == "POST" and form.is_valid():
            device = django_otp.match_token(user, form.cleaned_data["code"].replace(" ", ""))
            if device is not None:
                django_otp.login(request, device)
                logger.info(
                    "two-factor verified: user=%s device=%s", user.pk, type(device).__name__
                )
                return redirect(_next(request))
            logger.warning("two-factor code refused: user=%s ip=%s", user.pk, client_ip(request))
            _record_refused_code(request, user)
            form.add_error("code", _("That code is not valid, or has already been used."))
        return render(
            request,
            "admin/two_factor_verify.html",
            {"form": form, "next": _next(request), "title": _("Two-factor authentication")},
        )

    # First time: a new secret, shown as a QR code and an otpauth:// link, confirmed by a code.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            device.confirmed = True
            device.save()
            codes = new_recovery_codes(user)
            django_otp.login(request, device)
            logger.info("two-factor set up: user=%s", user.pk)
            return render(
                request,
                "admin/two_factor_codes.html",
                {"codes": codes, "next": _next(request), "title": _("Your recovery codes")},
            )
        form.add_error("code", _("That code does not match. Check the time on your phone."))
    return render(
        request,
        "admin/two_factor_setup.html",
        {
            "form": form,
            "next": _next(request),
            "otpauth_url": device.config_url,
            "qr_url": qr_data_url(device.config_url),
            "secret": _b32(device),
            "title": _("Set up two-factor authentication"),
        },
    )


def _record_refused_code(request, user):
    """A refused code is a failed sign-in in the person's history (icnk/staff.py): someone who
    has their password typed it. django-otp's own throttling slows the guessing itself."""
    from axes.models import AccessFailureLog

    AccessFailureLog.objects.create(
        username=user.get_username(),
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:255],
        http_accept=request.headers.get("Accept", "")[:1025],
        path_info=request.path_info[:255],
    )


def _b32(device):
    return base64.b32encode(device.bin_key).decode()


# ---------------------------------------------------------------------------------------------
# Sessions and the sign-in record
# ---------------------------------------------------------------------------------------------


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_AUTH_AT] = now
        request.session[SESSION_SEEN_AT] = now
    logger.info("sign-in: user=%s ip=%s", user.pk, client_ip(request) if request else "-")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    logger.info("sign-out: user=%s", getattr(user, "pk", None))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password with asterisks; only the username is logged.
    logger.warning(
        "failed sign-in: username=%r ip=%s",
        (credentials or {}).get("username", "")[:150],
        client_ip(request) if request is not None else "-",
    )


def end_sessions_of(user):
    """Delete every stored session of this user (when an account is deactivated)."""
    ended = 0
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    if ended:
        logger.info("ended %s session(s) of deactivated user=%s", ended, user.pk)
    return ended
