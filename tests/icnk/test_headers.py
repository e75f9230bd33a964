"""Security headers as served: every public page, the admin, uploads and previews.

The site must score A+ on Mozilla's HTTP Observatory behind TLS: a strict Content-Security-Policy
(Django's own), a year of HSTS, nosniff, same-origin referrers and opener, no framing, and
cookies that are Secure, HttpOnly and SameSite.
"""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import path
from django.utils import timezone, translation
from django.views.static import serve

from icnk.roles import ADMINISTRATORS, EDITORS
from icnk.uploads import RandomName
from icnk.urls import urlpatterns as site_urlpatterns
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "ko", "ja"]


def _serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# The site's URLs plus the media view that icnk/urls.py adds only when DEBUG is on, so that the
# headers of uploads can be tested as a developer's browser would receive them.
urlpatterns = [path("media/<path:path>", _serve_media), *site_urlpatterns]


@pytest.fixture
def demo(db):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def public_pages():
    """Every kind of public page, in each language, with real demo objects behind them."""
    from members.models import Organization
    from statements.models import Campaign, Statement

    organization = Organization.objects.listed().order_by("slug").first()
    campaign = Campaign.objects.order_by("pk").first()
    statements = Statement.objects.published()
    pages = []
    for language in LANGUAGES:
        with translation.override(language):
            statement = statements.filter(language=language).order_by("pk").first()
            pages += [
                f"/{language}/",
                f"/{language}/about/",
                f"/{language}/privacy/",
                f"/{language}/members/",
                f"/{language}/members/?country=KR",
                organization.get_absolute_url(),
                f"/{language}/statements/",
                statement.get_absolute_url(),
                f"/{language}/statements/feed/",
                campaign.get_absolute_url(),
                f"/{language}/join/",
                f"/{language}/join/?as=individual",
                f"/{language}/join/new-link/",
            ]
    any_statement = statements.order_by("pk").first()
    pages += [
        "/api/v1/members/",
        f"/api/v1/members/{organization.slug}/",
        "/api/v1/members/openapi.json",
        "/api/v1/statements/",
        f"/api/v1/statements/{any_statement.slug}/",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
    ]
    return pages


@pytest.fixture
def production(settings):
    """The HTTPS-related settings as `HTTPS` on (the production default) sets them."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_SECURE = True
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SECURE_CSP = {**settings.SECURE_CSP, "upgrade-insecure-requests": True}
    return settings


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_hardened(response, *, https=True):
    """The headers Mozilla's Observatory looks for, as a browser receives them."""
    csp = csp_directives(response)
    assert csp["default-src"] == ["'none'"]
    for directive in ("object-src", "base-uri", "frame-ancestors"):
        assert csp[directive] == ["'none'"], directive
    for directive in ("script-src", "style-src"):
        assert csp[directive] == ["'self'"], directive
    assert not any(
        "unsafe" in value or value in ("*", "http:", "https:", "data:")
        for directive in ("script-src", "style-src", "default-src")
        for value in csp[directive]
    )
    assert "Content-Security-Policy-Report-Only" not in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "Access-Control-Allow-Origin" not in response
    if https:
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
        assert "upgrade-insecure-requests" in csp
    else:
        assert "Strict-Transport-Security" not in response


def test_every_public_page_is_served_with_the_full_set_of_security_headers(
    client, demo, production
):
    pages = public_pages()
    assert len(pages) == 3 * 13 + 8
    # The second time round most pages come whole from the page cache: same headers.
    for _round in ("rendered", "cached"):
        for url in pages:
            response = client.get(url, secure=True)
            assert response.status_code == 200, url
            assert_hardened(response)


def test_plain_http_is_redirected_to_the_same_address_on_https_before_anything_else(
    client, demo, production
):
    for url in ["/en/", "/ko/members/?country=KR", "/api/v1/statements/", "/healthz"]:
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == f"https://testserver{url}"
        assert "Set-Cookie" not in response
        assert "Strict-Transport-Security" not in response  # only ever sent over HTTPS


def test_without_https_no_hsts_is_sent_but_everything_else_is(client, demo):
    response = client.get("/en/")
    assert response.status_code == 200
    assert_hardened(response, https=False)


def test_the_admin_is_covered_by_the_same_policy(client, demo, production):
    response = client.get(f"/{settings.ADMIN_URL}login/", secure=True)
    assert response.status_code == 200
    assert_hardened(response)

    administrator = make_staff("ada", ADMINISTRATORS)
    login_with_two_factor(client, administrator)
    for url in [
        f"/{settings.ADMIN_URL}",
        f"/{settings.ADMIN_URL}members/organization/",
        f"/{settings.ADMIN_URL}statements/statement/",
        f"/{settings.ADMIN_URL}statements/statement/add/",
    ]:
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_hardened(response)


def test_no_page_carries_a_nonce_so_none_can_be_cached(client, demo):
    first = client.get("/en/")["Content-Security-Policy"]
    second = client.get("/en/")["Content-Security-Policy"]
    assert first == second
    assert "nonce-" not in first


def test_cookies_are_secure_host_only_and_hidden_from_scripts_in_production(
    client, demo, production
):
    response = client.get("/en/join/", secure=True)
    csrf = response.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert csrf["path"] == "/" and not csrf["domain"]

    editor = make_staff("eve", EDITORS)
    login = f"/{settings.ADMIN_URL}login/"
    client.get(login, secure=True)
    response = client.post(
        login,
        {"username": editor.username, "password": "a-long-test-password-1"},
        secure=True,
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]


def test_production_settings_turn_on_https_hsts_and_host_only_cookies():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, "
        "s.CSRF_COOKIE_NAME, s.SECURE_CSP.get('upgrade-insecure-requests'), s.MIDDLEWARE[:2]]))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "icnk.settings",
        "SECRET_KEY": "x7Qp-9vK2mZr8tLw4nYb6cHs1dFj3gAe5uIo0pRq7sTv9wXy2zBn4mCk6lDh8jGf",
        "ALLOWED_HOSTS": "icnk.example.org",
        "DATABASE_URL": "sqlite:////tmp/icnk-headers-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[true, 31536000, true, true, "__Host-sessionid", "__Host-csrftoken", true, '
        # Only the page cache's early answer comes first: it replays a page as sent, with the
        # headers this middleware gave it (tests/icnk/test_cached_answer.py).
        '["icnk.cache.CachedAnswerMiddleware", "icnk.headers.SecurityHeadersMiddleware"]]'
    )


# ---------------------------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def upload(media_root, name, content):
    target = media_root / "attachments" / name
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(content)
    return f"/media/attachments/{name}"


@pytest.mark.urls("tests.icnk.test_headers")
@pytest.mark.parametrize(
    ("name", "content_type", "disposition"),
    [
        ("3f2a.png", "image/png", "inline"),
        ("3f2a.jpg", "image/jpeg", "inline"),
        ("3f2a.pdf", "application/pdf", "inline"),  # a statement's document opens to read
        (
            "3f2a.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attachment",
        ),
        ("3f2a.html", "application/octet-stream", "attachment"),
        ("3f2a.svg", "application/octet-stream", "attachment"),
        ("3f2a.js", "application/octet-stream", "attachment"),
        ("3f2a.bin", "application/octet-stream", "attachment"),
    ],
)
def test_uploads_are_sandboxed_never_sniffed_and_only_images_shown_inline(
    client, media_root, name, content_type, disposition
):
    url = upload(media_root, name, b"<html><script>alert(1)</script></html>")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'{disposition}; filename="{name}"'
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.urls("tests.icnk.test_headers")
def test_a_missing_upload_is_also_sandboxed(client, media_root):
    response = client.get("/media/attachments/none.html")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    "hostile_name",
    [
        "../../etc/passwd.png",
        "..\\..\\windows\\win.ini.png",
        "/etc/cron.d/x.png",
        "x.php.png",
        "a.html",
        "shell.php",
        "noextension",
        "a.p/../../hp",
        "%2e%2e%2fx.png",
        "x.png\x00.html",
    ],
)
def test_generated_upload_names_keep_nothing_of_the_uploaded_name_but_a_safe_extension(
    hostile_name,
):
    name = RandomName("logos")(None, hostile_name)
    folder, stored = name.split("/")
    assert folder == "logos"
    stem, extension = stored.split(".")
    assert len(stem) == 32 and int(stem, 16) >= 0
    assert extension.isalnum() and len(extension) <= 5


def test_hostile_file_names_are_stored_inside_the_media_folder_under_generated_names(
    media_root,
):
    from members.models import Organization
    from statements.models import Attachment, Statement

    organization = Organization.objects.create(name="Test NGO", slug="test-ngo")
    statement = Statement.objects.create(
        title="T", slug="t", language="en", body="b", status=Statement.Status.DRAFT
    )
    for hostile in ["../../etc/passwd.png", "x.php.png", "/tmp/evil.png"]:
        organization.logo = SimpleUploadedFile(hostile, b"\x89PNG\r\n\x1a\n", "image/png")
        organization.save()
    attachment = Attachment.objects.create(
        statement=statement,
        title="Report",
        language="en",
        file=SimpleUploadedFile("../../../a.html", b"<script>alert(1)</script>", "text/html"),
    )
    written = sorted(p for p in media_root.parent.rglob("*") if p.is_file())
    assert written, "nothing was stored"
    for stored in written:
        assert media_root in stored.parents, stored
        assert "passwd" not in stored.name and "evil" not in stored.name
    assert organization.logo.name.startswith("logos/") and organization.logo.name.endswith(".png")
    # The stored name keeps .html here, but the media headers above turn it into a sandboxed
    # download; the admin form refuses such a file before it gets this far.
    assert attachment.file.name.startswith("attachments/")
    assert oct(Path(attachment.file.path).stat().st_mode & 0o777) == oct(
        settings.FILE_UPLOAD_PERMISSIONS
    )


def test_the_admin_refuses_an_html_file_dressed_as_an_attachment(media_root):
    from django.core.exceptions import ValidationError

    from statements.models import Attachment, Statement

    statement = Statement.objects.create(
        title="T", slug="t", language="en", body="b", status=Statement.Status.DRAFT
    )
    for name in ["a.html", "report.pdf.html", "report.pdf"]:
        attachment = Attachment(
            statement=statement,
            title="Report",
            language="en",
            file=SimpleUploadedFile(name, b"<html><script>alert(1)</script>", "application/pdf"),
        )
        with pytest.raises(ValidationError) as refused:
            attachment.full_clean()
        assert "file" in refused.value.message_dict
    assert not any(p.is_file() for p in media_root.rglob("*"))


# ---------------------------------------------------------------------------------------------
# Drafts and previews
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_statement_preview_is_never_stored_by_any_cache(client, demo, status):
    from statements.models import Statement

    statement = Statement.objects.create(
        title="Embargoed statement",
        slug="embargoed",
        language="en",
        body="Not yet.",
        status=Statement.Status.DRAFT if status == "draft" else Statement.Status.PUBLISHED,
        published_at=timezone.now() + datetime.timedelta(days=2),
    )
    login_with_two_factor(client, make_staff("eve", EDITORS))
    response = client.get(f"/{settings.ADMIN_URL}statements/statement/{statement.pk}/preview/")
    assert response.status_code == 200
    assert "Embargoed statement" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert csp_directives(response)["default-src"] == ["'none'"]
    # The public address of the same statement shows nothing.
    assert client.get("/en/statements/embargoed/").status_code == 404


def test_admin_pages_and_join_pages_are_never_stored_by_any_cache(client, demo):
    login_with_two_factor(client, make_staff("eve", EDITORS))
    for url in [
        f"/{settings.ADMIN_URL}",
        f"/{settings.ADMIN_URL}members/joinrequest/",
        "/en/join/",
        "/en/join/sent/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
