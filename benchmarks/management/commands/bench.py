"""`make bench`: seed a large coalition, serve it with gunicorn, and measure every public page.

Runs on PostgreSQL (database `icnk_bench`) and Redis (db 5) when they answer on 127.0.0.1,
else on SQLite and local memory; `BENCH_DATABASE_URL` and `BENCH_CACHE_URL` choose others. Steps:

1. migrate and `seed_bench` (skipped with `--reuse` when the data is already there);
2. two gunicorn servers (DEBUG off, 2 workers): one with the page cache on, one with it off
   (`PAGE_CACHE_SECONDS=0`; the small data caches, site settings and navigation, stay on);
3. a load generator (wrk when installed, else threads) on 127.0.0.1 only, bounded in time,
   interleaving the pages round by round: requests/s, p50 and p99 for each page, cached (after
   a first request) and uncached;
4. in-process, with Django's test client: median render time and number of queries of each
   page with the page cache off, and the admin changelists;
5. two references through the same middleware: the *floor* (the bytes of /en/statements/
   returned as is) and the *minimal page* (20 titles, one-line template); every page's ratio
   to both.

Results go to `benchmarks/results/bench.md` (the table) and `bench.json` beside it.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BASE_DIR = Path(settings.BASE_DIR)
RESULTS = BASE_DIR / "benchmarks" / "results"
HOST = "127.0.0.1"  # the only host the load generator ever targets
CACHED_PORT, UNCACHED_PORT = 8110, 8111
FLOOR, MINIMAL = "/bench/floor/", "/bench/minimal/"


def pages():
    """The measured pages (an organization and a statement that exist in the seeded data)."""
    return {
        "home": "/en/",
        "members": "/en/members/",
        "organization": "/en/members/bench-org-00001/",
        "statements": "/en/statements/",
        "statement": "/en/statements/bench-en-00001/",
        "search (ko)": "/ko/statements/?q=%EC%9D%B8%EA%B6%8C",  # 인권, human rights
        "feed": "/en/statements/feed/",
        "API statements": "/api/v1/statements/",
        "floor": FLOOR,
        "minimal": MINIMAL,
    }


LIST_PAGES = {"home", "members", "statements", "search (ko)", "feed", "API statements"}
DETAIL_PAGES = {"organization", "statement"}
ADMIN_PAGES = {
    "admin: supporters": "members/supporter/",
    "admin: organizations": "members/organization/",
    "admin: statements": "statements/statement/",
}


def _reachable(port):
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


class Command(BaseCommand):
    help = "Seed a large coalition, serve it with gunicorn and measure the public pages."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="dataset size (1 = full)")
        parser.add_argument("--reuse", action="store_true", help="keep data already seeded")
        parser.add_argument("--seconds", type=float, default=2.0, help="per page and round")
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--max-requests", type=int, default=200_000, help="per run, at most")
        parser.add_argument(
            "--memory-requests",
            type=int,
            default=10_000,
            help="mixed requests before reading the workers' memory (0 skips)",
        )
        parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)

    # -- orchestration -------------------------------------------------------------------------

    def handle(self, *args, **options):
        if options["in_process"]:
            return self.in_process()
        env = self.environment()
        self.stdout.write(f"Database: {env['DATABASE_URL']}  cache: {env['CACHE_URL']}")
        manage = [sys.executable, str(BASE_DIR / "manage.py")]
        run = lambda *cmd: subprocess.run([*manage, *cmd], env=env, check=True)  # noqa: E731
        run("migrate", "--no-input", "-v0")
        seeded = subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from statements.models import Statement as S;print(S.objects.count())",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[-1:]
        seeded = seeded[0] if seeded and seeded[0].isdigit() else "0"
        if options["reuse"] and seeded not in ("", "0"):
            self.stdout.write(f"Reusing the {int(seeded):,} statements already seeded.")
            seed_seconds = None
        else:
            started = time.monotonic()
            run("seed_bench", "--replace", "--scale", str(options["scale"]))
            seed_seconds = time.monotonic() - started
        serve_env = {**env, "DEBUG": "0", "HTTPS": "off", "STATIC_ROOT": env["STATIC_ROOT"]}
        subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=serve_env, check=True)

        servers = []
        try:
            for port, seconds in ((CACHED_PORT, "600"), (UNCACHED_PORT, "0")):
                servers.append(self.serve(port, {**serve_env, "PAGE_CACHE_SECONDS": seconds}))
            floor_bytes = self.fetch(UNCACHED_PORT, "/en/statements/")
            Path(env["BENCH_FLOOR_FILE"]).write_bytes(floor_bytes)
            load = self.load(options)
            memory = self.memory(servers[0], options["memory_requests"], options["scale"])
        finally:
            for server in servers:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=10)

        out = subprocess.run(
            [*manage, "bench", "--in-process"],
            env=serve_env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        in_process = json.loads(out.strip().splitlines()[-1])
        results = {
            "database": env["DATABASE_URL"].split("@")[-1],
            "cache": env["CACHE_URL"],
            "seed_seconds": seed_seconds,
            "load_generator": load.pop("_tool"),
            "load": load,
            "in_process": in_process,
            "memory": memory,
            "when": time.strftime("%Y-%m-%d %H:%M"),
        }
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "bench.json").write_text(json.dumps(results, indent=2))
        table = self.table(results)
        (RESULTS / "bench.md").write_text(table)
        self.stdout.write(table)

    def environment(self):
        env = dict(os.environ)
        env.pop("DEBUG", None)
        env["DEV_TOOLS"] = "1"  # seed_bench and `bench --in-process` run with DEBUG off
        work = Path(tempfile.gettempdir()) / "icnk-bench"
        work.mkdir(exist_ok=True)
        if os.environ.get("BENCH_DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        elif _reachable(5432):
            subprocess.run(
                ["psql", "-h", HOST, "-U", "postgres", "-c", "CREATE DATABASE icnk_bench"],
                capture_output=True,
            )
            env["DATABASE_URL"] = f"postgres://postgres@{HOST}:5432/icnk_bench"
        else:
            env["DATABASE_URL"] = f"sqlite:///{work / 'icnk_bench.sqlite3'}"
        default_cache = f"redis://{HOST}:6379/5" if _reachable(6379) else "locmemcache://"
        env["CACHE_URL"] = os.environ.get("BENCH_CACHE_URL") or default_cache
        env["SECRET_KEY"] = env.get("SECRET_KEY") or "bench-only-not-a-secret-" + "x" * 40
        env["STATIC_ROOT"] = str(work / "static")
        env["BENCH_FLOOR_FILE"] = str(work / "floor.html")
        env["CACHE_KEY_PREFIX"] = "icnk-bench"
        env["LOG_LEVEL"] = "WARNING"
        return env

    def serve(self, port, env):
        command = [
            sys.executable, "-m", "gunicorn", "benchmarks.wsgi:application",
            "--bind", f"{HOST}:{port}", "--workers", "2", "--log-level", "warning",
        ]  # fmt: skip
        server = subprocess.Popen(command, env=env, cwd=BASE_DIR, start_new_session=True)
        for _ in range(100):
            if _reachable(port):
                try:
                    self.fetch(port, "/healthz")
                    return server
                except OSError:
                    pass
            time.sleep(0.2)
        os.killpg(server.pid, signal.SIGTERM)
        raise CommandError(f"gunicorn did not start on port {port}")

    def fetch(self, port, path):
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as response:
            return response.read()

    # -- load ----------------------------------------------------------------------------------

    def load(self, options):
        tool = "wrk" if shutil.which("wrk") else "python threads"
        measured = {"_tool": tool}
        for mode, port in (("cached", CACHED_PORT), ("uncached", UNCACHED_PORT)):
            runs = {name: [] for name in pages()}
            for path in pages().values():
                self.fetch(port, path)  # the first request fills the cache
            for _round in range(options["rounds"]):
                for name, path in pages().items():
                    runs[name].append(self.run_load(tool, port, path, options))
            measured[mode] = {
                name: {
                    "rps": sum(r["requests"] for r in rs) / sum(r["seconds"] for r in rs),
                    "p50_ms": statistics.median(r["p50_ms"] for r in rs),
                    "p99_ms": max(r["p99_ms"] for r in rs),
                    "errors": sum(r["errors"] for r in rs),
                }
                for name, rs in runs.items()
            }
            self.stdout.write(f"  load, {mode}: done")
        return measured

    def run_load(self, tool, port, path, options):
        url = f"http://{HOST}:{port}{path}"
        seconds = options["seconds"]
        if tool == "wrk":
            seconds = max(1, round(seconds))  # wrk counts whole seconds
            command = ["wrk", "-t2", f"-c{options['connections']}", f"-d{seconds}s", "--latency"]
            out = subprocess.run(
                [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
            ).stdout
            return _parse_wrk(out, seconds)
        return _thread_load(url, seconds, options["connections"], options["max_requests"])

    # -- memory --------------------------------------------------------------------------------

    def memory(self, server, requests, scale):
        """Each worker's resident memory before and after `requests` mixed requests (about half
        of them pages not seen before, so rendered) to the server with the page cache on."""
        if requests <= 0:
            return None
        before = _worker_rss(server.pid)
        paths = mixed_paths(requests, scale)
        started = time.monotonic()
        counts = _replay(CACHED_PORT, paths, connections=4)
        seconds = time.monotonic() - started
        after = _worker_rss(server.pid)
        self.stdout.write(
            f"  memory: {len(paths):,} mixed requests in {seconds:.0f} s, worker RSS "
            f"{_mb(before)} MB before, {_mb(after)} MB after"
        )
        return {
            "requests": len(paths),
            "seconds": seconds,
            "statuses": counts,
            "rss_mb_before": [round(kb / 1024, 1) for kb in before],
            "rss_mb_after": [round(kb / 1024, 1) for kb in after],
        }

    # -- in-process ----------------------------------------------------------------------------

    def in_process(self):
        from django.contrib.auth.models import User
        from django.db import connection
        from django.test import Client, override_settings
        from django.test.utils import CaptureQueriesContext, setup_test_environment
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        setup_test_environment()
        results = {}
        with override_settings(ROOT_URLCONF="benchmarks.urls", PAGE_CACHE_SECONDS=0):
            client = Client()
            for name, path in pages().items():
                results[name] = _time_page(client, path, CaptureQueriesContext, connection)
            user, _ = User.objects.get_or_create(
                username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
            )
            client.force_login(user)
            device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
                user=user, name="bench", confirmed=True
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
            for name, path in ADMIN_PAGES.items():
                url = f"/{settings.ADMIN_URL}{path}"
                results[name] = _time_page(client, url, CaptureQueriesContext, connection)
        self.stdout.write(json.dumps(results))

    # -- report --------------------------------------------------------------------------------

    def table(self, results):
        load, local = results["load"], results["in_process"]
        floor_rps = load["cached"]["floor"]["rps"]
        minimal_ms = local["minimal"]["median_ms"]
        floor_ms = local["floor"]["median_ms"]
        lines = [
            f"`make bench`, {results['when']}: {results['database']}, cache {results['cache']}, "
            f"gunicorn 2 workers, {results['load_generator']}"
            + (f", seeded in {results['seed_seconds']:.0f} s" if results["seed_seconds"] else ""),
            "",
            "| page | cached req/s | p50 / p99 ms | × floor | uncached req/s | p50 / p99 ms "
            "| in-process ms | × floor | × minimal | queries |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in pages():
            cached, uncached, one = load["cached"][name], load["uncached"][name], local[name]
            lines.append(
                f"| {name} | {cached['rps']:,.0f} | {cached['p50_ms']:.1f} / "
                f"{cached['p99_ms']:.1f} | {cached['rps'] / floor_rps:.2f} | "
                f"{uncached['rps']:,.0f} | {uncached['p50_ms']:.1f} / {uncached['p99_ms']:.1f} | "
                f"{one['median_ms']:.2f} | {one['median_ms'] / floor_ms:.1f} | "
                f"{one['median_ms'] / minimal_ms:.2f} | {one['queries']} |"
            )
        memory = results.get("memory")
        if memory:
            lines += [
                "",
                f"Memory: each gunicorn worker's RSS after {memory['requests']:,} mixed requests "
                f"(every public page, three languages, list pages, filters, searches, new "
                f"statements and members; page cache on): "
                f"{', '.join(f'{mb:.0f}' for mb in memory['rss_mb_after'])} MB "
                f"(before: {', '.join(f'{mb:.0f}' for mb in memory['rss_mb_before'])} MB; "
                f"bar: under 150 MB).",
            ]
        lines += ["", "| admin changelist | in-process ms | queries |", "| --- | ---: | ---: |"]
        for name in ADMIN_PAGES:
            lines.append(f"| {name} | {local[name]['median_ms']:.1f} | {local[name]['queries']} |")
        return "\n".join(lines) + "\n"


def mixed_paths(count, scale, seed=11):
    """`count` request paths a busy day might bring, repeatable (a fixed seed): the popular
    pages again and again, and statements, members, list pages, filters and searches in three
    languages, most of them asked for once."""
    import random

    rng = random.Random(seed)
    statements = max(1, int(20_000 * scale))
    organizations = max(1, int(5_000 * scale))
    popular = [path for name, path in pages().items() if name not in ("floor", "minimal")]
    makers = [
        lambda lang: rng.choice(popular),
        lambda lang: f"/{lang}/statements/bench-{lang}-{rng.randint(1, statements):05d}/",
        lambda lang: f"/{lang}/members/bench-org-{rng.randint(1, organizations):05d}/",
        lambda lang: f"/{lang}/statements/?page={rng.randint(1, 50)}",
        lambda lang: f"/{lang}/members/?page={rng.randint(1, 20)}",
        lambda lang: f"/{lang}/members/?country={rng.choice(['KR', 'JP', 'US', 'FR', 'DE'])}",
        lambda lang: f"/{lang}/statements/?year={rng.randint(2005, 2026)}",
        lambda lang: f"/{lang}/statements/?q={rng.choice(['rights', 'detention', 'famine'])}",
        lambda lang: f"/{lang}/",
        lambda lang: f"/{lang}/statements/feed/",
        lambda lang: f"/api/v1/statements/?page={rng.randint(1, 20)}",
        lambda lang: f"/{lang}/no-such-page-{rng.randint(1, 10**6)}/",
    ]
    return [rng.choice(makers)(rng.choice(["en", "ko", "ja"])) for _ in range(count)]


def _replay(port, paths, connections):
    """GET every path once from `connections` threads on 127.0.0.1; the count of each status."""
    import http.client

    queue, counts, lock = list(reversed(paths)), {}, threading.Lock()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = "error"
            finally:
                conn.close()
            with lock:
                counts[str(status)] = counts.get(str(status), 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


def _worker_rss(master_pid):
    """Resident memory (kB) of each child of the gunicorn master, from /proc (Linux)."""
    sizes, children = [], []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(master_pid):  # the parent's pid, after the state
            children.append(stat.parent.name)
    for child in children:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]))
    return sorted(sizes)


def _mb(sizes):
    return "/".join(f"{kb / 1024:.0f}" for kb in sizes) or "?"


def _time_page(client, path, capture, connection, repeat=21):
    response = client.get(path)
    if response.status_code != 200:
        raise CommandError(f"{path} answered {response.status_code}")
    with capture(connection) as queries:
        client.get(path)
    count = len(queries)  # now: every request empties the connection's query log
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(times), "queries": count}


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def _parse_wrk(out, seconds):
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.MULTILINE))

    def ms(text):
        number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        return _ms(number, unit)

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": requests,
        "seconds": seconds,
        "p50_ms": ms(latency["50"]),
        "p99_ms": ms(latency["99"]),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _thread_load(url, seconds, connections, max_requests):
    """A small closed-loop load generator: `connections` threads, bounded in time and count."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    assert parts.hostname == HOST
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection(HOST, parts.port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) >= max_requests:
                    return
            started = time.perf_counter()
            conn.request("GET", target)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors[0] += response.status >= 400
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    n = len(latencies) or 1
    return {
        "requests": len(latencies),
        "seconds": time.monotonic() - started,
        "p50_ms": latencies[n // 2] if latencies else 0,
        "p99_ms": latencies[min(n - 1, int(n * 0.99))] if latencies else 0,
        "errors": errors[0],
    }
