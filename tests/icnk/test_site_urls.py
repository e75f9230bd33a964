"""Links and absolute URLs stay on the configured site, whatever the request's path or Host."""

import re

import pytest

pytestmark = pytest.mark.django_db


def switcher_links(html):
    return {
        lang: href
        for href, lang in re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+"', html)
    }


def test_the_404_pages_language_links_go_to_each_languages_home(client, site_settings):
    # A path that reads as a scheme-relative URL (as a server passes `GET //evil.example/...`
    # on): it resolves to nothing.
    response = client.get("/", PATH_INFO="//evil.example/ko/join/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "evil.example" not in html
    assert switcher_links(html) == {"en": "/en/", "ko": "/ko/", "ja": "/ja/"}


def test_language_links_of_a_page_that_exists_still_keep_the_reader_on_it(client, site_settings):
    html = client.get("/ko/about/").content.decode()
    assert switcher_links(html) == {"en": "/en/about/", "ko": "/ko/about/", "ja": "/ja/about/"}
