"""Every public page and admin changelist costs the same few queries at any data size.

Measured on a cold cache (site settings and the navigation's campaign not yet cached, which
each cost one query) with the whole-page cache doing nothing for the first request.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login_with_two_factor, make_staff
from icnk.roles import ADMINISTRATORS
from tests.speed.conftest import CAMPAIGN, ORGANIZATION, STATEMENT

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "/en/": 6,
    "/en/about/": 2,
    "/en/members/": 6,
    "/en/members/?q=for&country=JP": 6,
    "/en/members/?kind=individual&order=alpha": 6,
    "/en/members/?order=alpha": 6,
    ORGANIZATION: 4,
    "/en/statements/": 6,
    "/en/statements/?kind=press_release&year=2026": 6,
    "/ko/statements/?q=인권": 6,
    STATEMENT: 6,
    "/en/statements/feed/": 3,
    CAMPAIGN: 6,
    "/en/join/": 2,
    "/api/v1/members/": 3,
    "/api/v1/members/?kind=individual": 3,
    "/api/v1/members/bench-org-00001/": 2,
    "/api/v1/statements/": 2,
    "/api/v1/statements/bench-en-00001/": 5,
    "/api/v1/statements/?language=ko&kind=news": 2,
    # The index counts each section's items; each part is one section's page.
    "/sitemap.xml": 8,
    "/sitemap-statements.xml": 6,
    "/sitemap-organizations.xml": 6,
    "/robots.txt": 0,
}
ADMIN_PAGES = [
    "members/supporter/",
    "members/organization/",
    "statements/statement/",
    "statements/statement/?language=ko&status=published",
    "statements/campaign/",
]
ADMIN_LIMIT = 10


def cold_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize(("url", "limit"), PUBLIC_PAGES.items())
def test_public_pages_stay_within_their_queries_at_both_sizes(
    client, site_settings, seed, size, url, limit
):
    seed(size)
    assert cold_queries(client, url) <= limit


@pytest.mark.parametrize("url", list(PUBLIC_PAGES))
def test_public_page_queries_do_not_grow_with_the_data(client, site_settings, seed, url):
    seed("small")
    small = cold_queries(client, url)
    seed("large")  # ten times as much, in place of the small set
    assert cold_queries(client, url) == small


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_changelists_stay_within_ten_queries(client, seed, size, path):
    from django.conf import settings

    seed(size)
    login_with_two_factor(client, make_staff("admin", ADMINISTRATORS))
    url = f"/{settings.ADMIN_URL}{path}"
    client.get(url)  # the session and two-factor state settle on the first page
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) <= ADMIN_LIMIT, [q["sql"][:120] for q in captured]
