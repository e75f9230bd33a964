import importlib
import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from icnk import cache as page_cache
from icnk.models import OutboundEmail
from icnk.templatetags.site_tags import flag, plain_flag
from members.logos import card_name
from members.models import Listing, MemberStatus, Organization, OrganizationKind, Supporter
from members.models import Visibility as V
from tests.factories import bulk_organizations, make_supporter, png_bytes, run_mail_queue

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/members/"


@pytest.fixture
def coalition(site_settings, organization, japanese_organization, international_organization):
    make_supporter("Suzanne Scholte", V.FULL_NAME, affiliation="Defense Forum", country="US")
    make_supporter("Hidden Person", V.HIDDEN, country="KR")
    make_supporter("Counted Person", V.COUNTED, country="KR")
    Organization.objects.create(name="Quiet Group", listing=Listing.COUNTED, country="TH")
    Organization.objects.create(name="Old Friend", status=MemberStatus.LEFT, country="KR")


def test_url_names_follow_the_contract(organization):
    assert reverse("members:directory") == "/en/members/"
    assert organization.get_absolute_url() == "/en/members/open-north-korea/"


def test_directory_lists_organizations_and_named_supporters(client, coalition):
    response = client.get(DIRECTORY)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Open North Korea" in html
    assert 'lang="ko">열린북한' in html
    assert "Human Rights Watch (HRW)" in html
    assert "Suzanne Scholte" in html and "Defense Forum" in html
    assert "/static/flags/kr.gif" in html
    for never in ("Hidden Person", "Counted Person", "Quiet Group", "Old Friend"):
        assert never not in html


def test_headline_counts_counted_members_but_not_hidden_or_departed(client, coalition):
    response = client.get(DIRECTORY)
    # 3 listed + 1 counted-only organizations; the countries of the named ones only (KR, JP: the
    # counted-only group's TH would locate it); Suzanne + the counted person.
    assert "4 organizations from 2 countries and 2 individual supporters" in response.text


def test_counts_kept_between_readers_change_at_once_with_a_take_down(client, coalition, settings):
    # The unsearched counts are kept in the cache between readers (members/queries.py), under
    # the page cache's generation: a take-down or a change of level counts on the next page.
    settings.PAGE_CACHE_SECONDS = 0  # the page itself is rendered every time
    assert "2 individual supporters" in client.get(DIRECTORY).text
    assert "2 individual supporters" in client.get("/en/").text
    counted = Supporter.objects.get(full_name="Counted Person")
    counted.visibility = V.HIDDEN
    counted.save()
    assert "and 1 individual supporter" in client.get(DIRECTORY).text
    assert "1 individual supporter" in client.get("/en/").text
    # A bulk write sends no signal: the site's bulk writes start a new generation themselves.
    Supporter.objects.filter(full_name="Suzanne Scholte").update(visibility=V.HIDDEN)
    page_cache.invalidate()
    assert "4 organizations from 2 countries</p>" in client.get(DIRECTORY).text


def test_home_counts_by_region_are_each_languages_and_change_at_once(client, coalition, settings):
    # The home page's totals and regions are kept per language under the page cache's
    # generation (members_tags.member_counts_by_region).
    settings.PAGE_CACHE_SECONDS = 0

    def regions(language):
        home = client.get(f"/{language}/").text
        return re.search(r'<ul class="region-counts">.*?</ul>', home, re.S).group(0)

    assert "Americas" in regions("en") and "Asia" in regions("en")
    assert "아시아" in regions("ko") and "Asia" not in regions("ko")
    suzanne = Supporter.objects.get(full_name="Suzanne Scholte")
    suzanne.visibility = V.HIDDEN
    suzanne.save()
    assert "Americas" not in regions("en") and "Asia" in regions("en")
    assert "아메리카" not in regions("ko")


def test_headline_uses_singular_forms(client, site_settings, organization):
    assert "1 organization from 1 country" in client.get(DIRECTORY).text


def test_filter_by_country_shows_only_that_country(client, coalition):
    response = client.get(DIRECTORY, {"country": "jp"})
    assert "Life Funds for North Korean Refugees" in response.text
    assert "Open North Korea" not in response.text
    assert "Suzanne Scholte" not in response.text
    assert "1 result" in response.text


def test_filter_links_carry_counts(client, coalition):
    response = client.get(DIRECTORY)
    facets = {f["code"]: f["count"] for f in response.context["country_facets"]}
    assert facets == {"KR": 1, "JP": 1, "US": 1}
    kinds = {f["code"]: f["count"] for f in response.context["kind_facets"]}
    assert kinds == {"national_ngo": 2, "international_ngo": 1, "individual": 1}
    assert 'href="?country=JP"' in response.text


def test_filter_by_kind(client, coalition):
    response = client.get(DIRECTORY, {"kind": OrganizationKind.INTERNATIONAL_NGO})
    assert "Human Rights Watch" in response.text
    assert "Open North Korea" not in response.text
    assert "Suzanne Scholte" not in response.text
    individuals = client.get(DIRECTORY, {"kind": "individual"})
    assert "Suzanne Scholte" in individuals.text
    assert "Open North Korea" not in individuals.text


@pytest.mark.parametrize("query", ["열린", "open north", "HRW", "refugees"])
def test_search_matches_name_local_name_and_acronym(client, coalition, query):
    response = client.get(DIRECTORY, {"q": query})
    assert response.context["result_count"] == 1


def test_empty_search_is_friendly(client, coalition):
    response = client.get(DIRECTORY, {"q": "no such member"})
    assert response.status_code == 200
    assert "No members match your search" in response.text
    assert "Show all members" in response.text


def test_directory_groups_by_region_or_alphabetically(client, coalition):
    by_region = client.get(DIRECTORY).text
    assert by_region.index("Asia") < by_region.index("International</h3>")
    assert by_region.index("Open North Korea") < by_region.index("Human Rights Watch")
    alphabetical = client.get(DIRECTORY, {"order": "alpha"}).text
    assert alphabetical.index("Human Rights Watch") < alphabetical.index("Open North Korea")


def test_directory_shows_50_organizations_a_page(client, site_settings):
    bulk_organizations(120)
    first = client.get(DIRECTORY)
    assert first.text.count('<li class="member">') == 50
    assert "Page 1 of 3" in first.text
    assert 'rel="next" href="?page=2"' in first.text
    third = client.get(DIRECTORY, {"page": 3})
    assert third.text.count('<li class="member">') == 20
    assert "Page 3 of 3" in third.text and 'rel="next"' not in third.text
    refused = client.get(DIRECTORY, {"page": "x"})
    assert refused.status_code == 400
    assert "page" in refused.text


def test_directory_is_translated(client, coalition):
    response = client.get("/ko/members/")
    assert response.status_code == 200
    assert '<html lang="ko">' in response.text


def test_organization_page_shows_its_public_details(client, site_settings, organization):
    response = client.get(organization.get_absolute_url())
    html = response.text
    assert response.status_code == 200
    assert "<title>Open North Korea · Members" in html
    assert 'lang="ko">열린북한</p>' in html
    assert 'href="https://example.org/onk" rel="noopener nofollow"' in html
    assert "Works to open the country" in html
    assert "Founding member" in html
    assert "Statements it signed" in html


def test_organization_page_describes_it_in_the_readers_language(
    client, site_settings, organization
):
    assert "외부 정보를 전하는 단체." in client.get(f"/ko/members/{organization.slug}/").text


@pytest.mark.parametrize(
    "changes",
    [
        {"listing": Listing.COUNTED},
        {"listing": Listing.UNLISTED},
        {"status": MemberStatus.SUSPENDED},
        {"status": MemberStatus.LEFT, "left_on": "2020-01-01"},
    ],
)
def test_organization_page_is_404_unless_listed(client, site_settings, organization, changes):
    Organization.objects.filter(pk=organization.pk).update(**changes)
    assert client.get(organization.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/members/{organization.slug}/").status_code == 404


def test_home_page_shows_counts_by_region(client, coalition):
    response = client.get("/en/")
    html = response.text
    assert "4 organizations from 2 countries and 2 individual supporters" in html
    # Named members only: the counted-only group (TH) and person (KR) are in no region.
    regions = {r["code"]: r for r in response.context["member_regions"]}
    assert regions["asia"]["organizations"] == 2
    assert regions["asia"]["supporters"] == 0
    assert regions["americas"]["supporters"] == 1
    assert regions["international"]["organizations"] == 1


def test_api_lists_public_organizations_with_filters(client, coalition):
    body = client.get("/api/v1/members/", {"country": "KR"}).json()
    assert body["count"] == 1
    assert body["previous"] is None and body["next"] is None
    assert body["results"][0]["slug"] == "open-north-korea"
    assert body["results"][0]["local_name"] == "열린북한"
    assert body["totals"] == {"organizations": 4, "countries": 2, "supporters": 2}


def test_api_rows_name_each_ones_country_and_link_its_page(client, coalition, settings):
    # A list translates each country's name once and reverses the page's pattern once
    # (members/api.py): each row still shows its own country and address.
    settings.PAGE_CACHE_SECONDS = 0
    Organization.objects.create(
        name="Second Korean Group", slug="second-korean", country="KR", logo="logos/second.png"
    )
    make_supporter("Second Supporter", V.FULL_NAME, country="KR")
    rows = client.get("/api/v1/members/", {"order": "alpha"}).json()["results"]
    countries = {row["slug"]: row["country"] for row in rows}
    assert countries == {
        "human-rights-watch": None,
        "open-north-korea": {"code": "KR", "name": "South Korea"},
        "second-korean": {"code": "KR", "name": "South Korea"},
        "life-funds": {"code": "JP", "name": "Japan"},
    }
    logo = Organization.objects.get(slug="second-korean").logo.url
    assert {row["slug"]: row["logo"] for row in rows if row["logo"]} == {
        "second-korean": f"http://testserver{logo}"
    }
    for row in rows:
        assert row["url"] == f"http://testserver/en/members/{row['slug']}/"
        detail = client.get(f"/api/v1/members/{row['slug']}/").json()
        assert {name: detail[name] for name in row} == row
    people = client.get("/api/v1/members/", {"kind": "individual"}).json()["results"]
    assert [(p["name"], p["country"]) for p in people] == [
        ("Second Supporter", {"code": "KR", "name": "South Korea"}),
        ("Suzanne Scholte", {"code": "US", "name": "United States of America"}),
    ]


def test_api_lists_named_supporters_by_public_name(client, coalition):
    make_supporter("Real Name", V.INITIALS, affiliation="Secret post")
    body = client.get("/api/v1/members/", {"kind": "individual"}).json()
    assert [r["name"] for r in body["results"]] == ["R. N.", "Suzanne Scholte"]
    assert body["results"][0]["affiliation"] == ""


def test_api_paginates_with_next_and_previous(client, site_settings):
    bulk_organizations(150)
    first = client.get("/api/v1/members/", {"kind": ""}).json()
    assert first["count"] == 150
    # 100 a page, as documented, whatever the directory pages show.
    assert len(first["results"]) == 100 and first["pages"] == 2
    assert first["next"] == "http://testserver/api/v1/members/?page=2"
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 50
    assert second["previous"] == "http://testserver/api/v1/members/?page=1"
    assert client.get("/api/v1/members/", {"page": 9}).status_code == 404


def test_api_detail_and_schema(client, organization):
    body = client.get("/api/v1/members/open-north-korea/").json()
    assert body["name"] == "Open North Korea"
    assert body["statements"] == []
    assert client.get("/api/v1/members/openapi.json").json()["openapi"].startswith("3.")


def test_sitemap_lists_listed_organizations_in_every_language(client, coalition):
    xml = client.get("/sitemap-organizations.xml").text
    assert "/en/members/open-north-korea/" in xml
    assert 'hreflang="ja" href="http://testserver/ja/members/open-north-korea/"' in xml
    assert "quiet-group" not in xml and "old-friend" not in xml


def test_the_sitemap_tells_when_a_page_changed_not_when_a_private_field_did(
    client, coalition, settings
):
    """lastmod is public: an edit of an organization's notes or contact must not move it."""
    import datetime

    import time_machine

    settings.PAGE_CACHE_SECONDS = 0  # the sitemap as built, not as cached

    def lastmod():
        xml = client.get("/sitemap-organizations.xml").text
        entry = xml.split("/en/members/open-north-korea/", 1)[1]
        return re.search(r"<lastmod>([^<]+)</lastmod>", entry).group(1)

    organization = Organization.objects.get(slug="open-north-korea")
    before = lastmod()
    later = timezone.now() + datetime.timedelta(days=40)
    with time_machine.travel(later, tick=False):
        organization.private_notes = "Their director moved to Seoul."
        organization.contact_phone = "+82 2 000 0000"
        organization.save()
        organization.contact_name = "Someone else"
        organization.save(update_fields=["contact_name"])
        assert lastmod() == before
        organization.description_en = "A new description."
        organization.save()
        assert lastmod() == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("language", "in_order"),
    [
        ("en", ["JP", "KR", "US"]),  # Japan, South Korea, United States
        ("ko", ["US", "JP", "KR"]),  # 미국, 일본, 한국
        ("ja", ["US", "JP", "KR"]),  # アメリカ合衆国, 日本, 韓国
    ],
)
def test_country_filters_are_in_the_readers_alphabetical_order(
    client, coalition, language, in_order
):
    response = client.get(f"/{language}/members/")
    assert [f["code"] for f in response.context["country_facets"]] == in_order


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "A Seoul-based organization working to open North Korea"),
        ("ko", "서울에 본부를 둔 단체로"),
        ("ja", "ソウルを拠点とする団体で"),
    ],
)
def test_demo_organizations_are_described_in_the_readers_language(client, language, expected):
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    html = client.get(f"/{language}/members/open-north-korea/").content.decode()
    assert expected in html


@pytest.mark.parametrize("path", [DIRECTORY, "/en/embed/members/"])
def test_names_with_markup_show_as_text_in_the_directory_and_its_embed(client, site_settings, path):
    Organization.objects.create(name='Watch <b>"Now"</b>', slug="watch", local_name="A&B")
    make_supporter("Kim <i>O'Hara</i>", V.FULL_NAME, affiliation="R&D <lab>", country="KR")
    page = client.get(path).text
    assert "Watch &lt;b&gt;&quot;Now&quot;&lt;/b&gt;" in page and "<b>" not in page
    assert "A&amp;B" in page
    assert "Kim &lt;i&gt;O&#x27;Hara&lt;/i&gt;" in page and "<i>" not in page
    assert "R&amp;D &lt;lab&gt;" in page


FLAG = re.compile(
    r'<img class="flag" src="([^"]+)"(?: srcset="([^"]+)")? alt="" width="16" height="11">'
)


@pytest.mark.parametrize(
    "path",
    [DIRECTORY, "/en/members/?country=KR", "/en/embed/members/", "/en/members/open-north-korea/"],
)
def test_flags_have_an_image_sharp_enough_for_a_phone(client, coalition, path):
    # A flag is shown at 16 x 11 CSS pixels; a phone has three device pixels to the CSS pixel,
    # so the 16 x 11 GIF alone is drawn blurred. Every flag (cards, supporters, the country
    # filter, the embed, an organization's page) offers an image three times that size.
    html = client.get(path).text
    flags = FLAG.findall(html)
    assert flags and len(flags) == html.count('class="flag"')
    for src, srcset in flags:
        sharp, density = srcset.split(" ")
        assert density == "3x"
        # The same country's flag, and a file the site serves, of 48 x 33 pixels.
        assert sharp.rsplit("/", 1)[1] == src.rsplit("/", 1)[1].replace(".gif", ".png")
        with Image.open(finders.find(sharp.removeprefix(settings.STATIC_URL))) as image:
            assert image.size == (48, 33)


LOGO = re.compile(r'<img class="member__logo" src="([^"]+)" alt="" width="56" height="56"')


def shown_on_the_card(client, path=DIRECTORY):
    """The stored name of the image the card draws, its size and its weight in bytes."""
    storage = Organization._meta.get_field("logo").storage
    name = LOGO.search(client.get(path).text).group(1).removeprefix(settings.MEDIA_URL)
    with storage.open(name) as file, Image.open(file) as image:
        return name, image.size, storage.size(name)


def test_a_card_sends_the_logo_at_the_size_it_is_drawn_and_the_page_keeps_it_whole(
    client, site_settings, organization, django_capture_on_commit_callbacks
):
    # A logo is kept up to 600 px for the organization's page; a directory card draws it at
    # 56 CSS px, so a phone (three device pixels to one) needs 168, not the whole file.
    with django_capture_on_commit_callbacks(execute=True):
        organization.logo.save("logo.png", ContentFile(png_bytes((600, 400))))
    name, size, weight = shown_on_the_card(client)
    assert name == card_name(organization.logo.name) and size == (168, 112)
    assert weight < organization.logo.size / 3
    page = client.get(organization.get_absolute_url()).text
    assert f'class="organization-header__logo" src="{organization.logo.url}"' in page
    # The member's own card in the members' area, as the directory shows it.
    organization.contact_email = "office@example.org"
    organization.save()
    client.post("/en/members/area/", {"email": "office@example.org"})
    run_mail_queue()
    link = re.search(r"https?://\S+", OutboundEmail.objects.get().body).group(0)
    client.post(link.split("testserver", 1)[-1])
    assert shown_on_the_card(client, "/en/members/area/home/")[1] == (168, 112)


def test_until_its_copy_is_written_a_card_shows_the_new_logo_itself(
    client, site_settings, organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organization.logo.save("old.png", ContentFile(png_bytes((600, 600), color=(0, 0, 200))))
    # A new logo, its copy not written yet (the save's transaction still open): the card shows
    # the new logo whole, not the old logo's copy, nor an address with nothing behind it.
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        organization.logo.save("new.png", ContentFile(png_bytes((600, 600))))
        assert shown_on_the_card(client)[:2] == (organization.logo.name, (600, 600))
    for callback in waiting:
        callback()
    assert shown_on_the_card(client)[:2] == (card_name(organization.logo.name), (168, 168))


def test_a_copy_that_cannot_be_written_leaves_the_logo_on_the_card_and_the_save_done(
    client, site_settings, organization, django_capture_on_commit_callbacks, caplog
):
    organization.logo.save("logo.png", ContentFile(png_bytes((600, 600))), save=False)
    # Where the copy would go, something the storage cannot remove: a folder that holds a file.
    storage = organization.logo.storage
    storage.save(f"{card_name(organization.logo.name)}/blocking.txt", ContentFile(b"x"))
    organization.description_en = "An edit made with the new logo."
    with django_capture_on_commit_callbacks(execute=True):
        organization.save()
    organization.refresh_from_db()
    assert organization.description_en == "An edit made with the new logo."
    assert organization.logo_card == ""
    assert shown_on_the_card(client)[:2] == (organization.logo.name, (600, 600))
    assert "no card-size copy was written" in caplog.text


def test_logos_stored_before_their_copies_get_them_from_the_migration(
    client, site_settings, organization
):
    organization.logo.save("logo.png", ContentFile(png_bytes((600, 600))))
    assert organization.logo_card == ""  # no commit in this test: as before the migration
    state = MigrationExecutor(connection).loader.project_state(("members", "0017_logo_card"))
    importlib.import_module("members.migrations.0017_logo_card").write_cards(state.apps, None)
    assert shown_on_the_card(client)[:2] == (card_name(organization.logo.name), (168, 168))


def test_organizations_stored_before_get_their_page_time_from_the_migration(organization):
    import datetime

    edited = datetime.datetime(2020, 5, 1, tzinfo=datetime.UTC)
    Organization.objects.filter(pk=organization.pk).update(
        updated_at=edited, page_changed_at=timezone.now()
    )
    name = "0018_organization_page_changed_at"
    state = MigrationExecutor(connection).loader.project_state(("members", name))
    importlib.import_module(f"members.migrations.{name}").from_updated_at(state.apps, None)
    organization.refresh_from_db()
    assert organization.page_changed_at == edited


def test_a_save_of_an_organization_read_before_its_copy_was_recorded_keeps_the_copy(
    site_settings, organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as writing:
        organization.logo.save("logo.png", ContentFile(png_bytes((600, 600))))
    stale = Organization.objects.get(pk=organization.pk)  # read while the copy is written
    for callback in writing:
        callback()
    stale.description_en = "An edit from a page opened before."
    with django_capture_on_commit_callbacks(execute=False) as again:
        stale.save()
    assert not again  # nothing to write a second time
    organization.refresh_from_db()
    assert organization.logo_card == card_name(organization.logo.name)
    assert organization.description_en == "An edit from a page opened before."


def test_a_flag_not_yet_collected_is_offered_without_a_sharp_image(settings, tmp_path):
    # A deployment whose collectstatic predates the sharp flags: offering their address would
    # have a phone fetch a file that is not there, and draw a broken flag.
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"flags/kr.gif": "flags/kr.0123456789ab.gif"}})
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "icnk.storage.StaticFilesStorage"},
    }
    plain = '<img class="flag" src="{}" alt="" width="16" height="11">'
    assert flag("KR") == plain.format("/static/flags/kr.0123456789ab.gif")
    assert plain_flag("KR") == plain.format("/static/flags/kr.gif")


def test_a_directory_cached_while_the_copy_was_written_shows_the_copy_once_it_is(
    client, site_settings, organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as writing:
        organization.logo.save("logo.png", ContentFile(png_bytes((600, 600))))
    ours = [c for c in writing if getattr(c, "func", None) == organization._record_logo_card]
    for callback in writing:
        if callback not in ours:  # the page cache's own: a new generation for the new logo
            callback()
    with override_settings(PAGE_CACHE_SECONDS=600):
        assert shown_on_the_card(client)[0] == organization.logo.name  # a reader caches it
        (write_and_record,) = ours
        write_and_record()
        assert shown_on_the_card(client)[0] == card_name(organization.logo.name)
