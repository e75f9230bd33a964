"""The site keeps answering, and loses nothing, when the cache, the database or the disk fail.

These use the real services: a Redis address where nothing listens, PostgreSQL connections
terminated by the server, a real (tiny) filesystem that fills up.
"""

import contextlib
import importlib.util
import runpy
import subprocess
import urllib.request
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from members.models import JoinRequest
from tests.factories import png_bytes


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False


@pytest.fixture
def cache_down(settings, monkeypatch, free_port):
    """The project's own cache configuration, read from its settings, for a Redis that is down."""
    monkeypatch.setenv("CACHE_URL", f"redis://127.0.0.1:{free_port}/0")
    # The project's settings file (the test settings build on it), read afresh with this CACHE_URL.
    module = importlib.util.find_spec("icnk.settings")
    project = runpy.run_path(module.origin)
    assert project["CACHES"]["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    settings.CACHES = project["CACHES"]
    yield
    caches["default"].close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/en/", "/ko/members/", "/ja/statements/", "/en/statements/feed/", "/api/v1/members/",
            "/en/join/", "/en/about/"],
)  # fmt: skip
def test_public_pages_answer_with_the_cache_down(client, demo, cache_down, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_healthz_names_the_cache_when_it_is_down(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "unreachable"}


@pytest.mark.django_db
def test_join_requests_are_accepted_with_the_cache_down(client, demo, cache_down):
    # The rate limit cannot be counted without the cache; the form stays open (documented).
    for n in range(7):
        response = client.post(
            "/en/join/",
            {"kind": "individual", "name": f"Person {n}", "email": f"p{n}@example.org",
             "accept_objectives": "on"},
        )  # fmt: skip
        assert response.status_code == 302
    assert JoinRequest.objects.count() == 7


@pytest.mark.django_db
def test_staff_can_sign_in_with_the_cache_down(client, demo, cache_down):
    from icnk.roles import EDITORS
    from tests.factories import authenticator, make_staff, totp_code

    device = authenticator(make_staff("editor", EDITORS))
    response = client.post(
        "/admin/login/", {"username": "editor", "password": "a-long-test-password-1"}
    )
    assert response.status_code == 302
    assert client.post("/admin/two-factor/", {"code": totp_code(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.fixture
def full_disk(settings, tmp_path):
    """MEDIA_ROOT on a 64 KiB tmpfs that is already full."""
    mountpoint = tmp_path / "media"
    mountpoint.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mountpoint)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here (needs root): {done.stderr!r}")
    try:
        filler = mountpoint / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as out:
            out.write(b"\0" * (128 * 1024))  # more than fits: the disk is now full
        settings.MEDIA_ROOT = str(mountpoint)
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)


@pytest.mark.django_db
def test_a_full_disk_on_upload_gives_a_clear_error_and_stores_nothing(client, demo, full_disk):
    before = sorted(p.name for p in full_disk.rglob("*"))
    response = client.post(
        "/en/join/",
        {
            "kind": "organization", "name": "Disk Full Org", "organization_kind": "other",
            "contact_name": "A", "email": "a@example.org", "support_statement": "Yes",
            "accept_objectives": "on",
            "logo": SimpleUploadedFile("l.png", png_bytes(size=(400, 400))),
        },
    )  # fmt: skip
    assert response.status_code == 503
    assert "Nothing has been saved" in response.content.decode()
    assert JoinRequest.objects.count() == 0
    after = sorted(p.name for p in full_disk.rglob("*") if p.is_file())
    assert after == [n for n in before if n == "filler"]  # no half-written logo left behind


@pytest.mark.django_db(transaction=True)
def test_after_the_database_drops_connections_the_next_request_succeeds(live_server, demo):
    if connection.vendor != "postgresql":
        pytest.skip("connection drops are tested against the real PostgreSQL (DATABASE_URL)")
    url = f"{live_server.url}/en/members/"
    assert urllib.request.urlopen(url, timeout=10).status == 200
    with connection.cursor() as cursor:
        # What a database restart does to every connection but ours.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    assert urllib.request.urlopen(url, timeout=10).status == 200
