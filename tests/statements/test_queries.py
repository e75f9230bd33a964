"""Public pages make the same number of queries with 20 statements as with 2,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Organization, Supporter, Visibility
from statements.models import Signature, Statement
from tests.factories import bulk_statements

pytestmark = pytest.mark.django_db

# Queries per page once the site settings and the navigation's campaign are cached (each adds
# one query on a cold cache). Measured on SQLite and PostgreSQL.
LIMITS = {
    "/en/statements/": 4,
    "/en/statements/?q=Bulk&kind=joint_statement&year=2026": 4,
    "/en/statements/feed/": 1,
    "/api/v1/statements/": 2,
    "/en/": 10,
}


def _queries(client, url):
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", list(LIMITS))
def test_list_pages_do_not_grow_with_the_number_of_statements(
    client, site_settings, campaign, django_assert_max_num_queries, url
):
    bulk_statements(20, campaign=campaign)
    small = _queries(client, url)
    Statement.objects.all().delete()
    bulk_statements(2000, campaign=campaign)
    large = _queries(client, url)
    assert small == large
    with django_assert_max_num_queries(LIMITS[url]):
        client.get(url)


def _signed_statement(make_statement, signers):
    statement = make_statement(slug="signed")
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Org {i}", slug=f"org-{i}", region="asia") for i in range(signers)
    )
    people = Supporter.objects.bulk_create(
        Supporter(full_name=f"Person {i}", visibility=Visibility.FULL_NAME, region="asia")
        for i in range(signers)
    )
    Signature.objects.bulk_create(
        [
            Signature(statement=statement, organization=o, name_at_signing=o.name)
            for o in organizations
        ]
        + [Signature(statement=statement, supporter=p) for p in people]
    )
    return statement


@pytest.mark.parametrize(("statements", "signers"), [(20, 2), (2000, 200)])
def test_statement_page_and_api_detail_are_constant_in_queries(
    client, site_settings, make_statement, statements, signers, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # what the page itself costs, not the whole-page cache
    bulk_statements(statements)
    statement = _signed_statement(make_statement, signers)
    assert _queries(client, statement.get_absolute_url()) == 4
    assert f"Org {signers - 1}" in client.get(statement.get_absolute_url()).content.decode()
    assert _queries(client, f"/api/v1/statements/{statement.slug}/") == 4
