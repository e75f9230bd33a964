import logging
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections
from django.utils.module_loading import import_string

from icnk.mail import requeue_stranded_mail

logger = logging.getLogger("icnk.worker")


class Command(BaseCommand):
    help = (
        "Run the background worker: sends queued mail (retrying while the mail server is down) "
        "and runs the periodic jobs in settings.PERIODIC_TASKS (the mail sweep, the daily purge "
        "of stale join requests). Stop it with Ctrl-C or SIGTERM; a task interrupted mid-way "
        "is picked up again. A database that goes away (a restart) "
        "pauses the worker until it is back, instead of ending it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args, batch=False, interval=1.0, **options):
        delay = 1.0
        while True:
            try:
                self._run(batch=batch, interval=interval, verbosity=options.get("verbosity", 1))
                return
            except (OperationalError, InterfaceError) as error:
                if batch:
                    raise
                logger.warning("database unavailable (%s); worker resumes in %.0fs", error, delay)
                connections.close_all()
                time.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _run(self, *, batch, interval, verbosity):
        # Whatever a killed worker left half-done is queued again before anything else, once
        # it is older than MAIL_STALE_SECONDS (until then its worker may be alive; the sweep
        # every few minutes finds it later).
        requeue_stranded_mail()
        for schedule in settings.PERIODIC_TASKS:
            import_string(schedule)()
        call_command(
            "db_worker",
            queue_name="*",
            interval=interval,
            batch=batch,
            startup_delay=not batch,
            # One process, never django-tasks-db's autoreloader (its default when DEBUG is on):
            # a reloader's child outlives a SIGKILL to the parent.
            reload=False,
            verbosity=verbosity,
        )
