"""An invited person, in a real browser: invitation page, password, two-factor, the admin, and
their own sign-in history."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from icnk import staff
from icnk.models import OutboundEmail, StaffInvitation
from icnk.roles import ADMINISTRATORS
from tests.factories import make_staff, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a quiet harbour at dawn 42"


def test_invited_editor_joins_sets_up_two_factor_and_reads_their_sign_ins(
    live_server, page, artifacts_dir, site_settings
):
    chief = make_staff("chief", ADMINISTRATORS)
    chief.first_name = "Hana Lee"
    chief.save()
    staff.staff_invitation_create(
        invitation=StaffInvitation(email="minji@example.org", role="editor", language="en"),
        invited_by=chief,
    )
    body = OutboundEmail.objects.get().body
    link = re.search(r"https?://\S+/admin/invitation/\S+/", body).group(0)
    assert link.startswith(live_server.url)

    page.goto(link)
    assert "Hana Lee invited you" in page.locator("#content-main").inner_text()
    page.get_by_label("Your name").fill("Kim Min-ji")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.screenshot(path=artifacts_dir / "invite-1-invitation.png", full_page=True)
    page.get_by_role("button", name="Create my account").click()

    page.wait_for_url(re.compile(r"/admin/two-factor/"))
    assert "otpauth://" in page.content()
    device = TOTPDevice.objects.get(user__username="minji@example.org", confirmed=False)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    recovery_code = page.locator(".recovery-codes code").first.inner_text()
    page.get_by_role("link", name="I have saved them — continue").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    page.get_by_role("link", name="Sign-in history").click()
    page.wait_for_url(f"{live_server.url}/admin/sign-ins/")
    rows = page.locator(".sign-in-history tbody tr")
    assert rows.count() == 1
    assert "Signed in" in rows.first.inner_text()
    assert "127.0.0.1" in rows.first.inner_text()
    assert "Chrome" in rows.first.inner_text()

    # Signed out; a wrong password; then in again with the password and a recovery code.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("minji@example.org")
    page.locator("#id_password").fill("not the right one at all")
    page.get_by_role("button", name="Log in").click()
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(recovery_code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/sign-ins/")
    outcomes = [row.split("\t")[1] for row in rows.all_inner_texts()]
    assert outcomes == ["Signed in", "Wrong password", "Signed in"]
    assert "JST" in rows.last.inner_text() and "—" not in rows.last.inner_text()  # signed out
    page.screenshot(path=artifacts_dir / "invite-2-sign-in-history.png", full_page=True)
