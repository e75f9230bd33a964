"""The whole journey in a real browser: apply, confirm by email, approval, listed."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command

from tests.factories import authenticator, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_applicant_joins_and_appears_in_the_directory(live_server, page, artifacts_dir):
    from icnk.demo import SITE
    from icnk.models import SiteSettings

    SiteSettings.objects.create(pk=1, **SITE)
    editor = User.objects.create_user("editor", "e@example.org", "an-editor-password-1")
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name="Secretariat editors"))
    device = authenticator(editor)

    # 1. The applicant fills in the form.
    page.goto(f"{live_server.url}/en/join/")
    page.get_by_label("Name of the organization").fill("Seoul Rights Watch")
    page.get_by_label("Name in its own language or script").fill("서울인권감시")
    page.get_by_label("Country").select_option("KR")
    page.get_by_label("Kind of organization").select_option("national_ngo")
    page.get_by_label("Website").fill("https://seoulrights.example.org")
    page.get_by_label("Short description").fill("Monitors detention conditions.")
    page.locator("#id_contact_name").fill("Park Ji-won")
    page.get_by_label("Contact email").fill("jiwon@seoulrights.example.org")
    page.get_by_label("How will your organization support the objectives?").fill(
        "We will sign joint statements."
    )
    page.get_by_label("Our organization supports the coalition's objectives set out above.").check()
    page.screenshot(path=artifacts_dir / "join-1-form.png", full_page=True)
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url(f"{live_server.url}/en/join/sent/")
    assert "Check your email" in page.locator("h1").inner_text()
    page.screenshot(path=artifacts_dir / "join-2-check-email.png", full_page=True)

    # 2. The worker sends the mail; the applicant follows the link in it.
    call_command("worker", batch=True, interval=0, verbosity=0)
    link = re.search(r"https?://\S+/join/confirm/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    # The link shows what would be published; the applicant confirms by pressing the button.
    assert "Confirm your request" in page.locator("h1").inner_text()
    assert "Seoul Rights Watch" in page.content()
    page.screenshot(path=artifacts_dir / "join-3-consent.png", full_page=True)
    page.get_by_role("button", name="Confirm my email address and send my request").click()
    assert "your email address is confirmed" in page.locator("h1").inner_text()
    page.screenshot(path=artifacts_dir / "join-3-confirmed.png", full_page=True)

    # 3. A secretariat editor approves the request in the admin.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/members/joinrequest/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("an-editor-password-1")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/admin/members/joinrequest/")
    page.screenshot(path=artifacts_dir / "join-4-review-queue.png", full_page=True)
    page.get_by_role("row", name=re.compile("Seoul Rights Watch")).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("approve")
    page.get_by_role("button", name="Run").click()
    assert "1 request approved" in page.locator(".messagelist").inner_text()

    # 4. The organization is in the public directory.
    page.goto(f"{live_server.url}/en/members/?country=KR")
    page.get_by_role("link", name=re.compile("Seoul Rights Watch")).first.click()
    assert "Seoul Rights Watch" in page.locator("h1").inner_text()
    assert "jiwon@" not in page.content()
    page.screenshot(path=artifacts_dir / "join-5-listed.png", full_page=True)
