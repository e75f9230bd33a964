"""The card-size copy of every logo already stored (members/logos.py); new ones are written
when an organization is saved."""

from django.db import migrations


def write_cards(apps, schema_editor):
    from members.logos import write_card

    Organization = apps.get_model("members", "Organization")
    storage = Organization._meta.get_field("logo").storage
    names = Organization.objects.exclude(logo="").values_list("logo", flat=True)
    for name in names.iterator():
        write_card(storage, name)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0015_reserved_slugs"),
    ]

    operations = [
        # Nothing to undo: the copies stay beside their logos, unused.
        migrations.RunPython(write_cards, migrations.RunPython.noop, elidable=True),
    ]
