"""Each signature carries its statement's translation key (an organization's page reads it from
the signatures' index), filled in from the statements in one UPDATE."""

from django.db import migrations, models

FILL = """
UPDATE statements_signature SET translation_key = (
    SELECT translation_key FROM statements_statement
    WHERE statements_statement.id = statements_signature.statement_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0011_signature_org_standing_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="translation_key",
            field=models.UUIDField(editable=False, null=True, verbose_name="translation key"),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop, elidable=True),
        migrations.AlterField(
            model_name="signature",
            name="translation_key",
            field=models.UUIDField(editable=False, verbose_name="translation key"),
        ),
        migrations.RemoveIndex(
            model_name="signature",
            name="signature_org_standing",
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(
                condition=models.Q(("withdrawn_on__isnull", True)),
                fields=["organization", "translation_key"],
                name="signature_org_standing_key",
            ),
        ),
    ]
