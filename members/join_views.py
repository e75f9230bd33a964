"""/<lang>/join/: ask to join, confirm the email address, learn what happens next."""

import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from icnk.i18n import current_language
from icnk.net import client_ip
from members import services
from members.join_forms import (
    CONSENT_INTRO_INDIVIDUAL,
    CONSENT_INTRO_ORGANIZATION,
    FORMS,
    HONEYPOT_FIELD,
    ORGANIZATION_PUBLIC_FIELDS,
    ConsentForm,
    ResendForm,
    consent_wording,
)
from members.models import JoinRequest

logger = logging.getLogger(__name__)

# The "check your email" page names the address it was sent to, masked and once: the session
# (kept for hours, in the database) never holds the address itself.
SESSION_SUBMITTED = "join_sent_to"


def mask_email(email):
    """ "aiko@example.jp" -> "a•••@example.jp": enough to spot a typo, not to read it back."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


# ---------------------------------------------------------------------------------------------
# Rate limit, kept in the shared cache so every app server counts together
# ---------------------------------------------------------------------------------------------


def _rate_key(request):
    return f"join-rate:{client_ip(request)}"


def rate_limited(request):
    """True when this client address has used up its submissions for the window.

    If the cache is unreachable the limit cannot be counted, and the form stays open rather
    than turning every applicant away; the honeypot and the one-request-per-email rule still
    hold. That choice is deliberate: losing a real applicant costs more than a few bots.
    """
    try:
        return (cache.get(_rate_key(request)) or 0) >= settings.JOIN_RATE_LIMIT
    except Exception:
        logger.warning("join rate limit: cache unreachable, not enforced")
        return False


def count_submission(request):
    key = _rate_key(request)
    try:
        cache.add(key, 0, settings.JOIN_RATE_WINDOW_SECONDS)
        cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, settings.JOIN_RATE_WINDOW_SECONDS)
    except Exception:
        logger.warning("join rate limit: cache unreachable, not counted")


def too_many(request):
    minutes = settings.JOIN_RATE_WINDOW_SECONDS // 60
    response = render(
        request,
        "join/rate_limited.html",
        {"minutes": minutes, "limit": settings.JOIN_RATE_LIMIT},
        status=429,
    )
    response["Retry-After"] = str(settings.JOIN_RATE_WINDOW_SECONDS)
    return response


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


def _kind(request):
    value = request.POST.get("kind") or request.GET.get("as")
    return value if value in FORMS else JoinRequest.Kind.ORGANIZATION


@never_cache
@require_http_methods(["GET", "POST"])
def join(request):
    kind = _kind(request)
    form_class = FORMS[kind]
    if request.method == "POST":
        if rate_limited(request):
            return too_many(request)
        # Every attempt counts, valid or not: otherwise a refused form would be a free oracle
        # and a free image decoder.
        count_submission(request)
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.join_request_submit(
                    form=form,
                    kind=kind,
                    language=current_language(),
                    base_url=request.build_absolute_uri("/"),
                )
            except OSError:
                # The upload could not be written (a full or failing disk). The transaction
                # rolled back and the storage removed any partial file: nothing is half-stored.
                logger.exception("join request not stored: upload failed")
                form.add_error(
                    None,
                    _(
                        "We could not store your request just now because of a problem on our "
                        "side. Nothing has been saved. Please try again in a little while, or "
                        "send it without a logo."
                    ),
                )
                return _render_form(request, form, kind, status=503)
            request.session[SESSION_SUBMITTED] = mask_email(form.cleaned_data["email"])
            return redirect("join:sent")
    else:
        form = form_class()
    return _render_form(request, form, kind, status=400 if request.method == "POST" else 200)


def _render_form(request, form, kind, *, status):
    return render(
        request,
        "join/join_form.html",
        {
            "form": form,
            "kind": kind,
            "kinds": JoinRequest.Kind,
            "honeypot_field": form[HONEYPOT_FIELD],
            "verify_days": settings.JOIN_VERIFY_MAX_AGE_DAYS,
            "retention_days": settings.JOIN_REQUEST_RETENTION_DAYS,
        },
        status=status,
    )


@never_cache
def sent(request):
    """After submitting: check your inbox."""
    email = request.session.pop(SESSION_SUBMITTED, "")
    if email and not request.session.keys():
        # Nothing else was in this visitor's session: drop its row now rather than at expiry.
        request.session.flush()
    return render(
        request,
        "join/sent.html",
        {
            "email": email,
            "verify_days": settings.JOIN_VERIFY_MAX_AGE_DAYS,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request, token):
    """The link from the mail: a page that says what would be published; confirming is a POST.

    A GET changes nothing, so a mail scanner that opens the link confirms nothing and chooses
    nothing for the person.
    """
    try:
        join_request = services.read_token(token)
    except signing.SignatureExpired:
        return _expired(request, token)
    except signing.BadSignature:
        return render(request, "join/link_invalid.html", {"form": ResendForm()}, status=400)
    if join_request.status != JoinRequest.Status.UNVERIFIED:
        return render(request, "join/verified.html", {"join_request": join_request})

    individual = join_request.kind == JoinRequest.Kind.INDIVIDUAL
    form = ConsentForm(request.POST or None, join_request=join_request) if individual else None
    if request.method == "POST" and (form is None or form.is_valid()):
        visibility = form.cleaned_data["visibility"] if form else ""
        admin_url = request.build_absolute_uri(
            reverse("admin:members_joinrequest_change", args=[join_request.pk])
        )
        services.join_request_confirm(
            join_request=join_request,
            visibility=visibility,
            wording=consent_wording(join_request, visibility),
            admin_url=admin_url,
        )
        return redirect(request.path)
    return render(
        request,
        "join/confirm.html",
        {
            "join_request": join_request,
            "form": form,
            "intro": CONSENT_INTRO_INDIVIDUAL if individual else CONSENT_INTRO_ORGANIZATION,
            "public_fields": [] if individual else _public_fields(join_request),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _public_fields(join_request):
    """An organization's fields that would be published, as (label, value) pairs."""
    meta = JoinRequest._meta
    rows = []
    for name in ORGANIZATION_PUBLIC_FIELDS:
        label = meta.get_field(name).verbose_name
        if name == "country":
            value = join_request.country.name if join_request.country else _("International")
        elif name == "organization_kind":
            value = join_request.get_organization_kind_display()
        elif name == "logo":
            value = _("the logo you sent") if join_request.logo else ""
        else:
            value = getattr(join_request, name)
        rows.append((label, value or "—"))
    return rows


def _expired(request, token):
    """An old link: offer a new one by pressing a button (POST), sent to the same address."""
    try:
        join_request = services.read_token(token, max_age=10 * 365 * 24 * 3600)
    except signing.BadSignature:
        join_request = None
    if request.method == "POST" and join_request is not None:
        if rate_limited(request):
            return too_many(request)
        count_submission(request)
        if join_request.status == JoinRequest.Status.UNVERIFIED:
            services.send_verification(
                join_request=join_request, base_url=request.build_absolute_uri("/")
            )
        return redirect("join:sent")
    still_open = join_request is not None and join_request.status == JoinRequest.Status.UNVERIFIED
    return render(
        request,
        "join/link_expired.html",
        {"still_open": still_open, "form": ResendForm(), "days": settings.JOIN_VERIFY_MAX_AGE_DAYS},
        status=410,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def resend(request):
    """Ask for a new link by email address. The answer never says whether the address is known."""
    form = ResendForm(request.POST or None)
    if request.method == "POST":
        if rate_limited(request):
            return too_many(request)
        count_submission(request)
        if form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            pending = JoinRequest.objects.filter(
                email__mailbox=email, status=JoinRequest.Status.UNVERIFIED
            ).first()
            if pending is not None:
                services.send_verification(
                    join_request=pending, base_url=request.build_absolute_uri("/")
                )
            return redirect("join:sent")
    return render(request, "join/resend.html", {"form": form}, status=400 if form.errors else 200)
