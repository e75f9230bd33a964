"""A reader opens the site in a real browser and switches to Korean."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_switches_the_home_page_to_korean(live_server, page, artifacts_dir):
    from icnk.demo import SITE
    from icnk.models import SiteSettings

    SiteSettings.objects.create(pk=1, **SITE)
    page.goto(f"{live_server.url}/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == SITE["name_en"]

    page.locator(".topbar").get_by_role("link", name="한국어").click()
    page.wait_for_url(f"{live_server.url}/ko/")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").inner_text() == SITE["name_ko"]
    page.screenshot(path=artifacts_dir / "home-ko.png", full_page=True)
