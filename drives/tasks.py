"""The worker's periodic check for sign-on reminders that are due."""

import datetime

from django.tasks import task
from django.utils import timezone

from drives.services import send_due_reminders

CHECK_EVERY = datetime.timedelta(minutes=15)


@task
def send_reminders():
    """Send the reminders that are due (and any missed while no worker ran); the next check is
    queued first."""
    schedule_reminders(after=CHECK_EVERY)
    return send_due_reminders()


def schedule_reminders(*, after=datetime.timedelta(0)):
    from django_tasks_db.models import DBTaskResult

    already = DBTaskResult.objects.filter(
        task_path=send_reminders.module_path, status="READY"
    ).exists()
    if not already:
        send_reminders.using(run_after=timezone.now() + after).enqueue()
