from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "What `make run` does before serving, in one process (DEBUG only): migrate, load the "
        "demo coalition, reset the two demo accounts and print their logins and the demo "
        "drive's sign-on link. Each `manage.py` start costs a second or more; four in a row "
        "kept a newcomer waiting."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to load demo data while DEBUG is off.")
        call_command("migrate", interactive=False, verbosity=0)
        for name in ("load_demo", "ensure_demo_admin", "demo_sign_link"):
            call_command(name, stdout=self.stdout, stderr=self.stderr)
