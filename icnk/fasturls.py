"""Addresses of many objects of one kind, built from a pattern reversed once.

`reverse()` walks the URL resolver and, for a statement, switches the active language: about
25 µs a call, which a list of 100 organizations or a sitemap part of 1,000 statements pays per
row. `slug_url("members:organization-detail", "ko")("open-north-korea")` reverses the pattern
once per language (and script prefix and URLconf), then fills in each slug, quoted exactly as
`reverse()` quotes it, so the address is the same string.
"""

from functools import lru_cache
from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS

_PLACEHOLDER = "slug-placeholder-7f3a"
_SAFE = RFC3986_SUBDELIMS + "/~:@"


@lru_cache(maxsize=256)
def _pattern(viewname, language, prefix, urlconf):
    with translation.override(language):
        url = reverse(viewname, urlconf=urlconf, kwargs={"slug": _PLACEHOLDER})
    before, after = url.split(_PLACEHOLDER)
    return before, after


def slug_url(viewname, language=None):
    """A function from a slug to the path of `viewname` in `language` (default: the active
    one), equal to `reverse(viewname, kwargs={"slug": slug})` in that language."""
    before, after = _pattern(
        viewname, language or translation.get_language(), get_script_prefix(), get_urlconf()
    )
    return lambda slug: f"{before}{quote(slug, safe=_SAFE)}{after}"


@receiver(setting_changed)
def _forget_patterns(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "FORCE_SCRIPT_NAME"}:
        _pattern.cache_clear()
