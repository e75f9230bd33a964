"""The members list for partner sites' <iframe>s: framable there and nowhere else, the
directory's filters and visibility rules, links that leave the frame."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from members import services
from members.models import Visibility as V
from tests.factories import make_supporter

pytestmark = pytest.mark.django_db

EMBED = "/en/embed/members/"


def frame_ancestors(response):
    policy = response["Content-Security-Policy"]
    return next(d for d in policy.split(";") if "frame-ancestors" in d).strip()


def test_only_the_embed_may_be_framed_by_another_site(client, site_settings, organization):
    embed = client.get(EMBED)
    assert embed.status_code == 200
    assert frame_ancestors(embed) == "frame-ancestors *"
    assert "X-Frame-Options" not in embed
    # The rest of the policy is the site's own.
    assert "script-src 'self'" in embed["Content-Security-Policy"]
    for path in ("/en/members/", "/en/", f"/en/members/{organization.slug}/", "/en/join/"):
        page = client.get(path)
        assert frame_ancestors(page) == "frame-ancestors 'none'", path
        assert page["X-Frame-Options"] == "DENY", path


@override_settings(EMBED_FRAME_ANCESTORS=["https://partner.example"])
def test_a_coalition_can_list_the_sites_that_may_embed(client, site_settings):
    assert frame_ancestors(client.get(EMBED)) == "frame-ancestors https://partner.example"


def test_the_embed_lists_members_with_links_that_open_the_full_site_in_a_new_tab(
    client, site_settings, organization
):
    page = client.get(EMBED).text
    assert "Open North Korea" in page
    url = f"http://testserver/en/members/{organization.slug}/"
    assert f'href="{url}" target="_blank" rel="noopener"' in page
    assert 'target="_blank" rel="noopener">See the full directory' in page
    assert '<meta name="robots" content="noindex, follow">' in page


def test_the_directory_filters_apply(client, site_settings, organization, japanese_organization):
    page = client.get(EMBED, {"country": "JP"}).text
    assert "Life Funds for North Korean Refugees" in page
    assert "Open North Korea" not in page
    assert 'href="http://testserver/en/members/?country=JP"' in page
    assert client.get(EMBED, {"page": "x"}).status_code == 400


@pytest.mark.parametrize(
    ("language", "heading"), [("ko", "전체 회원 명단 보기"), ("ja", "のメンバー")]
)
def test_in_korean_and_japanese(client, site_settings, organization, language, heading):
    page = client.get(f"/{language}/embed/members/").text
    assert f'<html lang="{language}">' in page
    assert heading in page


def test_people_are_shown_only_as_their_level_allows_and_a_take_down_removes_them(
    client, site_settings
):
    named = make_supporter("Kim Young-hwan", V.FULL_NAME, country="KR")
    make_supporter("Lee Initials", V.INITIALS, name_initials="L. I.")
    make_supporter("Park Counted", V.COUNTED)
    make_supporter("Choi Hidden", V.HIDDEN)
    page = client.get(EMBED, {"kind": "individual"}).text
    assert "Kim Young-hwan" in page
    assert "L. I." in page and "Lee Initials" not in page
    assert "Park Counted" not in page and "Choi Hidden" not in page

    chief = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-x-1234")
    services.take_down(supporter=named, user=chief)
    # The cached page is gone with the take-down too.
    assert "Kim Young-hwan" not in client.get(EMBED, {"kind": "individual"}).text
    assert "Kim Young-hwan" not in client.get(EMBED).text
