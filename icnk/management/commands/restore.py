from django.core.management.base import BaseCommand, CommandError

from icnk.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database (DATABASE_URL) and MEDIA_ROOT, then "
        "check every table's row count and checksum against the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")

    def handle(self, *args, archive, **options):
        try:
            differences = restore_backup(archive)
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        if differences:
            raise CommandError(f"Restored, but these tables differ: {', '.join(differences)}")
        self.stdout.write(
            self.style.SUCCESS("Restored; every table matches the backup (counts and checksums).")
        )
