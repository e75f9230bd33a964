"""oEmbed for statements: the endpoint, its errors, the discovery link, and the card it
points to, which only public statements reach."""

import datetime
from urllib.parse import quote

import pytest
from django.utils import timezone

from members.models import Organization
from members.models import Visibility as V
from statements.formatting import long_date
from statements.models import Signature, Statement
from tests.factories import make_supporter

pytestmark = pytest.mark.django_db


def oembed(client, url, **params):
    return client.get("/oembed", {"url": url, **params})


def test_a_public_statement_gets_a_rich_card(client, site_settings, statement):
    response = oembed(client, "http://testserver/en/statements/welcomes-inquiry/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["title"] == "Coalition welcomes the inquiry"
    assert data["provider_name"] == site_settings.name
    assert data["provider_url"] == "http://testserver/"
    assert (data["width"], data["height"]) == (560, 320)
    card = "http://testserver/en/embed/statements/welcomes-inquiry/"
    assert f'<iframe src="{card}" width="560" height="320"' in data["html"]


def test_maxwidth_and_maxheight_are_honoured(client, site_settings, statement):
    url = "http://testserver/en/statements/welcomes-inquiry/"
    data = oembed(client, url, maxwidth="400").json()
    assert data["width"] == 400 and data["height"] == 440  # narrower wraps into more lines
    assert data["width"] <= 400
    data = oembed(client, url, maxwidth="1000", maxheight="250").json()
    assert (data["width"], data["height"]) == (560, 250)
    assert oembed(client, url, maxwidth="100").status_code == 404  # no card that narrow


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"format": "xml"}, 501),
        ({"format": "yaml"}, 400),
        ({"maxwidth": "wide"}, 400),
        ({"maxwidth": "0"}, 400),
        ({"maxheight": "-5"}, 400),
    ],
)
def test_bad_parameters_get_a_reason(client, site_settings, statement, params, status):
    response = oembed(client, "http://testserver/en/statements/welcomes-inquiry/", **params)
    assert response.status_code == status
    assert response.json()["detail"]


def test_no_url_is_a_bad_request(client, site_settings):
    assert client.get("/oembed").status_code == 400


def test_a_draft_or_scheduled_statement_is_as_unknown_as_one_that_does_not_exist(
    client, site_settings, make_statement
):
    make_statement(slug="secret-draft", status=Statement.Status.DRAFT)
    make_statement(slug="tomorrow", published_at=timezone.now() + datetime.timedelta(days=1))
    unknown = oembed(client, "http://testserver/en/statements/no-such-thing/")
    assert unknown.status_code == 404
    for slug in ("secret-draft", "tomorrow"):
        answer = oembed(client, f"http://testserver/en/statements/{slug}/")
        assert answer.status_code == 404
        assert answer.content == unknown.content
        assert client.get(f"/en/embed/statements/{slug}/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/en/statements/welcomes-inquiry/",
        "http://testserver/en/members/",
        "http://testserver/xx/statements/welcomes-inquiry/",
        "javascript:alert(1)",
        "http://[::1",
        "http://testserver/en/statements/%00/",  # a NUL once decoded: refused by PostgreSQL
        "http://testserver/en/statements/welcomes%00inquiry/",
    ],
)
def test_addresses_that_are_not_our_statements_are_not_found(client, site_settings, statement, url):
    assert oembed(client, url).status_code == 404


def test_a_korean_slug_is_found(client, site_settings, translations):
    url = "http://testserver/ko/statements/" + quote("국제연대-환영") + "/"
    data = oembed(client, url).json()
    assert data["title"] == "국제연대, 조사위원회 환영"


def test_statement_pages_carry_the_discovery_link(client, site_settings, statement):
    page = client.get("/en/statements/welcomes-inquiry/").text
    target = quote("http://testserver/en/statements/welcomes-inquiry/", safe="")
    assert (
        '<link rel="alternate" type="application/json+oembed" '
        f'href="http://testserver/oembed?url={target}"'
    ) in page.replace("&amp;", "&")


def test_the_card_shows_title_date_summary_and_who_signed(client, site_settings, statement):
    organization = Organization.objects.create(name="Open North Korea", slug="onk", country="KR")
    Signature.objects.create(statement=statement, organization=organization)
    Signature.objects.create(
        statement=statement, supporter=make_supporter("Kim Named", V.FULL_NAME)
    )
    Signature.objects.create(statement=statement, supporter=make_supporter("Hidden One", V.HIDDEN))
    response = client.get("/en/embed/statements/welcomes-inquiry/")
    assert response.status_code == 200
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    page = response.text
    assert "Coalition welcomes the inquiry" in page
    assert statement.summary in page
    assert long_date(statement.published_at, "en") in page
    assert "Signed by 2 members" in page  # the hidden person is not counted
    assert "Hidden One" not in page
    link = 'href="http://testserver/en/statements/welcomes-inquiry/" target="_blank" rel="noopener"'
    assert link in page
    # The statement's own page may still not be framed.
    page = client.get("/en/statements/welcomes-inquiry/")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"


def test_the_card_speaks_the_statements_language(client, site_settings, translations):
    page = client.get("/ja/embed/statements/" + quote("調査委員会を歓迎") + "/").text
    assert '<html lang="ja">' in page
    assert "国際NGO連合、調査委員会を歓迎" in page
    assert "声明を読む" in page


@pytest.mark.parametrize(
    "path",
    [
        "/en/embed/members/?country=KR",
        "/en/embed/statements/welcomes-inquiry/",
        "/oembed?url=http%3A%2F%2Ftestserver%2Fen%2Fstatements%2Fwelcomes-inquiry%2F",
    ],
)
def test_embeds_are_cached_like_public_pages(
    client, site_settings, statement, path, django_assert_num_queries
):
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):  # served whole from the page cache
        again = client.get(path)
    assert again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert client.get(path, headers={"if-none-match": first["ETag"]}).status_code == 304
