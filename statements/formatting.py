"""Dates written the way each language writes them: "25 January 2013", "2013년 1월 25일", and
a statement's dateline as each language's press releases write it: "TOKYO, 25 January 2013 –",
"(도쿄=2013년 1월 25일)", "【東京】2013年1月25日". Used by pages, feeds and JSON-LD alike."""

import datetime
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import date as date_filter
from django.utils import dateformat, timezone, translation
from django.utils.dates import MONTHS
from django.utils.formats import get_format
from django.utils.timezone import is_naive

from icnk.i18n import current_language

LONG_DATE = {"en": "j F Y", "ko": "Y년 n월 j일", "ja": "Y年n月j日"}
# How a dateline joins the place and the date in each language: Korean press releases put both
# in parentheses joined by "=" (as Yonhap does), Japanese ones put the place in 【】 brackets.
DATELINE = {"en": "{place}, {date} –", "ko": "({place}={date})", "ja": "【{place}】{date}"}
# The same without a place.
DATELINE_WITHOUT_PLACE = {"en": "{date} –", "ko": "({date})", "ja": "{date}"}
# A <time>'s datetime attribute.
MACHINE_DATETIME = "Y-m-d\\TH:i:sO"


def long_date(value, language=None):
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return long_date_writer(language)(value)


def long_date_writer(language=None):
    """`long_date` for the many dates of a list in one language (default: the active one): a
    function of a date, or of a datetime already in the zone to show."""
    language = language or current_language()
    pattern = LONG_DATE.get(language, LONG_DATE["en"])
    if writer := _date_writer(pattern, language):
        return writer

    def write(value):
        if isinstance(value, datetime.datetime):
            value = value.date()
        with translation.override(language):
            return dateformat.format(value, pattern)

    return write


def date_writer():
    """A function writing what `{{ value|date:"DATE_FORMAT" }}` writes ("30 November 2026",
    "2026년 11월 30일") for a datetime already in the zone to show, in the active language:
    through `long_date`'s template when the language's DATE_FORMAT has only a year, a month
    and a day, else through Django's DateFormat (12 µs a date). Made once for a list."""
    language = translation.get_language()
    writer = _date_writer(get_format("DATE_FORMAT"), language) if language else None
    return writer or (lambda value: date_filter(value, "DATE_FORMAT"))


def _date_writer(pattern, language):
    """A function writing a date in `pattern` as Django would in `language`, or None when the
    pattern has more than a year, a month and a day."""
    template = _long_date_template(pattern)
    if template is None:
        return None
    months = _month_names(language)
    return lambda value: template.format(
        Y=f"{value.year:04d}", n=value.month, j=value.day, F=months[value.month]
    )


# Django's date format characters (django.utils.dateformat.re_formatchars).
_FORMAT_CHARACTERS = set("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ")


@lru_cache(maxsize=16)
def _long_date_template(pattern):
    """A date pattern of year, month and day ("j F Y") as a str.format template written as
    Django writes them ('%04d' year, month and day unpadded, the month's name), or None when
    the pattern uses anything else. Django's DateFormat costs about 12 µs a date, the template
    1 µs: a list of twenty statement cards writes twenty dates."""
    if "\\" in pattern:
        return None
    template = []
    for char in pattern:
        if char in "YnjF":
            template.append(f"{{{char}}}")
        elif char in _FORMAT_CHARACTERS:
            return None
        else:
            template.append(char.replace("{", "{{").replace("}", "}}"))
    return "".join(template)


@lru_cache(maxsize=16)
def _month_names(language):
    with translation.override(language):
        return [""] + [str(MONTHS[month]) for month in range(1, 13)]


@receiver(setting_changed)
def _forget_month_names(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _month_names.cache_clear()


def machine_datetime(value):
    """What `value|date:"Y-m-d\\TH:i:sO"` writes ("2013-01-25T11:00:00+0900", a <time>'s
    datetime), without DateFormat's 15 µs. `value` is already in the zone to show."""
    if not isinstance(value, datetime.datetime) or is_naive(value):
        return date_filter(value, MACHINE_DATETIME)
    offset = value.utcoffset()
    if value.replace(fold=not value.fold).utcoffset() != offset:
        # A time that a change of clocks makes ambiguous: Django writes it without an offset.
        return date_filter(value, MACHINE_DATETIME)
    seconds = offset.days * 86400 + offset.seconds
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
        f"{sign}{seconds // 3600:02d}{(seconds // 60) % 60:02d}"
    )


def dateline(statement):
    """ "TOKYO, 25 January 2013 –" in the statement's own language, with the place written in
    that language version's own dateline field."""
    date = long_date(statement.published_at, statement.language)
    place = statement.dateline.strip()
    if not place:
        pattern = DATELINE_WITHOUT_PLACE.get(statement.language, DATELINE_WITHOUT_PLACE["en"])
        return pattern.format(date=date)
    if statement.language == "en":
        place = place.upper()
    pattern = DATELINE.get(statement.language, DATELINE["en"])
    return pattern.format(place=place, date=date)
