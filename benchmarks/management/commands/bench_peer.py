"""`make bench-peer`: this site side by side with the floor and the Wagtail peer, in one run.

The harness lives outside the project, in `../shared/bench/` (`BENCH_HARNESS` names another
folder): a bare Django view (the *floor*) and a plain Wagtail 8 site, served on this machine
with the same gunicorn settings, and `baseline.sh`, which measures them and our pages round by
round (A B A B: the machine's speed swings, so only paired ratios from one run mean anything).
Without the harness this command says so and does nothing.

Steps: the data of `make bench` (the same database; seeded at full size when empty), then two
gunicorn servers of this site (DEBUG off, 2 workers, persistent connections, Redis): one with
the page cache on, one with `PAGE_CACHE_SECONDS=0`; then `baseline.sh ROUNDS SECONDS
CONNECTIONS name=URL ...` over the uncached statements list, a statement with its 40
signatories, the home page and the members directory in English, Korean and Japanese, and the
cached copies of the English ones; in-process times come from the harness's inproc.py with the
page cache off. The harness's report and a summary against the issue's bars go to
`benchmarks/results/peer.md` (the raw lines to `peer.raw.txt` beside it).
"""

import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benchmarks.management.commands.bench import BASE_DIR, HOST, RESULTS
from benchmarks.management.commands.bench import Command as Bench

CACHED_PORT, UNCACHED_PORT = 8112, 8113
LANGUAGES = ("en", "ko", "ja")

# page -> (path in a language, the Wagtail page it is held against, bar: × Wagtail's rps)
PAGES = {
    "statements": ("/{lang}/statements/", "wagtail_index", 3.0),
    "statement": ("/{lang}/statements/bench-{lang}-00001/", "wagtail_detail", 3.0),
    "home": ("/{lang}/", "wagtail_index", 2.0),
    "members": ("/{lang}/members/", "wagtail_index", 2.0),
}
CACHED_BAR = 0.8  # × the floor's rps


def harness_dir():
    given = os.environ.get("BENCH_HARNESS")
    return Path(given) if given else BASE_DIR.parent / "shared" / "bench"


def targets(languages=LANGUAGES, cached=True):
    """(name, port, path): the English pages cached, then every page uncached in each language.

    Cached first: right after a slow uncached page, the uncached server is still finishing the
    requests wrk left in flight, and would take CPU from the next page measured."""
    out = []
    if cached:
        for name, (path, _peer, _bar) in PAGES.items():
            out.append((f"{name}_cached", CACHED_PORT, path.format(lang="en")))
    for name, (path, _peer, _bar) in PAGES.items():
        for lang in languages:
            suffix = "" if lang == "en" else f"_{lang}"
            out.append((f"{name}{suffix}", UNCACHED_PORT, path.format(lang=lang)))
    return out


class Command(BaseCommand):
    help = "Measure this site beside the floor and the Wagtail peer (../shared/bench)."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument("--seconds", type=int, default=10, help="per page and round")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument(
            "--languages", default=",".join(LANGUAGES), help="uncached pages in these (en,ko,ja)"
        )
        parser.add_argument("--instructions", action="store_true", help="callgrind (slow)")
        parser.add_argument("--no-in-process", action="store_true", help="skip inproc.py")
        parser.add_argument(
            "--extra",
            action="append",
            default=[],
            help="NAME=URL of another server on 127.0.0.1 to measure in the same rounds "
            "(another branch, say)",
        )

    def handle(self, *args, **options):
        harness = harness_dir()
        if not (harness / "baseline.sh").is_file():
            self.stdout.write(
                f"The side-by-side harness is not here ({harness}/baseline.sh): skipping. "
                "Put it at ../shared/bench or set BENCH_HARNESS to its folder."
            )
            return
        bench = Bench(stdout=self.stdout, stderr=self.stderr)
        env = bench.environment()
        env["CONN_MAX_AGE"] = "600"  # as the references (and production) keep connections
        self.stdout.write(f"Database: {env['DATABASE_URL']}  cache: {env['CACHE_URL']}")
        manage = [sys.executable, str(BASE_DIR / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True)
        count = subprocess.run(
            [*manage, "shell", "-c", "from statements.models import Statement as S;"
             "print(S.objects.filter(slug='bench-en-00001').count())"],
            env=env, check=True, capture_output=True, text=True,
        ).stdout.split()  # fmt: skip
        if count[-1:] != ["1"]:
            subprocess.run([*manage, "seed_bench", "--replace"], env=env, check=True)
        # A generation that knows when the next scheduled statement is due, as after any write
        # in production: one started afresh by an empty cache keeps pages 10 s at most.
        subprocess.run(
            [*manage, "shell", "-c", "from icnk.cache import invalidate; invalidate()"],
            env=env, check=True,
        )  # fmt: skip
        serve_env = {**env, "DEBUG": "0", "HTTPS": "off"}
        subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=serve_env, check=True)

        languages = [lang for lang in options["languages"].split(",") if lang in LANGUAGES]
        pages = targets(languages)
        servers = []
        try:
            for port, seconds in ((CACHED_PORT, "600"), (UNCACHED_PORT, "0")):
                site = f"http://{HOST}:{port}"
                run_env = {**serve_env, "PAGE_CACHE_SECONDS": seconds, "SITE_URL": site}
                servers.append(bench.serve(port, run_env))
            for _name, port, path in pages:  # a 200 each (no redirect); the cached ones filled
                bench.fetch(port, path)
            harness_env = {
                **serve_env,
                "PAGE_CACHE_SECONDS": "0",  # in-process times are of rendered pages
                "INSTR": "1" if options["instructions"] else "0",
            }
            # The references' manage.py would take ours (they set it only by default);
            # baseline.sh names TARGET_SETTINGS itself for our in-process times.
            harness_env.pop("DJANGO_SETTINGS_MODULE", None)
            if not options["no_in_process"]:
                harness_env |= {
                    "TARGET_DIR": str(BASE_DIR),
                    "TARGET_SETTINGS": "icnk.settings",
                    "TARGET_PYTHON": sys.executable,
                }
            command = [
                str(harness / "baseline.sh"),
                str(options["rounds"]), str(options["seconds"]), str(options["connections"]),
                *(f"{name}=http://{HOST}:{port}{path}" for name, port, path in pages),
                *(extra for extra in options["extra"] if f"//{HOST}:" in extra),
            ]  # fmt: skip
            started = time.strftime("%Y-%m-%d %H:%M")
            self.stdout.write("Running " + " ".join(command[:4]) + " name=URL ... (minutes)")
            result = subprocess.run(command, env=harness_env, capture_output=True, text=True)
            if result.returncode != 0:
                self.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
                raise CommandError("baseline.sh failed")
        finally:
            for server in servers:
                os.killpg(server.pid, 15)
                server.wait(timeout=10)

        raw_line = [line for line in result.stdout.splitlines() if line.startswith("raw: ")]
        raw = Path(raw_line[-1].removeprefix("raw: "))
        report = (raw.parent / "table.md").read_text()
        shown = " ".join(command[:4]).replace(str(harness), "../shared/bench")
        text = "\n".join(
            [
                f"`make bench-peer`, {started}: {env['DATABASE_URL'].split('@')[-1]}, cache "
                f"{env['CACHE_URL']}, gunicorn 2 workers, DEBUG off, CONN_MAX_AGE=600; "
                "uncached pages on a server with PAGE_CACHE_SECONDS=0.",
                "",
                f"Command: `{shown} name=URL ...` ({len(pages)} pages, listed in the table "
                "below; raw lines in `peer.raw.txt`).",
                "",
                "## Against the bars (medians of per-round paired ratios)",
                "",
                summary(raw.read_text()),
                "## The harness's report",
                "",
                report,
            ]
        )
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "peer.md").write_text(text)
        (RESULTS / "peer.raw.txt").write_text(raw.read_text())
        self.stdout.write(text)


def _rounds(raw_text):
    """name -> key -> round -> value, from baseline.sh's raw lines."""
    rows = defaultdict(lambda: defaultdict(dict))
    for line in raw_text.splitlines():
        if line.startswith("#") or "name=" not in line:
            continue
        kv = dict(token.split("=", 1) for token in line.split() if "=" in token)
        for key, value in kv.items():
            rows[kv["name"]][key][kv.get("round", "0")] = value
    return rows


def _paired(rows, a, b, key="rps"):
    xa, xb = rows.get(a, {}).get(key, {}), rows.get(b, {}).get(key, {})
    ratios = [float(xa[r]) / float(xb[r]) for r in xa if r in xb and float(xb[r])]
    return statistics.median(ratios) if ratios else None


def _median(rows, name, key):
    values = [float(v) for v in rows.get(name, {}).get(key, {}).values()]
    return statistics.median(values) if values else None


def summary(raw_text):
    rows = _rounds(raw_text)
    fmt = lambda x, f="{:.2f}×": "–" if x is None else f.format(x)  # noqa: E731
    lines = [
        "| page | uncached rps ÷ Wagtail's | bar | in-process ms | Wagtail in-process ms "
        "| queries | cached rps ÷ floor's (bar 0.8×) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, (_path, peer, bar) in PAGES.items():
        for lang in LANGUAGES:
            row = name if lang == "en" else f"{name}_{lang}"
            if row not in rows:
                continue
            cached = _paired(rows, f"{name}_cached", "floor") if lang == "en" else None
            queries = rows[row].get("queries", {})
            lines.append(
                f"| {row} vs {peer} | {fmt(_paired(rows, row, peer))} | {bar:.0f}× "
                f"| {fmt(_median(rows, row, 'inproc_ms'), '{:.1f}')} "
                f"| {fmt(_median(rows, peer, 'inproc_ms'), '{:.1f}')} "
                f"| {next(iter(queries.values()), '–')} "
                f"| {fmt(cached) if lang == 'en' else ''} |"
            )
    return "\n".join(lines) + "\n"
