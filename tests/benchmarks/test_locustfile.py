"""The load test's users (benchmarks/locustfile.py), run by locust: they read, join, log every
request, and send traffic to 127.0.0.1 only."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from icnk.demo import SITE
from icnk.models import SiteSettings
from members.models import JoinRequest

BASE_DIR = Path(__file__).resolve().parents[2]
PATHS = ["/en/", "/ko/statements/", "/en/no-such-page/"]

pytestmark = pytest.mark.django_db(transaction=True)


def run_locust(host, work, seconds):
    (work / "paths.json").write_text(json.dumps(PATHS))
    env = os.environ | {
        "LOADTEST_URLS": str(work / "paths.json"),
        "LOADTEST_LOG": str(work / "requests.jsonl"),
        "LOADTEST_JOINS": str(work / "joins.txt"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "locust", "-f", "benchmarks/locustfile.py", "--headless",
         "-u", "2", "-r", "2", "-t", f"{seconds}s", "--host", host, "--only-summary"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    log, joins = work / "requests.jsonl", work / "joins.txt"
    rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result, rows, joins.read_text().split() if joins.exists() else []


def test_readers_and_an_applicant_reach_the_site_and_every_request_is_logged(
    live_server, settings, tmp_path
):
    SiteSettings.objects.create(pk=1, **SITE)
    settings.JOIN_RATE_LIMIT = 1000
    port = urlsplit(live_server.url).port
    result, rows, joins = run_locust(f"http://127.0.0.1:{port}", tmp_path, seconds=3)
    seen = {(kind, path, status) for _t, kind, path, status, _s, _cause in rows}
    assert {("read", "/en/", 200), ("read", "/ko/statements/", 200)} <= seen, result.stderr
    assert ("read", "/en/no-such-page/", 404) in seen  # failures are logged with their status
    assert ("join", "/en/join/", 302) in seen
    stored = set(JoinRequest.objects.values_list("email", flat=True))
    assert joins and set(joins) <= stored  # every join answered with success is in the database


def test_it_refuses_any_host_but_127_0_0_1(tmp_path):
    result, rows, _joins = run_locust("http://localhost:9", tmp_path, seconds=1)
    assert result.returncode != 0
    assert "only sends traffic to 127.0.0.1" in result.stderr
    assert rows == []
