from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from icnk.backup import BackupError, create_backup
from icnk.backup import new_key as generate_key


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database and the uploaded files into one archive, "
        "readable by its owner only and encrypted when BACKUP_ENCRYPTION_KEY is set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(settings.BASE_DIR / "backups"),
            help="Folder for the archive (default: backups/ beside manage.py).",
        )
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="Print a new key for BACKUP_ENCRYPTION_KEY and back up nothing.",
        )

    def handle(self, *args, output, new_key=False, **options):
        if new_key:
            self.stdout.write(generate_key())
            return
        try:
            archive = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))
        self.stdout.write(f"Restore it into an empty database with: make restore FILE={archive}")
