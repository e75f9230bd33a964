"""The desk in a real browser at 1280 px, light and dark, after a real two-factor sign-in."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_morning_at_the_desk():
    """The demo coalition, plus what a desk holds on a working morning."""
    from icnk.audit import record_change
    from icnk.models import OutboundEmail, SiteSettings
    from icnk.roles import ADMINISTRATORS
    from members.models import JoinRequest
    from statements.models import Statement
    from tests.factories import make_staff

    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    now = timezone.now()
    for days, name, kind, country in [
        (4, "Committee for Human Rights in North Korea", "organization", "US"),
        (2, "Kim Seo-yeon", "individual", "KR"),
        (0, "Transitional Justice Working Group", "organization", "KR"),
    ]:
        JoinRequest.objects.create(
            kind=kind,
            name=name,
            country=country,
            email=f"{days}@example.org",
            status=JoinRequest.Status.PENDING,
            submitted_at=now - datetime.timedelta(days=days, hours=5),
            verified_at=now - datetime.timedelta(days=days, hours=4),
        )
    Statement.objects.create(
        title="Ten years after the Commission of Inquiry",
        slug="ten-years-after-the-coi",
        language="en",
        kind=Statement.Kind.JOINT_STATEMENT,
        body="Draft.",
        status=Statement.Status.PUBLISHED,
        published_at=now + datetime.timedelta(days=1, hours=3),
    )
    draft = Statement.objects.create(
        title="Letter to the Special Rapporteur",
        slug="letter-to-the-special-rapporteur",
        language="en",
        kind=Statement.Kind.OPEN_LETTER,
        body="Draft.",
    )
    Statement.objects.filter(pk=draft.pk).update(updated_at=now - datetime.timedelta(hours=2))
    translation = Statement.objects.filter(translation_of__isnull=False).first()
    Statement.objects.filter(pk=translation.pk).update(
        updated_at=translation.translation_of.updated_at - datetime.timedelta(days=3)
    )
    OutboundEmail.objects.create(
        to="contact@example.org",
        subject="Welcome to the coalition",
        body="…",
        status=OutboundEmail.Status.FAILED,
        attempts=12,
        last_error="SMTPRecipientsRefused: mailbox unavailable",
    )
    ada = make_staff("ada", ADMINISTRATORS)
    record_change(ada, draft, "Changed body.")
    record_change(ada, Statement.objects.filter(translation_of__isnull=True).first(), "Published")
    record_change(ada, SiteSettings.load(), "Changed mission (Korean).")


def test_the_desk_at_1280_px_in_light_and_dark(live_server, browser, page, artifacts_dir):
    # Screenshots for a reader of the note go to test-artifacts/ (not committed): any machine.
    shots = artifacts_dir
    from icnk.roles import EDITORS
    from tests.factories import authenticator, make_staff, totp_code

    a_morning_at_the_desk()
    device = authenticator(make_staff("eve", EDITORS, password="a-long-test-password-1"))
    admin = f"{live_server.url}/admin/"
    page.goto(f"{admin}login/")
    page.fill("#id_username", "eve")
    page.fill("#id_password", "a-long-test-password-1")
    page.get_by_role("button").last.click()
    page.wait_for_url(f"{admin}two-factor/?next=/admin/")
    page.fill("#id_code", totp_code(device))
    page.get_by_role("button").last.click()
    page.wait_for_url(admin)

    assert page.locator("h1").first.inner_text() == "The desk"
    assert page.locator(".desk-panel").count() >= 6
    assert "waiting 4\xa0days" in page.locator("#desk-join-requests").inner_text()
    assert "JST" in page.locator("#desk-scheduled").inner_text()
    # Nothing runs off the screen sideways at 1280 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=shots / "desk-dashboard.png", full_page=True)
    page.emulate_media(color_scheme="dark")
    page.reload()
    page.screenshot(path=shots / "desk-dashboard-dark.png", full_page=True)
    page.emulate_media(color_scheme="light")
    # The same desk for a secretariat member whose browser asks for Japanese.
    japanese = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    japanese.add_cookies(page.context.cookies())
    ja_page = japanese.new_page()
    ja_page.goto(admin)
    assert ja_page.locator("h1").first.inner_text() == "業務状況"
    ja_page.screenshot(path=shots / "desk-dashboard-ja.png", full_page=True)
    japanese.close()

    # From the desk to the failed message, and "Retry now": two clicks.
    page.locator("#desk-outbox").get_by_role("link", name="Welcome to the coalition").click()
    page.get_by_role("button", name="Retry now").click()
    assert "1 message will be sent again now." in page.locator(".messagelist").inner_text()
    page.screenshot(path=shots / "desk-outbox-retried.png", full_page=True)
    assert page.get_by_role("button", name="Retry now").count() == 1  # still queued, not sent
