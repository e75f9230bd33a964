"""`make lighthouse-all`: Lighthouse 12 on the pages a reader lands on, in the mobile and the
desktop presets, against the same throw-away demo site as `make check-pages` (gunicorn, DEBUG
off, its uploads served), and a summary table (issue 13).

Pages: home, members, a statement, the campaign and join, in English (`--languages en,ko,ja`
for more). Each report is written to DIR/<language>-<page>-<preset>.json and .html, and the
scores to DIR/summary.md. Lighthouse's performance score depends on how busy the machine is:
`--runs 2` measures each page twice and reports the best and the worst.

    .venv/bin/python tests/pages/lighthouse.py [--out test-artifacts/lighthouse] [--runs 1]
        [--languages en] [--presets mobile,desktop] [--pages home,members,...]
        [--throttling-method simulate|devtools]

Exit status 1 when any category scores below 100. Manual: not run by `.ci/run`.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_pages import CHROMIUM, ROOT, Site, fetch, log  # noqa: E402

LIGHTHOUSE_VERSION = os.environ.get("LIGHTHOUSE_VERSION", "12.2.3")
LOCAL_LIGHTHOUSE = (
    Path(os.environ.get("TOOLS_DIR", ROOT / ".tools")) / "node_modules" / ".bin" / "lighthouse"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = ["home", "members", "statement", "campaign", "join"]


def page_paths(site_urls, code):
    urls = site_urls[code]
    return {
        "home": f"/{code}/",
        "members": f"/{code}/members/",
        "statement": urls["statements"][0],
        "campaign": urls["campaign"],
        "join": f"/{code}/join/",
    }


def lighthouse_command():
    if LOCAL_LIGHTHOUSE.exists():
        return [str(LOCAL_LIGHTHOUSE)]
    return ["npx", "--yes", f"lighthouse@{LIGHTHOUSE_VERSION}"]


def run_lighthouse(url, preset, out_base, throttling):
    command = [
        *lighthouse_command(),
        url,
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={out_base}",
        f"--throttling-method={throttling}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    for attempt in (1, 2):  # Chromium on a busy machine now and then fails to start: once more
        result = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True
        )
        if result.returncode == 0:
            break
        log(f"lighthouse failed on {url} (attempt {attempt}): {result.stderr.strip()[-800:]}")
    else:
        raise RuntimeError(f"Lighthouse could not measure {url}")
    report = json.loads(Path(f"{out_base}.report.json").read_text())
    scores = {c: round((report["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    failing = [
        f"{audit['id']} ({audit['score']})"
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    # Lighthouse's own measure of the machine's CPU speed: low when the machine is busy, and
    # then the performance score says more about the machine than about the page.
    return scores, failing, round(report["environment"]["benchmarkIndex"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "lighthouse"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--languages", default="en")
    parser.add_argument("--presets", default="mobile,desktop")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--throttling-method", default="simulate")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    workdir = tempfile.mkdtemp(prefix="lighthouse-site-")
    site = Site(workdir)
    rows, below = [], []
    try:
        site.start()
        for code in args.languages.split(","):
            paths = page_paths(site.urls, code)
            # A site in use has its pages in the page cache: fill it in both gunicorn workers
            # (each keeps its own here), so Lighthouse measures that and not a first build.
            for path in paths.values():
                for _ in range(6):
                    fetch(site.base + path)
            for name in args.pages.split(","):
                for preset in args.presets.split(","):
                    runs = []
                    for run in range(args.runs):
                        base = out / (f"{code}-{name}-{preset}" + (f"-{run + 1}" if run else ""))
                        runs.append(
                            run_lighthouse(
                                site.base + paths[name], preset, base, args.throttling_method
                            )
                        )
                    best = {c: max(r[0][c] for r in runs) for c in CATEGORIES}
                    worst = {c: min(r[0][c] for r in runs) for c in CATEGORIES}
                    failing = sorted({a for r in runs for a in r[1]})
                    cpu = "/".join(str(r[2]) for r in runs)
                    rows.append((code, name, paths[name], preset, best, worst, cpu, failing))
                    spread = " ".join(str(worst[c]) for c in CATEGORIES)
                    log(
                        f"{code} {name:9} {preset:7} "
                        + " ".join(f"{best[c]:3}" for c in CATEGORIES)
                        + (f"  (worst {spread})" if args.runs > 1 else "")
                        + (f"  below 0.9: {', '.join(failing)}" if failing else "")
                    )
                    if min(worst.values()) < 100:
                        below.append((code, name, preset))
    finally:
        site.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    lines = [
        f"# Lighthouse {LIGHTHOUSE_VERSION}",
        "",
        f"Throttling: {args.throttling_method}; {args.runs} run(s) a page"
        + ("; best / worst" if args.runs > 1 else "")
        + ". Categories: performance, accessibility, best practices, SEO. CPU index: "
        "Lighthouse's benchmarkIndex of the machine during the run (an idle desktop scores "
        "well above 1000; below that, performance reflects a busy machine).",
        "",
        "| page | path | preset | perf | a11y | best practices | SEO | CPU index | below 0.9 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for code, name, path, preset, best, worst, cpu, failing in rows:
        cells = [
            str(best[c]) if best[c] == worst[c] else f"{best[c]} / {worst[c]}" for c in CATEGORIES
        ]
        lines.append(
            f"| {code} {name} | `{path}` | {preset} | {' | '.join(cells)} | {cpu} "
            f"| {', '.join(failing)} |"
        )
    (out / "summary.md").write_text("\n".join(lines) + "\n")
    log(f"summary in {out / 'summary.md'}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
