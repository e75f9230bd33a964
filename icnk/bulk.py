"""Mail to many people at once (announcements, and later press releases): each message exactly
once, at a per-minute rate, without holding up the site's other mail.

The outbox (icnk/mail.py) keeps one row and one task per message, with its rendered body: right
for a confirmation link, too heavy for ten thousand copies of a long statement. Bulk mail keeps
instead one small *delivery* row per recipient and per thing announced, with a unique constraint
on the pair (a concrete subclass of `BulkDelivery` in the app that sends it), and renders each
message when it is sent.

How each message goes out once:

- The rows are written before anything is sent, in batches, each in its own transaction; the
  unique constraint makes writing them again (a sweep after a crash) harmless.
- A sender *claims* one row at a time (`queued` -> `sending`, a conditional UPDATE that only
  one worker can win), hands that one message to the SMTP server, and marks it `sent` at once.
  A worker killed mid-batch leaves every message it had not reached `queued`, and those it had
  finished `sent`: the next worker neither skips nor repeats them.
- The only message in doubt is the one whose SMTP conversation the kill cut: it stays `sending`
  and is queued again after MAIL_STALE_SECONDS (the server may or may not have taken it). Its
  Message-ID is derived from the row, so a copy that did arrive twice carries the same
  Message-ID, which mail clients and servers use to drop duplicates.

Other mail keeps flowing: the sending task runs on its own queue ("bulk") with a lower priority
than the outbox's, and stops after BULK_MAIL_BATCH messages, queueing its successor. A worker
always takes the most urgent task first, so a confirmation link waits at most one batch.

Refusals: a 5xx answer (an unknown mailbox) is permanent: the row is `failed` and the model's
`refused()` counts it against the address (which stops mail to it after MAIL_BOUNCE_LIMIT); a
4xx answer or a server that is down is temporary: the row is queued again with back-off.

Apps register their delivery models with `register()` in AppConfig.ready(); this module names
none of them.
"""

import datetime
import logging
import smtplib
import time

from django.conf import settings
from django.core.mail import mailers
from django.db import models, transaction
from django.db.models import Min
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icnk.mail import pending_tasks, retry_delay

logger = logging.getLogger(__name__)

BULK_PRIORITY = -10  # below the outbox's tasks (0): a worker takes those first
SWEEP_EVERY = datetime.timedelta(minutes=5)  # as the outbox: MAIL_STALE_SECONDS is 5 minutes

_models = {}  # label -> model


def register(model):
    """Send the queued rows of this concrete BulkDelivery subclass."""
    _models[model._meta.label] = model
    return model


class Later(Exception):  # noqa: N818 (not an error: a message that is not due yet)
    """Raised by build_message() when what the message depends on is still on its way (a press
    notice about a release another worker is sending): the row waits `seconds` and is tried
    again, without counting an attempt and without an error in the log."""

    def __init__(self, reason, *, seconds=60):
        super().__init__(reason)
        self.seconds = seconds


class BulkDelivery(models.Model):
    """One message to one recipient; subclasses add what it is about and who gets it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused")
        SKIPPED = "skipped", _("Not sent")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    # What build_message() reads beside the row, loaded with it.
    BULK_RELATED = ()

    class Meta:
        abstract = True

    def build_message(self, memo):
        """The EmailMessage to send, or None when it should not go any more (the recipient
        left, the statement was withdrawn): the row is then marked `skipped`. Raises `Later`
        when it is not due yet. `memo`: a dict that lives for one batch, for what every
        message of it shares."""
        raise NotImplementedError

    def refused(self, *, permanent, error):
        """The server refused the message (5xx when `permanent`): note it against the address."""


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------


def _rate_budget():
    """How many messages may go now under BULK_MAIL_PER_MINUTE (all bulk mail together), and
    when the next one may go when none may."""
    limit = settings.BULK_MAIL_PER_MINUTE
    if not limit:
        return settings.BULK_MAIL_BATCH, None
    since = timezone.now() - datetime.timedelta(minutes=1)
    sent, oldest = 0, None
    for model in _models.values():
        window = model.objects.filter(sent_at__gte=since)
        sent += window.count()
        first = window.aggregate(first=Min("sent_at"))["first"]
        oldest = first if oldest is None or (first and first < oldest) else oldest
    budget = limit - sent
    if budget > 0:
        return min(budget, settings.BULK_MAIL_BATCH), None
    return 0, (oldest or timezone.now()) + datetime.timedelta(minutes=1)


def _claim(model, count):
    """Take up to `count` due rows for this worker (`queued` -> `sending`), oldest first.

    Claiming several at once saves a round trip per message and is as safe: a row is handed to
    the mail server only after it is claimed and marked `sent` right after, so a worker killed
    with claimed rows it had not reached leaves them `sending`, and they are queued again
    (never sent twice) after MAIL_STALE_SECONDS.

    Returns the rows and the time of the claim, which every later write about them names.
    """
    claimed_at = timezone.now()
    with transaction.atomic():
        pks = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(status=BulkDelivery.Status.QUEUED, next_attempt_at__lte=timezone.now())
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
        )
        model.objects.filter(pk__in=pks).update(
            status=BulkDelivery.Status.SENDING, claimed_at=claimed_at
        )
    rows = model.objects.select_related(*model.BULK_RELATED).filter(pk__in=pks).order_by("pk")
    return list(rows), claimed_at


def _smtp_code(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return codes[0] if codes else None
    return getattr(error, "smtp_code", None)


def _finish(row, claim, **fields):
    """Write what became of a claimed row, only while the claim is still this worker's.

    A worker frozen past MAIL_STALE_SECONDS (a paused machine, a stopped process) wakes to
    find its rows queued again and perhaps sent by another worker: writing `queued` over that
    `sent` would send the message once more. Returns whether the claim was still ours.
    """
    return bool(
        type(row)
        .objects.filter(pk=row.pk, status=BulkDelivery.Status.SENDING, claimed_at=claim)
        .update(**fields)
    )


def _claim_lost(row, *, sent):
    """Log why a row could not be written after it was tried (`sent` or not): another worker
    took it over, or it is gone, as erasing a person deletes the mail to them, even while a
    worker is sending it (then nothing is retried: the row is not there to queue)."""
    if not type(row).objects.filter(pk=row.pk).exists():
        what = "deleted (erased) while it was being sent; not retried"
        if sent:
            what = "sent, but deleted (erased) while it was being sent"
    elif sent:
        what = "sent after another worker took it over; it may have gone twice"
    else:
        what = "taken over while this worker tried it"
    logger.warning("bulk mail: %s %s was %s", type(row)._meta.label, row.pk, what)


def _retry_or_give_up(row, claim, text):
    """A temporary failure: queued again after the back-off, or `failed` after
    MAIL_MAX_ATTEMPTS. Returns whether the claim was still ours."""
    attempts = row.attempts + 1
    give_up = attempts >= settings.MAIL_MAX_ATTEMPTS
    return _finish(
        row,
        claim,
        status=BulkDelivery.Status.FAILED if give_up else BulkDelivery.Status.QUEUED,
        attempts=attempts,
        last_error=text,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=retry_delay(attempts)),
    )


def _not_sendable(row, claimed_at, what, error):
    """A bug or bad data in one message (a body that fails to render, an address the mail
    library refuses to write) must not hold up the rest of the list: the row is tried again
    after the back-off, like a busy mailbox, then given up. The log names the row and the
    error's type only: its text can hold the address, which stays in `last_error`."""
    label = type(row)._meta.label
    logger.error("bulk mail: %s %s %s (%s)", label, row.pk, what, type(error).__name__)
    _retry_or_give_up(row, claimed_at, f"{type(error).__name__}: {error}"[:500])


def send_batch(model):
    """Send up to one batch of due rows of `model`; returns (sent, more_due_at).

    `more_due_at`: when to run again (now, the next retry, or when the rate allows), or None
    when nothing is left to send.
    """
    budget, wait_until = _rate_budget()
    if not budget:
        return 0, wait_until
    connection = mailers.default
    started = time.monotonic()
    # After this, another worker may have taken the rows over (requeue_stranded): stop. The
    # wall clock, because a machine that was paused may not count the pause on the monotonic.
    lapses = datetime.timedelta(seconds=settings.MAIL_STALE_SECONDS)
    memo = {}
    sent = 0
    server_down = None
    rows, claimed_at = _claim(model, budget)
    done = 0
    try:
        for row in rows:
            if (
                time.monotonic() - started >= settings.BULK_MAIL_BATCH_SECONDS
                or timezone.now() - claimed_at >= lapses
            ):
                break
            done += 1
            try:
                message = row.build_message(memo)
            except Later as later:
                _finish(
                    row,
                    claimed_at,
                    status=BulkDelivery.Status.QUEUED,
                    claimed_at=None,
                    last_error=str(later)[:500],
                    next_attempt_at=timezone.now() + datetime.timedelta(seconds=later.seconds),
                )
                continue
            except Exception as error:
                _not_sendable(row, claimed_at, "could not be built", error)
                continue
            if message is None:
                _finish(row, claimed_at, status=BulkDelivery.Status.SKIPPED, claimed_at=None)
                continue
            try:
                connection.send_messages([message])
            except (smtplib.SMTPException, OSError) as error:
                code = _smtp_code(error)
                text = f"{type(error).__name__}: {error}"[:500]
                if code and 500 <= code < 600:
                    ours = _finish(row, claimed_at, status=BulkDelivery.Status.FAILED,
                                   attempts=row.attempts + 1, last_error=text)  # fmt: skip
                else:
                    ours = _retry_or_give_up(row, claimed_at, text)
                if not ours:  # another worker has it now, or nobody: it stands, refusal or not
                    _claim_lost(row, sent=False)
                    continue
                if code:  # 4xx: this address is busy, the others may not be; 5xx: it is refused
                    row.refused(permanent=code >= 500, error=text)
                    continue
                server_down = error  # no answer at all: stop, and try again after a while
                connection.close()
                break
            except Exception as error:  # not the server: the backend would not send it as it is
                _not_sendable(row, claimed_at, "could not be sent", error)
                continue
            sent += 1
            if not _finish(
                row,
                claimed_at,
                status=BulkDelivery.Status.SENT,
                attempts=row.attempts + 1,
                sent_at=timezone.now(),
                last_error="",
            ):
                _claim_lost(row, sent=True)
        # Claimed but not reached (time is up, the server went away): back in the queue now,
        # unless another worker has claimed them since. A worker that is killed does not get
        # here: its rows wait for MAIL_STALE_SECONDS.
        untried = [row.pk for row in rows[done:]]
        if untried:
            model.objects.filter(
                pk__in=untried, status=BulkDelivery.Status.SENDING, claimed_at=claimed_at
            ).update(status=BulkDelivery.Status.QUEUED, claimed_at=None)
    finally:
        connection.close()
    if server_down is not None:
        logger.warning("bulk mail: server unavailable (%s); retrying later", server_down)
    due = model.objects.filter(status=BulkDelivery.Status.QUEUED).aggregate(
        due=Min("next_attempt_at")
    )["due"]
    return sent, due


def _waiting(label, *, running=True):
    """A sending task for this model is ready, or (with `running`) running in a worker that is
    alive."""
    rows = pending_tasks(send_bulk)
    if not running:
        rows = rows.filter(status="READY")
    return any(row.get("args") == [label] for row in rows.values_list("args_kwargs", flat=True))


def schedule_sending(label, *, at=None):
    """Queue the sending task for this model unless one is already waiting to run."""
    if not _waiting(label, running=False):
        send_bulk.using(run_after=at or timezone.now()).enqueue(label)


@task(queue_name="bulk", priority=BULK_PRIORITY)
def send_bulk(label):
    """One batch of one model's bulk mail, then queue the next batch if any is left."""
    model = _models.get(label)
    if model is None:
        return "unknown model"
    sent, due = send_batch(model)
    if due is not None:
        schedule_sending(label, at=max(due, timezone.now()))
    return sent


def requeue_stranded():
    """Rows left `sending` by a worker that died are queued again; every model with queued rows
    gets a sending task. Returns how many rows were requeued."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.MAIL_STALE_SECONDS)
    requeued = 0
    for label, model in _models.items():
        requeued += model.objects.filter(
            status=BulkDelivery.Status.SENDING, claimed_at__lt=stale
        ).update(status=BulkDelivery.Status.QUEUED, claimed_at=None)
        due = model.objects.filter(status=BulkDelivery.Status.QUEUED).aggregate(
            due=Min("next_attempt_at")
        )["due"]
        if due is not None and not _waiting(label):
            schedule_sending(label, at=max(due, timezone.now()))
    if requeued:
        logger.warning("bulk mail: requeued %s message(s) a stopped worker left", requeued)
    return requeued


@task
def sweep_bulk():
    """Every few minutes: requeue what a dead worker left (the next sweep is queued first)."""
    schedule_sweep(after=SWEEP_EVERY)
    return requeue_stranded()


def schedule_sweep(*, after=datetime.timedelta(0)):
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.filter(task_path=sweep_bulk.module_path, status="READY").exists():
        sweep_bulk.using(run_after=timezone.now() + after).enqueue()
