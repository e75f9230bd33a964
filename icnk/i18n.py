"""Fields kept once per site language, read in the reader's language.

A model stores `mission_en`, `mission_ko` and `mission_ja`; a class attribute
`mission = Localized("mission")` then gives the value in the active language, falling back to
English where a translation is still empty, so a page never shows a blank.
"""

import unicodedata

from django.conf import settings
from django.utils.translation import get_language

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# OpenGraph names languages with a territory (og:locale).
OG_LOCALES = {"en": "en_GB", "ko": "ko_KR", "ja": "ja_JP"}


def current_language():
    """The active language as one of ours ("en", "ko" or "ja")."""
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


class Localized:
    """Descriptor returning `<base>_<language>` for the active language, or the English one."""

    def __init__(self, base):
        self.base = base

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = getattr(instance, f"{self.base}_{current_language()}", "")
        return value or getattr(instance, f"{self.base}_{settings.LANGUAGE_CODE}")

    def field_names(self):
        return [f"{self.base}_{code}" for code in LANGUAGE_CODES]


def reading_order_key(text, language=None):
    """A sort key putting names in the order a reader of the language expects.

    English: letters as in an English index, accents ignored ("Åland Islands" after
    "Afghanistan"), as django-countries sorts. Korean: the Unicode order of Hangul syllables is
    the dictionary order (가나다). Japanese: the dictionary order goes by reading, which a
    dictionary of readings would be needed for; the Unicode order of the written name is used
    instead. It puts katakana names in gojūon order (アイウエオ), then names in kanji by code point.
    """
    text = str(text)
    if (language or current_language()) == "en":
        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return text


def printed_order_key(text, language=None):
    """The reader's order (`reading_order_key`), then the text itself: a whole order on what
    is printed. The reader's key alone leaves ties (in English it drops Hangul and kanji),
    which a stable sort would leave in whatever order the rows came in."""
    text = str(text)
    return reading_order_key(text, language), text
