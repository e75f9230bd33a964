"""Mail queued before a worker dies is sent, once, after a worker starts again."""

import contextlib
import datetime
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from icnk.mail import deliver_email, queue_mail, requeue_stranded_mail
from icnk.models import OutboundEmail
from tests.factories import SMTPSink, frozen_first_worker, wait_for

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def _die_with_parent():
    """Even if this test run is killed, the worker it started does not outlive it."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def queue_one(site_settings):
    return queue_mail(
        to="someone@example.org",
        template_prefix="join/email/welcome",
        context={"join_request": {"name": "Someone"}, "member": None, "site": site_settings},
    )


def left_by_a_worker_killed(minutes_ago, email, status):
    """What a worker killed while delivering `email` leaves: its task still marked running,
    and the message claimed (`sending`) or, after a failed attempt, back to `queued`."""
    from django_tasks_db.models import DBTaskResult

    then = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.update(status="RUNNING", started_at=then, worker_ids=["killed"])
    fields = {"claimed_at": then, "status": status}
    if status == OutboundEmail.Status.QUEUED:
        fields["attempts"] = 1
    OutboundEmail.objects.filter(pk=email.pk).update(**fields)


def test_a_message_left_sending_by_a_dead_worker_is_sent_once_by_the_next(
    site_settings, run_worker
):
    email = queue_one(site_settings)
    left_by_a_worker_killed(10, email, OutboundEmail.Status.SENDING)
    run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    run_worker()
    assert len(mail.outbox) == 1


def test_a_message_whose_worker_died_after_a_failed_attempt_is_sent_by_the_next(
    site_settings, run_worker
):
    # Killed after recording the failure, before scheduling the retry: the message waits
    # with no task but the dead worker's, which will never finish.
    email = queue_one(site_settings)
    left_by_a_worker_killed(10, email, OutboundEmail.Status.QUEUED)
    run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_a_message_whose_task_a_live_worker_has_just_taken_is_left_to_it(site_settings, run_worker):
    email = queue_one(site_settings)
    left_by_a_worker_killed(0, email, OutboundEmail.Status.QUEUED)
    run_worker()
    assert len(mail.outbox) == 0  # the worker that took it a moment ago may well be alive


def test_a_message_being_sent_right_now_is_not_sent_twice(site_settings, run_worker):
    email = queue_one(site_settings)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENDING, claimed_at=timezone.now()
    )
    run_worker()
    assert len(mail.outbox) == 0  # another (live) worker holds it


def test_a_worker_that_stalls_past_its_claim_does_not_queue_again_what_another_sent(
    site_settings, settings, run_worker
):
    email = queue_one(site_settings)

    def another_worker_takes_over():
        requeue_stranded_mail()  # the stalled worker's claim is past MAIL_STALE_SECONDS
        deliver_email.call(email.pk)

    settings.MAIL_STALE_SECONDS = 0
    with frozen_first_worker(settings, another_worker_takes_over) as sink:
        deliver_email.call(email.pk)  # the worker that stalls, then is refused
        run_worker()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(sink.messages) == 1


def test_worker_killed_with_sigkill_loses_no_mail(site_settings, settings, free_port):
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process needs a shared database: run on PostgreSQL")
    sink = SMTPSink(port=free_port)
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "1",
        "DATABASE_URL": (
            "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
        ),
        "EMAIL_URL": f"smtp://127.0.0.1:{free_port}",
        "MAIL_STALE_SECONDS": "1",
        "MAIL_RETRY_BACKOFF_SECONDS": "1",
    }
    for _ in range(3):
        queue_one(site_settings)
    # The mail server is down, so the first worker is busy retrying when it is killed.
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )  # fmt: skip
    try:
        wait_for(
            lambda: not OutboundEmail.objects.filter(attempts=0).exists(),
            what="the worker's first attempt at every message",
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    assert OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).count() == 3

    sink.start()
    try:
        time.sleep(1.5)
        done = subprocess.run(
            [sys.executable, "manage.py", "worker", "--batch", "--interval", "0"],
            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        deadline = time.time() + 10
        while len(sink.messages) < 3 and time.time() < deadline:
            done = subprocess.run(
                [sys.executable, "manage.py", "worker", "--batch", "--interval", "0"],
                cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            time.sleep(0.5)
    finally:
        sink.stop()
        with connection.cursor() as cursor:  # leave no stray session from the killed worker
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 3
    assert len(sink.messages) == 3


class TCPProxy:
    """127.0.0.1:<port> -> PostgreSQL, which the test can take down and bring back."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = None
        self.conns = []
        self.listener = None

    def up(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(16)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self):
        self.listener.close()
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
        self.conns = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source, target):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


def test_worker_waits_out_a_database_outage_and_then_sends(site_settings, free_port):
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process needs a shared database: run on PostgreSQL")
    proxy = TCPProxy(int(connection.settings_dict["PORT"] or 5432))
    proxy.up()
    sink = SMTPSink(port=free_port)
    sink.start()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "1",
        "DATABASE_URL": "postgres://{USER}@127.0.0.1:%d/{NAME}".format(**connection.settings_dict)
        % proxy.port,
        "EMAIL_URL": f"smtp://127.0.0.1:{free_port}",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )  # fmt: skip
    try:
        time.sleep(3)
        proxy.down()  # the database is unreachable for the worker, as during a restart
        time.sleep(3)
        assert worker.poll() is None, "the worker exited instead of waiting for the database"
        queue_one(site_settings)
        proxy.up()
        deadline = time.time() + 40
        while not sink.messages and time.time() < deadline:
            time.sleep(0.3)
        assert len(sink.messages) == 1
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        sink.stop()
        proxy.down()


def _erased_while_on_its_way(settings, site_settings, run_worker, *, accept):
    """A join applicant's welcome being sent by the worker when the secretariat erases the
    request: the erasure (run while the mail server holds the conversation) deletes the message
    mid-send. `accept`: the server then takes the message, or refuses it for now (451).

    Returns the message, the server, and how each delivery task the worker ran ended."""
    from django_tasks_db.models import DBTaskResult

    from members.models import JoinRequest
    from members.personal_data import join_request_erase

    join_request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL,
        name="Someone",
        email="someone@example.org",
        country="KR",
        accepted_objectives=True,
    )
    email = queue_mail(
        to=join_request.email,
        template_prefix="join/email/welcome",
        context={"join_request": {"name": "Someone"}, "member": None, "site": site_settings},
    )

    def the_secretariat_erases_the_request():
        join_request_erase(join_request=join_request, reason="Asked to be forgotten")

    # A retry, had one been queued, would be due at once and run by the same worker.
    with frozen_first_worker(settings, the_secretariat_erases_the_request, accept=accept) as sink:
        run_worker()
    tasks = DBTaskResult.objects.filter(task_path=deliver_email.module_path)
    return email, sink, list(tasks.values_list("status", "return_value"))


def test_a_message_erased_while_it_was_sent_does_not_fail_the_worker(
    settings, site_settings, run_worker, caplog
):
    with caplog.at_level(logging.WARNING, logger="icnk.mail"):
        email, sink, tasks = _erased_while_on_its_way(
            settings, site_settings, run_worker, accept=True
        )
    assert len(sink.messages) == 1  # it had left already
    assert tasks == [("SUCCESSFUL", "erased")]  # the task ends, no error recorded
    assert not OutboundEmail.objects.filter(pk=email.pk).exists()  # and the mail stays erased
    assert "sent, but deleted (erased) while it was being sent" in caplog.text


def test_a_message_erased_during_a_failed_attempt_is_not_retried(
    settings, site_settings, run_worker, caplog
):
    with caplog.at_level(logging.WARNING, logger="icnk.mail"):
        email, sink, tasks = _erased_while_on_its_way(
            settings, site_settings, run_worker, accept=False
        )
    assert tasks == [("SUCCESSFUL", "erased")]  # one attempt, no retry to an erased address
    assert sink.messages == []
    assert not OutboundEmail.objects.filter(pk=email.pk).exists()
    # The operator reading the log learns what happened, not that another worker took it.
    assert "taken over" not in caplog.text
    assert "deleted (erased) while it was being sent; not retried" in caplog.text
