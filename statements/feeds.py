"""The Atom feed of published statements, one per language (Django's syndication framework)."""

import io
import re
from xml.sax.saxutils import XMLGenerator, escape, quoteattr

from django.contrib.syndication.views import Feed
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, rfc3339_date
from django.utils.translation import gettext
from django.utils.xmlutils import SimplerXMLGenerator

from icnk import cache as page_cache
from icnk.i18n import current_language
from icnk.labels import choice_label
from icnk.models import SiteSettings
from icnk.site_url import absolute_url
from statements.models import Statement
from statements.queries import statement_path

# The characters XML 1.0 cannot hold.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0B-\x0C\x0E-\x1F]")


class _XMLWriter(SimplerXMLGenerator):
    """Django's XML writer, except for the characters XML cannot hold: where Django's refuses
    the whole document (a server error, and no feed for anyone) for a vertical tab that a
    word processor left in one title, this one leaves the character out.

    Its check is also on a pattern compiled here: Django compiles its own lazily, and each tag
    and text reached it through the lazy object's lookups, 0.25 ms of a 20-entry feed (about
    3 ms), a cost that grew with the entries."""

    def characters(self, content):
        if content:
            content = _CONTROL_CHARACTERS.sub("", content)
        XMLGenerator.characters(self, content)

    def startElement(self, name, attrs):
        # In a fixed order, as Django's writer sorts them.
        attrs = {
            key: _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value
            for key, value in sorted(attrs.items())
        }
        XMLGenerator.startElement(self, name, attrs)


class _Atom(Atom1Feed):
    """Atom written to the response in one piece. Handed the response itself, the XML writer
    passes it each tag and text apart (some 33 writes an entry, each encoded and copied on
    its own); the document is the same, encoded as that writer encodes it. As
    `Atom1Feed.write`, with the writer above for the feed's own elements and `_entry` for
    each entry."""

    def write(self, outfile, encoding):
        text = io.StringIO()
        handler = _XMLWriter(text, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        # The feed's own elements are closed: nothing of the writer's is pending.
        text.write("".join(map(_entry, self.items)))
        handler.endElement("feed")
        outfile.write(text.getvalue().encode(encoding, "xmlcharrefreplace"))


def _entry(item):
    """An entry as `Atom1Feed.add_item_elements` writes it through the writer above, in one
    string rather than some 20 calls to the writer (a fifth of a 20-entry feed's time, and
    growing with the entries), for what `StatementFeed` gives an entry: no author, document
    or rights of its own. A test compares the whole document with Django's."""
    parts = [
        "<entry>",
        _element("title", item["title"]),
        f'<link href={_attribute(item["link"])} rel="alternate"/>',
    ]
    if item["pubdate"] is not None:
        parts.append(_element("published", rfc3339_date(item["pubdate"])))
    if item["updateddate"] is not None:
        parts.append(_element("updated", rfc3339_date(item["updateddate"])))
    parts.append(_element("id", item["unique_id"]))
    if item["description"] is not None:
        parts.append(_element("summary", item["description"], ' type="html"'))
    parts.extend(f"<category term={_attribute(term)}/>" for term in item["categories"])
    parts.append("</entry>")
    return "".join(parts)


def _element(name, text, attributes=""):
    if text:
        text = _CONTROL_CHARACTERS.sub("", text)
    if not text:
        return f"<{name}{attributes}/>"
    return f"<{name}{attributes}>{escape(text)}</{name}>"


def _attribute(value):
    return quoteattr(_CONTROL_CHARACTERS.sub("", value))


# What an entry shows of a statement.
ENTRY_FIELDS = (
    "title", "slug", "language", "summary", "body_html", "published_at", "kind", "translation_key"
)  # fmt: skip


class StatementFeed(Feed):
    """Atom feed of the latest published statements in the language of the URL."""

    feed_type = _Atom
    limit = 20

    def __call__(self, request, *args, **kwargs):
        self.request = request
        # As every page reads them: kept in the process while the generation stands.
        self.site = page_cache.per_generation("site-settings", SiteSettings.load)
        return super().__call__(request, *args, **kwargs)

    def title(self):
        name = self.site.name if self.site else ""
        return gettext("%(site)s: statements") % {"site": name}

    def subtitle(self):
        return self.site.mission if self.site else ""

    # Links are absolute on SITE_URL: Django's syndication would put the request's Host on a
    # relative one.
    def link(self):
        with translation.override(current_language()):
            return absolute_url(reverse("statements:list"))

    def feed_url(self):
        return self.request.build_absolute_uri()

    # RFC 4287 4.1.1: a feed whose entries name no author must name one itself.
    def author_name(self):
        return self.site.name if self.site else gettext("The secretariat")

    def author_link(self):
        with translation.override(current_language()):
            return self.request.build_absolute_uri(reverse("home"))

    # None through the framework: `get_feed` adds the entries, the rows of `entries`.
    items = ()

    def get_feed(self, obj, request):
        """The feed as Django's syndication makes it, with the entries added here from the same
        `item_*` methods. The framework finds each of an entry's thirteen parts by name and
        inspects the method it finds: 274 lookups in a 20-entry feed, about a third of its
        time, and a cost that grew with the entries. A test compares the whole document with
        the one the framework writes."""
        feed = super().get_feed(obj, request)
        for row in self.entries():
            feed.add_item(
                title=self.item_title(row),
                link=self.item_link(row),
                description=self.item_description(row),
                unique_id=self.item_guid(row),
                unique_id_is_permalink=self.item_guid_is_permalink(row),
                pubdate=self.item_pubdate(row),
                updateddate=self.item_updateddate(row),
                categories=self.item_categories(row),
            )
        return feed

    def entries(self):
        # Rows of what an entry shows, not model instances (which cost more to make): not the
        # Markdown source or the search vector (7 KB a statement at full size), nor the
        # campaign.
        return (
            Statement.objects.published()
            .in_language(current_language())
            .order_by("-published_at", "-pk")
            .values_list(*ENTRY_FIELDS, named=True)[: self.limit]
        )

    def item_link(self, item):
        return absolute_url(statement_path(item))

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body_html

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # The statement's own date, not the moment a typo was fixed or the demo was loaded:
        # readers sort and de-duplicate by it.
        return item.published_at

    def item_categories(self, item):
        return [choice_label(Statement.Kind, item.kind)]

    def item_guid(self, item):
        # Stable across slug edits: the statement's key and language.
        return f"urn:uuid:{item.translation_key}:{item.language}"

    def item_guid_is_permalink(self, item):
        return False


def feed_about(request):
    """What a feed is and how to follow ours: the page the site's feed links open."""
    feed_url = request.build_absolute_uri(reverse("statements:feed"))
    return render(request, "statements/feed_about.html", {"feed_url": feed_url})
