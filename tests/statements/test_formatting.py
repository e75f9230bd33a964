"""Dates and summaries on statement cards: written faster than Django's filters, and exactly as
they write them."""

import datetime
import zoneinfo

import pytest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatechars
from django.utils import dateformat, timezone, translation

from statements.formatting import LONG_DATE, MACHINE_DATETIME, long_date, machine_datetime
from statements.templatetags.statements_tags import shortened

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


@pytest.mark.parametrize("language", ["en", "ko", "ja"])
def test_a_long_date_reads_as_django_writes_it_in_each_language(language):
    day = datetime.date(1, 1, 1)
    while day.year < 2100:
        with translation.override(language):
            expected = dateformat.format(day, LONG_DATE[language])
        assert long_date(day, language) == expected
        day += datetime.timedelta(days=37)
    assert long_date(datetime.date(2013, 1, 25), "en") == "25 January 2013"
    assert long_date(datetime.date(2013, 1, 25), "ko") == "2013년 1월 25일"
    assert long_date(datetime.date(2013, 1, 25), "ja") == "2013年1月25日"


def test_a_long_date_is_the_day_in_the_sites_time_zone():
    # 20:00 UTC on the 24th is already the 25th in Tokyo.
    moment = datetime.datetime(2013, 1, 24, 20, tzinfo=datetime.UTC)
    with timezone.override(TOKYO):
        assert long_date(moment, "en") == "25 January 2013"


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2013, 1, 25, 11, 0, 5, 123456, tzinfo=TOKYO),
        datetime.datetime(2024, 7, 1, 9, 30, tzinfo=LONDON),  # summer time
        datetime.datetime(2024, 10, 27, 1, 30, tzinfo=LONDON),  # clocks go back: ambiguous
        datetime.datetime(2024, 3, 31, 1, 30, tzinfo=LONDON),  # clocks go forward: no such time
        datetime.datetime(2024, 1, 2, 23, 59, 59, tzinfo=NEW_YORK),  # behind UTC
        datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=KOLKATA),  # half an hour
        datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        datetime.datetime(2024, 1, 2, 3, 4, 5),  # naive
    ],
)
def test_a_machine_date_is_what_djangos_date_filter_writes(value):
    assert machine_datetime(value) == date_filter(value, MACHINE_DATETIME)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Short summary.",
        "x" * 280,
        "x" * 281,
        "y" * 1000,
        "국제연대가 조사위원회를 환영합니다. " * 20,
        "調査委員会を歓迎します。" * 30,
        # Hangul written as separate letters (NFD): Django joins them into syllables (NFC).
        "\u1100\u1161" * 10,
        "\u1100\u1161" * 200,
        # Combining accents do not count towards the length.
        "e\u0301" * 280,
        "e\u0301" * 281,
    ],
)
@pytest.mark.parametrize("length", [280, "280", 0, -1, "nonsense"])
def test_a_shortened_summary_is_what_truncatechars_writes(text, length):
    assert shortened(text, length) == truncatechars(text, length)
