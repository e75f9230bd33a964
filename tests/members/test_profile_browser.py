"""In a real browser: a member's contact signs in by the emailed link, edits the Korean
description and uploads a logo; the secretariat approves the diff on the desk; the public page
changes (issue 17, item 8)."""

import os
import re
from pathlib import Path

import pytest

from tests.factories import authenticator, make_staff, png_bytes, run_mail_queue, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots for the issue's note, in test-artifacts/ as the other browser tests' (never
# committed), or where EDITS_SHOTS_DIR says.
SHOTS = Path(
    os.environ.get("EDITS_SHOTS_DIR") or Path(__file__).resolve().parents[2] / "test-artifacts"
)


def shot(page, name, **kwargs):
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    page.screenshot(path=SHOTS / f"edits-{name}.png", **kwargs)


def staff_sign_in(page, live_server, user, device):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "a-long-test-password-1")
    page.get_by_role("button").last.click()
    page.fill("#id_code", totp_code(device))
    page.get_by_role("button").last.click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_a_contact_edits_the_korean_description_and_logo_and_the_desk_approves(
    live_server, browser, page, tmp_path
):
    from icnk.demo import SITE
    from icnk.models import OutboundEmail, SiteSettings
    from icnk.roles import EDITORS
    from members.models import Organization, ProfileChange

    SiteSettings.objects.create(pk=1, **SITE)
    organization = Organization.objects.create(
        name="Open North Korea",
        local_name="열린북한",
        slug="open-north-korea",
        country="KR",
        kind="national_ngo",
        website="https://example.org/onk",
        description_en="Works to open the country to outside information.",
        description_ko="외부 정보를 전하는 단체입니다.",
        contact_name="Kim Min-ji",
        contact_email="minji@onk.example.org",
        language="ko",
    )
    public = f"{live_server.url}/ko/members/open-north-korea/"
    page.goto(public)  # the page is cached from here on
    assert "외부 정보를 전하는 단체입니다." in page.locator("main").inner_text()

    # The contact asks for a sign-in link and opens it from the mail.
    page.goto(f"{live_server.url}/ko/members/area/")
    page.fill("#id_email", "minji@onk.example.org")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    run_mail_queue()
    mail = OutboundEmail.objects.get(to="minji@onk.example.org")
    link = re.search(r"https?://\S+/members/area/link/\S+/", mail.body).group(0)
    page.goto(link)
    page.locator("form.area__sign-in button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/ko/members/area/home/$"))

    # From the area's home to the profile form: the Korean description and a new logo.
    page.get_by_role("link", name="단체 프로필 수정").click()
    page.wait_for_url(re.compile(r".*/ko/members/area/profile/$"))
    assert page.locator("#id_description_ko").input_value() == "외부 정보를 전하는 단체입니다."
    page.fill("#id_description_ko", "북한 주민에게 바깥 세상의 정보를 전하는 단체입니다.")
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes(size=(240, 240), color=(20, 90, 160)))
    page.set_input_files("#id_logo", str(logo))
    shot(page, "form-1280", full_page=True)
    page.get_by_role("button", name="검토 요청 보내기").click()
    page.wait_for_load_state()
    assert "사무국이 검토합니다" in page.locator(".messages").inner_text()
    assert "검토를 기다리고" in page.locator(".profile-edit__pending").inner_text()
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "form-375-ko", full_page=True)

    # Until the secretariat decides, the public page is as it was.
    reader = browser.new_context(locale="ko-KR").new_page()
    reader.goto(public)
    assert "바깥 세상의 정보" not in reader.locator("main").inner_text()
    assert reader.locator("img.organization-header__logo").count() == 0

    # The secretariat: the panel on the desk, the diff, Approve.
    editor = make_staff("eve", EDITORS)
    desk = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    staff_sign_in(desk, live_server, editor, authenticator(editor))
    panel = desk.locator(".desk-panel, section").filter(has_text="Profile changes to review")
    panel.get_by_role("link", name="Open North Korea").first.click()
    desk.wait_for_url(re.compile(r".*/profilechange/\d+/change/$"))
    diff = desk.locator(".field-diff").first
    assert "외부 정보를 전하는 단체입니다." in diff.inner_text()
    assert "바깥 세상의 정보" in diff.inner_text()
    new_logo = desk.locator("img.profile-change__logo--new")
    new_logo.wait_for()
    assert desk.evaluate("img => img.naturalWidth", new_logo.element_handle()) > 0
    shot(desk, "desk-diff-1280", full_page=True)
    desk.get_by_role("button", name="Approve").click()
    desk.wait_for_load_state()
    assert "The changes are on the public page" in desk.locator(".messagelist").inner_text()

    # The public page changes at once, cache and all.
    reader.goto(public)
    described = reader.locator("main").inner_text()
    assert "북한 주민에게 바깥 세상의 정보를 전하는 단체입니다." in described
    organization.refresh_from_db()
    assert organization.logo
    src = reader.locator("img.organization-header__logo").get_attribute("src")
    assert src == organization.logo.url
    assert ProfileChange.objects.get().status == ProfileChange.Status.APPROVED
