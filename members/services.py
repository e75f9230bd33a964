"""The members' writes: a request to join (submitted, verified, approved or rejected,
purged) and a supporter's take-down and its lifting.

Each function is one step, keyword-only, and does its writes and its mail in one transaction.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from icnk import cache as page_cache
from icnk import locks
from icnk.audit import record_change
from icnk.mail import queue_mail
from icnk.models import SiteSettings
from members.models import (
    JoinRequest,
    Listing,
    Organization,
    Supporter,
    Visibility,
    unique_slug,
)
from members.personal_data import join_request_erase

logger = logging.getLogger(__name__)

TOKEN_SALT = "members.join.verify"


class DecisionError(Exception):
    """A decision that cannot be taken (the request is not awaiting review)."""


# ---------------------------------------------------------------------------------------------
# Verification links
# ---------------------------------------------------------------------------------------------


def _email_digest(email):
    return hashlib.sha256(email.lower().encode()).hexdigest()[:20]


def make_token(join_request):
    # A digest of the email is signed too, so a link stops working if the address changes; the
    # address itself stays out of the link (and out of every access log it passes through).
    return signing.dumps(
        {"id": join_request.pk, "e": _email_digest(join_request.email)}, salt=TOKEN_SALT
    )


def read_token(token, *, max_age=None):
    """The request a token names. Raises signing.SignatureExpired or signing.BadSignature."""
    if max_age is None:
        max_age = datetime.timedelta(days=settings.JOIN_VERIFY_MAX_AGE_DAYS)
    data = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    join_request = JoinRequest.objects.filter(pk=data.get("id")).first()
    if join_request is None or _email_digest(join_request.email) != data.get("e"):
        raise signing.BadSignature("no such request")
    return join_request


def _mail_allowed(email):
    """Count one verification mail to this address; False once it has had its share today.

    Counted per recipient in the shared cache, so that no number of client addresses can make
    us flood one inbox. As with the per-client limit, an unreachable cache does not stop
    applicants: the mail goes, and the outage is logged.
    """
    key = f"join-mail:{_email_digest(email)}"
    window = settings.JOIN_MAIL_WINDOW_SECONDS
    try:
        cache.add(key, 0, window)
        sent = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, window)
        sent = 1
    except Exception:
        sent = None
    if sent is None:  # raised, or swallowed by a cache that ignores its errors
        logger.warning("join mail limit: cache unreachable, not enforced")
        return True
    return sent <= settings.JOIN_MAILS_PER_RECIPIENT


def send_verification(*, join_request, base_url, already_open=False):
    """Queue a confirmation link to the request's address, within the per-recipient limit.

    The address is not proven yet, so the mail carries nothing the submitter wrote (no name, no
    greeting of their choosing): it cannot be turned into a phishing letter signed by us.
    `already_open`: the address asked again while a request is in progress. Returns whether a
    mail was queued.
    """
    if not _mail_allowed(join_request.email):
        logger.info("join request %s: verification mail limit reached", join_request.pk)
        return False
    with translation.override(join_request.language):
        path = reverse("join:verify", kwargs={"token": make_token(join_request)})
    queue_mail(
        to=join_request.email,
        template_prefix="join/email/verify",
        context={
            "link": base_url.rstrip("/") + path,
            "days": settings.JOIN_VERIFY_MAX_AGE_DAYS,
            "site": SiteSettings.load(),
            "already_open": already_open,
        },
        language=join_request.language,
    )
    return True


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def join_request_submit(*, form, kind, language, base_url):
    """Store a new request and mail its confirmation link; returns the request.

    When the address already has a request in progress, nothing new is stored and only the
    address's owner hears of it (a mail with a fresh link to that request): the person who
    submitted the form sees the same answer either way, so the form cannot tell anyone whether
    an address has applied.
    """
    email = form.cleaned_data["email"]
    with transaction.atomic():
        # The same address sent twice at once (a double click) makes one request, not two
        # each with a link: the second waits for the first, then finds its request.
        locks.hold(f"join-request:{email.lower()}")
        existing = JoinRequest.objects.open_for_email(email).order_by("pk").first()
        if existing is not None:
            send_verification(join_request=existing, base_url=base_url, already_open=True)
            return existing
        join_request = form.save(commit=False)
        join_request.kind = kind
        join_request.language = language
        join_request.accepted_objectives = True
        join_request.status = JoinRequest.Status.UNVERIFIED
        join_request.save()
        send_verification(join_request=join_request, base_url=base_url)
    return join_request


@transaction.atomic
def join_request_verify(*, join_request, admin_url):
    """Mark the email as proven; the request now reaches the secretariat (once)."""
    if join_request.status != JoinRequest.Status.UNVERIFIED:
        return False
    join_request.status = JoinRequest.Status.PENDING
    join_request.verified_at = timezone.now()
    join_request.save(update_fields=["status", "verified_at"])
    site = SiteSettings.load()
    recipients = settings.SECRETARIAT_EMAILS or ([site.contact_email] if site.contact_email else [])
    for address in recipients:
        queue_mail(
            to=address,
            template_prefix="join/email/secretariat_new",
            context={"join_request": join_request, "admin_url": admin_url, "site": site},
            language=settings.LANGUAGE_CODE,
        )
    return True


@transaction.atomic
def join_request_confirm(*, join_request, visibility, wording, admin_url):
    """The applicant's own consent, given by a POST on the page the link opens: record it
    (when, what they read, the level they chose) and verify the address.

    `visibility` is an individual's chosen level ("" for an organization, which agrees to its
    public fields). Returns False, recording nothing, when the request was already confirmed.
    """
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.UNVERIFIED:
        return False
    join_request.consent_visibility = visibility
    join_request.consent_text = wording
    join_request.consented_at = timezone.now()
    join_request.save(update_fields=["consent_visibility", "consent_text", "consented_at"])
    return join_request_verify(join_request=join_request, admin_url=admin_url)


def _require_pending(join_request):
    if join_request.status != JoinRequest.Status.PENDING:
        raise DecisionError(f"{join_request} is {join_request.get_status_display()}")


@transaction.atomic
def join_request_approve(*, join_request, reviewer):
    """Create the member from the request, link it, and welcome them by email."""
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    _require_pending(join_request)
    today = timezone.localdate()
    if join_request.kind == JoinRequest.Kind.ORGANIZATION:
        member = Organization(
            name=join_request.name,
            local_name=join_request.local_name,
            slug=unique_slug(Organization, join_request.name),
            country=join_request.country,
            kind=join_request.organization_kind or "other",
            website=join_request.website,
            description_en=join_request.description,
            member_since=today,
            listing=Listing.NAMED,
            contact_name=join_request.contact_name,
            contact_email=join_request.email,
            contact_phone=join_request.phone,
            private_notes=(
                f"Contact role: {join_request.contact_role}\n"
                f"How it will support the objectives: {join_request.support_statement}"
            ),
        )
        if join_request.logo:
            with join_request.logo.open("rb") as source:
                extension = join_request.logo.name.rsplit(".", 1)[-1]
                member.logo.save(f"logo.{extension}", ContentFile(source.read()), save=False)
        member.save()
        join_request.organization = member
    else:
        # Shown as they chose on the confirmation page; hidden when they chose nothing (a
        # request confirmed before the choice existed).
        visibility = join_request.consent_visibility or Visibility.HIDDEN
        member = Supporter.objects.create(
            full_name=join_request.name,
            display_name=join_request.display_name,
            affiliation=join_request.affiliation,
            country=join_request.country,
            email=join_request.email,
            visibility=visibility,
            consent_visibility=join_request.consent_visibility,
            consent_text=join_request.consent_text,
            consent_date=(
                timezone.localdate(join_request.consented_at) if join_request.consented_at else None
            ),
            consent_means=(
                f"Chosen on the confirmation page of join request #{join_request.pk}"
                if join_request.consented_at
                else ""
            ),
            member_since=today,
        )
        join_request.supporter = member
    join_request.status = JoinRequest.Status.APPROVED
    join_request.decided_at = timezone.now()
    join_request.decided_by = reviewer
    join_request.save()
    record_change(reviewer, join_request, "Approved")
    queue_mail(
        to=join_request.email,
        template_prefix="join/email/welcome",
        context={"join_request": join_request, "member": member, "site": SiteSettings.load()},
        language=join_request.language,
    )
    return member


@transaction.atomic
def join_request_reject(*, join_request, reviewer, reason, notify):
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    _require_pending(join_request)
    join_request.status = JoinRequest.Status.REJECTED
    join_request.decided_at = timezone.now()
    join_request.decided_by = reviewer
    join_request.rejection_reason = reason
    join_request.save()
    record_change(reviewer, join_request, "Rejected" + (" (reason emailed)" if notify else ""))
    if notify:
        queue_mail(
            to=join_request.email,
            template_prefix="join/email/rejected",
            context={
                "join_request": join_request,
                "reason": reason,
                "days": settings.JOIN_REQUEST_RETENTION_DAYS,
                "site": SiteSettings.load(),
            },
            language=join_request.language,
        )
    return join_request


def join_requests_purge(*, days=None, now=None):
    """Erase the personal data of rejected and never-verified requests older than `days`.

    Each is erased as a person's data is (`personal_data.join_request_erase`): the row and its
    history, the logo, the mail to and about the applicant, their name in the action log. The
    rows stay, stripped, so that the numbers (how many asked, how many were turned down)
    remain. Returns how many requests were erased.
    """
    days = settings.JOIN_REQUEST_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    stale = JoinRequest.objects.filter(personal_data_erased_at__isnull=True).filter(
        Q(status=JoinRequest.Status.REJECTED, decided_at__lt=cutoff)
        | Q(status=JoinRequest.Status.UNVERIFIED, submitted_at__lt=cutoff)
    )
    erased = 0
    for join_request in stale.iterator():
        join_request_erase(join_request=join_request, reason="Retention period over")
        erased += 1
    return erased


# ---------------------------------------------------------------------------------------------
# Take-down
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def take_down(*, supporter, user):
    """Hide a person from every public page at once: pages, statements, search, feeds, API.

    Their visibility becomes "hidden" and the take-down is stamped with who and when; every
    cached page is dropped. Returns False when they were already taken down.
    """
    supporter = Supporter.objects.select_for_update().get(pk=supporter.pk)
    if supporter.taken_down_at:
        return False
    supporter.visibility = Visibility.HIDDEN
    supporter.taken_down_at = timezone.now()
    supporter.taken_down_by = user
    supporter._history_user = user
    supporter._change_reason = "Taken down"
    supporter.save()
    record_change(user, supporter, gettext("Taken down from every public page."))
    # Pages and API answers cached anywhere may still carry the name: start a new generation,
    # so that none of them is served again.
    page_cache.invalidate()
    return True


class LiftError(ValueError):
    """A take-down that cannot be lifted as asked (none in force, or no reason given)."""


@transaction.atomic
def take_down_lift(*, supporter, user, reason, visibility=None):
    """End a take-down, for a logged reason; the person is shown as they were before it.

    `visibility`: what to show from now on, when it is not what they had agreed before the
    take-down (read from the history). The reason is kept in the history and the action log.
    """
    reason = (reason or "").strip()
    if not reason:
        raise LiftError(gettext("Say why the take-down is lifted."))
    supporter = Supporter.objects.select_for_update().get(pk=supporter.pk)
    if not supporter.taken_down_at:
        raise LiftError(gettext("This person is not taken down."))
    if visibility is None:
        before = (
            supporter.history.filter(history_date__lt=supporter.taken_down_at)
            .order_by("-history_date", "-history_id")
            .values_list("visibility", flat=True)
            .first()
        )
        visibility = before or Visibility.HIDDEN
    supporter.visibility = visibility
    supporter.taken_down_at = None
    supporter.taken_down_by = None
    supporter._lifting_take_down = True  # the one change Supporter.save() lets end a take-down
    supporter._history_user = user
    supporter._change_reason = f"Take-down lifted: {reason}"[:100]
    supporter.save()
    record_change(user, supporter, gettext("Take-down lifted: %(reason)s") % {"reason": reason})
    page_cache.invalidate()
    return supporter
