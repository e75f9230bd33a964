from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from icnk import demo as site_demo


class Command(BaseCommand):
    help = (
        "Load the demo coalition (ICNK): its details, members, statements and campaign. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off (for a staging site; never on real data).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a production database. "
                "Run with --force if you really want demo data here."
            )
        loaders = [site_demo.load_site]
        for module in self._app_loaders():
            loaders.append(module.load)
        with transaction.atomic():
            for load in loaders:
                load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo coalition loaded."))

    def _app_loaders(self):
        from importlib import import_module

        modules = []
        for app in ("members", "statements"):
            try:
                modules.append(import_module(f"{app}.demo"))
            except ModuleNotFoundError:
                continue
        return modules
