"""The drives' panel on the secretariat's desk (icnk/dashboard.py), registered in apps.py."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from drives.models import Answer, Drive, Invitation
from icnk.dashboard import Panel, Row, until


def _count(choice):
    """How many of the drive's invitations (taken-down people left out) have `choice` as
    their latest answer (None: no answer yet), as a subquery of the drive's one query."""
    latest = Answer.objects.filter(invitation=OuterRef("pk")).order_by("-answered_at", "-pk")
    invitations = (
        Invitation.objects.filter(drive=OuterRef("pk"))
        .not_taken_down()
        .annotate(latest_choice=Subquery(latest.values("choice")[:1]))
    )
    if choice is None:
        invitations = invitations.filter(latest_choice__isnull=True)
    else:
        invitations = invitations.filter(latest_choice=choice)
    counted = invitations.order_by().values("drive").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class DrivesInProgressPanel(Panel):
    """Drives still taking answers, the soonest deadline first, with how many signed,
    declined or have not answered."""

    key = "drives-in-progress"
    title = _("Sign-on drives in progress")
    model = Drive
    order = 35
    empty = _("No sign-on drive is in progress.")

    def queryset(self, request):
        return (
            Drive.objects.in_progress()
            .select_related("statement")
            .annotate(
                signed=_count(Answer.Choice.SIGNED),
                declined=_count(Answer.Choice.DECLINED),
                waiting=_count(None),
            )
            .order_by("deadline", "pk")
        )

    def row(self, drive, request):
        return Row(
            label=str(drive.statement),
            # The tally: each member's answer to this drive.
            url=f"{reverse('admin:drives_invitation_changelist')}?drive={drive.pk}",
            detail=gettext("%(signed)s signed · %(declined)s declined · %(waiting)s no answer")
            % {"signed": drive.signed, "declined": drive.declined, "waiting": drive.waiting},
            when=drive.deadline,
            age=until(drive.deadline),
        )
