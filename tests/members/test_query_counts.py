"""Every public members page runs the same number of queries at 10 and at 1,000 organizations."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import bulk_organizations

pytestmark = pytest.mark.django_db

# Measured: the directory 12 (count and page of each of the two lists, totals 2, facets 4, and
# the site-wide context: site settings, active campaign); an organization's page 4
# (organization, statements it signed, site-wide 2); the API list 4 (count, page, totals 2),
# its detail 2; the home page 5, of which the member counts are 2.
PAGES = {
    "/en/members/": 12,
    "/en/members/?country=KR&q=Organization": 12,
    "/en/members/?order=alpha&page=2": 12,
    "/en/members/?kind=individual": 12,
    "/en/members/organization-0003/": 4,
    "/api/v1/members/": 4,
    "/api/v1/members/?kind=individual": 4,
    "/api/v1/members/organization-0003/": 2,
    "/en/": 5,
}


def queries_for(client, url):
    cache.clear()  # the site-wide context is cached; measure a cold request each time
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [10, 1000])
@pytest.mark.parametrize(("url", "limit"), PAGES.items())
def test_public_pages_keep_their_query_count(
    client, site_settings, django_assert_max_num_queries, size, url, limit
):
    bulk_organizations(size)
    with django_assert_max_num_queries(limit):
        client.get(url)


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_the_directory(client, site_settings, url):
    bulk_organizations(10)
    small = queries_for(client, url)
    bulk_organizations(990, countries=("FR", "DE", "IN"), start=10)
    assert queries_for(client, url) == small
