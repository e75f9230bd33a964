"""Dates written the way each language writes them: "25 January 2013", "2013년 1월 25일", and
a statement's dateline, "TOKYO, 25 January 2013 –". Used by pages, feeds and JSON-LD alike."""

import datetime

from django.utils import dateformat, timezone, translation

from icnk.i18n import current_language

LONG_DATE = {"en": "j F Y", "ko": "Y년 n월 j일", "ja": "Y年n月j日"}
# How a dateline joins the place and the date in each language.
DATELINE = {"en": "{place}, {date} –", "ko": "{place}, {date} –", "ja": "{place}、{date} –"}


def long_date(value, language=None):
    if not value:
        return ""
    language = language or current_language()
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    with translation.override(language):
        return dateformat.format(value, LONG_DATE.get(language, LONG_DATE["en"]))


def dateline(statement):
    """ "TOKYO, 25 January 2013 –" in the statement's own language."""
    date = long_date(statement.published_at, statement.language)
    place = statement.dateline.strip()
    if not place:
        return f"{date} –"
    if statement.language == "en":
        place = place.upper()
    pattern = DATELINE.get(statement.language, DATELINE["en"])
    return pattern.format(place=place, date=date)
