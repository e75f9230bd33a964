"""The statements' panels on the secretariat's desk (icnk/dashboard.py), registered in
apps.py, and the reads behind them, which the statement list's filters share."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from icnk.dashboard import Panel, Row, ago, until
from statements.models import Statement


def drafts(queryset=None):
    return (queryset if queryset is not None else Statement.objects).filter(
        status=Statement.Status.DRAFT
    )


def scheduled(queryset=None):
    return (queryset if queryset is not None else Statement.objects).filter(
        status=Statement.Status.PUBLISHED, published_at__gt=timezone.now()
    )


def outdated_translations(queryset=None):
    """Translations last edited before their original's last change: they may say otherwise."""
    return (queryset if queryset is not None else Statement.objects.all()).outdated_translations()


class _StatementPanel(Panel):
    model = Statement

    def details(self, statement):
        return " · ".join([statement.get_language_display(), statement.get_kind_display()])


class DraftsPanel(_StatementPanel):
    key = "drafts"
    title = _("Drafts")
    order = 20
    empty = _("No drafts.")
    see_all_query = "status__exact=draft"

    def queryset(self, request):
        return drafts().order_by("-updated_at", "-pk")

    def row(self, statement, request):
        return Row(
            label=statement.title,
            url=self.change_url(statement),
            detail=self.details(statement),
            badge=statement.language,
            age=gettext("edited %(when)s") % {"when": ago(statement.updated_at)},
        )


class OutdatedTranslationsPanel(_StatementPanel):
    key = "outdated-translations"
    title = _("Translations older than their original")
    order = 25
    empty = _("Every translation is up to date.")
    see_all_query = "translation=outdated"

    def queryset(self, request):
        return (
            outdated_translations()
            .select_related("translation_of")
            .order_by("translation_of__updated_at", "pk")
        )

    def row(self, statement, request):
        return Row(
            label=statement.title,
            url=self.change_url(statement),
            detail=gettext("The original changed %(time)s after this translation.")
            % {"time": _timesince(statement.updated_at, statement.translation_of.updated_at)},
            badge=statement.language,
            tone="warning",
        )


class ScheduledPanel(_StatementPanel):
    key = "scheduled"
    title = _("Scheduled")
    order = 30
    empty = _("Nothing is scheduled.")
    see_all_query = "state=scheduled"

    def queryset(self, request):
        return scheduled().order_by("published_at", "pk")

    def row(self, statement, request):
        return Row(
            label=statement.title,
            url=self.change_url(statement),
            detail=self.details(statement),
            badge=statement.language,
            when=statement.published_at,
            age=until(statement.published_at),
        )


class RecentlyPublishedPanel(_StatementPanel):
    """What went public in the last 30 days, newest first."""

    key = "recently-published"
    title = _("Published recently")
    order = 40
    empty = _("Nothing published in the last 30 days.")
    see_all_query = "state=published"

    def queryset(self, request):
        since = timezone.now() - datetime.timedelta(days=30)
        return (
            Statement.objects.published()
            .filter(published_at__gte=since)
            .order_by("-published_at", "-pk")
        )

    def row(self, statement, request):
        return Row(
            label=statement.title,
            url=self.change_url(statement),
            detail=self.details(statement),
            badge=statement.language,
            when=statement.published_at,
            age=ago(statement.published_at),
        )


def _timesince(earlier, later=None):
    from django.utils.timesince import timesince

    return timesince(earlier, later, depth=1)


PANELS = [DraftsPanel, OutdatedTranslationsPanel, ScheduledPanel, RecentlyPublishedPanel]
