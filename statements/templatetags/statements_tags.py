"""Dates and datelines in templates (`{{ date|long_date }}`, `{% dateline statement %}`), and
the statements' sections on the home page."""

from django import template

from icnk.i18n import current_language
from statements.formatting import dateline, long_date
from statements.models import Statement
from statements.queries import featured_campaign

register = template.Library()

HOME_LATEST = 4


@register.filter(name="long_date")
def long_date_filter(value, language=None):
    return long_date(value, language)


@register.simple_tag(name="dateline")
def dateline_tag(statement):
    return dateline(statement)


@register.inclusion_tag("statements/includes/_home_latest.html")
def latest_statements():
    """The home page's latest statements, in the reader's language."""
    statements = (
        Statement.objects.published()
        .in_language(current_language())
        .for_listing()
        .order_by("-published_at", "-pk")[:HOME_LATEST]
    )
    return {"latest_statements": list(statements)}


@register.inclusion_tag("statements/includes/_home_campaign.html")
def featured_campaign_teaser():
    """The home page's featured campaign and its milestone timeline."""
    campaign = featured_campaign()  # cached, shared with the navigation
    milestones = list(campaign.milestones.all()) if campaign else []
    return {"home_campaign": campaign, "home_milestones": milestones}
