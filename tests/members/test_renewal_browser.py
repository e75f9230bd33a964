"""In a real browser, on the demo coalition: the directory's former members, and a member in
its grace period renewing through its link."""

from io import StringIO

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_in_grace_renews_and_former_members_are_listed(live_server, page, artifacts_dir):
    from icnk import demo as site_demo
    from members import demo, renewal
    from members.models import Organization

    site_demo.load(StringIO())
    demo.load(StringIO())

    page.goto(f"{live_server.url}/en/members/")
    # The member in its grace period is still counted; the lapsed one and the former one not.
    assert (
        "39 organizations from 11 countries and 7 individual supporters"
        in page.locator(".directory__headline").inner_text()
    )
    former = page.locator(".directory__former")
    assert "Tokyo Study Group on North Korean Human Rights" in former.inner_text()
    assert "2013–2022" in former.inner_text()
    assert "Seoul Refugee Support Network" not in page.content()  # lapsed, no agreement
    former.scroll_into_view_if_needed()
    former.screenshot(path=artifacts_dir / "renew-former-members.png")

    member = Organization.objects.get(slug=demo.GRACE_MEMBER)
    assert renewal.membership_state(member) == renewal.State.GRACE
    end = renewal.period_end(member)
    token = renewal.make_token(member, end=end)
    page.goto(f"{live_server.url}/en/members/renew/{token}/")
    assert "Burma Partnership" in page.locator(".renew__profile").inner_text()
    page.screenshot(path=artifacts_dir / "renew-page.png", full_page=True)
    page.get_by_role("button", name="Renew my membership").click()
    page.wait_for_load_state()
    assert "You are a member until" in page.locator("main, body").first.inner_text()
    member.refresh_from_db()
    assert member.renewed_until == renewal.add_years(end, 1)
    assert renewal.membership_state(member) == renewal.State.CURRENT
