"""Querysets written once and run with new values (icnk/compiled.py): the rows are those the
queryset itself gives, for each request's values, on SQLite and on PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icnk.compiled import Compiled
from members.models import Organization
from statements.models import Campaign, Signature, Statement
from tests.factories import another_session, bulk_organizations

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _statement(slug, *, days_ago=1, campaign=None, language="en"):
    return Statement.objects.create(
        title=f"Title {slug}",
        slug=slug,
        language=language,
        body="Body.",
        status=Statement.Status.PUBLISHED,
        published_at=NOW - datetime.timedelta(days=days_ago),
        campaign=campaign,
    )


PUBLISHED_BY_SLUG = Compiled(
    lambda slug, now: (
        Statement.objects.published(now)
        .select_related("campaign")
        .annotate(signed=Count("signatures"))
        .filter(slug=slug)
    ),
    slug=str,
    now=datetime.datetime,
)


def test_each_run_takes_its_own_values_and_gives_the_querysets_rows():
    campaign = Campaign.objects.create(
        slug="coi", title_en="Inquiry", started_on=datetime.date(2011, 10, 3)
    )
    first = _statement("first", campaign=campaign)
    second = _statement("second")
    later = _statement("later", days_ago=-1)  # scheduled for tomorrow
    bulk_organizations(1)
    organization = Organization.objects.get()
    Signature.objects.create(statement=first, organization=organization)

    [row] = PUBLISHED_BY_SLUG.rows(slug="first", now=timezone.now())
    assert row == first and row.signed == 1
    with CaptureQueriesContext(connection) as queries:
        assert row.campaign.title_en == "Inquiry"  # selected with it, no query
    assert len(queries) == 0
    [row] = PUBLISHED_BY_SLUG.rows(slug="second", now=timezone.now())
    assert row == second and row.signed == 0 and row.campaign is None
    # The time is the request's, not the first run's: tomorrow's statement shows tomorrow.
    assert PUBLISHED_BY_SLUG.rows(slug="later", now=timezone.now()) == []
    tomorrow = timezone.now() + datetime.timedelta(days=1, minutes=1)
    assert PUBLISHED_BY_SLUG.rows(slug="later", now=tomorrow) == [later]
    assert PUBLISHED_BY_SLUG.rows(slug="no-such", now=tomorrow) == []


def test_values_come_back_converted_as_the_queryset_gives_them():
    statement = _statement("dated")
    bulk_organizations(1)
    organization = Organization.objects.get()
    Signature.objects.create(
        statement=statement, organization=organization, signed_on=datetime.date(2013, 1, 25)
    )
    dates = Compiled(
        lambda statement_id: Signature.objects.filter(statement_id=statement_id).values_list(
            "signed_on", "organization__name"
        ),
        statement_id=int,
    )
    expected = list(
        Signature.objects.filter(statement_id=statement.pk).values_list(
            "signed_on", "organization__name"
        )
    )
    assert dates.rows(statement_id=statement.pk) == expected
    assert expected[0][0] == datetime.date(2013, 1, 25)  # a date on SQLite too, not a text
    assert dates.rows(statement_id=statement.pk + 1000) == []


def test_sql_around_the_query_takes_its_own_values_and_gives_converted_columns_first():
    statement = _statement("dated")
    bulk_organizations(3)
    for day, organization in enumerate(Organization.objects.order_by("name"), start=25):
        Signature.objects.create(
            statement=statement, organization=organization, signed_on=datetime.date(2013, 1, day)
        )
    first_signed = Compiled(
        lambda statement_id: Signature.objects.filter(statement_id=statement_id).values_list(
            "signed_on", "organization__name"
        ),
        around='SELECT "q".*, COUNT(*) OVER () FROM ({query}) AS "q" ORDER BY 1 LIMIT %s',
        around_values=("limit",),
        statement_id=int,
        limit=int,
    )
    names = list(Organization.objects.order_by("name").values_list("name", flat=True))
    # The queryset's columns as it gives them (a date on SQLite too), then the added count.
    assert first_signed.rows(statement_id=statement.pk, limit=2) == [
        (datetime.date(2013, 1, 25), names[0], 3),
        (datetime.date(2013, 1, 26), names[1], 3),
    ]
    assert first_signed.rows(statement_id=statement.pk, limit=1) == [
        (datetime.date(2013, 1, 25), names[0], 3)
    ]
    assert first_signed.rows(statement_id=statement.pk + 1000, limit=2) == []
    with pytest.raises(TypeError, match="need around"):
        Compiled(lambda: Statement.objects.all(), around_values=("limit",), limit=int)


def test_a_value_the_query_changes_or_of_the_wrong_kind_is_refused():
    # icontains wraps the value in % signs: its SQL cannot take the value as it is.
    searched = Compiled(lambda q: Statement.objects.filter(title__icontains=q), q=str)
    with pytest.raises(ValueError, match="q is not among"):
        searched.rows(q="inquiry")
    with pytest.raises(TypeError, match="slug must be a str"):
        PUBLISHED_BY_SLUG.rows(slug=3, now=timezone.now())
    with pytest.raises(TypeError, match="needs exactly"):
        PUBLISHED_BY_SLUG.rows(slug="first")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_query_is_planned_once_per_connection_and_still_follows_its_values():
    first = _statement("first")
    second = _statement("second")

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                "WHERE statement LIKE %s",
                ['%"statements_statement"."slug" = $%'],
            )
            return [(generic > 0, generic + custom) for generic, custom in cursor.fetchall()]

    with CaptureQueriesContext(connection) as queries:
        assert PUBLISHED_BY_SLUG.rows(slug="first", now=timezone.now()) == [first]
    assert len(queries) == 1  # counted and logged like any other query
    for _ in range(7):
        assert PUBLISHED_BY_SLUG.rows(slug="second", now=timezone.now()) == [second]
    # One statement on this connection, run eight times with its values beside it; after five
    # runs the planner has settled on one plan for every value (a generic plan).
    assert prepared() == [(True, 8)]
    tomorrow = timezone.now() + datetime.timedelta(days=1, minutes=1)
    later = _statement("later", days_ago=-1)
    assert PUBLISHED_BY_SLUG.rows(slug="later", now=timezone.now()) == []
    assert PUBLISHED_BY_SLUG.rows(slug="later", now=tomorrow) == [later]
    assert prepared() == [(True, 10)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
@pytest.mark.django_db(transaction=True)  # autocommit, as the site's requests run
def test_a_column_type_changed_under_a_prepared_query_does_not_break_the_page():
    """A migration that changes a column's type while the site runs (a longer title): the
    connection's prepared statement is refused ("cached plan must not change result type"),
    and the reader still gets the statement, from a new connection."""
    first = _statement("first")
    for _ in range(2):
        assert PUBLISHED_BY_SLUG.rows(slug="first", now=timezone.now()) == [first]
    length = Statement._meta.get_field("title").max_length
    migration = another_session(autocommit=True)
    alter = "ALTER TABLE statements_statement ALTER COLUMN title TYPE varchar({})"
    try:
        migration.execute(alter.format(length + 1))
        assert PUBLISHED_BY_SLUG.rows(slug="first", now=timezone.now()) == [first]
    finally:
        migration.execute(alter.format(length))
        migration.close()
    # And back, on the connection that prepared it anew.
    assert PUBLISHED_BY_SLUG.rows(slug="first", now=timezone.now()) == [first]
