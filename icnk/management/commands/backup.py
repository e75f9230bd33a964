from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from icnk.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database and the uploaded files into one archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(settings.BASE_DIR / "backups"),
            help="Folder for the archive (default: backups/ beside manage.py).",
        )

    def handle(self, *args, output, **options):
        try:
            archive = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))
        self.stdout.write(f"Restore it into an empty database with: make restore FILE={archive}")
