"""`make bench-peer`: skipped with a clear message without the harness, and its summary holds
each page to its bar with the per-round paired ratios of one run."""

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.management.commands.bench_peer import summary

BASE_DIR = Path(__file__).resolve().parents[2]

RAW = """\
# 2026-11-30T19:05:16+00:00 rounds=2 seconds=10 connections=8 wrk_threads=1 gunicorn_workers=2
name=floor round=1 url=http://127.0.0.1:8001/floor/ rps=3000.0 p50_ms=2 status=200
name=wagtail_index round=1 url=http://127.0.0.1:8002/news/ rps=60.0 p50_ms=130 status=200
name=statements round=1 url=http://127.0.0.1:8113/en/statements/ rps=180.0 p50_ms=40 status=200
name=statements_cached round=1 url=http://127.0.0.1:8112/en/statements/ rps=2700.0 status=200
name=floor round=2 url=http://127.0.0.1:8001/floor/ rps=1500.0 p50_ms=2 status=200
name=wagtail_index round=2 url=http://127.0.0.1:8002/news/ rps=30.0 p50_ms=130 status=200
name=statements round=2 url=http://127.0.0.1:8113/en/statements/ rps=60.0 p50_ms=40 status=200
name=statements_cached round=2 url=http://127.0.0.1:8112/en/statements/ rps=1200.0 status=200
name=statements round=1 inproc_ms=9.5 queries=4 status=200 bytes=50344
name=statements round=2 inproc_ms=10.5 queries=4 status=200 bytes=50344
"""


def test_without_the_harness_it_says_so_and_succeeds(tmp_path):
    env = {**os.environ, "DEBUG": "1", "BENCH_HARNESS": str(tmp_path / "nowhere")}
    result = subprocess.run(
        [sys.executable, "manage.py", "bench_peer"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "harness is not here" in result.stdout and "skipping" in result.stdout


def test_the_summary_pairs_each_round_with_its_own_references():
    table = summary(RAW)
    row = next(line for line in table.splitlines() if line.startswith("| statements vs"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    # Round 1: 180 / 60 = 3.0, round 2: 60 / 30 = 2.0 (the machine at half speed): median 2.5.
    assert cells[1] == "2.50×"
    assert cells[3] == "10.0" and cells[5] == "4"
    # Cached: 2700 / 3000 = 0.9 and 1200 / 1500 = 0.8: median 0.85.
    assert cells[6] == "0.85×"
