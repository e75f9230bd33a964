"""The members' area: signing in by an emailed link, without passwords.

- `/<lang>/members/area/`: a form asking for an email address. Whatever is typed, the answer
  is the same page ("if this address belongs to a member, we have sent a link"), so the form
  cannot tell anyone who is a member. An address matches an organization's registered contact
  email or an individual supporter's email, for members that are current, in their grace
  period or lapsed; those that left, are suspended, taken down or erased get nothing.
- The link (`/<lang>/members/area/link/<token>/`) works once, for LINK_MINUTES. Only a hash of
  the token is stored. Opening it (GET) only shows a "Sign in" button: mail scanners that open
  links sign no one in. The button (POST) uses the link up and starts the area's session.
- The session is a key of the visitor's Django session (SESSION_KEY), not a user login: it
  names the member and the address digest it was sent to, and ends after IDLE_MINUTES without
  a request, on "Sign out", or as soon as the member can no longer sign in (it left, was taken
  down, or the contact address changed).

For views of the area: `member_area_required` (redirects to the sign-in page) and
`current_member(request)` (the signed-in Organization or Supporter, or None).
"""

import datetime
import functools
import hashlib
import logging
import secrets
from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect, render
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from icnk.mail import queue_mail
from icnk.models import SiteSettings
from icnk.net import client_ip
from members import renewal, self_service
from members.join_forms import ConsentForm, ResendForm, consent_wording
from members.models import (
    JoinRequest,
    MemberSignInLink,
    MemberStatus,
    Organization,
    Supporter,
    VisibilityRequest,
)

logger = logging.getLogger(__name__)

LINK_MINUTES = 30
IDLE_MINUTES = 120
SESSION_KEY = "member_area"
# Statuses that may sign in: current and grace members are "active"; lapsed ones may come back
# to see their record and renew.
MAY_SIGN_IN = [MemberStatus.ACTIVE, MemberStatus.LAPSED]
# Links mailed to one address in a day, whoever asks (no one can flood an inbox through us).
MAILS_PER_RECIPIENT = 5
MAIL_WINDOW_SECONDS = 24 * 60 * 60


def email_digest(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Who may sign in
# ---------------------------------------------------------------------------------------------


def eligible_organizations():
    return Organization.objects.filter(status__in=MAY_SIGN_IN).exclude(contact_email="")


def eligible_supporters():
    return Supporter.objects.filter(
        status__in=MAY_SIGN_IN, taken_down_at__isnull=True, personal_data_erased_at__isnull=True
    ).exclude(email="")


def members_for_email(email):
    """Every member this address may sign in as (an address can be the contact of more than one
    organization, and a supporter's own)."""
    email = email.strip()
    if not email:
        return []
    return [
        *eligible_organizations().filter(contact_email__mailbox=email).order_by("name", "pk"),
        *eligible_supporters().filter(email__mailbox=email).order_by("pk"),
    ]


def member_email(member):
    return member.contact_email if isinstance(member, Organization) else member.email


def member_kind(member):
    return "o" if isinstance(member, Organization) else "s"


def still_eligible(member, digest):
    """The member may still use the area with a link or session sent to the address `digest`."""
    if member is None or member.status not in MAY_SIGN_IN:
        return False
    if isinstance(member, Supporter) and (member.taken_down_at or member.personal_data_erased_at):
        return False
    email = member_email(member)
    return bool(email) and secrets.compare_digest(email_digest(email), digest)


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------


def create_link(member, *, now=None):
    """A new sign-in link for `member`; returns the token (stored only as a hash)."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    MemberSignInLink.objects.create(
        token_hash=token_hash(token),
        organization=member if isinstance(member, Organization) else None,
        supporter=member if isinstance(member, Supporter) else None,
        email_digest=email_digest(member_email(member)),
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=LINK_MINUTES),
    )
    return token


def link_path(token, language):
    with translation.override(language):
        return reverse("members:area-link", kwargs={"token": token})


def _mail_allowed(email):
    key = f"area-mail:{email_digest(email)}"
    try:
        cache.add(key, 0, MAIL_WINDOW_SECONDS)
        sent = cache.incr(key)
    except ValueError:
        cache.set(key, 1, MAIL_WINDOW_SECONDS)
        sent = 1
    except Exception:
        sent = None
    if sent is None:
        logger.warning("members' area mail limit: cache unreachable, not enforced")
        return True
    return sent <= MAILS_PER_RECIPIENT


def ask_for_links(email, *, base_url):
    """What the sign-in form does with an address: the same work whoever it belongs to.

    Its members are found (the same two queries for a known address and an unknown one) and
    the mailing is queued for the worker with their ids, none for an unknown address. Writing
    the links and the mail here would take a known address, a hidden supporter's included,
    measurably longer to answer than an unknown one."""
    members = [[member_kind(member), member.pk] for member in members_for_email(email)]
    send_sign_in_links.enqueue(members, base_url)


@task(queue_name="mail")
def send_sign_in_links(members, base_url):
    """Mail a sign-in link for each of `members` ([kind, id] pairs, all at one address) that
    may still sign in, in one message in the first one's language, to the address they have.
    Returns the number of links sent."""
    found = {
        "o": eligible_organizations().in_bulk([pk for kind, pk in members if kind == "o"]),
        "s": eligible_supporters().in_bulk([pk for kind, pk in members if kind == "s"]),
    }
    members = [found[kind][pk] for kind, pk in members if pk in found[kind]]
    # Counted, and sent, to the address the members have: other spellings of it share its limit.
    if not members or not _mail_allowed(member_email(members[0])):
        return 0
    language = members[0].language or settings.LANGUAGE_CODE
    with transaction.atomic():
        links = [
            {
                "member": member,
                "is_organization": isinstance(member, Organization),
                "url": base_url.rstrip("/") + link_path(create_link(member), language),
            }
            for member in members
        ]
        queue_mail(
            to=member_email(members[0]),
            template_prefix="members/email/area_link",
            context={"links": links, "minutes": LINK_MINUTES, "site": SiteSettings.load()},
            language=language,
        )
    return len(links)


class LinkInvalid(Exception):
    """No such link, or one that was used, has expired, or whose member can no longer sign in."""


def find_link(token):
    """The unused, unexpired link `token` names; raises LinkInvalid."""
    if not token or len(token) > 100:
        raise LinkInvalid
    link = (
        MemberSignInLink.objects.select_related("organization", "supporter")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise LinkInvalid
    if not still_eligible(link.member, link.email_digest):
        raise LinkInvalid
    return link


def use_link(token):
    """Use the link up (once, whatever the number of concurrent requests); returns it."""
    link = find_link(token)
    claimed = MemberSignInLink.objects.filter(
        pk=link.pk, used_at__isnull=True, expires_at__gt=timezone.now()
    ).update(used_at=timezone.now())
    if claimed != 1:
        raise LinkInvalid
    return link


# ---------------------------------------------------------------------------------------------
# The session
# ---------------------------------------------------------------------------------------------


def sign_in(request, link):
    # A new session key: a session id planted before signing in does not carry the area.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "k": member_kind(link.member),
        "id": link.member.pk,
        "e": link.email_digest,
        "seen": timezone.now().timestamp(),
    }


def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def current_member(request):
    """The Organization or Supporter signed in to the members' area, or None.

    Each call within IDLE_MINUTES of the last one keeps the session going; after that, or once
    the member may no longer sign in, the session's area key is dropped.
    """
    cached = getattr(request, "_member_area", False)
    if cached is not False:
        return cached
    member = None
    data = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if isinstance(data, dict):
        now = timezone.now().timestamp()
        fresh = now - float(data.get("seen") or 0) <= IDLE_MINUTES * 60
        model = Organization if data.get("k") == "o" else Supporter
        found = model.objects.filter(pk=data.get("id")).first() if fresh else None
        if found is not None and still_eligible(found, str(data.get("e") or "")):
            member = found
            request.session[SESSION_KEY] = {**data, "seen": now}
        else:
            request.session.pop(SESSION_KEY, None)
    request._member_area = member
    return member


def private(response):
    """A personal page: never cached, never indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def member_area_required(view):
    """Only for a signed-in member (else to the sign-in page); sets `request.member`."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        member = current_member(request)
        if member is None:
            return redirect("members:area-sign-in")
        request.member = member
        return private(view(request, *args, **kwargs))

    return never_cache(wrapper)


# ---------------------------------------------------------------------------------------------
# Rate limit on asking for links, per client address, in the shared cache
# ---------------------------------------------------------------------------------------------


def _rate_key(request):
    return f"area-rate:{client_ip(request)}"


def rate_limited(request):
    try:
        return (cache.get(_rate_key(request)) or 0) >= settings.JOIN_RATE_LIMIT
    except Exception:
        logger.warning("members' area rate limit: cache unreachable, not enforced")
        return False


def count_request(request):
    key = _rate_key(request)
    try:
        cache.add(key, 0, settings.JOIN_RATE_WINDOW_SECONDS)
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.JOIN_RATE_WINDOW_SECONDS)
    except Exception:
        logger.warning("members' area rate limit: cache unreachable, not counted")


def too_many(request):
    response = render(
        request,
        "join/rate_limited.html",
        {
            "minutes": settings.JOIN_RATE_WINDOW_SECONDS // 60,
            "limit": settings.JOIN_RATE_LIMIT,
        },
        status=429,
    )
    response["Retry-After"] = str(settings.JOIN_RATE_WINDOW_SECONDS)
    return private(response)


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_view(request):
    """Ask for a link. The answer to a valid address is the same whether it is known or not."""
    if request.method != "POST" and current_member(request) is not None:
        return redirect("members:area-home")
    form = ResendForm(request.POST or None)
    if request.method == "POST":
        if rate_limited(request):
            return too_many(request)
        count_request(request)
        if form.is_valid():
            ask_for_links(form.cleaned_data["email"], base_url=request.build_absolute_uri("/"))
            return private(render(request, "members/area/sent.html", {"minutes": LINK_MINUTES}))
    return private(
        render(
            request,
            "members/area/sign_in.html",
            {"form": form, "minutes": LINK_MINUTES},
            status=400 if form.errors else 200,
        )
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def link_view(request, token):
    """The link from the mail: GET shows one button; only the POST signs in."""
    try:
        link = use_link(token) if request.method == "POST" else find_link(token)
    except LinkInvalid:
        return private(
            render(
                request,
                "members/area/link_invalid.html",
                {"form": ResendForm(), "minutes": LINK_MINUTES},
                status=410,
            )
        )
    if request.method == "POST":
        sign_in(request, link)
        return redirect("members:area-home")
    return private(render(request, "members/area/link.html", {"member": link.member}))


@require_POST
def sign_out_view(request):
    sign_out(request)
    return private(render(request, "members/area/signed_out.html"))


@member_area_required
@require_http_methods(["GET", "HEAD"])
def home(request):
    return render(request, "members/area/home.html", home_context(request.member))


def home_context(member):
    is_organization = isinstance(member, Organization)
    site = SiteSettings.load()
    state = renewal.membership_state(member, site=site)
    end = renewal.period_end(member, site=site)
    due = state in (renewal.State.GRACE, renewal.State.LAPSED) or (
        state in (renewal.State.NEW, renewal.State.CURRENT)
        and end - timezone.localdate() <= datetime.timedelta(days=renewal.REMINDER_DAYS)
    )
    context = {
        "member": member,
        "is_organization": is_organization,
        "state": state,
        "state_label": renewal.State.labels.get(state, ""),
        "end": end,
        "grace_end": end + datetime.timedelta(days=site.grace_days),
        "renew_url": reverse("members:renew", kwargs={"token": renewal.make_token(member, end=end)})
        if due
        else "",
        "signatures": signatures_of(member),
        "drives": open_drives(member),
    }
    if not is_organization:
        context["pending_request"] = (
            VisibilityRequest.objects.pending().filter(supporter=member).first()
        )
    return context


def signatures_of(member):
    """Everything the member signed, newest first, withdrawn ones too (marked as such)."""
    from statements.models import Signature, Statement

    field = "organization" if isinstance(member, Organization) else "supporter"
    now = timezone.now()
    rows = []
    for signature in (
        Signature.objects.filter(**{field: member})
        .select_related("statement")
        .order_by("-signed_on", "-pk")
    ):
        statement = signature.statement
        published = (
            statement.status == Statement.Status.PUBLISHED
            and statement.published_at is not None
            and statement.published_at <= now
        )
        rows.append(
            {
                "title": statement.title,
                "language": statement.language,
                "url": statement.get_absolute_url() if published else "",
                "signed_on": signature.signed_on,
                "withdrawn_on": signature.withdrawn_on,
            }
        )
    return rows


def open_drives(member):
    """Sign-on drives the member is invited to that still take answers, each with its own
    signing link (the invitation's link, rebuilt as drives/tokens.py makes it)."""
    from drives.models import Drive, Invitation
    from drives.services import latest_answer
    from drives.tokens import token_for

    field = "organization" if isinstance(member, Organization) else "supporter"
    invitations = (
        Invitation.objects.filter(**{field: member}, drive__in=Drive.objects.in_progress())
        .select_related("drive", "drive__statement", "organization", "supporter")
        .order_by("drive__deadline", "pk")
    )
    rows = []
    for invitation in invitations:
        if not invitation.member_may_sign:
            continue
        answer = latest_answer(invitation)
        rows.append(
            {
                "title": invitation.drive.statement.title,
                "deadline": invitation.drive.deadline,
                "answer": answer.get_choice_display() if answer else "",
                "url": reverse("drives:sign", kwargs={"token": token_for(invitation)}),
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# An individual supporter's visibility
# ---------------------------------------------------------------------------------------------


class VisibilityForm(ConsentForm):
    """The join form's five levels, explained and previewed (members/join_forms.py), for a
    supporter already a member, with the consent a less private level needs."""

    consent = forms.BooleanField(
        label=_("I agree to be shown this way, as explained above."),
        required=False,
    )

    def __init__(self, *args, supporter, **kwargs):
        stand_in = SimpleNamespace(
            name=supporter.full_name,
            display_name=supporter.display_name,
            kind=JoinRequest.Kind.INDIVIDUAL,
        )
        super().__init__(*args, join_request=stand_in, **kwargs)
        self.supporter = supporter
        self.fields["visibility"].label = _("How you are shown")
        self.initial["visibility"] = supporter.visibility

    @property
    def less_private(self):
        level = self.cleaned_data.get("visibility")
        return bool(level) and not self_service.is_more_private(level, self.supporter.visibility)

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("visibility")
        if level == self.supporter.visibility:
            raise forms.ValidationError(_("This is how you are shown already."), code="same")
        if level and self.less_private and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _("To be shown less privately, tick the box to give your consent."),
            )
        return cleaned

    def wording(self):
        return consent_wording(self.join_request, self.cleaned_data["visibility"])


@member_area_required
@require_http_methods(["GET", "HEAD", "POST"])
def visibility(request):
    member = request.member
    if isinstance(member, Organization):
        return redirect("members:area-home")
    form = VisibilityForm(request.POST if request.method == "POST" else None, supporter=member)
    if request.method == "POST" and form.is_valid():
        try:
            return _visibility_change(request, member, form)
        except self_service.VisibilityChanged:
            # Changed meanwhile (another window, the desk): the form again, as it now stands.
            member.refresh_from_db()
            form = VisibilityForm(request.POST, supporter=member)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "How you are shown changed in the meantime, perhaps in another window. "
                    "Nothing was changed now: please check how you are shown and choose again."
                ),
            )
            status = 409
    else:
        status = 400 if form.errors else 200
    return render(
        request,
        "members/area/visibility.html",
        {
            "member": member,
            "form": form,
            "pending_request": VisibilityRequest.objects.pending().filter(supporter=member).first(),
        },
        status=status,
    )


def _visibility_change(request, member, form):
    """Apply a checked form: more private at once, less private as a request to the desk."""
    level = form.cleaned_data["visibility"]
    if form.less_private:
        admin_url = request.build_absolute_uri(
            reverse("admin:members_visibilityrequest_changelist") + "?status__exact=pending"
        )
        self_service.visibility_request(
            supporter=member, level=level, wording=form.wording(), admin_url=admin_url
        )
        messages.success(
            request,
            _(
                "Thank you. The secretariat will review your request; until then you are "
                "shown as before."
            ),
        )
    else:
        self_service.visibility_tighten(supporter=member, level=level, wording=form.wording())
        messages.success(request, _("Done: you are now shown this way everywhere."))
    return redirect("members:area-home")


# ---------------------------------------------------------------------------------------------
# Leaving
# ---------------------------------------------------------------------------------------------


class LeaveForm(forms.Form):
    listed_as_former = forms.BooleanField(
        label=_("List me under “Former members” in the directory, with the years I was a member."),
        required=False,
    )


@member_area_required
@require_http_methods(["GET", "HEAD", "POST"])
def leave(request):
    member = request.member
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        admin_url = request.build_absolute_uri(
            reverse(
                f"admin:members_{member._meta.model_name}_change",
                args=[member.pk],
            )
        )
        self_service.member_leave(
            member=member,
            listed_as_former=form.cleaned_data["listed_as_former"],
            admin_url=admin_url,
        )
        sign_out(request)
        return render(
            request,
            "members/area/left.html",
            {"is_organization": isinstance(member, Organization)},
        )
    return render(
        request,
        "members/area/leave.html",
        {
            "member": member,
            "is_organization": isinstance(member, Organization),
            "form": form,
        },
    )
