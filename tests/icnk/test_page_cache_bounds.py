"""What one request may cost the page cache, and what browsers and CDNs are told to keep.

Run also against Redis: CACHE_URL=redis://127.0.0.1:6379/<n>.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icnk.sitemaps import StaticPagesSitemap
from members.models import Organization
from members.sitemaps import OrganizationSitemap
from statements.models import Statement

pytestmark = pytest.mark.django_db


def queries(client, method, url, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **extra)
    return response, len(captured)


@pytest.fixture
def statement(site_settings):
    return Statement.objects.create(
        title="The inquiry's report",
        slug="report",
        language="en",
        body="Body.",
        kind=Statement.Kind.NEWS,
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )


def test_parameters_no_view_reads_do_not_make_new_pages(client, statement):
    first, _n = queries(client, "get", "/en/statements/?kind=news&utm_source=1")
    assert first.status_code == 200
    # Ten thousand such URLs are one cached page, not ten thousand renderings.
    for number in range(2, 6):
        again, n = queries(client, "get", f"/en/statements/?utm_source={number}&kind=news")
        assert n == 0
        assert again.content == first.content
    # Nor do they reach the page (its links would repeat them to every reader).
    assert "utm_source" not in first.content.decode()


def test_parameters_the_view_reads_still_make_their_own_pages(client, statement):
    news = client.get("/en/statements/?kind=news").content.decode()
    reports = client.get("/en/statements/?kind=report").content.decode()
    assert "/en/statements/report/" in news
    assert "/en/statements/report/" not in reports


def test_head_is_answered_from_the_get_entry(client, statement):
    get = client.get("/en/statements/")
    head, n = queries(client, "head", "/en/statements/")
    assert n == 0
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


@pytest.mark.parametrize("url", ["/en/", "/en/statements/", "/api/v1/statements/"])
def test_public_pages_tell_browsers_and_cdns_to_revalidate(client, statement, url):
    for _reader in range(2):  # rendered, then from the page cache
        response = client.get(url)
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"]


def test_the_sitemap_is_an_index_of_parts(client, site_settings, monkeypatch):
    monkeypatch.setattr(OrganizationSitemap, "limit", 2)
    Organization.objects.bulk_create(
        Organization(name=f"Organization {i}", slug=f"organization-{i}", region="asia")
        for i in range(5)
    )
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert "<sitemapindex" in index.content.decode()
    parts = re.findall(r"<loc>http://testserver(/sitemap-organizations.xml[^<]*)</loc>", index.text)
    # Five organizations in three languages: fifteen addresses, two organizations a part
    # (parts are ranges of ids: the five rows made here have consecutive ids).
    assert len(parts) == 3
    listed = []
    for part in parts:
        urls = re.findall(
            r"<url><loc>http://testserver/(\w\w)/members/([^/]+)/</loc>", client.get(part).text
        )
        assert 0 < len(urls) <= 2 * 3
        listed += urls
    assert sorted(listed) == sorted(
        (lang, f"organization-{i}") for i in range(5) for lang in ("en", "ko", "ja")
    )
    assert StaticPagesSitemap.limit <= 2000


def test_statement_sitemap_parts_are_id_ranges_that_list_every_public_statement_once(
    client, site_settings, monkeypatch
):
    # Parts are ranges of ids, so a late part costs what the first one does (no OFFSET), and
    # drafts and scheduled statements in a range are left out, not moved to another part.
    from statements.sitemaps import StatementSitemap

    monkeypatch.setattr(StatementSitemap, "limit", 2)
    now = timezone.now()
    made = {}
    for i, status in enumerate(["published", "draft", "published", "scheduled", "published"]):
        published_at = now + datetime.timedelta(days=30) if status == "scheduled" else now
        made[f"st-{i}"] = Statement.objects.create(
            title=f"Statement {i}",
            slug=f"st-{i}",
            language="en",
            body="Body.",
            status="draft" if status == "draft" else "published",
            published_at=None if status == "draft" else published_at - datetime.timedelta(i),
        )
    index = client.get("/sitemap.xml").text
    parts = re.findall(r"<loc>http://testserver(/sitemap-statements.xml[^<]*)</loc>", index)
    assert len(parts) == 3
    listed = []
    for part in parts:
        with CaptureQueriesContext(connection) as queries:
            listed += re.findall(
                r"<url><loc>http://testserver/en/statements/([^/]+)/</loc>", client.get(part).text
            )
        assert len(queries) <= 3
    assert sorted(listed) == ["st-0", "st-2", "st-4"]
    assert client.get("/sitemap-statements.xml?p=4").status_code == 404
    assert client.get("/sitemap-statements.xml?p=x").status_code == 404
