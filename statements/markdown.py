"""Statement bodies: Markdown written by staff, rendered to HTML and then sanitized.

Rendering trusts nobody, staff included: an account can be stolen, and a statement is read by
people at risk. After Markdown, nh3 (the Rust ammonia sanitizer) keeps only an allow-list of
tags and attributes; scripts, event handlers, styles, iframes, forms and `javascript:` or
`data:` URLs never survive. Images must come from our own media; outside links get
`rel="noopener nofollow"`.
"""

import re
from urllib.parse import urlsplit

import markdown
import nh3
from django.conf import settings

TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "blockquote",
    "a", "em", "strong", "code", "pre", "sup", "sub", "del",
    "table", "thead", "tbody", "tr", "th", "td", "img", "figure", "figcaption",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _filter_attribute(element, attribute, value):
    if element == "img" and attribute == "src":
        # Only our own uploads: no tracking pixels, no third-party images.
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or not parts.path.startswith(settings.MEDIA_URL):
            return None
    return value


def render_markdown(text):
    html = markdown.markdown(
        text or "", extensions=["tables", "sane_lists", "smarty"], output_format="html"
    )
    html = _headings_below_the_title(html)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="noopener nofollow",
        strip_comments=True,
    )


HEADING = re.compile(r"<(/?)h([1-6])>")


def _headings_below_the_title(html):
    """Shift the body's headings so that its highest one is an h2, right under the page's h1.

    Staff write "#" or "##" for a section alike; either way no level is skipped (an h3 straight
    under the h1 is what screen readers and the Nu HTML Checker flag) and none competes with
    the page's own title.
    """
    levels = [int(level) for _slash, level in HEADING.findall(html)]
    if not levels:
        return html
    shift = 2 - min(levels)
    return HEADING.sub(
        lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + shift, 6)}>",
        html,
    )
