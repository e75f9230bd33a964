"""The members' sections on pages of other apps."""

from django import template
from django.core.cache import cache

from icnk import cache as page_cache
from icnk.i18n import current_language
from members.queries import COUNTS_SECONDS, member_counts

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
