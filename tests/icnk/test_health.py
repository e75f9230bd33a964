"""/healthz tells a load balancer whether the database and the cache answer."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db

PROBE = """
import django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(response.status_code)
print(response.content.decode())
"""


def probe(**env_vars):
    """Ask /healthz in a fresh process configured to reach a real but absent service."""
    env = {**os.environ, "DEBUG": "1", "ALLOWED_HOSTS": "testserver", **env_vars}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split("\n", 1)
    return int(status), json.loads(body)


def test_healthz_is_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_naming_the_database_when_it_is_unreachable():
    # Nothing listens on port 1: the connection is refused, as with a stopped server.
    status, body = probe(DATABASE_URL="postgres://postgres@127.0.0.1:1/icnk")
    assert status == 503
    assert body["checks"] == {"database": "unreachable", "cache": "ok"}


def test_healthz_is_503_naming_the_cache_when_it_is_unreachable():
    status, body = probe(CACHE_URL="redis://127.0.0.1:1/0")
    assert status == 503
    assert body["checks"]["cache"] == "unreachable"
