"""The data steps of migrations.

0009: a draft that was once public becomes Unpublished; one that was only ever scheduled, or
never published, stays a draft. 0014 (PostgreSQL): Korean and Japanese statements get the
character pairs their search reads, and lose them when it is reversed. members 0015: an
organization whose slug is another page's address under /members/ is given a free one."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("statements", "0008_press_contact_and_attachment_history")]
AFTER = [("statements", "0009_statement_unpublished_state")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_drafts_that_were_public_become_unpublished():
    apps = migrate(BEFORE)
    try:
        Statement = apps.get_model("statements", "Statement")
        History = apps.get_model("statements", "HistoricalStatement")
        past = timezone.now() - datetime.timedelta(days=3)
        future = timezone.now() + datetime.timedelta(days=3)

        def statement(slug, published_at, was):
            row = Statement.objects.create(
                title=slug, slug=slug, language="en", body="x", status="draft",
                published_at=published_at,
            )  # fmt: skip
            for status in was:
                History.objects.create(
                    id=row.pk, title=slug, slug=slug, language="en", body="x", status=status,
                    published_at=published_at, translation_key=row.translation_key,
                    created_at=row.created_at, history_date=timezone.now(), history_type="~",
                )  # fmt: skip
            return row.pk

        taken_back = statement("taken-back", past, ["draft", "published", "draft"])
        only_scheduled = statement("only-scheduled", future, ["draft", "published", "draft"])
        never = statement("never", past, ["draft"])

        apps = migrate(AFTER)
        Statement = apps.get_model("statements", "Statement")
        status = dict(Statement.objects.values_list("pk", "status"))
        assert status == {taken_back: "unpublished", only_scheduled: "draft", never: "draft"}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm_idx"])
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="text vectors are PostgreSQL's")
def test_korean_and_japanese_statements_get_their_character_pairs():
    from statements.models import Statement as Current

    apps = migrate([("statements", "0013_trigram_indexes_on_the_columns")])
    try:
        Statement = apps.get_model("statements", "Statement")
        published = {"status": "published", "published_at": timezone.now()}
        korean = Statement.objects.create(
            title="유엔 조사위원회", slug="ko-1", language="ko", body="반인도범죄.", **published
        ).pk
        Statement.objects.create(title="Inquiry", slug="en-1", language="en", body="x", **published)

        migrate([("statements", "0014_korean_and_japanese_character_pairs")])
        assert [s.pk for s in Current.objects.search("유엔", language="ko")] == [korean]
        assert _trigram_indexes() == set()

        migrate([("statements", "0013_trigram_indexes_on_the_columns")])
        vectors = Current.objects.filter(language="ko").values_list("search_vector", flat=True)
        assert list(vectors) == [None]
        assert len(_trigram_indexes()) == 3
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_an_organization_already_called_area_is_moved_where_readers_reach_it():
    """members 0015: /members/area/ is the members' area, so that slug never reached the
    organization's page; it takes the next free number."""
    before = [("members", "0014_sendable_email")]
    apps = migrate(before)
    try:
        Organization = apps.get_model("members", "Organization")
        Organization.objects.create(name="Area", slug="area", region="international")
        Organization.objects.create(name="Area two", slug="area-2", region="international")
        Organization.objects.create(name="Areas", slug="areas", region="international")
        apps = migrate([("members", "0015_reserved_slugs")])
        Organization = apps.get_model("members", "Organization")
        assert dict(Organization.objects.values_list("name", "slug")) == {
            "Area": "area-3",
            "Area two": "area-2",
            "Areas": "areas",
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
