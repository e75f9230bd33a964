"""Consent is given by the person, on a page that says what will be published (issue 12, item 3).

The confirmation link only shows that page: a mail scanner opening it confirms nothing. The
person confirms with a POST, which records when, what they read and the level they chose; the
member is created at that level, and the admin names nobody without a recorded consent.
"""

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from icnk.models import OutboundEmail
from icnk.roles import EDITORS
from members import services
from members.join_forms import CONSENT_WORDING_VERSION
from members.models import JoinRequest, Supporter, Visibility
from tests.factories import INDIVIDUAL, ORGANIZATION, login_with_two_factor, make_staff

pytestmark = pytest.mark.django_db


def apply(client, data, language="en"):
    assert client.post(f"/{language}/join/", data).status_code == 302
    join_request = JoinRequest.objects.get()
    return join_request, f"/{language}/join/confirm/{services.make_token(join_request)}/"


def test_opening_the_link_shows_every_choice_with_the_most_private_chosen_and_changes_nothing(
    client, site_settings
):
    join_request, link = apply(client, {**INDIVIDUAL, "display_name": "Sakura"})
    mails_before = OutboundEmail.objects.count()

    response = client.get(link)
    assert response.status_code == 200
    html = response.content.decode()
    for label, shown in [
        ("Full name", "Aiko Tanaka"),
        ("Display name only", "Sakura"),
        ("Initials only", "A. T."),
        ("Counted only (never named)", ""),
        ("Hidden", ""),
    ]:
        assert f"<strong>{label}</strong>" in html
        assert shown in html
    assert "You are never named and not counted in public." in html
    assert re.search(r'<input type="radio" [^>]*value="hidden"[^>]* checked>', html)
    assert html.count(" checked>") == 1

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.UNVERIFIED
    assert join_request.consented_at is None and join_request.verified_at is None
    assert OutboundEmail.objects.count() == mails_before  # no notice to the secretariat


def test_confirming_records_when_what_was_read_and_the_level_chosen(client, site_settings):
    join_request, link = apply(client, INDIVIDUAL, language="ko")
    assert client.post(link, {"visibility": "initials"}).status_code == 302

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.consent_visibility == Visibility.INITIALS
    assert timezone.now() - join_request.consented_at < datetime.timedelta(minutes=1)
    # The wording as it was shown: in Korean, with the version of the wording.
    assert join_request.consent_text.startswith(f"[{CONSENT_WORDING_VERSION} ko]")
    assert "이니셜" in join_request.consent_text
    assert "Aiko" not in join_request.consent_text
    # Confirming again changes nothing.
    client.post(link, {"visibility": "full_name"})
    join_request.refresh_from_db()
    assert join_request.consent_visibility == Visibility.INITIALS


def test_a_choice_not_offered_is_refused_and_confirms_nothing(client, site_settings):
    join_request, link = apply(client, INDIVIDUAL)  # no display name given
    assert "Display name only" not in client.get(link).content.decode()
    response = client.post(link, {"visibility": "display_name"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.UNVERIFIED


def test_an_organization_sees_its_public_fields_and_not_its_contact_details(client, site_settings):
    join_request, link = apply(client, ORGANIZATION)
    html = unescape(client.get(link).content.decode())
    for shown in (ORGANIZATION["name"], ORGANIZATION["local_name"], ORGANIZATION["website"]):
        assert shown in html
    for private in (ORGANIZATION["email"], ORGANIZATION["phone"], ORGANIZATION["contact_name"]):
        assert private not in html
    assert client.post(link).status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert "website" in join_request.consent_text and join_request.consented_at


def test_approval_shows_the_person_as_they_chose_and_records_their_consent(client, site_settings):
    join_request, link = apply(client, {**INDIVIDUAL, "display_name": "Sakura"})
    client.post(link, {"visibility": "display_name"})
    reviewer = User.objects.create_user("reviewer")
    supporter = services.join_request_approve(join_request=join_request, reviewer=reviewer)
    assert supporter.visibility == Visibility.DISPLAY_NAME
    assert supporter.public_name == "Sakura"
    assert supporter.consent_visibility == Visibility.DISPLAY_NAME
    assert supporter.consent_date == timezone.localdate()
    assert supporter.consent_text == JoinRequest.objects.get().consent_text


def test_a_person_who_chose_nothing_joins_hidden(site_settings):
    # Verified before the choice existed, or by staff: nobody chose a level for them.
    join_request = JoinRequest.objects.create(
        kind="individual", status="pending", name="Aiko Tanaka", email="aiko@example.jp"
    )
    reviewer = User.objects.create_user("reviewer")
    supporter = services.join_request_approve(join_request=join_request, reviewer=reviewer)
    assert supporter.visibility == Visibility.HIDDEN
    assert Supporter.objects.get().public_name == ""


def admin_post(client, supporter, **changes):
    data = {
        "full_name": supporter.full_name,
        "display_name": "",
        "affiliation": "",
        "country": "",
        "visibility": supporter.visibility,
        "consent_visibility": supporter.consent_visibility,
        "consent_date": supporter.consent_date.isoformat() if supporter.consent_date else "",
        "consent_means": supporter.consent_means,
        "status": supporter.status,
        "member_since": supporter.member_since.isoformat(),
        "left_on": "",
        "email": "",
        "phone": "",
        "private_notes": "",
        "_save": "Save",
        **changes,
    }
    return client.post(reverse("admin:members_supporter_change", args=[supporter.pk]), data)


def test_the_admin_names_nobody_without_a_recorded_consent_for_that_level(client, site_settings):
    login_with_two_factor(client, make_staff("editor", EDITORS))
    supporter = Supporter.objects.create(full_name="Kim Young-ja")
    assert supporter.visibility == Visibility.HIDDEN  # the default

    response = admin_post(client, supporter, visibility="full_name")
    assert response.status_code == 200
    assert "there is no recorded consent for it" in response.content.decode()
    supporter.refresh_from_db()
    assert supporter.visibility == Visibility.HIDDEN

    # Consent to initials does not cover the full name; it covers initials.
    consent = {"consent_visibility": "initials", "consent_date": "2013-01-10"}
    assert admin_post(client, supporter, visibility="full_name", **consent).status_code == 200
    assert admin_post(client, supporter, visibility="initials", **consent).status_code == 302
    supporter.refresh_from_db()
    assert supporter.public_name == "K. Y."
    # Counted only and hidden need no consent.
    assert admin_post(client, supporter, visibility="counted", consent_date="").status_code == 302
