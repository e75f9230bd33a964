"""The "statements by email" form, for the home page and the statements list."""

from django import template

from followers.forms import SubscribeForm
from icnk.i18n import current_language

register = template.Library()


@register.inclusion_tag("followers/includes/_subscribe_box.html")
def subscribe_box(place="page", campaigns=None, campaign=None, selected="", options=None):
    """`campaigns`: the public campaigns, when the page has them already; or `campaign`, the
    one the page puts forward (the home page's, already loaded): no query of its own.
    `selected`: the slug of the campaign the reader is looking at. `options`: the campaigns'
    <option>s, when the page has them already (statements.queries.ListFacts.campaign_options)."""
    if campaigns is None:
        campaigns = [campaign] if campaign else []
    return {
        "place": place,
        "languages": SubscribeForm.base_fields["language"].choices,
        "language": current_language(),
        "campaigns": campaigns,
        "selected": selected or "",
        "options": options,
    }
