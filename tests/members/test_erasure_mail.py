"""An erasure removes the person from mail the site sent others about them."""

import pytest
from django.urls import reverse

from icnk.models import OutboundEmail
from icnk.roles import ADMINISTRATORS
from members import services
from members.models import JoinRequest, Supporter, Visibility
from members.personal_data import personal_data_erase
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

NAME = "이준"  # a whole Korean name in two characters
PHONE = "+82 10 5555 6666"
EMAIL = "lee.jun@example.org"


@pytest.fixture
def administrator(db):
    return make_staff("chief", ADMINISTRATORS)


def test_a_two_character_name_and_a_phone_leave_mail_about_the_person(site_settings, administrator):
    supporter = Supporter.objects.create(
        full_name=NAME, email=EMAIL, phone=PHONE, visibility=Visibility.FULL_NAME
    )
    about = OutboundEmail.objects.create(
        to="desk@coalition.example",
        subject=f"Call {NAME} back",
        body=f"{NAME} asked to be called on {PHONE} about the hearing.",
    )

    personal_data_erase(subject=supporter, user=administrator)

    about.refresh_from_db()
    assert NAME not in about.subject
    assert NAME not in about.body and PHONE not in about.body


def test_the_secretariat_notice_of_their_request_goes(site_settings, administrator):
    join_request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL, name=NAME, email=EMAIL, country="KR"
    )
    change = reverse("admin:members_joinrequest_change", args=[join_request.pk])
    services.join_request_verify(join_request=join_request, admin_url=f"https://x.example{change}")
    assert OutboundEmail.objects.exclude(to=EMAIL).exists()
    other = JoinRequest.objects.create(
        kind=JoinRequest.Kind.INDIVIDUAL, name="Somebody Else", email="else@example.org"
    )
    services.join_request_verify(
        join_request=other,
        admin_url="https://x.example"
        + reverse("admin:members_joinrequest_change", args=[other.pk]),
    )

    personal_data_erase(subject=join_request, user=administrator)

    remaining = list(OutboundEmail.objects.values_list("subject", flat=True))
    assert remaining == ["New request to join: Somebody Else (Individual supporter)"]
