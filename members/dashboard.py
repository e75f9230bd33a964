"""The members' panels on the secretariat's desk (icnk/dashboard.py), registered in apps.py."""

import datetime

from django.db.models import CharField, F, Func, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icnk.dashboard import Panel, Row, waiting
from icnk.models import SiteSettings
from members.models import (
    PROFILE_FIELDS,
    JoinRequest,
    MemberStatus,
    Organization,
    ProfileChange,
    Supporter,
)


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


class ProfileChangesPanel(Panel):
    """Changes members asked for on their public profile, the longest-waiting first."""

    key = "profile-changes"
    title = _("Profile changes to review")
    model = ProfileChange
    order = 11
    empty = _("No profile change is waiting.")
    see_all_query = "status=pending"

    def queryset(self, request):
        return (
            ProfileChange.objects.filter(status=ProfileChange.Status.PENDING)
            .select_related("organization")
            .defer("logo_data")
            .order_by("requested_at", "pk")
        )

    def row(self, change, request):
        fields = [
            str(Organization._meta.get_field(name).verbose_name)
            for name in PROFILE_FIELDS
            if name in change.proposed
        ]
        if change.logo_type:
            fields.append(gettext("logo"))
        return Row(
            label=change.organization.name,
            url=self.change_url(change),
            detail=", ".join(fields),
            when=change.requested_at,
            age=waiting(change.requested_at),
            tone="warning" if _days_since(change.requested_at) >= 7 else "",
        )


# ---------------------------------------------------------------------------------------------
# Renewals: organizations and supporters together, one query a panel (a union)
# ---------------------------------------------------------------------------------------------


class _MembershipPanel(Panel):
    """Organizations and individual supporters in one list. Each model's rows are read only
    if the person may view that model; both come in one query (a UNION), each row carrying
    the total of both (a count subquery per model), so the panel stays one query."""

    model = Organization  # "see all" and the desk's permission check start here
    models = (Organization, Supporter)
    date_field = ""
    descending = False

    def window(self, today):
        raise NotImplementedError

    def viewable_models(self, request, site=None):
        from django.contrib import admin

        site = site or admin.site
        return [
            model
            for model in self.models
            if (model_admin := site._registry.get(model)) is not None
            and model_admin.has_view_permission(request)
        ]

    def is_visible(self, request, site):
        return bool(self.viewable_models(request, site))

    def _part(self, model, today, models):
        name = "name" if model is Organization else "full_name"
        total = sum(
            (
                Coalesce(
                    Subquery(
                        other.objects.filter(**self.window(today))
                        .order_by()
                        .annotate(n=Func(F("pk"), function="COUNT"))
                        .values("n"),
                        output_field=IntegerField(),
                    ),
                    Value(0),
                )
                for other in models
            ),
            start=Value(0),
        )
        return (
            model.objects.filter(**self.window(today))
            .order_by()
            .annotate(
                member_name=F(name),
                member_date=F(self.date_field),
                member_model=Value(model._meta.model_name, output_field=CharField()),
                desk_total=total,
            )
            .values("pk", "member_name", "member_date", "member_model", "desk_total")
        )

    def build(self, request, today=None):
        today = today or timezone.localdate()
        models = self.viewable_models(request)
        parts = [self._part(model, today, models) for model in models]
        combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        date = "-member_date" if self.descending else "member_date"
        rows = list(combined.order_by(date, "member_name", "member_model", "pk")[: self.limit])
        return {
            "key": self.key,
            "title": self.title,
            "count": rows[0]["desk_total"] if rows else 0,
            "rows": [self.row(row, today) for row in rows],
            "empty": self.empty,
            "see_all_url": self.see_all_url(request),
            "wide": self.wide,
        }

    def member_url(self, row):
        return reverse(f"admin:members_{row['member_model']}_change", args=[row["pk"]])

    def kind(self, row):
        model = Organization if row["member_model"] == "organization" else Supporter
        return capfirst(model._meta.verbose_name)


class ExpiringSoonPanel(_MembershipPanel):
    """Active members whose period ends within 30 days or that are in their grace period,
    soonest first: those to remind, or to call."""

    key = "expiring-soon"
    title = _("Members expiring soon")
    order = 12
    empty = _("No membership ends in the next 30 days.")
    date_field = "renewed_until"
    days = 30

    def window(self, today):
        grace = datetime.timedelta(days=SiteSettings.load().grace_days)
        return {
            "status": MemberStatus.ACTIVE,
            "renewed_until__lte": today + datetime.timedelta(days=self.days),
            "renewed_until__gte": today - grace,
        }

    def row(self, row, today):
        in_grace = row["member_date"] < today
        return Row(
            label=row["member_name"],
            url=self.member_url(row),
            detail=self.kind(row),
            age=gettext("period ends %(date)s")
            % {"date": date_format(row["member_date"], "DATE_FORMAT")},
            badge=gettext("In its grace period") if in_grace else "",
            tone="warning" if in_grace else "",
        )


class RecentlyLapsedPanel(_MembershipPanel):
    """Members that lapsed in the last 90 days, latest first: those still worth a call."""

    key = "recently-lapsed"
    title = _("Recently lapsed")
    order = 14
    empty = _("No member lapsed in the last 90 days.")
    see_all_query = f"status={MemberStatus.LAPSED}"
    date_field = "left_on"
    descending = True
    days = 90

    def window(self, today):
        return {
            "status": MemberStatus.LAPSED,
            "left_on__gte": today - datetime.timedelta(days=self.days),
        }

    def row(self, row, today):
        return Row(
            label=row["member_name"],
            url=self.member_url(row),
            detail=self.kind(row),
            age=gettext("lapsed on %(date)s")
            % {"date": date_format(row["member_date"], "DATE_FORMAT")},
        )
