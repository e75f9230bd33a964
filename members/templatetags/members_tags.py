"""The members' sections on pages of other apps, and the directory's rows."""

import html as html_module

from django import template
from django.core.cache import cache
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext

from icnk import cache as page_cache
from icnk.i18n import current_language
from members.queries import COUNTS_SECONDS, member_counts
from statements.formatting import date_writer, machine_datetime
from statements.queries import statement_path

register = template.Library()


@register.inclusion_tag("members/includes/_home_counts.html")
def member_counts_by_region():
    """The home page's members section: the headline totals and counts by region.

    Worked out once a generation of the page cache and language, as the rows they come from
    are (DirectoryCounts): reading those rows back and summing them cost about 1 ms of every
    home page at full size; a save or delete of a member starts a new generation.
    """
    key = f"home-member-counts:v1:{page_cache.known_state()['generation']}:{current_language()}"
    counts = cache.get(key)
    if counts is None:
        totals, regions = member_counts()
        # The region names as text in the reader's language, not lazy translations.
        regions = [{**region, "label": str(region["label"])} for region in regions]
        counts = (totals, regions)
        cache.set(key, counts, COUNTS_SECONDS)
    totals, regions = counts
    return {"member_totals": totals, "member_regions": regions}


# The directory's rows (members/queries.py: organization_cards, supporter_rows), printed here
# rather than by the template: at 50 organizations and 50 supporters a page, Django's template
# language cost about 30 µs a card (some ten variables and conditions each), more than reading
# the rows; this costs about 2 µs. The markup is that of members/includes/_organization_card.html
# and _supporter.html, which the members' area and the renewal page include for one member:
# change them together. Every value is escaped as the template would (`escape`); a flag comes
# as the markup of site_tags' `flag` filter, which escapes its addresses.


def escape(value):
    """`django.utils.html.escape` (the same `html.escape`) without its check for lazy strings,
    which cost as much as the escaping on the ~800 values of a directory page."""
    return html_module.escape(str(value))


@register.simple_tag
def organization_cards(cards):
    """`<li class="member">` cards, as members/includes/_organization_card.html prints them."""
    international = escape(gettext("International"))
    founding = f'<span class="tag tag--founding">{escape(gettext("Founding member"))}</span>'
    html = []
    for card in cards:
        if card["logo_url"]:
            logo = (
                f'<img class="member__logo" src="{escape(card["logo_url"])}" alt="" width="56"'
                ' height="56" loading="lazy">'
            )
        else:
            logo = (
                '<span class="member__logo member__logo--blank" aria-hidden="true">'
                f"{escape(card['initial'])}</span>"
            )
        local = ""
        if card["local_name"]:
            lang = card["local_name_language"]
            lang = f' lang="{escape(lang)}"' if lang else ""
            local = f'<span class="member__local"{lang}>{escape(card["local_name"])}</span>'
        if place := card["place"]:
            country = (
                f'<span class="member__country">{place["flag"]} {escape(place["name"])}</span>'
            )
        else:
            country = f'<span class="member__country">{international}</span>'
        html.append(
            f'<li class="member">\n  <a class="member__link" href="{escape(card["url"])}">\n'
            f'    {logo}\n    <span class="member__text">\n'
            f'      <span class="member__name">{escape(card["display_name"])}</span>\n'
            f'      {local}\n      <span class="member__meta">\n        {country}\n'
            f'        <span class="tag">{escape(card["kind_label"])}</span>\n'
            f"        {founding if card['founding_member'] else ''}\n"
            "      </span>\n    </span>\n  </a>\n</li>"
        )
    return mark_safe("".join(html))  # every value above is escaped


@register.simple_tag
def supporter_items(supporters):
    """`<li class="supporter">` rows, as members/includes/_supporter.html prints them."""
    html = []
    for supporter in supporters:
        affiliation = supporter["public_affiliation"]
        if affiliation:
            affiliation = f'<span class="supporter__affiliation">{escape(affiliation)}</span>'
        country = ""
        if place := supporter["place"]:
            country = (
                f'<span class="supporter__country">{place["flag"]} {escape(place["name"])}</span>'
            )
        html.append(
            '<li class="supporter">\n'
            f'  <span class="supporter__name">{escape(supporter["public_name"])}</span>\n'
            f"  {affiliation}\n  {country}\n</li>\n"
        )
    return mark_safe("".join(html))  # every value above is escaped


@register.simple_tag
def country_facet_items(facets):
    """The directory's country links (DirectoryCounts.country_facets): one for each country a
    listed member comes from, some two hundred at full size; printed here for the reason above."""
    html = []
    for facet in facets:
        selected = ' facet--selected" ' if facet["selected"] else '" '
        current = ' aria-current="true"' if facet["selected"] else ""
        html.append(
            f'<li><a class="facet{selected}href="?{escape(facet["querystring"])}"{current}>'
            f'{facet["flag"]} {escape(facet["name"])} <span class="facet__count">'
            f"{escape(localize(facet['count']))}</span></a></li>\n"
        )
    return mark_safe("".join(html))  # every value above is escaped


@register.simple_tag(takes_context=True)
def embed_organization_items(context, cards):
    """The directory embed's organizations (members/directory_embed.html): links to the full
    site, flags under their plain names."""
    site_url = context.get("site_url", "")
    international = escape(gettext("International"))
    html = []
    for card in cards:
        local = ""
        if card["local_name"]:
            lang = card["local_name_language"]
            lang = f' lang="{escape(lang)}"' if lang else ""
            local = f'<span class="embed-list__local"{lang}>{escape(card["local_name"])}</span>'
        if place := card["place"]:
            country = f"{place['plain_flag']} {escape(place['name'])}"
        else:
            country = international
        html.append(
            '<li class="embed-list__item">\n'
            f'  <a href="{escape(site_url)}{escape(card["url"])}" target="_blank"'
            f' rel="noopener">{escape(card["display_name"])}</a>\n'
            f'  {local}\n  <span class="embed-list__meta">{country}</span>\n</li>\n'
        )
    return mark_safe("".join(html))  # every value above is escaped


@register.simple_tag
def embed_supporter_items(supporters):
    """The directory embed's supporters (members/directory_embed.html)."""
    html = []
    for supporter in supporters:
        affiliation = supporter["public_affiliation"]
        if affiliation:
            affiliation = f'<span class="embed-list__local">{escape(affiliation)}</span>'
        country = ""
        if place := supporter["place"]:
            country = (
                f'<span class="embed-list__meta">{place["plain_flag"]}'
                f" {escape(place['name'])}</span>"
            )
        html.append(
            '<li class="embed-list__item">\n'
            f'  <span class="embed-list__name">{escape(supporter["public_name"])}</span>\n'
            f"  {affiliation}\n  {country}\n</li>\n"
        )
    return mark_safe("".join(html))  # every value above is escaped


@register.simple_tag
def signed_statement_items(statements):
    """An organization's page's `<li>` for each statement it signed (rows of
    `statements.queries.signed_page`): the title linked, and the publication date. Printed here
    for the reason above: twenty rows through a template loop (an address, two date filters
    and an escaped title each) cost about 0.6 ms more than a demo member's two."""
    zone = get_current_timezone()  # the zone a template shows times in
    date_shown = date_writer()
    html = []
    for statement in statements:
        machine = shown = ""
        if (published := statement.published_at) is not None:
            local = published.astimezone(zone)
            machine, shown = machine_datetime(local), date_shown(local)
        html.append(
            f'<li><a href="{escape(statement_path(statement))}">{escape(statement.title)}</a>'
            f' <time class="muted small" datetime="{escape(machine)}">{escape(shown)}</time></li>\n'
        )
    return mark_safe("".join(html))  # every value above is escaped
