"""The members' panels on the secretariat's desk (icnk/dashboard.py), registered in apps.py."""

from django.utils.translation import gettext_lazy as _

from icnk.dashboard import Panel, Row, waiting
from members.models import JoinRequest


class JoinRequestsPanel(Panel):
    """Verified requests nobody has decided yet, the longest-waiting first."""

    key = "join-requests"
    title = _("Join requests awaiting review")
    model = JoinRequest
    order = 10
    empty = _("No request is waiting.")
    see_all_query = "review=pending"

    def queryset(self, request):
        return JoinRequest.objects.awaiting_review().order_by("verified_at", "submitted_at", "pk")

    def row(self, join_request, request):
        since = join_request.verified_at or join_request.submitted_at
        details = [join_request.get_kind_display()]
        if join_request.country:
            details.append(str(join_request.country.name))
        return Row(
            label=join_request.name,
            url=self.change_url(join_request),
            detail=" · ".join(details),
            when=since,
            age=waiting(since),
            # A request left more than a week has someone waiting on us for an answer.
            tone="warning" if (since and _days_since(since) >= 7) else "",
        )


def _days_since(moment):
    from django.utils import timezone

    return (timezone.now() - moment).days
