import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from icnk.roles import ADMINISTRATORS


class Command(BaseCommand):
    help = "Create or reset the local administrator account and print its login (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--password",
            default="",
            help="Defaults to a new random password on every run, printed below.",
        )

    def handle(self, *args, username, password, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to reset an account while DEBUG is off.")
        password = password or secrets.token_urlsafe(12)
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@localhost"}
        )
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=ADMINISTRATORS))
        admin_url = f"http://127.0.0.1:{self._port()}/{settings.ADMIN_URL}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Admin login ({'created' if created else 'reset'}): {admin_url}\n"
                f"    username: {username}\n    password: {password}\n"
            )
        )

    def _port(self):
        import os

        return os.environ.get("PORT", "8000")
