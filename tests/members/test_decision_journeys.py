"""Decisions where the record is, counted in a real browser (issue 14, item 9).

Each journey starts on the admin's front page after signing in, and counts what a person does:
clicks (and key presses that submit), and the pages the browser loads. Before this work,
approving a join request took 6 clicks (list, tick, action menu, choice, Run, …) and a
take-down 6 interactions; the target is at most 3.
"""

import re

import pytest

from tests.factories import authenticator, make_staff, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Journey:
    """Counts a person's clicks and the pages their browser loads."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.loads = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()
        self.page.wait_for_load_state()

    def report(self, name, artifacts_dir):
        line = f"{name}: {self.clicks} clicks, {self.loads} page loads\n"
        with open(artifacts_dir / "click-journeys.txt", "a", encoding="utf-8") as out:
            out.write(line)
        print(line, end="")


def start(page, live_server, user, device):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "a-long-test-password-1")
    page.get_by_role("button").last.click()
    page.fill("#id_code", totp_code(device))
    page.get_by_role("button").last.click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return Journey(page)


def test_approving_a_join_request_takes_three_clicks(live_server, page, artifacts_dir):
    from icnk.demo import SITE
    from icnk.models import OutboundEmail, SiteSettings
    from icnk.roles import EDITORS
    from members.models import JoinRequest, Organization

    SiteSettings.objects.create(pk=1, **SITE)
    request = JoinRequest.objects.create(
        kind=JoinRequest.Kind.ORGANIZATION,
        status=JoinRequest.Status.PENDING,
        name="Seoul Rights Watch",
        local_name="서울인권감시",
        country="KR",
        organization_kind="national_ngo",
        website="https://seoulrights.example.org",
        description="Monitors detention conditions.",
        contact_name="Park Ji-won",
        email="jiwon@seoulrights.example.org",
        language="ko",
        accepted_objectives=True,
    )
    editor = make_staff("eve", EDITORS)
    journey = start(page, live_server, editor, authenticator(editor))

    journey.click(page.get_by_role("link", name="Requests to join").first)
    journey.click(page.get_by_role("link", name="Seoul Rights Watch"))
    page.wait_for_url(re.compile(rf".*/joinrequest/{request.pk}/change/$"))
    page.screenshot(path=artifacts_dir / "decide-joinrequest.png", full_page=True)
    journey.click(page.get_by_role("button", name="Approve"))

    assert "Seoul Rights Watch is approved and welcomed by email" in (
        page.locator(".messagelist").inner_text()
    )
    assert Organization.objects.filter(name="Seoul Rights Watch").count() == 1
    assert OutboundEmail.objects.filter(to="jiwon@seoulrights.example.org").count() == 1
    journey.report("approving a join request", artifacts_dir)
    assert journey.clicks <= 3 and journey.loads <= 3


def test_taking_a_person_down_takes_three_clicks(live_server, page, artifacts_dir):
    from icnk.demo import SITE
    from icnk.models import SiteSettings
    from icnk.roles import ADMINISTRATORS
    from members.models import Supporter, Visibility

    SiteSettings.objects.create(pk=1, **SITE)
    person = Supporter.objects.create(
        full_name="Kim Young-hwan", visibility=Visibility.FULL_NAME, country="KR"
    )
    Supporter.objects.create(full_name="Suzanne Scholte", visibility=Visibility.FULL_NAME)
    chief = make_staff("chief", ADMINISTRATORS)
    journey = start(page, live_server, chief, authenticator(chief))

    journey.click(page.get_by_role("link", name="Individual supporters").first)
    row = page.get_by_role("row", name=re.compile("Kim Young-hwan"))
    journey.click(row.get_by_role("link", name="Take down…"))
    assert "Take down Kim Young-hwan" in page.locator("h1").inner_text()
    journey.click(page.get_by_role("button", name="Take down now"))

    assert "Taken down from every public page." in page.locator(".messagelist").inner_text()
    person.refresh_from_db()
    assert person.taken_down_at is not None and person.visibility == Visibility.HIDDEN
    journey.report("taking a person down (from the list)", artifacts_dir)
    assert journey.clicks <= 3 and journey.loads <= 3


def test_the_persons_page_offers_take_down_export_and_erase_together(
    live_server, page, artifacts_dir
):
    from icnk.demo import SITE
    from icnk.models import SiteSettings
    from icnk.roles import ADMINISTRATORS
    from members.models import Supporter, Visibility

    SiteSettings.objects.create(pk=1, **SITE)
    person = Supporter.objects.create(
        full_name="Kim Young-hwan", visibility=Visibility.FULL_NAME, country="KR"
    )
    chief = make_staff("chief", ADMINISTRATORS)
    journey = start(page, live_server, chief, authenticator(chief))

    journey.click(page.get_by_role("link", name="Individual supporters").first)
    journey.click(page.get_by_role("link", name="Kim Young-hwan"))
    actions = page.locator(".person-actions")
    for name in ("Take down", "Export data", "Erase data"):
        assert actions.get_by_role("link", name=name, exact=True).is_visible()
    # The three sit on one line, well above Delete at the bottom of the form.
    tops = {round(actions.get_by_role("link", name=n, exact=True).bounding_box()["y"])
            for n in ("Take down", "Export data", "Erase data")}  # fmt: skip
    assert len(tops) == 1
    delete = page.locator("a.deletelink").bounding_box()
    assert delete["y"] - tops.pop() > 300
    page.screenshot(path=artifacts_dir / "decide-supporter.png", full_page=False)
    journey.click(actions.get_by_role("link", name="Take down", exact=True))
    journey.click(page.get_by_role("button", name="Take down now"))
    person.refresh_from_db()
    assert person.taken_down_at is not None
    journey.report("taking a person down (from their page)", artifacts_dir)
    assert journey.clicks <= 4
