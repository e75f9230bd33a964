"""What happens to subscriptions and announcements: each step a keyword-only function."""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone, translation

from followers.models import Announcement, Delivery, Subscriber
from icnk import bulk
from icnk.addresses import Mailbox
from icnk.mail import queue_mail
from icnk.models import OutboundEmail, SiteSettings
from icnk.site_url import absolute_url
from statements.models import Statement

logger = logging.getLogger(__name__)

CONFIRM_SALT = "followers.confirm"
# The mail asking to confirm a subscription (its templates).
CONFIRM_MAIL = "followers/email/confirm"
PREPARE_BATCH = 1000


# ---------------------------------------------------------------------------------------------
# Subscribing
# ---------------------------------------------------------------------------------------------


def _digest(email):
    return hashlib.sha256(email.lower().encode()).hexdigest()[:20]


def make_confirm_token(subscriber, language):
    # The language asked for travels in the signed link: an unconfirmed request changes nothing
    # of an existing subscription, so nobody can change someone else's language.
    return signing.dumps(
        {"id": subscriber.pk, "e": _digest(subscriber.email), "l": language}, salt=CONFIRM_SALT
    )


def read_confirm_token(token):
    """(subscriber, language). Raises signing.SignatureExpired or signing.BadSignature."""
    data = signing.loads(
        token,
        salt=CONFIRM_SALT,
        max_age=datetime.timedelta(days=settings.FOLLOW_CONFIRM_DAYS),
    )
    subscriber = Subscriber.objects.select_related("campaign").filter(pk=data.get("id")).first()
    if subscriber is None or _digest(subscriber.email) != data.get("e"):
        raise signing.BadSignature("no such subscription")
    language = data.get("l")
    if language not in dict(settings.LANGUAGES):
        language = subscriber.language
    return subscriber, language


def _mail_allowed(email):
    """At most FOLLOW_MAILS_PER_RECIPIENT confirmation mails to one address a day, whoever
    asks: no number of client addresses can flood an inbox. An unreachable cache lets the mail
    go (and is logged), as for the join form."""
    key = f"follow-mail:{_digest(email)}"
    window = 24 * 60 * 60
    try:
        cache.add(key, 0, window)
        sent = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        sent = 1
    except Exception:
        sent = None
    if sent is None:
        logger.warning("follow mail limit: cache unreachable, not enforced")
        return True
    return sent <= settings.FOLLOW_MAILS_PER_RECIPIENT


def subscription_request(*, email, language, campaign=None):
    """Someone asked for statements by email: mail the address a link to confirm.

    Whatever the address's state (new, waiting, subscribed, gone), the caller answers the same,
    and only the address's owner hears of it: the form tells nobody whether an address is
    known. Nothing of an existing subscription changes before its owner confirms.
    """
    email = email.strip().lower()
    subscriber = Subscriber.objects.filter(email=email, campaign=campaign).first()
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(
                    email=email, language=language, campaign=campaign
                )
        except IntegrityError:  # the same address, at the same moment
            subscriber = Subscriber.objects.get(email=email, campaign=campaign)
    elif subscriber.status != Subscriber.Status.ACTIVE:
        # Waiting or gone: the clock for the purge starts again.
        Subscriber.objects.filter(pk=subscriber.pk).update(requested_at=timezone.now())
    if not _mail_allowed(email):
        logger.info("subscriber %s: confirmation mail limit reached", subscriber.pk)
        return subscriber
    with translation.override(language):
        path = reverse(
            "followers:confirm", kwargs={"token": make_confirm_token(subscriber, language)}
        )
    queue_mail(
        to=email,
        template_prefix=CONFIRM_MAIL,
        context={
            "link": absolute_url(path),
            "days": settings.FOLLOW_CONFIRM_DAYS,
            "site": SiteSettings.load(),
            "campaign": subscriber.campaign,
            "already": subscriber.status == Subscriber.Status.ACTIVE,
        },
        language=language,
    )
    return subscriber


@transaction.atomic
def subscriber_confirm(*, subscriber, language):
    """The owner confirmed: from now on they get new statements in `language`."""
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.language = language
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.bounces = 0
    subscriber.last_refusal = ""
    subscriber.save()
    return subscriber


def subscriber_unsubscribe(*, subscriber):
    """One click: no more mail. Deliveries not yet sent are dropped when their turn comes."""
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        return False
    Subscriber.objects.filter(pk=subscriber.pk).update(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    return True


def subscriber_refused(*, subscriber_id, permanent, error):
    """The mail server refused mail to this address; after FOLLOW_BOUNCE_LIMIT permanent
    refusals (5xx) nothing more is sent to it."""
    if not permanent:
        return
    Subscriber.objects.filter(pk=subscriber_id).update(
        bounces=F("bounces") + 1, last_refusal=error[:500]
    )
    stopped = Subscriber.objects.filter(
        pk=subscriber_id,
        status=Subscriber.Status.ACTIVE,
        bounces__gte=settings.MAIL_BOUNCE_LIMIT,
    ).update(status=Subscriber.Status.BOUNCED)
    if stopped:
        logger.warning("subscriber %s: mail refused %s times, stopped", subscriber_id,
                       settings.MAIL_BOUNCE_LIMIT)  # fmt: skip


@transaction.atomic
def subscribers_purge():
    """Erase requests never confirmed, and subscriptions ended, after FOLLOW_CONFIRM_DAYS,
    with the mail that asked to confirm them once the address has no subscription left.
    Returns how many were erased."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.FOLLOW_CONFIRM_DAYS)
    stale = Subscriber.objects.filter(
        Q(status=Subscriber.Status.PENDING, requested_at__lt=cutoff)
        | Q(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at__lt=cutoff)
    )
    emails = set(stale.values_list("email", flat=True))
    count = stale.delete()[1].get(Subscriber._meta.label, 0)
    emails -= set(Subscriber.objects.filter(email__in=emails).values_list("email", flat=True))
    OutboundEmail.objects.filter(template=CONFIRM_MAIL, to__in=emails).delete()
    return count


# ---------------------------------------------------------------------------------------------
# Announcing
# ---------------------------------------------------------------------------------------------


def due_statements():
    """Statements public now and not announced yet, published within the catch-up window (a
    worker down for longer does not send old news)."""
    since = timezone.now() - datetime.timedelta(hours=settings.FOLLOW_CATCH_UP_HOURS)
    announced = Announcement.objects.values("translation_key")
    return (
        Statement.objects.published()
        .filter(published_at__gte=since)
        .exclude(translation_key__in=announced)
        .order_by("published_at", "pk")
    )


def announce(*, statement):
    """Write one delivery for every subscriber who wants this statement, in batches, and
    start sending. Safe to run again: it resumes where it stopped, and the unique pair
    (statement, subscriber) makes a repeated batch write nothing."""
    announcement, _created = Announcement.objects.get_or_create(
        translation_key=statement.translation_key, defaults={"title": statement.title[:300]}
    )
    if announcement.prepared_at is None:
        campaign_ids = set(
            Statement.objects.versions_of(statement)
            .exclude(campaign=None)
            .values_list("campaign_id", flat=True)
        )
        wanted = Subscriber.objects.receiving().filter(confirmed_at__lte=announcement.created_at)
        wanted = wanted.filter(campaign=None) | wanted.filter(campaign__in=campaign_ids)
        # One mail per address: an address subscribed to everything and to this statement's
        # campaign (or to two of its campaigns) gets it once, by its subscription to
        # everything, whose unsubscribe link the mail carries; else by its first. Addresses
        # compare as everywhere (icnk/addresses.py): the desk may write one in capitals.
        first_of_each_address = wanted.annotate(
            rank=Window(
                RowNumber(),
                partition_by=Mailbox("email"),
                order_by=[Case(When(campaign=None, then=0), default=1), "pk"],
            )
        ).filter(rank=1)
        wanted = wanted.filter(pk__in=first_of_each_address.values("pk"))
        while True:
            with transaction.atomic():
                ids = list(
                    wanted.filter(pk__gt=announcement.cursor)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:PREPARE_BATCH]
                )
                Delivery.objects.bulk_create(
                    [
                        Delivery(
                            announcement=announcement,
                            translation_key=announcement.translation_key,
                            subscriber_id=pk,
                        )
                        for pk in ids
                    ],
                    ignore_conflicts=True,
                )
                if ids:
                    announcement.cursor = ids[-1]
                else:
                    announcement.prepared_at = timezone.now()
                announcement.save(update_fields=["cursor", "prepared_at"])
            if not ids:
                break
    bulk.schedule_sending(Delivery._meta.label)
    return announcement


def announce_due():
    """Announce every statement that became public and was not announced yet."""
    count = 0
    for statement in due_statements():
        announce(statement=statement)
        count += 1
    for announcement in Announcement.objects.filter(prepared_at=None):  # stopped midway
        statement = Statement.objects.filter(translation_key=announcement.translation_key).first()
        if statement is not None:
            announce(statement=statement)
    return count
