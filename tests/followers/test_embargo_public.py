"""An embargoed statement is public exactly at the embargo time, on every public surface, with
the page cache on: not a second earlier, and not kept out of a page cached before."""

import datetime
from urllib.parse import quote

import pytest
import time_machine
from django.utils import timezone

from followers import embargo
from followers.models import Journalist
from statements.models import Campaign, Statement

pytestmark = pytest.mark.django_db

EMBARGO = datetime.datetime(2026, 12, 1, 0, 0, tzinfo=datetime.UTC)
TITLE = "Coalition welcomes the inquiry report"

SURFACES = [
    "/en/",
    "/en/statements/",
    "/en/statements/?q=inquiry",
    "/en/statements/report/",
    "/en/statements/feed/",
    "/en/campaigns/coi/",
    "/en/embed/statements/report/",
    "/oembed?url=" + quote("http://testserver/en/statements/report/", safe=""),
    "/sitemap-statements.xml",
    "/api/v1/statements/",
    "/api/v1/statements/?q=inquiry",
    "/api/v1/statements/report/",
]


def shows(response):
    """Whether a public answer gives the statement away: its title or its address."""
    text = response.content.decode()
    return response.status_code == 200 and (TITLE in text or "/statements/report/" in text)


@pytest.fixture
def released(site_settings, settings):
    assert settings.PAGE_CACHE_SECONDS > 0  # the page cache is on
    site_settings.time_zone = "Asia/Seoul"
    site_settings.save()
    with time_machine.travel(EMBARGO - datetime.timedelta(days=2), tick=False):
        campaign = Campaign.objects.create(
            slug="coi", title_en="Commission of Inquiry", goal_en="An inquiry",
            started_on=datetime.date(2011, 9, 8),
        )  # fmt: skip
        statement = Statement.objects.create(
            title=TITLE, slug="report", language="en", body="The inquiry documents crimes.",
            summary="The inquiry's report.", status=Statement.Status.PUBLISHED,
            published_at=EMBARGO, campaign=campaign,
        )  # fmt: skip
        press = Journalist.objects.create(
            name="Reporter", outlet="Daily", email="r@example.org",
            status=Journalist.Status.ACTIVE, source=Journalist.Source.STAFF,
        )  # fmt: skip
        from django.contrib.auth.models import User

        embargo.press_release(
            statement=statement, user=User.objects.create(username="e"), journalists=[press]
        )
    return statement


def test_every_public_surface_shows_it_exactly_at_the_embargo_time(client, released):
    # An hour before: readers fill the page cache with pages that do not show it.
    with time_machine.travel(EMBARGO - datetime.timedelta(hours=1), tick=False):
        for url in SURFACES:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert not shows(response), url
    # One second before: still nothing anywhere, cached or rendered afresh.
    with time_machine.travel(EMBARGO - datetime.timedelta(seconds=1), tick=False):
        assert timezone.now() < released.published_at
        for url in SURFACES:
            assert not shows(client.get(url)), url
    # At the embargo time: everywhere at once, none of the pages cached before holds it back.
    with time_machine.travel(EMBARGO, tick=False):
        for url in SURFACES:
            assert shows(client.get(url)), url


def test_a_page_cached_a_second_before_is_not_served_at_the_embargo_time(client, released):
    with time_machine.travel(EMBARGO - datetime.timedelta(seconds=1), tick=False):
        first = client.get("/en/statements/")
        assert TITLE not in first.text
    with time_machine.travel(EMBARGO - datetime.timedelta(milliseconds=1), tick=False):
        # Served from the cache: the same page, without its rendering.
        assert client.get("/en/statements/").content == first.content
    with time_machine.travel(EMBARGO, tick=False):
        assert TITLE in client.get("/en/statements/").text


def test_staff_preview_shows_it_before_the_embargo(client, released):
    from icnk.roles import EDITORS
    from tests.factories import login_with_two_factor, make_staff

    with time_machine.travel(EMBARGO - datetime.timedelta(hours=1), tick=False):
        login_with_two_factor(client, make_staff("editor", EDITORS))
        from django.conf import settings

        preview = client.get(f"/{settings.ADMIN_URL}statements/statement/{released.pk}/preview/")
        assert preview.status_code == 200 and TITLE in preview.text
        assert "no-store" in preview["Cache-Control"]
        # ... and the public page, for the same signed-in staff member, still says no.
        assert client.get("/en/statements/report/").status_code == 404
