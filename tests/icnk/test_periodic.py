"""A periodic job that fails once keeps running: the purges, the reminders, the sweeps.

Each periodic task queues its next run. Queued at the end, one error (a database restart, a
bug in one row) or a worker killed mid-run ended the chain until a worker restarted: stale
join requests kept, reminders never sent, stranded mail never requeued.
"""

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

# The worker's own requeue at start-up stays the real one: the test breaks the periodic run.
from icnk.management.commands import worker  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

# Each periodic task, and the work inside it that the test makes fail.
PERIODIC = {
    "icnk.mail.sweep_outbox": "icnk.mail.requeue_stranded_mail",
    "icnk.bulk.sweep_bulk": "icnk.bulk.requeue_stranded",
    "members.tasks.purge_join_requests": "members.tasks.join_requests_purge",
    "members.tasks.clear_expired_sessions": (
        "django.contrib.sessions.backends.db.SessionStore.clear_expired"
    ),
    "members.tasks.apply_membership_rules": "members.renewal.membership_rules_apply",
    "drives.tasks.send_reminders": "drives.tasks.send_due_reminders",
    "followers.tasks.announce_statements": "followers.tasks.announce_due",
    "followers.tasks.purge_subscribers": "followers.tasks.subscribers_purge",
}


def test_every_periodic_job_is_covered_here():
    assert len(PERIODIC) == len(settings.PERIODIC_TASKS)


def _fail(*args, **kwargs):
    raise RuntimeError("the database went away mid-run")


@pytest.mark.parametrize("task_path,work", PERIODIC.items(), ids=list(PERIODIC))
def test_a_periodic_job_that_fails_once_runs_again(task_path, work, run_worker, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    owner, name = work.rsplit(".", 1)
    monkeypatch.setattr(import_string(owner), name, _fail)
    import_string(task_path).enqueue()  # due now
    run_worker()
    runs = DBTaskResult.objects.filter(task_path=task_path)
    assert runs.filter(status="FAILED").exists()  # it ran, and failed
    assert runs.filter(status="READY").exists()  # and its next run is still queued
