"""The data step of 0009: a draft that was once public becomes Unpublished; one that was only
ever scheduled, or never published, stays a draft."""

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
