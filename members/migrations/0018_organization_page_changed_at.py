"""When an organization's public page last changed (the sitemap's lastmod), apart from
`updated_at`, which also moves on edits of private fields. Rows already stored start from
`updated_at`: the best known, and no later than the truth."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def from_updated_at(apps, schema_editor):
    Organization = apps.get_model("members", "Organization")
    Organization.objects.update(page_changed_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0017_logo_card"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="page_changed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="public page changed",
            ),
        ),
        migrations.RunPython(from_updated_at, migrations.RunPython.noop, elidable=True),
    ]
