"""The "statements by email" form, for the home page and the statements list."""

from django import template

from followers.forms import SubscribeForm, public_campaigns
from icnk.i18n import current_language

register = template.Library()


@register.inclusion_tag("followers/includes/_subscribe_box.html")
def subscribe_box(place="page", campaigns=None, selected=""):
    """`campaigns`: the public campaigns when the page has them already; `selected`: the slug
    of the campaign the reader is looking at."""
    return {
        "place": place,
        "languages": SubscribeForm.base_fields["language"].choices,
        "language": current_language(),
        "campaigns": public_campaigns() if campaigns is None else campaigns,
        "selected": selected or "",
    }
