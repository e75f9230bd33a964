"""Links and absolute URLs stay on the configured site, whatever the request's path or Host."""

import datetime
import re

import pytest
from django.utils import timezone

from members.models import Organization
from statements.models import Statement

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


@pytest.fixture
def alias_host(settings):
    """A second name the site answers to (an address, an old domain)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "alias.example"]
    return "alias.example"


@pytest.mark.parametrize(
    "url",
    [
        "/en/about/",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap-pages.xml",
        "/en/statements/feed/",
        "/en/statements/report/",
        "/en/members/open-north-korea/",
        "/api/v1/members/",
    ],
)
def test_absolute_urls_are_on_the_configured_site_whatever_host_was_asked(
    client, site_settings, alias_host, url
):
    Organization.objects.create(
        name="Open North Korea", slug="open-north-korea", country="KR", logo="logos/onk.png"
    )
    Statement.objects.create(
        title="Report",
        slug="report",
        language="en",
        body="Body.",
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )
    # The first reader arrives through the alias; the page may be cached for everyone after.
    for _reader in range(2):
        body = client.get(url, headers={"host": alias_host}).content.decode()
        assert "alias.example" not in body
    assert "http://testserver/" in body


def test_a_host_outside_allowed_hosts_gets_400_even_for_a_cached_page(client, site_settings):
    assert client.get("/en/about/").status_code == 200
    assert client.get("/en/about/").status_code == 200  # now from the page cache
    assert client.get("/en/about/", headers={"host": "evil.example"}).status_code == 400
