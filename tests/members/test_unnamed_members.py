"""Members counted without a name, or hidden, cannot be located or detected from public pages."""

import re

import pytest
from django.urls import reverse

from icnk import cache as page_cache
from members import services
from members.models import JoinRequest, Listing, MemberStatus, Organization
from members.models import Visibility as V
from members.queries import DirectoryCounts
from tests.factories import make_supporter

pytestmark = pytest.mark.django_db


def public_numbers(client):
    """Every number a reader sees about where members are."""
    page_cache.invalidate()
    directory = client.get(reverse("members:directory"))
    home = client.get("/en/")
    api = client.get("/api/v1/members/").json()
    regions = re.search(r'<ul class="region-counts">.*?</ul>', home.text, re.S)
    return {
        "headline": directory.context["totals"]["headline"],
        "countries": directory.context["totals"]["countries"],
        "country_facets": [(f["code"], f["count"]) for f in directory.context["country_facets"]],
        "regions": DirectoryCounts().regions(),
        "home_regions": regions.group(0) if regions else "",
        "api_countries": api["totals"]["countries"],
    }


@pytest.mark.parametrize(
    "add_unnamed",
    [
        lambda: Organization.objects.create(
            name="Quiet Group", country="TH", listing=Listing.COUNTED
        ),
        lambda: make_supporter("Quiet Person", V.COUNTED, country="TH"),
    ],
    ids=["organization", "supporter"],
)
def test_a_counted_only_member_adds_to_the_total_and_to_nothing_that_locates_it(
    client, site_settings, organization, japanese_organization, supporter, add_unnamed
):
    before = public_numbers(client)
    add_unnamed()
    after = public_numbers(client)

    # It is counted...
    assert after["headline"] != before["headline"]
    # ...and nothing says where: no country, no region, no facet moved.
    for key in ("countries", "country_facets", "regions", "home_regions", "api_countries"):
        assert after[key] == before[key], key


def test_the_privacy_page_states_the_rule(client, site_settings):
    page = client.get(reverse("privacy")).text
    assert "counted only" in page
    assert "never to the count of a region or a country" in page


@pytest.mark.parametrize(
    "hidden",
    [
        {"listing": Listing.UNLISTED},
        {"listing": Listing.COUNTED},
        {"status": MemberStatus.SUSPENDED},
    ],
)
def test_a_hidden_organization_does_not_push_a_new_member_to_name_2(
    site_settings, administrator_user, hidden
):
    quiet = Organization.objects.create(name="Freedom Speakers", **hidden)
    join_request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.ORGANIZATION,
        status=JoinRequest.Status.PENDING,
        name="Freedom Speakers",
        email="office@freedom-speakers.example",
        organization_kind="national_ngo",
    )

    member = services.join_request_approve(join_request=join_request, reviewer=administrator_user)

    assert member.slug == "freedom-speakers"
    quiet.refresh_from_db()
    assert quiet.slug.startswith("freedom-speakers-") and quiet.slug != "freedom-speakers-2"
    # Created in the admin without a slug, a second public one numbers past public slugs only.
    assert Organization.objects.create(name="Freedom Speakers").slug == "freedom-speakers-2"


@pytest.fixture
def administrator_user(db):
    from icnk.roles import ADMINISTRATORS
    from tests.factories import make_staff

    return make_staff("chief", ADMINISTRATORS)
