from itertools import batched, pairwise

from django.db import migrations

# Korean and Japanese statements' search_vector holds their character pairs and where their
# words meet (statements/search.py grams()), which the GIN index of migration 0004 serves: the
# trigram indexes of 0013 read no query of two characters and go. Written out here, as 0004
# wrote out its vector, so that this migration keeps doing what it did when that code changes.
# Each gram is stored after a space (search.py MARK), which no English word holds.
TRIGRAM_INDEXES = {
    "statement_title_trgm_idx": "title",
    "statement_summary_trgm_idx": "summary",
    "statement_body_trgm_idx": "body",
}


AS_POSTGRESQL = str.maketrans({"İ": "i", "Σ": "σ"})


def _grams(title, summary, body):
    found = set()
    # (As statements/search.py: of a body longer than the forms accept, the part they would.)
    for text in (title, summary, (body or "")[:50_000]):
        runs = (text or "").translate(AS_POSTGRESQL).lower().split()
        for run in runs:
            found.update(run)
            found.update(run[i : i + 2] for i in range(len(run) - 1))
        found.update(f"{before[-1]} {after[0]}" for before, after in pairwise(runs))
    return " ".join(
        "' " + gram.replace("\\", "\\\\").replace("'", "''") + "'" for gram in sorted(found)
    )


def write_pairs(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Statement = apps.get_model("statements", "Statement")
    rows = (
        Statement.objects.exclude(language="en")
        .values_list("pk", "title", "summary", "body")
        .iterator(chunk_size=500)
    )
    with schema_editor.connection.cursor() as cursor:
        for batch in batched(rows, 500, strict=False):
            cursor.executemany(
                "UPDATE statements_statement SET search_vector = %s::tsvector WHERE id = %s",
                [(_grams(*texts), pk) for pk, *texts in batch],
            )
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    # The planner's statistics of the vectors say which pairs are common: without them a rare
    # word and a common one would be read alike.
    schema_editor.execute("ANALYZE statements_statement")


def forget_pairs(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE statements_statement SET search_vector = NULL WHERE language <> 'en'"
    )
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX {name} ON statements_statement USING gin (({column}::text) gin_trgm_ops)"
        )
    schema_editor.execute("ANALYZE statements_statement")


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0013_trigram_indexes_on_the_columns"),
    ]

    operations = [
        migrations.RunPython(write_pairs, forget_pairs, elidable=False),
    ]
