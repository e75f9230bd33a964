"""The press list: journalists ask to join (or staff add them), confirm their address, the
secretariat approves, and every press mail takes them off in one click.

For whoever mails the press list (embargoed releases):

- `Journalist.objects.on_list()`: who may be sent a release now (active, not refusing mail);
  `.covering(campaign)` narrows it to those whose beats include the campaign.
- `journalist.preferred_language()` and `journalist.reads(code)`.
- `leave_url(journalist)`: the absolute address of the one-click leave page, for the body.
- `list_unsubscribe_headers(journalist)`: the List-Unsubscribe, List-Unsubscribe-Post and
  List-Id headers (RFC 8058), the same code as subscribers' (followers/mail.py).
- `journalist_refused(journalist_id=, permanent=, error=)`: for a BulkDelivery's refused().
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from followers.mail import one_click_headers
from followers.models import Journalist
from followers.services import _mail_allowed
from icnk.mail import queue_mail
from icnk.models import SiteSettings
from icnk.site_url import absolute_url
from statements.models import Campaign

logger = logging.getLogger(__name__)

CONFIRM_SALT = "followers.press.confirm"

# What a journalist agrees to, on the public form and when staff add them (who tick that the
# journalist agreed to it). Shown in the reader's language; the wording shown is recorded.
CONSENT_WORDING = _(
    "I agree that the coalition keeps my name, outlet, email address, languages and beats to "
    "send me press releases, some of them under embargo before publication. I keep embargoes. "
    "I can leave the press list at any time with the link in every press mail."
)


# ---------------------------------------------------------------------------------------------
# For press mail (the embargo helper's releases, and the approval below)
# ---------------------------------------------------------------------------------------------


def leave_url(journalist):
    """The absolute address of the page that takes `journalist` off the list in one click."""
    return absolute_url(journalist.leave_url())


def list_unsubscribe_headers(journalist):
    """The headers every press mail carries: a mail client's one-click "unsubscribe" POSTs to
    the leave page, with no login and no second step (RFC 8058)."""
    return one_click_headers(leave_url(journalist), list_name="press")


def journalist_refused(*, journalist_id, permanent, error):
    """The mail server refused mail to this journalist; after MAIL_BOUNCE_LIMIT permanent
    refusals (5xx) they are no longer `on_list()` (their status stays, for staff to see)."""
    if not permanent:
        return
    Journalist.objects.filter(pk=journalist_id).update(
        bounces=F("bounces") + 1, last_refusal=error[:500]
    )


# ---------------------------------------------------------------------------------------------
# Asking to join
# ---------------------------------------------------------------------------------------------


def _digest(email):
    return hashlib.sha256(email.lower().encode()).hexdigest()[:20]


def make_confirm_token(journalist, details):
    """The signed link's content: who, and what they asked for. Nothing of an existing entry
    changes before its address's owner confirms, so the request travels in the link."""
    return signing.dumps(
        {"id": journalist.pk, "e": _digest(journalist.email), **details},
        salt=CONFIRM_SALT,
        compress=True,
    )


def read_confirm_token(token):
    """(journalist, details). Raises signing.SignatureExpired or signing.BadSignature."""
    data = signing.loads(
        token, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=settings.FOLLOW_CONFIRM_DAYS)
    )
    if not isinstance(data, dict):
        raise signing.BadSignature("not a request")
    journalist = Journalist.objects.filter(pk=data.get("id")).first()
    if journalist is None or _digest(journalist.email) != data.get("e"):
        raise signing.BadSignature("no such request")
    return journalist, data


def join_request(*, name, outlet, email, languages, beats, consent_text, language):
    """A journalist asked through the public form: mail the address a link to confirm.

    The caller answers the same whatever the address's state. An address already on the list,
    or confirmed and waiting for the secretariat, gets no mail and no second entry; any other
    gets a link (at most FOLLOW_MAILS_PER_RECIPIENT a day), which applies the request when
    its owner confirms.
    """
    email = email.strip().lower()
    details = {
        "n": name.strip()[:200],
        "o": outlet.strip()[:200],
        "l": [code for code in languages if code in dict(settings.LANGUAGES)] or [language],
        "b": sorted({c.pk for c in beats}),
        "c": str(consent_text),
    }
    try:
        journalist = _join_entry(email, details)
    except IntegrityError:
        # The same new address sent twice at once (a double click): the other request made
        # the entry while this one was writing its own. Now there is one to find.
        journalist = _join_entry(email, details)
    if journalist.status in (Journalist.Status.ACTIVE, Journalist.Status.CONFIRMED):
        logger.info("journalist %s asked again: already %s", journalist.pk, journalist.status)
        return journalist
    # The link goes to the entry's own address, whatever spelling of it was typed.
    if not _mail_allowed(journalist.email):
        logger.info("journalist %s: confirmation mail limit reached", journalist.pk)
        return journalist
    with translation.override(language):
        path = reverse("press:confirm", kwargs={"token": make_confirm_token(journalist, details)})
    queue_mail(
        to=journalist.email,
        template_prefix="followers/email/press_confirm",
        context={
            "link": absolute_url(path),
            "days": settings.FOLLOW_CONFIRM_DAYS,
            "site": SiteSettings.load(),
        },
        language=language,
    )
    return journalist


@transaction.atomic
def _join_entry(email, details):
    """The entry of `email` for a request from the form: made, waiting, if there was none."""
    journalist = Journalist.objects.select_for_update().filter(email__mailbox=email).first()
    if journalist is None:
        journalist = Journalist(
            name=details["n"],
            outlet=details["o"],
            email=email,
            source=Journalist.Source.FORM,
            consent_text=details["c"],
        )
        journalist.set_languages(details["l"])
        journalist.save()
        journalist.beats.set(details["b"])
    elif journalist.status not in (Journalist.Status.ACTIVE, Journalist.Status.CONFIRMED):
        # Waiting, declined or gone: the purge's clock starts again.
        Journalist.objects.filter(pk=journalist.pk).update(requested_at=timezone.now())
    return journalist


@transaction.atomic
def journalist_confirm(*, journalist, details):
    """The address's owner confirmed their request: it waits for the secretariat. Returns
    False when there was nothing to confirm (already confirmed or on the list)."""
    journalist = Journalist.objects.select_for_update().get(pk=journalist.pk)
    if journalist.status in (Journalist.Status.ACTIVE, Journalist.Status.CONFIRMED):
        return False
    now = timezone.now()
    journalist.name = details.get("n") or journalist.name
    journalist.outlet = details.get("o") or journalist.outlet
    journalist.set_languages(details.get("l") or journalist.language_list())
    journalist.consent_text = details.get("c") or journalist.consent_text
    journalist.consent_means = "public form"
    journalist.consent_at = now
    journalist.confirmed_at = now
    journalist.source = Journalist.Source.FORM
    journalist.status = Journalist.Status.CONFIRMED
    journalist.left_at = None
    journalist.bounces = 0
    journalist.last_refusal = ""
    journalist._change_reason = "Email confirmed"
    journalist.save()
    journalist.beats.set(Campaign.objects.public().filter(pk__in=details.get("b") or []))
    return True


# ---------------------------------------------------------------------------------------------
# The secretariat's decision, and leaving
# ---------------------------------------------------------------------------------------------


def _mail(journalist, template, **context):
    language = journalist.preferred_language()
    on_list = journalist.status == Journalist.Status.ACTIVE
    queue_mail(
        to=journalist.email,
        template_prefix=f"followers/email/{template}",
        context={
            "journalist": journalist,
            "site": SiteSettings.load(),
            "leave": leave_url(journalist) if on_list else "",
            **context,
        },
        language=language,
        headers=list_unsubscribe_headers(journalist) if on_list else None,
    )


@transaction.atomic
def journalist_approve(*, journalist, user):
    """Put a confirmed request on the list and tell the journalist, in their language.
    Returns False (and mails nothing) unless the request was confirmed and waiting."""
    locked = (
        Journalist.objects.select_for_update()
        .filter(pk=journalist.pk, status=Journalist.Status.CONFIRMED)
        .first()
    )
    if locked is None:  # not confirmed, or someone at the desk decided first
        return False
    journalist.refresh_from_db()
    journalist.status = Journalist.Status.ACTIVE
    journalist.approved_at = timezone.now()
    journalist.approved_by = user
    journalist._history_user = user
    journalist._change_reason = "Approved"
    journalist.save()
    _mail(journalist, "press_approved")
    return True


@transaction.atomic
def journalist_decline(*, journalist, user):
    """Turn down a confirmed request and tell the journalist, in their language. (A request
    never confirmed gets no mail: its address may not be theirs; the purge erases it.)"""
    locked = (
        Journalist.objects.select_for_update()
        .filter(pk=journalist.pk, status=Journalist.Status.CONFIRMED)
        .first()
    )
    if locked is None:
        return False
    journalist.refresh_from_db()
    journalist.status = Journalist.Status.DECLINED
    journalist.declined_at = timezone.now()
    journalist._history_user = user
    journalist._change_reason = "Declined"
    journalist.save()
    _mail(journalist, "press_declined")
    return True


def journalist_add(*, journalist, user):
    """Staff add a journalist who agreed (the form makes them record how): on the list at
    once, and told so in their language, with the link to leave."""
    now = timezone.now()
    journalist.source = Journalist.Source.STAFF
    journalist.status = Journalist.Status.ACTIVE
    journalist.consent_at = journalist.consent_at or now
    journalist.approved_at = now
    journalist.approved_by = user


def journalist_added(*, journalist):
    """After staff saved a new journalist: tell them they are on the list."""
    _mail(journalist, "press_approved", added=True)


def journalist_leave(*, journalist):
    """One click: off the list. Returns False when they were not on it."""
    if journalist.status in (Journalist.Status.LEFT, Journalist.Status.DECLINED):
        return False
    journalist.status = Journalist.Status.LEFT
    journalist.left_at = timezone.now()
    journalist._change_reason = "Left the press list"
    journalist.save(update_fields=["status", "left_at"])
    return True


def journalists_purge():
    """Erase requests whose address was never confirmed, after FOLLOW_CONFIRM_DAYS."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.FOLLOW_CONFIRM_DAYS)
    stale = list(
        Journalist.objects.filter(status=Journalist.Status.REQUESTED, requested_at__lt=cutoff)
    )
    for journalist in stale:
        erase_journalists([journalist])
    return len(stale)


def erase_journalists(journalists):
    """Delete the entries, their history rows, and their name from the admin's action log."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from members.personal_data import ERASED_NAME

    ids = [j.pk for j in journalists]
    if not ids:
        return
    content_type = ContentType.objects.get_for_model(Journalist)
    LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in ids]
    ).update(object_repr=ERASED_NAME)
    Journalist.history.model.objects.filter(id__in=ids).delete()
    Journalist.objects.filter(pk__in=ids).delete()
    Journalist.history.model.objects.filter(id__in=ids).delete()  # the deletion's own row
