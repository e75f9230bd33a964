"""The members' area: sign-in by emailed link, without passwords (members/area.py).

The clock is moved with time-machine, never slept on."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from icnk.models import OutboundEmail
from members import area
from members.models import MemberSignInLink, MemberStatus, Organization
from members.models import Visibility as V
from tests.factories import make_supporter

pytestmark = pytest.mark.django_db

SIGN_IN = "/en/members/area/"
HOME = "/en/members/area/home/"


@pytest.fixture
def member(site_settings):
    return Organization.objects.create(
        name="Open North Korea",
        slug="open-north-korea",
        country="KR",
        contact_name="Park",
        contact_email="office@onk.example.org",
        language="ko",
    )


@pytest.fixture
def person(site_settings):
    return make_supporter(
        "Kim Min-ji",
        V.FULL_NAME,
        email="minji@example.org",
        language="en",
        consent_date=datetime.date(2025, 1, 1),
        consent_visibility=V.FULL_NAME,
    )


def link_in_mail(address):
    mail = OutboundEmail.objects.filter(to=address).latest("pk")
    return re.search(r"https?://\S+/members/area/link/\S+/", mail.body).group(0), mail


def path_of(url):
    return url.split("testserver", 1)[-1]


def ask(client, email):
    return client.post(SIGN_IN, {"email": email})


# -- asking for a link ---------------------------------------------------------------------------


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(client, member):
    known = ask(client, "Office@ONK.example.org")
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown)
    assert OutboundEmail.objects.filter(to="office@onk.example.org").count() == 1
    assert not OutboundEmail.objects.filter(to="nobody@example.org").exists()


@pytest.mark.parametrize("status", [MemberStatus.LEFT, MemberStatus.SUSPENDED])
def test_members_that_left_or_are_suspended_get_no_link(client, member, status):
    member.status = status
    member.save()
    response = ask(client, "office@onk.example.org")
    assert response.status_code == 200
    assert not OutboundEmail.objects.exists()


def test_a_taken_down_supporter_gets_no_link(client, person):
    person.visibility = V.HIDDEN
    person.taken_down_at = timezone.now()
    person.save()
    ask(client, "minji@example.org")
    assert not OutboundEmail.objects.exists()


def test_the_link_mail_is_in_the_members_language(client, member):
    ask(client, "office@onk.example.org")
    url, mail = link_in_mail("office@onk.example.org")
    assert "/ko/members/area/link/" in url
    assert "회원" in mail.subject


def test_only_a_hash_of_the_token_is_stored(client, member):
    ask(client, "office@onk.example.org")
    url, _mail = link_in_mail("office@onk.example.org")
    token = url.rstrip("/").rsplit("/", 1)[-1]
    link = MemberSignInLink.objects.get()
    assert token not in link.token_hash
    assert link.token_hash == area.token_hash(token)


def test_asking_is_rate_limited(client, member, settings):
    settings.JOIN_RATE_LIMIT = 2
    ask(client, "a@example.org")
    ask(client, "b@example.org")
    assert ask(client, "office@onk.example.org").status_code == 429
    assert not OutboundEmail.objects.exists()


# -- the link ------------------------------------------------------------------------------------


def test_opening_the_link_does_nothing_until_the_button_is_pressed(client, member):
    ask(client, "office@onk.example.org")
    url, _mail = link_in_mail("office@onk.example.org")
    page = client.get(path_of(url))
    assert page.status_code == 200
    assert "noindex" in page["X-Robots-Tag"]
    assert client.get(HOME).status_code == 302  # not signed in
    assert MemberSignInLink.objects.get().used_at is None
    # The GET again still shows the button: it did not use the link up.
    assert client.get(path_of(url)).status_code == 200
    response = client.post(path_of(url))
    assert response.status_code == 302 and response.url.endswith("/members/area/home/")
    home = client.get(HOME)
    assert home.status_code == 200
    assert "Open North Korea" in home.content.decode()
    assert "no-store" in home["Cache-Control"] and "private" in home["Cache-Control"]


def test_the_link_works_once(client, member):
    ask(client, "office@onk.example.org")
    path = path_of(link_in_mail("office@onk.example.org")[0])
    assert client.post(path).status_code == 302
    other = client.__class__()
    assert other.post(path).status_code == 410
    assert other.get(path).status_code == 410
    assert other.get(HOME).status_code == 302


def test_the_link_expires_after_thirty_minutes(client, member):
    start = datetime.datetime(2026, 5, 1, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        ask(client, "office@onk.example.org")
        path = path_of(link_in_mail("office@onk.example.org")[0])
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        assert client.post(path).status_code == 410
        assert client.get(HOME).status_code == 302


@pytest.mark.parametrize("token", ["x", "a" * 500, "%00", "..", "abc.def-ghi_"])
def test_a_bad_token_is_a_clear_410_never_a_500(client, site_settings, token):
    response = client.get(f"/en/members/area/link/{token}/")
    assert response.status_code in (400, 404, 410)  # %00: the site's own 400 page
    assert client.post(f"/en/members/area/link/{token}/").status_code in (400, 404, 410)


def test_a_link_stops_working_when_the_contact_address_changes(client, member):
    ask(client, "office@onk.example.org")
    path = path_of(link_in_mail("office@onk.example.org")[0])
    member.contact_email = "new@onk.example.org"
    member.save()
    assert client.post(path).status_code == 410


# -- the session ---------------------------------------------------------------------------------


def sign_in(client, address):
    ask(client, address)
    client.post(path_of(link_in_mail(address)[0]))


def test_the_session_ends_after_two_hours_idle_and_on_sign_out(client, person):
    start = datetime.datetime(2026, 5, 1, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        sign_in(client, "minji@example.org")
    with time_machine.travel(start + datetime.timedelta(minutes=110), tick=False):
        assert client.get(HOME).status_code == 200  # and that request keeps it going
    with time_machine.travel(start + datetime.timedelta(minutes=220), tick=False):
        assert client.get(HOME).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=341), tick=False):
        assert client.get(HOME).status_code == 302
    sign_in(client, "minji@example.org")
    assert client.get(HOME).status_code == 200
    assert client.post("/en/members/area/sign-out/").status_code == 200
    assert client.get(HOME).status_code == 302


def test_the_session_ends_when_the_member_leaves_the_coalition(client, person):
    sign_in(client, "minji@example.org")
    person.status = MemberStatus.LEFT
    person.left_on = datetime.date.today()
    person.save()
    assert client.get(HOME).status_code == 302


def test_the_area_is_not_a_django_login(client, person):
    sign_in(client, "minji@example.org")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
