"""Dates written the way each language writes them ("25 January 2013", "2013년 1월 25일"), and
the statements' sections on the home page."""

import datetime

from django import template
from django.utils import dateformat, timezone, translation

from icnk.i18n import current_language
from statements.models import Statement

register = template.Library()

HOME_LATEST = 4

LONG_DATE = {"en": "j F Y", "ko": "Y년 n월 j일", "ja": "Y年n月j日"}
# How a dateline joins the place and the date in each language.
DATELINE = {"en": "{place}, {date} –", "ko": "{place}, {date} –", "ja": "{place}、{date} –"}


def long_date(value, language=None):
    if not value:
        return ""
    language = language or current_language()
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    with translation.override(language):
        return dateformat.format(value, LONG_DATE.get(language, LONG_DATE["en"]))


@register.filter(name="long_date")
def long_date_filter(value, language=None):
    return long_date(value, language)


def dateline(statement):
    """ "TOKYO, 25 January 2013 –" in the statement's own language."""
    date = long_date(statement.published_at, statement.language)
    place = statement.dateline.strip()
    if not place:
        return f"{date} –"
    if statement.language == "en":
        place = place.upper()
    pattern = DATELINE.get(statement.language, DATELINE["en"])
    return pattern.format(place=place, date=date)


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
    # Here, not at the top: statements.views imports this module for its date formats.
    from statements.views import featured_campaign

    campaign = featured_campaign()  # cached, shared with the navigation
    milestones = list(campaign.milestones.all()) if campaign else []
    return {"home_campaign": campaign, "home_milestones": milestones}
