import csv
import io

import pytest
from django.contrib.admin.models import LogEntry

from drives import services
from drives.models import Answer, Drive
from icnk.models import OutboundEmail
from tests.factories import login_with_two_factor

pytestmark = pytest.mark.django_db

DRIVES = "/admin/drives/drive/"
TALLY = "/admin/drives/invitation/"


def test_the_secretariat_starts_a_drive_on_a_draft_by_country(client, editor, draft, orgs):
    login_with_two_factor(client, editor)
    assert client.get(f"{DRIVES}add/").status_code == 200
    response = client.post(
        f"{DRIVES}add/",
        {
            "statement": draft.pk,
            "deadline_0": "2099-01-31",
            "deadline_1": "18:00:00",
            "grace_days": 3,
            "reminder_days": 2,
            "note": "Please answer soon.",
            "countries": ["KR", "JP"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    drive = Drive.objects.get()
    assert drive.created_by == editor
    invited = sorted(drive.invitations.values_list("organization__name", flat=True))
    assert invited == ["Citizens' Alliance", "Life Funds"]
    assert OutboundEmail.objects.count() == 2
    assert LogEntry.objects.filter(change_message="Invited 2 members.").exists()


def test_a_deadline_in_the_past_is_refused_with_a_message(client, editor, draft, orgs):
    login_with_two_factor(client, editor)
    response = client.post(
        f"{DRIVES}add/",
        {
            "statement": draft.pk,
            "deadline_0": "2001-01-31",
            "deadline_1": "18:00:00",
            "grace_days": 3,
            "reminder_days": 2,
            "invite_all": "on",
        },
    )
    assert response.status_code == 200
    assert "The deadline must be in the future." in response.content.decode()
    assert not Drive.objects.exists() and not OutboundEmail.objects.exists()


def test_the_tally_shows_each_member_its_answer_and_version_and_exports_csv(
    client, editor, drive, draft, orgs
):
    services.answer(invitation=drive.invitations.get(organization=orgs[0]), choice="signed")
    services.answer(invitation=drive.invitations.get(organization=orgs[1]), choice="declined")
    draft.body += " Changed."
    draft.save()
    login_with_two_factor(client, editor)
    page = client.get(f"{TALLY}?drive={drive.pk}").content.decode()
    assert "Citizens&#x27; Alliance" in page and "(earlier)" in page and "No answer" in page
    only_signed = client.get(f"{TALLY}?drive={drive.pk}&answer=signed").content.decode()
    assert "Life Funds" not in only_signed and "Citizens&#x27; Alliance" in only_signed
    listing = client.get(DRIVES).content.decode()
    assert "Answers per member" in listing
    ids = list(drive.invitations.values_list("pk", flat=True))
    response = client.post(
        TALLY, {"action": "export_csv", "_selected_action": ids, "drive": drive.pk}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    by_member = {row[1]: row for row in rows[1:]}
    assert by_member["Citizens' Alliance"][3] == "signed"
    assert by_member["Citizens' Alliance"][6] == "False"  # signed an earlier text
    assert by_member["Jane Roe"][3] == "no answer"


def test_remind_now_and_ask_to_reconfirm_are_audited(client, editor, drive, draft, orgs):
    services.answer(invitation=drive.invitations.get(organization=orgs[0]), choice="signed")
    services.answer(invitation=drive.invitations.get(organization=orgs[1]), choice="declined")
    login_with_two_factor(client, editor)
    before = OutboundEmail.objects.count()
    client.post(DRIVES, {"action": "remind_now", "_selected_action": [drive.pk]})
    assert OutboundEmail.objects.count() == before + 2  # neither the signer nor the decliner
    assert LogEntry.objects.filter(change_message="Reminder sent to 2 members.").exists()
    draft.title = "A changed title"
    draft.save()
    client.post(DRIVES, {"action": "ask_to_reconfirm", "_selected_action": [drive.pk]})
    assert LogEntry.objects.filter(change_message__contains="re-confirm").exists()
    assert drive.invitations.get(organization=orgs[0]).reconfirm_asked_at is not None
    assert Answer.objects.count() == 2  # asking changes no answer


def test_publishing_through_the_statement_form_also_releases_the_drive(
    client, editor, drive, draft, orgs
):
    services.answer(invitation=drive.invitations.get(organization=orgs[0]), choice="signed")
    draft.status = "published"
    draft.published_at = drive.deadline
    draft.save()
    drive.refresh_from_db()
    assert drive.state == Drive.State.RELEASED
    assert draft.signatures.count() == 1


def test_the_desk_lists_drives_in_progress_with_counts_and_the_deadline(
    client, editor, drive, orgs, site_settings
):
    site_settings.time_zone = "Asia/Seoul"
    site_settings.save()
    services.answer(invitation=drive.invitations.get(organization=orgs[0]), choice="signed")
    services.answer(invitation=drive.invitations.get(organization=orgs[1]), choice="declined")
    login_with_two_factor(client, editor)
    response = client.get("/admin/")
    panel = next(p for p in response.context["panels"] if p["key"] == "drives-in-progress")
    assert panel["count"] == 1
    [row] = panel["rows"]
    assert row.label == "Call for accountability"
    assert row.detail == "1 signed · 1 declined · 2 no answer"
    assert row.url == f"{TALLY}?drive={drive.pk}"
    page = response.content.decode()
    assert "KST" in page  # the deadline in the coalition's zone, named


def test_the_drives_panel_is_hidden_from_staff_who_may_not_view_drives(client, drive):
    from django.contrib.auth.models import Permission

    from icnk.roles import EDITORS
    from tests.factories import make_staff

    user = make_staff("nora", EDITORS)
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_statement"))
    login_with_two_factor(client, user)
    keys = [p["key"] for p in client.get("/admin/").context["panels"]]
    assert "drafts" in keys and "drives-in-progress" not in keys


def test_the_drive_page_links_to_its_tally(client, editor, drive):
    login_with_two_factor(client, editor)
    page = client.get(f"{DRIVES}{drive.pk}/change/").content.decode()
    assert f"{TALLY}?drive={drive.pk}" in page
    assert client.get(f"{DRIVES}{drive.pk}/history/").status_code == 200


def test_moving_the_deadline_mails_a_link_to_whoever_has_none(client, editor, drive, orgs):
    """A member's address changed after the deadline: its old link was retired and no new one
    went out (answers were closed). When the desk moves the deadline, the new address gets it."""
    invitation = drive.invitations.get(organization=orgs[0])
    type(invitation).objects.filter(pk=invitation.pk).update(sent_at=None)
    before = OutboundEmail.objects.filter(to="ca@example.org").count()
    login_with_two_factor(client, editor)
    response = client.post(
        f"{DRIVES}{drive.pk}/change/",
        {
            "deadline_0": "2099-02-28",
            "deadline_1": "18:00:00",
            "grace_days": drive.grace_days,
            "reminder_days": drive.reminder_days,
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert OutboundEmail.objects.filter(to="ca@example.org").count() == before + 1
    # Saved again without moving it: nothing more.
    client.post(
        f"{DRIVES}{drive.pk}/change/",
        {
            "deadline_0": "2099-02-28",
            "deadline_1": "18:00:00",
            "grace_days": drive.grace_days,
            "reminder_days": drive.reminder_days,
            "note": "Changed note.",
        },
    )
    assert OutboundEmail.objects.filter(to="ca@example.org").count() == before + 1
