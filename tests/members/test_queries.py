"""The directory's reads: the number of results always agrees with the rows listed."""

import pytest

from members.models import Listing, Organization
from members.models import Visibility as V
from members.queries import DirectoryCounts, DirectoryQuery
from tests.factories import make_supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(organization, japanese_organization, international_organization):
    Organization.objects.create(name="Quiet Group", slug="quiet", listing=Listing.COUNTED)
    make_supporter("Kim Young-hwan", V.FULL_NAME, country="KR")
    make_supporter("Lee Min-ho", V.DISPLAY_NAME, display_name="Nabi Writer", country="KR")
    make_supporter("Park Secret", V.INITIALS, country="KR")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("", 6),
        ("open north", 1),  # a name
        ("열린", 1),  # a local name
        ("HRW", 1),  # an acronym
        ("Kim", 1),  # a full name shown in full
        ("Nabi", 1),  # a display name
        ("Lee Min-ho", 0),  # the full name behind a display name stays unsearchable
        ("Park", 0),  # and behind initials
        ("Quiet", 0),  # a group counted only is never named
    ],
)
def test_the_count_of_results_is_the_number_of_rows_listed(directory, q, expected):
    query = DirectoryQuery(q=q)
    counts = DirectoryCounts(query)
    listed = len(query.organizations()) + len(query.supporters())
    assert counts.organization_results + counts.supporter_results == listed == expected
