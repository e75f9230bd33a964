"""A person's export and erasure follow addresses verified on both records, never a claim."""

import json

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from icnk.models import OutboundEmail
from icnk.roles import ADMINISTRATORS
from members.models import JoinRequest, Supporter, Visibility
from members.personal_data import ERASED_NAME, personal_data_erase, personal_data_export
from tests.factories import login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db

VICTIM = "Choi Seong-min"
VICTIM_EMAIL = "seong-min@example.org"
STRANGER = "Someone Else Entirely"


@pytest.fixture
def administrator(db):
    return make_staff("chief", ADMINISTRATORS)


@pytest.fixture
def victim(db):
    """A supporter who joined by a verified request, with mail the site sent them."""
    supporter = Supporter.objects.create(
        full_name=VICTIM, email=VICTIM_EMAIL, phone="+82 10 1111 2222", visibility=Visibility.HIDDEN
    )
    JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL,
        status=JoinRequest.Status.APPROVED,
        name=VICTIM,
        email=VICTIM_EMAIL,
        verified_at=timezone.now(),
        supporter=supporter,
    )
    OutboundEmail.objects.create(to=VICTIM_EMAIL, subject="Welcome", body=f"Dear {VICTIM}")
    return supporter


@pytest.fixture
def impostor_request(db):
    """Someone typed the victim's address into the join form and never verified it."""
    return JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL,
        status=JoinRequest.Status.UNVERIFIED,
        name=STRANGER,
        email=VICTIM_EMAIL.upper(),
    )


def test_an_unverified_request_does_not_pull_the_address_owner_into_its_export(
    victim, impostor_request, administrator
):
    data = personal_data_export(subject=impostor_request, user=administrator)
    text = json.dumps(data)
    assert STRANGER in text
    assert VICTIM not in text
    assert data["supporters"] == []
    assert [r["fields"]["id"] for r in data["join_requests"]] == [impostor_request.pk]
    assert data["emails_sent"] == []  # the welcome mail is the owner's


def test_an_unverified_request_does_not_erase_the_address_owner(
    victim, impostor_request, administrator
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        personal_data_erase(subject=impostor_request, user=administrator)

    victim.refresh_from_db()
    assert (victim.full_name, victim.email) == (VICTIM, VICTIM_EMAIL)
    assert JoinRequest.objects.filter(name=VICTIM, email=VICTIM_EMAIL).exists()
    assert OutboundEmail.objects.get().body == f"Dear {VICTIM}"
    impostor_request.refresh_from_db()
    assert impostor_request.name == ERASED_NAME


def test_the_owners_export_leaves_out_a_strangers_unverified_request(
    victim, impostor_request, administrator
):
    data = personal_data_export(subject=victim, user=administrator)
    assert STRANGER not in json.dumps(data)
    assert [r["fields"]["name"] for r in data["join_requests"]] == [VICTIM]


def test_the_owners_erasure_also_removes_unverified_requests_using_their_address(
    victim, impostor_request, administrator
):
    personal_data_erase(subject=victim, user=administrator)
    impostor_request.refresh_from_db()
    assert impostor_request.email == ""
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("action", "listed", "not_listed"),
    [
        ("export_personal_data", [VICTIM], [STRANGER]),
        ("erase_personal_data", [VICTIM, STRANGER, "unverified request"], []),
    ],
)
def test_the_confirmation_page_lists_every_record_the_action_covers(
    client, victim, impostor_request, administrator, action, listed, not_listed
):
    login_with_two_factor(client, administrator)
    page = client.post(
        reverse("admin:members_supporter_changelist"),
        {"action": action, "_selected_action": [victim.pk]},
    )
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    verified_request = JoinRequest.objects.get(name=VICTIM)
    assert f"Individual supporter #{victim.pk}: {VICTIM}" in page.text
    assert f"Request to join #{verified_request.pk}: {VICTIM}" in page.text
    assert "1 email sent to them" in page.text
    for text in listed:
        assert text in page.text
    for text in not_listed:
        assert text not in page.text
    # Nothing happened yet.
    victim.refresh_from_db()
    assert victim.full_name == VICTIM
