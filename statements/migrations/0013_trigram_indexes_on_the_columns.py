from django.db import migrations

# statements/search.py finds a query inside a title, summary or body with LIKE (a query with no
# letter that has a case, as most Korean and Japanese ones) or ILIKE (any other), on the
# columns themselves: the trigram indexes move from UPPER(column), which served Django's
# icontains, to the columns. pg_trgm's operator class serves LIKE and ILIKE alike.
COLUMNS = {
    "statement_title_trgm_idx": "title",
    "statement_summary_trgm_idx": "summary",
    "statement_body_trgm_idx": "body",
}


def _rebuild(schema_editor, expression):
    # As 0004: PostgreSQL only, out of Statement.Meta.indexes, which SQLite would try to build.
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in COLUMNS.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE INDEX {name} ON statements_statement "
            f"USING gin ({expression.format(column=column)} gin_trgm_ops)"
        )
    # An index on an expression has no statistics until the table is analysed: without them
    # PostgreSQL misjudged a common Korean word and read the whole archive (1.3 s, not 9 ms).
    schema_editor.execute("ANALYZE statements_statement")


def on_the_columns(apps, schema_editor):
    _rebuild(schema_editor, "({column}::text)")


def on_upper_case(apps, schema_editor):
    _rebuild(schema_editor, "UPPER({column}::text)")


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0012_signature_translation_key"),
    ]

    operations = [
        migrations.RunPython(on_the_columns, on_upper_case, elidable=False),
    ]
