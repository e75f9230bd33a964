"""Mass assignment: fields a public form does not show cannot be set by posting them anyway.

Every public form is posted with the fields an attacker would add (a status, a reviewer, a
link to an existing member, staff flags, a visibility level); the request must come out exactly
as if they had not been sent.
"""

import pytest
from django.contrib.auth.models import User

from icnk.roles import ADMINISTRATORS
from members.models import JoinRequest, Organization, Supporter, Visibility
from members.services import make_token
from tests.factories import INDIVIDUAL, ORGANIZATION

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(db):
    from tests.factories import make_staff

    return make_staff("ada", ADMINISTRATORS)


@pytest.fixture
def existing_member(db):
    return Organization.objects.create(name="Existing Member", slug="existing-member")


@pytest.fixture
def existing_supporter(db):
    return Supporter.objects.create(full_name="Kept Private", visibility=Visibility.HIDDEN)


@pytest.fixture
def smuggled(reviewer, existing_member, existing_supporter):
    """What an attacker adds to a POST, hoping a form or a view will take it."""
    return {
        "status": JoinRequest.Status.APPROVED,
        "decided_by": reviewer.pk,
        "decided_at": "2020-01-01T00:00:00Z",
        "verified_at": "2020-01-01T00:00:00Z",
        "submitted_at": "2000-01-01T00:00:00Z",
        "organization": existing_member.pk,
        "supporter": existing_supporter.pk,
        "rejection_reason": "none",
        "personal_data_erased_at": "2020-01-01T00:00:00Z",
        "language": "xx",
        "accepted_objectives": "",
        "visibility": Visibility.FULL_NAME,
        "consent_visibility": Visibility.FULL_NAME,
        "consented_at": "2020-01-01T00:00:00Z",
        "is_staff": "on",
        "is_superuser": "on",
        "id": 999,
        "pk": 999,
    }


def assert_untouched_by(join_request, *, existing_member, existing_supporter):
    assert join_request.pk != 999
    assert join_request.status == JoinRequest.Status.UNVERIFIED
    assert join_request.decided_by is None and join_request.decided_at is None
    assert join_request.verified_at is None
    assert join_request.submitted_at.year > 2000
    assert join_request.organization is None and join_request.supporter is None
    assert join_request.rejection_reason == ""
    assert join_request.personal_data_erased_at is None
    assert join_request.accepted_objectives is True
    assert join_request.language == "ko"
    assert not User.objects.filter(is_staff=True).exclude(username="ada").exists()
    assert not User.objects.filter(is_superuser=True).exists()
    assert list(Organization.objects.all()) == [existing_member]
    existing_supporter.refresh_from_db()
    assert existing_supporter.visibility == Visibility.HIDDEN
    assert Supporter.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "data"), [("organization", ORGANIZATION), ("individual", INDIVIDUAL)]
)
def test_the_join_form_ignores_fields_it_does_not_show(
    client, site_settings, smuggled, existing_member, existing_supporter, kind, data
):
    response = client.post("/ko/join/", {**data, **smuggled})
    assert response.status_code == 302
    assert response["Location"] == "/ko/join/sent/"
    join_request = JoinRequest.objects.get()
    assert join_request.kind == kind
    assert join_request.email == data["email"]
    assert_untouched_by(
        join_request, existing_member=existing_member, existing_supporter=existing_supporter
    )


def test_an_individual_who_did_not_ask_to_be_listed_cannot_be_listed_by_a_smuggled_field(
    client, site_settings, smuggled
):
    client.post("/en/join/", {**INDIVIDUAL, **smuggled})
    join_request = JoinRequest.objects.get()
    assert join_request.consent_visibility == "" and join_request.consented_at is None


def test_the_kind_comes_from_the_chosen_path_not_from_extra_fields(client, site_settings):
    # An individual's form posted with organization-only fields: they are not stored.
    response = client.post(
        "/en/join/", {**INDIVIDUAL, "contact_name": "Smuggled", "phone": "+1 555 0100"}
    )
    assert response.status_code == 302
    join_request = JoinRequest.objects.get()
    assert join_request.kind == JoinRequest.Kind.INDIVIDUAL
    assert join_request.contact_name == "" and join_request.phone == ""


def test_the_new_link_form_ignores_fields_it_does_not_show(
    client, site_settings, smuggled, existing_member, existing_supporter
):
    client.post("/ko/join/", INDIVIDUAL)
    join_request = JoinRequest.objects.get()
    response = client.post("/ko/join/new-link/", {"email": INDIVIDUAL["email"], **smuggled})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert_untouched_by(
        join_request, existing_member=existing_member, existing_supporter=existing_supporter
    )


def test_the_confirmation_link_only_ever_confirms_the_email(
    client, site_settings, smuggled, existing_member
):
    client.post("/en/join/", ORGANIZATION)
    join_request = JoinRequest.objects.get()
    response = client.post(f"/en/join/confirm/{make_token(join_request)}/", smuggled)
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.decided_by is None and join_request.organization is None
    assert join_request.rejection_reason == ""
    assert list(Organization.objects.all()) == [existing_member]
