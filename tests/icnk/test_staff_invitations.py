"""Staff accounts by invitation: invite, mail, accept, two-factor, and links that no longer work."""

import datetime
import email
import re
from email import policy

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from icnk import staff
from icnk.models import OutboundEmail, StaffInvitation
from icnk.roles import ADMINISTRATORS, EDITORS
from tests.factories import SMTPSink, login_with_two_factor, make_staff, send_mail_to, totp_code

pytestmark = pytest.mark.django_db

ADD = "/admin/icnk/staffinvitation/add/"
GOOD_PASSWORD = "a quiet harbour at dawn 42"


def link_in(body):
    return re.search(r"https?://\S+/admin/invitation/\S+/", body).group(0)


def path_of(link):
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.fixture
def chief(site_settings):
    user = make_staff("chief", ADMINISTRATORS)
    user.first_name = "Hana Lee"
    user.save()
    return user


@pytest.fixture
def chief_client(client, chief):
    login_with_two_factor(client, chief)
    return client


def invite(chief, address="newcomer@example.org", role="editor", language="en"):
    return staff.staff_invitation_create(
        invitation=StaffInvitation(email=address, role=role, language=language),
        invited_by=chief,
    )


def last_link():
    return path_of(link_in(OutboundEmail.objects.order_by("-pk").first().body))


@pytest.mark.django_db(transaction=True)
def test_invited_person_sets_a_password_then_two_factor_then_reaches_the_admin(
    client, chief, settings, free_port, run_worker
):
    send_mail_to(settings, free_port)
    login_with_two_factor(client, chief)
    response = client.post(
        ADD, {"email": "Minji@Example.org", "role": "editor", "language": "ko"}, follow=True
    )
    assert response.status_code == 200
    assert "Invitation sent to minji@example.org" in response.content.decode()

    sink = SMTPSink(port=free_port)
    sink.start()
    try:
        run_worker()
    finally:
        sink.stop()
    assert len(sink.messages) == 1
    message = email.message_from_string(sink.messages[0], policy=policy.default)
    assert message["To"] == "minji@example.org"
    assert "사무국" in message["Subject"]  # in the language chosen at invitation
    body = message.get_body().get_content()
    assert "Hana Lee" in body and "편집자" in body
    link = link_in(body)
    assert "minji" not in link.lower() and "example.org/" not in path_of(link)
    invitation = StaffInvitation.objects.get()
    assert invitation.token_hash not in link  # only the hash is stored, never the token
    assert link.rsplit("/", 2)[-2] not in str(list(StaffInvitation.objects.values()))

    visitor = client.__class__()
    page = visitor.get(path_of(link))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hana Lee" in html and "편집자" in html  # who invited them, and the role

    weak = visitor.post(
        path_of(link), {"name": "Kim Min-ji", "password1": "short", "password2": "short"}
    )
    assert weak.status_code == 400
    assert not User.objects.filter(username="minji@example.org").exists()

    response = visitor.post(
        path_of(link),
        {"name": "Kim Min-ji", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/?next=/admin/"
    user = User.objects.get(username="minji@example.org")
    assert user.is_staff and user.first_name == "Kim Min-ji"
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS]

    # No admin page before two-factor is set up.
    blocked = visitor.get("/admin/members/supporter/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/admin/two-factor/")
    setup = visitor.get(response["Location"])
    assert "otpauth://totp/" in setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    visitor.post("/admin/two-factor/", {"code": totp_code(device), "next": "/admin/"})
    assert visitor.get("/admin/members/supporter/").status_code == 200

    # The link worked once.
    again = client.__class__().get(path_of(link))
    assert again.status_code == 410
    assert "이미 사용" in again.content.decode()
    again = client.__class__().post(
        path_of(link), {"name": "X", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert again.status_code == 410
    assert User.objects.filter(email="minji@example.org").count() == 1

    # Recorded: who invited whom, and the account the invitation created.
    assert LogEntry.objects.filter(
        user=chief, action_flag=ADDITION, object_id=str(invitation.pk)
    ).exists()
    assert LogEntry.objects.filter(user=user, action_flag=ADDITION, object_id=str(user.pk)).exists()
    reasons = list(invitation.history.values_list("history_change_reason", flat=True))
    assert reasons == ["accepted", "sent"]


def test_a_new_account_signs_in_with_its_address_and_password(client, chief):
    invite(chief)
    client.post(
        last_link(), {"name": "New", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    other = client.__class__()
    response = other.post(
        "/admin/login/",
        {"username": "newcomer@example.org", "password": GOOD_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert other.get("/admin/")["Location"].startswith("/admin/two-factor/")


def test_an_administrator_invitation_makes_an_administrator(client, chief):
    invite(chief, role="administrator")
    client.post(
        last_link(), {"name": "New", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    user = User.objects.get(username="newcomer@example.org")
    assert list(user.groups.values_list("name", flat=True)) == [ADMINISTRATORS]


def test_an_expired_link_gives_a_clear_page_and_creates_nothing(client, chief):
    invitation = invite(chief)
    link = last_link()
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()
    for response in (
        client.get(link),
        client.post(link, {"name": "X", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}),
    ):
        assert response.status_code == 410
        html = response.content.decode()
        assert "This invitation has expired" in html
        assert "newcomer@example.org" not in html
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_an_invitation_expires_after_seven_days(chief):
    invitation = invite(chief)
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=7)


def test_a_revoked_link_stops_working(chief_client, chief):
    invitation = invite(chief)
    link = last_link()
    response = chief_client.post(
        f"/admin/icnk/staffinvitation/{invitation.pk}/revoke/", follow=True
    )
    assert "revoked" in response.content.decode()
    visitor = chief_client.__class__()
    response = visitor.get(link)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert LogEntry.objects.filter(object_id=str(invitation.pk), change_message__contains="Revoked")


def test_sending_again_replaces_the_link(chief_client, chief):
    invitation = invite(chief)
    old = last_link()
    page = chief_client.get(f"/admin/icnk/staffinvitation/{invitation.pk}/change/")
    html = page.content.decode()
    assert "Send again with a new link" in html and 'value="Revoke"' in html
    assert 'name="_save"' not in html  # a record: sent again or revoked, never edited
    chief_client.post(f"/admin/icnk/staffinvitation/{invitation.pk}/resend/")
    new = last_link()
    assert new != old
    visitor = chief_client.__class__()
    response = visitor.get(old)
    assert response.status_code == 404
    assert "does not work" in response.content.decode()
    assert visitor.get(new).status_code == 200
    assert OutboundEmail.objects.filter(to="newcomer@example.org").count() == 2


def test_an_expired_invitation_can_be_sent_again(chief_client, chief):
    invitation = invite(chief)
    invitation.expires_at = timezone.now() - datetime.timedelta(days=1)
    invitation.save()
    chief_client.post(f"/admin/icnk/staffinvitation/{invitation.pk}/resend/")
    assert chief_client.__class__().get(last_link()).status_code == 200


def _other(char):
    """A character the token did not have there: replacing "x" by "x" mangles nothing."""
    return "y" if char == "x" else "x"


@pytest.mark.parametrize(
    "mangle",
    [lambda t: t[:-1] + _other(t[-1]), lambda t: _other(t[0]) + t[1:], lambda t: "a"],
)
def test_a_mangled_link_gives_a_clear_page(client, chief, mangle):
    invite(chief)
    token = last_link().rstrip("/").rsplit("/", 1)[1]
    response = client.get(f"/admin/invitation/{mangle(token)}/")
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_editors_cannot_invite(client, site_settings):
    editor = make_staff("editor", EDITORS)
    login_with_two_factor(client, editor)
    assert client.get(ADD).status_code == 403
    response = client.post(
        ADD, {"email": "x@example.org", "role": "administrator", "language": "en"}
    )
    assert response.status_code == 403
    assert client.get("/admin/icnk/staffinvitation/").status_code == 403
    assert "Invite staff" not in client.get("/admin/").content.decode()
    assert not StaffInvitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_editors_cannot_resend_or_revoke(client, chief):
    invitation = invite(chief)
    login_with_two_factor(client, make_staff("editor", EDITORS))
    for step in ("resend", "revoke"):
        response = client.post(f"/admin/icnk/staffinvitation/{invitation.pk}/{step}/")
        assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_pending and invitation.send_count == 1


def test_inviting_a_staff_address_is_a_form_error(chief_client, chief):
    make_staff("someone", EDITORS)  # someone@example.org
    response = chief_client.post(
        ADD, {"email": "SOMEONE@example.org", "role": "editor", "language": "en"}
    )
    assert response.status_code == 200
    assert "This address already has a staff account." in response.content.decode()
    assert not StaffInvitation.objects.exists()


def test_inviting_an_address_with_a_pending_invitation_is_a_form_error(chief_client, chief):
    invite(chief)
    response = chief_client.post(
        ADD, {"email": "newcomer@example.org", "role": "editor", "language": "en"}
    )
    assert "waiting to be accepted" in response.content.decode()
    assert StaffInvitation.objects.count() == 1


def test_an_administrator_sends_a_bounded_number_of_invitations_a_day(
    chief_client, chief, settings
):
    settings.STAFF_INVITATIONS_PER_DAY = 2
    for n in range(2):
        response = chief_client.post(
            ADD, {"email": f"p{n}@example.org", "role": "editor", "language": "en"}
        )
        assert response.status_code == 302
    response = chief_client.post(
        ADD, {"email": "p9@example.org", "role": "editor", "language": "en"}
    )
    assert response.status_code == 200
    assert "the most allowed" in response.content.decode()
    # A resend counts too.
    invitation = StaffInvitation.objects.first()
    response = chief_client.post(
        f"/admin/icnk/staffinvitation/{invitation.pk}/resend/", follow=True
    )
    assert "the most allowed" in response.content.decode()
    assert OutboundEmail.objects.count() == 2


def test_an_address_that_got_an_account_meanwhile_cannot_use_its_link(client, chief):
    invite(chief)
    link = last_link()
    make_staff("newcomer", EDITORS)  # newcomer@example.org, created some other way
    response = client.post(
        link, {"name": "X", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 410
    assert User.objects.filter(email="newcomer@example.org").count() == 1


def test_the_users_page_offers_invite_staff_to_administrators(chief_client):
    html = chief_client.get("/admin/auth/user/").content.decode()
    assert 'href="/admin/icnk/staffinvitation/add/"' in html


def test_the_invitation_page_works_in_each_language(client, chief):
    for language, word in (("en", "Editor"), ("ko", "편집자"), ("ja", "編集者")):
        invite(chief, address=f"{language}@example.org", language=language)
        assert word in client.get(last_link()).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_invitations_list_costs_the_same_at_any_size(
    chief_client, chief, count, django_assert_num_queries, settings
):
    settings.STAFF_INVITATIONS_PER_DAY = 100
    others = [make_staff(f"admin{n}", ADMINISTRATORS) for n in range(3)]
    for n in range(count):
        invite(others[n % 3], address=f"p{n}@example.org")
    assert chief_client.get("/admin/icnk/staffinvitation/").status_code == 200
    # 10: one more than the page needs, asking whether the viewer is an administrator (System)
    with django_assert_num_queries(10):
        response = chief_client.get("/admin/icnk/staffinvitation/")
    assert response.content.decode().count("@example.org</a>") >= count
