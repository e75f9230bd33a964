"""`make loadtest`: readers and applicants against the production-like server, under faults.

Everything runs on this machine and talks only to 127.0.0.1: gunicorn (DEBUG off) on
PostgreSQL and Redis, the task worker, and a local SMTP sink. For a bounded time, reader
threads request every public page in three languages and an applicant thread submits join
requests; meanwhile the fault script applies, in turn: PostgreSQL restarted, Redis stopped for
a while then started, a gunicorn worker killed with SIGKILL, the mail server down for a while.
Afterwards it reconciles: every join request that was answered with success is in the database,
no 500 was answered outside the fault windows, how long each recovery took, and every
applicant's confirmation mail arrived exactly once.

It restarts the machine's PostgreSQL and Redis: run it on a development or test machine, never
beside anything that matters.
"""

import datetime
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BASE_DIR = Path(settings.BASE_DIR)
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


class SMTPSink(threading.Thread):
    """A local mail server that can be taken down and brought back; it keeps every message."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.messages = []
        self.up = threading.Event()
        self.stop_all = threading.Event()

    def run(self):
        while not self.stop_all.is_set():
            if not self.up.wait(timeout=0.2):
                continue
            server = socket.socket()
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(("127.0.0.1", self.port))
            server.listen(16)
            server.settimeout(0.2)
            while self.up.is_set() and not self.stop_all.is_set():
                try:
                    conn, _ = server.accept()
                except TimeoutError:
                    continue
                threading.Thread(target=self._session, args=(conn,), daemon=True).start()
            server.close()

    def _session(self, conn):
        with conn:
            reader = conn.makefile("rb")

            def say(text):
                conn.sendall(text.encode() + b"\r\n")

            say("220 sink")
            data = None
            while True:
                line = reader.readline()
                if not line:
                    return
                text = line.decode(errors="replace").rstrip("\r\n")
                if data is not None:
                    if text == ".":
                        self.messages.append(b"".join(data).decode(errors="replace"))
                        data = None
                        say("250 ok")
                    else:
                        data.append(line)
                    continue
                verb = text[:4].upper()
                if verb in ("EHLO", "HELO"):
                    say("250 sink")
                elif verb == "DATA":
                    data = []
                    say("354 go")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("250 ok")


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []  # (t, kind, url, status, seconds, cause)

    def add(self, *row):
        with self.lock:
            self.rows.append(row)


class Command(BaseCommand):
    help = "Bounded load with faults against the production-like server on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=300, help="Total duration.")
        parser.add_argument("--readers", type=int, default=8)
        parser.add_argument("--port", type=int, default=8120)
        parser.add_argument("--smtp-port", type=int, default=8125)
        parser.add_argument("--no-faults", action="store_true")
        parser.add_argument("--report", default=str(BASE_DIR / "loadtest-report.json"))

    def handle(self, *args, seconds, readers, port, smtp_port, no_faults, report, **options):
        if not port_open(5432) or not port_open(6379):
            raise CommandError("the load test needs PostgreSQL on :5432 and Redis on :6379")
        if seconds > 1800:
            raise CommandError("at most 1800 seconds")
        self.db = "icnk_loadtest"
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "loadtest-only-" + "x" * 40,
            "HTTPS": "off",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.db}",
            "CACHE_URL": "redis://127.0.0.1:6379/9",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MEDIA_ROOT": str(BASE_DIR / "media-loadtest"),
            "MAIL_RETRY_BACKOFF_SECONDS": "2",
            "MAIL_STALE_SECONDS": "20",
            # Joins from one address are a load, not abuse, here.
            "JOIN_RATE_LIMIT": "1000000",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.env = env
        self._prepare_database()
        sink = SMTPSink(smtp_port)
        sink.start()
        sink.up.set()
        procs = self._start_servers(port)
        recorder = Recorder()
        stop = threading.Event()
        base = f"http://127.0.0.1:{port}"
        urls = self._public_urls(base)
        threads = [
            threading.Thread(target=self._reader, args=(urls, recorder, stop), daemon=True)
            for _ in range(readers)
        ]
        submitted = []
        threads.append(
            threading.Thread(
                target=self._applicant, args=(base, recorder, stop, submitted), daemon=True
            )
        )
        windows = []
        started = time.monotonic()
        for thread in threads:
            thread.start()
        try:
            if no_faults:
                time.sleep(seconds)
            else:
                self._faults(seconds, started, windows, procs, sink)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        # Let the mail drain with everything up, then reconcile.
        sink.up.set()
        self.stdout.write("waiting for the worker to send the remaining mail…")
        drained = self._wait_for_mail(submitted, sink, timeout=120)
        result = self._reconcile(recorder, windows, submitted, sink, started, drained)
        for proc in procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        sink.stop_all.set()
        Path(report).write_text(json.dumps(result, indent=1, default=str))
        self._print(result)
        if not result["ok"]:
            raise CommandError("reconciliation failed: see above")

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

    def _public_urls(self, base):
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
        return [base + url for url in urls]

    # --- load ----------------------------------------------------------------------------------

    def _reader(self, urls, recorder, stop):
        rng = random.Random()
        while not stop.is_set():
            url = rng.choice(urls)
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=15) as response:
                    response.read()
                    recorder.add(t0, "read", url, response.status, time.monotonic() - t0, "")
            except urllib.error.HTTPError as error:
                cause = error.read()[:200].decode(errors="replace")
                recorder.add(t0, "read", url, error.code, time.monotonic() - t0, cause)
            except Exception as error:  # refused, reset, timeout: a failure the reader sees
                recorder.add(t0, "read", url, 0, time.monotonic() - t0, type(error).__name__)

    def _applicant(self, base, recorder, stop, submitted):
        n = 0
        while not stop.is_set():
            n += 1
            email = f"applicant{n}-{int(time.time())}@loadtest.example.org"
            jar = CookieJar()
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
            )
            t0 = time.monotonic()
            try:
                with opener.open(f"{base}/en/join/?as=individual", timeout=15) as page:
                    page.read()
                token = next(c.value for c in jar if c.name == "csrftoken")
                data = urllib.parse.urlencode(
                    {"csrfmiddlewaretoken": token, "kind": "individual",
                     "name": f"Load Applicant {n}", "email": email, "accept_objectives": "on"}
                ).encode()  # fmt: skip
                request = urllib.request.Request(
                    f"{base}/en/join/", data=data, headers={"Referer": f"{base}/en/join/"}
                )
                try:
                    with opener.open(request, timeout=15) as response:
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                if status == 302:
                    submitted.append(email)
                recorder.add(t0, "join", "/en/join/", status, time.monotonic() - t0, "")
            except Exception as error:
                recorder.add(t0, "join", "/en/join/", 0, time.monotonic() - t0, repr(error)[:200])
            time.sleep(0.5)

    # --- faults --------------------------------------------------------------------------------

    def _faults(self, seconds, started, windows, procs, sink):
        slot = seconds / 5

        def at(k):
            delay = started + k * slot - time.monotonic()
            if delay > 0:
                time.sleep(delay)

        def window(name, action, restore, hold):
            t0 = time.monotonic()
            self.stdout.write(f"[{t0 - started:6.1f}s] fault: {name}")
            action()
            time.sleep(hold)
            restore()
            t1 = time.monotonic()
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
        window("mail server down", sink.up.clear, sink.up.set, min(60, slot * 0.6))
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

    def _reconcile(self, recorder, windows, submitted, sink, started, drained):
        import psycopg

        rows = recorder.rows
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

        duration = max((r[0] for r in rows), default=started) - started or 1
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

    def _print(self, result):
        self.stdout.write(json.dumps(result, indent=1, default=str))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp
