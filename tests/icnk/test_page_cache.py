"""Public pages are cached whole for anonymous readers and change the moment staff change them."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icnk.models import SiteSettings
from icnk.roles import ADMINISTRATORS, EDITORS
from members.models import JoinRequest, Organization, Supporter, Visibility
from members.services import join_request_approve
from statements.models import Campaign, Signature, Statement
from tests.factories import login_with_two_factor, make_staff, uncommitted_meanwhile, wait_for

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_URL}"


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    return response, len(captured)


def make_statement(slug="cached", **fields):
    values = {
        "title": f"Statement {slug}",
        "slug": slug,
        "language": "en",
        "body": "Body.",
        "status": Statement.Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(hours=1),
    }
    values.update(fields)
    return Statement.objects.create(**values)


@pytest.fixture
def editor_client(client):
    login_with_two_factor(client, make_staff("editor", EDITORS))
    return client


@pytest.fixture
def person(db):
    return Supporter.objects.create(
        full_name="Kim Young-hwan", visibility=Visibility.FULL_NAME, country="KR"
    )


# -- what is cached, and for whom ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/en/", "/en/members/", "/en/statements/", "/en/statements/feed/", "/api/v1/statements/"],
)
def test_a_second_anonymous_reader_is_served_without_touching_the_database(
    client, site_settings, url
):
    make_statement()
    first, _n = queries(client, url)
    second, n = queries(client, url)
    assert n == 0
    assert second.status_code == 200 and second.content == first.content


def test_the_join_page_with_its_csrf_token_is_never_cached(client, site_settings):
    first = client.get("/en/join/")
    assert "csrfmiddlewaretoken" in first.text
    second = client.get("/en/join/")
    # Each answer carries its own masked token (a cached copy would repeat the first one).
    assert second.text != first.text
    assert "csrftoken" in second.cookies


def test_staff_never_get_or_leave_a_cached_page(client, site_settings):
    make_statement()
    client.get("/en/statements/")  # cached for anonymous readers
    login_with_two_factor(client, make_staff("admin", ADMINISTRATORS))
    response, n = queries(client, "/en/statements/")
    assert n > 0  # rendered for them, not taken from the cache
    client.logout()
    client.cookies.clear()
    _response, n = queries(client, "/en/statements/")
    assert n == 0  # the anonymous copy is still the one served


def test_a_reader_in_the_middle_of_joining_is_not_served_from_the_cache(client, site_settings):
    client.get("/en/statements/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "whatever"
    _response, n = queries(client, "/en/statements/")
    assert n > 0


def test_each_language_has_its_own_copy(client, site_settings):
    make_statement(slug="english", title="An English statement")
    make_statement(slug="korean", title="한국어 성명", language="ko")
    assert "An English statement" in client.get("/en/statements/").text
    korean = client.get("/ko/statements/").text
    assert "한국어 성명" in korean and "An English statement" not in korean


def test_the_api_outside_the_language_prefix_is_cached_per_language(client, site_settings):
    Organization.objects.create(name="NKDB", slug="nkdb", country="KR")
    english = client.get("/api/v1/members/", HTTP_ACCEPT_LANGUAGE="en").json()
    korean = client.get("/api/v1/members/", HTTP_ACCEPT_LANGUAGE="ko").json()
    assert english["results"][0]["country"]["name"] == "South Korea"
    assert korean["results"][0]["country"]["name"] != "South Korea"


# -- invalidation ----------------------------------------------------------------------------


def test_publishing_in_the_admin_shows_the_statement_at_once(editor_client, site_settings):
    draft = make_statement(slug="fresh", title="Fresh statement", status=Statement.Status.DRAFT)
    editor_client.logout()
    editor_client.cookies.clear()
    assert "Fresh statement" not in editor_client.get("/en/statements/").text  # now cached
    assert editor_client.get("/en/statements/fresh/").status_code == 404
    login_with_two_factor(
        editor_client, Statement._meta.apps.get_model("auth", "User").objects.get(username="editor")
    )
    response = editor_client.post(
        f"{ADMIN}statements/statement/",
        {"action": "publish", "post": "yes", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    editor_client.logout()
    editor_client.cookies.clear()
    assert "Fresh statement" in editor_client.get("/en/statements/").text
    assert editor_client.get("/en/statements/fresh/").status_code == 200
    assert "Fresh statement" in editor_client.get("/en/statements/feed/").text


def test_unpublishing_in_the_admin_hides_the_statement_at_once(client, site_settings):
    statement = make_statement(slug="withdrawn", title="Soon withdrawn")
    for url in ["/en/statements/", "/en/", "/api/v1/statements/", "/en/statements/withdrawn/"]:
        assert "Soon withdrawn" in client.get(url).text
    login_with_two_factor(client, make_staff("editor", EDITORS))
    client.post(
        f"{ADMIN}statements/statement/",
        {"action": "unpublish", "post": "yes", "_selected_action": [statement.pk]},
    )
    client.logout()
    client.cookies.clear()
    for url in ["/en/statements/", "/en/", "/api/v1/statements/"]:
        assert "Soon withdrawn" not in client.get(url).text, url
    assert client.get("/en/statements/withdrawn/").status_code == 404


def test_an_approved_member_appears_in_the_directory_at_once(client, site_settings):
    assert "Citizens' Alliance" not in client.get("/en/members/").text  # cached
    request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.ORGANIZATION,
        status=JoinRequest.Status.PENDING,
        name="Citizens' Alliance",
        country="KR",
        email="office@example.org",
        accepted_objectives=True,
    )
    join_request_approve(join_request=request, reviewer=make_staff("editor", EDITORS))
    assert "Citizens&#x27; Alliance" in client.get("/en/members/").text
    assert client.get("/api/v1/members/").json()["count"] == 1


def test_a_takedown_clears_every_cached_page_that_showed_the_person(client, site_settings, person):
    statement = make_statement(slug="signed", title="Signed statement")
    Signature.objects.create(statement=statement, supporter=person)
    pages = ["/en/members/", "/en/statements/signed/", "/api/v1/members/?kind=individual"]
    pages.append("/api/v1/statements/signed/")
    for url in pages:
        assert "Kim Young-hwan" in client.get(url).text, url
    login_with_two_factor(client, make_staff("admin", ADMINISTRATORS))
    response = client.post(
        f"{ADMIN}members/supporter/", {"action": "take_down", "_selected_action": [person.pk]}
    )
    assert response.status_code == 302
    client.logout()
    client.cookies.clear()
    for url in pages:
        assert "Kim Young-hwan" not in client.get(url).text, url


def test_lowering_a_persons_visibility_shows_at_once(client, site_settings, person):
    assert "Kim Young-hwan" in client.get("/en/members/").text
    person.visibility = Visibility.INITIALS
    person.save()
    html = client.get("/en/members/").text
    assert "Kim Young-hwan" not in html and "K. Y." in html


def test_a_scheduled_statement_is_not_kept_out_of_a_cached_page_past_its_time(
    client, site_settings
):
    due = timezone.now() + datetime.timedelta(seconds=1.5)
    make_statement(slug="embargoed", title="Embargoed statement", published_at=due)
    assert "Embargoed statement" not in client.get("/en/statements/").text  # cached
    wait_for(lambda: timezone.now() > due, what="the statement's publication time")
    assert "Embargoed statement" in client.get("/en/statements/").text


# -- what every page reads: the featured campaign, the site settings -------------------------
# Kept under the generation, in the shared cache and in each process (icnk.cache.per_generation,
# {% kept %}): a change must reach every page, even one read while the admin's transaction was
# still open.


def campaign_links(client, slug):
    """How many links to the campaign an anonymous reader finds on the home page (the
    navigation's and the teaser's) and on another page (the navigation's)."""
    href = f'href="/en/campaigns/{slug}/"'
    return client.get("/en/").text.count(href), client.get("/en/about/").text.count(href)


def make_campaign():
    return Campaign.objects.create(
        slug="inquiry",
        title_en="A commission of inquiry",
        goal_en="An inquiry.",
        started_on=datetime.date(2026, 1, 1),
    )


def test_a_campaign_deleted_with_the_admins_bulk_action_leaves_every_page(client, site_settings):
    campaign = make_campaign()
    home, about = campaign_links(client, "inquiry")
    assert home >= 2 and about == 1  # and cached, the campaign with them
    chief = Client()
    login_with_two_factor(chief, make_staff("chief", ADMINISTRATORS))
    response = chief.post(
        f"{ADMIN}statements/campaign/",
        {"action": "delete_selected", "post": "yes", "_selected_action": [campaign.pk]},
    )
    assert response.status_code == 302 and not Campaign.objects.exists()
    assert campaign_links(client, "inquiry") == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_a_campaign_hidden_while_a_page_is_read_leaves_every_page_once_saved(site_settings):
    """A reader's page is made while the admin's save has run but not yet committed: that page
    shows the campaign still (it is), and no page does once the save has committed."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: a reader waits for the commit")
    campaign = make_campaign()
    reader = Client()
    assert campaign_links(reader, "inquiry")[1] == 1
    chief = Client()
    login_with_two_factor(chief, make_staff("chief", ADMINISTRATORS))
    form = {
        **{name: getattr(campaign, name) for name in ("title_en", "slug", "status", "goal_en")},
        "started_on": campaign.started_on.isoformat(),
        # "shown on the site" unticked
        **{f"milestones-{name}": 0 for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")},
        "milestones-MAX_NUM_FORMS": 1000,
    }
    answers = []
    change = f"{ADMIN}statements/campaign/{campaign.pk}/change/"
    with uncommitted_meanwhile(lambda: answers.append(chief.post(change, form).status_code)):
        assert campaign_links(reader, "inquiry")[1] == 1
    assert answers == [302] and not Campaign.objects.get().is_public
    assert campaign_links(reader, "inquiry") == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_site_settings_changed_while_a_page_is_read_show_on_every_page_once_saved(
    site_settings,
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: a reader waits for the commit")
    old, new = site_settings.contact_email, "new-desk@example.org"
    reader = Client()
    assert old in reader.get("/en/about/").text
    chief = Client()
    login_with_two_factor(chief, make_staff("chief", ADMINISTRATORS))
    form = {
        field.name: getattr(site_settings, field.name) or ""
        for field in SiteSettings._meta.fields
        if field.name not in ("id", "updated_at")
    }
    form["founded_on"] = site_settings.founded_on.isoformat() if site_settings.founded_on else ""
    form["contact_email"] = new
    answers = []
    change = f"{ADMIN}icnk/sitesettings/{site_settings.pk}/change/"
    with uncommitted_meanwhile(lambda: answers.append(chief.post(change, form).status_code)):
        assert old in reader.get("/en/").text
    assert answers == [302] and SiteSettings.objects.get().contact_email == new
    for url in ["/en/", "/en/about/", "/en/members/"]:
        html = reader.get(url).text
        assert new in html and old not in html, url
    assert SiteSettings.load().contact_email == new  # as mail and sign-in read them
