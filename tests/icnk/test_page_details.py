"""What a browser, a search engine and a link preview ask of every page (issue 13)."""

import gzip
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ORGANIZATION, png_bytes

pytestmark = pytest.mark.django_db


def meta(html, attribute, name):
    found = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', html)
    return found.group(1) if found else None


@pytest.mark.parametrize("url", ["/en/", "/ko/members/", "/ja/about/", "/en/join/"])
def test_every_page_previews_with_a_title_a_picture_and_its_own_address(client, site_settings, url):
    html = client.get(url).content.decode()
    assert meta(html, "property", "og:title")
    assert meta(html, "property", "og:url") == f"http://testserver{url}"
    assert meta(html, "property", "og:image") == "http://testserver/static/img/share.png"
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "name", "twitter:image") == "http://testserver/static/img/share.png"


def test_the_default_share_picture_is_a_1200_by_630_png(settings):
    from PIL import Image

    with Image.open(settings.BASE_DIR / "static" / "img" / "share.png") as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))


def test_the_browsers_own_favicon_request_finds_the_coalitions_mark(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302  # staff may set another mark
    assert response["Location"] == "/static/img/favicon.ico"
    html = client.get("/en/").content.decode()
    assert 'rel="apple-touch-icon"' in html


def test_the_join_page_is_indexed_but_pages_after_sending_are_not(client, site_settings):
    assert 'name="robots"' not in client.get("/en/join/").content.decode()
    for url in ("/en/join/sent/", "/en/join/confirm/not-a-real-token/"):
        html = client.get(url).content.decode()
        assert '<meta name="robots" content="noindex">' in html, url


def test_pages_are_sent_compressed_to_browsers_that_accept_it(client, site_settings):
    response = client.get("/en/", headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"<html" in gzip.decompress(response.content)


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("en", "The logo you chose was not kept"),
        ("ko", "선택하신 로고는 유지되지 않았습니다"),
        ("ja", "選択したロゴは保持されていません"),
    ],
)
def test_a_logo_chosen_on_a_form_that_comes_back_is_said_to_be_lost(
    client, site_settings, language, notice
):
    data = {**ORGANIZATION, "email": "not an address"}
    logo = SimpleUploadedFile("logo.png", png_bytes(), "image/png")
    response = client.post(f"/{language}/join/", {**data, "logo": logo})
    assert response.status_code == 400
    assert notice in response.content.decode()
    # Without a logo there is nothing to say about one.
    response = client.post(f"/{language}/join/", data)
    assert notice not in response.content.decode()
