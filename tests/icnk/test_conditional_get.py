"""Feeds, lists and the API answer conditional GETs with 304 Not Modified."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from statements.models import Statement

pytestmark = pytest.mark.django_db

URLS = [
    "/en/statements/feed/",
    "/en/statements/",
    "/en/members/",
    "/api/v1/statements/",
    "/api/v1/members/",
]


@pytest.fixture
def published(db):
    return Statement.objects.create(
        title="Joint letter",
        slug="joint-letter",
        language="en",
        body="Body.",
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )


@pytest.mark.parametrize("url", URLS)
def test_a_reader_with_the_current_etag_gets_304(client, site_settings, published, url):
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("url", URLS)
def test_if_modified_since_the_cached_copy_gets_304(client, site_settings, published, url):
    first = client.get(url)
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_a_changed_page_gets_a_new_etag_and_a_full_answer(client, site_settings, published):
    etag = client.get("/en/statements/feed/")["ETag"]
    published.title = "Joint letter, corrected"
    published.save()
    response = client.get("/en/statements/feed/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Joint letter, corrected" in response.text


@override_settings(PAGE_CACHE_SECONDS=0)
@pytest.mark.parametrize("url", URLS)
def test_etags_work_with_the_page_cache_off(client, site_settings, published, url):
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
