"""Statements on other sites: a card meant for an <iframe>, and the oEmbed endpoint that
gives it out (https://oembed.com/, JSON only), found through the discovery link on every
published statement's page.

Only published statements that are due reach either: a draft, a statement scheduled for later
and an unknown address all answer the same 404, so nobody learns that a draft exists.
"""

from urllib.parse import unquote, urlencode, urlsplit

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from icnk.headers import embeddable
from icnk.i18n import current_language
from icnk.models import SiteSettings
from icnk.site_url import absolute_url, site_url
from statements import queries
from statements.models import Statement

# The card's size when nothing smaller is asked for, and the narrowest it can be read at
# (where it wraps into more lines, so it is taller).
CARD_WIDTH = 560
CARD_HEIGHT = 320
NARROW_WIDTH = 420
NARROW_HEIGHT = 440
MIN_WIDTH = 240
MIN_HEIGHT = 200
LANGUAGES = {"en", "ko", "ja"}


def public_statement(language, slug):
    """The published, due statement at this address, or None (drafts, scheduled, unknown)."""
    return (
        Statement.objects.published()
        .select_related("campaign")
        .filter(language=language, slug=slug)
        .first()
    )


def signed_count(signatories):
    """Who stands behind the statement today, as readers may know it: named signatories
    whose signature is not withdrawn, plus those counted without a name (never the hidden)."""
    named = [*signatories.organizations, *signatories.individuals]
    return (
        sum(1 for line in named if not line.withdrawn_on)
        + signatories.other_organizations
        + signatories.other_individuals
    )


@require_safe
@embeddable
def statement_card(request, slug):
    statement = public_statement(current_language(), slug)
    if statement is None:
        raise Http404(gettext("No such statement."))
    context = {
        "statement": statement,
        "signed_count": signed_count(queries.signatories(statement)),
        "statement_url": absolute_url(statement.get_absolute_url()),
    }
    return render(request, "statements/statement_card_embed.html", context)


# ---------------------------------------------------------------------------------------------
# oEmbed
# ---------------------------------------------------------------------------------------------


def _error(status, detail):
    return JsonResponse({"detail": detail}, status=status)


def _size(value):
    """A positive whole number of pixels, None when not given, or False when not valid."""
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        return False
    return int(value)


def statement_at(url):
    """The public statement a URL of this site points to, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    ours = urlsplit(site_url())
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != ours.netloc.lower():
        return None
    path = unquote(parts.path)
    if "\x00" in path:  # "%00" in the address given: no slug has one (PostgreSQL refuses it)
        return None
    language = path.strip("/").split("/", 1)[0]
    if language not in LANGUAGES:
        return None
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    if match.view_name != "statements:detail":
        return None
    return public_statement(language, match.kwargs["slug"])


def card_size(maxwidth, maxheight):
    """(width, height) within the consumer's limits, or None when the card cannot fit."""
    width = CARD_WIDTH if maxwidth is None else min(CARD_WIDTH, maxwidth)
    height = CARD_HEIGHT if width >= NARROW_WIDTH else NARROW_HEIGHT
    if maxheight is not None:
        height = min(height, maxheight)
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return None
    return width, height


@require_safe
def oembed(request):
    """GET /oembed?url=<a statement's address>[&maxwidth=][&maxheight=][&format=json]."""
    get = request.GET
    form = get.get("format", "json")
    if form == "xml":
        return _error(501, "format=xml is not supported; ask for format=json")
    if form != "json":
        return _error(400, "format must be json")
    url = get.get("url", "").strip()
    if not url:
        return _error(400, "url is required: the address of a statement on this site")
    maxwidth, maxheight = _size(get.get("maxwidth")), _size(get.get("maxheight"))
    bad = [
        name for name, value in (("maxwidth", maxwidth), ("maxheight", maxheight)) if value is False
    ]
    if bad:
        return _error(400, f"{', '.join(bad)} must be a positive whole number of pixels")
    statement = statement_at(url)
    if statement is None:
        return _error(404, "no public statement at this url")
    size = card_size(maxwidth, maxheight)
    if size is None:
        return _error(404, "the card does not fit in maxwidth and maxheight")
    width, height = size
    with translation.override(statement.language):
        site = SiteSettings.load()
        card = absolute_url(reverse("statements-embed:card", kwargs={"slug": statement.slug}))
        # Sandboxed: no script runs in the card (it has none) and its links may open a new
        # tab; its own origin is kept (allow-same-origin) so its stylesheet still loads.
        html = format_html(
            '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
            'sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" '
            'style="border:0"></iframe>',
            card,
            width,
            height,
            statement.title,
        )
        data = {
            "version": "1.0",
            "type": "rich",
            "title": statement.title,
            "provider_name": site.name if site else "",
            "provider_url": absolute_url("/"),
            "width": width,
            "height": height,
            "html": str(html),
        }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def discovery_url(statement_url):
    """The oEmbed address for a statement page's discovery link."""
    return absolute_url(reverse("oembed:endpoint")) + "?" + urlencode({"url": statement_url})
