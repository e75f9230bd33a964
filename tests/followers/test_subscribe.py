"""Subscribing: double opt-in, the same answer for every address, rate limits, the purge."""

import datetime
import re

import pytest
from django.test import Client

from followers.models import Subscriber
from followers.services import subscribers_purge
from icnk.models import OutboundEmail
from icnk.roles import ADMINISTRATORS, EDITORS
from statements.models import Campaign
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db


def confirm_link(mail):
    return re.search(r"http://testserver(/\w\w/follow/confirm/[^/\s]+/)", mail.body).group(1)


def test_subscribing_mails_a_link_and_only_the_button_on_its_page_subscribes(client, site_settings):
    response = client.post(
        "/ja/follow/", {"email": "Aiko@Example.jp", "language": "ja", "campaign": ""}
    )
    assert response.status_code == 302 and response["Location"] == "/ja/follow/sent/"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING and subscriber.email == "aiko@example.jp"
    mail = OutboundEmail.objects.get()
    assert mail.to == "aiko@example.jp"
    assert "購読" in mail.subject  # in the language asked for

    link = confirm_link(mail)
    page = client.get(link)
    assert page.status_code == 200
    assert "日本語" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING  # a scanner opening the link: nothing

    done = client.post(link)
    assert done.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.language == "ja"
    assert subscriber.confirmed_at is not None


def test_the_form_answers_the_same_for_a_new_a_waiting_and_a_subscribed_address(
    client, site_settings, make_subscriber
):
    make_subscriber("known@example.org", language="ko")
    answers = []
    for address in ["new@example.org", "known@example.org", "new@example.org"]:
        response = client.post("/en/follow/", {"email": address, "language": "en"})
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.content))
    assert answers[0] == answers[1] == answers[2]
    # The subscribed address's owner hears of it, and nothing of theirs changed.
    known = Subscriber.objects.get(email="known@example.org")
    assert known.language == "ko" and known.status == Subscriber.Status.ACTIVE
    assert OutboundEmail.objects.filter(to="known@example.org").count() == 1


def test_an_invalid_address_is_a_clear_error_and_stores_nothing(client, site_settings):
    response = client.post("/en/follow/", {"email": "not an address", "language": "en"})
    assert response.status_code == 400
    assert "Enter an email address such as name@example.org." in response.content.decode()
    assert not Subscriber.objects.exists() and not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    "address, character",
    [("yıldız@example.org", "ı"), ("İpek@example.org", "İ"), ("ſam@example.org", "ſ"),
     ("\u212aim@example.org", "\u212a")],
)  # fmt: skip
def test_an_address_no_mail_can_reach_is_refused_saying_which_letter(
    client, site_settings, address, character
):
    """Django's validator lets these four through (they fold to a-z); no mail server is
    offered them, so the confirmation would never come."""
    response = client.post("/en/follow/", {"email": address, "language": "en"})
    assert response.status_code == 400
    assert f"“{character}” cannot be used before the @" in response.content.decode()
    korean = client.post("/ko/follow/", {"email": address, "language": "ko"})
    assert f"@ 앞에 쓸 수 없는 문자: “{character}”" in korean.content.decode()
    assert not Subscriber.objects.exists() and not OutboundEmail.objects.exists()


def test_an_international_domain_is_still_welcome(client, site_settings):
    response = client.post("/en/follow/", {"email": "kim@예시.한국", "language": "en"})
    assert response.status_code == 302
    assert Subscriber.objects.get().email == "kim@예시.한국"


def test_one_campaign_only(client, site_settings):
    campaign = Campaign.objects.create(
        slug="coi", title_en="Commission of Inquiry", goal_en="A goal.",
        started_on=datetime.date(2011, 9, 8),
    )  # fmt: skip
    client.post("/en/follow/", {"email": "a@example.org", "language": "en", "campaign": "coi"})
    assert Subscriber.objects.get().campaign == campaign


def test_a_client_address_gets_a_few_requests_an_hour(client, site_settings, settings):
    settings.FOLLOW_RATE_LIMIT = 3
    codes = [
        client.post("/en/follow/", {"email": f"p{i}@example.org", "language": "en"}).status_code
        for i in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert Subscriber.objects.count() == 3


def test_one_inbox_gets_a_few_confirmation_mails_a_day_whoever_asks(site_settings, settings):
    settings.FOLLOW_MAILS_PER_RECIPIENT = 2
    settings.FOLLOW_RATE_LIMIT = 100
    for i in range(4):
        Client(REMOTE_ADDR=f"192.0.2.{i}").post(
            "/en/follow/", {"email": "target@example.org", "language": "en"}
        )
    assert OutboundEmail.objects.filter(to="target@example.org").count() == 2


def test_an_old_or_altered_link_explains_itself(client, site_settings, clock, settings):
    client.post("/en/follow/", {"email": "late@example.org", "language": "en"})
    link = confirm_link(OutboundEmail.objects.get())
    assert client.get(link[:-5] + "xxxx/").status_code == 400
    clock.advance(days=settings.FOLLOW_CONFIRM_DAYS, minutes=1)
    response = client.post(link)
    assert response.status_code == 410
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_unconfirmed_requests_are_erased_after_a_few_days(
    client, site_settings, clock, settings, make_subscriber
):
    make_subscriber("reader@example.org")
    client.post("/en/follow/", {"email": "never@example.org", "language": "en"})
    clock.advance(days=settings.FOLLOW_CONFIRM_DAYS - 1)
    assert subscribers_purge() == 0
    clock.advance(days=1, minutes=1)
    assert subscribers_purge() == 1
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["reader@example.org"]


def test_the_form_is_on_the_home_page_and_the_statements_list_in_the_readers_language(
    client, site_settings
):
    for path in ["/ja/", "/ja/statements/"]:
        html = client.get(path).content.decode()
        assert 'action="/ja/follow/"' in html
        assert '<option value="ja" lang="ja" selected>日本語</option>' in html
        assert re.search(r'<label for="follow-email-\w+">', html)
        assert "csrfmiddlewaretoken" not in html  # the page stays cacheable


def test_the_purge_erases_the_mail_that_asked_once_the_address_has_no_subscription(
    client, site_settings, clock, settings
):
    client.post("/en/follow/", {"email": "kept@example.org", "language": "en"})
    client.post(confirm_link(OutboundEmail.objects.get(to="kept@example.org")))
    client.post("/en/follow/", {"email": "never@example.org", "language": "en"})
    clock.advance(days=settings.FOLLOW_CONFIRM_DAYS, minutes=1)
    assert subscribers_purge() == 1
    # The address is gone from the outbox too, as the privacy page promises; a subscriber's
    # own mail stays while they subscribe.
    assert set(OutboundEmail.objects.values_list("to", flat=True)) == {"kept@example.org"}


def test_editors_do_not_see_subscribers_addresses_in_the_outbox(client, site_settings):
    client.post("/en/follow/", {"email": "reader@example.org", "language": "en"})
    join = OutboundEmail.objects.create(to="applicant@example.org", subject="A join link")
    subscriber_mail = OutboundEmail.objects.get(to="reader@example.org")
    outbox = "/admin/icnk/outboundemail/"
    seen = {}
    for role in (EDITORS, ADMINISTRATORS):
        staff = Client()
        login_with_two_factor(staff, make_staff(f"{role[-9:]}-staff", role))
        listed = staff.get(outbox, {"q": "example.org"}).content.decode()
        one = staff.get(f"{outbox}{subscriber_mail.pk}/change/", follow=True)
        seen[role] = ("reader@example.org" in listed, "applicant@example.org" in listed)
        seen[role] += ("reader@example.org" in one.content.decode(),)
    assert seen[EDITORS] == (False, True, False)
    assert seen[ADMINISTRATORS] == (True, True, True)
    assert join.template == "" and subscriber_mail.template == "followers/email/confirm"


def test_editors_do_not_see_subscribers_addresses_on_the_desks_failed_mail_panel(
    client, site_settings
):
    client.post("/en/follow/", {"email": "reader@example.org", "language": "en"})
    # What a refused first attempt leaves: the desk's panel lists mail that is retrying.
    OutboundEmail.objects.filter(to="reader@example.org").update(
        attempts=1, last_error="SMTPRecipientsRefused: 451"
    )
    OutboundEmail.objects.create(
        to="applicant@example.org", subject="A join link", attempts=1, last_error="timeout"
    )
    seen = {}
    for role in (EDITORS, ADMINISTRATORS):
        staff = Client()
        login_with_two_factor(staff, make_staff(f"{role[-9:]}-staff", role))
        desk = staff.get("/admin/").content.decode()
        assert "Mail that failed or is retrying" in desk
        seen[role] = ("reader@example.org" in desk, "applicant@example.org" in desk)
    assert seen == {EDITORS: (False, True), ADMINISTRATORS: (True, True)}
