"""`make bench-mail`: a statement to 10,000 subscribers through a real worker and a local mail
server, and a confirmation link queued meanwhile.

Runs on the database that DATABASE_URL names (PostgreSQL `icnk_bench_mail` when it answers on
127.0.0.1, as the Makefile sets it; a worker in another process needs a shared database) and
empties its subscribers, announcements and task queue first. Steps:

1. migrate; 10,000 confirmed subscribers (a third each in English, Korean and Japanese) and one
   statement in English and Japanese, public now;
2. an SMTP server (aiosmtpd) on 127.0.0.1 that accepts everything and notes when each message
   arrived;
3. `manage.py worker` in its own process, sending there (`BULK_MAIL_PER_MINUTE=0` unless
   `--rate` says otherwise);
4. once 1,000 announcements have arrived, a confirmation link is queued through the outbox, as
   the join form does; its latency is the time from queueing to the mail server;
5. the time until the last announcement is handed to the mail server, and a check that every
   subscriber got exactly one.

Results go to `benchmarks/results/mail.md`.
"""

import collections
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email.parser import BytesHeaderParser
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

BASE_DIR = Path(settings.BASE_DIR)
RESULTS = BASE_DIR / "benchmarks" / "results"


class Sink:
    """Accepts every message and notes, per recipient, when it arrived."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.arrivals = collections.defaultdict(list)
        self.count = 0
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        now = time.monotonic()
        headers = BytesHeaderParser(policy=email.policy.default).parsebytes(
            envelope.original_content
        )
        subject = str(headers["Subject"] or "")
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.arrivals[rcpt].append((now, subject))
                self.count += 1
        return "250 OK"


class Command(BaseCommand):
    help = "Send a statement to 10,000 subscribers through a real worker; time it (see module)."

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=10_000)
        parser.add_argument("--rate", type=int, default=0, help="BULK_MAIL_PER_MINUTE (0: none)")
        parser.add_argument("--batch", type=int, default=settings.BULK_MAIL_BATCH)
        parser.add_argument("--timeout", type=float, default=900.0)

    def handle(self, *args, subscribers, rate, batch, timeout, **options):
        if connection.vendor != "postgresql":
            raise CommandError("needs PostgreSQL (DATABASE_URL): the worker is another process")
        # aiosmtpd logs every SMTP command at INFO: not what this process should spend time on.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        call_command("migrate", verbosity=0)
        self._seed(subscribers)
        sink = Sink()
        sink.controller.start()
        db = connection.settings_dict
        env = {
            **os.environ,
            # The worker as in production: DEBUG off (no query log kept in memory).
            "DEBUG": "0",
            "DEV_TOOLS": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-mail-only-" + os.urandom(8).hex(),
            "SITE_URL": "http://127.0.0.1:8000",
            "HTTPS": "off",
            "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
                **{**db, "HOST": db["HOST"] or "127.0.0.1", "PORT": db["PORT"] or 5432}
            ),
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "BULK_MAIL_PER_MINUTE": str(rate),
            "BULK_MAIL_BATCH": str(batch),
            "LOG_LEVEL": "WARNING",
        }
        load = os.getloadavg()[0]
        started = time.monotonic()
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.05"],
            cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            figures = self._measure(sink, subscribers, started, timeout)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            sink.controller.stop()
        figures.update(subscribers=subscribers, rate=rate, batch=batch, load=load)
        self._report(figures)

    def _seed(self, count):
        from django_tasks_db.models import DBTaskResult

        from followers.models import Announcement, Subscriber
        from icnk.demo import SITE
        from icnk.models import OutboundEmail, SiteSettings
        from statements.models import Statement

        DBTaskResult.objects.all().delete()
        Announcement.objects.all().delete()
        Subscriber.objects.all().delete()
        OutboundEmail.objects.all().delete()
        previous = Statement.objects.filter(slug__startswith="bench-mail-")
        previous.exclude(translation_of=None).delete()  # translations before their original
        previous.delete()
        if not SiteSettings.objects.exists():
            SiteSettings.objects.create(pk=1, **SITE)
        confirmed = timezone.now() - timezone.timedelta(days=1)
        languages = ["en", "ko", "ja"]
        Subscriber.objects.bulk_create(
            (
                Subscriber(
                    email=f"reader{i:05d}@bench.example.org",
                    language=languages[i % 3],
                    status=Subscriber.Status.ACTIVE,
                    confirmed_at=confirmed,
                    token=f"bench-{i:05d}-{os.urandom(8).hex()}",
                )
                for i in range(count)
            ),
            batch_size=2000,
        )
        body = "\n\n".join(["A paragraph of the statement, as long as a real one is. " * 8] * 10)
        original = Statement.objects.create(
            title="Coalition welcomes the Commission of Inquiry", slug="bench-mail-en",
            language="en", body=body, summary="The summary.", dateline="Tokyo",
            status=Statement.Status.PUBLISHED, published_at=timezone.now(),
        )  # fmt: skip
        Statement.objects.create(
            title="国際NGO連合、調査委員会を歓迎", slug="bench-mail-ja", language="ja",
            body=body, summary="要約。", dateline="東京", translation_of=original,
            status=Statement.Status.PUBLISHED, published_at=timezone.now(),
        )  # fmt: skip

    def _measure(self, sink, count, started, timeout):
        from icnk.mail import queue_mail
        from icnk.models import SiteSettings

        deadline = started + timeout
        while sink.count < min(1000, count) and time.monotonic() < deadline:
            time.sleep(0.01)
        first_thousand = time.monotonic() - started
        queued = time.monotonic()
        queue_mail(
            to="applicant@bench.example.org",
            template_prefix="join/email/verify",
            context={"link": "http://127.0.0.1/x", "days": 3, "site": SiteSettings.load()},
        )
        while "applicant@bench.example.org" not in sink.arrivals and time.monotonic() < deadline:
            time.sleep(0.005)
        verification = sink.arrivals.get("applicant@bench.example.org")
        latency = verification[0][0] - queued if verification else None
        while sink.count < count + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        readers = {k: v for k, v in sink.arrivals.items() if k.startswith("reader")}
        last = max((t for v in readers.values() for t, _s in v), default=started)
        return {
            "first_1000_s": first_thousand,
            "all_s": last - started,
            "verification_latency_s": latency,
            "received": sum(len(v) for v in readers.values()),
            "distinct": len(readers),
            "duplicates": sum(len(v) - 1 for v in readers.values()),
            "japanese": sum(1 for v in readers.values() if "調査委員会" in v[0][1]),
            "timed_out": time.monotonic() >= deadline,
        }

    def _report(self, f):
        rate = f"{f['rate']} a minute" if f["rate"] else "no limit"
        latency = (
            f"{f['verification_latency_s']:.2f} s"
            if f["verification_latency_s"] is not None
            else "never arrived"
        )
        per_second = f["received"] / f["all_s"] if f["all_s"] else 0
        lines = [
            "# Statements by email: one statement to many subscribers",
            "",
            f"Run {timezone.now():%Y-%m-%d %H:%M} UTC on {connection.vendor}, one worker process,",
            f"a local aiosmtpd server; rate: {rate}; batch: {f['batch']} messages;",
            f"load average before the run: {f['load']:.1f} on {os.cpu_count()} CPUs.",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| subscribers | {f['subscribers']:,} |",
            f"| from worker start to the last announcement handed to SMTP | {f['all_s']:.1f} s |",
            f"| messages a second | {per_second:.0f} |",
            f"| first 1,000 handed over after | {f['first_1000_s']:.1f} s |",
            f"| confirmation link queued after 1,000: queue to SMTP | {latency} |",
            f"| received / distinct recipients / duplicates | {f['received']:,} / "
            f"{f['distinct']:,} / {f['duplicates']} |",
            f"| of which in Japanese (the Japanese third) | {f['japanese']:,} |",
        ]
        if f["timed_out"]:
            lines.append("\n**Timed out before every message arrived.**")
        text = "\n".join(lines) + "\n"
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "mail.md").write_text(text)
        self.stdout.write(text)
