"""The members' area's panel on the secretariat's desk (icnk/dashboard.py), registered in
apps.py."""

from django.utils.translation import gettext_lazy as _

from icnk.dashboard import Panel, Row, waiting
from members.models import VisibilityRequest


class VisibilityRequestsPanel(Panel):
    """Supporters waiting for an answer to a request to be shown less privately."""

    key = "visibility-requests"
    title = _("Visibility requests awaiting review")
    model = VisibilityRequest
    order = 11
    empty = _("No request is waiting.")
    see_all_query = "status__exact=pending"

    def queryset(self, request):
        return (
            VisibilityRequest.objects.pending()
            .select_related("supporter")
            .order_by("consented_at", "pk")
        )

    def row(self, visibility_request, request):
        return Row(
            label=str(visibility_request.supporter),
            url=self.change_url(visibility_request),
            detail=f"{visibility_request.get_visibility_before_display()} → "
            f"{visibility_request.get_visibility_display()}",
            when=visibility_request.consented_at,
            age=waiting(visibility_request.consented_at),
        )
