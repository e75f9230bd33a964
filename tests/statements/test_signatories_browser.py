"""The signatory desk in a real browser at 1280 px: the rows fit, many are added at once."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import authenticator, make_staff, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username, device, password="a-long-test-password-1"):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button").last.click()
    page.fill("#id_code", totp_code(device))
    page.get_by_role("button").last.click()
    page.wait_for_url(f"{live_server.url}/admin/")


def test_signatories_fit_1280_px_and_many_are_added_at_once(live_server, page, artifacts_dir):
    from icnk.demo import SITE
    from icnk.models import SiteSettings
    from icnk.roles import ADMINISTRATORS
    from members.models import Organization, Supporter, Visibility
    from statements.models import Signature, Statement

    SiteSettings.objects.create(pk=1, **SITE)
    statement = Statement.objects.create(
        title="Coalition calls for accountability",
        slug="accountability",
        language="en",
        body="A body.",
        status=Statement.Status.DRAFT,
    )
    names = [
        ("Citizens' Alliance for North Korean Human Rights", "북한인권시민연합", "KR"),
        ("Life Funds for North Korean Refugees", "北朝鮮難民救援基金", "JP"),
        ("Committee for Human Rights in North Korea", "", "US"),
        ("Database Center for North Korean Human Rights", "북한인권정보센터", "KR"),
        ("Society to Help Returnees to North Korea", "北朝鮮帰国者の生命と人権を守る会", "JP"),
    ]
    orgs = [
        Organization.objects.create(name=n, local_name=local, country=c, slug=f"org-{i}")
        for i, (n, local, c) in enumerate(names)
    ]
    for i, organization in enumerate(orgs[:3]):
        Signature.objects.create(
            statement=statement, organization=organization, order=i + 1,
            withdrawn_on=timezone.localdate() if i == 2 else None,
            signed_on=timezone.localdate() - datetime.timedelta(days=3),
        )  # fmt: skip
    Supporter.objects.create(full_name="Suzanne Scholte", visibility=Visibility.FULL_NAME)
    device = authenticator(make_staff("eve", ADMINISTRATORS))
    # An administrator: their rows also carry the Delete box, the widest the table gets.
    sign_in(page, live_server, "eve", device)

    page.goto(f"{live_server.url}/admin/statements/statement/{statement.pk}/change/")
    group = page.locator("#signatures-group")
    group.scroll_into_view_if_needed()
    assert "2 signatories" in page.locator("#sign-on-state").inner_text()
    fits = page.evaluate(
        """() => {
            const wrapper = document.querySelector('#signatures-group .wrapper');
            const table = wrapper.querySelector('table');
            return [document.documentElement.scrollWidth, window.innerWidth,
                    table.scrollWidth, wrapper.clientWidth];
        }"""
    )
    page.screenshot(path=artifacts_dir / "decide-signatories-inline.png", full_page=True)
    assert fits[0] <= fits[1] and fits[2] <= fits[3], fits

    # Many at once: a pasted list, confirmed, with the line that matched nobody listed.
    page.get_by_role("link", name="Add signatories…").click()
    page.wait_for_url(re.compile(r".*/signatories/$"))
    page.screenshot(path=artifacts_dir / "decide-bulk-add.png", full_page=True)
    page.get_by_label("Names, one a line").fill(
        "database center for north korean human rights\n北朝鮮帰国者の生命と人権を守る会\n"
        "Life Funds for North Korean Refugees\nNo Such Group"
    )
    page.get_by_role("button", name="Match the names").click()
    assert "No Such Group" in page.locator(".signatory-unmatched").inner_text()
    page.screenshot(path=artifacts_dir / "decide-bulk-confirm.png", full_page=True)
    page.get_by_role("button", name="Add the ticked signatories").click()
    expect(page.locator(".messagelist")).to_contain_text("2 signatories added")

    # The search-as-you-type pick (select2, the admin's own autocomplete).
    page.goto(f"{live_server.url}/admin/statements/statement/{statement.pk}/signatories/")
    page.locator(".field-supporters .select2-selection, #id_supporters + .select2").first.click()
    page.keyboard.type("Scholte")
    page.locator(".select2-results__option", has_text="Suzanne Scholte").click()
    page.get_by_role("button", name="Add the chosen signatories").click()
    # Back on the statement's page (on a busy machine, not at once).
    expect(page.locator(".messagelist")).to_contain_text("1 signatory added")
    assert Signature.objects.filter(statement=statement).count() == 6
    assert "5 signatories" in page.locator("#sign-on-state").inner_text()
