"""Template filters every app's pages use."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django_countries.fields import Country

from icnk.labels import country_name as _country_name
from icnk.site_url import absolute_url

register = template.Library()


@register.filter
def absolute(url):
    """A media or static URL made absolute on the configured site (an object store's URL
    already is): for share tags, which previewers fetch from elsewhere."""
    url = str(url)
    return absolute_url(url) if url.startswith("/") else url


@register.filter
def country_name(country):
    """`{{ x.country|country_name }}`: the name in the reader's language, as `.name` gives it,
    worked out once per process and language (icnk/labels.py)."""
    return _country_name(country)


def flag_url(country):
    """A country's flag GIF under its hashed static name, so browsers may keep it for ever
    (django-countries' `Country.flag` gives the plain name). `country` is a Country or a code.
    Pages print the whole `<img>` with the `flag` filter below."""
    code = getattr(country, "code", country) or ""
    if not code:
        return ""
    return _flag_url(code) or plain_flag_url(country)


def plain_flag_url(country):
    """`Country.flag` (the flag's plain static name) of a Country or a code, worked out once
    per country and process: django-countries formats it anew each time, about 30 µs."""
    code = getattr(country, "code", country) or ""
    return _plain_flag_url(code) if code else ""


@register.filter
def flag(country):
    """`{{ x.country|flag }}`: the country's flag, an `<img>` of 16 × 11 CSS pixels (decorative:
    the country's name is beside it). django-countries' GIF is that size, blurred on a phone's
    screen; where a screen has more pixels, the browser takes the PNG three times that size
    (static/img/flags/). `country` is a Country or a code; "" for none."""
    code = getattr(country, "code", country) or ""
    return _flag_img(code, plain=False) if code else ""


def plain_flag(country):
    """`flag()` with the images under their plain static names (the directory embed's)."""
    code = getattr(country, "code", country) or ""
    return _flag_img(code, plain=True) if code else ""


@lru_cache(maxsize=512)
def _plain_flag_url(code):
    return Country(code).flag


@lru_cache(maxsize=512)
def _flag_url(code):
    """Once per country and process: static() reads the manifest and quotes the name, which a
    directory page of 100 members paid 200 times."""
    try:
        return static(f"flags/{code.lower()}.gif")
    except ValueError:  # not in the manifest: a code django-countries has no flag for
        return ""


@lru_cache(maxsize=1024)
def _flag_img(code, plain):
    src = _plain_flag_url(code) if plain else flag_url(code)
    name = f"img/flags/{code.lower()}.png"
    srcset = ""
    if finders.find(name):
        try:
            # The hashed name: also proof that collectstatic has the file, for the plain one.
            sharp = static(name)
        except ValueError:  # not collected since it was added: the GIF alone
            sharp = ""
        if sharp and plain:
            sharp = f"{settings.STATIC_URL}{name}"
        srcset = f' srcset="{escape(sharp)} 3x"' if sharp else ""
    return mark_safe(
        f'<img class="flag" src="{escape(src)}"{srcset} alt="" width="16" height="11">'
    )  # both addresses escaped


@receiver(setting_changed)
def _forget_flag_urls(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STORAGES", "STATIC_ROOT", "COUNTRIES_FLAG_URL"}:
        _flag_url.cache_clear()
        _plain_flag_url.cache_clear()
        _flag_img.cache_clear()


# Parts of pages kept per process: (generation, language, the values named) -> HTML.
_kept = {}
KEPT_MAX = 512


@register.tag("kept")
def kept(parser, token):
    """`{% kept "name" value ... %}…{% endkept %}`: the part rendered once per process, page-cache
    generation, language and the values named, then reused.

    For what every page repeats (the header's navigation, the footer) and only shows what a
    save of site settings or a campaign changes: those start a new generation. The generation is
    the one the page's context was built with (`page_generation`, from the `site` context
    processor); without it the part is rendered each time."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% kept %} needs a name")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, [parser.compile_filter(bit) for bit in bits])


class KeptNode(template.Node):
    def __init__(self, nodelist, vary_on):
        self.nodelist = nodelist
        self.vary_on = vary_on

    def render(self, context):
        generation = context.get("page_generation")
        if generation is None:
            return self.nodelist.render(context)
        key = (generation, get_language(), *(str(v.resolve(context)) for v in self.vary_on))
        html = _kept.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_kept) >= KEPT_MAX:
                _kept.clear()
            _kept[key] = html
        return html


@receiver(setting_changed)
def _forget_kept(*, setting, **kwargs):
    """A kept part holds addresses and texts the settings decide (in tests that change them)."""
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "STATIC_URL", "STORAGES"}:
        _kept.clear()


# This page in each language, as every page's head and its two language switchers write it, from
# `language_alternates` (the `site` context processor's, or a page's own: a statement points at
# its real language versions). Simple tags rather than template loops: every page writes five
# loops and two includes over the three languages, about 0.4 ms a page.


@lru_cache(maxsize=16)
def _name_local(code):
    return get_language_info(code)["name_local"]


@register.simple_tag(takes_context=True)
def hreflang_links(context):
    """`<link rel="alternate" hreflang>` for each language, and English as the x-default."""
    alternates = context.get("language_alternates", ())
    links = [
        f'<link rel="alternate" hreflang="{escape(alt["code"])}"'
        f' href="{escape(alt["absolute_url"])}">'
        for alt in alternates
    ]
    links += [
        f'<link rel="alternate" hreflang="x-default" href="{escape(alt["absolute_url"])}">'
        for alt in alternates
        if alt["code"] == "en"
    ]
    return mark_safe("\n  ".join(links))  # every value above is escaped


@register.simple_tag(takes_context=True)
def og_url(context):
    """The page's `og:url`: its address in the reader's language."""
    current = context.get("LANGUAGE_CODE")
    return mark_safe(  # every value is escaped
        "".join(
            f'<meta property="og:url" content="{escape(alt["absolute_url"])}">'
            for alt in context.get("language_alternates", ())
            if alt["code"] == current
        )
    )


@register.simple_tag(takes_context=True)
def og_locales(context):
    """`og:locale`, then an `og:locale:alternate` for each other language."""
    current = context.get("LANGUAGE_CODE")
    alternates = context.get("language_alternates", ())
    tags = [
        f'<meta property="og:locale" content="{escape(alt["og_locale"])}">'
        for alt in alternates
        if alt["code"] == current
    ]
    tags += [
        f'<meta property="og:locale:alternate" content="{escape(alt["og_locale"])}">'
        for alt in alternates
        if alt["code"] != current
    ]
    return mark_safe("\n  ".join(tags))  # every value above is escaped


@register.simple_tag(takes_context=True)
def language_switcher(context, label, caption="", modifier=""):
    """The `<nav>` of links to this page in each language. `label` names it for screen readers;
    `caption`, when given, is shown before the links; `modifier` is a class added to the nav's."""
    current = context.get("LANGUAGE_CODE")
    classes = f"language-switcher {escape(modifier)}" if modifier else "language-switcher"
    html = [f'<nav class="{classes}" aria-label="{escape(label)}">']
    if caption:
        html.append(f'  <p class="language-switcher__label">{escape(caption)}</p>')
    html.append("  <ul>")
    for alt in context.get("language_alternates", ()):
        code = escape(alt["code"])
        here = ' aria-current="true"' if alt["code"] == current else ""
        html.append(
            f'    <li><a href="{escape(alt["url"])}" hreflang="{code}" lang="{code}"{here}>'
            f"{escape(_name_local(alt['code']))}</a></li>"
        )
    html += ["  </ul>", "</nav>"]
    return mark_safe("\n".join(html))  # every value above is escaped
