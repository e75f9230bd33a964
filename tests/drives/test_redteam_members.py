"""Red team: a sign-on drive follows the member's standing at the moment it counts.

A member organization that left the coalition (or was suspended), or a person who left or whose
personal data was erased, must not end up on a joint statement through an answer given
before, nor keep a working link to the draft, nor be reminded to sign it.
"""

import pytest

from drives import services
from drives.models import Answer
from drives.tokens import token_for
from icnk.models import OutboundEmail
from icnk.roles import ADMINISTRATORS
from members.models import MemberStatus
from members.personal_data import personal_data_erase, personal_data_export
from statements.models import Signature
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def url(invitation, language="en"):
    return f"/{language}/sign/{token_for(invitation)}/"


@pytest.mark.parametrize("status", [MemberStatus.LEFT, MemberStatus.SUSPENDED])
def test_an_organization_that_left_after_signing_is_not_released_onto_the_statement(
    client, drive, orgs, editor, draft, status
):
    leaving, staying = orgs[0], orgs[1]
    for organization in (leaving, staying):
        invitation = drive.invitations.get(organization=organization)
        assert client.post(url(invitation), {"action": "sign"}).status_code == 302
    leaving.status = status
    leaving.save()

    services.release(drive=drive, user=editor)

    signed = set(Signature.objects.filter(statement=draft).values_list("organization", flat=True))
    assert signed == {staying.pk}


def test_the_link_of_an_organization_that_left_no_longer_opens_the_draft_or_answers(
    client, drive, orgs
):
    invitation = drive.invitations.get(organization=orgs[0])
    orgs[0].status = MemberStatus.LEFT
    orgs[0].save()
    page = client.get(url(invitation))
    assert page.status_code == 404
    assert "The coalition calls for accountability" not in page.content.decode()
    assert client.post(url(invitation), {"action": "sign"}).status_code == 404
    assert not invitation.answers.exists()


def test_an_erased_person_drops_out_of_the_drive_and_their_comment_is_erased(
    client, drive, person, editor, draft
):
    invitation = drive.invitations.get(supporter=person)
    client.post(url(invitation), {"action": "sign", "comment": "Jane Roe, Seoul office"})
    personal_data_erase(subject=person, user=make_staff("admin", ADMINISTRATORS))

    assert client.get(url(invitation)).status_code == 404
    services.release(drive=drive, user=editor)
    assert not Signature.objects.filter(statement=draft, supporter=person).exists()
    assert not Answer.objects.filter(comment__contains="Jane Roe").exists()


def test_an_erased_contact_leaves_the_comment_they_wrote_for_their_organization(
    client, drive, orgs, editor
):
    from tests.factories import login_with_two_factor

    organization = orgs[0]
    organization.contact_name = "Hidden Contactperson"
    organization.contact_phone = "+1-202-555-0142"
    organization.save()
    invitation = drive.invitations.get(organization=organization)
    comment = "Signed by hidden contactperson; call me on +1-202-555-0142, not the office line."
    client.post(url(invitation), {"action": "sign", "comment": comment})

    personal_data_erase(subject=organization, user=make_staff("admin", ADMINISTRATORS))

    login_with_two_factor(client, editor)
    tally = client.get(f"/admin/drives/invitation/{invitation.pk}/change/").content.decode()
    assert "not the office line" in tally  # the organization's words stay
    assert "contactperson" not in tally.lower() and "555-0142" not in tally
    (answer,) = Answer.objects.filter(invitation=invitation)
    assert answer.choice == Answer.Choice.SIGNED


def test_a_member_that_left_is_not_reminded_to_sign(drive, orgs):
    orgs[0].status = MemberStatus.LEFT
    orgs[0].save()
    before = set(OutboundEmail.objects.values_list("pk", flat=True))
    services.remind(drive=drive)
    reminded = set(OutboundEmail.objects.exclude(pk__in=before).values_list("to", flat=True))
    assert orgs[0].contact_email not in reminded
    assert orgs[1].contact_email in reminded


def test_a_persons_data_export_includes_their_sign_on_answers(client, drive, person):
    invitation = drive.invitations.get(supporter=person)
    client.post(url(invitation), {"action": "sign", "comment": "Please use my initials"})
    client.post(url(invitation), {"action": "decline", "comment": "Changed my mind"})

    data = personal_data_export(subject=person, user=make_staff("admin", ADMINISTRATORS))

    answers = data["supporters"][0]["sign_on_answers"]
    assert [(a["answer"], a["comment"]) for a in answers] == [
        ("signed", "Please use my initials"),
        ("declined", "Changed my mind"),
    ]
    assert answers[0]["statement"] == "Call for accountability"


def test_the_tallys_remind_action_skips_a_member_that_left(client, drive, orgs, editor):
    from tests.factories import login_with_two_factor

    orgs[0].status = MemberStatus.LEFT
    orgs[0].save()
    login_with_two_factor(client, editor)
    before = set(OutboundEmail.objects.values_list("pk", flat=True))
    ids = list(drive.invitations.filter(organization__in=orgs[:2]).values_list("pk", flat=True))
    client.post("/admin/drives/invitation/", {"action": "remind_selected", "_selected_action": ids})
    reminded = set(OutboundEmail.objects.exclude(pk__in=before).values_list("to", flat=True))
    assert reminded == {orgs[1].contact_email}
