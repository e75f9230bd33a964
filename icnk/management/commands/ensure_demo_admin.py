import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from icnk.roles import ADMINISTRATORS, EDITORS


class Command(BaseCommand):
    help = (
        "Create or reset the two local demo accounts and print their logins (DEBUG only): "
        "an editor and an administrator, each with its two-factor secret as an otpauth:// URI."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="The administrator's username.")
        parser.add_argument("--editor", default="editor", help="The editor's username.")
        parser.add_argument(
            "--password",
            default="",
            help="For both accounts; defaults to new random passwords on every run.",
        )

    def handle(self, *args, username, editor, password, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to reset accounts while DEBUG is off.")
        port = os.environ.get("PORT", "8000")
        admin_url = f"http://127.0.0.1:{port}/{settings.ADMIN_URL}"

        editor_password = password or secrets.token_urlsafe(12)
        editor_user = self._account(editor, editor_password, EDITORS, superuser=False)
        admin_password = password or secrets.token_urlsafe(12)
        admin_user = self._account(username, admin_password, ADMINISTRATORS, superuser=True)
        # Every staff account must use two-factor: give each a fresh authenticator secret.
        editor_device = self._authenticator(editor_user)
        admin_device = self._authenticator(admin_user)

        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Admin: {admin_url}\n"
                f"    editor         username: {editor:<8} password: {editor_password}\n"
                f"      two-factor secret (add it to an authenticator app):\n"
                f"      {editor_device.config_url}\n"
                f"    administrator  username: {username:<8} password: {admin_password}\n"
                f"      two-factor secret (add it to an authenticator app):\n"
                f"      {admin_device.config_url}\n"
            )
        )

    def _authenticator(self, user):
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name="demo authenticator")

    def _account(self, username, password, group_name, *, superuser):
        User = get_user_model()
        user, _created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@localhost"}
        )
        user.is_staff = True
        user.is_superuser = superuser
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=group_name)])
        return user
