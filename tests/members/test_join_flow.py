"""Verification, review, decisions, mail that survives a mail server outage, retention."""

import datetime
import re
import time

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from icnk.models import OutboundEmail
from members import services
from members.models import JoinRequest, Organization, Supporter, Visibility
from members.personal_data import ERASED_NAME
from tests.factories import SMTPSink, login_with_two_factor, png_bytes, send_mail_to, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def submit(client, data, **files):
    response = client.post("/en/join/", {**data, **files})
    assert response.status_code == 302, response.content.decode()[:2000]
    return JoinRequest.objects.get(email=data["email"])


def link_from(body):
    return re.search(r"https?://\S+/join/confirm/\S+/", body).group(0)


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", "editor@example.org", "a-long-editor-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Secretariat editors"))
    return user


def test_verification_link_from_the_email_confirms_and_notifies_the_secretariat(
    client, site_settings, person_data, run_worker
):
    join_request = submit(client, person_data)
    run_worker()
    assert [m.to for m in mail.outbox] == [["aiko@example.jp"]]
    link = link_from(mail.outbox[0].body)
    assert "aiko" not in link  # the address does not travel in the link

    path = link.replace("http://testserver", "")
    # Opening the link (as a mail scanner would) only shows what would happen.
    assert client.get(path).status_code == 200
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.UNVERIFIED
    response = client.post(path, {"visibility": "full_name"}, follow=True)
    assert response.status_code == 200
    assert "your email address is confirmed" in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.verified_at is not None

    run_worker()
    assert mail.outbox[1].to == [site_settings.contact_email]
    assert "Aiko Tanaka" in mail.outbox[1].subject
    # Following the link again changes nothing and sends nothing more.
    client.get(path)
    client.post(path, {"visibility": "hidden"})
    run_worker()
    assert len(mail.outbox) == 2


def test_tampered_link_gets_a_clear_page_and_changes_nothing(client, site_settings, person_data):
    join_request = submit(client, person_data)
    token = services.make_token(join_request)
    response = client.get(f"/en/join/confirm/{token[:-3]}abc/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.UNVERIFIED


class FourDaysAgoSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 4 * 24 * 3600)


def test_expired_link_offers_a_new_one_which_works(client, site_settings, person_data, run_worker):
    join_request = submit(client, person_data)
    old_token = FourDaysAgoSigner(salt=services.TOKEN_SALT).sign_object(
        {"id": join_request.pk, "e": services._email_digest(join_request.email)}
    )
    response = client.get(f"/en/join/confirm/{old_token}/")
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.UNVERIFIED

    response = client.post(f"/en/join/confirm/{old_token}/")
    assert response["Location"] == "/en/join/sent/"
    run_worker()
    new_link = link_from(mail.outbox[-1].body).replace("http://testserver", "")
    assert client.post(new_link, {"visibility": "hidden"}).status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_approving_creates_exactly_one_member_with_the_submitted_data(
    client, site_settings, org_data, editor, run_worker
):
    join_request = submit(client, org_data, logo=SimpleUploadedFile("l.png", png_bytes()))
    services.join_request_verify(join_request=join_request, admin_url="http://x/")
    login_with_two_factor(client, editor)
    response = client.post(
        "/admin/members/joinrequest/",
        {"action": "approve", "_selected_action": [join_request.pk]},
        follow=True,
    )
    assert "1 request approved" in response.content.decode()
    organization = Organization.objects.get()
    assert organization.name == org_data["name"]
    assert organization.local_name == org_data["local_name"]
    assert organization.country.code == "KR"
    assert organization.kind == "national_ngo"
    assert organization.website == org_data["website"]
    assert organization.description_en == org_data["description"]
    assert organization.contact_email == org_data["email"]
    assert organization.logo and organization.logo.read().startswith(b"\x89PNG")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.organization == organization
    assert join_request.decided_by == editor and join_request.decided_at is not None
    assert LogEntry.objects.filter(object_id=str(join_request.pk), user=editor).exists()

    # Approving twice does not create a second member.
    client.post(
        "/admin/members/joinrequest/", {"action": "approve", "_selected_action": [join_request.pk]}
    )
    assert Organization.objects.count() == 1
    run_worker()
    assert any("Welcome" in m.subject and m.to == [org_data["email"]] for m in mail.outbox)


def test_approving_an_individual_respects_their_consented_choice(
    site_settings, person_data, editor
):
    join_request = JoinRequest.objects.create(
        kind="individual", status="pending", **{
            k: v for k, v in person_data.items() if k in {"name", "affiliation", "country", "email"}
        }, consent_visibility=Visibility.COUNTED, consented_at=timezone.now(),
    )  # fmt: skip
    supporter = services.join_request_approve(join_request=join_request, reviewer=editor)
    assert supporter.visibility == Visibility.COUNTED
    assert Supporter.objects.count() == 1


def test_rejecting_records_the_reason_and_emails_it(
    client, site_settings, person_data, editor, run_worker
):
    join_request = submit(client, person_data)
    services.join_request_verify(join_request=join_request, admin_url="http://x/")
    login_with_two_factor(client, editor)
    confirm = client.post(
        "/admin/members/joinrequest/", {"action": "reject", "_selected_action": [join_request.pk]}
    )
    assert "You are rejecting these requests" in confirm.content.decode()
    client.post(
        "/admin/members/joinrequest/",
        {
            "action": "reject",
            "apply": "1",
            "_selected_action": [join_request.pk],
            "reason": "We could not confirm your connection to human-rights work.",
            "notify": "on",
        },
    )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REJECTED
    assert join_request.decided_by == editor
    run_worker()
    rejection = mail.outbox[-1]
    assert rejection.to == ["aiko@example.jp"]
    assert "We could not confirm your connection to human-rights work." in rejection.body


def test_review_queue_shows_verified_requests_by_default_with_duplicates(
    client, site_settings, editor
):
    Organization.objects.create(
        name="Free NK Gulag", slug="free-nk-gulag", contact_email="office@freenk.example.org"
    )
    pending = JoinRequest.objects.create(
        kind="organization", status="pending", name="Free NK Gulag Association",
        email="new@freenk.example.org",
    )  # fmt: skip
    JoinRequest.objects.create(
        kind="organization", status="unverified", name="Not Yet Verified", email="u@example.org"
    )
    login_with_two_factor(client, editor)
    changelist = client.get("/admin/members/joinrequest/").content.decode()
    assert "Free NK Gulag Association" in changelist
    assert "Not Yet Verified" not in changelist
    change = client.get(f"/admin/members/joinrequest/{pending.pk}/change/").content.decode()
    assert "Free NK Gulag</a>" in change
    assert "same domain" in change or "similar name" in change


def test_markup_in_a_request_is_shown_escaped_to_staff(client, site_settings, editor):
    join_request = JoinRequest.objects.create(
        kind="organization", status="pending", name="<script>alert('x')</script>",
        email="x@example.org", description="<img src=x onerror=alert(1)>",
    )  # fmt: skip
    login_with_two_factor(client, editor)
    html = client.get(f"/admin/members/joinrequest/{join_request.pk}/change/").content.decode()
    html += client.get("/admin/members/joinrequest/").content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;" in html


def test_mail_waits_while_the_server_is_down_and_is_sent_once_when_it_returns(
    client, site_settings, person_data, settings, free_port, run_worker
):
    send_mail_to(settings, free_port, timeout=2)
    settings.MAIL_RETRY_BACKOFF_SECONDS = 1
    join_request = submit(client, person_data)
    assert join_request.pk  # the request is stored whatever the mail server does

    run_worker()  # server down: first attempt fails and a retry is scheduled
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1 and "Connection refused" in email.last_error

    sink = SMTPSink(port=free_port)
    sink.start()

    def retried():
        run_worker()  # sends nothing until the back-off has passed
        email.refresh_from_db()
        return email.status == OutboundEmail.Status.SENT

    try:
        wait_for(retried, timeout=30, every=0.2, what="the retry after the back-off")
    finally:
        sink.stop()
    assert email.status == OutboundEmail.Status.SENT
    assert len(sink.messages) == 1
    assert "aiko@example.jp" in sink.messages[0]
    assert "/join/confirm/" in sink.messages[0]
    run_worker()
    assert len(sink.messages) == 1  # sent once, not again


def test_purge_erases_stale_unverified_and_rejected_requests_keeping_counts(site_settings):
    old = timezone.now() - datetime.timedelta(days=45)
    stale = JoinRequest.objects.create(
        kind="individual", name="Old Unverified", email="old@example.org", submitted_at=old
    )
    rejected = JoinRequest.objects.create(
        kind="individual", name="Old Rejected", email="rej@example.org", status="rejected",
        decided_at=old, rejection_reason="no",
    )  # fmt: skip
    fresh = JoinRequest.objects.create(kind="individual", name="Fresh", email="f@example.org")
    pending = JoinRequest.objects.create(
        kind="individual", name="Waiting", email="w@example.org", status="pending", submitted_at=old
    )
    call_command("purge_join_requests", days=30, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for obj in (stale, rejected, fresh, pending):
        obj.refresh_from_db()
    assert stale.name == ERASED_NAME and stale.email == "" and stale.personal_data_erased_at
    assert rejected.name == ERASED_NAME and rejected.rejection_reason == ""
    assert fresh.name == "Fresh" and pending.name == "Waiting"
    assert JoinRequest.objects.count() == 4  # only counts remain
