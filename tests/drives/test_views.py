import datetime
import re

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from drives import services
from drives.models import Answer
from drives.tokens import token_for
from members.services import take_down

pytestmark = pytest.mark.django_db


def url(invitation, language="en"):
    return f"/{language}/sign/{token_for(invitation)}/"


@pytest.fixture
def org_invitation(drive, orgs):
    return drive.invitations.get(organization=orgs[0])


@pytest.fixture
def person_invitation(drive, person):
    return drive.invitations.get(supporter=person)


def test_opening_the_link_changes_nothing_and_is_never_cached_or_indexed(client, org_invitation):
    response = client.get(url(org_invitation, "ko"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "책임 규명 촉구" in html  # the Korean version on the Korean page
    assert 'href="/en/sign/' in html  # the other version linked
    assert '<meta name="robots" content="noindex' in html
    assert {"private", "no-store"} <= set(re.split(r",\s*", response["Cache-Control"]))
    assert "noindex" in response["X-Robots-Tag"]
    assert not org_invitation.answers.exists()


def test_signing_and_declining_are_posts_and_can_change_until_the_deadline(
    client, drive, org_invitation
):
    response = client.post(url(org_invitation), {"action": "sign", "comment": "Yes"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "your answer is recorded" in page
    assert "Citizens&#x27; Alliance" in page  # now among those who signed so far
    client.post(url(org_invitation), {"action": "decline"})
    assert services.latest_answer(org_invitation).choice == Answer.Choice.DECLINED
    with time_machine.travel(drive.deadline + datetime.timedelta(hours=1)):
        response = client.post(url(org_invitation), {"action": "sign"})
        assert response.status_code == 400
        assert "deadline has passed" in response.content.decode()
    assert services.latest_answer(org_invitation).choice == Answer.Choice.DECLINED


def test_the_link_expires_after_the_grace_period(client, drive, org_invitation):
    with time_machine.travel(drive.deadline + datetime.timedelta(days=1)):
        assert client.get(url(org_invitation)).status_code == 200  # read-only, in the grace
    with time_machine.travel(drive.deadline + datetime.timedelta(days=2, minutes=1)):
        assert client.get(url(org_invitation)).status_code == 404


def test_a_bad_token_is_a_404_with_a_reason(client, drive):
    response = client.get("/en/sign/1-deadbeef/")
    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_the_page_names_signers_only_as_their_visibility_allows(
    client, drive, orgs, person_invitation, org_invitation
):
    quiet = drive.invitations.get(organization=orgs[2])
    services.answer(invitation=quiet, choice=Answer.Choice.SIGNED)
    client.post(url(person_invitation), {"action": "sign", "visibility": "initials"})
    page = client.get(url(org_invitation)).content.decode()
    assert "J. R." in page
    assert "Jane Roe" not in page
    assert "Quiet Group" not in page and "1 other organization" in page
    # No member's contact data on anyone's page.
    assert "@example.org" not in page


def test_the_most_private_level_is_preselected_for_a_person(client, person_invitation):
    page = client.get(url(person_invitation)).content.decode()
    checked = re.findall(r'<input[^>]*value="(\w+)"[^>]*checked', page)
    assert checked == ["hidden"]


def test_a_taken_down_person_link_stops_working(client, person, person_invitation):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "pw-long-enough-123")
    take_down(supporter=person, user=admin)
    assert client.get(url(person_invitation)).status_code == 404


@override_settings(DRIVE_ANSWER_RATE_LIMIT=2)
def test_answers_are_rate_limited(client, org_invitation):
    for _ in range(2):
        assert client.post(url(org_invitation), {"action": "sign"}).status_code == 302
    response = client.post(url(org_invitation), {"action": "sign"})
    assert response.status_code == 429
    assert org_invitation.answers.count() == 2


def test_robots_txt_keeps_crawlers_off_sign_on_pages(client):
    assert "Disallow: /en/sign/" in client.get("/robots.txt").content.decode()


def test_the_sign_on_page_gives_the_deadline_in_the_coalitions_time_zone(
    client, drive, org_invitation, site_settings
):
    site_settings.time_zone = "Europe/London"
    site_settings.save()
    drive.deadline = datetime.datetime(2099, 1, 31, 9, 0, tzinfo=datetime.UTC)
    drive.save()
    page = client.get(url(org_invitation)).content.decode()
    assert "Answer by 31 January 2099, 09:00 (Europe/London)." in page
    assert "Asia/Tokyo" not in page


def test_after_release_the_page_says_the_statement_is_published_and_signing_shows_no_more(
    client, drive, draft, editor, person_invitation
):
    from statements.services import statement_publish

    services.answer(invitation=person_invitation, choice=Answer.Choice.SIGNED)
    before = client.get(url(person_invitation)).content.decode()
    assert "not published, please do not share" in before
    assert "signing again can show you less" not in before
    statement_publish(statement=draft, user=editor)
    after = client.get(url(person_invitation)).content.decode()
    assert "not published" not in after
    assert "This statement is published" in after
    assert "signing again can show you less than now, never more" in after


def test_a_statement_scheduled_for_later_is_still_a_draft_not_to_share(
    client, drive, draft, editor, person_invitation
):
    """Scheduling releases the drive (the signatures are taken), but the statement may be
    under embargo: the page must not call it published, nor drop "do not share"."""
    from statements.services import statement_schedule

    services.answer(invitation=person_invitation, choice=Answer.Choice.SIGNED)
    statement_schedule(statement=draft, user=editor, at=timezone.now() + datetime.timedelta(days=2))
    page = client.get(url(person_invitation)).content.decode()
    assert "not published, please do not share" in page
    assert "This statement is published" not in page
    assert "signing again can show you less than now, never more" in page
