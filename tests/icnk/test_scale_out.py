"""Two app servers sharing only PostgreSQL and Redis behave as one site.

Runs real gunicorn processes against the test database and the suite's own Redis database
(CACHE_URL); skipped (with the reason) where PostgreSQL or Redis is not available.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection

from icnk.roles import EDITORS
from statements.models import Statement
from tests.factories import authenticator, make_staff, totp_code

BASE_DIR = Path(__file__).resolve().parents[2]
# The Redis database the suite itself was given (CACHE_URL): never another one on the server.
REDIS_URL = os.environ.get("CACHE_URL", "")

pytestmark = pytest.mark.django_db(transaction=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_up():
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def two_servers(tmp_path, settings):
    if connection.vendor != "postgresql" or not REDIS_URL.startswith("redis://") or not redis_up():
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL) and Redis (CACHE_URL=redis://127.0.0.1:6379/n)"
        )
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        # Production's settings, not the test run's (tests/settings.py serves static files
        # unhashed, with no STATIC_ROOT to collect them into).
        "DJANGO_SETTINGS_MODULE": "icnk.settings",
        "DEBUG": "0",
        "SECRET_KEY": "scale-out-test-" + "k" * 40,
        "HTTPS": "off",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**db),
        "CACHE_URL": REDIS_URL,
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=BASE_DIR, env=env, check=True,
    )  # fmt: skip
    servers, procs = [], []
    for _ in range(2):
        port = free_port()
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "icnk.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        )
        servers.append(f"http://127.0.0.1:{port}")
    deadline = time.time() + 30
    for server in servers:
        while True:
            try:
                urllib.request.urlopen(f"{server}/healthz", timeout=2)
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
    yield servers
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=20)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def opener_with(jar):
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def fetch(opener, url, data=None, referer=None):
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(data, doseq=True).encode() if data else None,
        headers={"Referer": referer or url},
    )
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def csrf(jar):
    return next(c.value for c in jar if c.name == "csrftoken")


def test_two_app_servers_share_publishing_rate_limits_and_staff_sessions(two_servers, settings):
    a, b = two_servers
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False
    editor = make_staff("editor", EDITORS)
    # The servers run with production hashers (the test run uses a fast one).
    editor.password = PBKDF2PasswordHasher().encode("a-long-test-password-1", "scaleoutsalt")
    editor.save()
    device = authenticator(editor)
    draft = Statement.objects.create(
        title="Scale-out check statement", slug="scale-out-check", language="en",
        body="Published through one server, read through the other.",
    )  # fmt: skip

    reader = opener_with(CookieJar())
    status, html = fetch(reader, f"{b}/en/statements/")
    assert status == 200 and "Scale-out check statement" not in html  # now cached on B

    # A staff session made on A works on B (sessions live in the database).
    jar = CookieJar()
    staff = opener_with(jar)
    fetch(staff, f"{a}/admin/login/")
    status, _ = fetch(
        staff, f"{a}/admin/login/",
        {"username": "editor", "password": "a-long-test-password-1", "next": "/admin/",
         "csrfmiddlewaretoken": csrf(jar)},
    )  # fmt: skip
    assert status == 302
    fetch(staff, f"{a}/admin/two-factor/")
    status, _ = fetch(
        staff, f"{a}/admin/two-factor/",
        {"code": totp_code(device), "next": "/admin/", "csrfmiddlewaretoken": csrf(jar)},
    )  # fmt: skip
    assert status == 302
    status, html = fetch(staff, f"{b}/admin/")
    assert status == 200 and "editor" in html.lower()

    # Published through A, visible through B at once, though B's worker keeps its own copy of
    # the list (icnk/local_answers.py): Redis tells it of A's new generation.
    for _ in range(3):
        status, html = fetch(reader, f"{b}/en/statements/")
        assert status == 200 and "Scale-out check statement" not in html
    status, _ = fetch(
        staff, f"{a}/admin/statements/statement/",
        {"action": "publish", "post": "yes", "_selected_action": [draft.pk],
         "csrfmiddlewaretoken": csrf(jar)},
    )  # fmt: skip
    assert status == 302
    status, html = fetch(reader, f"{b}/en/statements/")
    assert status == 200 and "Scale-out check statement" in html

    # The join rate limit is counted once for both servers.
    def join(server, n):
        jar = CookieJar()
        client = opener_with(jar)
        fetch(client, f"{server}/en/join/?as=individual")
        return fetch(
            client, f"{server}/en/join/",
            {"kind": "individual", "name": f"Scale {n}", "email": f"scale{n}@example.org",
             "accept_objectives": "on", "csrfmiddlewaretoken": csrf(jar)},
        )[0]  # fmt: skip

    answers = [join(a if n % 2 else b, n) for n in range(settings.JOIN_RATE_LIMIT)]
    assert answers == [302] * settings.JOIN_RATE_LIMIT
    assert join(a, 98) == 429
    assert join(b, 99) == 429
