"""Once wrote the card-size copies of stored logos without recording them; 0017 now writes and
records them. Kept, empty, for the databases that applied it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0015_reserved_slugs"),
    ]

    operations = []
