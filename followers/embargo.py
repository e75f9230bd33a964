"""Embargoed releases: a scheduled statement sent to journalists before it is public.

The embargo time *is* the statement's publication time. A statement scheduled for 09:00 is
public at 09:00 on every page, list, feed, sitemap, API and cached copy, by the rules those
already follow for scheduled statements (`Statement.objects.published()` and the page cache's
`expire_at`); releasing it to the press adds a record (PressRelease) and one mail per
journalist (PressDelivery, sent by icnk/bulk.py exactly once), and changes nothing of when the
public sees it. So there is one time to set, one rule for "public", and no second clock that
could disagree with the first.

When the embargo given stops holding (the statement is moved, withdrawn, or published early),
each journalist who has the release is told once (PressNotice, `embargo_changed`).

The mail's attachment links are signed (django.core.signing) and expire a few days after the
embargo: before publication they serve the file to whoever holds the link; afterwards they lead
to the public statement page.
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext, gettext_noop, ngettext

from followers import press
from followers.models import Journalist, PressDelivery, PressNotice, PressRelease
from icnk import bulk
from icnk.audit import record_change
from icnk.models import SiteSettings
from icnk.site_url import absolute_url, site_domain
from icnk.timezones import coalition_timezone, utc_offset
from statements.formatting import LONG_DATE, dateline
from statements.markdown import plain_text
from statements.models import Statement
from statements.queries import press_contacts

logger = logging.getLogger(__name__)

LINK_SALT = "followers.press-document"
PREVIEW_SALT = "followers.press-preview"


class ReleaseError(ValueError):
    """A statement that cannot be released under embargo (said in the admin's words)."""


# ---------------------------------------------------------------------------------------------
# The embargo time, in words
# ---------------------------------------------------------------------------------------------


def embargo_moment(at, language=None):
    """The parts of "09:00 on 1 December 2026, Asia/Seoul time (UTC+09:00)" in `language`, in
    the coalition's zone (named as its setting names it), whatever zone is active."""
    zone = coalition_timezone()
    local = timezone.localtime(at, zone)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        date = dateformat.format(local, LONG_DATE.get(language, LONG_DATE["en"]))
    utc = timezone.localtime(at, datetime.UTC)
    with translation.override(language):
        utc_date = dateformat.format(utc, LONG_DATE.get(language, LONG_DATE["en"]))
    return {
        "date": date,
        "time": local.strftime("%H:%M"),
        "zone": zone.key,
        "offset": utc_offset(local),
        "utc_date": utc_date,
        "utc_time": utc.strftime("%H:%M"),
    }


def embargo_sentence(at, language=None):
    """ "Embargoed until 09:00 on 1 December 2026, Asia/Seoul time (UTC+09:00)", for staff."""
    language = language or translation.get_language()
    with translation.override(language):
        return gettext(
            "Embargoed until %(time)s on %(date)s, %(zone)s time (UTC%(offset)s)"
        ) % embargo_moment(at, language)


# ---------------------------------------------------------------------------------------------
# What is released, and to whom
# ---------------------------------------------------------------------------------------------


def release_versions(statement):
    """The language versions released with `statement`: those scheduled for the same moment
    (a draft translation is not ready; one scheduled for another time has another embargo)."""
    return list(
        Statement.objects.versions_of(statement)
        .filter(status=Statement.Status.PUBLISHED, published_at=statement.published_at)
        .select_related("translation_of")
        .order_by("pk")
    )


def release_problem(statement, *, now=None):
    """Why this statement cannot be released under embargo, or None."""
    now = now or timezone.now()
    if statement.status != Statement.Status.PUBLISHED or statement.published_at is None:
        return gettext(
            "Only a scheduled statement can be released under embargo: this one is a draft. "
            "Schedule it first; its publication time is the embargo time."
        )
    if statement.published_at <= now:
        return gettext(
            "Only a scheduled statement can be released under embargo: this one is already "
            "public, so there is nothing to embargo."
        )
    public = Statement.objects.versions_of(statement).published().first()
    if public is not None:
        return gettext(
            "The %(language)s version is already public: an embargo on the others would mean "
            "nothing. Unpublish it, or send the statement without an embargo."
        ) % {"language": public.get_language_display()}
    earlier = (
        Statement.objects.versions_of(statement)
        .filter(status=Statement.Status.PUBLISHED, published_at__lt=statement.published_at)
        .order_by("published_at")
        .first()
    )
    if earlier is not None:
        return gettext(
            "The %(language)s version is scheduled for an earlier time: it would be public "
            "before the embargo lifts. Schedule every version for the same time."
        ) % {"language": earlier.get_language_display()}
    return None


def beat_journalists(statement):
    """Active journalists on the list whose beats cover the statement's campaign (any of its
    versions'), or who have no beat (every campaign)."""
    campaign_ids = set(
        Statement.objects.versions_of(statement)
        .exclude(campaign=None)
        .values_list("campaign_id", flat=True)
    )
    covering = Q(beats=None) | Q(beats__in=campaign_ids) if campaign_ids else Q()
    matching = Journalist.objects.on_list().filter(covering).values("pk")
    return Journalist.objects.filter(pk__in=matching).order_by("name", "pk")


def pick_version(versions, journalist):
    """The version in the first language the journalist reads, else English, else the
    original, else any."""
    by_language = {v.language: v for v in versions}
    for code in journalist.language_list():
        if code in by_language:
            return by_language[code]
    if "en" in by_language:
        return by_language["en"]
    originals = [v for v in versions if not v.translation_of_id]
    return originals[0] if originals else (versions[0] if versions else None)


def holding(translation_key, embargo_until):
    """The journalists who have the release under this embargo time, or are being sent it: all
    who were given a copy, but those who were told since that it was withdrawn (unless their
    copy is on its way to them again)."""
    copies = copies_by_journalist(translation_key)
    on_its_way = (PressDelivery.Status.QUEUED, PressDelivery.Status.SENDING)
    return {
        journalist_id
        for journalist_id, deliveries in copies.items()
        if (this_time := [d for d in deliveries if d.release.embargo_until == embargo_until])
        and (
            believed(deliveries) != (PressNotice.Kind.WITHDRAWN, None)
            or any(d.status in on_its_way for d in this_time)
        )
    }


def press_release(*, statement, user, journalists):
    """Release `statement` under embargo to `journalists` (active ones on the list).

    Returns (release, how many were added). Each journalist gets a release once: releasing
    again under the same embargo time adds only those who do not have it (the unique pair in
    PressDelivery; one who was told it was withdrawn is sent their copy again); the rows and
    the sending task are written in one transaction, and sent by icnk/bulk.py, which survives
    a worker killed mid-batch without sending anything twice.
    """
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if problem := release_problem(statement):
            raise ReleaseError(problem)
        release, _created = PressRelease.objects.get_or_create(
            translation_key=statement.translation_key,
            embargo_until=statement.published_at,
            defaults={"statement": statement, "title": statement.title[:300], "released_by": user},
        )
        ids = list(
            Journalist.objects.on_list()
            .filter(pk__in=[j.pk for j in journalists])
            .values_list("pk", flat=True)
        )
        have = holding(statement.translation_key, statement.published_at)
        new = [pk for pk in ids if pk not in have]
        # Told it was withdrawn, and it is back under the same time: their copy goes again.
        again = release.deliveries.filter(journalist_id__in=new).exclude(
            status__in=[PressDelivery.Status.QUEUED, PressDelivery.Status.SENDING]
        )
        again.update(
            status=PressDelivery.Status.QUEUED, attempts=0, sent_at=None, claimed_at=None,
            last_error="", next_attempt_at=timezone.now(),
        )  # fmt: skip
        PressDelivery.objects.bulk_create(
            [PressDelivery(release=release, journalist_id=pk) for pk in new],
            ignore_conflicts=True,
        )
        with translation.override(settings.LANGUAGE_CODE):
            record_change(
                user,
                statement,
                gettext("Released to the press under embargo until %(time)s (%(count)d new)")
                % {
                    "time": timezone.localtime(
                        release.embargo_until, coalition_timezone()
                    ).strftime("%Y-%m-%d %H:%M %Z"),
                    "count": len(new),
                },
            )
        if new:
            transaction.on_commit(lambda: bulk.schedule_sending(PressDelivery._meta.label))
    return release, len(new)


# ---------------------------------------------------------------------------------------------
# Signed links to the documents
# ---------------------------------------------------------------------------------------------


def link_expiry(release):
    return release.embargo_until + datetime.timedelta(days=settings.PRESS_LINK_DAYS)


def document_token(*, attachment, delivery):
    """A signed, expiring token for one document of one journalist's release: it names the
    delivery (so a link that leaks can be traced to the copy it came from, and dies with it),
    never an address."""
    until = int(link_expiry(delivery.release).timestamp())
    return signing.dumps({"a": attachment.pk, "d": delivery.pk, "u": until}, salt=LINK_SALT)


def document_url(*, attachment, delivery, language):
    token = document_token(attachment=attachment, delivery=delivery)
    with translation.override(language):
        return absolute_url(reverse("embargo:document", kwargs={"token": token}))


def read_document_token(token):
    """(attachment, delivery, expired): the document and the copy of the release the link was
    sent in, and whether the link is past its time. Raises signing.BadSignature when the link
    was changed, is not ours, or what it names is gone."""
    from statements.models import Attachment

    # max_age: a hard limit whatever the payload says.
    data = signing.loads(
        token,
        salt=LINK_SALT,
        max_age=datetime.timedelta(days=settings.PRESS_LINK_MAX_DAYS),
    )
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("not a document token")
    delivery = PressDelivery.objects.select_related("release").filter(pk=data.get("d")).first()
    attachment = Attachment.objects.select_related("statement").filter(pk=data.get("a")).first()
    if delivery is None or attachment is None:
        raise signing.BadSignature("gone")
    if attachment.statement.translation_key != delivery.release.translation_key:
        raise signing.BadSignature("mismatch")
    return attachment, delivery, data["u"] < timezone.now().timestamp()


def release_pulled(release):
    """Whether the release was pulled and the statement scheduled again for another time.

    A statement sent back to draft after its release was withdrawn; scheduled again later
    (perhaps rewritten, perhaps released to other journalists), it is another release: the
    links of the first must not show it. (Moved to another time without going back to draft,
    it is the same text under a later embargo: the links keep working until they expire.
    Back to draft and scheduled again for the same time, it is the same release again.)
    """
    history = Statement.history.model.objects.filter(translation_key=release.translation_key)
    released = history.filter(
        status=Statement.Status.PUBLISHED, published_at=release.embargo_until
    ).values("id")
    same_time = Statement.objects.filter(
        translation_key=release.translation_key,
        status=Statement.Status.PUBLISHED,
        published_at=release.embargo_until,
    )
    return (
        not same_time.exists()
        and history.filter(
            id__in=released, status=Statement.Status.DRAFT, history_date__gt=release.released_at
        ).exists()
    )


def preview_url(*, delivery, language):
    """The statement's page as it will be public, for the journalist before the embargo."""
    until = int(link_expiry(delivery.release).timestamp())
    token = signing.dumps({"d": delivery.pk, "u": until}, salt=PREVIEW_SALT)
    with translation.override(language):
        return absolute_url(reverse("embargo:preview", kwargs={"token": token}))


def read_preview_token(token):
    """(delivery, expired); raises signing.BadSignature as read_document_token does."""
    data = signing.loads(
        token, salt=PREVIEW_SALT, max_age=datetime.timedelta(days=settings.PRESS_LINK_MAX_DAYS)
    )
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("not a preview token")
    delivery = PressDelivery.objects.select_related("release").filter(pk=data.get("d")).first()
    if delivery is None:
        raise signing.BadSignature("gone")
    return delivery, data["u"] < timezone.now().timestamp()


# ---------------------------------------------------------------------------------------------
# The mail
# ---------------------------------------------------------------------------------------------


def _memo(memo, key, make):
    if key not in memo:
        memo[key] = make()
    return memo[key]


def _skip(delivery, reason):
    """Mark why a copy or notice is not sent, for staff: `reason` in English, marked with
    gettext_noop, and shown in the reader's language by the release page (embargo_admin)."""
    type(delivery).objects.filter(pk=delivery.pk).update(last_error=reason[:500])


def _still_on_list(journalist):
    """Whether a journalist is on the list as the message is built: read again, as the worker
    read the row with the batch, before an earlier message of the batch to the same address
    was refused (the refusal that takes them off) or they left."""
    try:
        journalist.refresh_from_db(fields=["status", "bounces"])
    except Journalist.DoesNotExist:  # erased meanwhile, and their mail with them
        return False
    return journalist.is_on_list


def _off_the_list(journalist):
    """Why a journalist is sent nothing more (the row's note for staff)."""
    if journalist.status != Journalist.Status.ACTIVE:
        return gettext_noop("The journalist is no longer on the press list.")
    return gettext_noop("The mail server has refused mail to the journalist's address too often.")


def _release_message_id(delivery, domain):
    """The same on every attempt, so that a copy that arrives twice is recognisably the same;
    another once the release was withdrawn from them and is sent again (`press_release`)."""
    release = delivery.release
    # Withdrawals they were told, on any copy: the same count on every attempt of one sending.
    again = PressNotice.objects.filter(
        delivery__journalist_id=delivery.journalist_id,
        delivery__release__translation_key=release.translation_key,
        kind=PressNotice.Kind.WITHDRAWN,
        status=PressNotice.Status.SENT,
    ).count()
    suffix = f".{again}" if again else ""
    return (
        f"<press-{release.translation_key}.{release.pk}.{delivery.journalist_id}{suffix}@{domain}>"
    )


def press_message(delivery, memo):
    """The embargoed release for one journalist, or None when it should not go any more."""
    journalist = delivery.journalist
    release = delivery.release
    if not _still_on_list(journalist):
        _skip(delivery, _off_the_list(journalist))
        return None
    versions = _memo(
        memo,
        ("versions", release.pk),
        lambda: list(
            Statement.objects.filter(
                translation_key=release.translation_key,
                status=Statement.Status.PUBLISHED,
                published_at=release.embargo_until,
            ).select_related("translation_of")
        ),
    )
    if not versions:
        _skip(delivery, gettext_noop("The statement is no longer scheduled for this embargo time."))
        return None
    if release.embargo_until <= timezone.now():
        # Mail still waiting when the embargo lifts (the server was down for hours): the
        # statement is public, and an "EMBARGOED UNTIL" in the past would only confuse.
        _skip(delivery, gettext_noop("The embargo had lifted before the release could be sent."))
        return None
    if Statement.objects.published().filter(translation_key=release.translation_key).exists():
        # Another language version was published before its time: nothing is embargoed now.
        _skip(delivery, gettext_noop("A version of the statement is public already."))
        return None
    statement = pick_version(versions, journalist)
    language = journalist.preferred_language()
    site = _memo(memo, "site", SiteSettings.load)
    source = statement.source
    attachments = _memo(memo, ("attachments", source.pk), lambda: list(source.attachments.all()))
    contacts = _memo(memo, ("contacts", statement.pk), lambda: press_contacts(statement))
    leave = press.leave_url(journalist)
    with translation.override(language), timezone.override(coalition_timezone()):
        context = {
            "statement": statement,
            "moment": embargo_moment(release.embargo_until, language),
            "dateline": dateline(statement),
            "body": plain_text(statement.body_html),
            "link": absolute_url(statement.get_absolute_url()),
            "preview": preview_url(delivery=delivery, language=language),
            "documents": [
                {
                    "title": attachment.title,
                    "extension": attachment.extension,
                    "language": attachment.get_language_display(),
                    "url": document_url(
                        attachment=attachment, delivery=delivery, language=language
                    ),
                }
                for attachment in attachments
            ],
            "until": embargo_moment(link_expiry(release), language),
            "contacts": contacts,
            "site": site,
            "journalist": journalist,
            "fallback": statement.language not in journalist.language_list(),
            "leave": leave,
        }
        subject = " ".join(render_to_string("followers/press/release_subject.txt", context).split())
        body = render_to_string("followers/press/release_body.txt", context).strip() + "\n"
    if (delivery.language, delivery.title) != (statement.language, statement.title[:300]):
        type(delivery).objects.filter(pk=delivery.pk).update(
            language=statement.language, title=statement.title[:300]
        )
    domain = (site_domain() or "localhost").split(":")[0]
    return EmailMessage(
        subject=subject[:300],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[journalist.email],
        headers={
            "Message-ID": _release_message_id(delivery, domain),
            **press.list_unsubscribe_headers(journalist),
            "Auto-Submitted": "auto-generated",
            "Content-Language": statement.language,
        },
    )


# ---------------------------------------------------------------------------------------------
# When the embargo given stops holding: the journalists who have it are told
# ---------------------------------------------------------------------------------------------


def embargo_state(translation_key, now):
    """What the press should now believe of these statements: ("lifted", None) when a version
    is public, ("moved", time) when the earliest scheduled version is public at `time`, else
    ("withdrawn", None)."""
    times = list(
        Statement.objects.filter(
            translation_key=translation_key, status=Statement.Status.PUBLISHED
        ).values_list("published_at", flat=True)
    )
    if any(at <= now for at in times):
        return (PressNotice.Kind.LIFTED, None)
    if times:
        return (PressNotice.Kind.MOVED, min(times))
    return (PressNotice.Kind.WITHDRAWN, None)


def copies_by_journalist(translation_key, journalist_id=None, *, lock=False):
    """The releases of these statements sent to each journalist (or to one), with their notices:
    {journalist_id: [delivery, ...]} in sending order."""
    deliveries = PressDelivery.objects.filter(release__translation_key=translation_key)
    if journalist_id is not None:
        deliveries = deliveries.filter(journalist_id=journalist_id)
    if lock:
        deliveries = deliveries.select_for_update(of=("self",))
    return copies_by_key([translation_key], deliveries)[translation_key]


def copies_by_key(translation_keys, deliveries=None):
    """As copies_by_journalist, for several statements at once, in two queries:
    {translation_key: {journalist_id: [delivery, ...]}}, every key given present. `deliveries`:
    a narrower queryset of them."""
    if deliveries is None:
        deliveries = PressDelivery.objects.filter(release__translation_key__in=translation_keys)
    deliveries = list(deliveries.select_related("release").order_by("pk"))
    prefetch_related_objects(deliveries, "notices")
    copies = {key: {} for key in translation_keys}
    for delivery in deliveries:
        by_person = copies[delivery.release.translation_key]
        by_person.setdefault(delivery.journalist_id, []).append(delivery)
    return copies


def believed(copies):
    """What a journalist was last told of a statement (their copies of its releases, with the
    notices): ("moved", the embargo time) after a release or a new time, ("withdrawn", None) or
    ("lifted", None); None when nothing reached them. Only mail that went counts, latest last."""
    said = [
        (delivery.sent_at, (PressNotice.Kind.MOVED, delivery.release.embargo_until))
        for delivery in copies
        if delivery.status == PressDelivery.Status.SENT and delivery.sent_at
    ]
    said += [
        (notice.sent_at, notice.told())
        for delivery in copies
        for notice in delivery.notices.all()
        if notice.status == PressNotice.Status.SENT and notice.sent_at
    ]
    return max(said, key=lambda pair: pair[0])[1] if said else None


def _due(told, state, since):
    """Whether a journalist who was told `told` must now be told `state`: only if they held an
    embargo still to come at `since` (the change; after "withdrawn" or "lifted", or once their
    time had come, nothing is said by itself), and only when it no longer holds."""
    return (
        told is not None and told[0] == PressNotice.Kind.MOVED and told[1] > since and told != state
    )


def embargo_changed(*, statement, user):
    """The hook statements/services.py calls after every change of when a statement is public.

    Each journalist who was sent a release of it (or is being sent one), who holds an embargo
    still to come that no longer holds, gets one notice, unless one is already waiting: what a
    notice says is decided when it goes (`notice_message`), so a change undone before then
    sends nothing, and several changes send the last state once. Written in the publication's
    transaction, sent after it commits. Every copy of the releases is locked until then: a
    worker cannot claim one meanwhile and build it from the state before."""
    now = timezone.now()
    copies = copies_by_journalist(statement.translation_key, lock=True)
    if not copies:
        return
    state = embargo_state(statement.translation_key, now)
    new = []
    for deliveries in copies.values():
        # One waiting is enough: it says what holds when it goes. One being sent now may say
        # what held before this change, so another is written, to go after it.
        if any(n.status == PressNotice.Status.QUEUED for d in deliveries for n in d.notices.all()):
            continue
        going = [d for d in deliveries if d.status == PressDelivery.Status.SENDING]
        told = believed(deliveries)
        if going and told is None:  # their first copy is on its way: it will have said this
            told = (PressNotice.Kind.MOVED, going[-1].release.embargo_until)
        if not _due(told, state, now):
            continue
        latest = [
            d
            for d in deliveries
            if d.status in (PressDelivery.Status.SENT, PressDelivery.Status.SENDING)
        ]
        new.append(PressNotice(delivery=latest[-1], kind=state[0], embargo_until=state[1]))
    if new:
        PressNotice.objects.bulk_create(new)
        transaction.on_commit(lambda: bulk.schedule_sending(PressNotice._meta.label))


def notice_message(notice, memo):
    """The word to one journalist about a release they have, decided now: the state of the
    statement against what they were last told. None (skipped) when that still holds."""
    delivery = notice.delivery
    journalist = delivery.journalist
    release = delivery.release
    if not _still_on_list(journalist):
        _skip(notice, _off_the_list(journalist))
        return None
    copies = copies_by_journalist(release.translation_key, journalist.pk).get(journalist.pk, [])
    if any(d.status == PressDelivery.Status.SENDING for d in copies):
        # A copy built before the change may still go out as it was: say what holds after it.
        raise bulk.Later(gettext_noop("A release to this journalist is still being sent."))
    if any(
        n.status == PressNotice.Status.SENDING and n.pk != notice.pk
        for d in copies
        for n in d.notices.all()
    ):
        raise bulk.Later(gettext_noop("Another notice to this journalist is being sent."))
    now = timezone.now()
    told = believed(copies)
    state = embargo_state(release.translation_key, now)
    if told is None:
        _skip(notice, gettext_noop("The journalist never received the release."))
        return None
    # Due if it was when staff made the change, even if the mail is late (the rate limit, a
    # server down): a withdrawal after their embargo time is still worth telling.
    if not _due(told, state, notice.created_at) or (
        state[0] == PressNotice.Kind.LIFTED and told[1] <= now
    ):
        _skip(
            notice,
            gettext_noop("What the journalist was told still holds, or it is public as told."),
        )
        return None
    kind, until = state
    type(notice).objects.filter(pk=notice.pk).update(kind=kind, embargo_until=until)
    # The copy that told them the time this notice corrects, and its title as sent.
    sent = [d for d in copies if d.status == PressDelivery.Status.SENT]
    last = sent[-1]
    title = last.title or last.release.title
    readable = None
    if kind == PressNotice.Kind.LIFTED:
        public = list(Statement.objects.published().filter(translation_key=release.translation_key))
        readable = pick_version(public, journalist) if public else None
    language = journalist.preferred_language()
    site = _memo(memo, "site", SiteSettings.load)
    with translation.override(language), timezone.override(coalition_timezone()):
        context = {
            "kind": kind,
            "late": told[1] <= now,
            "title": title,
            "was": embargo_moment(told[1], language),
            "moment": embargo_moment(until, language) if until else None,
            "link": absolute_url(readable.get_absolute_url()) if readable else "",
            "contacts": _memo(
                memo,
                ("notice-contacts", release.translation_key),
                lambda: press_contacts(release.statement),
            ),
            "site": site,
            "leave": press.leave_url(journalist),
        }
        subject = " ".join(render_to_string("followers/press/notice_subject.txt", context).split())
        body = render_to_string("followers/press/notice_body.txt", context).strip() + "\n"
    domain = (site_domain() or "localhost").split(":")[0]
    return EmailMessage(
        subject=subject[:300],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[journalist.email],
        headers={
            # What it says is in it: a notice rebuilt to say something else is another message.
            "Message-ID": f"<press-notice-{notice.pk}.{kind}"
            f"{'.' + str(int(until.timestamp())) if until else ''}.{journalist.pk}@{domain}>",
            "References": _release_message_id(last, domain),
            **press.list_unsubscribe_headers(journalist),
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
        },
    )


# ---------------------------------------------------------------------------------------------
# Deleting what journalists still hold
# ---------------------------------------------------------------------------------------------

WAITING = (PressDelivery.Status.QUEUED, PressDelivery.Status.SENDING)


def _still_counting_on_it(deliveries, now):
    """Whether a journalist (their copies of one statement's releases, with the notices) holds
    an embargo still to come, or has a copy or a notice of it still to go."""
    if any(
        d.status in WAITING or any(n.status in WAITING for n in d.notices.all()) for d in deliveries
    ):
        return True
    told = believed(deliveries)
    return told is not None and told[0] == PressNotice.Kind.MOVED and told[1] > now


def deletion_refusals(*, statements=(), releases=()):
    """Why these statements or releases cannot be deleted yet: a sentence for each one whose
    deletion would leave journalists on the list counting on an embargo nobody would correct.

    Deleting a scheduled statement is not a withdrawal (no notice goes), and deleting the
    release a journalist's copy belongs to takes the copy, and every notice still to go about
    it, with it. So either waits until those journalists have been told (unpublish first) or
    their embargo has passed."""
    now = timezone.now()
    items = [*statements, *releases]
    # Every copy of every statement selected, and who of their holders is still on the list,
    # read at once: however many statements the list's "Delete" action is given.
    copies = copies_by_key({item.translation_key for item in items})
    people = {person for by_person in copies.values() for person in by_person}
    on_the_list = Journalist.objects.on_list().filter(pk__in=people)  # only they would be told
    active = set(on_the_list.values_list("pk", flat=True)) if people else set()
    holders = {  # translation key -> {journalist id: copies}
        key: {
            person: deliveries
            for person, deliveries in by_person.items()
            if person in active and _still_counting_on_it(deliveries, now)
        }
        for key, by_person in copies.items()
    }
    refusals = []
    for item in items:
        key = item.translation_key
        if isinstance(item, PressRelease):
            counting = [
                p for p, ds in holders[key].items() if any(d.release_id == item.pk for d in ds)
            ]
        else:
            scheduled = (
                item.status == Statement.Status.PUBLISHED
                and item.published_at is not None
                and item.published_at > now
            )
            counting = [
                p
                for p, ds in holders[key].items()
                if scheduled or any(d.release.statement_id == item.pk for d in ds)
            ]
        if counting:
            refusals.append(
                ngettext(
                    "“%(title)s”: %(count)s journalist holds it under an embargo that has not "
                    "passed, or has mail about it still to go, and would not be told. Unpublish "
                    "every language version first: journalists are told by mail that it is "
                    "withdrawn. It can be deleted once that mail has gone, or once the embargo "
                    "has passed.",
                    "“%(title)s”: %(count)s journalists hold it under an embargo that has not "
                    "passed, or have mail about it still to go, and would not be told. Unpublish "
                    "every language version first: journalists are told by mail that it is "
                    "withdrawn. It can be deleted once that mail has gone, or once the embargo "
                    "has passed.",
                    len(counting),
                )
                % {"title": item.title, "count": len(counting)}
            )
    return refusals
