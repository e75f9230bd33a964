"""Periodic work run by the task worker."""

import datetime

from django.tasks import task
from django.utils import timezone

from members.services import join_requests_purge

PURGE_EVERY = datetime.timedelta(hours=24)


@task
def purge_join_requests():
    """Erase stale personal data, then schedule the next run a day later."""
    erased = join_requests_purge()
    schedule_purge(after=PURGE_EVERY)
    return erased


def schedule_purge(*, after=datetime.timedelta(0)):
    from django_tasks_db.models import DBTaskResult

    name = f"{purge_join_requests.module_path}"
    already = DBTaskResult.objects.filter(task_path=name, status="READY").exists()
    if not already:
        purge_join_requests.using(run_after=timezone.now() + after).enqueue()
