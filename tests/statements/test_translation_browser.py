"""The Korean translation journey in a real browser, counting what it costs the secretariat
(issue 14, item 9: six clicks before the translation desk)."""

import datetime

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-1"


class Counted:
    """Clicks made and pages loaded along a journey."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.loads = 0
        self.fields = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def type(self, selector, text):
        self.fields += 1
        self.page.fill(selector, text)


def _sign_in(page, live_server, user):
    from tests.factories import authenticator, totp_code

    device = authenticator(user)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button").last.click()
    page.wait_for_url("**/admin/two-factor/**")
    page.fill("#id_code", totp_code(device))
    page.get_by_role("button").last.click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_a_korean_translation_from_the_statement_page_in_two_clicks(
    live_server, page, artifacts_dir
):
    from icnk.roles import EDITORS
    from statements.models import Statement
    from tests.factories import make_staff

    original = Statement.objects.create(
        title="Coalition welcomes the Commission of Inquiry",
        slug="welcomes-inquiry",
        language="en",
        dateline="Tokyo",
        summary="Forty organizations welcome the Human Rights Council's decision.",
        body=(
            "The International Coalition **welcomes** the decision of the UN Human Rights "
            "Council to establish a Commission of Inquiry.\n\n"
            "We call on all member states to cooperate with the inquiry."
        ),
        status=Statement.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    _sign_in(page, live_server, make_staff("eve", EDITORS, password=PASSWORD))
    page.goto(f"{live_server.url}/admin/statements/statement/{original.pk}/change/")

    journey = Counted(page)
    journey.click(page.get_by_role("link", name="Add a translation: Korean"))
    page.wait_for_url("**/statements/statement/add/**")
    # The original stays in view beside each field while the translation is typed.
    beside_title = page.locator("#id_title_original")
    assert "Coalition welcomes the Commission of Inquiry" in beside_title.inner_text()
    title_box, original_box = (
        page.locator("#id_title").bounding_box(),
        beside_title.bounding_box(),
    )
    assert original_box["x"] + original_box["width"] <= title_box["x"]  # side by side
    assert abs(original_box["y"] - title_box["y"]) < 40
    journey.type("#id_title", "국제연대, 조사위원회 설치 환영")
    journey.type("#id_summary", "40개 단체가 인권이사회의 결정을 환영합니다.")
    journey.type(
        "#id_body",
        "북한인권범죄철폐국제연대는 유엔 인권이사회의 조사위원회 설치 결정을 **환영**합니다.\n\n"
        "모든 회원국이 조사에 협력할 것을 촉구합니다.",
    )
    journey.type("#id_dateline", "도쿄")
    page.screenshot(path=artifacts_dir / "transl-side-by-side.png", full_page=True)
    # "Save draft": a new translation is a draft until someone publishes it.
    journey.click(page.locator('input[name="_continue"]'))
    page.wait_for_url("**/admin/statements/statement/*/change/**")

    korean = Statement.objects.get(language="ko")
    assert korean.translation_key == original.translation_key
    assert korean.status == Statement.Status.DRAFT
    assert korean.dateline == "도쿄"
    assert (journey.clicks, journey.loads, journey.fields) == (2, 2, 4)
    print(
        f"Korean translation: {journey.clicks} clicks, {journey.loads} page loads, "
        f"{journey.fields} typed fields (before: 6 clicks)"
    )

    # The original changes: the desk's list shows the translation as older, with the change.
    original.body = original.body.replace("all member states", "every state")
    original.save()
    page.goto(f"{live_server.url}/admin/statements/statement/outdated-translations/")
    assert "국제연대, 조사위원회 설치 환영" in page.locator("#content-main").inner_text()
    assert page.locator("table.diff .diff_chg, table.diff .diff_add").count() >= 1
    page.screenshot(path=artifacts_dir / "transl-diff.png", full_page=True)

    # The original's history shows the edit, and the two versions side by side.
    page.goto(f"{live_server.url}/admin/statements/statement/{original.pk}/history/")
    page.screenshot(path=artifacts_dir / "transl-history.png", full_page=True)
    page.get_by_role("link", name="Compare with the version before").first.click()
    assert page.locator("table.diff").count() == 1
    page.screenshot(path=artifacts_dir / "transl-compare.png", full_page=True)

    # The list offers the language still missing (Japanese) on each row.
    page.goto(f"{live_server.url}/admin/statements/statement/")
    row = page.locator("#result_list tbody tr", has_text="Coalition welcomes the Commission")
    assert row.get_by_role("link", name="Add Japanese").count() == 1
    assert row.get_by_role("link", name="Add Korean").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=artifacts_dir / "transl-list.png", full_page=True)
