"""Labels a page prints many times (a choice's label, a country's name), worked out once.

Django's `get_FOO_display()` builds a dictionary of every choice on each call and translates the
label again; django-countries translates a country's name on every access. On the members
directory (100 organizations and 100 supporters a page) the two cost about 45 µs a row, more
than the rest of the row's markup. Here each label is found once per process and language: the
translation catalogues are read when a process starts and do not change while it runs (a test
that changes the settings they come from clears these, as Django clears its own catalogues).
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language, override
from django_countries import countries


@lru_cache(maxsize=256)
def _choice_labels(choices, language):
    with override(language):
        return {value: str(label) for value, label in choices.choices}


def choice_label(choices, value):
    """The label of `value` among `choices` (a TextChoices class) in the active language;
    `value` itself when it is not one of them, as `get_FOO_display()` does."""
    return _choice_labels(choices, get_language()).get(value, value)


def choice_display(field_name, choices):
    """A faster `get_<field_name>_display()` for a model: Django keeps a method the model
    defines itself."""

    def display(self):
        return choice_label(choices, getattr(self, field_name))

    display.__name__ = f"get_{field_name}_display"
    return display


@lru_cache(maxsize=4096)
def _country_name(code, language):
    with override(language):
        return str(countries.name(code))


def country_name(country):
    """A country's name in the active language ('' for none), from a Country or a code."""
    code = getattr(country, "code", country) or ""
    return _country_name(code, get_language()) if code else ""


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"} or (
        setting.startswith("COUNTRIES_")
    ):
        _choice_labels.cache_clear()
        _country_name.cache_clear()
