import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from drives.demo import LINK_FOR
from drives.models import Invitation
from drives.tokens import token_for


class Command(BaseCommand):
    help = "Print one member's sign-on link for the demo drive (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to print sign-on links while DEBUG is off.")
        invitation = (
            Invitation.objects.filter(drive__is_demo=True, organization__slug=LINK_FOR)
            .select_related("organization")
            .first()
        )
        if invitation is None:
            raise CommandError("No demo drive: run manage.py load_demo first.")
        port = os.environ.get("PORT", "8000")
        link = f"http://127.0.0.1:{port}{invitation.link(token_for(invitation))}"
        self.stdout.write(
            self.style.SUCCESS(
                f"  Sign-on drive (demo): answer as {invitation.organization.name} at\n"
                f"      {link}\n"
                f"    and see the tally in the admin under Sign-on drives."
            )
        )
