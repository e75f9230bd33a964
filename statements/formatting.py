"""Dates written the way each language writes them: "25 January 2013", "2013년 1월 25일", and
a statement's dateline as each language's press releases write it: "TOKYO, 25 January 2013 –",
"(도쿄=2013년 1월 25일)", "【東京】2013年1月25日". Used by pages, feeds and JSON-LD alike."""

import datetime

from django.utils import dateformat, timezone, translation

from icnk.i18n import current_language

LONG_DATE = {"en": "j F Y", "ko": "Y년 n월 j일", "ja": "Y年n月j日"}
# How a dateline joins the place and the date in each language: Korean press releases put both
# in parentheses joined by "=" (as Yonhap does), Japanese ones put the place in 【】 brackets.
DATELINE = {"en": "{place}, {date} –", "ko": "({place}={date})", "ja": "【{place}】{date}"}
# The same without a place.
DATELINE_WITHOUT_PLACE = {"en": "{date} –", "ko": "({date})", "ja": "{date}"}


def long_date(value, language=None):
    if not value:
        return ""
    language = language or current_language()
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    with translation.override(language):
        return dateformat.format(value, LONG_DATE.get(language, LONG_DATE["en"]))


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
