"""Periodic work run by the task worker."""

import datetime
from importlib import import_module

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from members.services import join_requests_purge

PURGE_EVERY = datetime.timedelta(hours=24)
CLEAR_SESSIONS_EVERY = datetime.timedelta(hours=1)


def _schedule(task_to_run, *, after):
    from django_tasks_db.models import DBTaskResult

    already = DBTaskResult.objects.filter(
        task_path=task_to_run.module_path, status="READY"
    ).exists()
    if not already:
        task_to_run.using(run_after=timezone.now() + after).enqueue()


@task
def purge_join_requests():
    """Erase stale personal data; the next run, a day later, is queued first."""
    schedule_purge(after=PURGE_EVERY)
    return join_requests_purge()


def schedule_purge(*, after=datetime.timedelta(0)):
    _schedule(purge_join_requests, after=after)


@task
def clear_expired_sessions():
    """Delete expired sessions (what `manage.py clearsessions` does); the next run is queued first.

    A visitor's session can hold what they just did (the join form's "sent to" address, masked);
    an expired one must not linger in the database until someone remembers the command.
    """
    schedule_session_clearing(after=CLEAR_SESSIONS_EVERY)
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


def schedule_session_clearing(*, after=datetime.timedelta(0)):
    _schedule(clear_expired_sessions, after=after)


MEMBERSHIP_RULES_EVERY = datetime.timedelta(hours=24)


@task
def apply_membership_rules():
    """Renewal reminders and lapses (members/renewal.py); the next run, a day later, is queued
    first.

    The rules read dates, not the time of the last run: a worker that was down for weeks
    catches up on its first run, and a second run the same day changes nothing.
    """
    from members.renewal import membership_rules_apply

    schedule_membership_rules(after=MEMBERSHIP_RULES_EVERY)
    return membership_rules_apply()


def schedule_membership_rules(*, after=datetime.timedelta(0)):
    _schedule(apply_membership_rules, after=after)
