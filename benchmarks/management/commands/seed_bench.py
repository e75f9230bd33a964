from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from benchmarks.seeding import DatabaseNotEmpty, seed_coalition


class Command(BaseCommand):
    help = "Generate a large coalition for benchmarks (bulk inserts; --scale 1 = full size)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiply every count (default 1)"
        )
        parser.add_argument("--replace", action="store_true", help="empty the public tables first")
        parser.add_argument("--seed", type=int, default=7, help="random seed (repeatable data)")

    def handle(self, *args, scale, replace, seed, **options):
        if not settings.DEBUG and "bench" not in str(connection.settings_dict["NAME"]):
            raise CommandError(
                "seed_bench writes tens of thousands of fake rows: run it with DEBUG=1 or on a "
                "database whose name contains 'bench'."
            )
        try:
            seed_coalition(scale=scale, replace=replace, seed=seed, stdout=self.stdout)
        except DatabaseNotEmpty as error:
            raise CommandError(str(error)) from error
