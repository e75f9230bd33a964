"""Statement bodies: Markdown written by staff, rendered to HTML and then sanitized.

Rendering trusts nobody, staff included: an account can be stolen, and a statement is read by
people at risk. After Markdown, nh3 (the Rust ammonia sanitizer) keeps only an allow-list of
tags and attributes; scripts, event handlers, styles, iframes, forms and `javascript:` or
`data:` URLs never survive. Images must come from our own media; outside links get
`rel="noopener nofollow"`.
"""

import re
from html.parser import HTMLParser
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


LIST_ITEM = re.compile(r"^\s*(- |\d+\. )")


class _PlainText(HTMLParser):
    """Sanitized statement HTML as plain text for mail: paragraphs apart, list items with a
    dash or their number, a link as its text followed by its address, table cells split by
    " | ". The HTML is our own (render_markdown's), so only its few tags need a rule."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "table", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.lists = []  # a counter per open <ol>, None per <ul>
        self.links = []
        self.quote = 0
        self.pre = 0

    def _break(self, blank=True):
        self.out.append("\n\n" if blank else "\n")

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._break()
        if tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
            self._break()
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "ol":
            self.lists.append(0)
        elif tag == "li":
            self._break(blank=False)
            indent = "  " * max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1] is not None:
                self.lists[-1] += 1
                self.out.append(f"{indent}{self.lists[-1]}. ")
            else:
                self.out.append(f"{indent}- ")
        elif tag == "br" or tag == "tr":
            self._break(blank=False)
        elif tag in ("td", "th") and "".join(self.out).rsplit("\n", 1)[-1].strip():
            self.out.append(" | ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
        elif tag == "hr":
            self.out.append("* * *")
        if self.quote and tag in {"p", "br"}:
            self.out.append("> " * self.quote)

    def handle_endtag(self, tag):
        if tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
            self._break()
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.out[start:]).strip()
            if href and href != text and not href.startswith("#"):
                self.out.append(f" <{href}>")
        if tag in self.BLOCKS:
            self._break()

    def handle_data(self, data):
        self.out.append(data if self.pre else re.sub(r"\s+", " ", data))

    def text(self):
        lines = []
        for line in "".join(self.out).split("\n"):
            # Collapsed spaces at a line's start are the HTML's; a list item keeps its indent.
            lines.append(line.rstrip() if LIST_ITEM.match(line) else line.strip())
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_text(html):
    """A statement's sanitized HTML (body_html) as plain text, for the text part of mail."""
    parser = _PlainText()
    parser.feed(html or "")
    parser.close()
    return parser.text()
