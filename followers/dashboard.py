"""The desk's panel for the press list: confirmed requests waiting for the secretariat."""

from django.utils.translation import gettext_lazy as _

from followers.models import Journalist
from icnk.dashboard import Panel, Row, waiting


class PressListRequestsPanel(Panel):
    """Journalists who confirmed their address and wait for approval, the longest first."""

    key = "press-list-requests"
    title = _("Press list requests")
    model = Journalist
    order = 15
    empty = _("No journalist is waiting.")
    see_all_query = f"status={Journalist.Status.CONFIRMED}"

    def queryset(self, request):
        return Journalist.objects.filter(status=Journalist.Status.CONFIRMED).order_by(
            "confirmed_at", "pk"
        )

    def row(self, journalist, request):
        since = journalist.confirmed_at or journalist.created_at
        return Row(
            label=journalist.name,
            url=self.change_url(journalist),
            detail=journalist.outlet,
            when=since,
            age=waiting(since),
            badge=journalist.languages,
        )
