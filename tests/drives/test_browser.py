"""The sign-on journey in a real browser: the secretariat starts a drive, members answer from
their mail, the text changes and is re-confirmed, the statement is published."""

import datetime
import html
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import authenticator, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def worker():
    call_command("worker", batch=True, interval=0, verbosity=0)


def link_in(message):
    return re.search(r"https?://\S+/sign/\S+/", message.body).group(0)


def mail_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_drive_from_invitation_to_released_statement(live_server, page, artifacts_dir):
    from icnk.demo import SITE
    from icnk.models import SiteSettings
    from members.models import Organization
    from statements.models import Statement

    SiteSettings.objects.create(pk=1, **SITE)
    editor = User.objects.create_user("editor", "e@example.org", "an-editor-password-1")
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name="Secretariat editors"))
    device = authenticator(editor)
    draft = Statement.objects.create(
        title="Call for accountability",
        slug="call-for-accountability",
        language="en",
        summary="The coalition calls for accountability.",
        body="The coalition calls for accountability for crimes against humanity.",
    )
    Statement.objects.create(
        title="책임 규명 촉구",
        slug="call-ko",
        language="ko",
        body="연대는 반인도범죄에 대한 책임 규명을 촉구합니다.",
        translation_of=draft,
    )
    seoul = Organization.objects.create(
        name="Seoul Rights Watch", country="KR", contact_email="s@example.org", language="ko"
    )
    Organization.objects.create(name="Declining Group", country="US", contact_email="d@x.org")
    Organization.objects.create(name="Late Endorser", country="GB", contact_email="l@x.org")

    # 1. The secretariat starts a drive on the draft, inviting all active members.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/drives/drive/add/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("an-editor-password-1")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/admin/drives/drive/add/")
    page.locator("#id_statement").select_option(label="Call for accountability")
    deadline = timezone.localtime() + datetime.timedelta(days=5)
    page.locator("#id_deadline_0").fill(deadline.strftime("%Y-%m-%d"))
    page.locator("#id_deadline_1").fill("18:00:00")
    page.get_by_label("Invite all active member organizations").check()
    page.locator("input[name=_save]").click()
    assert "3 invitations queued for sending." in page.locator(".messagelist").inner_text()

    # 2. The invitation mails go out; Seoul's is in Korean.
    worker()
    invitation = mail_to("s@example.org")[0]
    assert "책임 규명 촉구" in invitation.subject
    page.set_content(
        f"<h1>{html.escape(invitation.subject)}</h1><pre>{html.escape(invitation.body)}</pre>"
    )
    page.screenshot(path=artifacts_dir / "drive-1-invitation-mail.png", full_page=True)

    # 3. Seoul signs in Korean; the Declining Group declines.
    seoul_link = link_in(invitation)
    assert "/ko/sign/" in seoul_link
    page.goto(seoul_link)
    assert page.locator("html").get_attribute("lang") == "ko"
    assert "책임 규명 촉구" in page.locator("article h2").inner_text()
    page.get_by_role("button", name="이 성명에 서명").click()
    assert "Seoul Rights Watch" in page.locator(".signatories").inner_text()
    page.screenshot(path=artifacts_dir / "drive-2-sign-on-ko.png", full_page=True)
    page.goto(link_in(mail_to("d@x.org")[0]))
    page.get_by_role("button", name="Decline").click()
    assert "Declining Group" not in page.locator(".signatories").inner_text()

    # 4. The text changes materially; the secretariat asks the signer to re-confirm.
    draft.body += "\n\nWe also call for a referral to the International Criminal Court."
    draft.save()
    page.goto(f"{live_server.url}/admin/drives/drive/")
    page.get_by_role("row", name=re.compile("Call for accountability")).get_by_role(
        "checkbox"
    ).check()
    page.locator("select[name=action]").select_option("ask_to_reconfirm")
    page.get_by_role("button", name="Run").click()
    assert "1 member asked to re-confirm." in page.locator(".messagelist").inner_text()
    worker()
    page.goto(seoul_link)
    assert page.get_by_role("alert").count() == 1  # "the text has changed since you signed"
    page.get_by_role("button", name="이 성명에 서명").click()

    # The tally: per member, answer, time and version (current after re-confirmation).
    from drives.models import Drive

    # The drive's own id: on PostgreSQL ids are not reused between tests.
    drive_id = Drive.objects.get().pk
    page.goto(f"{live_server.url}/admin/drives/invitation/?drive={drive_id}")
    rows = page.locator("#result_list").inner_text()
    assert "Seoul Rights Watch" in rows and "(current)" in rows and "No answer" in rows
    page.screenshot(path=artifacts_dir / "drive-3-tally.png", full_page=True)

    # 5. The statement is published from the statement desk.
    page.goto(f"{live_server.url}/admin/statements/statement/?language=en")
    page.get_by_role("row", name=re.compile("Call for accountability")).get_by_role(
        "checkbox"
    ).check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Run").click()
    assert "Call for accountability" in page.locator("#content-main").inner_text()
    page.screenshot(path=artifacts_dir / "drive-4-publish-confirmation.png", full_page=True)
    page.get_by_role("button", name="Yes, publish now").click()
    assert "1 statement published." in page.locator(".messagelist").inner_text()

    # 6. Two days later the last member signs: a dated later endorsement.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        page.goto(link_in(mail_to("l@x.org")[0]))
        page.get_by_role("button", name="Sign this statement").click()
        page.goto(f"{live_server.url}/en/statements/call-for-accountability/")
        signatories = page.locator(".signatories").inner_text()
    assert "Seoul Rights Watch" in signatories
    assert "Declining Group" not in signatories
    assert re.search(r"Late Endorser\s+endorsed later, on", signatories), signatories
    page.screenshot(path=artifacts_dir / "drive-4-released-statement.png", full_page=True)
    assert seoul.signatures.get().signed_on == timezone.localdate()
