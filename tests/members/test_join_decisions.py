"""The decision on a request to join, taken on the request's own page: Approve and Reject."""

import pytest
from django.contrib.auth.models import Group, User

from icnk.models import OutboundEmail
from members.models import JoinRequest, Organization, Supporter
from tests.factories import login_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", "editor@example.org", "a-long-editor-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Secretariat editors"))
    return user


@pytest.fixture
def pending(site_settings):
    return JoinRequest.objects.create(
        kind=JoinRequest.Kind.ORGANIZATION,
        status=JoinRequest.Status.PENDING,
        name="Seoul Rights Watch",
        local_name="서울인권감시",
        country="KR",
        organization_kind="national_ngo",
        email="jiwon@seoulrights.example.org",
        language="ko",
        accepted_objectives=True,
    )


def page_of(join_request):
    return f"/admin/members/joinrequest/{join_request.pk}/change/"


def mail_to(address):
    return OutboundEmail.objects.filter(to=address)


def decide(client, join_request, button, **changes):
    """Press Approve or Reject on the request's page: its form is submitted with the button."""
    fields = [
        "name", "local_name", "display_name", "affiliation", "organization_kind", "website",
        "description", "support_statement", "contact_name", "contact_role", "email", "phone",
    ]  # fmt: skip
    data = {name: getattr(join_request, name) for name in fields}
    data["country"] = join_request.country.code
    data.update(changes)
    return client.post(page_of(join_request), {**data, button: "1"}, follow=True)


def test_a_pending_request_has_approve_and_reject_buttons_on_its_page(client, editor, pending):
    login_with_two_factor(client, editor)
    html = client.get(page_of(pending)).content.decode()
    assert 'form="joinrequest_form" name="_approve"' in html
    assert 'form="joinrequest_form" name="_reject"' in html
    assert "welcomes them by email, in Korean" in html


def test_a_decided_request_offers_no_decision(client, editor, pending):
    pending.status = JoinRequest.Status.REJECTED
    pending.save()
    login_with_two_factor(client, editor)
    html = client.get(page_of(pending)).content.decode()
    assert 'name="_approve"' not in html and 'name="_reject"' not in html


def test_approve_creates_the_member_and_welcomes_them_once_in_their_language(
    client, editor, pending
):
    login_with_two_factor(client, editor)
    # A correction typed into the request before pressing Approve is saved first.
    response = decide(client, pending, "_approve", website="https://srw.example.org")
    assert "Seoul Rights Watch is approved and welcomed by email." in response.content.decode()
    assert Organization.objects.get().website == "https://srw.example.org"
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.APPROVED and pending.decided_by == editor
    welcome = mail_to(pending.email).get()
    assert "가입" in welcome.subject or "환영" in welcome.body  # written in Korean

    # The button pressed twice (a double click, a second tab): no second member, no second mail.
    again = decide(client, pending, "_approve")
    assert "already decided" in again.content.decode()
    assert Organization.objects.count() == 1
    assert mail_to(pending.email).count() == 1


def test_approve_with_a_bad_correction_keeps_what_was_typed_and_decides_nothing(
    client, editor, pending
):
    login_with_two_factor(client, editor)
    response = decide(client, pending, "_approve", name="Seoul Rights Watch e.V.", email="nope")
    assert "Enter a valid email address." in response.content.decode()
    assert 'value="Seoul Rights Watch e.V."' in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.PENDING and pending.name == "Seoul Rights Watch"
    assert not Organization.objects.exists() and not mail_to(pending.email).exists()


def test_reject_saves_a_correction_then_asks_for_the_reason(client, editor, pending):
    login_with_two_factor(client, editor)
    response = decide(client, pending, "_reject", contact_name="Park Ji-won")
    assert response.redirect_chain[-1][0] == f"/admin/members/joinrequest/{pending.pk}/reject/"
    assert "You are rejecting the request of Seoul Rights Watch" in response.content.decode()
    pending.refresh_from_db()
    assert pending.contact_name == "Park Ji-won" and pending.status == JoinRequest.Status.PENDING


def test_reject_asks_for_a_reason_and_changes_nothing_without_one(client, editor, pending):
    login_with_two_factor(client, editor)
    url = f"/admin/members/joinrequest/{pending.pk}/reject/"
    form = client.get(url).content.decode()
    # Emailing the decision is the default: the applicant was promised an answer.
    assert 'name="notify" id="id_notify" checked' in form
    response = client.post(url, {"reason": "  ", "notify": "on"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.PENDING
    assert not mail_to(pending.email).exists()


def test_reject_emails_the_reason_once_in_the_applicants_language(client, editor, pending):
    login_with_two_factor(client, editor)
    url = f"/admin/members/joinrequest/{pending.pk}/reject/"
    data = {"reason": "We could not confirm your work.", "notify": "on"}
    response = client.post(url, data, follow=True)
    assert "the reason is emailed to them" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.REJECTED
    assert pending.rejection_reason == "We could not confirm your work."
    rejection = mail_to(pending.email).get()
    assert "We could not confirm your work." in rejection.body
    assert "안녕하세요" in rejection.body or "사무국" in rejection.body  # Korean

    again = client.post(url, data, follow=True)
    assert "already decided" in again.content.decode()
    assert mail_to(pending.email).count() == 1


def test_reject_without_the_box_sends_no_mail(client, editor, pending):
    login_with_two_factor(client, editor)
    client.post(f"/admin/members/joinrequest/{pending.pk}/reject/", {"reason": "Duplicate."})
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.REJECTED
    assert not mail_to(pending.email).exists()


def test_staff_who_may_only_view_requests_cannot_decide(client, pending, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", password="x-long-pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_joinrequest"))
    login_with_two_factor(client, viewer)
    assert 'name="_approve"' not in client.get(page_of(pending)).content.decode()
    assert client.post(page_of(pending), {"_approve": "1"}).status_code == 403
    reject = f"/admin/members/joinrequest/{pending.pk}/reject/"
    assert client.post(reject, {"reason": "No."}).status_code == 403
    assert not Supporter.objects.exists() and not Organization.objects.exists()
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.PENDING


def test_the_decision_reads_in_japanese_for_a_desk_in_tokyo(client, editor, pending):
    login_with_two_factor(client, editor)
    html = client.get(page_of(pending), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "承認する" in html and "却下する…" in html
    assert "韓国語で歓迎のメールが送られます" in html
