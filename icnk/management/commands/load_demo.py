from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule


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
        with transaction.atomic():
            for load in demo_loaders():
                load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo coalition loaded."))


def demo_loaders():
    """`demo.load` of every installed app that has a demo module, in INSTALLED_APPS order (the
    site's details, then the members, then the statements they sign)."""
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "demo"):
            yield import_module(f"{app_config.name}.demo").load
