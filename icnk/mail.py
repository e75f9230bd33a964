"""Mail that is never lost: every message goes through the outbox and the task queue.

`queue_mail()` writes an OutboundEmail row and enqueues `deliver_email` with the database task
backend, inside the caller's transaction. The worker (`make worker`) sends it; when the mail
server is down the task schedules itself again with exponential back-off, up to
MAIL_MAX_ATTEMPTS, so the message goes out once the server is back.

A worker can die at any moment (SIGKILL, a crashed machine). A message is claimed
(`queued` → `sending`) before the SMTP conversation and marked `sent` after it; the worker
sweeps the outbox when it starts and every few minutes: a message still `queued` with no task
waiting, or `sending` for longer than MAIL_STALE_SECONDS, is queued again. Delivery is
therefore at least once; a duplicate needs a crash in the seconds between the server accepting
the message and the row being marked sent.
"""

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from icnk.models import OutboundEmail

logger = logging.getLogger(__name__)

SWEEP_EVERY = datetime.timedelta(minutes=5)


# Kinds of mail (their template prefixes) whose recipients the outbox shows only to staff
# with a permission: an app registers those sent to people whose list not every role sees.
PERMISSION_TO_SEE = {}


def seen_by(template_prefix, permission):
    """The outbox shows mail written from `template_prefix` only to staff with `permission`
    ("followers.view_subscriber")."""
    PERMISSION_TO_SEE[template_prefix] = permission


def render_mail(template_prefix, context, language):
    """Subject and body from `<prefix>_subject.txt` and `<prefix>_body.txt`, in `language`."""
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        body = render_to_string(f"{template_prefix}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def queue_mail(*, to, template_prefix, context, language=settings.LANGUAGE_CODE, headers=None):
    """Record the message and enqueue its delivery; returns the OutboundEmail. `headers`:
    extra headers, such as a list's one-click unsubscribe."""
    subject, body = render_mail(template_prefix, context, language)
    with transaction.atomic():
        email = OutboundEmail.objects.create(
            to=to,
            subject=subject[:300],
            body=body,
            headers=headers or {},
            template=template_prefix,
        )
        deliver_email.enqueue(email.pk)
    return email


def retry_delay(attempts):
    """Seconds to wait after `attempts` failures: base, 2×, 4×… capped at six hours."""
    base = settings.MAIL_RETRY_BACKOFF_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), 6 * 60 * 60)


def _claim(email_id):
    """Move one queued message to `sending`; returns the claim's time, or None if another
    worker has it or it is done."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.QUEUED).update(
        status=OutboundEmail.Status.SENDING, claimed_at=now
    )
    return now if claimed == 1 else None


def _failure(error):
    """What the log says of a failed attempt: what failed and the server's reply codes. Not the
    error's text, which can name the recipient (a refusal quotes the address); that stays in
    the message's `last_error`, for the staff who see its address anyway. (A refusal is said in
    words: "SMTPRecipientsRefused" is as long as a token, and the log would redact it.)"""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _reply in error.recipients.values()})
        return "recipient refused: " + " ".join(map(str, codes))
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code}"
    return type(error).__name__


@task(queue_name="mail")
def deliver_email(email_id):
    claimed_at = _claim(email_id)
    if claimed_at is None:
        return "nothing to do"
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=email.headers or None,
    )
    try:
        message.send()
    except Exception as error:  # a down, slow or refusing server: try again later
        email.attempts += 1
        email.last_error = f"{type(error).__name__}: {error}"[:500]
        email.status = OutboundEmail.Status.QUEUED
        if email.attempts >= settings.MAIL_MAX_ATTEMPTS:
            email.status = OutboundEmail.Status.FAILED
        # Only while the claim is still ours: a worker that stalled past MAIL_STALE_SECONDS
        # (a frozen machine) may find that another took the message over and sent it.
        still_ours = OutboundEmail.objects.filter(
            pk=email.pk, status=OutboundEmail.Status.SENDING, claimed_at=claimed_at
        ).update(attempts=email.attempts, last_error=email.last_error, status=email.status)
        if not still_ours:
            return _lost_claim(email.pk)
        if email.status == OutboundEmail.Status.FAILED:
            logger.error("giving up on email %s after %s attempts", email.pk, email.attempts)
        if email.status == OutboundEmail.Status.QUEUED:
            delay = retry_delay(email.attempts)
            run_after = timezone.now() + datetime.timedelta(seconds=delay)
            deliver_email.using(run_after=run_after).enqueue(email.pk)
            logger.warning("email %s not sent (%s); retry in %ss", email.pk, _failure(error), delay)
        return "retry scheduled"
    # Sent, whoever holds the claim now (a worker that took it over may send it again: at least
    # once). The row may be gone: erasing a person deletes the mail to them, even mid-send.
    recorded = OutboundEmail.objects.filter(pk=email.pk).update(
        attempts=email.attempts + 1,
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    if not recorded:
        logger.warning("email %s: sent, but deleted (erased) while it was being sent", email.pk)
        return "erased"
    return "sent"


def _lost_claim(email_id):
    """What a worker whose attempt failed reports when the message is no longer its own."""
    if OutboundEmail.objects.filter(pk=email_id).exists():
        logger.warning("email %s: another worker took it over while this one waited", email_id)
        return "taken over"
    # Erasing a person deletes the mail to them: nothing to retry, nobody to tell.
    logger.warning("email %s: deleted (erased) while it was being sent; not retried", email_id)
    return "erased"


def pending_tasks(task_function):
    """The queue's rows of this task that a worker will run, or may be running now.

    A row is `READY` until a worker takes it, then `RUNNING` until the task returns. A worker
    that is killed (SIGKILL, a crashed machine) leaves its row `RUNNING` for ever, and counting
    that row as pending would leave its message unsent for ever. No task of ours runs longer
    than MAIL_STALE_SECONDS (an SMTP conversation times out after 10 s, a bulk batch stops
    after BULK_MAIL_BATCH_SECONDS), so a row started before that belongs to a dead worker.
    """
    from django_tasks_db.models import DBTaskResult

    stale = timezone.now() - datetime.timedelta(seconds=settings.MAIL_STALE_SECONDS)
    return DBTaskResult.objects.filter(task_path=task_function.module_path).filter(
        Q(status="READY") | Q(status="RUNNING", started_at__gte=stale)
    )


def requeue_stranded_mail():
    """Queue again what a dead worker left behind; returns how many messages were requeued."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.MAIL_STALE_SECONDS)
    OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING, claimed_at__lt=stale).update(
        status=OutboundEmail.Status.QUEUED
    )
    waiting = {
        int(row["args_kwargs"]["args"][0])
        for row in pending_tasks(deliver_email).values("args_kwargs")
        if row["args_kwargs"].get("args")
    }
    requeued = 0
    for email_id in OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).values_list(
        "pk", flat=True
    ):
        if email_id not in waiting:
            deliver_email.enqueue(email_id)
            requeued += 1
    if requeued:
        logger.warning("requeued %s stranded email(s)", requeued)
    return requeued


@task
def sweep_outbox():
    """Every few minutes: requeue stranded mail. The next sweep is queued first, so that an
    error here or a worker killed mid-way does not end the sweeps."""
    schedule_sweep(after=SWEEP_EVERY)
    return requeue_stranded_mail()


def schedule_sweep(*, after=SWEEP_EVERY):
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.filter(task_path=sweep_outbox.module_path, status="READY").exists():
        sweep_outbox.using(run_after=timezone.now() + after).enqueue()


def retry_now(emails):
    """Send these messages again now, if they are waiting or gave up; returns how many.

    Never sends a message twice: one already sent, or being sent by a worker at this moment,
    is left alone (the worker's claim and this change lock the same row, so they cannot
    cross). A message waiting out its back-off keeps its one task, moved to now, rather than
    gaining a second. A message that gave up gets one more attempt; if that fails too it gives
    up again, and the desk shows it.
    """
    from django_tasks_db.models import DBTaskResult

    retried = 0
    retryable = [OutboundEmail.Status.QUEUED, OutboundEmail.Status.FAILED]
    for email_id in [email.pk for email in emails]:
        with transaction.atomic():
            email = (
                OutboundEmail.objects.select_for_update()
                .filter(pk=email_id, status__in=retryable)
                .first()
            )
            if email is None:
                continue
            if email.status == OutboundEmail.Status.FAILED:
                email.status = OutboundEmail.Status.QUEUED
                email.save(update_fields=["status"])
            waiting = [
                row.pk
                for row in DBTaskResult.objects.filter(
                    task_path=deliver_email.module_path, status="READY"
                ).only("pk", "args_kwargs")
                if row.args_kwargs.get("args") and int(row.args_kwargs["args"][0]) == email.pk
            ]
            if waiting:
                DBTaskResult.objects.filter(pk__in=waiting).update(run_after=timezone.now())
            else:
                deliver_email.enqueue(email.pk)
            retried += 1
    if retried:
        logger.info("%s email(s) queued to be sent again now", retried)
    return retried
