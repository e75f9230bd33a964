"""Fields kept once per site language, read in the reader's language.

A model stores `mission_en`, `mission_ko` and `mission_ja`; a class attribute
`mission = Localized("mission")` then gives the value in the active language, falling back to
English where a translation is still empty, so a page never shows a blank.
"""

from django.conf import settings
from django.utils.translation import get_language

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


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
