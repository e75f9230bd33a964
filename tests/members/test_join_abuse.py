"""Joining cannot be used to watch or harass people (issue 12, items 5, 6 and 8).

No answer tells whether an address has applied; mail to an unproven address says nothing the
submitter wrote and reaches one inbox at most a few times a day; the session keeps no address.
"""

import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.utils import timezone

from icnk.models import OutboundEmail
from members import services
from members.models import JoinRequest
from tests.factories import INDIVIDUAL

pytestmark = pytest.mark.django_db

EMAIL = INDIVIDUAL["email"]


def mails_to(address):
    return list(OutboundEmail.objects.filter(to=address).order_by("pk"))


def as_client(client, address):
    """The next requests come from another client address (each has its own allowance)."""
    client.defaults["REMOTE_ADDR"] = address
    return client


# --- item 5: no email enumeration -------------------------------------------------------------


def test_the_form_answers_the_same_whether_or_not_the_address_has_applied(client, site_settings):
    first = client.post("/en/join/", INDIVIDUAL)
    first_page = client.get("/en/join/sent/").content.decode()

    # Someone else, elsewhere, tries the same address with another name.
    as_client(client, "10.9.9.9")
    client.cookies.clear()
    second = client.post("/en/join/", {**INDIVIDUAL, "name": "Probing Person"})
    second_page = client.get("/en/join/sent/").content.decode()

    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    assert second_page == first_page
    assert "already" not in second_page
    assert JoinRequest.objects.count() == 1

    # Only the address's owner learns of the second attempt, with a new link to their request.
    reminder = mails_to(EMAIL)[-1]
    assert len(mails_to(EMAIL)) == 2
    assert "already has a request in progress" in reminder.body
    assert "Probing Person" not in reminder.body
    token = reminder.body.split("/join/confirm/")[1].split("/")[0]
    assert services.read_token(token) == JoinRequest.objects.get()


def test_every_post_counts_toward_the_limit_even_when_refused(client, site_settings):
    for n in range(5):
        refused = client.post("/en/join/", {**INDIVIDUAL, "email": f"not-an-address-{n}"})
        assert refused.status_code == 400
    response = client.post("/en/join/", INDIVIDUAL)
    assert response.status_code == 429
    assert JoinRequest.objects.count() == 0


# --- item 6: no phishing or mail-bombing through our mail -------------------------------------


def test_the_confirmation_mail_carries_nothing_the_submitter_wrote(client, site_settings):
    lure = "Your account is locked - call +1 555 0100 now"
    client.post(
        "/en/join/",
        {**INDIVIDUAL, "name": lure, "display_name": "Bank security", "affiliation": "Bank"},
    )
    (mail,) = mails_to(EMAIL)
    for text in (lure, "Bank security", "Bank", "555 0100"):
        assert text not in mail.subject and text not in mail.body
    assert "/en/join/confirm/" in mail.body


def test_one_inbox_gets_at_most_three_confirmation_mails_a_day_whoever_asks(client, site_settings):
    client.post("/en/join/", INDIVIDUAL)
    for n in range(5):
        as_client(client, f"10.0.0.{n + 1}")
        response = client.post("/en/join/new-link/", {"email": EMAIL})
        # The answer does not change: it must not tell that the limit was reached either.
        assert response.status_code == 302
    assert len(mails_to(EMAIL)) == 3


class FourDaysAgoSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 4 * 24 * 3600)


def test_the_new_link_button_on_the_expired_page_obeys_both_limits(client, site_settings):
    client.post("/en/join/", INDIVIDUAL)  # one submission and one mail from this client
    join_request = JoinRequest.objects.get()
    expired = FourDaysAgoSigner(salt=services.TOKEN_SALT).sign_object(
        {"id": join_request.pk, "e": services._email_digest(EMAIL)}
    )
    url = f"/en/join/confirm/{expired}/"
    assert client.get(url).status_code == 410
    answers = [client.post(url).status_code for _ in range(5)]
    assert answers == [302, 302, 302, 302, 429]
    assert len(mails_to(EMAIL)) == 3


# --- item 8: the session keeps no address -----------------------------------------------------


def stored_sessions():
    return " ".join(str(s.get_decoded()) for s in Session.objects.all())


def test_the_sent_page_shows_the_address_masked_once_and_the_session_keeps_none(
    client, site_settings
):
    client.post("/en/join/", INDIVIDUAL)
    assert EMAIL not in stored_sessions()

    page = client.get("/en/join/sent/").content.decode()
    assert "a•••@example.jp" in page and EMAIL not in page
    again = client.get("/en/join/sent/").content.decode()
    assert "a•••@example.jp" not in again
    assert "example.jp" not in stored_sessions()


@pytest.mark.django_db(transaction=True)
def test_the_worker_clears_expired_sessions(site_settings, run_worker):
    store = Session.objects
    store.create(
        session_key="e" * 32,
        session_data=store.encode({"join_sent_to": "a•••@example.jp"}),
        expire_date=timezone.now() - datetime.timedelta(minutes=1),
    )
    store.create(
        session_key="f" * 32,
        session_data=store.encode({}),
        expire_date=timezone.now() + datetime.timedelta(hours=1),
    )
    run_worker()
    assert list(store.values_list("session_key", flat=True)) == ["f" * 32]


@pytest.mark.django_db(transaction=True)
def test_the_same_address_sent_twice_at_once_makes_one_request(site_settings):
    """A double click: the second request arrives while the first one's is written but not yet
    committed. It must wait for it and find it, not store a second request with its own link
    (which could be confirmed, and approved, twice)."""
    from django.db import connection
    from django.test import Client

    from tests.factories import uncommitted_meanwhile

    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the two cannot overlap")
    answers = []
    # The first request, stopped just before it commits.
    with uncommitted_meanwhile(
        lambda: answers.append(Client().post("/en/join/", INDIVIDUAL).status_code)
    ):
        second = Client(REMOTE_ADDR="10.9.9.9").post("/en/join/", INDIVIDUAL)
    assert answers == [302] and second.status_code == 302
    assert JoinRequest.objects.count() == 1
    # The second click mailed the owner a new link to the same request, as when it comes later.
    assert [("already has a request in progress" in m.body) for m in mails_to(EMAIL)] == [
        False,
        True,
    ]
