"""The secretariat's desk: the admin's front page, made of panels each app brings.

A panel is what the person at the desk looks at each morning (join requests waiting, drafts,
what is scheduled, mail that failed): a title, a count, the first few rows, each linking to
its record, and "see all" to the filtered list. `icnk` knows no app (README, "Layout"), so each
app registers its own panels from its `apps.py` `ready()`:

    from icnk import dashboard
    dashboard.register_panel(JoinRequestsPanel())

A panel is shown only to those who may view its model in the admin. Each costs one query:
its rows and its total come together (a window count), so the page stays at a fixed number
of queries however many rows wait.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Window
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icnk.models import OutboundEmail

_panels = {}


def register_panel(panel):
    """Add a panel to the desk (again under the same key replaces it)."""
    _panels[panel.key] = panel
    return panel


def registered_panels():
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


@dataclass
class Row:
    """One line of a panel: what it is, a link to it, and when."""

    label: str
    url: str = ""
    detail: str = ""
    when: datetime | None = None  # shown in the coalition's time zone, the zone beside it
    age: str = ""  # "waiting 3 days", "in 3 hours"
    badge: str = ""  # a short tag: a language code, a status
    tone: str = ""  # "", "warning" or "error": how the age or badge is coloured


def waiting(since):
    """ "waiting 3 days": how long something has waited, to the largest unit."""
    return gettext("waiting %(time)s") % {"time": timesince(since, depth=1)}


def ago(moment):
    """ "3 hours ago", or "just now" within the minute."""
    if (timezone.now() - moment).total_seconds() < 60:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(moment, depth=1)}


def until(moment):
    return gettext("in %(time)s") % {"time": timeuntil(moment, depth=1)}


class Panel:
    """Subclasses set `key`, `title`, `model` and write `queryset()` and `row()`."""

    key = ""
    title = ""
    model = None
    order = 100
    limit = 5
    empty = _("Nothing here.")
    # Appended to the model's changelist address for "see all" ("review=pending").
    see_all_query = ""
    # Wide panels span the whole row of the desk.
    wide = False

    def queryset(self, request):
        raise NotImplementedError

    def row(self, obj, request):
        raise NotImplementedError

    def is_visible(self, request, site):
        model_admin = site._registry.get(self.model)
        return model_admin is not None and model_admin.has_view_permission(request)

    def see_all_url(self, request):
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return f"{url}?{self.see_all_query}" if self.see_all_query else url

    def change_url(self, obj):
        opts = obj._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        except NoReverseMatch:
            return ""

    def build(self, request):
        """The panel as the template shows it: one query for the rows and the total."""
        objects = list(
            self.queryset(request).annotate(desk_total=Window(Count("pk")))[: self.limit]
        )
        return {
            "key": self.key,
            "title": self.title,
            "count": objects[0].desk_total if objects else 0,
            "rows": [self.row(obj, request) for obj in objects],
            "empty": self.empty,
            "see_all_url": self.see_all_url(request),
            "wide": self.wide,
        }


def panels_for(request, site):
    """The panels this person may see, built."""
    return [
        panel.build(request) for panel in registered_panels() if panel.is_visible(request, site)
    ]


# ---------------------------------------------------------------------------------------------
# The panels of icnk's own models: the outbox and the action log
# ---------------------------------------------------------------------------------------------


class OutboxPanel(Panel):
    """Mail that gave up, or is waiting to try again after a failure."""

    key = "outbox"
    title = _("Mail that failed or is retrying")
    order = 50
    empty = _("All mail has gone out.")
    see_all_query = "status=attention"

    model = OutboundEmail

    def queryset(self, request):
        return (
            OutboundEmail.objects.needing_attention()
            .visible_to(request.user)
            .defer("body")
            .order_by("-created_at")
        )

    def row(self, email, request):
        failed = email.status == OutboundEmail.Status.FAILED
        status = (
            gettext("Gave up after %(count)s attempts") % {"count": email.attempts}
            if failed
            else gettext("Retrying (attempt %(count)s)") % {"count": email.attempts + 1}
        )
        return Row(
            label=email.subject,
            url=self.change_url(email),
            detail=gettext("to %(address)s") % {"address": email.to},
            when=email.created_at,
            badge=status,
            tone="error" if failed else "warning",
        )


class StaffChangesPanel(Panel):
    """The admin's action log, limited to records the person may see."""

    key = "staff-changes"
    title = _("Recent changes by staff")
    model = LogEntry
    order = 90
    limit = 8
    wide = True
    empty = _("No changes yet.")

    def queryset(self, request):
        return LogEntry.objects.filter(
            content_type__in=viewable_content_types(request)
        ).select_related("user", "content_type")

    def row(self, entry, request):
        if entry.is_addition():
            action = gettext("Added")
        elif entry.is_deletion():
            action = gettext("Deleted")
        else:
            action = gettext("Changed")
        kind = capfirst(entry.content_type.name) if entry.content_type_id else ""
        # Django's own words for an empty change ("No fields changed.") say nothing here.
        message = entry.get_change_message() if entry.change_message else ""
        return Row(
            label=entry.object_repr,
            url="" if entry.is_deletion() else (entry.get_admin_url() or ""),
            badge=action,
            tone="error" if entry.is_deletion() else "",
            detail=" · ".join(
                part
                for part in [
                    kind,
                    entry.user.get_username() if entry.user_id else "",
                    message,
                ]
                if part
            ),
            when=entry.action_time,
            age=ago(entry.action_time),
        )


def viewable_content_types(request, site=None):
    """Content types of the admin's models this person may view: what the action log shows
    them (an editor does not read of changes to staff accounts or two-factor devices)."""
    from django.contrib import admin

    site = site or admin.site
    models = [
        model
        for model, model_admin in site._registry.items()
        if model is not LogEntry and model_admin.has_view_permission(request)
    ]
    return list(ContentType.objects.get_for_models(*models).values())
