"""An address at a look-alike domain is another person's mailbox, never theirs.

kim@maıl.example.org (a dotless ı) is at a domain anyone may register. PostgreSQL's UPPER()
makes that ı an I, so a case-insensitive match (`__iexact`) alone found the owner of
kim@mail.example.org for it (icnk/addresses.py). These tests fail that way on PostgreSQL; SQLite
folds ASCII only.
"""

import re

import pytest

from followers.models import Journalist
from icnk.models import OutboundEmail
from members.models import JoinRequest, Organization, Supporter
from members.models import Visibility as V
from tests.factories import INDIVIDUAL, make_supporter, run_mail_queue

pytestmark = pytest.mark.django_db

DOTLESS = "ma\u0131l.example.org"  # maıl
DOTTED = "ma\u0130l.example.org"  # maİl, which PostgreSQL's LOWER() makes "mail"


def mails_to(address):
    return list(OutboundEmail.objects.filter(to=address))


@pytest.mark.parametrize(
    ("stored", "typed", "same"),
    [
        ("Kim@Mail.Example.ORG", " kim@mail.example.org ", True),
        ("kim@mail.example.org", "kim@" + DOTLESS, False),
        ("kim@mail.example.org", "kim@" + DOTTED, False),
        ("kim@" + DOTLESS, "kim@mail.example.org", False),
        ("kim@mail.example.org", "kim@mail.example.org.", False),
    ],
)
def test_an_address_matches_only_its_own_spellings(site_settings, stored, typed, same):
    make_supporter("Kim", V.HIDDEN, email=stored)
    assert Supporter.objects.filter(email__mailbox=typed).exists() is same


def test_a_look_alike_address_gets_no_one_elses_sign_in_link(client, site_settings):
    hidden = make_supporter(
        "Kim Secret-Realname", V.HIDDEN, email="kim@mail.example.org", language="en"
    )
    # A member organization whose contact address is at the look-alike domain (a handover in
    # the members' area can set one).
    Organization.objects.create(
        name="Aardvark Watch",
        slug="aardvark-watch",
        country="KR",
        contact_email="kim@" + DOTLESS,
        language="en",
    )
    client.post("/en/members/area/", {"email": "kim@" + DOTLESS})
    run_mail_queue()
    (mail,) = OutboundEmail.objects.all()
    assert mail.to == "kim@" + DOTLESS
    assert len(re.findall(r"/members/area/link/", mail.body)) == 1
    assert hidden.full_name not in mail.body

    client.post("/en/members/area/", {"email": "kim@" + DOTTED}, REMOTE_ADDR="10.0.0.2")
    run_mail_queue()
    assert OutboundEmail.objects.count() == 1  # nobody has that address: no mail at all


def test_a_look_alike_address_cannot_take_over_a_journalists_entry(client, site_settings):
    gone = Journalist.objects.create(
        name="Vic Reporter", outlet="Real Daily", email="v@mail.example.org", status="left"
    )
    form = {"name": "Mallory", "outlet": "Fake", "languages": ["en"], "consent": "on"}
    client.post("/en/press/join/", {**form, "email": "v@" + DOTLESS})
    gone.refresh_from_db()
    assert (gone.name, gone.status) == ("Vic Reporter", Journalist.Status.LEFT)
    assert not mails_to("v@mail.example.org")
    (mail,) = mails_to("v@" + DOTLESS)
    link = re.search(r"http://testserver(/en/press/confirm/\S+/)", mail.body).group(1)
    assert "v@mail.example.org" not in client.get(link).content.decode()
    client.post(link)
    gone.refresh_from_db()
    assert gone.status == Journalist.Status.LEFT
    assert Journalist.objects.get(email="v@" + DOTLESS).status == Journalist.Status.CONFIRMED


def test_a_look_alike_address_is_a_request_of_its_own(client, site_settings):
    client.post("/en/join/", {**INDIVIDUAL, "email": "aiko@mail.example.org"})
    look_alike = "aiko@" + DOTLESS
    client.post("/en/join/", {**INDIVIDUAL, "email": look_alike}, REMOTE_ADDR="10.0.0.3")
    assert sorted(JoinRequest.objects.values_list("email", flat=True)) == sorted(
        ["aiko@mail.example.org", look_alike]
    )
    assert len(mails_to("aiko@mail.example.org")) == 1  # its owner heard nothing of the other
    client.post("/en/join/new-link/", {"email": look_alike}, REMOTE_ADDR="10.0.0.4")
    assert len(mails_to("aiko@mail.example.org")) == 1
    assert len(mails_to(look_alike)) == 2
