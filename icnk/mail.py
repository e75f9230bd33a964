"""Mail that is never lost: every message goes through the outbox and the task queue.

`queue_mail()` writes an OutboundEmail row and enqueues `deliver_email` with the database task
backend, inside the caller's transaction. The worker (`make worker`) sends it; when the mail
server is down the task schedules itself again with exponential back-off, up to
MAIL_MAX_ATTEMPTS, so the message goes out once the server is back.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from icnk.models import OutboundEmail

logger = logging.getLogger(__name__)


def render_mail(template_prefix, context, language):
    """Subject and body from `<prefix>_subject.txt` and `<prefix>_body.txt`, in `language`."""
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        body = render_to_string(f"{template_prefix}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def queue_mail(*, to, template_prefix, context, language=settings.LANGUAGE_CODE):
    """Record the message and enqueue its delivery; returns the OutboundEmail."""
    subject, body = render_mail(template_prefix, context, language)
    with transaction.atomic():
        email = OutboundEmail.objects.create(to=to, subject=subject[:300], body=body)
        deliver_email.enqueue(email.pk)
    return email


def retry_delay(attempts):
    """Seconds to wait after `attempts` failures: base, 2×, 4×… capped at six hours."""
    base = settings.MAIL_RETRY_BACKOFF_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), 6 * 60 * 60)


@task(queue_name="mail")
def deliver_email(email_id):
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None or email.status != OutboundEmail.Status.QUEUED:
        return "nothing to do"
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    try:
        message.send()
    except Exception as error:  # a down, slow or refusing server: try again later
        email.attempts += 1
        email.last_error = f"{type(error).__name__}: {error}"[:500]
        if email.attempts >= settings.MAIL_MAX_ATTEMPTS:
            email.status = OutboundEmail.Status.FAILED
            logger.error("giving up on email %s after %s attempts", email.pk, email.attempts)
        email.save(update_fields=["attempts", "last_error", "status"])
        if email.status == OutboundEmail.Status.QUEUED:
            delay = retry_delay(email.attempts)
            run_after = timezone.now() + datetime.timedelta(seconds=delay)
            deliver_email.using(run_after=run_after).enqueue(email.pk)
            logger.warning("email %s not sent (%s); retry in %ss", email.pk, error, delay)
        return "retry scheduled"
    email.attempts += 1
    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return "sent"
