"""Red team: a pending staff invitation lasts only as long as its inviter's authority.

An administrator whose account is deactivated or who loses the administrators' role (they left,
or their account was taken over) must not keep a way back in: invitations they sent and nobody
has accepted yet stop working. Another administrator who sends one again vouches for it anew.
"""

import re

import pytest
from django.contrib.auth.models import Group, User

from icnk import staff
from icnk.models import OutboundEmail, StaffInvitation
from icnk.roles import ADMINISTRATORS
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "a quiet harbour at dawn 42"


def last_link():
    """The path of the link in the last mail queued."""
    body = OutboundEmail.objects.order_by("-pk").first().body
    return re.search(r"https?://[^/\s]+(/admin/invitation/\S+/)", body)[1]


@pytest.fixture
def rogue(site_settings):
    return make_staff("rogue", ADMINISTRATORS)


def invite(by, address="back-door@example.net"):
    return staff.staff_invitation_create(
        invitation=StaffInvitation(email=address, role="administrator", language="en"),
        invited_by=by,
    )


def accept(client, link):
    return client.post(link, {"name": "Someone", "password1": PASSWORD, "password2": PASSWORD})


@pytest.mark.parametrize("removal", ["deactivated", "no longer administrator"])
def test_an_invitation_from_an_administrator_since_removed_creates_no_account(
    client, rogue, removal
):
    invite(rogue)
    link = last_link()
    if removal == "deactivated":
        rogue.is_active = False
        rogue.save()
    else:
        rogue.groups.remove(Group.objects.get(name=ADMINISTRATORS))

    page = client.get(link)
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    response = accept(client, link)
    assert response.status_code == 410
    assert not User.objects.filter(username="back-door@example.net").exists()


def test_another_administrator_sending_it_again_vouches_for_it(client, rogue):
    invitation = invite(rogue)
    rogue.is_active = False
    rogue.save()
    colleague = make_staff("colleague", ADMINISTRATORS)
    staff.staff_invitation_resend(invitation=invitation, by=colleague)

    response = accept(client, last_link())
    assert response.status_code == 302
    assert User.objects.filter(username="back-door@example.net", is_staff=True).exists()


def test_the_invitation_page_is_never_indexed(client, rogue):
    """Like the sign-on and join confirmation links: a page behind a one-time link in a mail."""
    invite(rogue)
    for link in (last_link(), "/admin/invitation/not-a-token/"):
        response = client.get(link)
        assert "noindex" in response.get("X-Robots-Tag", ""), link
