"""The members' area: sign-in by emailed link, without passwords (members/area.py).

The clock is moved with time-machine, never slept on."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from icnk.models import OutboundEmail
from members import area
from members.models import MemberSignInLink, MemberStatus, Organization
from members.models import Visibility as V
from tests.factories import make_supporter, run_mail_queue

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
    response = client.post(SIGN_IN, {"email": email})
    run_mail_queue()
    return response


# -- asking for a link ---------------------------------------------------------------------------


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(client, member):
    known = ask(client, "Office@ONK.example.org")
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown)
    assert OutboundEmail.objects.filter(to="office@onk.example.org").count() == 1
    assert not OutboundEmail.objects.filter(to="nobody@example.org").exists()


def test_the_form_does_the_same_work_for_a_hidden_supporter_as_for_an_unknown_address(
    client, person
):
    """The answer's time must not tell either: what differs (the links, the mail) is the
    worker's to do, after the answer."""
    person.visibility = V.HIDDEN
    person.save()

    def queries(email, client_address):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(SIGN_IN, {"email": email}, REMOTE_ADDR=client_address)
        assert response.status_code == 200
        return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in captured]

    queries("someone@example.org", "10.0.0.9")  # the site's settings are read once, then kept
    assert queries("minji@example.org", "10.0.0.1") == queries("nobody@example.org", "10.0.0.2")
    assert not OutboundEmail.objects.exists()
    run_mail_queue()
    assert OutboundEmail.objects.filter(to="minji@example.org").count() == 1


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
        assert client.get(path).status_code == 410
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


# -- the home page -------------------------------------------------------------------------------


def signed(*members, title="Joint call for an inquiry", slug="joint-call", withdrawn=None):
    from statements.models import Signature, Statement

    statement = Statement.objects.create(
        title=title,
        slug=slug,
        language="en",
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(hours=1),
        body="We call for a commission of inquiry.",
    )
    for member in members:
        field = "organization" if isinstance(member, Organization) else "supporter"
        Signature.objects.create(statement=statement, withdrawn_on=withdrawn, **{field: member})
    return statement


def test_home_shows_the_profile_signatures_drives_and_renewal(client, member):
    from drives.models import Drive
    from drives.services import drive_start
    from statements.models import Statement

    signed(member)
    signed(member, title="An older call", slug="older", withdrawn=datetime.date(2025, 6, 1))
    draft = Statement.objects.create(
        title="Draft to sign", slug="draft", language="en", body="A draft."
    )
    from django.contrib.auth.models import User

    staff = User.objects.create_user("desk", password="pw", is_staff=True)
    drive = drive_start(
        statement=draft,
        user=staff,
        deadline=timezone.now() + datetime.timedelta(days=5),
        organizations=[member],
    )
    assert isinstance(drive, Drive)
    member.renewed_until = timezone.localdate() + datetime.timedelta(days=10)
    member.save()
    sign_in(client, "office@onk.example.org")
    page = client.get(HOME).content.decode()
    assert "Joint call for an inquiry" in page
    assert "An older call" in page and "withdrawn on" in page
    assert "Draft to sign" in page and "/sign/" in page
    assert "/members/renew/" in page  # due within 30 days
    assert "open-north-korea" in page  # the public card links to the public page
    # The drive link is the invitation's own: it opens the signing page.
    drive_url = re.search(r'href="(/en/sign/[^"]+/)"', page).group(1)
    assert client.get(drive_url).status_code == 200


def test_home_offers_no_renewal_when_none_is_due(client, member):
    member.renewed_until = timezone.localdate() + datetime.timedelta(days=200)
    member.save()
    sign_in(client, "office@onk.example.org")
    assert "/members/renew/" not in client.get(HOME).content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Members' area"), ("ko", "회원 전용 페이지"), ("ja", "メンバー専用ページ")],
)
def test_the_area_reads_in_each_language(client, person, language, words):
    sign_in(client, "minji@example.org")
    for path in ("", "home/", "visibility/", "leave/"):
        response = client.get(f"/{language}/members/area/{path}", follow=True)
        assert response.status_code == 200
        assert response["Content-Language"] == language
        assert "noindex" in response["X-Robots-Tag"]
        assert words.lower() in response.content.decode().replace("&#x27;", "'").lower(), path


# -- a supporter's visibility ----------------------------------------------------------------------

NAME = "Zephyrine Quobble"


@pytest.fixture
def named(site_settings):
    person = make_supporter(
        NAME,
        V.FULL_NAME,
        email="zq@example.org",
        affiliation="Quobble Institute",
        country="JP",
        consent_date=datetime.date(2025, 1, 1),
        consent_visibility=V.FULL_NAME,
    )
    statement = signed(person)
    return person, statement


def public_urls(statement):
    return [
        statement.get_absolute_url(),
        "/en/members/",
        "/ko/members/",
        "/en/members/?kind=individual",
        "/en/members/?q=Quobble",
        "/api/v1/members/?kind=individual",
        "/api/v1/members/?q=Quobble&kind=individual",
        f"/api/v1/statements/{statement.slug}/",
        "/en/statements/feed/",
    ]


def test_more_privacy_removes_the_full_name_everywhere_at_once_cached_pages_included(
    client, named, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    person, statement = named
    reader = client.__class__()
    urls = public_urls(statement)
    for url in urls:  # warm the cache
        response = reader.get(url)
        assert response.status_code == 200, url
        if "feed" not in url:
            assert NAME in response.content.decode(), url
    # The pages are really kept: a change that sends no signal does not show...
    Supporter = type(person)
    Supporter.objects.filter(pk=person.pk).update(affiliation="Changed quietly")
    assert "Quobble Institute" in reader.get(statement.get_absolute_url()).content.decode()

    sign_in(client, "zq@example.org")
    page = client.get("/en/members/area/visibility/")
    assert "Z. Q." in page.content.decode()  # the preview of each level
    response = client.post("/en/members/area/visibility/", {"visibility": V.INITIALS})
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.visibility == V.INITIALS
    assert person.consent_visibility == V.INITIALS and "Initials" in person.consent_text
    for url in urls:
        body = reader.get(url).content.decode()
        assert NAME not in body, url
        assert "Quobble Institute" not in body, url
    assert "Z. Q." in reader.get(statement.get_absolute_url()).content.decode()
    assert reader.get("/api/v1/members/?q=Quobble&kind=individual").json()["count"] == 0
    # The member's own home says so, at once, without review.
    home = client.get(HOME).content.decode()
    assert "Z. Q." in home and NAME in home  # the header names the person to themselves


def test_moving_to_hidden_needs_no_consent_and_no_review(client, named):
    person, statement = named
    sign_in(client, "zq@example.org")
    client.post("/en/members/area/visibility/", {"visibility": V.HIDDEN})
    person.refresh_from_db()
    assert person.visibility == V.HIDDEN
    assert NAME not in client.__class__().get(statement.get_absolute_url()).content.decode()
    from members.models import VisibilityRequest

    assert not VisibilityRequest.objects.exists()


def test_less_privacy_needs_consent_then_review_and_changes_nothing_public_until_approved(
    client, named, settings
):
    from django.contrib.auth.models import Group, User

    from icnk.roles import EDITORS
    from members.models import VisibilityRequest
    from tests.factories import login_with_two_factor

    settings.PAGE_CACHE_SECONDS = 600
    person, statement = named
    person.visibility = V.INITIALS
    person.save()
    reader = client.__class__()
    assert NAME not in reader.get(statement.get_absolute_url()).content.decode()

    sign_in(client, "zq@example.org")
    refused = client.post("/en/members/area/visibility/", {"visibility": V.FULL_NAME})
    assert refused.status_code == 400
    assert "tick the box" in refused.content.decode()
    assert not VisibilityRequest.objects.exists()

    client.post("/en/members/area/visibility/", {"visibility": V.FULL_NAME, "consent": "on"})
    request = VisibilityRequest.objects.get()
    assert request.status == VisibilityRequest.Status.PENDING
    assert request.visibility == V.FULL_NAME and request.visibility_before == V.INITIALS
    assert "Full name" in request.consent_text
    person.refresh_from_db()
    assert person.visibility == V.INITIALS
    for url in public_urls(statement):
        assert NAME not in reader.get(url).content.decode(), url
    assert "not reviewed it yet" in client.get(HOME).content.decode()
    assert OutboundEmail.objects.filter(subject__contains="less privately").exists()

    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    staff = client.__class__()
    login_with_two_factor(staff, editor)
    desk = staff.get("/admin/")
    panel = next(p for p in desk.context["panels"] if p["key"] == "visibility-requests")
    assert [row.label for row in panel["rows"]] == [NAME]
    change = f"/admin/members/visibilityrequest/{request.pk}/change/"
    assert "_approve" in staff.get(change).content.decode()
    staff.post(change, {"reason": "", "_approve": "1"})
    request.refresh_from_db()
    assert request.status == VisibilityRequest.Status.APPROVED
    assert request.decided_by == editor
    person.refresh_from_db()
    assert person.visibility == V.FULL_NAME
    assert person.consent_visibility == V.FULL_NAME and person.consent_text == request.consent_text
    assert NAME in reader.get(statement.get_absolute_url()).content.decode()
    assert OutboundEmail.objects.filter(to="zq@example.org", subject__contains="request").exists()


def test_a_rejected_request_changes_nothing(client, named):
    from django.contrib.auth.models import User

    from members import self_service
    from members.models import VisibilityRequest

    person, statement = named
    person.visibility = V.COUNTED
    person.save()
    request = self_service.visibility_request(supporter=person, level=V.FULL_NAME, wording="w")
    staff = User.objects.create_user("desk", password="pw", is_staff=True)
    self_service.visibility_request_reject(request=request, user=staff, reason="Please call us.")
    person.refresh_from_db()
    assert person.visibility == V.COUNTED
    assert VisibilityRequest.objects.get().status == VisibilityRequest.Status.REJECTED
    mail = OutboundEmail.objects.get(to="zq@example.org")
    assert "Please call us." in mail.body and "not approved" in mail.body


def test_more_privacy_withdraws_a_pending_request_for_less(client, named):
    from members import self_service
    from members.models import VisibilityRequest

    person, _statement = named
    person.visibility = V.INITIALS
    person.save()
    self_service.visibility_request(supporter=person, level=V.FULL_NAME, wording="w")
    sign_in(client, "zq@example.org")
    client.post("/en/members/area/visibility/", {"visibility": V.HIDDEN})
    assert VisibilityRequest.objects.get().status == VisibilityRequest.Status.WITHDRAWN


def test_an_organization_has_no_visibility_page(client, member):
    sign_in(client, "office@onk.example.org")
    assert client.get("/en/members/area/visibility/").status_code == 302


# -- leaving -------------------------------------------------------------------------------------


def test_a_supporter_leaves_stays_on_the_record_and_is_no_longer_named(client, named):
    person, statement = named
    sign_in(client, "zq@example.org")
    page = client.get("/en/members/area/leave/").content.decode()
    assert "Former members" in page
    assert client.post("/en/members/area/leave/", {}).status_code == 200
    person.refresh_from_db()
    assert person.status == MemberStatus.LEFT
    assert person.left_on == timezone.localdate()
    assert person.former_listing_consent_on is None
    assert person.signatures.get().withdrawn_on is None  # still on what they signed
    reader = client.__class__()
    assert NAME not in reader.get("/en/members/").content.decode()
    assert NAME not in reader.get(statement.get_absolute_url()).content.decode()
    mail = OutboundEmail.objects.filter(to="zq@example.org").latest("pk")
    assert "You have left" in mail.subject and "no longer shown" in mail.body
    assert OutboundEmail.objects.filter(subject__contains="left through the members").exists()
    assert client.get(HOME).status_code == 302  # signed out, and may not sign in again
    ask(client, "zq@example.org")
    assert OutboundEmail.objects.filter(to="zq@example.org").count() == 2  # link, leaving


def test_an_organization_that_leaves_with_agreement_is_listed_as_former(client, member):
    member.member_since = datetime.date(2015, 4, 1)
    member.save()
    statement = signed(member)
    sign_in(client, "office@onk.example.org")
    response = client.post("/en/members/area/leave/", {"listed_as_former": "on"})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.status == MemberStatus.LEFT
    assert member.former_listing_consent_on == timezone.localdate()
    directory = client.__class__().get("/en/members/").content.decode()
    former = directory.split('id="former-heading"', 1)[1]
    assert "Open North Korea" in former
    assert "Open North Korea" in client.__class__().get(statement.get_absolute_url()).text
    mail = OutboundEmail.objects.filter(to="office@onk.example.org").latest("pk")
    assert "Former members" in mail.body or "이전 회원" in mail.body


def test_a_member_that_left_shows_on_the_desk(client, member):
    from django.contrib.auth.models import Group, User

    from icnk.roles import EDITORS
    from tests.factories import login_with_two_factor

    sign_in(client, "office@onk.example.org")
    client.post("/en/members/area/leave/", {})
    editor = User.objects.create_user("editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    staff = client.__class__()
    login_with_two_factor(staff, editor)
    panels = staff.get("/admin/").context["panels"]
    left = next(p for p in panels if p["key"] == "recently-left")
    assert [row.label for row in left["rows"]] == ["Open North Korea"]
    assert OutboundEmail.objects.filter(
        subject="A member left through the members' area: Open North Korea"
    ).exists()


def test_leaving_is_a_post_a_get_changes_nothing(client, person):
    sign_in(client, "minji@example.org")
    client.get("/en/members/area/leave/")
    person.refresh_from_db()
    assert person.status == MemberStatus.ACTIVE


def test_the_area_is_kept_from_crawlers_and_linked_from_every_page(client, site_settings):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /en/members/area/" in robots and "Disallow: /ko/members/area/" in robots
    assert "Disallow: /en/members/\n" not in robots  # the directory stays findable
    assert 'href="/ko/members/area/"' in client.get("/ko/").content.decode()


def test_a_persons_export_holds_their_visibility_requests(named):
    from django.contrib.auth.models import User

    from members import self_service
    from members.personal_data import personal_data_export

    person, _statement = named
    person.visibility = V.INITIALS
    person.save()
    self_service.visibility_request(supporter=person, level=V.FULL_NAME, wording="[the wording]")
    staff = User.objects.create_user("chief", password="pw", is_staff=True)
    data = personal_data_export(subject=person, user=staff)
    (exported,) = data["supporters"][0]["visibility_requests"]
    assert exported["visibility"] == V.FULL_NAME and exported["consent_text"] == "[the wording]"


def test_one_address_for_two_members_gets_one_mail_with_a_link_for_each(client, member):
    other = Organization.objects.create(
        name="Second Group", slug="second", contact_email="office@onk.example.org"
    )
    ask(client, "office@onk.example.org")
    (mail,) = OutboundEmail.objects.filter(to="office@onk.example.org")
    links = re.findall(r"https?://\S+/members/area/link/\S+/", mail.body)
    assert len(links) == 2 and "Second Group" in mail.body
    client.post(path_of(links[1]))
    assert "Second Group" in client.get(HOME).content.decode()
    assert MemberSignInLink.objects.get(organization=other).used_at is not None


def test_erasing_a_person_removes_their_sign_in_links(client, person):
    from django.contrib.auth.models import User

    from members.personal_data import personal_data_erase

    ask(client, "minji@example.org")
    path = path_of(link_in_mail("minji@example.org")[0])
    staff = User.objects.create_user("chief", password="pw", is_staff=True)
    personal_data_erase(subject=person, user=staff)
    assert not MemberSignInLink.objects.exists()
    assert client.post(path).status_code == 410


def test_erasing_a_person_ends_their_area_session_and_no_one_elses(client, person, member):
    """The area's session holds only a digest of the address, not the address itself."""
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from members.personal_data import personal_data_erase

    sign_in(client, "minji@example.org")
    theirs = client.session.session_key
    assert SessionStore(session_key=theirs)[area.SESSION_KEY]["e"] == area.email_digest(
        "minji@example.org"
    )
    other = client.__class__()
    sign_in(other, "office@onk.example.org")
    staff = User.objects.create_user("chief", password="pw", is_staff=True)

    personal_data_erase(subject=person, user=staff)

    assert not SessionStore().exists(theirs)
    assert other.get(HOME).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_choice_made_stale_by_another_window_changes_nothing_and_says_so(client, person):
    """Two windows: one moves the person to "counted only" while the other's "initials" is on
    its way. The second was checked against "full name" (more private then), but is less
    private than what now stands: nothing changes, and the form says why, not a 500."""
    from django.db import connection

    from members.models import Supporter, VisibilityRequest
    from tests.factories import uncommitted_meanwhile

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the two cannot overlap")
    sign_in(client, "minji@example.org")

    def other_window():
        row = Supporter.objects.select_for_update().get(pk=person.pk)
        row.visibility = V.COUNTED
        row.save()

    with uncommitted_meanwhile(other_window):  # commits while this window's change waits
        response = client.post("/en/members/area/visibility/", {"visibility": V.INITIALS})
    assert response.status_code == 409
    assert "changed in the meantime" in response.content.decode()
    person.refresh_from_db()
    assert person.visibility == V.COUNTED
    assert not VisibilityRequest.objects.exists()
