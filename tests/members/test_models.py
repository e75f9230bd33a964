import pytest

from members.models import (
    Listing,
    MemberStatus,
    Organization,
    Supporter,
    Visibility,
    initials,
)
from members.regions import Region

pytestmark = pytest.mark.django_db


def test_saving_an_organization_sets_its_region_and_a_slug():
    organization = Organization.objects.create(name="People In Need", country="CZ")
    assert organization.region == Region.EUROPE
    assert organization.slug == "people-in-need"
    international = Organization.objects.create(name="People In Need")
    assert international.region == Region.INTERNATIONAL
    assert international.slug == "people-in-need-2"


def test_an_organization_called_area_gets_a_page_readers_can_reach(client, site_settings):
    """/members/area/ is the members' area: AREA (an acronym) is given area-2, and its page,
    not the area's sign-in, is what its link opens."""
    organization = Organization.objects.create(name="Asia Rights Action", acronym="AREA")
    assert organization.slug == "area-2"
    page = client.get(organization.get_absolute_url())
    assert page.status_code == 200 and "Asia Rights Action" in page.text
    assert Organization.objects.create(name="Contact").slug == "contact-2"
    assert client.get("/en/members/area/").status_code == 200  # still the area's sign-in


def test_every_other_address_under_members_is_reserved_from_slugs():
    """A page added under /members/ later is kept from organizations' slugs too."""
    from members import urls

    firsts = {
        str(pattern.pattern).split("/")[0]
        for pattern in urls.urlpatterns
        if not str(pattern.pattern).startswith("<")
    }
    firsts.discard("")
    assert firsts and firsts <= Organization.RESERVED_SLUGS


def test_an_organization_that_left_gets_a_date():
    organization = Organization.objects.create(name="Gone", status=MemberStatus.LEFT)
    assert organization.left_on is not None


def test_listed_excludes_counted_unlisted_suspended_and_departed(organization):
    Organization.objects.create(name="Counted", listing=Listing.COUNTED)
    Organization.objects.create(name="Unlisted", listing=Listing.UNLISTED)
    Organization.objects.create(name="Suspended", status=MemberStatus.SUSPENDED)
    Organization.objects.create(name="Left", status=MemberStatus.LEFT)
    assert list(Organization.objects.listed()) == [organization]
    assert Organization.objects.counted().count() == 2


def test_totals_count_countries_once_and_not_international(organization, japanese_organization):
    Organization.objects.create(name="Another Korean group", country="KR")
    Organization.objects.create(name="Worldwide")
    assert Organization.objects.totals() == {"organizations": 4, "countries": 2}


@pytest.mark.parametrize(
    ("visibility", "name", "affiliation"),
    [
        (Visibility.FULL_NAME, "Kim Min-jun", "Professor"),
        (Visibility.DISPLAY_NAME, "Min", "Professor"),
        (Visibility.INITIALS, "K. M.", ""),
        (Visibility.COUNTED, "", ""),
        (Visibility.HIDDEN, "", ""),
    ],
)
def test_a_supporter_is_named_only_as_their_visibility_allows(visibility, name, affiliation):
    supporter = Supporter.objects.create(
        full_name="Kim Min-jun", display_name="Min", affiliation="Professor", visibility=visibility
    )
    assert supporter.public_name == name
    assert supporter.public_affiliation == affiliation


def test_a_departed_supporter_is_never_named():
    supporter = Supporter.objects.create(
        full_name="Kim", visibility=Visibility.FULL_NAME, status=MemberStatus.LEFT
    )
    assert supporter.public_name == ""


def test_new_supporters_are_hidden_until_they_consent():
    assert Supporter.objects.create(full_name="Anyone").visibility == Visibility.HIDDEN


def test_public_search_never_matches_a_name_the_person_keeps_private():
    Supporter.objects.create(full_name="Secret Person", visibility=Visibility.INITIALS)
    Supporter.objects.create(
        full_name="Real Name", display_name="Pen Name", visibility=Visibility.DISPLAY_NAME
    )
    assert not Supporter.objects.public().public_search("Secret").exists()
    assert not Supporter.objects.public().public_search("Real").exists()
    assert Supporter.objects.public().public_search("Pen").count() == 1


def test_initials_of_a_latin_and_a_korean_name():
    assert initials("Suzanne Scholte") == "S. S."
    assert initials("김민준") == "김."


def test_local_name_language_follows_its_script(organization, japanese_organization):
    assert organization.local_name_language == "ko"
    assert japanese_organization.local_name_language == "ja"
