"""The members' area's panel on the secretariat's desk (icnk/dashboard.py), registered in
apps.py."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icnk.dashboard import Panel, Row, waiting
from members.dashboard import _MembershipPanel
from members.models import MemberStatus, VisibilityRequest


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


class RecentlyLeftPanel(_MembershipPanel):
    """Members that left in the last 90 days (most through the members' area), latest first."""

    key = "recently-left"
    title = _("Recently left")
    order = 15
    empty = _("No member left in the last 90 days.")
    see_all_query = f"status={MemberStatus.LEFT}"
    date_field = "left_on"
    descending = True
    days = 90

    def window(self, today):
        return {
            "status": MemberStatus.LEFT,
            "left_on__gte": today - datetime.timedelta(days=self.days),
        }

    def row(self, row, today):
        return Row(
            label=row["member_name"],
            url=self.member_url(row),
            detail=self.kind(row),
            age=gettext("left on %(date)s")
            % {"date": date_format(row["member_date"], "DATE_FORMAT")},
        )
