"""A journalist's journey in a real browser: from the Japanese statements page to the press
list form, confirm the address, and the request waits on the desk. The form fits a phone."""

import re

import pytest
from django.core.management import call_command

from followers.models import Journalist
from tests.followers.conftest import parse, text_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name, artifacts_dir):
    path = artifacts_dir / f"press-{name}.png"
    page.screenshot(path=path, full_page=True)


def test_a_journalist_asks_in_japanese_and_confirms(live_server, page, smtp, artifacts_dir):
    from icnk.demo import SITE
    from icnk.models import SiteSettings

    SiteSettings.objects.create(pk=1, **SITE)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/ja/statements/")
    page.get_by_role("link", name=re.compile("プレスリストに登録")).click()
    page.wait_for_url(f"{live_server.url}/ja/press/join/")
    # Nothing sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    def textbox(name):
        return page.get_by_role("textbox", name=name, exact=True)

    textbox("お名前").fill("見本 花子")
    textbox("所属媒体").fill("見本新聞")
    textbox("仕事用のメールアドレス").fill("hanako@example.org")
    # The page's language is ticked already.
    assert page.get_by_label("日本語", exact=True).is_checked()
    page.get_by_label("English", exact=True).check()
    page.get_by_label(re.compile("同意します")).check()
    shot(page, "1-form", artifacts_dir)
    page.get_by_role("button", name="プレスリストへの登録を申請する").click()
    page.wait_for_url(f"{live_server.url}/ja/press/join/sent/")

    call_command("worker", batch=True, interval=0, verbosity=0)
    confirmation = parse(smtp.messages[0])
    assert confirmation["To"] == "hanako@example.org"
    link = re.search(r"https?://\S+/ja/press/confirm/\S+/", text_of(confirmation)).group(0)
    page.goto(link)
    assert Journalist.objects.get().status == Journalist.Status.REQUESTED
    shot(page, "2-confirm", artifacts_dir)
    page.get_by_role("button", name="申請を確認する").click()
    assert "申請を確認しました" in page.locator("h1").inner_text()
    journalist = Journalist.objects.get()
    assert journalist.status == Journalist.Status.CONFIRMED
    assert journalist.language_list() == ["ja", "en"] and journalist.outlet == "見本新聞"
