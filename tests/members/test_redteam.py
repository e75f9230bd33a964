"""Attacks on the members' area, profile editing and contact handover (red-team review): each
test is one attack that once worked."""

import datetime

import pytest

from icnk.roles import EDITORS
from members import profile, self_service
from members.models import MemberStatus, Supporter, VisibilityRequest
from members.models import Visibility as V
from tests.factories import make_staff, make_supporter

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


def test_a_request_for_less_privacy_cannot_be_approved_after_staff_made_the_person_more_private(
    site_settings,
):
    """Attack (stale approval): a supporter shown by initials asks to be shown by full name.
    Before anyone decides, the secretariat learns the person is at risk and hides them on the
    desk (not a take-down). A second staff member, working through the queue, approves the old
    request: the full name was published again."""
    person = make_supporter(
        "Zhu Quan",
        V.INITIALS,
        email="zq@example.org",
        consent_date=datetime.date(2025, 1, 1),
        consent_visibility=V.INITIALS,
    )
    request = self_service.visibility_request(
        supporter=person, level=V.FULL_NAME, wording="Full name: shown everywhere."
    )
    person.visibility = V.HIDDEN
    person._change_reason = "Hidden by the secretariat: at risk"
    person.save()

    with pytest.raises(self_service.DecisionError):
        self_service.visibility_request_approve(request=request, user=make_staff("eve", EDITORS))
    assert Supporter.objects.get(pk=person.pk).visibility == V.HIDDEN
    request.refresh_from_db()
    assert request.status == VisibilityRequest.Status.PENDING


def test_the_desk_says_why_a_stale_request_was_not_approved(client, site_settings):
    from tests.factories import login_with_two_factor

    person = make_supporter("Zhu Quan", V.INITIALS, email="zq@example.org")
    request = self_service.visibility_request(
        supporter=person, level=V.FULL_NAME, wording="Full name: shown everywhere."
    )
    person.visibility = V.HIDDEN
    person.save()
    login_with_two_factor(client, make_staff("eve", EDITORS))

    change = f"/admin/members/visibilityrequest/{request.pk}/change/"
    page = client.post(change, {"reason": "", "_approve": "1"}, follow=True)
    assert "visibility changed since they asked" in page.content.decode()
    assert Supporter.objects.get(pk=person.pk).visibility == V.HIDDEN


def test_a_profile_change_asked_by_a_replaced_contact_is_not_applied(client, contact):
    """Attack: a contact about to be removed proposes a new website (a page of their own);
    the secretariat then sets the real new contact. A reviewer approving the queue later
    published the removed person's change, and told the new contact it was theirs."""
    from tests.factories import login_with_two_factor

    change = profile.profile_change_submit(
        organization=contact,
        values={"website": "https://impostor.example.net/"},
        requested_by=contact.contact_email,
    )
    contact.contact_email = "soojin@onk.example.org"
    contact.save()
    login_with_two_factor(client, make_staff("eve", EDITORS))

    page = client.post(
        f"/admin/members/profilechange/{change.pk}/approve/",
        {"version": profile.version(change)},
        follow=True,
    )
    assert "asked by a previous contact" in page.content.decode()
    contact.refresh_from_db()
    assert contact.website != "https://impostor.example.net/"
    change.refresh_from_db()
    assert change.status == change.Status.WITHDRAWN
