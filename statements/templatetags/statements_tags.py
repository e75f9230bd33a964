"""Dates and datelines in templates (`{{ date|long_date }}`, `{% dateline statement %}`), and
the statements' sections on the home page."""

import unicodedata

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime

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


@register.simple_tag
def statement_cards(statements, heading="h3"):
    """One `<article class="statement-card">` a statement, for the statement list (`heading`
    "h2": the cards sit right under the page's h1), a campaign's page and the home page (h3,
    under a section's h2).

    Written in one pass rather than a template included once a card: the twenty includes of a
    full list cost about 1.5 ms more, which made a full list half as slow again as the demo's
    list of two. Each row needs what `for_cards()` reads."""
    if heading not in ("h2", "h3"):
        raise ValueError(f"statement cards take an h2 or h3 heading, not {heading!r}")
    html = []
    for statement in statements:
        published = statement.published_at
        campaign = ""
        if (found := statement.campaign) is not None and found.is_public:
            campaign = f' · <a href="{escape(found.get_absolute_url())}">{escape(found.title)}</a>'
        summary = ""
        if statement.summary:
            summary = (
                '\n  <p class="statement-card__summary">'
                f"{escape(shortened(statement.summary, 280))}</p>"
            )
        html.append(
            '<article class="statement-card">\n'
            '  <p class="statement-card__meta"><span class="tag">'
            f"{escape(statement.get_kind_display())}</span> "
            f'<time datetime="{machine_datetime_filter(template_localtime(published))}">'
            f"{escape(long_date(published))}</time>{campaign}</p>\n"
            f'  <{heading} class="statement-card__title"><a href="'
            f'{escape(statement.get_absolute_url())}">{escape(statement.title)}</a></{heading}>'
            f"{summary}\n</article>\n"
        )
    return mark_safe("".join(html))  # every value above is escaped


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
