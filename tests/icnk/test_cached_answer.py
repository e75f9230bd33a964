"""A page-cache hit is answered before any other middleware runs (CachedAnswerMiddleware), with
the very headers and body a rendered page gets, and only to readers who may see the public copy.

Run also against Redis: CACHE_URL=redis://127.0.0.1:6379/<n>.
"""

import datetime
import gzip

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icnk.roles import ADMINISTRATORS, EDITORS
from members.models import Supporter, Visibility
from statements.models import Signature, Statement
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
PAGES = ["/en/", "/ko/statements/", "/ja/members/", "/en/statements/feed/", "/api/v1/statements/"]


@pytest.fixture
def statement(site_settings):
    return Statement.objects.create(
        title="Joint letter on detention",
        slug="joint-letter",
        language="en",
        body="Body.",
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )


@pytest.fixture
def production(settings):
    """HTTPS as production has it (see tests/icnk/test_headers.py)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.SECURE_CSP = {**settings.SECURE_CSP, "upgrade-insecure-requests": True}
    return settings


def get(client, url, method="get", **extra):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **extra)
    return response, len(captured)


def answered_early(response):
    """No middleware but the first saw this request: no session or user was attached, and
    SiteURLMiddleware (after the security middleware) did not set the site's address on it."""
    request = response.wsgi_request
    return not (
        hasattr(request, "session")
        or hasattr(request, "user")
        or "_current_scheme_host" in vars(request)
    )


def text(response):
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content).decode()
    return response.content.decode()


def headers(response):
    return sorted(response.items())


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("encoding", [GZIP, {}], ids=["gzip", "identity"])
def test_a_hit_is_the_rendered_answer_header_for_header(client, statement, url, encoding):
    rendered, _n = get(client, url, **encoding)
    assert rendered.status_code == 200 and not answered_early(rendered)
    hit, n = get(client, url, **encoding)
    assert n == 0 and answered_early(hit)
    assert headers(hit) == headers(rendered)
    assert hit.content == rendered.content
    assert ("Content-Encoding" in hit) == bool(encoding)
    assert "Accept-Encoding" in hit["Vary"] and hit["Content-Language"]


def test_a_hit_over_https_carries_hsts_and_the_full_policy(client, statement, production):
    rendered, _n = get(client, "/en/statements/", secure=True, **GZIP)
    hit, n = get(client, "/en/statements/", secure=True, **GZIP)
    assert n == 0 and answered_early(hit)
    assert headers(hit) == headers(rendered)
    assert hit["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "upgrade-insecure-requests" in hit["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == "DENY" and hit["Cross-Origin-Resource-Policy"]
    assert "Joint letter on detention" in gzip.decompress(hit.content).decode()


def test_gzip_and_plain_readers_each_get_their_own_body(client, statement):
    client.get("/en/statements/", **GZIP)
    client.get("/en/statements/", **GZIP)
    plain, n = get(client, "/en/statements/")
    assert n == 0  # rendered once: the page cache's own copy, compressed or not as asked
    assert "Content-Encoding" not in plain
    assert "Joint letter on detention" in plain.text
    zipped, _n = get(client, "/en/statements/", **GZIP)
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content


def test_head_and_conditional_requests_are_answered_early(client, statement):
    first = client.get("/en/statements/")
    client.get("/en/statements/")
    head, n = get(client, "/en/statements/", method="head")
    assert n == 0 and answered_early(head)
    assert head.content == b"" and head["Content-Length"] == str(len(first.content))
    assert head["ETag"] == first["ETag"]
    again, n = get(client, "/en/statements/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert n == 0 and again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    # The security headers go with a 304 as with the page.
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Permissions-Policy"):
        assert again[name] == first[name], name


def test_a_staff_session_never_gets_the_cached_page_nor_leaves_its_own(client, statement):
    anonymous = client.get("/en/statements/joint-letter/").text
    client.get("/en/statements/joint-letter/")
    # A change no signal reports: only a fresh rendering shows it.
    Statement.objects.filter(pk=statement.pk).update(title="Joint letter, as staff see it now")
    login_with_two_factor(client, make_staff("editor", EDITORS))
    for _visit in range(2):
        staff, n = get(client, "/en/statements/joint-letter/")
        assert n > 0 and not answered_early(staff)
        assert "Joint letter, as staff see it now" in staff.text
    client.logout()
    client.cookies.clear()
    again, n = get(client, "/en/statements/joint-letter/")
    assert n == 0 and again.text == anonymous


def test_any_session_cookie_goes_past_the_early_answer(client, statement):
    client.get("/en/statements/")
    client.get("/en/statements/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-member-in-the-members-area"
    response, n = get(client, "/en/statements/")
    assert n > 0 and not answered_early(response)


def test_a_take_down_reaches_the_early_answer_at_once(client, statement):
    person = Supporter.objects.create(
        full_name="Kim Young-hwan", visibility=Visibility.FULL_NAME, country="KR"
    )
    Signature.objects.create(statement=statement, supporter=person)
    pages = ["/en/members/", "/en/statements/joint-letter/", "/api/v1/members/?kind=individual"]
    for url in pages:
        client.get(url, **GZIP)  # rendered
        early = client.get(url, **GZIP)
        assert answered_early(early) and "Kim Young-hwan" in text(early), url
    login_with_two_factor(client, make_staff("admin", ADMINISTRATORS))
    response = client.post(
        f"{ADMIN}members/supporter/", {"action": "take_down", "_selected_action": [person.pk]}
    )
    assert response.status_code == 302
    client.logout()
    client.cookies.clear()
    for url in pages:
        assert "Kim Young-hwan" not in text(client.get(url, **GZIP)), url


def test_an_unknown_host_is_refused_even_when_the_page_is_cached(client, statement):
    client.get("/en/statements/")
    client.get("/en/statements/")
    response = client.get("/en/statements/", HTTP_HOST="attacker.example")
    assert response.status_code == 400


def test_plain_http_is_redirected_even_with_a_plain_http_copy_cached(client, statement, settings):
    # Copies kept from before HTTPS was turned on (the cache outlives a deploy).
    client.get("/en/statements/")
    client.get("/en/statements/")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/en/statements/")  # a new process, as after the deploy
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/en/statements/"
    assert "Strict-Transport-Security" not in response


def test_parameters_no_view_reads_are_answered_early_from_the_same_copy(client, statement):
    first = client.get("/en/statements/?utm_source=a")
    hit, n = get(client, "/en/statements/?utm_source=b")
    assert n == 0 and answered_early(hit)
    assert hit.content == first.content
