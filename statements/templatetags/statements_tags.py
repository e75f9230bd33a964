"""Dates and datelines in templates (`{{ date|long_date }}`, `{% dateline statement %}`), and
the statements' sections on the home page."""

import unicodedata

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.text import Truncator

from icnk.i18n import current_language
from statements import queries
from statements.formatting import dateline, long_date, machine_datetime
from statements.queries import featured_campaign

register = template.Library()

HOME_LATEST = 4


@register.filter(name="long_date")
def long_date_filter(value, language=None):
    return long_date(value, language)


@register.filter(name="machine_datetime", expects_localtime=True)
def machine_datetime_filter(value):
    """`value|date:"Y-m-d\\TH:i:sO"`, the datetime of a <time>, written faster."""
    return machine_datetime(value) if value not in (None, "") else ""


@register.filter(is_safe=True)
@stringfilter
def shortened(value, length):
    """`value|truncatechars:length`, without its walk over every character when the text is
    short enough already (Truncator.chars costs 25 µs for a summary of 200 characters)."""
    try:
        length = int(length)
    except ValueError:
        return value
    if length > 0 and len(value) <= length and unicodedata.is_normalized("NFC", value):
        return value  # what Truncator.chars() would return
    return Truncator(value).chars(length)


@register.simple_tag(name="dateline")
def dateline_tag(statement):
    return dateline(statement)


@register.inclusion_tag("statements/includes/_home_latest.html")
def latest_statements():
    """The home page's latest statements, in the reader's language."""
    return {"latest_statements": queries.latest_statements(current_language(), HOME_LATEST)}


@register.inclusion_tag("statements/includes/_home_campaign.html", takes_context=True)
def featured_campaign_teaser(context):
    """The home page's featured campaign and its milestone timeline."""
    # The navigation's campaign (statements.context_processors.campaign): read once a page.
    campaign = context["active_campaign"] if "active_campaign" in context else featured_campaign()
    milestones = list(campaign.milestones.all()) if campaign else []
    return {"home_campaign": campaign, "home_milestones": milestones}
