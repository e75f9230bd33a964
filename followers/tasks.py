"""The worker's part: announce statements when they become public, purge stale requests."""

import datetime

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from followers.services import announce_due, subscribers_purge
from statements.models import Statement

PURGE_EVERY = datetime.timedelta(hours=24)


def _ready(task_to_run):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_to_run.module_path, status="READY")


@task
def announce_statements():
    """Announce what became public. The next run, queued first, is at the next scheduled
    publication, and in any case within FOLLOW_SWEEP_SECONDS (a statement published without a
    signal, or while the worker was down)."""
    soon = timezone.now() + datetime.timedelta(seconds=settings.FOLLOW_SWEEP_SECONDS)
    schedule_announcements(at=min(filter(None, [soon, Statement.objects.next_scheduled_at()])))
    return announce_due()


def schedule_announcements(*, at=None):
    """Make sure the announcing task runs by `at` (default: now, as when the worker starts)."""
    at = at or timezone.now()
    waiting = _ready(announce_statements)
    if waiting.filter(run_after__lte=at).exists():
        return
    waiting.delete()  # a later run is replaced by this earlier one
    announce_statements.using(run_after=at).enqueue()


def statement_saved(sender, instance, **kwargs):
    """A statement saved with a publication time is looked at again at that time (the
    announcing task itself decides, from the data, whether it is public then)."""
    if instance.published_at:
        at = max(instance.published_at, timezone.now())
        transaction.on_commit(lambda: schedule_announcements(at=at))


def statement_published(*, statement, user):
    """The hook statements/services.py calls when a statement is published or scheduled with
    its functions, which write without a signal: "Publish now" reaches subscribers at once,
    once the publication is committed, rather than at the next sweep."""
    at = max(statement.published_at or timezone.now(), timezone.now())
    transaction.on_commit(lambda: schedule_announcements(at=at))


@task
def purge_subscribers():
    from followers.press import journalists_purge

    schedule_purge(after=PURGE_EVERY)
    return subscribers_purge() + journalists_purge()


def schedule_purge(*, after=datetime.timedelta(0)):
    if not _ready(purge_subscribers).exists():
        purge_subscribers.using(run_after=timezone.now() + after).enqueue()
