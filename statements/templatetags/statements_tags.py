"""Dates and datelines in templates (`{{ date|long_date }}`, `{% dateline statement %}`), and
the statements' sections on the home page."""

import unicodedata
from html import escape as html_escape

from django import template
from django.template.defaultfilters import stringfilter
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import get_current_timezone

from icnk.fasturls import slug_url
from icnk.i18n import current_language
from statements import queries
from statements.formatting import dateline, long_date, long_date_writer, machine_datetime
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
    list of two. What is the same for every card (the time zone, the way dates are written,
    the kinds' labels, a campaign's link) is worked out once, and values are escaped by
    `html.escape` as `escape` does, without its check for lazy strings: 48 µs a card became
    17. Each row needs what `for_cards()` reads."""
    if heading not in ("h2", "h3"):
        raise ValueError(f"statement cards take an h2 or h3 heading, not {heading!r}")
    zone = get_current_timezone()  # the zone a template shows times in
    written = long_date_writer()
    kinds, campaigns, paths, html = {}, {}, {}, []
    for statement in statements:
        machine = shown = ""
        if (published := statement.published_at) is not None:
            local = published.astimezone(zone)
            machine, shown = machine_datetime(local), _escape(written(local))
        campaign = ""
        if (found := statement.campaign) is not None and found.is_public:
            if found.pk not in campaigns:
                link = f'<a href="{_escape(found.get_absolute_url())}">{_escape(found.title)}</a>'
                campaigns[found.pk] = f" · {link}"
            campaign = campaigns[found.pk]
        summary = ""
        if statement.summary:
            summary = (
                '\n  <p class="statement-card__summary">'
                f"{_escape(shortened(statement.summary, 280))}</p>"
            )
        # Statement.get_absolute_url, its pattern found once a language rather than once a card.
        if (path := paths.get(statement.language)) is None:
            path = paths[statement.language] = slug_url("statements:detail", statement.language)
        if (kind := kinds.get(statement.kind)) is None:
            kind = kinds[statement.kind] = _escape(statement.get_kind_display())
        html.append(
            '<article class="statement-card">\n'
            f'  <p class="statement-card__meta"><span class="tag">{kind}</span> '
            f'<time datetime="{machine}">{shown}</time>{campaign}</p>\n'
            f'  <{heading} class="statement-card__title"><a href="'
            f'{_escape(path(statement.slug))}">{_escape(statement.title)}</a></{heading}>'
            f"{summary}\n</article>\n"
        )
    return mark_safe("".join(html))  # every value above is escaped


def _escape(value):
    """`django.utils.html.escape` (the same `html.escape`) without its check for lazy strings."""
    return html_escape(str(value))


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
