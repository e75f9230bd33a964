"""`make loadtest`: readers and applicants against the production-like server, under faults.

Everything runs on this machine and talks only to 127.0.0.1: gunicorn (DEBUG off) on
PostgreSQL and Redis, the task worker, and a local SMTP sink (aiosmtpd). For a bounded time,
locust (benchmarks/locustfile.py, headless) runs readers that request every public page in three
languages and an applicant who submits join requests; meanwhile the fault script applies, in
turn: PostgreSQL restarted, Redis stopped for a while then started, a gunicorn worker killed with
SIGKILL, the mail server down for a while. Afterwards it reconciles: every join request that was
answered with success is in the database, no 500 was answered outside the fault windows, how
long each recovery took, and every applicant's confirmation mail arrived exactly once. The
summary goes to `benchmarks/results/loadtest.md`, every detail to `loadtest.json` beside it.

It restarts the machine's PostgreSQL and Redis: run it on a development or test machine, never
beside anything that matters.
"""

import datetime
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BASE_DIR = Path(settings.BASE_DIR)
RESULTS = BASE_DIR / "benchmarks" / "results"
LOCUSTFILE = BASE_DIR / "benchmarks" / "locustfile.py"
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/loadtest.log",
]  # fmt: skip


def pg_cluster_command(action):
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action]


def port_open(port, host="127.0.0.1"):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


class MailSink:
    """A local mail server (aiosmtpd) that can be taken down and brought back; it keeps every
    message it accepts."""

    def __init__(self, port):
        self.port = port
        self.messages = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it for each message
        self.messages.append(envelope.original_content.decode(errors="replace"))
        return "250 Message accepted for delivery"

    def up(self):
        if self.controller is None:
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self.controller.start()

    def down(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Command(BaseCommand):
    help = "Bounded load with faults against the production-like server on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=300, help="Total duration.")
        parser.add_argument("--readers", type=int, default=8)
        parser.add_argument("--port", type=int, default=8120)
        parser.add_argument("--smtp-port", type=int, default=8125)
        parser.add_argument("--no-faults", action="store_true")
        parser.add_argument("--database", default="icnk_loadtest", help="dropped and made anew")
        parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9")
        parser.add_argument("--report", default=str(RESULTS / "loadtest.json"))

    def handle(self, *args, seconds, readers, port, smtp_port, no_faults, report, **options):
        database, cache_url = options["database"], options["cache_url"]
        if not port_open(5432) or not port_open(6379):
            raise CommandError("the load test needs PostgreSQL on :5432 and Redis on :6379")
        if seconds > 1800:
            raise CommandError("at most 1800 seconds")
        if "loadtest" not in database or not cache_url.startswith("redis://127.0.0.1:"):
            raise CommandError("a database named *loadtest* and Redis on 127.0.0.1 only")
        self.db = database
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "loadtest-only-" + "x" * 40,
            "HTTPS": "off",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.db}",
            "CACHE_URL": cache_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MEDIA_ROOT": str(BASE_DIR / "media-loadtest"),
            "MAIL_RETRY_BACKOFF_SECONDS": "2",
            "MAIL_STALE_SECONDS": "20",
            # Joins from one address are a load, not abuse, here.
            "JOIN_RATE_LIMIT": "1000000",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.env = env
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
        self._prepare_database()
        sink = MailSink(smtp_port)
        sink.up()
        procs = self._start_servers(port)
        try:
            result = self._run_load(port, readers, seconds, no_faults, procs, sink)
        finally:
            for proc in procs.values():
                proc.send_signal(signal.SIGTERM)
            for proc in procs.values():
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
            sink.down()
        RESULTS.mkdir(exist_ok=True)
        Path(report).write_text(json.dumps(result, indent=1, default=str))
        table = self._table(result)
        (RESULTS / "loadtest.md").write_text(table)
        self.stdout.write(table)
        if not result["ok"]:
            raise CommandError(f"reconciliation failed: see {report}")

    def _run_load(self, port, readers, seconds, no_faults, procs, sink):
        work = Path(tempfile.mkdtemp(prefix="icnk-loadtest-"))
        windows = []
        locust = self._start_locust(port, readers, seconds, work)
        log = work / "requests.jsonl"
        for _ in range(600):  # the faults' clock starts with the load: wait for the first request
            if locust.poll() is not None or (log.exists() and log.stat().st_size):
                break
            time.sleep(0.1)
        started = time.time()  # locust logs wall-clock times
        try:
            if no_faults:
                time.sleep(seconds)
            else:
                self._faults(seconds, started, windows, procs, sink)
            locust.wait(timeout=60)  # it stops itself after `seconds`
        finally:
            if locust.poll() is None:
                locust.kill()
                locust.wait()
        if not log.exists():
            raise CommandError(f"locust sent no request: see {work / 'locust.log'}")
        rows = [json.loads(line) for line in log.read_text().splitlines()]
        joins = work / "joins.txt"
        submitted = joins.read_text().split() if joins.exists() else []
        # Let the mail drain with everything up, then reconcile.
        sink.up()
        self.stdout.write("waiting for the worker to send the remaining mail…")
        drained = self._wait_for_mail(submitted, sink, timeout=120)
        result = self._reconcile(rows, windows, submitted, sink, started, drained)
        return result | {"seconds": seconds, "readers": readers, "faults_applied": not no_faults}

    # --- setup ---------------------------------------------------------------------------------

    def _run(self, *args, **kwargs):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env, check=True, **kwargs
        )

    def _prepare_database(self):
        admin = "postgres://postgres@127.0.0.1:5432/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {self.db}"], check=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {self.db}"], check=True)
        self._run("migrate", "-v0")
        self._run("load_demo", "--force", stdout=subprocess.DEVNULL)
        self._run("collectstatic", "--no-input", "-v0")

    def _start_servers(self, port):
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "icnk.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--timeout", "30", "--graceful-timeout", "5"],
            cwd=BASE_DIR, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.5"],
            cwd=BASE_DIR, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.time() + 30
        while not port_open(port) and time.time() < deadline:
            time.sleep(0.2)
        return {"gunicorn": gunicorn, "worker": worker}

    def _public_paths(self):
        # The statement and organization slugs, read from the load test's own database.
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{self.db}") as conn:
            statements = conn.execute(
                "SELECT language, slug FROM statements_statement WHERE status='published'"
            ).fetchall()
            orgs = [r[0] for r in conn.execute("SELECT slug FROM members_organization LIMIT 10")]
            campaigns = [r[0] for r in conn.execute("SELECT slug FROM statements_campaign")]
        urls = []
        for lang in ("en", "ko", "ja"):
            urls += [f"/{lang}/", f"/{lang}/about/", f"/{lang}/members/",
                     f"/{lang}/members/?country=KR", f"/{lang}/statements/",
                     f"/{lang}/statements/?q=commission", f"/{lang}/statements/feed/",
                     f"/{lang}/join/", f"/{lang}/privacy/"]  # fmt: skip
            urls += [f"/{lang}/members/{slug}/" for slug in orgs]
            urls += [f"/{lang}/campaigns/{slug}/" for slug in campaigns]
        urls += [f"/{lang}/statements/{urllib.parse.quote(slug)}/" for lang, slug in statements]
        urls += ["/api/v1/members/", "/api/v1/statements/", "/sitemap.xml", "/robots.txt"]
        return urls

    # --- load ----------------------------------------------------------------------------------

    def _start_locust(self, port, readers, seconds, work):
        """locust, headless, for `seconds`: `readers` readers and one applicant (locustfile.py)."""
        (work / "paths.json").write_text(json.dumps(self._public_paths()))
        users = readers + 1
        env = {
            **os.environ,
            "LOADTEST_URLS": str(work / "paths.json"),
            "LOADTEST_LOG": str(work / "requests.jsonl"),
            "LOADTEST_JOINS": str(work / "joins.txt"),
        }
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "5",
            "--host", f"http://127.0.0.1:{port}", "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        log = (work / "locust.log").open("w")
        return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=log)

    # --- faults --------------------------------------------------------------------------------

    def _faults(self, seconds, started, windows, procs, sink):
        slot = seconds / 5

        def at(k):
            delay = started + k * slot - time.time()
            if delay > 0:
                time.sleep(delay)

        def window(name, action, restore, hold):
            t0 = time.time()
            self.stdout.write(f"[{t0 - started:6.1f}s] fault: {name}")
            action()
            time.sleep(hold)
            restore()
            t1 = time.time()
            windows.append({"fault": name, "start": t0 - started, "end": t1 - started})

        at(1)
        window(
            "PostgreSQL restarted",
            lambda: subprocess.run(pg_cluster_command("restart"), capture_output=True),
            lambda: None,
            0,
        )
        at(2)
        window(
            "Redis stopped, then started",
            lambda: subprocess.run(["redis-cli", "shutdown", "nosave"], capture_output=True),
            lambda: subprocess.run(REDIS_START, capture_output=True),
            min(60, slot * 0.6),
        )
        at(3)

        def kill_worker():
            children = subprocess.run(
                ["pgrep", "-P", str(procs["gunicorn"].pid)], capture_output=True, text=True
            ).stdout.split()
            if children:
                os.kill(int(children[0]), signal.SIGKILL)

        window("gunicorn worker killed (SIGKILL)", kill_worker, lambda: None, 0)
        at(4)
        window("mail server down", sink.down, sink.up, min(60, slot * 0.6))
        at(5)

    # --- reconciliation ------------------------------------------------------------------------

    def _wait_for_mail(self, submitted, sink, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            received = {e for e in submitted if any(e in m for m in sink.messages)}
            if len(received) == len(submitted):
                return True
            time.sleep(1)
        return False

    def _reconcile(self, rows, windows, submitted, sink, started, drained):
        import psycopg

        grace = 5.0  # seconds after a fault during which failures count as the fault's

        def in_window(t):
            rel = t - started
            return next(
                (w["fault"] for w in windows if w["start"] - 1 <= rel <= w["end"] + grace), None
            )

        per_fault = {w["fault"]: {"failures": 0, "recovered_after_s": None} for w in windows}
        outside_5xx = []
        for t, _kind, url, status, _secs, cause in rows:
            fault = in_window(t)
            if status >= 500 or status == 0:
                if fault:
                    per_fault[fault]["failures"] += 1
                else:
                    outside_5xx.append((round(t - started, 1), url, status, cause[:120]))
        for w in windows:
            failures_after = [
                t - started for t, *_r, status, _s, _c in rows
                if w["start"] - 1 <= t - started <= w["end"] + grace
                and (status >= 500 or status == 0)
            ]  # fmt: skip
            last_failure = max(failures_after, default=w["end"])
            per_fault[w["fault"]]["recovered_after_s"] = round(max(0.0, last_failure - w["end"]), 1)
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{self.db}") as conn:
            stored = {r[0] for r in conn.execute("SELECT lower(email) FROM members_joinrequest")}
        missing = [e for e in submitted if e.lower() not in stored]
        mail_counts = {e: sum(e in m for m in sink.messages) for e in submitted}
        duplicates = {e: c for e, c in mail_counts.items() if c > 1}
        unsent = [e for e, c in mail_counts.items() if c == 0]
        reads = [r for r in rows if r[1] == "read" and r[3] == 200]
        latencies = sorted(r[4] for r in reads)

        def pct(p):
            return round(latencies[int(p * (len(latencies) - 1))] * 1000, 1) if latencies else None

        duration = max((r[0] for r in rows), default=0) - min((r[0] for r in rows), default=0) or 1
        non_2xx = {}
        for _t, _kind, _url, status, _s, cause in rows:
            if status not in (200, 302, 304):
                key = f"{status} {cause[:60]}"
                non_2xx[key] = non_2xx.get(key, 0) + 1
        return {
            "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "requests": len(rows),
            "throughput_rps": round(len(rows) / duration, 1),
            "read_p50_ms": pct(0.50),
            "read_p99_ms": pct(0.99),
            "non_2xx": non_2xx,
            "faults": per_fault,
            "errors_outside_faults": outside_5xx[:50],
            "joins_answered_success": len(submitted),
            "joins_missing_from_database": missing,
            "mail_unsent": unsent,
            "mail_duplicates": duplicates,
            "mail_drained": drained,
            "ok": not missing and not outside_5xx and not duplicates and not unsent,
        }

    def _table(self, result):
        """The summary in the shape README's results section used: one run, then each fault."""
        faults = ", four faults" if result["faults_applied"] else ", no faults"
        non_2xx = "; ".join(f"{n} × {k}" for k, n in result["non_2xx"].items()) or "none"
        lines = [
            f"`make loadtest`, {result['when']}: gunicorn with 2 sync workers, locust with "
            f"{result['readers']} readers and one applicant every half second, all on 127.0.0.1",
            "",
            "| run | requests | req/s | read p50 | read p99 | non-2xx |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
            f"| {result['seconds']} s{faults} | {result['requests']:,} | "
            f"{result['throughput_rps']:,.0f} | {result['read_p50_ms']} ms | "
            f"{result['read_p99_ms']} ms | {non_2xx} |",
        ]
        if result["faults"]:
            lines += ["", "| fault | failed requests | recovered after |", "| --- | ---: | ---: |"]
            for name, fault in result["faults"].items():
                lines.append(f"| {name} | {fault['failures']} | {fault['recovered_after_s']} s |")
        lines += [
            "",
            f"Reconciliation: {result['joins_answered_success']} join requests answered with "
            f"success, {len(result['joins_missing_from_database'])} missing from the database; "
            f"{len(result['errors_outside_faults'])} 5xx outside the fault windows; "
            f"{len(result['mail_unsent'])} confirmation mails unsent and "
            f"{len(result['mail_duplicates'])} sent twice" + ("." if result["ok"] else ": FAILED."),
        ]
        return "\n".join(lines) + "\n"
