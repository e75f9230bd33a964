"""A reader filters the directory by country in a real browser and opens an organization."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_filters_by_country_and_opens_an_organization(live_server, page, artifacts_dir):
    from io import StringIO

    from icnk import demo as site_demo
    from members import demo

    site_demo.load(StringIO())
    demo.load(StringIO())

    page.goto(f"{live_server.url}/en/members/")
    assert (
        "39 organizations from 11 countries and 7 individual supporters"
        in page.locator(".directory__headline").inner_text()
    )
    page.locator(".facets--countries").get_by_role("link", name="Japan").click()
    page.wait_for_url("**/en/members/?country=JP")
    assert page.locator(".member").count() == 6
    assert page.locator(".supporter").count() == 3
    page.screenshot(path=artifacts_dir / "members-directory-japan.png", full_page=True)

    page.get_by_role("link", name="Life Funds for North Korean Refugees").click()
    page.wait_for_url("**/en/members/life-funds/")
    assert page.locator("h1").inner_text() == "Life Funds for North Korean Refugees"
    local_name = page.locator(".organization-header__local")
    assert local_name.inner_text() == "北朝鮮難民救援基金"
    assert local_name.get_attribute("lang") == "ja"
    page.screenshot(path=artifacts_dir / "members-organization.png", full_page=True)
