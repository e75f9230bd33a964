"""Public lists of people are ordered by what they show, never by what they keep private."""

import re

import pytest
from django.urls import reverse

from icnk import cache as page_cache
from members.models import Supporter
from members.models import Visibility as V
from members.queries import DirectoryQuery

pytestmark = pytest.mark.django_db

# Two coalitions that look the same from outside. Each row: full name (private unless shown in
# full), visibility, display name, affiliation, country. B lists the same people in another
# order of creation, under other real names that keep the same initials.
DATASET_A = [
    ("Kim Min-ji", V.FULL_NAME, "", "Journalist", "KR"),
    ("Kim Min-seo", V.FULL_NAME, "", "", "KR"),
    ("Kim Min-jeong", V.DISPLAY_NAME, "Morning Star", "Survivor", "KR"),
    ("Lee Soo-jin", V.INITIALS, "", "Lawyer", "JP"),
    ("Kang Mi-rae", V.INITIALS, "", "", "KR"),
    ("Ko Min", V.INITIALS, "", "", "JP"),
    ("Aaron Abbott", V.DISPLAY_NAME, "", "Pastor", "US"),
]
DATASET_B = [
    ("Abe Ackroyd", V.DISPLAY_NAME, "", "Pastor", "US"),
    ("Kwon Mu", V.INITIALS, "", "", "JP"),
    ("Kim Min-ji", V.FULL_NAME, "", "Journalist", "KR"),
    ("Lim Sang", V.INITIALS, "", "Lawyer", "JP"),
    ("Aaron Zuckerman", V.DISPLAY_NAME, "Morning Star", "Survivor", "KR"),
    ("Kim Min-seo", V.FULL_NAME, "", "", "KR"),
    ("Kyung Moon", V.INITIALS, "", "", "KR"),
]


def create(dataset):
    Supporter.objects.all().delete()
    for full_name, visibility, display_name, affiliation, country in dataset:
        Supporter.objects.create(
            full_name=full_name,
            visibility=visibility,
            display_name=display_name,
            affiliation=affiliation,
            country=country,
        )
    page_cache.invalidate()


def public_rows():
    supporters = DirectoryQuery(kind="individual").supporters()
    return [(s.public_name, s.public_affiliation, str(s.country)) for s in supporters]


def directory_list(client):
    html = client.get(reverse("members:directory"), {"kind": "individual"}).text
    return re.search(r'<ul class="supporter-list">.*?</ul>', html, re.S).group(0)


def test_supporters_are_listed_by_the_name_they_show(client, site_settings):
    create(DATASET_A)
    assert [name for name, _affiliation, _country in public_rows()] == [
        "A. A.",
        "K. M.",  # Kang Mi-rae, KR: after the JP "K. M." by country
        "K. M.",
        "Kim Min-ji",
        "Kim Min-seo",
        "L. S.",
        "Morning Star",  # not between Kim Min-ji and Kim Min-seo, where her real name sorts
    ]
    assert public_rows()[1:3] == [("K. M.", "", "JP"), ("K. M.", "", "KR")]


def test_the_public_order_depends_on_public_names_only(client, site_settings):
    create(DATASET_A)
    rows_a, page_a = public_rows(), directory_list(client)
    create(DATASET_B)
    rows_b, page_b = public_rows(), directory_list(client)

    assert rows_a == rows_b
    assert page_a == page_b
    assert "Morning Star" in page_a and "Zuckerman" not in page_b
