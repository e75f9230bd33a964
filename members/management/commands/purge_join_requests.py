from django.conf import settings
from django.core.management.base import BaseCommand

from members.services import join_requests_purge


class Command(BaseCommand):
    help = (
        "Erase the personal data of rejected and never-verified requests to join that are older "
        "than the retention period; only the counts remain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.JOIN_REQUEST_RETENTION_DAYS,
            help="Retention in days (default: JOIN_REQUEST_RETENTION_DAYS, %(default)s).",
        )

    def handle(self, *args, days, **options):
        erased = join_requests_purge(days=days)
        self.stdout.write(
            f"Erased the personal data of {erased} request(s) older than {days} days."
        )
