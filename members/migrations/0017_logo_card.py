"""The card-size copy of every logo already stored (members/logos.py), recorded in the new
column `logo_card`; new ones are written after the save that sets a logo. A logo whose file
cannot be read is logged and left without one: its cards show the logo itself."""

from django.db import migrations, models


def write_cards(apps, schema_editor):
    from members.logos import record_card

    Organization = apps.get_model("members", "Organization")
    logos = Organization.objects.exclude(logo="").values_list("pk", "logo")
    for pk, name in logos.iterator():
        record_card(Organization, pk, name)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0016_logo_cards"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="logo_card",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=150,
                verbose_name="logo's copy for cards",
            ),
        ),
        # Nothing to undo: the column goes, the copies stay beside their logos, unused.
        migrations.RunPython(write_cards, migrations.RunPython.noop),
    ]
