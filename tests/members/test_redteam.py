"""Attacks on the members' area, profile editing and contact handover (red-team review): each
test is one attack that once worked."""

import pytest

from members import profile
from members.models import MemberStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(organization):
    organization.contact_name = "Kim Min-ji"
    organization.contact_email = "minji@onk.example.org"
    organization.language = "ko"
    organization.save()
    return organization


def test_a_handover_started_by_a_contact_since_replaced_by_staff_no_longer_confirms(
    client, contact, site_settings
):
    # The contact, about to be removed (they left the organization, or their mailbox was
    # taken), names an address they control as successor...
    _handover, token = profile.contact_handover_start(
        organization=contact,
        name="Someone",
        email="former@elsewhere.example.org",
        requested_by=contact.contact_email,
    )
    # ...then the secretariat sets the organization's real new contact on the desk.
    contact.contact_name = "Lee Soo-jin"
    contact.contact_email = "soojin@onk.example.org"
    contact.save()

    # The old link must not give the role back to the person who was removed.
    assert client.get(f"/en/members/contact/{token}/").status_code == 404
    assert client.post(f"/en/members/contact/{token}/").status_code == 404
    contact.refresh_from_db()
    assert contact.contact_email == "soojin@onk.example.org"


def test_a_handover_of_an_organization_that_left_no_longer_confirms(client, contact):
    _handover, token = profile.contact_handover_start(
        organization=contact,
        name="Lee Soo-jin",
        email="soojin@onk.example.org",
        requested_by=contact.contact_email,
    )
    contact.status = MemberStatus.LEFT
    contact.save()

    assert client.post(f"/en/members/contact/{token}/").status_code == 404
    contact.refresh_from_db()
    assert contact.contact_email == "minji@onk.example.org"
