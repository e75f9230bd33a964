"""The members' sections on pages of other apps."""

from django import template

from members.queries import member_counts

register = template.Library()


@register.inclusion_tag("members/includes/_home_counts.html")
def member_counts_by_region():
    """The home page's members section: the headline totals and counts by region."""
    totals, regions = member_counts()
    return {"member_totals": totals, "member_regions": regions}
